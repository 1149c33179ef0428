// SPDX-License-Identifier: GPL-2.0
/*
 * modslab_stress: a stress test of the slab allocator through the
 * kmem_cache and kmalloc API only, so that the same module runs on a SLUB
 * and on a MODSLAB kernel.
 *
 * Loading the module starts one worker thread per online CPU.  The workers
 * are not bound to a CPU: every batch of operations a worker moves itself
 * to its own CPU, or to another online one while its own is offline, so
 * CPU hotplug can take any CPU but the boot CPU away under the load.  Each
 * worker keeps a table of live objects and, chosen at random:
 *
 *  - allocates from kmalloc (8 bytes to 16 KiB, sometimes zeroed) or from
 *    the module's caches (plain, aligned, with a constructor, with
 *    SLAB_TYPESAFE_BY_RCU, both) or from a cache of its own that it
 *    destroys and creates again every @churn operations;
 *  - frees locally, hands the object to another worker to free (an llist
 *    per worker: remote frees, from the other node's CPUs too) or frees it
 *    with kfree_rcu();
 *  - allocates and frees in bulk;
 *  - allocates with a node preference and counts where the object landed;
 *  - reads, under rcu_read_lock(), objects of the typesafe caches that
 *    other workers published and may free at any time: such memory must
 *    stay an object of its cache until the reader leaves the section;
 *  - on MODSLAB, allocates and frees objects of a cache whose objects move
 *    (kmem_cache_set_move()), kept in a table all workers share, while
 *    kmem_cache_shrink() and memory reclaim move them.
 *
 * With memcg=Y the workers charge what they allocate from SLAB_ACCOUNT
 * caches, and a quarter of their kmalloc() calls, to the memory cgroup of
 * the task that loads the module.
 *
 * Every object is filled with a pattern derived from its address, owner
 * and sequence number, and checked before it is freed; objects of a cache
 * with a constructor are checked to be constructed when allocated and are
 * constructed again before they are freed.  Allocation failures (failslab,
 * fail_page_alloc) are counted and the operation dropped.
 *
 * The workers stop after @ops operations, or later if the parameter "hold"
 * is Y then, until it is N.  The parameter "done" turns Y when they are
 * through; the module reports when it is removed, after it freed
 * everything:
 *
 *	stress: result workers=W ops=O pattern_errors=.. ctor_errors=..
 *	        zero_errors=.. typesafe_errors=.. alloc_failures=.. ...
 *	stress: node nid=N requested=R placed=P low=L kfence=K
 *	stress: movable set=S allocs=A frees=F relocations=M ...
 *
 * (the first on one line): R allocations asked for node N, P of them got
 * memory of node N; of the others, K were KFENCE objects (its pool is
 * where it is, whatever node was asked for) and L were made while node N
 * had no free memory above its low watermark.
 */

#define pr_fmt(fmt) "stress: " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/kfence.h>
#include <linux/kthread.h>
#include <linux/llist.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/nodemask.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/topology.h>
#ifdef CONFIG_MODSLAB
#include <linux/allocator.h>
#endif

#define STRESS_MAX_WORKERS	64
#define STRESS_BULK		32
#define STRESS_PUBLISHED	16
#define STRESS_BATCH		64	/* operations between counter updates */
#define STRESS_MOVE		256	/* operations between two CPU choices */
#define STRESS_NODE_SIZE	4096	/* largest node-preference allocation */
#define STRESS_CTOR_BYTE	0xc7
#define STRESS_CTOR_WORD	0xc7c7c7c7c7c7c7c7ULL
#define STRESS_LIVE		0x5354524c49564500ULL
#define STRESS_FREED		0x5354524652454500ULL
#define STRESS_STEP		0x9e3779b97f4a7c15ULL
#define STRESS_TAG_WORD		2	/* word of an object that holds its tag */
#define STRESS_REPORTS		10	/* errors described on the console */
#define STRESS_GFP		(GFP_KERNEL | __GFP_NOWARN)
#define STRESS_MOVABLE_SLOTS	2048	/* the shared table of movable objects */
#define STRESS_MOVABLE_SIZE	176

static unsigned long ops = 10000000;
module_param(ops, ulong, 0444);
MODULE_PARM_DESC(ops, "allocations and frees to do over all workers");

static unsigned int seconds;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "stop after this many seconds if ops are not done yet (0: no limit)");

static unsigned int workers;
module_param(workers, uint, 0444);
MODULE_PARM_DESC(workers, "worker threads (0: one per online CPU)");

static unsigned int live = 256;
module_param(live, uint, 0444);
MODULE_PARM_DESC(live, "objects a worker keeps allocated at most");

static unsigned int churn = 20000;
module_param(churn, uint, 0444);
MODULE_PARM_DESC(churn, "operations of a worker between recreating its own cache (0: never)");

static bool fail_create = true;
module_param(fail_create, bool, 0444);
MODULE_PARM_DESC(fail_create, "let fault injection fail the cache creations of the load too (N: only allocations)");

static bool reuse;
module_param(reuse, bool, 0444);
MODULE_PARM_DESC(reuse, "first create a cache under the name of a merged cache just destroyed");

static bool hold;
module_param(hold, bool, 0644);
MODULE_PARM_DESC(hold, "keep going past ops until this is N again (for what runs beside the load)");

