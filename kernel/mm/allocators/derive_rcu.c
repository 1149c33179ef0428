// SPDX-License-Identifier: GPL-2.0
/*
 * The rcu deriver: a page allocator that gives pages back to its base only
 * after an RCU grace period.
 *
 * A cache whose slabs come from such an allocator may be created with
 * %SLAB_TYPESAFE_BY_RCU: an RCU reader that found an object may go on
 * reading it after it was freed, even after its slab was given back,
 * because until the grace period ends the memory is still an object of the
 * same type (possibly freed and allocated again, which readers detect with
 * their own checks, as with SLUB).  The slabifier keeps the free pointer
 * out of such objects.
 *
 * Nothing happens per object: the slabifier frees the slab's pages through
 * this allocator, which queues them with call_rcu() in the rcu_head that
 * &struct mslab overlays on the page struct.  The callback finds the
 * allocator in the (now unused) cache word and the order in the counters
 * word, clears both and frees to the base.  Each queued free holds a
 * reference on the allocator, so the chain outlives the caches that used
 * it until the last grace period ends.  page_allocator_rcu_barrier() waits
 * for all of them, e.g. before the code of the callers goes away.
 */

#define pr_fmt(fmt) "modslab: " fmt

#include <linux/allocator_derive.h>
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "internal.h"

/**
 * struct rcu_pa - an rcu page allocator
 * @pa: the allocator.
 * @pending: frees waiting for a grace period.
 */
struct rcu_pa {
	struct page_allocator	pa;
	atomic_long_t		pending;
};

static const struct page_allocator_ops rcu_pa_ops;

static inline struct rcu_pa *to_rcu(struct page_allocator *pa)
{
	return container_of(pa, struct rcu_pa, pa);
}

static struct folio *rcu_pa_alloc(struct page_allocator *pa, gfp_t gfp,
				  unsigned int order, int node)
{
	return page_allocator_alloc(pa->base, gfp, order, node);
}

static void rcu_pa_free_rcu(struct rcu_head *head)
{
	struct mslab *slab = container_of(head, struct mslab, rcu_head);
	struct page_allocator *pa = slab->cache;
	unsigned int order = slab->counters;

	/* The page must look unused again before the base gets it */
	slab->cache = NULL;
	slab->slab_list.next = NULL;
	slab->slab_list.prev = NULL;
	slab->freelist = NULL;
	slab->counters = 0;
	page_allocator_free(pa->base, mslab_folio(slab), order);
	atomic_long_dec(&to_rcu(pa)->pending);
	page_allocator_put(pa);
}

static void rcu_pa_free(struct page_allocator *pa, struct folio *folio,
			unsigned int order)
{
	struct mslab *slab = folio_mslab(folio);

	/* The page is ours until the base gets it: borrow its words */
	slab->cache = page_allocator_get(pa);
	slab->counters = order;
	atomic_long_inc(&to_rcu(pa)->pending);
	call_rcu(&slab->rcu_head, rcu_pa_free_rcu);
}

/* The caller waited for a grace period: no need for a second one */
static void rcu_pa_free_after_gp(struct page_allocator *pa,
				 struct folio *folio, unsigned int order)
{
	page_allocator_free(pa->base, folio, order);
}

static void rcu_pa_release(struct page_allocator *pa)
{
	kfree(to_rcu(pa));
}

static const struct page_allocator_ops rcu_pa_ops = {
	.alloc		= rcu_pa_alloc,
	.free		= rcu_pa_free,
	.free_after_gp	= rcu_pa_free_after_gp,
	.release	= rcu_pa_release,
};

/**
 * rcu_page_allocator() - derive a page allocator that frees after a grace period
 * @base: the allocator pages come from and finally go back to.
 *
 * Caches whose slabs come from the result may use %SLAB_TYPESAFE_BY_RCU.
 * Stacking two rcu layers is refused: one grace period is all it takes.
 *
 * Context: process context, may sleep.
 * Return: the new allocator (one reference for the caller), or
 * ERR_PTR(-EINVAL) for a nonsensical stack, ERR_PTR(-ENOMEM).
 */
struct page_allocator *rcu_page_allocator(struct page_allocator *base)
{
	struct rcu_pa *r;

	if (!base) {
		pr_err("rcu page allocator: no base allocator given\n");
		return ERR_PTR(-EINVAL);
	}
	if (base->traits & PAGE_ALLOCATOR_RCU) {
		pr_err("rcu page allocator: base %s already frees after a grace period\n",
		       base->name);
		return ERR_PTR(-EINVAL);
	}
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return ERR_PTR(-ENOMEM);
	page_allocator_init(&r->pa, &rcu_pa_ops, "rcu", base);
	r->pa.traits |= PAGE_ALLOCATOR_RCU;
	atomic_long_set(&r->pending, 0);
	return &r->pa;
}
EXPORT_SYMBOL_GPL(rcu_page_allocator);

/**
 * page_allocator_rcu_barrier() - wait until deferred frees reached the base
 * @pa: a page allocator chain, or NULL.
 *
 * When the chain frees after a grace period, wait until every free queued
 * so far has been handed to the base allocator.  Call it after destroying
 * the %SLAB_TYPESAFE_BY_RCU caches of a module before the module goes
 * away, as kmem_cache_destroy() does for SLUB.  Chains without the
 * %PAGE_ALLOCATOR_RCU trait return at once.
 *
 * Context: process context, sleeps.
 */
void page_allocator_rcu_barrier(struct page_allocator *pa)
{
	if (pa && (pa->traits & PAGE_ALLOCATOR_RCU))
		rcu_barrier();
}
EXPORT_SYMBOL_GPL(page_allocator_rcu_barrier);

/**
 * rcu_page_allocator_pending() - frees waiting for a grace period
 * @pa: an allocator returned by rcu_page_allocator().
 *
 * Context: any.
 * Return: the number of blocks freed to @pa that its base has not got back
 * yet, or -EINVAL if @pa is not an rcu page allocator.
 */
long rcu_page_allocator_pending(struct page_allocator *pa)
{
	if (!pa || pa->ops != &rcu_pa_ops)
		return -EINVAL;
	return atomic_long_read(&to_rcu(pa)->pending);
}
EXPORT_SYMBOL_GPL(rcu_page_allocator_pending);
