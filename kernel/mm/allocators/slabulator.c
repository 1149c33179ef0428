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
#include "slabulator.h"

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

/**
 * slabulator_make_chain() - build the allocator chain of a new kmem_cache
 * @s: the cache, with name, object_size, flags and ctor set.
 * @args: the creation arguments.
 * @left_pad: set to the bytes a deriver puts before each object.
 *
 * Context: process context, or early boot; slab_mutex held.
 * Return: the cache of the top of the chain, or an ERR_PTR().
 */
struct slab_cache *slabulator_make_chain(struct kmem_cache *s,
					 struct kmem_cache_args *args,
					 unsigned int *left_pad)
{
	struct slab_cache_args ca = {
		.align = slabulator_align(s->object_size, args->align),
		.flags = s->flags & (SLAB_HWCACHE_ALIGN | SLAB_RECLAIM_ACCOUNT |
				     SLAB_TYPESAFE_BY_RCU),
		.use_freeptr_offset = args->use_freeptr_offset,
		.freeptr_offset = args->freeptr_offset,
		.owner = s,
	};
	struct page_allocator *pa = page_allocator_get(buddy_page_allocator());
	struct slab_allocator *sa = slab_allocator_get(slabifier_allocator());
	unsigned int debug = slabulator_debug_flags(s->flags);
	struct slab_cache *c;
	int err = 0;

	if (s->flags & SLAB_CACHE_DMA)
		err = chain_page(&pa, dma_page_allocator(pa));
	else if (s->flags & SLAB_CACHE_DMA32)
		err = chain_page(&pa, dma32_page_allocator(pa));
	if (!err && (s->flags & SLAB_TYPESAFE_BY_RCU))
		err = chain_page(&pa, rcu_page_allocator(pa));
	/* The constructor goes above debugging: debug translates its hooks. */
	if (!err && debug)
		err = chain_slab(&sa, debug_slab_allocator(sa, debug));
	if (!err && s->ctor)
		err = chain_slab(&sa, ctor_slab_allocator(sa, s->ctor, NULL));

	c = err ? ERR_PTR(err) : slab_cache_create(sa, pa, s->name,
						   s->object_size, &ca);
	if (!IS_ERR_OR_NULL(pa))
		page_allocator_put(pa);
	if (!IS_ERR_OR_NULL(sa))
		slab_allocator_put(sa);
	*left_pad = IS_ERR(c) ? 0 : slab_cache_left_pad(c);
	return c;
}

/**
 * slabulator_describe() - write the chain of a cache, top down
 * @s: the cache.
 * @buf: where to write.
 * @len: room in @buf.
 *
 * For example "debug(FZ) -> slabifier -> rcu -> buddy".
 *
 * Context: any.
 * Return: the characters written.
 */
int slabulator_describe(struct kmem_cache *s, char *buf, size_t len)
{
	struct slab_allocator *sa;
	int n = 0;

	for (sa = s->cache->allocator; sa; sa = sa->base)
		n += scnprintf(buf + n, len - n, "%s -> ", sa->name);
	n += page_allocator_describe(s->cache->page_allocator, buf + n,
				     len - n);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(slabulator_describe);

/* Object and cache hooks */

static __always_inline bool slab_pre_alloc(struct kmem_cache *s, gfp_t flags)
{
	flags &= gfp_allowed_mask;
	might_alloc(flags);
	return !should_failslab(s, flags);
}

static __always_inline void *slab_post_alloc(struct kmem_cache *s, gfp_t flags,
					     void *obj, bool init,
					     size_t orig_size)
{
	gfp_t init_flags = flags & gfp_allowed_mask;

	if (unlikely(!obj))
		return NULL;
	if (init)
		memset(obj, 0, s->object_size);
	kmemleak_alloc_recursive(obj, s->object_size, 1, s->flags, init_flags);
	kmsan_slab_alloc(s, obj, init_flags);
	return obj;
}

/**
 * slabulator_alloc() - allocate an object of a kmem_cache
 * @s: the cache.
 * @flags: gfp flags.
 * @node: preferred node or %NUMA_NO_NODE.
 * @orig_size: bytes the caller asked for (kmalloc) or the object size.
 *
 * Context: as @flags allow.
 * Return: the object or NULL.
 */
void *slabulator_alloc(struct kmem_cache *s, gfp_t flags, int node,
		       size_t orig_size)
{
	void *obj;

	if (unlikely(!slab_pre_alloc(s, flags)))
		return NULL;
	obj = slab_cache_alloc_node(s->cache, flags, node);
	return slab_post_alloc(s, flags, obj, slab_want_init_on_alloc(flags, s) ||
			       slab_want_init_on_free(s), orig_size);
}

static __always_inline void slab_free_hook(struct kmem_cache *s, void *x)
{
	kmemleak_free_recursive(x, s->flags);
	kmsan_slab_free(s, x);
	debug_check_no_locks_freed(x, s->object_size);
	if (!(s->flags & SLAB_DEBUG_OBJECTS))
		debug_check_no_obj_freed(x, s->object_size);
	if (!(s->flags & SLAB_TYPESAFE_BY_RCU))
		__kcsan_check_access(x, s->object_size,
				     KCSAN_ACCESS_WRITE | KCSAN_ACCESS_ASSERT);
	if (slab_want_init_on_free(s))
		memset(x, 0, s->object_size);
}

/**
 * slabulator_free() - free an object to the chain of its kmem_cache
 * @s: the cache the object's slab belongs to.
 * @x: the object.
 *
 * Context: any; does not sleep.
 */
void slabulator_free(struct kmem_cache *s, void *x)
{
	slab_free_hook(s, x);
	slab_cache_free(s->cache, x);
}

/**
 * slabulator_cache_of() - the kmem_cache a kmem_cache_free() really frees to
 * @s: the cache the caller named.
 * @x: the object.
 *
 * Context: any.
 * Return: the cache @x belongs to, or NULL (reported) if @x is no slab
 * object at all.
 */
static struct kmem_cache *slabulator_cache_of(struct kmem_cache *s, void *x)
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
	void *ret = slabulator_alloc(s, gfpflags, NUMA_NO_NODE, s->object_size);

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
	/* No memcg accounting with MODSLAB yet (Kconfig keeps MEMCG off). */
	return true;
}
EXPORT_SYMBOL(kmem_cache_charge);