static bool memcg;
module_param(memcg, bool, 0444);
MODULE_PARM_DESC(memcg, "charge the load to the memory cgroup of the task loading the module");

static bool done;
module_param(done, bool, 0444);
MODULE_PARM_DESC(done, "Y once the workers have finished the load (read only)");

/*
 * An object handed to another worker, or freed by RCU, starts with this.
 * tag is at word STRESS_TAG_WORD, where every object of 24 bytes or more
 * keeps its tag, so that a typesafe reader sees a tag whatever it races with.
 */
struct stress_hdr {
	union {
		struct llist_node node;
		struct rcu_head rcu;
	};
	u64 tag;
	struct kmem_cache *cache;	/* NULL: kmalloc */
	u32 size;
	u32 seq;
	u32 check;
	u16 owner;
	u16 idx;			/* fixed cache + 1, 0: kmalloc */
};

#define STRESS_HDR	sizeof(struct stress_hdr)
#define STRESS_TAGGED	((STRESS_TAG_WORD + 1) * sizeof(u64))

/* The caches that live as long as the module */
struct stress_cache {
	const char *name;
	unsigned int size;
	slab_flags_t flags;
	void (*ctor)(void *obj);
	struct kmem_cache *cache;
	void *published[STRESS_PUBLISHED];
};

#define STRESS_CTOR(sz)						\
static void stress_ctor_##sz(void *obj)				\
{								\
	memset(obj, STRESS_CTOR_BYTE, sz);			\
}

STRESS_CTOR(96)
STRESS_CTOR(256)
STRESS_CTOR(520)

static struct stress_cache caches[] = {
	{ "stress_64", 64, 0, NULL },
	{ "stress_192_aligned", 192, SLAB_HWCACHE_ALIGN, NULL },
	{ "stress_ctor_96", 96, 0, stress_ctor_96 },
	{ "stress_ctor_520", 520, 0, stress_ctor_520 },
	{ "stress_rcu_128", 128, SLAB_TYPESAFE_BY_RCU, NULL },
	{ "stress_rcu_ctor_256", 256, SLAB_TYPESAFE_BY_RCU, stress_ctor_256 },
	{ "stress_1024", 1024, SLAB_NO_MERGE | SLAB_ACCOUNT, NULL },
	{ "stress_3000", 3000, 0, NULL },
};

#define STRESS_NR_CACHES	ARRAY_SIZE(caches)

/* One object in a worker's table */
struct stress_slot {
	void *obj;
	struct kmem_cache *cache;	/* NULL: kmalloc */
	struct stress_cache *sc;	/* the fixed cache, if it is one */
	u32 size;
	u32 seq;
	int pub;			/* index in sc->published, or -1 */
};

struct stress_counts {
	unsigned long ops;
	unsigned long pattern_errors;
	unsigned long ctor_errors;
	unsigned long zero_errors;
	unsigned long typesafe_errors;
	unsigned long alloc_failures;
	unsigned long bulk_failures;
	unsigned long create_failures;
	unsigned long remote_frees;
	unsigned long xnode_frees;
	unsigned long rcu_frees;
	unsigned long bulk_ops;
	unsigned long node_ops;
	unsigned long probes;
	unsigned long created;
	unsigned long destroyed;
	unsigned long moves;
	unsigned long movable_allocs;
	unsigned long movable_frees;
	unsigned long node_req[MAX_NUMNODES];
	unsigned long node_hit[MAX_NUMNODES];
	unsigned long node_low[MAX_NUMNODES];
	unsigned long node_kfence[MAX_NUMNODES];
};

struct stress_worker {
	unsigned int id;
	struct task_struct *task;
	struct llist_head inbox;
	struct stress_slot *slots;
	struct kmem_cache *own;		/* the cache it destroys and creates */
	char *own_name;
	unsigned int own_size;
	unsigned int generation;
	unsigned long since_churn;
	u32 seq;
	bool finished;
	struct stress_counts c;
};

static struct stress_worker *pool;
static unsigned int nr_workers;
static atomic_long_t total_ops;
static atomic_t running;
static atomic_t reports;
static unsigned long deadline;
static struct mem_cgroup *stress_memcg;	/* charged with memcg=Y */
/*
 * In the names of the caches a worker creates: a merged cache that was
 * destroyed may leave its name behind in /sys/kernel/slab, so that a cache
 * of the same name made by the next load could not be added there.
 */
static u32 load_id;

static u64 stress_seed(const void *obj, u32 seq, u16 owner)
{
	return ((u64)(unsigned long)obj * STRESS_STEP) ^ ((u64)seq << 32) ^ owner;
}

static u64 stress_tag(unsigned int idx)
{
	return STRESS_LIVE | idx;
}

/* Fill bytes [from, size) of obj; the tag word gets the tag instead */
static void stress_fill(void *obj, size_t from, size_t size, u64 seed, u64 tag)
{
	u64 *w = obj;
	u8 *b = obj;
	size_t i;

	for (i = from / 8; i < size / 8; i++)
		w[i] = i == STRESS_TAG_WORD ? tag : seed + i * STRESS_STEP;
	for (i = max(from, round_down(size, 8)); i < size; i++)
		b[i] = (seed + (i / 8) * STRESS_STEP) >> ((i & 7) * 8);
}

