// SPDX-License-Identifier: GPL-2.0
/*
 * The slabulator: the kmem_cache API of Linux on the modslab framework.
 *
 * Theory statement
 * ================
 *
 * 1. Role.  With CONFIG_MODSLAB the kernel has no SLUB: every
 *    kmem_cache_*() call, and through kmalloc.c every kmalloc() and
 *    kfree(), lands here.  mm/slab_common.c keeps doing what it does for
 *    any allocator (the cache list, merging, kmalloc array, krealloc,
 *    kmem_cache_destroy ordering); this file provides the functions it
 *    expects of an allocator, the same ones mm/slub.c provides.
 *
 * 2. A kmem_cache is a chain.  do_kmem_cache_create() turns the flags and
 *    arguments of a cache into a chain of framework allocators, bottom up:
 *    the buddy page allocator, then page-level derivers (dma for
 *    SLAB_CACHE_DMA/DMA32, rcu for SLAB_TYPESAFE_BY_RCU), the slabifier,
 *    then slab-level derivers (ctor for a constructor, debug for the
 *    slab_debug flags).  The chain is resolved once, here: a cache with no
 *    deriver at the slab level is served by the slabifier with direct
 *    calls.  The chain is described in /sys/kernel/slab/<cache>/allocator.
 *
 * 3. Slabs name their kmem_cache.  The slabifier writes into each slab's
 *    slab_cache word the owner given at creation; here that is the
 *    kmem_cache, so virt_to_cache(), memcg, kfree() and every other user
 *    of struct slab work as with SLUB.
 *
 * 4. Hooks, in SLUB's order.  Allocation: might_alloc, failslab, the
 *    chain, init_on_alloc/__GFP_ZERO, kmemleak, kmsan.  Free: kmemleak,
 *    lock and object debugging checks, KCSAN, init_on_free, the chain.
 *    With init_on_free an object is wiped when freed, and again when
 *    handed out: the chain wrote its free pointer into it meanwhile.
 *
 * 5. Locking.  slab_mutex (slab_common.c) serialises creation and
 *    destruction; the allocators below take their own locks, never this
 *    one.  Nothing here is called with a framework lock held.
 */

#define pr_fmt(fmt) "slab: " fmt

#include <linux/allocator.h>
#include <linux/allocator_derive.h>
#include <linux/debugobjects.h>
#include <linux/kasan.h>
#include <linux/kcsan.h>
#include <linux/kfence.h>
#include <linux/kmemleak.h>
#include <linux/kmsan.h>
#include <linux/memcontrol.h>
#include <linux/module.h>
#include <linux/fault-inject.h>
#include <linux/slab.h>
#include <trace/events/kmem.h>
#include <kunit/visibility.h>

#include "../slab.h"
#include "slab_hooks.h"
#include "slab_move.h"
#include "slabulator.h"
#include "slabulator_objects.h"

/* The chain of a cache */

static unsigned int slabulator_debug_flags(slab_flags_t flags)
{
	unsigned int d = 0;

	if (flags & SLAB_CONSISTENCY_CHECKS)
		d |= SLABDBG_SANITY;
	if (flags & SLAB_RED_ZONE)
		d |= SLABDBG_REDZONE;
	if (flags & SLAB_POISON)
		d |= SLABDBG_POISON;
	if (flags & SLAB_STORE_USER)
		d |= SLABDBG_USER;
	if (flags & SLAB_TRACE)
		d |= SLABDBG_TRACE;
	return d;
}

/*
 * kmalloc caches above a page ask to be aligned to their size; the
 * slabifier gives power-of-two objects that alignment by itself (their
 * stride divides a naturally aligned slab), so only ask it for a page.
 */
static unsigned int slabulator_align(unsigned int size, unsigned int align)
{
	if (align > PAGE_SIZE && is_power_of_2(size) && align <= size)
		return PAGE_SIZE;
	return align;
}

/* Replace *@pa by @derived, dropping the caller's reference on the base. */
static int chain_page(struct page_allocator **pa,
		      struct page_allocator *derived)
{
	page_allocator_put(*pa);
	*pa = derived;
	return PTR_ERR_OR_ZERO(derived);
}

static int chain_slab(struct slab_allocator **sa,
		      struct slab_allocator *derived)
{
	slab_allocator_put(*sa);
	*sa = derived;
	return PTR_ERR_OR_ZERO(derived);
}

