// SPDX-License-Identifier: GPL-2.0
/*
 * The reserve deriver: a page allocator that keeps a reserve of blocks of
 * one order and serves from it when its base fails; and the glue that
 * builds a mempool_t on a slab cache.
 *
 * The reserve is filled when the allocator is made (so that making it is
 * where a lack of memory shows).  A request of the reserve's order goes to
 * the base first without reclaim, retries or warnings, as mempool_alloc()
 * asks its pool's allocator first: a buddy allocator asked with
 * GFP_KERNEL for a small order retries and calls the OOM killer rather
 * than fail, and the reserve would never be reached.  If the base cannot
 * give a block at once, the reserve lends one; only an empty reserve
 * sends the request to the base again, with the caller's flags.  Frees of that order refill the
 * reserve before anything goes back to the base, so the reserve is whole
 * again as soon as the memory it lent comes back.  Blocks of other orders
 * pass through.
 *
 * A reserve above an rcu layer is refused: it would take freed slabs back
 * before the grace period ends, and break %SLAB_TYPESAFE_BY_RCU.  Put the
 * rcu layer on top.
 */

#define pr_fmt(fmt) "modslab: " fmt

#include <linux/allocator_derive.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "internal.h"

/* Large enough for any pool, small enough to catch a unit mix-up. */
#define RESERVE_MAX_PAGES	65536U

/* The first try of the base: what it can give at once, quietly */
#define RESERVE_GFP_FIRST(gfp)						\
	(((gfp) & ~(__GFP_DIRECT_RECLAIM | __GFP_IO)) |		\
	 __GFP_NOMEMALLOC | __GFP_NORETRY | __GFP_NOWARN)

/**
 * struct reserve_pa - a page allocator with a reserve
 * @pa: the allocator.
 * @lock: protects @free and @nr.
 * @order: order of the blocks kept.
 * @want: number of blocks the reserve holds when full.
 * @nr: number of blocks it holds now.
 * @free: the blocks, linked through folio->lru.
 */
struct reserve_pa {
	struct page_allocator	pa;
	spinlock_t		lock;	/* protects free and nr */
	unsigned int		order;
	unsigned int		want;
	unsigned int		nr;
	struct list_head	free;
};

static inline struct reserve_pa *to_reserve(struct page_allocator *pa)
{
	return container_of(pa, struct reserve_pa, pa);
}

static struct folio *reserve_pa_alloc(struct page_allocator *pa, gfp_t gfp,
				      unsigned int order, int node)
{
	struct reserve_pa *r = to_reserve(pa);
	struct folio *folio;
	unsigned long flags;

	if (order != r->order)
		return page_allocator_alloc(pa->base, gfp, order, node);

	folio = page_allocator_alloc(pa->base, RESERVE_GFP_FIRST(gfp), order,
				     node);
	if (folio)
		return folio;

	if (READ_ONCE(r->nr)) {
		spin_lock_irqsave(&r->lock, flags);
		folio = list_first_entry_or_null(&r->free, struct folio, lru);
		if (folio) {
			list_del_init(&folio->lru);
			r->nr--;
		}
		spin_unlock_irqrestore(&r->lock, flags);
		if (folio)
			return folio;
	}
	/* The reserve is empty: the caller's own flags decide */
	if (RESERVE_GFP_FIRST(gfp) == gfp)
		return NULL;
	return page_allocator_alloc(pa->base, gfp, order, node);
}

static void reserve_pa_free(struct page_allocator *pa, struct folio *folio,
			    unsigned int order)
{
	struct reserve_pa *r = to_reserve(pa);
	unsigned long flags;

	if (order == r->order && READ_ONCE(r->nr) < r->want) {
		spin_lock_irqsave(&r->lock, flags);
		if (r->nr < r->want) {
			list_add(&folio->lru, &r->free);
			r->nr++;
			folio = NULL;
		}
		spin_unlock_irqrestore(&r->lock, flags);
		if (!folio)
			return;
	}
	page_allocator_free(pa->base, folio, order);
}

static int reserve_pa_describe(struct page_allocator *pa, char *buf,
			       size_t len)
{
	struct reserve_pa *r = to_reserve(pa);

	return scnprintf(buf, len, "reserve(%u/%u of order %u)",
			 READ_ONCE(r->nr), r->want, r->order);
}

static void reserve_pa_drain(struct reserve_pa *r)
{
	struct folio *folio, *tmp;

	list_for_each_entry_safe(folio, tmp, &r->free, lru) {
		list_del_init(&folio->lru);
		page_allocator_free(r->pa.base, folio, r->order);
	}
	r->nr = 0;
}

static void reserve_pa_release(struct page_allocator *pa)
{
	struct reserve_pa *r = to_reserve(pa);

	reserve_pa_drain(r);
	kfree(r);
}

static const struct page_allocator_ops reserve_pa_ops = {
	.alloc		= reserve_pa_alloc,
	.free		= reserve_pa_free,
	.describe	= reserve_pa_describe,
	.release	= reserve_pa_release,
};

/**
 * reserve_page_allocator_order() - the order a chain's reserve keeps
 * @pa: a page allocator chain.
 *
 * Context: any.
 * Return: the order of the blocks of the first reserve down @pa, or -1 if
 * the chain has none.
 */
int reserve_page_allocator_order(struct page_allocator *pa)
{
	for (; pa; pa = pa->base) {
		if (pa->ops == &reserve_pa_ops)
			return to_reserve(pa)->order;
	}
	return -1;
}
EXPORT_SYMBOL(reserve_page_allocator_order);