/* The offset of the first byte of [from, size) that is not as filled, or -1 */
static long stress_check(const void *obj, size_t from, size_t size, u64 seed, u64 tag)
{
	const u64 *w = obj;
	const u8 *b = obj;
	size_t i;

	for (i = from / 8; i < size / 8; i++)
		if (w[i] != (i == STRESS_TAG_WORD ? tag : seed + i * STRESS_STEP))
			return i * 8;
	for (i = max(from, round_down(size, 8)); i < size; i++)
		if (b[i] != (u8)((seed + (i / 8) * STRESS_STEP) >> ((i & 7) * 8)))
			return i;
	return -1;
}

static void stress_report(const char *what, const void *obj, u32 size, long off)
{
	if (atomic_inc_return(&reports) <= STRESS_REPORTS)
		pr_err("%s: object %p size %u offset %ld\n", what, obj, size, off);
}

static const char *stress_name(struct stress_slot *s)
{
	if (s->sc)
		return s->sc->name;
	return s->cache ? "own cache" : "kmalloc";
}

/* The node of an object's page */
static int stress_nid(const void *obj)
{
	/* The allocator may change other bits of the flags: the node's stay */
	return data_race(page_to_nid(virt_to_page(obj)));
}

static void stress_count_free(struct stress_worker *w, const void *obj)
{
	if (stress_nid(obj) != numa_node_id())
		w->c.xnode_frees++;
}

static unsigned int stress_idx(struct stress_slot *s)
{
	return s->sc ? s->sc - caches + 1 : 0;
}

/*
 * Constructed again for the free: the tag word first, in one store, so that
 * a typesafe reader never sees half of a tag.
 */
static void stress_construct(void *obj, unsigned int size)
{
	u64 *word = obj;

	WRITE_ONCE(word[STRESS_TAG_WORD], STRESS_CTOR_WORD);
	memset(obj, STRESS_CTOR_BYTE, size);
}

/* Free what the slot holds, as the allocator expects it back */
static void stress_release(struct stress_worker *w, struct stress_slot *s)
{
	u64 *word = s->obj;

	if (s->pub >= 0) {
		/* Unpublished before the free: readers in a section may still look */
		cmpxchg(&s->sc->published[s->pub], s->obj, NULL);
		s->pub = -1;
	}
	if (s->sc && s->sc->ctor)
		stress_construct(s->obj, s->size);
	else if (s->size >= STRESS_TAGGED)
		WRITE_ONCE(word[STRESS_TAG_WORD], STRESS_FREED | stress_idx(s));
	stress_count_free(w, s->obj);
	if (s->cache)
		kmem_cache_free(s->cache, s->obj);
	else
		kfree(s->obj);
	s->obj = NULL;
}

/* Check the pattern of a slot's object, then free it locally */
static void stress_free_local(struct stress_worker *w, struct stress_slot *s)
{
	long off = stress_check(s->obj, 0, s->size,
				stress_seed(s->obj, s->seq, w->id),
				stress_tag(stress_idx(s)));

	if (off >= 0) {
		w->c.pattern_errors++;
		stress_report(stress_name(s), s->obj, s->size, off);
	}
	stress_release(w, s);
	w->c.ops++;
}

static u32 stress_hdr_check(const struct stress_hdr *h)
{
	return (u32)(((unsigned long)h ^ (unsigned long)h->cache) * STRESS_STEP >> 32) ^
		h->size ^ (h->seq << 7) ^ ((u32)h->owner << 20) ^ h->idx;
}

/* Write the header over a checked object that goes to another worker */
static struct stress_hdr *stress_to_hdr(struct stress_worker *w, struct stress_slot *s)
{
	struct stress_hdr *h = s->obj;

	h->cache = s->cache;
	h->size = s->size;
	h->seq = s->seq;
	h->owner = w->id;
	h->idx = stress_idx(s);
	h->check = stress_hdr_check(h);
	return h;
}

/* Free an object another worker handed over */
static void stress_free_remote(struct stress_worker *w, struct stress_hdr *h)
{
	struct stress_slot s = {
		.obj = h, .cache = h->cache, .size = h->size, .pub = -1,
	};
	long off = -1;

	if (h->check != stress_hdr_check(h) || h->tag != stress_tag(h->idx) ||
	    h->idx > STRESS_NR_CACHES) {
		/* Do not trust it for the free: count and leave it */
		w->c.pattern_errors++;
		stress_report("handed over header", h, 0, 0);
		return;
	}
	s.sc = h->idx ? &caches[h->idx - 1] : NULL;
	if (h->size > STRESS_HDR)
		off = stress_check(h, STRESS_HDR, h->size,
				   stress_seed(h, h->seq, h->owner), 0);
	if (off >= 0) {
		w->c.pattern_errors++;
		stress_report(stress_name(&s), h, h->size, off);
	}
	stress_release(w, &s);
	w->c.remote_frees++;
	w->c.ops++;
}

static void stress_drain(struct stress_worker *w)
{
	struct llist_node *n, *next;

	llist_for_each_safe(n, next, llist_del_all(&w->inbox))
		stress_free_remote(w, container_of(n, struct stress_hdr, node));
}