/* The order of the slabs @sa and @pa would make, for a reserve of slabs. */
static int slabulator_slab_order(struct kmem_cache *s, unsigned int size,
				 struct slab_allocator *sa,
				 struct page_allocator *pa,
				 const struct slab_cache_args *ca,
				 unsigned int *order)
{
	struct slab_cache_args probe = *ca;
	struct slab_cache_stats st;
	struct slab_cache *c;

	probe.nr_hooks = 0;
	c = slab_cache_create(sa, pa, s->name, size, &probe);
	if (IS_ERR(c))
		return PTR_ERR(c);
	slab_cache_stats(c, &st);
	*order = st.order;
	return slab_cache_destroy(c);
}

static bool slabulator_spec_has_dma(const struct slab_backing *spec)
{
	unsigned int i;

	for (i = 0; spec && i < spec->nr; i++) {
		if (spec->step[i].kind == SLAB_BACKING_DMA ||
		    spec->step[i].kind == SLAB_BACKING_DMA32)
			return true;
	}
	return false;
}

/**
 * slabulator_build_chain() - build an allocator chain for a kmem_cache
 * @s: the cache, with name, object_size, flags and ctor set.
 * @align: alignment its creator asked for.
 * @args: the creation arguments (free pointer offset), or NULL.
 * @req: what to build on and what to add; see &struct slabulator_chain.
 *
 * Bottom up: @req->pa (or the buddy allocator); dma or dma32 for the
 * cache's flags unless @req->pa forces gfp bits or @req->spec names one;
 * the page-level derivers of @req->spec, innermost first; rcu for
 * SLAB_TYPESAFE_BY_RCU unless the chain has it.  Then the slabifier (or
 * @req->sa), debug (unless @req->sa has it) and the constructor.
 *
 * Context: process context, or early boot; slab_mutex held.
 * Return: the cache of the top of the chain, or an ERR_PTR().
 */
struct slab_cache *slabulator_build_chain(struct kmem_cache *s,
					  unsigned int align,
					  const struct kmem_cache_args *args,
					  const struct slabulator_chain *req)
{
	const struct slab_backing *spec = req->spec;
	struct slab_cache_args ca = {
		.align = slabulator_align(s->object_size, align),
		.flags = s->flags & (SLAB_HWCACHE_ALIGN | SLAB_RECLAIM_ACCOUNT |
				     SLAB_TYPESAFE_BY_RCU),
		.use_freeptr_offset = args && args->use_freeptr_offset,
		.freeptr_offset = args ? args->freeptr_offset : 0,
		.owner = s,
	};
	struct page_allocator *pa =
		page_allocator_get(req->pa ?: buddy_page_allocator());
	struct slab_allocator *sa =
		slab_allocator_get(req->sa ?: slabifier_allocator());
	unsigned int debug = req->set_debug ? req->debug :
				slabulator_debug_flags(s->flags);
	unsigned int i, order = 0;
	unsigned int size = slab_hook_cache_args(s, &ca, debug ||
				(sa->traits & SLAB_ALLOCATOR_DEBUG));
	struct slab_cache *c;
	int err = 0;

	/* The constructor goes above debugging: debug translates its hooks. */
	if (debug && !(sa->traits & SLAB_ALLOCATOR_DEBUG))
		err = chain_slab(&sa, debug_slab_allocator(sa, debug));
	if (!err && s->ctor)
		err = chain_slab(&sa, ctor_slab_allocator(sa, s->ctor, NULL));
	if (!err && req->hook) {
		if (ca.nr_hooks < SLAB_CACHE_MAX_HOOKS) {
			ca.hooks[ca.nr_hooks++] = req->hook;
		} else {
			pr_err("%s: no room for one more slab hook\n",
			       s->name);
			err = -ENOSPC;
		}
	}

	if (!err && !slabulator_spec_has_dma(spec) &&
	    !(pa->traits & PAGE_ALLOCATOR_GFP_FORCED)) {
		if (s->flags & SLAB_CACHE_DMA)
			err = chain_page(&pa, dma_page_allocator(pa));
		else if (s->flags & SLAB_CACHE_DMA32)
			err = chain_page(&pa, dma32_page_allocator(pa));
	}
	for (i = spec ? spec->nr : 0; !err && i-- > 0;) {
		if (spec->step[i].kind == SLAB_BACKING_RESERVE)
			err = slabulator_slab_order(s, size, sa, pa, &ca,
						    &order);
		if (!err)
			err = chain_page(&pa, slab_backing_derive(&spec->step[i],
								  pa, order));
	}
	if (!err && (s->flags & SLAB_TYPESAFE_BY_RCU) &&
	    !(pa->traits & PAGE_ALLOCATOR_RCU))
		err = chain_page(&pa, rcu_page_allocator(pa));

	c = err ? ERR_PTR(err) : slab_cache_create(sa, pa, s->name, size,
						   &ca);
	if (!IS_ERR_OR_NULL(pa))
		page_allocator_put(pa);
	if (!IS_ERR_OR_NULL(sa))
		slab_allocator_put(sa);
	return c;
}

