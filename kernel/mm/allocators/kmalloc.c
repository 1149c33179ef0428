// SPDX-License-Identifier: GPL-2.0
/*
 * The kmalloc layer of MODSLAB: kmalloc(), kmalloc_node(), kfree() and the
 * large-allocation pass-through, on the caches of the slabulator.
 *
 * The general caches are the kmalloc array of mm/slab_common.c, generated
 * at boot by create_kmalloc_caches(): 8 (where the architecture allows)
 * to 8192 bytes in powers of two, plus 96 and 192, for each kmalloc type.
 * Requests above KMALLOC_MAX_CACHE_SIZE go to the page allocator as
 * compound pages; kfree() tells them from slab objects by the slab page
 * type.  A zero-size request gets ZERO_SIZE_PTR.
 *
 * DMA caches are made on the first __GFP_DMA request of each size, since
 * most systems never need them.  A request that may not sleep cannot make
 * a cache (that takes slab_mutex); it is served by whole pages from
 * ZONE_DMA instead, and the cache is made by a work item for the requests
 * that follow.  They live in an array of their own: the kmalloc array is
 * read-only after boot, and the constant-size kmalloc() inlines reach
 * __kmalloc_cache_noprof() with NULL for a DMA size, which looks here.
 */

#define pr_fmt(fmt) "slab: " fmt

#include <linux/kasan.h>
#include <linux/kmemleak.h>
#include <linux/kmsan.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <trace/events/kmem.h>
#include <kunit/visibility.h>

#include "../internal.h"
#include "../slab.h"
#include "slab_hooks.h"
#include "slabulator.h"
#include "slabulator_objects.h"

static void *kmalloc_large_node(size_t size, gfp_t flags, int node)
{
	unsigned int order = get_order(size);
	struct folio *folio;
	void *ptr = NULL;

	if (unlikely(flags & GFP_SLAB_BUG_MASK))
		flags = kmalloc_fix_flags(flags);
	flags |= __GFP_COMP;
	if (node == NUMA_NO_NODE)
		folio = (struct folio *)alloc_pages_noprof(flags, order);
	else
		folio = (struct folio *)__alloc_pages_noprof(flags, order, node,
							     NULL);
	if (folio) {
		ptr = folio_address(folio);
		lruvec_stat_mod_folio(folio, NR_SLAB_UNRECLAIMABLE_B,
				      PAGE_SIZE << order);
	}
	ptr = kasan_kmalloc_large(ptr, size, flags);
	kmemleak_alloc(ptr, size, 1, flags);
	kmsan_kmalloc_large(ptr, size, flags);
	return ptr;
}

void *__kmalloc_large_noprof(size_t size, gfp_t flags)
{
	void *ret = kmalloc_large_node(size, flags, NUMA_NO_NODE);

	trace_kmalloc(_RET_IP_, ret, size, PAGE_SIZE << get_order(size),
		      flags, NUMA_NO_NODE);
	return ret;
}
EXPORT_SYMBOL(__kmalloc_large_noprof);

void *__kmalloc_large_node_noprof(size_t size, gfp_t flags, int node)
{
	void *ret = kmalloc_large_node(size, flags, node);

	trace_kmalloc(_RET_IP_, ret, size, PAGE_SIZE << get_order(size),
		      flags, node);
	return ret;
}
EXPORT_SYMBOL(__kmalloc_large_node_noprof);

/* DMA caches, made on first use */

static void kmalloc_dma_make(struct work_struct *work);
static DECLARE_WORK(kmalloc_dma_work, kmalloc_dma_make);
static DEFINE_MUTEX(kmalloc_dma_mutex);
static DECLARE_BITMAP(kmalloc_dma_wanted, KMALLOC_SHIFT_HIGH + 1);
static struct kmem_cache *kmalloc_dma_caches[KMALLOC_SHIFT_HIGH + 1];