/* Free a slot's object in one of three ways */
static void stress_free(struct stress_worker *w, struct stress_slot *s, u32 r)
{
	bool shared = s->size >= STRESS_HDR && s->pub < 0 &&
		      (!s->cache || s->sc);
	long off;

	if (shared && nr_workers > 1 && r % 8 < 2) {
		unsigned int to = (w->id + 1 + (r >> 8) % (nr_workers - 1)) % nr_workers;
		/* The pattern past the header is checked by the receiver */
		off = stress_check(s->obj, 0, STRESS_HDR,
				   stress_seed(s->obj, s->seq, w->id),
				   stress_tag(stress_idx(s)));
		if (off >= 0) {
			w->c.pattern_errors++;
			stress_report(stress_name(s), s->obj, s->size, off);
		}
		llist_add(&stress_to_hdr(w, s)->node, &pool[to].inbox);
		s->obj = NULL;
	} else if (shared && !(s->sc && s->sc->ctor) && r % 8 == 2) {
		struct stress_hdr *h = s->obj;

		off = stress_check(s->obj, 0, s->size,
				   stress_seed(s->obj, s->seq, w->id),
				   stress_tag(stress_idx(s)));
		if (off >= 0) {
			w->c.pattern_errors++;
			stress_report(stress_name(s), s->obj, s->size, off);
		}
		WRITE_ONCE(h->tag, STRESS_FREED | stress_idx(s));
		stress_count_free(w, h);
		kfree_rcu(h, rcu);
		s->obj = NULL;
		w->c.rcu_frees++;
		w->c.ops++;
	} else {
		stress_free_local(w, s);
	}
}

/* A new object in an empty slot: fill it, check what a ctor left */
static void stress_fill_slot(struct stress_worker *w, struct stress_slot *s,
			     gfp_t gfp)
{
	if (s->sc && s->sc->ctor && memchr_inv(s->obj, STRESS_CTOR_BYTE, s->size)) {
		w->c.ctor_errors++;
		stress_report("not constructed", s->obj, s->size, 0);
	}
	if ((gfp & __GFP_ZERO) && memchr_inv(s->obj, 0, s->size)) {
		w->c.zero_errors++;
		stress_report("not zeroed", s->obj, s->size, 0);
	}
	s->seq = w->seq++;
	s->pub = -1;
	stress_fill(s->obj, 0, s->size, stress_seed(s->obj, s->seq, w->id),
		    stress_tag(stress_idx(s)));
	w->c.ops++;
}

static unsigned int stress_kmalloc_size(u32 r)
{
	unsigned int p = r % 100;

	r /= 100;
	if (p < 70)
		return 1 + r % 256;
	if (p < 90)
		return 257 + r % 1792;
	if (p < 99)
		return 2049 + r % 6144;
	return 8193 + r % 8192;
}

static void stress_alloc(struct stress_worker *w, struct stress_slot *s, u32 r)
{
	unsigned int kind = r % 8;
	gfp_t gfp = STRESS_GFP;

	r /= 8;
	s->sc = NULL;
	s->cache = NULL;
	if (kind >= 4 && kind < 7) {
		s->sc = &caches[r % STRESS_NR_CACHES];
		s->cache = s->sc->cache;
		s->size = s->sc->size;
		s->obj = kmem_cache_alloc(s->cache, gfp);
	} else if (kind == 7 && w->own) {
		s->cache = w->own;
		s->size = w->own_size;
		s->obj = kmem_cache_alloc(s->cache, gfp);
	} else {
		if (r % 16 == 0)
			gfp |= __GFP_ZERO;
		if (memcg && !get_random_u32_below(4))
			gfp |= __GFP_ACCOUNT;
		s->size = stress_kmalloc_size(r / 16);
		s->obj = kmalloc(s->size, gfp);
	}
	if (!s->obj) {
		w->c.alloc_failures++;
		return;
	}
	stress_fill_slot(w, s, gfp);
	/* Some typesafe objects are published for the readers */
	if (s->sc && (s->sc->flags & SLAB_TYPESAFE_BY_RCU) && r % 4 == 0) {
		int k = (r >> 4) % STRESS_PUBLISHED;

		if (!cmpxchg(&s->sc->published[k], NULL, s->obj))
			s->pub = k;
	}
}

/*
 * Is @nid out of memory for our allocations: every zone of it at or below
 * its low watermark plus what it keeps back for GFP_KERNEL?  The page
 * allocator then takes the pages from another node, whatever the slab
 * allocator asked for.  Looked at after the fact, so a node that has just
 * recovered counts as having had memory.
 */
static bool stress_node_low(int nid)
{
	enum zone_type high = gfp_zone(STRESS_GFP);
	pg_data_t *pgdat = NODE_DATA(nid);
	struct zone *z;

	for (z = pgdat->node_zones; z <= pgdat->node_zones + high; z++) {
		if (populated_zone(z) &&
		    zone_page_state(z, NR_FREE_PAGES) >
		    low_wmark_pages(z) + z->lowmem_reserve[high])
			return false;
	}
	return true;
}