/**
 * slabulator_make_chain() - build the allocator chain of a new kmem_cache
 * @s: the cache, with name, object_size, flags and ctor set.
 * @args: the creation arguments.
 * @left_pad: set to the bytes a deriver puts before each object.
 *
 * The chain is the one kmem_cache_create_backed() asked for, else the one
 * modslab.backing= gives the cache's name, else the one its flags ask for.
 * A modslab.backing= chain that cannot be built is reported and the cache
 * gets the chain its flags ask for.
 *
 * Context: process context, or early boot; slab_mutex held.
 * Return: the cache of the top of the chain, or an ERR_PTR().
 */
struct slab_cache *slabulator_make_chain(struct kmem_cache *s,
					 struct kmem_cache_args *args,
					 unsigned int *left_pad)
{
	struct slabulator_chain req = {};
	struct slab_cache *c;
	char buf[96];

	if (!slab_backing_request(s->name, &req.pa, &req.sa) &&
	    !(s->flags & SLAB_NO_USER_FLAGS))
		req.spec = slab_backing_for(s->name);
	c = slabulator_build_chain(s, args->align, args, &req);
	if (IS_ERR(c) && req.spec) {
		slab_backing_describe(req.spec, buf, sizeof(buf));
		pr_err("modslab.backing: cannot build '%s' for cache %s (%pe); built without it\n",
		       buf, s->name, c);
		req.spec = NULL;
		c = slabulator_build_chain(s, args->align, args, &req);
	}
	*left_pad = IS_ERR(c) ? 0 : slab_cache_left_pad(c);
	return c;
}

/**
 * slabulator_describe() - write the chain of a cache, top down
 * @s: the cache.
 * @buf: where to write.
 * @len: room in @buf.
 *
 * For example "debug(FZ) -> slabifier -> rcu -> buddy".  For a cache whose
 * debugging changed at run time, the chain new objects come from.
 *
 * Context: may sleep.
 * Return: the characters written.
 */
int slabulator_describe(struct kmem_cache *s, char *buf, size_t len)
{
	struct slab_cache *c = READ_ONCE(s->cache);

	if (slab_switch_active(c))
		return slab_switch_describe(c, buf, len);
	return slabulator_describe_chain(c, buf, len);
}
EXPORT_SYMBOL_IF_KUNIT(slabulator_describe);

/**
 * slabulator_describe_chain() - write a chain, top down
 * @c: the top of the chain.
 * @buf: where to write.
 * @len: room in @buf.
 *
 * Context: may sleep.
 * Return: the characters written.
 */
int slabulator_describe_chain(struct slab_cache *c, char *buf, size_t len)
{
	struct slab_allocator *sa;
	int n = 0;

	for (sa = c->allocator; sa; sa = sa->base)
		n += scnprintf(buf + n, len - n, "%s -> ", sa->name);
	n += page_allocator_describe(c->page_allocator, buf + n, len - n);
	return n;
}

/* Objects: slabulator_objects.h, and the rare paths out of line here */

/* Give back the objects of a bulk allocation memcg refused to charge. */
static void slabulator_uncharged(struct kmem_cache *s, size_t nr, void **p)
{
	kmem_cache_free_bulk(s, nr, p);
	memset(p, 0, nr * sizeof(*p));
}

/**
 * slabulator_uncharged_one() - give back an object memcg refused to charge
 * @s: its cache.
 * @obj: the object.
 *
 * Context: any; does not sleep.
 */
void slabulator_uncharged_one(struct kmem_cache *s, void *obj)
{
	slabulator_free(s, virt_to_slab(obj), obj);
}