void kmem_cache_free(struct kmem_cache *s, void *x)
{
	if (unlikely(ZERO_OR_NULL_PTR(x)))
		return;
	s = slabulator_cache_of(s, x);
	if (!s)
		return;
	trace_kmem_cache_free(_RET_IP_, x, s);
	slabulator_free(s, x);
}
EXPORT_SYMBOL(kmem_cache_free);

int kmem_cache_alloc_bulk_noprof(struct kmem_cache *s, gfp_t flags,
				 size_t size, void **p)
{
	bool init = slab_want_init_on_alloc(flags, s) ||
		    slab_want_init_on_free(s);
	size_t i;

	if (!size)
		return 0;
	if (unlikely(!slab_pre_alloc(s, flags)))
		return 0;
	if (!slab_cache_alloc_bulk(s->cache, flags, size, p))
		return 0;
	for (i = 0; i < size; i++)
		slab_post_alloc(s, flags, p[i], init, s->object_size);
	return size;
}
EXPORT_SYMBOL(kmem_cache_alloc_bulk_noprof);

void kmem_cache_free_bulk(struct kmem_cache *s, size_t size, void **p)
{
	size_t i;

	if (!s) {
		/* kfree_bulk(): every object names its own cache. */
		for (i = 0; i < size; i++)
			kfree(p[i]);
		return;
	}
	for (i = 0; i < size; i++) {
		if (unlikely(ZERO_OR_NULL_PTR(p[i]) ||
			     slabulator_cache_of(s, p[i]) != s)) {
			/* Odd ones go one by one, the rest in one call. */
			kmem_cache_free(s, p[i]);
			p[i] = NULL;
			continue;
		}
		slab_free_hook(s, p[i]);
	}
	slab_cache_free_bulk(s->cache, size, p);
}
EXPORT_SYMBOL(kmem_cache_free_bulk);

/* Cache life cycle, called by mm/slab_common.c */

slab_flags_t kmem_cache_flags(slab_flags_t flags, const char *name)
{
	return flags | slab_debug_flags_for(name);
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

int __kmem_cache_shutdown(struct kmem_cache *s)
{
	return slab_cache_destroy(s->cache) ? 1 : 0;
}

void __kmem_cache_release(struct kmem_cache *s)
{
	cache_random_seq_destroy(s);
}

int __kmem_cache_shrink(struct kmem_cache *s)
{
	struct slab_cache_stats st;

	slab_cache_shrink(s->cache, NULL, NULL);
	slab_cache_stats(s->cache, &st);
	return st.num_slabs != 0;
}

bool __kmem_cache_empty(struct kmem_cache *s)
{
	struct slab_cache_stats st;

	slab_cache_stats(s->cache, &st);
	return st.num_slabs == 0;
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

#ifdef CONFIG_PRINTK
void __kmem_obj_info(struct kmem_obj_info *kpp, void *object, struct slab *slab)
{
	struct kmem_cache *s = slab->slab_cache;
	void *base = slab_address(slab);
	unsigned int objnr;

	kpp->kp_ptr = object;
	kpp->kp_slab = slab;
	kpp->kp_slab_cache = s;
	objnr = obj_to_index(s, slab, object);
	kpp->kp_objp = base + s->size * objnr + s->red_left_pad;
	kpp->kp_data_offset = object - kpp->kp_objp;
}
#endif

#ifdef CONFIG_HARDENED_USERCOPY
void __check_heap_object(const void *ptr, unsigned long n,
			 const struct slab *slab, bool to_user)
{
	struct kmem_cache *s = slab->slab_cache;
	unsigned long offset;

	offset = (ptr - slab_address(slab)) % s->size;
	if (offset < s->red_left_pad)
		usercopy_abort("slab object redzone", s->name, to_user, offset, n);
	offset -= s->red_left_pad;
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
