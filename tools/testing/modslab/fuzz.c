// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the modslab core: random sequences of cache
 * creation over random derivation chains, allocation, frees, bulk calls,
 * shrinking with and without a move callback, destruction, CPU switches
 * and CPU hotplug, RCU grace periods, failure injection, and faults
 * planted in debug caches, with a shadow model checked after every step.
 *
 * Invariants (any violation aborts, which libFuzzer records as a crash):
 *  - no two live objects overlap (a bitmap of the page pool, one bit per
 *    8 bytes); every live object lies in a slab of its own cache, on the
 *    node and in the zone its chain forces, aligned as the cache says;
 *  - object contents survive until free; constructed objects arrive
 *    constructed; SLAB_TYPESAFE_BY_RCU objects keep their contents and
 *    their memory after free until a grace period ends;
 *  - statistics agree with the shadow: error counters exactly, object and
 *    slab counts within bounds, exactly after a shrink, slab hooks seen
 *    made minus freed equal to the slab count; every unfrozen slab's inuse
 *    equals the live objects it holds; node slab counters equal the pages
 *    of all caches; no pages are left once everything is destroyed;
 *  - the debug deriver reports each planted fault once, with the right
 *    kind and pointer, and reports nothing else;
 *  - refusals: bad arguments and nonsensical stacks get -EINVAL, good ones
 *    succeed unless an allocation failure was injected.
 *
 * Input format: a sequence of steps, each an opcode byte followed by the
 * bytes that step reads; reads past the end yield zeroes and end the run.
 * See ops.h for the opcodes (the seed generator uses them too).
 */
#include <linux/allocator.h>
#include <linux/allocator_derive.h>

#include "internal.h"
#include "ops.h"

/* ---- Bookkeeping ----------------------------------------------------- */

#define NR_CHAINS	4
#define NR_CACHES	8
#define MAX_OBJS	4096
#define NR_EXPECT	64
#define NR_READERS	64
#define NR_GRAVEYARD	256
#define PATTERN_MAX	4096

/* OBJ_MAYBE: quarantined while free; the base may or may not hold it yet */
enum { OBJ_CORRUPT = 1, OBJ_QUARANTINED = 2, OBJ_MAYBE = 4 };

struct fobj {
	void *p;
	u32 serial;
	u8 flags;		/* OBJ_* */
};

struct fchain {
	bool used;
	struct page_allocator *pa;
	struct slab_allocator *sa;
	bool pa_owned, sa_owned;	/* we hold a reference */
	bool rcu, reserve;
	int node;			/* bound node or NUMA_NO_NODE */
	unsigned long nodes;		/* interleave mask, 0 if none */
	int zone;			/* highest zone allowed */
	unsigned int dbg;		/* debug flags */
	bool ctor, dtor;
};

struct fcache {
	bool used, dead;
	struct slab_cache *c;
	struct fchain ch;		/* copy of its chain's properties */
	struct slab_cache_hook hook;
	bool has_hook, hook_released;
	long made, freed;		/* slabs seen by the hook */
	unsigned int size, align, flags;
	bool typesafe, freeptr;
	unsigned int freeptr_off;
	bool poison;			/* debug poisons free objects */
	unsigned int usable, objs_per_slab, order, stride;
	unsigned int min_order, min_objects;	/* slabs made under pressure */
	struct fobj *objs;
	unsigned int nr;
	struct fobj *quar;		/* quarantined, no longer ours */
	unsigned int nr_quar, nr_maybe;
	unsigned long exp_double, exp_invalid;
};

struct expect {
	struct fcache *fc;
	enum slab_debug_error err;
	const void *ptr;
};

struct reader {
	const u8 *p;
	unsigned int len;
	u8 snap[16];
};

static struct fchain chains[NR_CHAINS];
static struct fcache caches[NR_CACHES];
static struct expect expects[NR_EXPECT];
static unsigned int nr_expects;
static struct reader readers[NR_READERS];
static unsigned int nr_readers;
static struct slab_cache *graveyard[NR_GRAVEYARD];	/* leaked by design */
static unsigned int nr_graveyard;
static unsigned long *shadow;		/* one bit per 8 bytes of the pool */
static u8 pattern[256 + PATTERN_MAX];
static char outside[64];		/* memory outside the pool */

/* The input */
static const u8 *in_p;
static size_t in_n;
static bool in_done;

/* Totals, printed at exit */
static unsigned long long n_inputs, n_steps, n_ops, n_objs, n_faults;
static unsigned long long n_reports, n_nested, n_moves;
static u32 serial;
static bool nested_active, in_step, shrink_nested_free;
static bool nested_ok;		/* in an allocation call the test made */
static bool validating;		/* in slab_debug_validate() */
static bool shrinking_move;	/* in slab_cache_shrink() with a callback */
static const char *cur_op = "-";

static bool trace;	/* MODSLAB_FUZZ_TRACE=1: print every step */

/* Parameters of the slabifier as set, to predict what it accepts */
static unsigned int p_min_objects, p_min_order, p_max_order, p_min_partial;

static __attribute__((noreturn, format(printf, 1, 2))) void fz_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "modslab fuzz: step %llu (%s), cpu %d: ", n_steps, cur_op, shim_cpu);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