/* The slab of @x, NULL for NULL, ZERO_SIZE_PTR or anything not a slab's */
static __always_inline struct slab *slabulator_slab_of(const void *x)
{
	return ZERO_OR_NULL_PTR(x) ? NULL : virt_to_slab(x);
}

/*
 * The cache a kmem_cache_free() of @x really frees to, for the frees the
 * fast path refused: NULL (reported) if @x is no slab object at all.
 */
static noinline struct kmem_cache *slabulator_cache_of(struct kmem_cache *s,
						       void *x)
{
	struct slab *slab = virt_to_slab(x);

	if (unlikely(!slab)) {
		pr_err("kmem_cache_free(%s): %p is not a slab object; ignored\n",
		       s ? s->name : "NULL", x);
		dump_stack();
		return NULL;
	}
	if (unlikely(s && slab->slab_cache != s)) {
		pr_err("kmem_cache_free(%s): %p belongs to cache %s; freed there\n",
		       s->name, x, slab->slab_cache->name);
		dump_stack();
	}
	return slab->slab_cache;
}

void *kmem_cache_alloc_noprof(struct kmem_cache *s, gfp_t gfpflags)
{
	void *ret = slabulator_alloc(s, gfpflags, NUMA_NO_NODE, s->object_size);

	trace_kmem_cache_alloc(_RET_IP_, ret, s, gfpflags, NUMA_NO_NODE);
	return ret;
}
EXPORT_SYMBOL(kmem_cache_alloc_noprof);

void *kmem_cache_alloc_lru_noprof(struct kmem_cache *s, struct list_lru *lru,
				  gfp_t gfpflags)
{
	void *ret = slabulator_alloc_lru(s, lru, gfpflags, NUMA_NO_NODE,
					 s->object_size);

	trace_kmem_cache_alloc(_RET_IP_, ret, s, gfpflags, NUMA_NO_NODE);
	return ret;
}
EXPORT_SYMBOL(kmem_cache_alloc_lru_noprof);

void *kmem_cache_alloc_node_noprof(struct kmem_cache *s, gfp_t gfpflags,
				   int node)
{
	void *ret = slabulator_alloc(s, gfpflags, node, s->object_size);

	trace_kmem_cache_alloc(_RET_IP_, ret, s, gfpflags, node);
	return ret;
}
EXPORT_SYMBOL(kmem_cache_alloc_node_noprof);

bool kmem_cache_charge(void *objp, gfp_t gfpflags)
{
	return slab_hook_charge(objp, gfpflags);
}
EXPORT_SYMBOL(kmem_cache_charge);

void kmem_cache_free(struct kmem_cache *s, void *x)
{
	struct slab *slab;

	if (unlikely(ZERO_OR_NULL_PTR(x)))
		return;
	slab = virt_to_slab(x);
	if (unlikely(!slab || (s && slab->slab_cache != s))) {
		s = slabulator_cache_of(s, x);
		if (!s)
			return;
	} else {
		s = slab->slab_cache;
	}
	trace_kmem_cache_free(_RET_IP_, x, s);
	slabulator_free(s, slab, x);
	barrier();	/* no tail call, see kfree() */
}
EXPORT_SYMBOL(kmem_cache_free);

/* Objects of a bulk allocation that KFENCE serves instead of the chain */
static void slabulator_kfence_bulk(struct kmem_cache *s, gfp_t flags,
				   size_t nr, void **p)
{
	size_t i;
	void *k;

	for (i = 0; i < nr; i++) {
		k = slab_hook_kfence_alloc(s, s->object_size, flags);
		if (likely(!k))
			continue;
		slab_cache_free(s->cache, p[i]);
		p[i] = k;
	}
}

int kmem_cache_alloc_bulk_noprof(struct kmem_cache *s, gfp_t flags,
				 size_t size, void **p)
{
	bool init = slab_want_init_on_alloc(flags, s) ||
		    slab_want_init_on_free(s);

	if (!size)
		return 0;
	if (unlikely(!slab_hook_pre_alloc(s, flags)))
		return 0;
	if (!slab_cache_alloc_bulk(s->cache, slab_hook_chain_gfp(flags), size,
				   p))
		return 0;
	slabulator_kfence_bulk(s, flags, size, p);
	if (unlikely(!slab_hook_post_alloc(s, NULL, flags, size, p, init))) {
		slabulator_uncharged(s, size, p);
		return 0;
	}
	return size;
}
EXPORT_SYMBOL(kmem_cache_alloc_bulk_noprof);