/* The size of kmalloc index @idx: 96, 192, or a power of two. */
static unsigned int kmalloc_idx_size(unsigned int idx)
{
	return idx == 1 ? 96 : idx == 2 ? 192 : 1U << idx;
}

static struct kmem_cache *kmalloc_dma_create(unsigned int idx)
{
	unsigned int size = kmalloc_idx_size(idx);
	struct kmem_cache *s;
	char name[32];

	/* The names of the boot-time kmalloc caches: dma-kmalloc-8k. */
	if (size >= 1024)
		snprintf(name, sizeof(name), "dma-kmalloc-%uk", size / 1024);
	else
		snprintf(name, sizeof(name), "dma-kmalloc-%u", size);
	mutex_lock(&kmalloc_dma_mutex);
	s = kmalloc_dma_caches[idx];
	if (!s) {
		/* All of it may be copied to and from user space, as at boot */
		s = kmem_cache_create_usercopy(name, size,
					       ARCH_KMALLOC_MINALIGN,
					       SLAB_CACHE_DMA | SLAB_KMALLOC |
					       SLAB_NO_MERGE, 0, size, NULL);
		if (s)	/* published only once fully made */
			smp_store_release(&kmalloc_dma_caches[idx], s);
		else
			pr_warn("could not make %s; DMA requests of that size use whole pages\n",
				name);
	}
	mutex_unlock(&kmalloc_dma_mutex);
	return s;
}

static void kmalloc_dma_make(struct work_struct *work)
{
	unsigned int idx;

	for_each_set_bit(idx, kmalloc_dma_wanted, KMALLOC_SHIFT_HIGH + 1) {
		clear_bit(idx, kmalloc_dma_wanted);
		kmalloc_dma_create(idx);
	}
}

/**
 * kmalloc_dma_flush() - wait until the DMA caches asked for are made
 *
 * Context: process context, may sleep.
 */
void kmalloc_dma_flush(void)
{
	flush_work(&kmalloc_dma_work);
}
EXPORT_SYMBOL_IF_KUNIT(kmalloc_dma_flush);

/* DMA requests made before workqueues ran get their caches now. */
static int __init kmalloc_dma_late(void)
{
	if (!bitmap_empty(kmalloc_dma_wanted, KMALLOC_SHIFT_HIGH + 1))
		schedule_work(&kmalloc_dma_work);
	return 0;
}
late_initcall(kmalloc_dma_late);

/*
 * kmalloc_dma_cache_for - the DMA cache of a kmalloc request, making it
 * if it is the first of its size.  NULL means: serve it with whole pages.
 */
static noinline struct kmem_cache *kmalloc_dma_cache_for(size_t size,
							 gfp_t flags,
							 unsigned long caller)
{
	struct kmem_cache *s;
	unsigned int idx;

	if (!IS_ENABLED(CONFIG_ZONE_DMA) ||
	    kmalloc_type(flags, caller) != KMALLOC_DMA)
		return NULL;
	idx = size <= 192 ? kmalloc_size_index[size_index_elem(size)] :
			    fls(size - 1);
	/* Pairs with the release in kmalloc_dma_create(). */
	s = smp_load_acquire(&kmalloc_dma_caches[idx]);
	if (s)
		return s;
	/*
	 * Making a cache sleeps, takes slab_mutex and allocates with
	 * GFP_KERNEL: only a caller that could do all that waits for it.
	 */
	if ((flags & GFP_KERNEL) == GFP_KERNEL && slab_state >= UP)
		return kmalloc_dma_create(idx);
	set_bit(idx, kmalloc_dma_wanted);
	if (slab_state >= FULL)
		schedule_work(&kmalloc_dma_work);
	return NULL;
}