/* An allocation with a node preference, counted where it landed */
static void stress_alloc_node(struct stress_worker *w, struct stress_slot *s, u32 r)
{
	int nid, n = r % num_node_state(N_MEMORY);

	r /= MAX_NUMNODES;
	for_each_node_state(nid, N_MEMORY)
		if (!n--)
			break;
	if (nid >= MAX_NUMNODES)
		return;
	s->sc = NULL;
	s->cache = NULL;
	if (r % 2) {
		s->sc = &caches[(r >> 1) % STRESS_NR_CACHES];
		s->cache = s->sc->cache;
		s->size = s->sc->size;
		s->obj = kmem_cache_alloc_node(s->cache, STRESS_GFP, nid);
	} else {
		s->size = 8 + (r >> 1) % (STRESS_NODE_SIZE - 8);
		s->obj = kmalloc_node(s->size, STRESS_GFP, nid);
	}
	w->c.node_ops++;
	if (!s->obj) {
		w->c.alloc_failures++;
		return;
	}
	w->c.node_req[nid]++;
	if (stress_nid(s->obj) == nid)
		w->c.node_hit[nid]++;
	else if (is_kfence_address(s->obj))
		w->c.node_kfence[nid]++;	/* its pool ignores nodes */
	else if (stress_node_low(nid))
		w->c.node_low[nid]++;
	stress_fill_slot(w, s, STRESS_GFP);
}

static void stress_bulk(struct stress_worker *w, u32 r)
{
	struct stress_cache *sc = &caches[r % STRESS_NR_CACHES];
	void *objs[STRESS_BULK];
	unsigned int n = 1 + (r / STRESS_NR_CACHES) % STRESS_BULK, i;
	struct stress_slot s = { .sc = sc, .cache = sc->cache, .size = sc->size };
	u32 first = w->seq;
	long off;

	if (!kmem_cache_alloc_bulk(sc->cache, STRESS_GFP, n, objs)) {
		w->c.bulk_failures++;
		return;
	}
	for (i = 0; i < n; i++) {
		s.obj = objs[i];
		stress_fill_slot(w, &s, STRESS_GFP);
	}
	for (i = 0; i < n; i++) {
		u64 *word = objs[i];

		off = stress_check(objs[i], 0, sc->size,
				   stress_seed(objs[i], first + i, w->id),
				   stress_tag(sc - caches + 1));
		if (off >= 0) {
			w->c.pattern_errors++;
			stress_report(sc->name, objs[i], sc->size, off);
		}
		if (sc->ctor)
			stress_construct(objs[i], sc->size);
		else
			WRITE_ONCE(word[STRESS_TAG_WORD], STRESS_FREED | (sc - caches + 1));
		stress_count_free(w, objs[i]);
	}
	kmem_cache_free_bulk(sc->cache, n, objs);
	w->c.ops += n;
	w->c.bulk_ops++;
}

/*
 * Look at objects of the typesafe caches that others published: within the
 * section, the memory is an object of that cache, live or free, so its tag
 * word holds one of the values the module writes there, or the
 * constructor's, or zero (init_on_alloc, init_on_free).
 */
static void stress_probe(struct stress_worker *w, u32 r)
{
	unsigned int i;

	rcu_read_lock();
	for (i = 0; i < STRESS_NR_CACHES; i++) {
		struct stress_cache *sc = &caches[i];
		u64 *obj, v;

		if (!(sc->flags & SLAB_TYPESAFE_BY_RCU))
			continue;
		obj = READ_ONCE(sc->published[r % STRESS_PUBLISHED]);
		if (!obj)
			continue;
		w->c.probes++;
		/* Racing with the owner's writes and frees is the point */
		v = data_race(obj[STRESS_TAG_WORD]);
		if (v != stress_tag(i + 1) && v != (STRESS_FREED | (i + 1)) &&
		    v != 0 && !(sc->ctor && v == STRESS_CTOR_WORD)) {
			w->c.typesafe_errors++;
			if (atomic_inc_return(&reports) <= STRESS_REPORTS)
				pr_err("typesafe %s: object %p reads %llx\n",
				       sc->name, obj, v);
		}
	}
	rcu_read_unlock();
}

/*
 * The movable cache: its objects are in one table that all workers share,
 * each slot under its own lock, so that the move callback can find the one
 * reference to an object and point it at the new place.  An object holds
 * its slot's number in its first word, and its pattern derives from the
 * slot and a sequence number rather than from its address, so that it
 * stays valid wherever the object moves.  The cache is made on SLUB too,
 * for the same load; only MODSLAB moves its objects.
 */
struct stress_mslot {
	spinlock_t	lock;		/* for obj and seq */
	void		*obj;
	u32		seq;
};

#define STRESS_MOVABLE_IDX	(STRESS_NR_CACHES + 1)	/* in its tag */

static struct kmem_cache *movable;
static struct stress_mslot *mslots;
static bool movable_set;		/* kmem_cache_set_move() took it */
static atomic_t movable_seq;
static atomic_long_t relocated;		/* moves the callback made */
static atomic_long_t move_unknown;	/* asked for what no slot holds */
static atomic_long_t move_errors;	/* bad patterns the callback saw */

static u64 stress_mseed(unsigned int slot, u32 seq)
{
	return ((u64)slot * STRESS_STEP) ^ ((u64)seq << 32) ^ 0xffff;
}

/* The first byte of a movable object of @slot not as filled, or -1 */
static long stress_mcheck(const void *obj, unsigned int slot, u32 seq)
{
	const u64 *w = obj;

	if (w[0] != slot)
		return 0;
	return stress_check(obj, 8, STRESS_MOVABLE_SIZE, stress_mseed(slot, seq),
			    stress_tag(STRESS_MOVABLE_IDX));
}