/*
 * kfree_bulk(), which is kmem_cache_free_bulk(NULL, ...): every object
 * names its own cache.  A run of objects of one cache (the usual case:
 * kvfree_rcu() batches by size) goes to its chain in one bulk call;
 * anything that is not a slab object goes through kfree() on its own.
 */
static void kfree_bulk_runs(size_t size, void **p)
{
	struct kmem_cache *run = NULL;	/* the cache of p[start..i - 1] */
	struct kmem_cache *c;
	size_t i, start = 0;
	struct slab *slab;

	for (i = 0; i < size; i++) {
		slab = slabulator_slab_of(p[i]);
		if (unlikely(!slab)) {
			kfree(p[i]);
			p[i] = NULL;
			continue;
		}
		c = slab->slab_cache;
		if (unlikely(c != run)) {
			if (run)
				slab_cache_free_bulk(run->cache, i - start,
						     p + start);
			run = c;
			start = i;
		}
		if (!slabulator_free_hooks(c, slab, p[i]))
			p[i] = NULL;
	}
	if (run)
		slab_cache_free_bulk(run->cache, size - start, p + start);
}

void kmem_cache_free_bulk(struct kmem_cache *s, size_t size, void **p)
{
	struct slab *slab;
	size_t i;

	if (!s) {
		kfree_bulk_runs(size, p);
		return;
	}
	for (i = 0; i < size; i++) {
		slab = slabulator_slab_of(p[i]);
		if (unlikely(!slab || slab->slab_cache != s)) {
			/* Odd ones go one by one, the rest in one call. */
			kmem_cache_free(s, p[i]);
			p[i] = NULL;
			continue;
		}
		if (!slabulator_free_hooks(s, slab, p[i]))
			p[i] = NULL;
	}
	slab_cache_free_bulk(s->cache, size, p);
}
EXPORT_SYMBOL(kmem_cache_free_bulk);

/* Cache life cycle, called by mm/slab_common.c */

slab_flags_t kmem_cache_flags(slab_flags_t flags, const char *name)
{
	/* As under SLUB: the cache's creator keeps the boot options off */
	if (flags & SLAB_NO_USER_FLAGS)
		return flags;
	return flags | slab_debug_flags_for(flags, name) |
	       slab_backing_flags_for(name);
}

int do_kmem_cache_create(struct kmem_cache *s, const char *name,
			 unsigned int size, struct kmem_cache_args *args,
			 slab_flags_t flags)
{
	struct slab_cache *c;
	unsigned int left;
	int err;

	s->name = name;
	s->object_size = size;
	s->ctor = args->ctor;
	s->flags = kmem_cache_flags(flags, name);
#ifdef CONFIG_HARDENED_USERCOPY
	s->useroffset = args->useroffset;
	s->usersize = args->usersize;
#endif
	c = slabulator_make_chain(s, args, &left);
	if (IS_ERR(c))
		return PTR_ERR(c);

	s->cache = c;
	s->size = c->size;
	s->align = c->align;
	s->red_left_pad = left;
	/* What slab_ksize() may offer when free objects keep their data */
	s->inuse = ALIGN(s->object_size, sizeof(void *));
	s->offset = 0;
	s->reciprocal_size = reciprocal_value(s->size);

	if (slab_state >= FULL) {
		err = sysfs_slab_add(s);
		if (err) {
			slab_cache_destroy(c);
			s->cache = NULL;
			return err;
		}
	}
	return 0;
}

/*
 * kmem_cache_destroy() unlinks the cache's sysfs files only after this,
 * and its readers go through the chain: the chain is emptied and checked
 * here, and destroyed in __kmem_cache_release(), once the files are gone.
 * A cache that still has objects keeps its chain (and leaks, as SLUB's).
 */
int __kmem_cache_shutdown(struct kmem_cache *s)
{
	slab_move_quiesce(s);
	slab_cache_shrink(s->cache, NULL, NULL);
	return __kmem_cache_empty(s) ? 0 : 1;
}

void __kmem_cache_release(struct kmem_cache *s)
{
	slab_cache_destroy(s->cache);
	slab_switch_release(s);
	cache_random_seq_destroy(s);
}

int __kmem_cache_shrink(struct kmem_cache *s)
{
	struct slab_cache_stats st;

	slab_move_shrink(s);
	slab_cache_stats(s->cache, &st);
	return st.num_slabs != 0;
}