#define CHECK(c, fmt, ...) \
	do { if (unlikely(!(c))) fz_fail("%s:%d: %s: " fmt, __FILE__, __LINE__, #c, ##__VA_ARGS__); } while (0)

static u8 rd8(void)
{
	if (!in_n) {
		in_done = true;
		return 0;
	}
	in_n--;
	return *in_p++;
}

static unsigned int rd16(void)
{
	return rd8() | rd8() << 8;
}

/* ---- Shadow of the pool ------------------------------------------------- */

static unsigned long granule(const void *p)
{
	return ((unsigned long)p - (unsigned long)shim_pool) / 8;
}

/* Mark [p, p+len) live; it must have been free. */
static void shadow_mark(const void *p, unsigned int len, bool set)
{
	unsigned long g = granule(p), end = granule((const u8 *)p + len + 7);

	for (; g < end; g++) {
		if (test_bit(g, shadow) == set)
			fz_fail("object %p (%u bytes) %s a live object at %p", p, len,
				set ? "overlaps" : "was not", shim_pool + g * 8);
		if (set)
			__set_bit(g, shadow);
		else
			__clear_bit(g, shadow);
	}
}

static bool shadow_clear_range(const void *p, unsigned long len)
{
	unsigned long g = granule(p), end = granule((const u8 *)p + len + 7);

	for (; g < end; g++) {
		if (test_bit(g, shadow))
			return false;
	}
	return true;
}

/* ---- Object contents ------------------------------------------------------- */

static unsigned int check_len(struct fcache *fc)
{
	return min(fc->size, (unsigned int)PATTERN_MAX);
}

/* Constructed state: depends on the address only. */
static u8 ctor_byte(const void *p, unsigned int i)
{
	return (u8)(((unsigned long)p >> 3) * 37 + i * 11 + 1);
}

static void fz_ctor(void *p)
{
	struct slab_cache *c = slabifier_cache_of(p);
	unsigned int i, n;

	CHECK(c, "constructor called on %p, not in a slab", p);
	n = min(c->object_size, 64u);
	for (i = 0; i < n; i++)
		((u8 *)p)[i] = ctor_byte(p, i);
}

static bool in_skip(struct fcache *fc, unsigned int i)
{
	return fc->freeptr && i >= fc->freeptr_off && i < fc->freeptr_off + 8;
}

static void check_ctor(struct fcache *fc, const void *p, const char *when)
{
	unsigned int i, n = min(fc->size, 64u);

	for (i = 0; i < n; i++) {
		if (!in_skip(fc, i) && ((const u8 *)p)[i] != ctor_byte(p, i))
			fz_fail("cache %s: object %p not constructed %s (byte %u)",
				fc->c->name, p, when, i);
	}
}

static struct fcache *cache_of_handle(struct slab_cache *c);

/* Objects reach the destructor constructed (but for their free pointer). */
static void fz_dtor(void *p)
{
	struct fcache *fc = cache_of_handle(slabifier_cache_of(p));

	CHECK(fc, "destructor called on %p, not in a slab of a cache", p);
	check_ctor(fc, p, "in the destructor");
}

static void fill(struct fcache *fc, struct fobj *o)
{
	if (fc->ch.ctor)
		return;
	memcpy(o->p, pattern + (o->serial & 255), check_len(fc));
}

static void verify(struct fcache *fc, struct fobj *o, const char *when)
{
	if (fc->ch.ctor) {
		check_ctor(fc, o->p, when);
		return;
	}
	if (memcmp(o->p, pattern + (o->serial & 255), check_len(fc)))
		fz_fail("cache %s: object %p (serial %u) overwritten %s",
			fc->c->name, o->p, o->serial, when);
}

/* ---- Debug reports ----------------------------------------------------------- */

static void expect_report(struct fcache *fc, enum slab_debug_error err, const void *ptr)
{
	CHECK(nr_expects < NR_EXPECT, "too many pending faults");
	expects[nr_expects++] = (struct expect){ fc, err, ptr };
	n_faults++;
}

static bool expect_pending(struct fcache *fc, enum slab_debug_error err, const void *ptr)
{
	unsigned int i;

	for (i = 0; i < nr_expects; i++) {
		if (expects[i].fc == fc && expects[i].err == err && expects[i].ptr == ptr)
			return true;
	}
	return false;
}

static unsigned int expect_count(struct fcache *fc)
{
	unsigned int i, n = 0;

	for (i = 0; i < nr_expects; i++)
		n += expects[i].fc == fc;
	return n;
}

/* Validate a debug cache: it must find exactly the faults pending in it. */
static void validate(struct fcache *fc)
{
	unsigned int before = expect_count(fc);
	int found;

	validating = true;
	found = slab_debug_validate(fc->c);
	validating = false;
	n_ops++;
	CHECK(found >= 0 && (unsigned int)found == before && !expect_count(fc),
	      "%s: validate found %d faults of %u planted, %u left", fc->c->name, found,
	      before, expect_count(fc));
}

static struct fobj *find_obj(struct fcache *fc, const void *p, unsigned int *idx)
{
	unsigned int i;

	for (i = 0; i < fc->nr; i++) {
		if (fc->objs[i].p == p) {
			if (idx)
				*idx = i;
			return &fc->objs[i];
		}
	}
	return NULL;
}

static void add_quarantine(struct fcache *fc, void *p, u8 flags)
{
	fc->quar = realloc(fc->quar, (fc->nr_quar + 1) * sizeof(*fc->quar));
	CHECK(fc->quar, "no memory");
	fc->quar[fc->nr_quar++] = (struct fobj){ .p = p, .flags = flags };
	fc->nr_maybe += !!(flags & OBJ_MAYBE);
}

/* Called by the debug deriver, with its lock held and interrupts off. */
static void fz_report(struct slab_cache *c, enum slab_debug_error err,
		      const void *obj, void *private)
{
	struct fcache *fc = private;
	struct fobj *o;
	unsigned int i;

	CHECK(c == fc->c, "report for %s on the hook of %s", c->name, fc->c->name);
	CHECK(shim_irqs_off, "report hook called with interrupts on");
	for (i = 0; i < nr_expects; i++) {
		if (expects[i].fc == fc && expects[i].err == err && expects[i].ptr == obj)
			break;
	}
	if (i == nr_expects)
		fz_fail("cache %s: unexpected debug report, kind %d, pointer %p", c->name, err, obj);
	expects[i] = expects[--nr_expects];
	n_reports++;
	/* The object is quarantined: never handed out again */
	if (err == SLABDBG_ERR_POISON) {
		/* A free slot: the cache keeps it from now on */
		shadow_mark(obj, fc->usable, true);
		/*
		 * Found while validating, or as a move target (which the
		 * base frees again): it may be in the base's free lists.
		 */
		add_quarantine(fc, (void *)obj,
			       validating || shrinking_move ? OBJ_MAYBE : 0);
	} else if (err == SLABDBG_ERR_REDZONE) {
		o = find_obj(fc, obj, NULL);
		/* Being freed: release() moved it to the quarantine already */
		for (i = 0; !o && i < fc->nr_quar; i++) {
			if (fc->quar[i].p == obj)
				o = &fc->quar[i];
		}
		CHECK(o && (o->flags & OBJ_CORRUPT), "redzone report on %p", obj);
		o->flags = OBJ_QUARANTINED;
	}
}

/* Objects quarantined while free in [lo, hi) go with their slab. */
static void forget_quarantined(const u8 *lo, const u8 *hi)
{
	unsigned int i, c;

	for (c = 0; c < NR_CACHES; c++) {
		struct fcache *fc = &caches[c];

		for (i = 0; fc->used && i < fc->nr_quar; ) {
			const u8 *p = fc->quar[i].p;

			if (p < lo || p >= hi) {
				i++;
				continue;
			}
			CHECK(fc->quar[i].flags & OBJ_MAYBE,
			      "slab %p freed with quarantined object %p", lo, p);
			shadow_mark(p, fc->usable, false);
			fc->quar[i] = fc->quar[--fc->nr_quar];
			fc->nr_maybe--;
		}
	}
}

/* A slab lost its type: faults planted in its free objects go with it. */
static void fz_slab_type(struct folio *folio, bool set)
{
	const u8 *lo = folio_address(folio);
	const u8 *hi = lo + (PAGE_SIZE << folio_order(folio));
	unsigned int i;

	if (set)
		return;
	/* Quarantined while free: goes with its slab, unless handed out before */
	forget_quarantined(lo, hi);
	for (i = 0; i < nr_expects; ) {
		const u8 *p = expects[i].ptr;

		if (p >= lo && p < hi) {
			CHECK(expects[i].err == SLABDBG_ERR_POISON,
			      "slab %p freed with a fault of kind %d at %p unreported",
			      lo, expects[i].err, p);
			expects[i] = expects[--nr_expects];
			continue;
		}
		i++;
	}
}

/* ---- Slab hook of the test ------------------------------------------------------ */

static int fz_slab_made(struct slab_cache_hook *hook, struct slab_cache *c,
			const struct slab_event *ev, gfp_t gfp)
{
	struct fcache *fc = hook->private;
	unsigned long len = (unsigned long)ev->objects * ev->stride;

	CHECK(c == fc->c, "hook of %s called for %s", fc->c->name, c->name);
	CHECK(((ev->objects == fc->objs_per_slab && ev->order == fc->order) ||
	       (ev->objects == fc->min_objects && ev->order == fc->min_order)) &&
	      ev->stride == fc->stride && ev->object_size == fc->size,
	      "slab event %u objects of %u (%u) order %u", ev->objects,
	      ev->stride, ev->object_size, ev->order);
	CHECK(IS_ALIGNED((unsigned long)ev->base, fc->c->align), "slab base %p", ev->base);
	CHECK(ev->node == page_to_nid(virt_to_page(ev->base)), "event node %d", ev->node);
	CHECK(shadow_clear_range((u8 *)ev->base - fc->c->left_pad, len),
	      "new slab %p holds live objects", ev->base);
	if (in_step && !in_done && rd8() == 0x5a) {
		shim_failed_injected = true;
		return -ENOMEM;
	}
	fc->made++;
	return 0;
}

static void fz_slab_freeing(struct slab_cache_hook *hook, struct slab_cache *c,
			    const struct slab_event *ev)
{
	struct fcache *fc = hook->private;
	unsigned long len = (unsigned long)ev->objects * ev->stride;

	CHECK(c == fc->c, "hook of %s called for %s", fc->c->name, c->name);
	/* Objects quarantined while free are in the base's free lists */
	forget_quarantined((u8 *)ev->base - fc->c->left_pad,
			   (u8 *)ev->base - fc->c->left_pad + len);
	CHECK(shadow_clear_range((u8 *)ev->base - fc->c->left_pad, len),
	      "slab %p of %s freed with live objects", ev->base, c->name);
	fc->freed++;
}

static void fz_hook_release(struct slab_cache_hook *hook)
{
	struct fcache *fc = hook->private;

	CHECK(!fc->hook_released, "hook released twice");
	fc->hook_released = true;
}

static const struct slab_hook_ops fz_hook_ops = {
	.slab_made	= fz_slab_made,
	.slab_freeing	= fz_slab_freeing,
	.release	= fz_hook_release,
};

/* ---- Checks on objects and caches -------------------------------------------- */

static void check_placement(struct fcache *fc, const void *p)
{
	struct folio *folio;
	const u8 *base;
	int nid;

	CHECK(virt_addr_valid(p), "cache %s: object %p outside the pool", fc->c->name, p);
	CHECK(IS_ALIGNED((unsigned long)p, fc->c->align) &&
	      IS_ALIGNED((unsigned long)p, max(fc->align, 8u)),
	      "cache %s: object %p not aligned to %u", fc->c->name, p, fc->c->align);
	CHECK(slabifier_cache_of(p) == fc->c, "cache %s: object %p in a slab of %p",
	      fc->c->name, p, slabifier_cache_of(p));
	folio = virt_to_folio(p);
	base = folio_address(folio);
	CHECK(folio_order(folio) == fc->order || folio_order(folio) == fc->min_order,
	      "cache %s: slab order %u, not %u or %u", fc->c->name, folio_order(folio),
	      fc->order, fc->min_order);
	CHECK((const u8 *)p + fc->usable <= base + (PAGE_SIZE << folio_order(folio)),
	      "cache %s: object %p runs past its slab", fc->c->name, p);
	nid = folio_nid(folio);
	if (fc->ch.node != NUMA_NO_NODE)
		CHECK(nid == fc->ch.node, "cache %s: slab on node %d, bound to %d",
		      fc->c->name, nid, fc->ch.node);
	if (fc->ch.nodes)
		CHECK(fc->ch.nodes & (1UL << nid), "cache %s: slab on node %d, not in %#lx",
		      fc->c->name, nid, fc->ch.nodes);
	CHECK(page_zonenum(&folio->page) <= fc->ch.zone, "cache %s: slab in zone %d",
	      fc->c->name, page_zonenum(&folio->page));
}

static void check_stats(struct fcache *fc, bool exact)
{
	struct slab_cache_stats st;
	unsigned long live = fc->nr + fc->nr_quar - fc->nr_maybe;

	slab_cache_stats(fc->c, &st);
	n_ops++;
	CHECK(st.object_size == fc->size && st.size == fc->stride &&
	      st.objs_per_slab == fc->objs_per_slab && st.order == fc->order,
	      "cache %s: layout changed", fc->c->name);
	CHECK(st.num_objs <= st.num_slabs * st.objs_per_slab &&
	      st.num_objs >= st.num_slabs * fc->min_objects, "%s: %lu objects in %lu slabs",
	      fc->c->name, st.num_objs, st.num_slabs);
	CHECK(st.pages <= st.num_slabs << st.order && st.pages >= st.num_slabs << fc->min_order,
	      "%s: %lu pages in %lu slabs", fc->c->name, st.pages, st.num_slabs);
	CHECK(st.partial_slabs <= st.num_slabs && st.active_slabs <= st.num_slabs,
	      "%s: slab counts", fc->c->name);
	CHECK(st.active_objs <= st.num_objs && st.active_objs >= live,
	      "%s: %lu active objects, %lu live, %lu in all", fc->c->name,
	      st.active_objs, live, st.num_objs);
	CHECK(st.double_frees == fc->exp_double && st.invalid_frees == fc->exp_invalid,
	      "%s: %lu double frees (expected %lu), %lu invalid (expected %lu)",
	      fc->c->name, st.double_frees, fc->exp_double, st.invalid_frees,
	      fc->exp_invalid);
	/* Under an rcu page allocator the hook sees a slab go after its grace period */
	if (fc->has_hook)
		CHECK(fc->made - fc->freed == (long)st.num_slabs ||
		      (fc->ch.rcu && fc->made - fc->freed > (long)st.num_slabs),
		      "%s: hook saw %ld slabs made, %ld freed; %lu slabs", fc->c->name,
		      fc->made, fc->freed, st.num_slabs);
	if (exact) {
		CHECK(st.active_objs >= live && st.active_objs <= live + fc->nr_maybe,
		      "%s: after shrink %lu active objects, %lu live (%u maybe)",
		      fc->c->name, st.active_objs, live, fc->nr_maybe);
		CHECK(st.active_slabs == st.num_slabs, "%s: empty slabs after shrink",
		      fc->c->name);
	}
}

static struct fcache *cache_of_handle(struct slab_cache *c)
{
	unsigned int i;

	for (i = 0; i < NR_CACHES; i++) {
		if (caches[i].used && caches[i].c == c)
			return &caches[i];
	}
	return NULL;
}

/*
 * The whole picture: every live object, every slab of the pool, the node
 * counters.  Every unfrozen slab holds exactly as many allocated objects
 * as the shadow says.
 */
static void sweep(void)
{
	static u16 live_in[SHIM_POOL_PAGES], maybe_in[SHIM_POOL_PAGES];
	long bytes = 0, nodes = 0;
	unsigned long slabs[NR_CACHES] = { 0 }, pages[NR_CACHES] = { 0 };
	unsigned long objs[NR_CACHES] = { 0 }, pfn;
	unsigned int i, j;
	int nid;

	memset(live_in, 0, sizeof(live_in));
	memset(maybe_in, 0, sizeof(maybe_in));
	for (i = 0; i < NR_CACHES; i++) {
		struct fcache *fc = &caches[i];
		struct slab_cache_stats st;

		if (!fc->used)
			continue;
		for (j = 0; j < fc->nr + fc->nr_quar; j++) {
			struct fobj *o = j < fc->nr ? &fc->objs[j] : &fc->quar[j - fc->nr];

			check_placement(fc, o->p);
			if (j < fc->nr && !(o->flags & (OBJ_CORRUPT | OBJ_QUARANTINED)))
				verify(fc, o, "while allocated");
			if (o->flags & OBJ_MAYBE)
				maybe_in[page_to_pfn(&virt_to_folio(o->p)->page)]++;
			else
				live_in[page_to_pfn(&virt_to_folio(o->p)->page)]++;
		}
		slab_cache_stats(fc->c, &st);
		bytes += st.pages * PAGE_SIZE;
	}
	for (pfn = 0; pfn < SHIM_POOL_PAGES; pfn++) {
		struct folio *folio = (struct folio *)&shim_mem_map[pfn];
		struct mslab *slab = folio_mslab(folio);
		struct fcache *fc;

		if (shim_page_info[pfn].state != SHIM_PAGE_HEAD || !mslab_folio_test(folio))
			continue;
		/*
		 * A slab given back under an rcu page allocator stays a slab,
		 * and in the node counters, until its grace period: not the
		 * cache's any more.
		 */
		if (shim_rcu_queued(&slab->rcu_head)) {
			bytes += PAGE_SIZE << shim_page_info[pfn].order;
			continue;
		}
		fc = cache_of_handle(slabifier_cache_of(folio_address(folio)));
		CHECK(fc, "slab %p belongs to no cache", folio_address(folio));
		slabs[fc - caches]++;
		pages[fc - caches] += 1UL << shim_page_info[pfn].order;
		objs[fc - caches] += slab->objects;
		CHECK(shim_page_info[pfn].order == fc->order ||
		      shim_page_info[pfn].order == fc->min_order, "slab order");
		CHECK(slab->objects == (shim_page_info[pfn].order == fc->order ?
					fc->objs_per_slab : fc->min_objects) &&
		      slab->inuse <= slab->objects,
		      "%s: slab %p: %u of %u objects in use", fc->c->name,
		      folio_address(folio), slab->inuse, slab->objects);
		if (!slab->frozen)
			CHECK(slab->inuse >= live_in[pfn] && slab->inuse <= live_in[pfn] + maybe_in[pfn],
			      "%s: slab %p counts %u objects in use, %u are allocated (chain %s dbg %#x ctor %d rcu %d, size %u, %u quarantined)",
			      fc->c->name, folio_address(folio), slab->inuse, live_in[pfn],
			      fc->c->page_allocator->name, fc->ch.dbg, fc->ch.ctor, fc->ch.rcu,
			      fc->size, fc->nr_quar);
		else	/* remote frees onto a frozen slab count down inuse */
			CHECK(slab->inuse >= live_in[pfn], "%s: frozen slab %p: %u in use, %u allocated",
			      fc->c->name, folio_address(folio), slab->inuse, live_in[pfn]);
	}
	for (i = 0; i < NR_CACHES; i++) {
		struct slab_cache_stats st;

		if (!caches[i].used)
			continue;
		slab_cache_stats(caches[i].c, &st);
		CHECK(slabs[i] == st.num_slabs && pages[i] == st.pages && objs[i] == st.num_objs,
		      "%s: %lu slabs, %lu pages, %lu objects in the pool, stats say %lu, %lu, %lu",
		      caches[i].c->name, slabs[i], pages[i], objs[i], st.num_slabs, st.pages,
		      st.num_objs);
	}
	for_each_node(nid)
		nodes += shim_pgdat[nid].vm_stat[NR_SLAB_RECLAIMABLE_B] +
			 shim_pgdat[nid].vm_stat[NR_SLAB_UNRECLAIMABLE_B];
	CHECK(nodes == bytes, "node counters say %ld bytes of slabs, caches hold %ld",
	      nodes, bytes);
	for (i = 0; i < nr_readers; i++)
		CHECK(!memcmp(readers[i].p, readers[i].snap, readers[i].len),
		      "SLAB_TYPESAFE_BY_RCU object %p changed while free", readers[i].p);
}

/* ---- Allocation and free ------------------------------------------------------- */

static gfp_t pick_gfp(struct fcache *fc, bool *irqs)
{
	u8 b = rd8();
	gfp_t gfp;

	switch (b & 7) {
	case 6:
		gfp = GFP_ATOMIC;
		break;
	case 7:
		gfp = GFP_NOWAIT;
		break;
	default:
		gfp = GFP_KERNEL;
	}
	if ((b & 8) && !fc->ch.ctor)
		gfp |= __GFP_ZERO;
	/* Atomic callers sometimes come with interrupts off */
	*irqs = !gfpflags_allow_blocking(gfp) && (b & 16);
	return gfp;
}

static void readers_forget(const void *p)
{
	unsigned int i;

	for (i = 0; i < nr_readers; ) {
		if (readers[i].p == p)
			readers[i] = readers[--nr_readers];
		else
			i++;
	}
}

/* Take in an object the allocator handed out. */
static void took(struct fcache *fc, void *p, gfp_t gfp)
{
	struct fobj *o;
	unsigned int i;

	CHECK(fc->nr < MAX_OBJS, "too many objects");
	if (!fc->usable) {
		fc->usable = slab_cache_object_size(fc->c, p);
		n_ops++;
		CHECK(fc->usable >= fc->size, "%s: usable size %u of %u", fc->c->name,
		      fc->usable, fc->size);
	}
	check_placement(fc, p);
	shadow_mark(p, fc->usable, true);
	if (fc->typesafe)
		readers_forget(p);
	if (gfp & __GFP_ZERO) {
		for (i = 0; i < check_len(fc); i++)
			CHECK(!((u8 *)p)[i], "%s: __GFP_ZERO object %p byte %u", fc->c->name, p, i);
	}
	o = &fc->objs[fc->nr++];
	o->p = p;
	o->serial = serial++;
	o->flags = 0;
	if (fc->ch.ctor)
		check_ctor(fc, p, "on allocation");
	fill(fc, o);
	n_objs++;
}

/* An allocation failed: only allowed if a failure was injected or memory ran out. */
static void failed(struct fcache *fc, const char *what)
{
	CHECK(shim_failed_injected || shim_failed_oom, "%s: %s failed with no failure injected",
	      fc->c->name, what);
}

static void do_alloc(struct fcache *fc, bool nested)
{
	unsigned long fallbacks = shim_node_fallbacks, flags = 0;
	bool irqs, node_op;
	gfp_t gfp;
	void *p;
	int node = NUMA_NO_NODE;
	u8 b;

	gfp = pick_gfp(fc, &irqs);
	if (nested) {
		gfp = (gfp & __GFP_ZERO) | GFP_ATOMIC;
		irqs = true;
	}
	b = rd8();
	node_op = b & 1;
	if (node_op)
		node = (b >> 1) % 5 - 1;	/* -1 .. 3: nodes 2 and 3 do not exist */
	shim_failed_injected = shim_failed_oom = false;
	if (irqs)
		local_irq_save(flags);
	nested_ok = true;
	p = node_op ? slab_cache_alloc_node(fc->c, gfp, node) : slab_cache_alloc(fc->c, gfp);
	nested_ok = false;
	if (irqs)
		local_irq_restore(flags);
	n_ops++;
	if (trace)
		fprintf(stderr, "  %salloc%s(%d) from %p: %p\n", nested ? "nested " : "",
			node_op ? "_node" : "", node, fc->c, p);
	if (!p) {
		failed(fc, "allocation");
		return;
	}
	took(fc, p, gfp);
	if (node >= 0 && node < SHIM_NODES && fc->ch.node == NUMA_NO_NODE && !fc->ch.nodes &&
	    !fc->ch.reserve && shim_node_fallbacks == fallbacks && !shim_failed_injected &&
	    fc->ch.zone == ZONE_NORMAL)
		CHECK(page_to_nid(virt_to_page(p)) == node, "%s: allocated on node %d, asked %d",
		      fc->c->name, page_to_nid(virt_to_page(p)), node);
}

/* Take an object out of the shadow before giving it back. */
static void *release(struct fcache *fc, unsigned int idx, bool *corrupt)
{
	struct fobj o = fc->objs[idx];

	fc->objs[idx] = fc->objs[--fc->nr];
	*corrupt = o.flags & OBJ_CORRUPT;
	if (trace)
		fprintf(stderr, "  free %p to %p\n", o.p, fc->c);
	if (o.flags & OBJ_QUARANTINED) {
		/* The debug cache keeps it: it stays allocated, unused */
		fc->quar = realloc(fc->quar, (fc->nr_quar + 1) * sizeof(*fc->quar));
		CHECK(fc->quar, "no memory");
		fc->quar[fc->nr_quar++] = o;
		return o.p;
	}
	if (!o.flags)
		verify(fc, &o, "before free");
	if (o.flags & OBJ_CORRUPT) {
		/* Freeing it reports the red zone and quarantines it */
		fc->quar = realloc(fc->quar, (fc->nr_quar + 1) * sizeof(*fc->quar));
		CHECK(fc->quar, "no memory");
		fc->quar[fc->nr_quar++] = o;
		return o.p;
	}
	shadow_mark(o.p, fc->usable, false);
	if (fc->typesafe && !fc->freeptr && nr_readers < NR_READERS) {
		struct reader *r = &readers[nr_readers++];

		r->p = o.p;
		r->len = min(fc->size, 16u);
		memcpy(r->snap, o.p, r->len);
	}
	return o.p;
}

static void do_free(struct fcache *fc, bool nested)
{
	unsigned long flags = 0;
	bool corrupt, irqs;
	unsigned int idx;
	void *p;
	u8 b;

	if (!fc->nr)
		return;
	b = rd8();
	idx = (b | rd8() << 8) % fc->nr;
	irqs = nested || (b & 0x80);
	p = release(fc, idx, &corrupt);
	if (irqs)
		local_irq_save(flags);
	slab_cache_free(fc->c, p);
	if (irqs)
		local_irq_restore(flags);
	n_ops++;
	if (corrupt)
		CHECK(!expect_pending(fc, SLABDBG_ERR_REDZONE, p),
		      "%s: red zone of %p overwritten, free did not report it", fc->c->name, p);
	if (nested)
		shrink_nested_free = true;
}

/* ---- The test's own actions when a page is allocated ------------------------------ */

static struct fcache *pick_cache(u8 b, bool alive);

/*
 * A page allocation is where the allocator may sleep and migrate, and
 * where an interrupt may come with no allocator lock held: run one there.
 */
static void fz_page_alloc(gfp_t gfp, unsigned int order)
{
	struct fcache *fc;
	u8 b;

	if (!nested_ok || nested_active || in_done)
		return;
	b = rd8();
	if ((b & 7) > 1)
		return;
	nested_active = true;
	n_nested++;
	if (trace)
		fprintf(stderr, "  page allocation of order %u: %s\n", order,
			b & 1 ? "migrate" : "interrupt");
	if (b & 1) {
		/* Preempted and migrated */
		if (gfpflags_allow_blocking(gfp)) {
			int cpu = (b >> 3) % NR_CPUS;

			if (cpu_online(cpu))
				shim_cpu = cpu;
		}
	} else {
		/* An interrupt allocates or frees */
		fc = pick_cache(b >> 3, (b >> 7) & 1);
		if (fc && !fc->dead && (b & 0x40))
			do_alloc(fc, true);
		else if (fc)
			do_free(fc, true);
		shim_check_quiescent("nested operation");
	}
	nested_active = false;
}

static void fz_grace_period(void)
{
	unsigned int i;

	/* Readers must find their objects unchanged until now */
	for (i = 0; i < nr_readers; i++)
		CHECK(!memcmp(readers[i].p, readers[i].snap, readers[i].len),
		      "SLAB_TYPESAFE_BY_RCU object %p changed before a grace period",
		      readers[i].p);
	nr_readers = 0;
}

/* ---- Chains and caches ------------------------------------------------------------ */

static void chain_put(struct fchain *ch)
{
	if (ch->sa_owned)
		slab_allocator_put(ch->sa);
	if (ch->pa_owned)
		page_allocator_put(ch->pa);
	memset(ch, 0, sizeof(*ch));
}

/* Derive one page allocator layer; returns false if it was refused. */
static bool add_pa_layer(struct fchain *ch, u8 b)
{
	struct page_allocator *pa = NULL;
	bool must_refuse = false;
	int nid;

	shim_failed_injected = false;
	switch (b % 8) {
	case 0:
		return true;
	case 1:
		must_refuse = ch->rcu;
		pa = rcu_page_allocator(ch->pa);
		break;
	case 2:
	case 3:
		/*
		 * No DMA memory on node 1: refused if bound to it or
		 * interleaving over it; refused over a reserve.
		 */
		must_refuse = ch->node == 1 || (ch->nodes & 2) || ch->reserve ||
			      (ch->zone != ZONE_NORMAL && ch->zone != (b % 8 == 2 ? ZONE_DMA : ZONE_DMA32));
		pa = b % 8 == 2 ? dma_page_allocator(ch->pa) : dma32_page_allocator(ch->pa);
		break;
	case 4:
		pa = gfp_page_allocator(ch->pa, (b & 8 ? __GFP_RECLAIMABLE : 0) |
					(b & 16 ? __GFP_NOWARN : 0) |
					(b & 32 ? __GFP_NORETRY : 0));
		must_refuse = !(b & (8 | 16 | 32));
		break;
	case 5:
		nid = (b >> 3) % 4;
		must_refuse = ch->node != NUMA_NO_NODE || ch->nodes || nid >= SHIM_NODES ||
			      ch->reserve ||
			      (nid == 1 && ch->zone != ZONE_NORMAL);
		pa = node_page_allocator(ch->pa, nid);
		break;
	case 6: {
		nodemask_t m = NODE_MASK_NONE;

		m.bits[0] = (b >> 3) & 15;
		must_refuse = ch->node != NUMA_NO_NODE || ch->nodes || !m.bits[0] ||
			      ch->reserve ||
			      (m.bits[0] & ~3UL) || ((m.bits[0] & 2) && ch->zone != ZONE_NORMAL);
		pa = interleave_page_allocator(ch->pa, &m);
		if (!IS_ERR(pa))
			ch->nodes = m.bits[0];
		break;
	}
	case 7:
		must_refuse = ch->rcu || ch->reserve;
		pa = reserve_page_allocator(ch->pa, (b >> 3) & 3, 1 + ((b >> 5) & 7));
		break;
	}
	n_ops++;
	if (IS_ERR(pa)) {
		CHECK(PTR_ERR(pa) == -EINVAL || (PTR_ERR(pa) == -ENOMEM &&
		      (shim_failed_injected || shim_failed_oom)),
		      "page allocator layer %d: error %ld", b % 8, PTR_ERR(pa));
		return false;
	}
	CHECK(!must_refuse, "page allocator layer %d (byte %#x) over %s accepted", b % 8, b,
	      ch->pa->name);
	if (b % 8 == 1)
		ch->rcu = true;
	else if (b % 8 == 2)
		ch->zone = ZONE_DMA;
	else if (b % 8 == 3)
		ch->zone = ZONE_DMA32;
	else if (b % 8 == 5)
		ch->node = (b >> 3) % 4;
	else if (b % 8 == 7)
		ch->reserve = true;
	if (ch->pa_owned)
		page_allocator_put(ch->pa);
	ch->pa = pa;
	ch->pa_owned = true;
	return true;
}

static bool make_chain(struct fchain *ch)
{
	struct slab_allocator *sa;
	unsigned int i, n, dbg;
	u8 b;

	memset(ch, 0, sizeof(*ch));
	ch->pa = buddy_page_allocator();
	ch->sa = slabifier_allocator();
	ch->node = NUMA_NO_NODE;
	ch->zone = ZONE_NORMAL;
	ch->used = true;
	b = rd8();
	n = b & 3;
	for (i = 0; i < n; i++)
		add_pa_layer(ch, rd8());

	if (b & 4) {
		dbg = rd8() & 31;
		shim_failed_injected = false;
		sa = debug_slab_allocator(ch->sa, dbg);
		n_ops++;
		if (!dbg) {
			CHECK(IS_ERR(sa) && PTR_ERR(sa) == -EINVAL, "debug flags 0 accepted");
		} else if (!IS_ERR(sa)) {
			ch->sa = sa;
			ch->sa_owned = true;
			ch->dbg = dbg;
			/* A second debug layer is refused */
			sa = debug_slab_allocator(ch->sa, SLABDBG_SANITY);
			n_ops++;
			CHECK(IS_ERR(sa), "debug over debug accepted");
		} else {
			CHECK(shim_failed_injected, "debug deriver failed: %ld", PTR_ERR(sa));
		}
	}
	if (b & 8) {
		bool dtor = b & 16;

		shim_failed_injected = false;
		sa = ctor_slab_allocator(ch->sa, fz_ctor, dtor ? fz_dtor : NULL);
		n_ops++;
		if (!IS_ERR(sa)) {
			if (ch->sa_owned)
				slab_allocator_put(ch->sa);
			ch->sa = sa;
			ch->sa_owned = true;
			ch->ctor = true;
			ch->dtor = dtor;
			/* Nothing may go over a constructor but nothing */
			sa = ctor_slab_allocator(ch->sa, fz_ctor, NULL);
			n_ops++;
			CHECK(IS_ERR(sa), "ctor over ctor accepted");
			sa = debug_slab_allocator(ch->sa, SLABDBG_ALL);
			n_ops++;
			CHECK(IS_ERR(sa), "debug over ctor accepted");
		} else {
			CHECK(shim_failed_injected, "ctor deriver failed: %ld", PTR_ERR(sa));
		}
	}
	return true;
}

static const unsigned int sizes[] = {
	1, 8, 13, 16, 24, 32, 64, 96, 100, 128, 192, 256, 500, 512, 1000,
	1024, 2048, 3000, 4096, 5000, 8192, 12000, 40000, 70000,
};

static void do_create(struct fcache *fc)
{
	struct slab_cache_args args = {};
	struct slab_cache_stats st;
	struct fchain *ch;
	bool must_fail = false, plain;
	unsigned int size, i;
	struct slab_cache *c;
	u8 b = rd8(), f = rd8();

	memset(fc, 0, sizeof(*fc));
	ch = &chains[(b >> 4) % NR_CHAINS];
	if (!ch->used || (b & 8)) {
		if (ch->used)
			chain_put(ch);
		make_chain(ch);
	}

	switch (b & 7) {
	case 0:
		size = 1 + rd8();
		break;
	case 1:
		size = 1 + rd16() % 4096;
		break;
	case 2:
		size = 1 + rd16() % 16384;
		break;
	case 3:
		size = f & 0x80 ? 0 : (PAGE_SIZE << MAX_PAGE_ORDER) + rd8();
		break;
	default:
		size = sizes[rd8() % ARRAY_SIZE(sizes)];
	}
	if (f & 1) {
		i = rd8();
		args.align = i & 0x80 ? 24 : 1U << (i % 13);
	}
	if (f & 2)
		args.flags |= SLAB_HWCACHE_ALIGN;
	if (f & 4)
		args.flags |= SLAB_RECLAIM_ACCOUNT;
	if (f & 8)
		args.flags |= SLAB_TYPESAFE_BY_RCU;
	if ((f & 0x30) == 0x30)
		args.flags |= SLAB_POISON;	/* not the slabifier's */
	if ((f & 0x30) == 0x10)
		args.preserve_free = true;
	if ((f & 0x30) == 0x20 && size >= 8) {
		args.use_freeptr_offset = true;
		i = rd8();
		args.freeptr_offset = i & 0x80 ? ALIGN_DOWN(size - 8, 8) : (i % 8) * 4;
	}
	if (f & 0x40) {
		args.nr_hooks = 1;
		args.hooks[0] = &fc->hook;
		fc->hook.ops = &fz_hook_ops;
		fc->hook.private = fc;
		fc->has_hook = true;
	}

	/* What must be refused whatever the chain */
	must_fail = !size || (args.align & (args.align - 1)) || (args.flags & SLAB_POISON) ||
		    ((args.flags & SLAB_TYPESAFE_BY_RCU) && !ch->rcu) ||
		    (ch->dtor && ch->rcu);
	if (!ch->dbg && args.use_freeptr_offset &&
	    (args.freeptr_offset % 8 || args.freeptr_offset + 8 > size))
		must_fail = true;
	plain = !ch->dbg && !ch->ctor;

	shim_failed_injected = shim_failed_oom = false;
	c = slab_cache_create(ch->sa, ch->pa, "fuzz", size, &args);
	n_ops++;
	if (IS_ERR(c)) {
		CHECK(PTR_ERR(c) == -EINVAL || PTR_ERR(c) == -ENOMEM, "create: %ld", PTR_ERR(c));
		if (PTR_ERR(c) == -ENOMEM)
			CHECK(shim_failed_injected || shim_failed_oom, "create: -ENOMEM");
		else
			CHECK(must_fail || size > (PAGE_SIZE << MAX_PAGE_ORDER) / 2,
			      "create of %u bytes (align %u flags %#x freeptr %d:%u) refused",
			      size, args.align, args.flags, args.use_freeptr_offset,
			      args.freeptr_offset);
		return;
	}
	CHECK(!must_fail, "create of %u bytes (align %u flags %#x freeptr %d:%u) accepted",
	      size, args.align, args.flags, args.use_freeptr_offset, args.freeptr_offset);
	fc->used = true;
	fc->c = c;
	fc->ch = *ch;
	fc->size = size;
	fc->align = args.align;
	fc->flags = args.flags;
	fc->typesafe = args.flags & SLAB_TYPESAFE_BY_RCU;
	fc->freeptr = args.use_freeptr_offset;
	fc->freeptr_off = args.freeptr_offset;
	fc->objs = malloc(MAX_OBJS * sizeof(*fc->objs));
	CHECK(fc->objs, "no memory");
	slab_cache_stats(c, &st);
	n_ops++;
	if (trace) {
		char desc[128];

		page_allocator_describe(ch->pa, desc, sizeof(desc));
		fprintf(stderr, "  cache %p: %u bytes (%u/%u), %u per slab of order %u, chain %s dbg %#x ctor %d dtor %d, flags %#x%s%s%s\n",
			c, size, c->size, c->align, st.objs_per_slab, st.order, desc,
			ch->dbg, ch->ctor, ch->dtor, args.flags,
			args.preserve_free ? " preserve" : "", args.use_freeptr_offset ? " freeptr" : "",
			fc->has_hook ? " hook" : "");
	}
	fc->objs_per_slab = st.objs_per_slab;
	fc->order = st.order;
	fc->stride = c->size;
	/* Under pressure, slabs of the smallest order holding one object */
	fc->min_order = min(st.order, get_order(c->size));
	fc->min_objects = min_t(unsigned long, (PAGE_SIZE << fc->min_order) / c->size,
				MSLAB_MAX_OBJECTS);
	fc->poison = (ch->dbg & SLABDBG_POISON) && !ch->ctor && !fc->typesafe &&
		     !args.preserve_free && !fc->freeptr;
	if (ch->dbg)
		slab_debug_set_report(c, fz_report, fc);

	CHECK(c->object_size == size && c->size >= size && is_power_of_2(c->align) &&
	      c->align >= max(args.align, 8u), "%s: layout %u/%u/%u", c->name,
	      c->object_size, c->size, c->align);
	CHECK(st.num_slabs == 0 && st.num_objs == 0 && st.active_objs == 0,
	      "new cache not empty");
	CHECK(st.objs_per_slab >= 1 && (unsigned long)st.objs_per_slab * c->size <=
	      PAGE_SIZE << st.order, "%s: %u objects of %u in order %u", c->name,
	      st.objs_per_slab, c->size, st.order);
	if (is_power_of_2(size) && size <= PAGE_SIZE && size >= 8)
		CHECK(c->align >= size, "%s: %u byte objects aligned to %u", c->name, size, c->align);
	/* Natural alignment: power of two objects fill their slab exactly */
	if (plain && is_power_of_2(size) && size >= 8 && size <= PAGE_SIZE &&
	    args.align <= size && !(args.flags & (SLAB_HWCACHE_ALIGN | SLAB_TYPESAFE_BY_RCU)) &&
	    !args.preserve_free)
		CHECK(c->size == size && st.objs_per_slab == (PAGE_SIZE << st.order) / size,
		      "%u byte objects: stride %u, %u per slab", size, c->size, st.objs_per_slab);
}

/* Free everything and destroy; with @leak, destroy with objects left. */
static void do_destroy(struct fcache *fc, bool leak)
{
	unsigned int i;
	bool corrupt;
	int ret;

	if (fc->dead) {
		/* Destroying a dead cache again changes nothing */
		ret = slab_cache_destroy(fc->c);
		n_ops++;
		CHECK(ret == -EBUSY, "%s: destroyed twice: %d", fc->c->name, ret);
		return;
	}
	/* A dead cache keeps its chain, and a reserve its pages, for good */
	if (leak && (!fc->nr || nr_graveyard == NR_GRAVEYARD || fc->ch.reserve))
		leak = false;
	if (fc->ch.dbg) {
		/* Faults still pending are found now */
		validate(fc);
	}
	/*
	 * Quarantined objects go back to the cache when it is destroyed; the
	 * client never freed them, so no reader may still look at them.
	 */
	for (i = 0; i < fc->nr; ) {
		if (fc->objs[i].flags & OBJ_QUARANTINED)
			readers_forget(release(fc, i, &corrupt));
		else
			i++;
	}
	while (fc->nr > (leak ? 1u : 0u)) {
		void *p = release(fc, fc->nr - 1, &corrupt);

		slab_cache_free(fc->c, p);
		n_ops++;
	}
	if (!fc->nr)
		leak = false;
	while (fc->nr_quar) {
		struct fobj *o = &fc->quar[--fc->nr_quar];

		shadow_mark(o->p, fc->usable, false);
	}
	fc->nr_maybe = 0;
	if (trace) {
		struct slab_cache_stats st;

		slab_cache_stats(fc->c, &st);
		fprintf(stderr, "  destroy %p%s: %u live, %u quarantined; %lu active of %lu in %lu slabs\n",
			fc->c, leak ? " (leaking)" : "", fc->nr, fc->nr_quar, st.active_objs,
			st.num_objs, st.num_slabs);
	}
	ret = slab_cache_destroy(fc->c);
	n_ops++;
	if (leak) {
		CHECK(ret == -EBUSY, "%s: destroyed with %u objects: %d", fc->c->name, fc->nr, ret);
		CHECK(fc->c->flags & SLAB_CACHE_DEAD, "dead cache not marked");
		fc->dead = true;
		return;
	}
	CHECK(ret == 0, "%s: destroy of an empty cache: %d", fc->c->name, ret);
	/* Padding faults are found when the slabs go, at the latest */
	CHECK(!expect_count(fc), "%s: %u planted faults never reported", fc->c->name,
	      expect_count(fc));
	if (fc->has_hook)
		CHECK(fc->hook_released && fc->made == fc->freed,
		      "hook released %d, %ld slabs made, %ld freed", fc->hook_released,
		      fc->made, fc->freed);
	free(fc->objs);
	free(fc->quar);
	memset(fc, 0, sizeof(*fc));
}

/* A dead cache whose last objects were freed is left for good. */
static void bury(struct fcache *fc)
{
	struct slab_cache_stats st;
	bool corrupt;

	while (fc->nr) {
		void *p = release(fc, fc->nr - 1, &corrupt);

		slab_cache_free(fc->c, p);
		n_ops++;
	}
	while (fc->nr_quar)
		shadow_mark(fc->quar[--fc->nr_quar].p, fc->usable, false);
	fc->nr_maybe = 0;
	slab_cache_stats(fc->c, &st);
	CHECK(st.num_slabs == 0, "%s: dead cache keeps %lu slabs after its last free",
	      fc->c->name, st.num_slabs);
	graveyard[nr_graveyard++] = fc->c;
	free(fc->objs);
	free(fc->quar);
	memset(fc, 0, sizeof(*fc));
}

static struct fcache *pick_cache(u8 b, bool alive)
{
	struct fcache *fc = &caches[b % NR_CACHES];
	unsigned int i;

	for (i = 0; i < NR_CACHES && (!fc->used || (alive && fc->dead)); i++)
		fc = &caches[(b + i) % NR_CACHES];
	return fc->used && !(alive && fc->dead) ? fc : NULL;
}

/* The cache a step works on; an empty slot gets a new cache. */
static struct fcache *step_cache(void)
{
	struct fcache *fc = &caches[rd8() % NR_CACHES];

	if (!fc->used && !nested_active)
		do_create(fc);
	return fc->used ? fc : NULL;
}

/* ---- Steps --------------------------------------------------------------------------- */

static enum slab_move_result fz_move(struct slab_cache *c, void *old, void *new,
				     void *private)
{
	struct fcache *fc = private;
	unsigned int idx;
	struct fobj *o;
	bool corrupt;
	u8 b = rd8();

	CHECK(c == fc->c, "move callback for %s on %s", c->name, fc->c->name);
	shim_check_quiescent("move callback");
	might_sleep();
	n_moves++;
	check_placement(fc, new);
	CHECK(shadow_clear_range(new, fc->usable), "%s: move target %p is live", c->name, new);
	if (fc->typesafe)
		readers_forget(new);	/* allocated again, as the target */
	o = find_obj(fc, old, &idx);
	if (!o) {
		CHECK(shrink_nested_free, "%s: asked to move %p, which is not allocated",
		      c->name, old);
		return SLAB_MOVE_DONT_KNOW;
	}
	CHECK(page_to_pfn(virt_to_page(old)) != page_to_pfn(virt_to_page(new)) ||
	      virt_to_folio(old) != virt_to_folio(new), "%s: moved within its slab", c->name);
	if (o->flags)
		return SLAB_MOVE_NO;
	if ((b & 0xf0) == 0x10 && cpu_online(b & 3))
		shim_cpu = b & 3;	/* the client may sleep and migrate */
	switch (b & 7) {
	case 4:
		return SLAB_MOVE_NO;
	case 5:
		return SLAB_MOVE_LATER;
	case 6:
		slab_cache_free(c, release(fc, idx, &corrupt));
		n_ops++;
		return SLAB_MOVE_DONT_NEED;
	case 7:
		return SLAB_MOVE_DONT_KNOW;
	}
	verify(fc, o, "when moved");
	if (!fc->ch.ctor)
		memcpy(new, old, check_len(fc));
	shadow_mark(old, fc->usable, false);
	shadow_mark(new, fc->usable, true);
	o->p = new;
	return SLAB_MOVE_YES;
}

static void do_shrink(struct fcache *fc)
{
	struct slab_cache_stats before, after;
	bool move = rd8() & 1;
	unsigned long pages;

	slab_cache_stats(fc->c, &before);
	shrink_nested_free = false;
	nested_ok = true;
	shrinking_move = move;
	pages = slab_cache_shrink(fc->c, move ? fz_move : NULL, fc);
	shrinking_move = false;
	nested_ok = false;
	n_ops += 2;
	/* Moving allocates, which makes a CPU slab active again */
	check_stats(fc, !move && !shrink_nested_free);
	slab_cache_stats(fc->c, &after);
	if (!move && !shrink_nested_free)
		CHECK(before.pages - after.pages >= pages, "%s: shrink says %lu pages, %lu went",
		      fc->c->name, pages, before.pages - after.pages);
}

static void do_bulk_alloc(struct fcache *fc)
{
	void *p[64];
	unsigned int nr = 1 + rd8() % 64, i;
	bool irqs;
	gfp_t gfp = pick_gfp(fc, &irqs);
	int ret;

	if (fc->nr + nr > MAX_OBJS)
		return;
	shim_failed_injected = shim_failed_oom = false;
	nested_ok = true;
	ret = slab_cache_alloc_bulk(fc->c, gfp, nr, p);
	nested_ok = false;
	n_ops++;
	if (!ret) {
		failed(fc, "bulk allocation");
		return;
	}
	CHECK(ret == (int)nr, "bulk allocation of %u returned %d", nr, ret);
	for (i = 0; i < nr; i++)
		took(fc, p[i], gfp);
}

static void do_bulk_free(struct fcache *fc)
{
	void *p[64];
	unsigned int nr = rd8() % 64, i;
	bool corrupt;

	for (i = 0; i < nr; i++) {
		if (!fc->nr || (rd8() & 15) == 0) {
			p[i] = NULL;	/* ignored */
			continue;
		}
		p[i] = release(fc, rd16() % fc->nr, &corrupt);
	}
	slab_cache_free_bulk(fc->c, nr, p);
	n_ops++;
	for (i = 0; i < nr; i++) {
		if (p[i])
			CHECK(!expect_pending(fc, SLABDBG_ERR_REDZONE, p[i]),
			      "red zone of %p not reported by a bulk free", p[i]);
	}
}

/* Free an object twice in a row, which the core promises to catch. */
static void do_double_free(struct fcache *fc)
{
	enum slab_debug_error kind;
	bool corrupt, same;
	unsigned int idx;
	void *p;

	if (!fc->nr)
		return;
	idx = rd16() % fc->nr;
	if (fc->objs[idx].flags)
		return;
	p = release(fc, idx, &corrupt);
	slab_cache_free(fc->c, p);
	readers_forget(p);
	/* Still in a slab of the cache, or given back with its slab? */
	same = slabifier_cache_of(p) == fc->c;
	if (same)
		fc->exp_double++;
	else
		fc->exp_invalid++;
	kind = same ? SLABDBG_ERR_DOUBLE_FREE : SLABDBG_ERR_INVALID_FREE;
	if (fc->ch.dbg)
		expect_report(fc, kind, p);
	slab_cache_free(fc->c, p);
	n_ops += 2;
	CHECK(!expect_pending(fc, kind, p), "%s: double free of %p not reported", fc->c->name, p);
	check_stats(fc, false);
}

static void do_invalid_free(struct fcache *fc)
{
	u8 b = rd8();
	struct fcache *other;
	void *p = NULL;
	unsigned long pfn;

	switch (b & 3) {
	case 0:
		if (!fc->nr)
			return;
		/* Inside an object, not at the start of any */
		p = (u8 *)fc->objs[rd16() % fc->nr].p + 1 + (b >> 2) % (fc->stride - 1);
		break;
	case 1:
		p = (b & 4) ? ERR_PTR(-EINVAL) : (void *)(outside + 16);
		break;
	case 2:
		other = pick_cache(b >> 2, false);
		if (!other || other == fc || !other->nr)
			return;
		p = other->objs[rd16() % other->nr].p;
		break;
	case 3:
		pfn = rd16() % SHIM_POOL_PAGES;
		if (shim_page_info[pfn].state != SHIM_PAGE_FREE)
			return;
		p = shim_pool + pfn * PAGE_SIZE + 64;
		break;
	}
	fc->exp_invalid++;
	if (fc->ch.dbg)
		expect_report(fc, SLABDBG_ERR_INVALID_FREE, p);
	slab_cache_free(fc->c, p);
	n_ops++;
	CHECK(!expect_pending(fc, SLABDBG_ERR_INVALID_FREE, p), "%s: invalid free of %p not reported",
	      fc->c->name, p);
	check_stats(fc, false);
	/* NULL is no error */
	slab_cache_free(fc->c, NULL);
	n_ops++;
}

/* Plant a fault in a debug cache; it must be reported once. */
static void do_corrupt(struct fcache *fc)
{
	u8 b = rd8();
	unsigned int idx;
	struct fobj *o;
	bool corrupt;
	u8 *p;

	if (!fc->ch.dbg || !fc->nr)
		return;
	idx = rd16() % fc->nr;
	o = &fc->objs[idx];
	if (o->flags)
		return;
	p = o->p;
	switch (b & 3) {
	case 0:
	case 1:
		/* Write past the end, or before the start */
		if (!(fc->ch.dbg & SLABDBG_REDZONE))
			return;
		if (b & 1) {
			if (!fc->c->left_pad)
				return;
			p[-1 - (int)((b >> 2) % fc->c->left_pad)] ^= 0x5a;
		} else {
			p[fc->size] ^= 0x33;
		}
		o->flags = OBJ_CORRUPT;
		expect_report(fc, SLABDBG_ERR_REDZONE, p);
		if (b & 0x80) {
			validate(fc);
		}
		break;
	case 2: {
		/* Write after free */
		unsigned int off = (b >> 2) % fc->size;

		if (!fc->poison)
			return;
		release(fc, idx, &corrupt);
		slab_cache_free(fc->c, p);
		n_ops++;
		if (slabifier_cache_of(p) != fc->c)
			return;		/* its slab went: nothing to write to */
		readers_forget(p);
		p[off] = p[off] == 0x42 ? 0x43 : 0x42;
		expect_report(fc, SLABDBG_ERR_POISON, p);
		if (b & 0x80)
			validate(fc);
		break;
	}
	case 3: {
		/* Write into the padding at the end of the slab */
		struct folio *folio = virt_to_folio(p);
		u8 *base = folio_address(folio);
		bool small = folio_order(folio) != fc->order;
		unsigned long used = (unsigned long)(small ? fc->min_objects :
						     fc->objs_per_slab) * fc->stride;
		unsigned long len = (PAGE_SIZE << folio_order(folio)) - used;

		if (!(fc->ch.dbg & SLABDBG_POISON) || !len || expect_pending(fc, SLABDBG_ERR_PADDING, base))
			return;
		base[used + rd16() % len] ^= 0x11;
		expect_report(fc, SLABDBG_ERR_PADDING, base);
		if (b & 0x80)
			validate(fc);
		break;
	}
	}
}

static void do_query(struct fcache *fc)
{
	void *p;

	CHECK(!slab_cache_valid(fc->c, NULL) && !slab_cache_object_size(fc->c, NULL),
	      "NULL is an object");
	CHECK(!slab_cache_valid(fc->c, outside) && !slab_cache_object_size(fc->c, outside),
	      "memory outside the pool is an object");
	n_ops += 4;
	if (!fc->nr)
		return;
	p = fc->objs[rd16() % fc->nr].p;
	CHECK(slab_cache_valid(fc->c, p) && slab_cache_object_size(fc->c, p) == fc->usable,
	      "%s: live object %p not valid", fc->c->name, p);
	CHECK(!slab_cache_valid(fc->c, (u8 *)p + 1) && !slab_cache_object_size(fc->c, (u8 *)p + 1),
	      "%s: %p + 1 is an object", fc->c->name, p);
	n_ops += 4;
}

static void do_param(void)
{
	static const char *const names[] = { "min_objects", "min_order", "max_order",
					     "min_partial", "nonsense" };
	static const unsigned int vals[] = { 0, 1, 2, 3, 4, 5, 8, 16, 64, 65, 11, 40000 };
	unsigned int n = rd8() % ARRAY_SIZE(names), v = vals[rd8() % ARRAY_SIZE(vals)];
	unsigned int *var = NULL, lo = 0, hi = 64;
	char buf[16];
	bool ok;
	int ret;

	switch (n) {
	case 0:
		var = &p_min_objects; hi = 32767;	/* 0: by the CPUs */
		break;
	case 1:
		var = &p_min_order; hi = p_max_order;
		break;
	case 2:
		var = &p_max_order; lo = p_min_order; hi = min(MAX_PAGE_ORDER, 6);
		break;
	case 3:
		var = &p_min_partial;
		break;
	}
	if (n == 2 && v > 6 && v <= MAX_PAGE_ORDER)
		return;		/* valid, but slabs too large for the pool */
	if (n == 0 && v > 64 && v <= 32767)
		return;
	snprintf(buf, sizeof(buf), "%u", v);
	ret = slabifier_param_set(names[n], buf);
	n_ops++;
	ok = var && v >= lo && v <= (n == 2 ? (unsigned int)MAX_PAGE_ORDER : hi);
	CHECK(ok ? ret == 0 : ret == -EINVAL, "param %s=%s: %d", names[n], buf, ret);
	if (ok)
		*var = v;
}

/*
 * A mempool over the cache: its elements are objects of the cache, held
 * by this step only (nothing nested may free them).
 */
static void do_mempool(struct fcache *fc)
{
	void *e[8];
	unsigned int n = rd8() % 8, i;
	mempool_t *pool;

	CHECK(!mempool_create_slab_cache(1, ERR_PTR(-EINVAL)), "mempool on an error pointer");
	shim_failed_injected = shim_failed_oom = false;
	pool = mempool_create_slab_cache(1 + n % 3, fc->c);
	n_ops += 2;
	if (!pool) {
		failed(fc, "mempool creation");
		return;
	}
	for (i = 0; i < n; i++) {
		shim_failed_injected = shim_failed_oom = false;
		e[i] = mempool_alloc(pool, GFP_KERNEL);
		n_ops++;
		if (!e[i]) {
			failed(fc, "mempool allocation");
			break;
		}
		if (!fc->usable)
			fc->usable = slab_cache_object_size(fc->c, e[i]);
		check_placement(fc, e[i]);
		shadow_mark(e[i], fc->usable, true);
		if (fc->typesafe)
			readers_forget(e[i]);
	}
	while (i--) {
		shadow_mark(e[i], fc->usable, false);
		mempool_free(e[i], pool);
		n_ops++;
	}
	mempool_destroy(pool);
	n_ops++;
}

static void step(void)
{
	struct fcache *fc;
	u8 op = rd8(), b;
	int i;

	if (in_done)
		return;
	jiffies++;
	n_steps++;
	in_step = true;
	op %= OP_NR;
	cur_op = op_names[op];
	if (trace)
		fprintf(stderr, "step %llu: %s (cpu %d, %zu bytes left)\n", n_steps, cur_op,
			shim_cpu, in_n);
	switch (op) {
	case OP_ALLOC:
	case OP_ALLOC2:
		fc = step_cache();
		if (fc && !fc->dead && fc->nr < MAX_OBJS)
			do_alloc(fc, false);
		break;
	case OP_FREE:
	case OP_FREE2:
		fc = step_cache();
		if (fc)
			do_free(fc, false);
		break;
	case OP_ALLOC_MANY:
		fc = step_cache();
		b = rd8();
		for (i = 0; fc && !fc->dead && i < b % 128 && fc->nr < MAX_OBJS; i++)
			do_alloc(fc, false);
		break;
	case OP_FREE_MANY:
		fc = step_cache();
		b = rd8();
		for (i = 0; fc && i < b % 128 && fc->nr; i++)
			do_free(fc, false);
		break;
	case OP_BULK_ALLOC:
		fc = step_cache();
		if (fc && !fc->dead)
			do_bulk_alloc(fc);
		break;
	case OP_BULK_FREE:
		fc = step_cache();
		if (fc)
			do_bulk_free(fc);
		break;
	case OP_CREATE:
		fc = &caches[rd8() % NR_CACHES];
		if (fc->used && !fc->dead)
			do_destroy(fc, false);
		if (!fc->used)
			do_create(fc);
		break;
	case OP_DESTROY:
		fc = step_cache();
		if (fc)
			do_destroy(fc, rd8() & 1);
		break;
	case OP_SHRINK:
		fc = step_cache();
		if (fc && !fc->dead)
			do_shrink(fc);
		break;
	case OP_CPU:
		b = rd8() % NR_CPUS;
		if (cpu_online(b))
			shim_cpu = b;
		break;
	case OP_HOTPLUG:
		b = rd8();
		if (b & 4)
			shim_cpu_down(b % NR_CPUS);
		else
			shim_cpu_up(b % NR_CPUS);
		break;
	case OP_GRACE:
		/* Time passes: grace periods end, delayed work runs */
		shim_rcu_flush();
		shim_run_delayed_work();
		break;
	case OP_DOUBLE_FREE:
		fc = step_cache();
		if (fc)
			do_double_free(fc);
		break;
	case OP_INVALID_FREE:
		fc = step_cache();
		if (fc)
			do_invalid_free(fc);
		break;
	case OP_CORRUPT:
		fc = step_cache();
		if (fc && !fc->dead)
			do_corrupt(fc);
		break;
	case OP_VALIDATE:
		fc = step_cache();
		if (fc && fc->ch.dbg && !fc->dead)
			validate(fc);
		break;
	case OP_QUERY:
		fc = step_cache();
		if (fc)
			do_query(fc);
		break;
	case OP_PARAM:
		do_param();
		break;
	case OP_INJECT:
		b = rd8();
		if (b & 1)
			shim_fail_kmalloc = 1 + (b >> 1) % 8;
		else
			shim_fail_pages = 1 + (b >> 1) % 8;
		break;
	case OP_CMPXCHG:
		shim_has_cmpxchg128 = !shim_has_cmpxchg128;
		break;
	case OP_MEMPOOL:
		fc = step_cache();
		if (fc && !fc->dead)
			do_mempool(fc);
		break;
	case OP_SWEEP:
		sweep();
		break;
	}
	in_step = false;
	shim_check_quiescent(cur_op);
	for (i = 0; i < NR_CACHES; i++) {
		if (caches[i].used)
			check_stats(&caches[i], false);
	}
	if (!(n_steps & 63))
		sweep();
}

/* ---- One input ---------------------------------------------------------------------- */

static void set_param(const char *name, unsigned int v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", v);
	if (slabifier_param_set(name, buf))
		fz_fail("cannot reset %s", name);
}

static void begin(const u8 *data, size_t size)
{
	int cpu;

	in_p = data;
	in_n = size;
	in_done = false;
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		shim_cpu_up(cpu);
	shim_cpu = 0;
	shim_has_cmpxchg128 = true;
	shim_fail_kmalloc = shim_fail_pages = 0;
	set_param("min_order", 0);
	set_param("max_order", PAGE_ALLOC_COSTLY_ORDER);
	set_param("min_objects", 8);
	set_param("min_partial", 5);
	p_min_order = 0;
	p_max_order = PAGE_ALLOC_COSTLY_ORDER;
	p_min_objects = 8;
	p_min_partial = 5;
}

static void end(void)
{
	unsigned int i;
	int nid;

	cur_op = "end";
	shim_fail_kmalloc = shim_fail_pages = 0;
	sweep();
	for (i = 0; i < NR_CACHES; i++) {
		if (caches[i].used && !caches[i].dead)
			do_destroy(&caches[i], false);
	}
	for (i = 0; i < NR_CACHES; i++) {
		if (caches[i].used)
			bury(&caches[i]);
	}
	for (i = 0; i < NR_CHAINS; i++) {
		if (chains[i].used)
			chain_put(&chains[i]);
	}
	shim_rcu_flush();
	CHECK(!nr_expects, "%u planted faults never reported", nr_expects);
	CHECK(!shim_rcu_pending(), "RCU callbacks left");
	CHECK(shim_pages_used == 0, "%lu pages still allocated with every cache destroyed",
	      shim_pages_used);
	for_each_node(nid)
		CHECK(!shim_pgdat[nid].vm_stat[NR_SLAB_RECLAIMABLE_B] &&
		      !shim_pgdat[nid].vm_stat[NR_SLAB_UNRECLAIMABLE_B],
		      "node %d slab counters not zero", nid);
	shim_check_quiescent("end of input");
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	n_inputs++;
	begin(data, size);
	while (!in_done)
		step();
	end();
	return 0;
}

static void totals(void)
{
	fprintf(stderr, "modslab-fuzz: %llu inputs, %llu steps, %llu operations, %llu objects allocated, %llu faults planted, %llu reports, %llu moves, %llu nested\n",
		n_inputs, n_steps, n_ops, n_objs, n_faults, n_reports, n_moves, n_nested);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	unsigned int i;

	trace = getenv("MODSLAB_FUZZ_TRACE") != NULL;
	shim_init();
	shim_page_alloc_cb = fz_page_alloc;
	shim_grace_period_cb = fz_grace_period;
	shim_slab_type_cb = fz_slab_type;
	shadow = calloc(BITS_TO_LONGS(SHIM_POOL_PAGES * PAGE_SIZE / 8), sizeof(long));
	if (!shadow)
		fz_fail("no memory for the shadow");
	for (i = 0; i < sizeof(pattern); i++)
		pattern[i] = (u8)(i * 7 + 3);
	atexit(totals);
	return 0;
}