/**
 * reserve_page_allocator() - derive a page allocator with a reserve
 * @base: the allocator to derive from.
 * @order: order of the blocks to keep: the order of the slabs of the caches
 *	that will use the result (see &slab_cache_stats.order).
 * @nr: number of blocks to keep, at least 1.
 *
 * The reserve is filled at once from @base.  Refused: @nr of 0 or more
 * than 65536 pages in all, @order beyond %MAX_PAGE_ORDER, a base that has
 * a reserve already or frees after a grace period.
 *
 * Context: process context, may sleep.
 * Return: the new allocator (one reference for the caller), or
 * ERR_PTR(-EINVAL) with one message, or ERR_PTR(-ENOMEM) when the reserve
 * cannot be filled.
 */
struct page_allocator *reserve_page_allocator(struct page_allocator *base,
					      unsigned int order,
					      unsigned int nr)
{
	const char *why = NULL;
	struct reserve_pa *r;
	struct folio *folio;

	if (!base) {
		pr_err("reserve page allocator: no base allocator given\n");
		return ERR_PTR(-EINVAL);
	}
	if (!nr)
		why = "a reserve of 0 blocks";
	else if (order > MAX_PAGE_ORDER)
		why = "order beyond MAX_PAGE_ORDER";
	else if (nr > RESERVE_MAX_PAGES >> order)
		why = "more than 65536 pages";
	else if (base->traits & PAGE_ALLOCATOR_RESERVE)
		why = "the base has a reserve already";
	else if (base->traits & PAGE_ALLOCATOR_RCU)
		why = "it would reuse slabs before their grace period (put rcu on top)";
	if (why) {
		pr_err("reserve page allocator over %s: %u blocks of order %u refused: %s\n",
		       base->name, nr, order, why);
		return ERR_PTR(-EINVAL);
	}

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return ERR_PTR(-ENOMEM);
	page_allocator_init(&r->pa, &reserve_pa_ops, "reserve", base);
	r->pa.traits |= PAGE_ALLOCATOR_RESERVE;
	spin_lock_init(&r->lock);
	INIT_LIST_HEAD(&r->free);
	r->order = order;
	r->want = nr;
	while (r->nr < nr) {
		folio = page_allocator_alloc(base, GFP_KERNEL, order,
					     NUMA_NO_NODE);
		if (!folio) {
			pr_err("reserve page allocator over %s: cannot fill a reserve of %u blocks of order %u\n",
			       base->name, nr, order);
			page_allocator_put(&r->pa);
			return ERR_PTR(-ENOMEM);
		}
		list_add(&folio->lru, &r->free);
		r->nr++;
	}
	return &r->pa;
}
EXPORT_SYMBOL_GPL(reserve_page_allocator);

/**
 * reserve_page_allocator_available() - blocks in a reserve now
 * @pa: an allocator returned by reserve_page_allocator().
 *
 * Context: any.
 * Return: the number of blocks the reserve holds, 0 if @pa is not a
 * reserve page allocator.
 */
unsigned int reserve_page_allocator_available(struct page_allocator *pa)
{
	if (!pa || pa->ops != &reserve_pa_ops)
		return 0;
	return READ_ONCE(to_reserve(pa)->nr);
}
EXPORT_SYMBOL_GPL(reserve_page_allocator_available);

/*
 * mempool_t on a slab cache
 */

/**
 * slab_cache_mempool_alloc() - mempool_alloc_t for a slab cache
 * @gfp: gfp flags from mempool_alloc().
 * @pool_data: the &struct slab_cache.
 *
 * Context: as @gfp allows.
 * Return: an object or NULL.
 */
void *slab_cache_mempool_alloc(gfp_t gfp, void *pool_data)
{
	return slab_cache_alloc(pool_data, gfp);
}
EXPORT_SYMBOL_GPL(slab_cache_mempool_alloc);

/**
 * slab_cache_mempool_free() - mempool_free_t for a slab cache
 * @element: the object.
 * @pool_data: the &struct slab_cache.
 *
 * Context: any.
 */
void slab_cache_mempool_free(void *element, void *pool_data)
{
	slab_cache_free(pool_data, element);
}
EXPORT_SYMBOL_GPL(slab_cache_mempool_free);

/**
 * mempool_create_slab_cache() - create a mempool of objects of a slab cache
 * @min_nr: objects the pool keeps in reserve.
 * @c: the cache; it must outlive the pool.
 *
 * Like mempool_create_slab_pool() for a kmem_cache.  Destroy the pool
 * with mempool_destroy() before the cache.
 *
 * Context: process context, may sleep.
 * Return: the pool, or NULL.
 */
mempool_t *mempool_create_slab_cache(int min_nr, struct slab_cache *c)
{
	if (IS_ERR_OR_NULL(c)) {
		pr_err("mempool on a slab cache: no cache given\n");
		return NULL;
	}
	return mempool_create(min_nr, slab_cache_mempool_alloc,
			      slab_cache_mempool_free, c);
}
EXPORT_SYMBOL_GPL(mempool_create_slab_cache);

/**
 * mempool_init_slab_cache() - initialise a mempool of objects of a slab cache
 * @pool: the pool to initialise.
 * @min_nr: objects the pool keeps in reserve.
 * @c: the cache; it must outlive the pool.
 *
 * Like mempool_init_slab_pool() for a kmem_cache; undo with mempool_exit().
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL or -ENOMEM.
 */
int mempool_init_slab_cache(mempool_t *pool, int min_nr, struct slab_cache *c)
{
	if (IS_ERR_OR_NULL(c)) {
		pr_err("mempool on a slab cache: no cache given\n");
		return -EINVAL;
	}
	return mempool_init(pool, min_nr, slab_cache_mempool_alloc,
			    slab_cache_mempool_free, c);
}
EXPORT_SYMBOL_GPL(mempool_init_slab_cache);