/* No object of its users: a debug layer's quarantine does not count. */
bool __kmem_cache_empty(struct kmem_cache *s)
{
	struct slab_cache_stats st;

	if (slab_switch_active(s->cache))
		return slab_switch_empty(s->cache);
	slab_cache_stats(s->cache, &st);
	return !st.num_slabs || st.active_objs == slab_debug_held(s->cache);
}

void get_slabinfo(struct kmem_cache *s, struct slabinfo *sinfo)
{
	struct slab_cache_stats st;

	slab_cache_stats(s->cache, &st);
	sinfo->active_objs = st.active_objs;
	sinfo->num_objs = st.num_objs;
	sinfo->active_slabs = st.active_slabs;
	sinfo->num_slabs = st.num_slabs;
	sinfo->objects_per_slab = st.objs_per_slab;
	sinfo->cache_order = st.order;
}

void *fixup_red_left(struct kmem_cache *s, void *p)
{
	return p + s->red_left_pad;
}

/*
 * Stride and left padding of the objects in a slab: those of the chain that
 * made it, which differ from the kmem_cache's for a cache whose debugging
 * changed at run time.
 */
static void __maybe_unused slabulator_layout(struct kmem_cache *s,
					     const void *obj,
					     unsigned int *size,
					     unsigned int *left)
{
	struct slab_cache *c = READ_ONCE(s->cache);

	if (unlikely(slab_switch_active(c))) {
		c = slab_switch_chain_of(c, obj);
		*size = c->size;
		*left = slab_cache_left_pad(c);
		return;
	}
	*size = s->size;
	*left = s->red_left_pad;
}

#ifdef CONFIG_PRINTK
void __kmem_obj_info(struct kmem_obj_info *kpp, void *object, struct slab *slab)
{
	struct kmem_cache *s = slab->slab_cache;
	void *base = slab_address(slab);
	unsigned int size, left;
	struct slab_cache *c;
	void *unused;

	kpp->kp_ptr = object;
	kpp->kp_slab = slab;
	kpp->kp_slab_cache = s;
	slabulator_layout(s, object, &size, &left);
	kpp->kp_objp = base + size * ((object - base) / size) + left;
	kpp->kp_data_offset = object - kpp->kp_objp;
	/* The stacks a debug layer with U recorded, as SLUB shows them */
	c = slab_switch_active(s->cache) ?
	    slab_switch_chain_of(s->cache, object) : s->cache;
	slab_debug_stack(c, object, false, &kpp->kp_ret, kpp->kp_stack,
			 KS_ADDRS_COUNT);
	slab_debug_stack(c, object, true, &unused, kpp->kp_free_stack,
			 KS_ADDRS_COUNT);
}
EXPORT_SYMBOL_IF_KUNIT(__kmem_obj_info);
#endif

#ifdef CONFIG_HARDENED_USERCOPY
void __check_heap_object(const void *ptr, unsigned long n,
			 const struct slab *slab, bool to_user)
{
	struct kmem_cache *s = slab->slab_cache;
	unsigned int size, left;
	unsigned long offset;

	if (is_kfence_address(ptr)) {
		offset = ptr - kfence_object_start(ptr);
	} else {
		slabulator_layout(s, ptr, &size, &left);
		offset = (ptr - slab_address(slab)) % size;
		if (offset < left)
			usercopy_abort("slab object redzone", s->name, to_user,
				       offset, n);
		offset -= left;
	}
	if (offset >= s->useroffset && offset - s->useroffset <= s->usersize &&
	    n <= s->useroffset - offset + s->usersize)
		return;
	usercopy_abort("slab object", s->name, to_user, offset, n);
}
#endif

/* Boot */

void __init kmem_cache_init(void)
{
	static struct kmem_cache boot_kmem_cache;

	kmem_cache = &boot_kmem_cache;
	create_boot_cache(kmem_cache, "kmem_cache", sizeof(struct kmem_cache),
			  SLAB_HWCACHE_ALIGN, 0, 0);
	/* The cache of caches is never destroyed; it stays static. */
	list_add(&kmem_cache->list, &slab_caches);

	setup_kmalloc_cache_index_table();
	create_kmalloc_caches();

	pr_info("MODSLAB: HWalign=%d, CPUs=%u, Nodes=%u\n",
		cache_line_size(), nr_cpu_ids, nr_node_ids);
}

void __init kmem_cache_init_late(void)
{
}