/* Empty a random slot (checked, freed) or fill it with a new object */
static void stress_movable_op(struct stress_worker *w, u32 r)
{
	unsigned int slot = r % STRESS_MOVABLE_SLOTS;
	struct stress_mslot *m = &mslots[slot];
	void *obj;
	long off;
	u32 seq;

	spin_lock(&m->lock);
	obj = m->obj;
	m->obj = NULL;
	if (obj) {
		off = stress_mcheck(obj, slot, m->seq);
		if (off >= 0) {
			w->c.pattern_errors++;
			stress_report("movable", obj, STRESS_MOVABLE_SIZE, off);
		}
	}
	spin_unlock(&m->lock);
	if (obj) {
		/* A move of it from now on finds the slot empty */
		kmem_cache_free(movable, obj);
		w->c.movable_frees++;
		w->c.ops++;
		return;
	}
	obj = kmem_cache_alloc(movable, STRESS_GFP);
	if (!obj) {
		w->c.alloc_failures++;
		return;
	}
	seq = atomic_inc_return(&movable_seq);
	stress_fill(obj, 0, STRESS_MOVABLE_SIZE, stress_mseed(slot, seq),
		    stress_tag(STRESS_MOVABLE_IDX));
	WRITE_ONCE(*(u64 *)obj, slot);
	spin_lock(&m->lock);
	if (!m->obj) {
		m->obj = obj;
		m->seq = seq;
		obj = NULL;
	}
	spin_unlock(&m->lock);
	/* Another worker filled the slot meanwhile */
	if (obj)
		kmem_cache_free(movable, obj);
	w->c.movable_allocs++;
	w->c.ops++;
}

#ifdef CONFIG_MODSLAB
/*
 * @old may be anything the cache holds: an object of a slot, one being
 * filled or freed, or memory the allocator wiped; only the slot's lock
 * and pointer say whether it is live.
 */
static enum slab_move_result stress_move_object(struct kmem_cache *s,
						void *old, void *new)
{
	/* Racy on purpose: the slot's lock decides */
	unsigned long slot = data_race(READ_ONCE(*(u64 *)old));
	enum slab_move_result ret = SLAB_MOVE_DONT_KNOW;
	struct stress_mslot *m;
	long off;

	if (slot >= STRESS_MOVABLE_SLOTS)
		goto out;
	m = &mslots[slot];
	spin_lock(&m->lock);
	if (m->obj == old) {
		off = stress_mcheck(old, slot, m->seq);
		if (off >= 0) {
			atomic_long_inc(&move_errors);
			stress_report("movable, to be moved", old,
				      STRESS_MOVABLE_SIZE, off);
		}
		memcpy(new, old, STRESS_MOVABLE_SIZE);
		m->obj = new;
		ret = SLAB_MOVE_YES;
	}
	spin_unlock(&m->lock);
out:
	atomic_long_inc(ret == SLAB_MOVE_YES ? &relocated : &move_unknown);
	return ret;
}
#endif

static int stress_movable_init(void)
{
	unsigned int i;

	mslots = kvcalloc(STRESS_MOVABLE_SLOTS, sizeof(*mslots), GFP_KERNEL);
	if (!mslots)
		return -ENOMEM;
	for (i = 0; i < STRESS_MOVABLE_SLOTS; i++)
		spin_lock_init(&mslots[i].lock);
	movable = kmem_cache_create("stress_movable_176", STRESS_MOVABLE_SIZE, 0,
				    SLAB_NO_MERGE | SLAB_ACCOUNT, NULL);
	if (!movable) {
		kvfree(mslots);
		return -ENOMEM;
	}
#ifdef CONFIG_MODSLAB
	/* Refused, with a message, under KASAN */
	movable_set = !kmem_cache_set_move(movable, stress_move_object);
#endif
	return 0;
}

/* Every object left in the table checked and freed; the cache destroyed */
static void stress_movable_exit(void)
{
	unsigned int i;
	long off;

	if (!movable)
		return;
	for (i = 0; i < STRESS_MOVABLE_SLOTS; i++) {
		struct stress_mslot *m = &mslots[i];

		if (!m->obj)
			continue;
		off = stress_mcheck(m->obj, i, m->seq);
		if (off >= 0) {
			atomic_long_inc(&move_errors);
			stress_report("movable", m->obj, STRESS_MOVABLE_SIZE, off);
		}
		kmem_cache_free(movable, m->obj);
		m->obj = NULL;
	}
	kmem_cache_destroy(movable);
	movable = NULL;
	kvfree(mslots);
}

/*
 * With fail_create=N, a task fault injection may fail (make-it-fail) does
 * not fail while it creates a cache.
 */
static int stress_no_faults(void)
{
#ifdef CONFIG_FAULT_INJECTION
	int fail = current->make_it_fail;

	if (!fail_create)
		current->make_it_fail = 0;
	return fail;
#else
	return 0;
#endif
}

static void stress_faults(int fail)
{
#ifdef CONFIG_FAULT_INJECTION
	current->make_it_fail = fail;
#endif
}