/*
 * Bootstrap.  Making a kmalloc cache allocates the slabifier's metadata
 * (the cache, its node structures, its free list order) with kmalloc(),
 * and while create_kmalloc_caches() runs, the size asked for may have no
 * cache yet.  Whole pages for each such request, more than
 * KMALLOC_MAX_CACHE_SIZE so that ksize() can tell them from slab objects,
 * cost 16 KiB apiece for objects of 56 to 2048 bytes: 384 KiB for the
 * 24 requests of a one-node boot.  Instead they are carved, in order,
 * from shared blocks of pages, one block per node asked for, counted as
 * slab memory like any kmalloc() pages.  What the blocks hold is the
 * metadata of the kmalloc caches, which are never destroyed: kfree() of a
 * carved object leaves it in place, and the blocks are never given back.
 */
#define KMALLOC_BOOT_ORDER	get_order(KMALLOC_MAX_CACHE_SIZE + 1)
#define KMALLOC_BOOT_BLOCKS	8
/* Carved objects whose sizes ksize() can tell; more go to whole pages */
#define KMALLOC_BOOT_OBJECTS	128

struct kmalloc_boot_block {
	void		*base;
	unsigned int	used;
	int		node;
};

static struct kmalloc_boot_block kmalloc_boot[KMALLOC_BOOT_BLOCKS] __ro_after_init;

static struct kmalloc_boot_object {
	void		*start;
	unsigned int	size;
} kmalloc_boot_objects[KMALLOC_BOOT_OBJECTS] __ro_after_init;
static unsigned int kmalloc_boot_nr __ro_after_init;

/* A block on @node with @size bytes free at @align, made if need be. */
static struct kmalloc_boot_block *kmalloc_boot_find(size_t size,
						    size_t align, gfp_t flags,
						    int node)
{
	const size_t block_size = PAGE_SIZE << KMALLOC_BOOT_ORDER;
	struct kmalloc_boot_block *b;

	for (b = kmalloc_boot; b < kmalloc_boot + KMALLOC_BOOT_BLOCKS; b++) {
		if (!b->base)
			break;
		if ((node == NUMA_NO_NODE || b->node == node) &&
		    ALIGN(b->used, align) + size <= block_size)
			return b;
	}
	if (b == kmalloc_boot + KMALLOC_BOOT_BLOCKS)
		return NULL;
	b->base = kmalloc_large_node(block_size, flags | __GFP_ZERO, node);
	if (!b->base)
		return NULL;
	/* kmemleak knows the carved objects one by one, not the block */
	kmemleak_free(b->base);
	b->node = page_to_nid(virt_to_page(b->base));
	return b;
}

/*
 * kmalloc_boot_carve - a kmalloc() request made while the kmalloc caches
 * are being made, whose size has no cache yet.  Aligned as a kmalloc
 * object of that size would be; always zeroed.  NULL: use whole pages.
 */
static void *kmalloc_boot_carve(size_t size, gfp_t flags, int node)
{
	size_t align = ARCH_KMALLOC_MINALIGN;
	struct kmalloc_boot_block *b;
	void *ret;

	size = ALIGN(size, ARCH_KMALLOC_MINALIGN);
	if (is_power_of_2(size))
		align = max_t(size_t, align, size);
	if (size > KMALLOC_MAX_CACHE_SIZE / 2 ||
	    kmalloc_boot_nr == KMALLOC_BOOT_OBJECTS)
		return NULL;
	b = kmalloc_boot_find(size, align, flags, node);
	if (!b)
		return NULL;
	b->used = ALIGN(b->used, align);
	ret = b->base + b->used;
	b->used += size;
	kmemleak_alloc(ret, size, 1, flags);
	kmalloc_boot_objects[kmalloc_boot_nr].start = ret;
	kmalloc_boot_objects[kmalloc_boot_nr++].size = size;
	return ret;
}

/**
 * kmalloc_boot_ksize() - ksize() of an object carved from a bootstrap block
 * @object: a pointer kfree() would take.
 *
 * The blocks are pages, not slabs: without this, ksize() would offer a
 * carved object the whole block, and krealloc() or kfree_sensitive()
 * would write over its neighbours.
 *
 * Context: any.
 * Return: the bytes carved for @object, or 0 if it was not carved.
 */
size_t kmalloc_boot_ksize(const void *object)
{
	unsigned int i;

	for (i = 0; i < kmalloc_boot_nr; i++) {
		if (kmalloc_boot_objects[i].start == object)
			return kmalloc_boot_objects[i].size;
	}
	return 0;
}

/**
 * kmalloc_boot_owns() - was an object carved from a bootstrap block
 * @object: the object.
 *
 * Return: true if kfree() leaves @object in place for that reason.
 */
bool kmalloc_boot_owns(const void *object)
{
	const size_t block_size = PAGE_SIZE << KMALLOC_BOOT_ORDER;
	unsigned int i;

	for (i = 0; i < KMALLOC_BOOT_BLOCKS && kmalloc_boot[i].base; i++) {
		if (object >= kmalloc_boot[i].base &&
		    object < kmalloc_boot[i].base + block_size)
			return true;
	}
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(kmalloc_boot_owns);

/**
 * kmalloc_boot_object() - an object carved from a bootstrap block, for tests
 * @i: which, in the order they were carved.
 * @size: set to the bytes carved for it.
 *
 * Return: the object, or NULL past the last one.
 */
void *kmalloc_boot_object(unsigned int i, size_t *size)
{
	if (i >= kmalloc_boot_nr)
		return NULL;
	*size = kmalloc_boot_objects[i].size;
	return kmalloc_boot_objects[i].start;
}
EXPORT_SYMBOL_IF_KUNIT(kmalloc_boot_object);

/* The cache of a kmalloc request: the array's, inline, or a DMA cache. */
static __always_inline struct kmem_cache *
kmalloc_cache_for(size_t size, kmem_buckets *b, gfp_t flags,
		  unsigned long caller)
{
	struct kmem_cache *s = kmalloc_slab(size, b, flags, caller);

	if (likely(s))
		return s;
	return kmalloc_dma_cache_for(size, flags, caller);
}

static __always_inline void *kmalloc_node_caller(size_t size, kmem_buckets *b,
						 gfp_t flags, int node,
						 unsigned long caller)
{
	struct kmem_cache *s;
	void *ret;

	if (unlikely(size > KMALLOC_MAX_CACHE_SIZE)) {
		ret = kmalloc_large_node(size, flags, node);
		trace_kmalloc(caller, ret, size, PAGE_SIZE << get_order(size),
			      flags, node);
		return ret;
	}
	/* A valid request, as under SLUB: nothing to allocate, nothing said */
	if (unlikely(!size))
		return ZERO_SIZE_PTR;
	s = kmalloc_cache_for(size, b, flags, caller);
	if (unlikely(!s) && slab_state < UP && !(flags & __GFP_DMA)) {
		/*
		 * The caller's random copy or type may be made later than
		 * the normal cache of its size: that one serves meanwhile.
		 */
		s = kmalloc_slab(size, &kmalloc_caches[KMALLOC_NORMAL], flags,
				 caller);
		if (!s) {
			ret = kmalloc_boot_carve(size, flags, node);
			if (ret) {
				trace_kmalloc(caller, ret, size, size, flags,
					      node);
				return ret;
			}
		}
	}
	if (unlikely(!s)) {
		/*
		 * A DMA request before its cache is made.  ksize(), krealloc()
		 * and kfree_sensitive() tell a block of pages from a slab
		 * object by its size: it must be larger than any cache's.
		 */
		ret = kmalloc_large_node(KMALLOC_MAX_CACHE_SIZE + 1, flags,
					 node);
		trace_kmalloc(caller, ret, size,
			      PAGE_SIZE << get_order(KMALLOC_MAX_CACHE_SIZE + 1),
			      flags, node);
		return ret;
	}
	ret = slabulator_alloc(s, flags, node, size);
	ret = slab_hook_kmalloc(s, ret, size, flags);
	trace_kmalloc(caller, ret, size, s->size, flags, node);
	return ret;
}

void *__kmalloc_node_noprof(DECL_BUCKET_PARAMS(size, b), gfp_t flags, int node)
{
	return kmalloc_node_caller(size, PASS_BUCKET_PARAM(b), flags, node,
				   _RET_IP_);
}
EXPORT_SYMBOL(__kmalloc_node_noprof);

void *__kmalloc_noprof(size_t size, gfp_t flags)
{
	return kmalloc_node_caller(size, NULL, flags, NUMA_NO_NODE, _RET_IP_);
}
EXPORT_SYMBOL(__kmalloc_noprof);

void *__kmalloc_node_track_caller_noprof(DECL_BUCKET_PARAMS(size, b),
					 gfp_t flags, int node,
					 unsigned long caller)
{
	return kmalloc_node_caller(size, PASS_BUCKET_PARAM(b), flags, node,
				   caller);
}
EXPORT_SYMBOL(__kmalloc_node_track_caller_noprof);

/*
 * The constant-size kmalloc() inlines look the cache up themselves; a DMA
 * cache not made yet reaches here as NULL.
 */
void *__kmalloc_cache_noprof(struct kmem_cache *s, gfp_t gfpflags, size_t size)
{
	void *ret;

	if (unlikely(!s))
		return kmalloc_node_caller(size, NULL, gfpflags, NUMA_NO_NODE,
					   _RET_IP_);
	ret = slabulator_alloc(s, gfpflags, NUMA_NO_NODE, size);
	trace_kmalloc(_RET_IP_, ret, size, s->size, gfpflags, NUMA_NO_NODE);
	return slab_hook_kmalloc(s, ret, size, gfpflags);
}
EXPORT_SYMBOL(__kmalloc_cache_noprof);

void *__kmalloc_cache_node_noprof(struct kmem_cache *s, gfp_t gfpflags,
				  int node, size_t size)
{
	void *ret;

	if (unlikely(!s))
		return kmalloc_node_caller(size, NULL, gfpflags, node, _RET_IP_);
	ret = slabulator_alloc(s, gfpflags, node, size);
	trace_kmalloc(_RET_IP_, ret, size, s->size, gfpflags, node);
	return slab_hook_kmalloc(s, ret, size, gfpflags);
}
EXPORT_SYMBOL(__kmalloc_cache_node_noprof);

static void kfree_large(struct folio *folio, void *object)
{
	unsigned int order = folio_order(folio);

	if (unlikely(kmalloc_boot_owns(object))) {
		/* Left in place, but no longer anybody's */
		kmemleak_free(object);
		return;
	}
	/*
	 * kmalloc() hands out blocks of pages larger than any cache's objects
	 * only (a DMA request before its cache exists too): a smaller block,
	 * a single page, was never kmalloc()'s to free.
	 */
	if (unlikely(object != folio_address(folio) ||
		     folio_size(folio) <= KMALLOC_MAX_CACHE_SIZE)) {
		kasan_kfree_large(object);	/* KASAN reports it too */
		pr_err("kfree(%p): not a slab object nor the start of a large kmalloc; ignored\n",
		       object);
		dump_stack();
		return;
	}
	kmemleak_free(object);
	kasan_kfree_large(object);
	kmsan_kfree_large(object);
	lruvec_stat_mod_folio(folio, NR_SLAB_UNRECLAIMABLE_B,
			      -(PAGE_SIZE << order));
	folio_put(folio);
}

void kfree(const void *object)
{
	struct folio *folio;
	void *x = (void *)object;

	trace_kfree(_RET_IP_, object);
	if (unlikely(ZERO_OR_NULL_PTR(object)))
		return;
	folio = virt_to_folio(object);
	if (unlikely(!folio_test_slab(folio))) {
		if (slab_refuse_modslab(folio, x))
			return;
		kfree_large(folio, x);
		return;
	}
	slabulator_free(folio_slab(folio)->slab_cache, folio_slab(folio), x);
	/*
	 * No tail call: KFENCE reports name the caller of kfree(), which it
	 * finds after kfree() in the stack.
	 */
	barrier();
}
EXPORT_SYMBOL(kfree);