/* Free every object of the worker's own cache, destroy it, make another */
static void stress_churn(struct stress_worker *w, bool again)
{
	static const slab_flags_t flags[] = {
		0, SLAB_HWCACHE_ALIGN, SLAB_TYPESAFE_BY_RCU, SLAB_NO_MERGE,
		SLAB_ACCOUNT,
	};
	unsigned int i;
	u32 r;

	if (w->own) {
		for (i = 0; i < live; i++)
			if (w->slots[i].obj && w->slots[i].cache == w->own)
				stress_free_local(w, &w->slots[i]);
		kmem_cache_destroy(w->own);
		kfree(w->own_name);
		w->own = NULL;
		w->c.destroyed++;
	}
	w->since_churn = 0;
	if (!again)
		return;
	r = get_random_u32();
	w->own_size = 8 + r % 2041;
	w->own_name = kasprintf(GFP_KERNEL, "stress_own_%08x_%u_%u", load_id, w->id,
				w->generation++);
	if (w->own_name) {
		int fail = stress_no_faults();

		w->own = kmem_cache_create(w->own_name, w->own_size, 0,
					   flags[(r >> 12) % ARRAY_SIZE(flags)], NULL);
		stress_faults(fail);
	}
	if (!w->own) {
		kfree(w->own_name);
		w->own_name = NULL;
		w->c.create_failures++;
		return;
	}
	w->c.created++;
}

/* Run on the worker's own CPU, or on some online CPU while it is offline */
static void stress_move(struct stress_worker *w)
{
	unsigned int cpu = w->id % nr_cpu_ids;

	if (!cpu_online(cpu))
		cpu = cpumask_nth(get_random_u32_below(num_online_cpus()),
				  cpu_online_mask);
	if (cpu < nr_cpu_ids && cpu != raw_smp_processor_id() &&
	    !set_cpus_allowed_ptr(current, cpumask_of(cpu)))
		w->c.moves++;
}

static bool stress_over(void)
{
	if (seconds && time_after(jiffies, deadline))
		return true;
	return !READ_ONCE(hold) && atomic_long_read(&total_ops) >= ops;
}

static void stress_batch(struct stress_worker *w)
{
	unsigned long before = w->c.ops;
	unsigned int i;

	for (i = 0; i < STRESS_BATCH; i++) {
		u32 r = get_random_u32();
		unsigned int what = r % 128;
		struct stress_slot *s;

		r /= 128;
		if (what < 3) {
			stress_bulk(w, r);
			continue;
		}
		if (what < 6) {
			stress_probe(w, r);
			continue;
		}
		if (what >= 9 && what < 17) {
			stress_movable_op(w, r);
			continue;
		}
		s = &w->slots[r % live];
		r /= live;
		if (s->obj && what < 9) {
			stress_free(w, s, r);
			stress_alloc_node(w, s, r >> 4);
		} else if (what < 9) {
			stress_alloc_node(w, s, r);
		} else if (s->obj) {
			stress_free(w, s, r);
		} else {
			stress_alloc(w, s, r);
		}
	}
	stress_drain(w);
	atomic_long_add(w->c.ops - before, &total_ops);
	w->since_churn += w->c.ops - before;
	if (churn && w->since_churn >= churn)
		stress_churn(w, true);
}

/* The end of the load: give everything back and say so when the last is done */
static void stress_finish(struct stress_worker *w)
{
	unsigned int i;

	for (i = 0; i < live; i++)
		if (w->slots[i].obj)
			stress_free_local(w, &w->slots[i]);
	stress_churn(w, false);
	stress_drain(w);
	w->finished = true;
	if (atomic_dec_and_test(&running)) {
		WRITE_ONCE(done, true);
		pr_info("load finished: ops=%ld\n", atomic_long_read(&total_ops));
	}
}

static int stress_worker_fn(void *arg)
{
	struct stress_worker *w = arg;
	struct mem_cgroup *old_memcg;
	unsigned long n = 0;

	/* What SLAB_ACCOUNT and __GFP_ACCOUNT charge: the loader's memcg */
	old_memcg = set_active_memcg(stress_memcg);
	if (churn)
		stress_churn(w, true);
	while (!kthread_should_stop()) {
		if (w->finished) {
			/* Others may still hand objects over */
			stress_drain(w);
			schedule_timeout_idle(HZ / 10);
			continue;
		}
		if (n++ % (STRESS_MOVE / STRESS_BATCH) == 0)
			stress_move(w);
		stress_batch(w);
		cond_resched();
		if (stress_over())
			stress_finish(w);
	}
	if (!w->finished)
		stress_finish(w);
	set_active_memcg(old_memcg);
	return 0;
}

static void stress_destroy_caches(void)
{
	unsigned int i;

	for (i = 0; i < STRESS_NR_CACHES; i++) {
		kmem_cache_destroy(caches[i].cache);
		caches[i].cache = NULL;
	}
}

static void stress_stop(void)
{
	unsigned int i;

	for (i = 0; i < nr_workers; i++)
		if (pool[i].task)
			kthread_stop(pool[i].task);
	/* What was handed over after a worker's last look */
	for (i = 0; i < nr_workers; i++)
		stress_drain(&pool[i]);
	/* kfree_rcu() objects of the caches must be gone before they are */
	kvfree_rcu_barrier();
	rcu_barrier();
	for (i = 0; i < nr_workers; i++)
		kfree(pool[i].slots);
	stress_movable_exit();
	stress_destroy_caches();
}

#define SUM(field) ({ unsigned long __s = 0; unsigned int __i;		\
	for (__i = 0; __i < nr_workers; __i++)				\
		__s += pool[__i].c.field;				\
	__s; })

static void stress_print(void)
{
	int nid;

	pr_info("result workers=%u ops=%lu pattern_errors=%lu ctor_errors=%lu zero_errors=%lu typesafe_errors=%lu alloc_failures=%lu bulk_failures=%lu create_failures=%lu remote_frees=%lu xnode_frees=%lu rcu_frees=%lu bulk_ops=%lu node_ops=%lu probes=%lu caches_created=%lu caches_destroyed=%lu moves=%lu\n",
		nr_workers, SUM(ops),
		SUM(pattern_errors) + atomic_long_read(&move_errors), SUM(ctor_errors),
		SUM(zero_errors), SUM(typesafe_errors), SUM(alloc_failures),
		SUM(bulk_failures), SUM(create_failures), SUM(remote_frees),
		SUM(xnode_frees), SUM(rcu_frees), SUM(bulk_ops), SUM(node_ops),
		SUM(probes), SUM(created), SUM(destroyed), SUM(moves));
	for_each_node_state(nid, N_MEMORY)
		pr_info("node nid=%d requested=%lu placed=%lu low=%lu kfence=%lu\n",
			nid, SUM(node_req[nid]), SUM(node_hit[nid]),
			SUM(node_low[nid]), SUM(node_kfence[nid]));
	pr_info("movable set=%d allocs=%lu frees=%lu relocations=%ld unknown=%ld\n",
		movable_set, SUM(movable_allocs), SUM(movable_frees),
		atomic_long_read(&relocated), atomic_long_read(&move_unknown));
}

/*
 * A cache that merges with another, destroyed, then one of the same name
 * that cannot merge: the first may have left its name in /sys/kernel/slab,
 * which makes the second fail to be created.  Either outcome is correct;
 * what is checked is that the allocator is still sound afterwards (the
 * load, kmemleak).
 */
static void stress_reuse(void)
{
	struct kmem_cache *c;

	c = kmem_cache_create("stress_reuse", 64, 0, 0, NULL);
	kmem_cache_destroy(c);
	c = kmem_cache_create("stress_reuse", 64, 0, SLAB_NO_MERGE, NULL);
	pr_info("reuse: a cache of the name of a destroyed merged one is %s\n",
		c ? "created" : "refused");
	kmem_cache_destroy(c);
}

static int __init stress_init(void)
{
	unsigned int i;
	int err = -ENOMEM;

	nr_workers = min_t(unsigned int, workers ?: num_online_cpus(),
			   STRESS_MAX_WORKERS);
	if (!live || !ops)
		return -EINVAL;
	if (reuse)
		stress_reuse();
	if (memcg)
		stress_memcg = get_mem_cgroup_from_mm(current->mm);
	for (i = 0; i < STRESS_NR_CACHES; i++) {
		caches[i].cache = kmem_cache_create(caches[i].name, caches[i].size,
						    0, caches[i].flags, caches[i].ctor);
		if (!caches[i].cache)
			goto out_caches;
	}
	err = stress_movable_init();
	if (err)
		goto out_caches;
	err = -ENOMEM;
	pool = kcalloc(nr_workers, sizeof(*pool), GFP_KERNEL);
	if (!pool)
		goto out_movable;
	for (i = 0; i < nr_workers; i++) {
		pool[i].id = i;
		init_llist_head(&pool[i].inbox);
		pool[i].slots = kcalloc(live, sizeof(*pool[i].slots), GFP_KERNEL);
		if (!pool[i].slots)
			goto out_pool;
	}
	deadline = jiffies + seconds * HZ;
	load_id = get_random_u32();
	atomic_set(&running, nr_workers);
	for (i = 0; i < nr_workers; i++) {
		struct task_struct *t;

		t = kthread_create(stress_worker_fn, &pool[i], "stress/%u", i);
		if (IS_ERR(t)) {
			err = PTR_ERR(t);
			goto out_stop;
		}
		pool[i].task = t;
	}
	pr_info("start workers=%u ops=%lu seconds=%u live=%u churn=%u nodes=%u memcg=%s movable=%d\n",
		nr_workers, ops, seconds, live, churn, num_node_state(N_MEMORY),
		stress_memcg ? "loader's" : "none", movable_set);
	for (i = 0; i < nr_workers; i++)
		wake_up_process(pool[i].task);
	return 0;

out_stop:
	/* Never woken: kthread_stop() ends them before they run */
	for (i = 0; i < nr_workers; i++)
		if (pool[i].task)
			kthread_stop(pool[i].task);
out_pool:
	for (i = 0; i < nr_workers; i++)
		kfree(pool[i].slots);
	kfree(pool);
out_movable:
	stress_movable_exit();
out_caches:
	stress_destroy_caches();
	mem_cgroup_put(stress_memcg);
	return err;
}

static void __exit stress_exit(void)
{
	stress_stop();
	stress_print();
	kfree(pool);
	mem_cgroup_put(stress_memcg);
}

module_init(stress_init);
module_exit(stress_exit);
MODULE_DESCRIPTION("Stress test of the slab allocator through the kmem_cache API");
MODULE_LICENSE("GPL");
