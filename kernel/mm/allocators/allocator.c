// SPDX-License-Identifier: GPL-2.0
/*
 * Slab allocators: the lifetime rules every slab allocator follows, cache
 * creation with its argument checks, and fallbacks for optional methods.
 *
 * Like page allocators, a derived slab allocator holds a reference on its
 * base and a cache holds a reference on the chain that created it and on
 * its page allocator.  Destroying the cache and putting the chain releases
 * everything.
 */
#include <linux/allocator.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/printk.h>

#include "internal.h"

/**
 * slab_allocator_init() - initialise a (derived) slab allocator
 * @sa: the allocator, usually embedded in the deriver's own structure.
 * @ops: its methods.
 * @name: short name of the layer.
 * @base: the allocator it derives from, or NULL.  A reference is taken.
 *
 * Context: any.
 */
void slab_allocator_init(struct slab_allocator *sa,
			 const struct slab_allocator_ops *ops,
			 const char *name, struct slab_allocator *base)
{
	sa->ops = ops;
	sa->name = name;
	sa->base = base ? slab_allocator_get(base) : NULL;
	kref_init(&sa->ref);
	sa->traits = base ? base->traits : 0;
}
EXPORT_SYMBOL_GPL(slab_allocator_init);

/**
 * slab_allocator_get() - take a reference on a slab allocator
 * @sa: the allocator.
 *
 * Context: any.
 * Return: @sa.
 */
struct slab_allocator *slab_allocator_get(struct slab_allocator *sa)
{
	kref_get(&sa->ref);
	return sa;
}
EXPORT_SYMBOL_GPL(slab_allocator_get);

static void slab_allocator_release(struct kref *ref)
{
	struct slab_allocator *sa = container_of(ref, struct slab_allocator,
						 ref);
	struct slab_allocator *base = sa->base;

	if (!sa->ops->release) {
		pr_err("modslab: slab allocator %s lost its last reference but cannot be released\n",
		       sa->name);
		return;
	}
	sa->ops->release(sa);
	if (base)
		slab_allocator_put(base);
}

/**
 * slab_allocator_put() - drop a reference on a slab allocator
 * @sa: the allocator, or NULL.
 *
 * The last reference releases @sa and drops its reference on its base.
 *
 * Context: may sleep if a @release method does.
 */
void slab_allocator_put(struct slab_allocator *sa)
{
	if (sa)
		kref_put(&sa->ref, slab_allocator_release);
}
EXPORT_SYMBOL_GPL(slab_allocator_put);

/**
 * slab_cache_create() - create a cache of objects
 * @sa: the slab allocator chain.
 * @pa: the page allocator chain its slabs come from.
 * @name: name of the cache; must outlive it.
 * @size: size of an object in bytes.
 * @args: less common arguments, or NULL.
 *
 * Context: process context, may sleep.
 * Return: the cache, or an ERR_PTR(): -EINVAL for bad arguments, with one
 * message saying which, or -ENOMEM.  With %SLAB_PANIC in @args->flags a
 * failure panics.
 */
struct slab_cache *slab_cache_create(struct slab_allocator *sa,
				     struct page_allocator *pa,
				     const char *name, unsigned int size,
				     const struct slab_cache_args *args)
{
	struct slab_cache *c;

	if (!name) {
		pr_err("modslab: cannot create a cache without a name\n");
		c = ERR_PTR(-EINVAL);
	} else if (!sa || !pa) {
		pr_err("modslab: cache %s: no %s allocator given\n", name,
		       sa ? "page" : "slab");
		c = ERR_PTR(-EINVAL);
	} else {
		c = sa->ops->create(sa, pa, name, size, args);
	}
	if (IS_ERR(c) && args && (args->flags & SLAB_PANIC))
		panic("modslab: cannot create cache %s: %ld\n",
		      name ?: "(null)", PTR_ERR(c));
	return c;
}
EXPORT_SYMBOL_GPL(slab_cache_create);

/**
 * slab_cache_adopt() - make a cache hold its reference on another chain
 * @c: the cache, as just returned by a base allocator's @create.
 * @sa: the deriver that hands @c out as its own.
 *
 * A deriver that works only through per-slab hooks returns its base's
 * cache as is (keeping the direct fast path); it calls this so that the
 * cache keeps the deriver, and through it the whole chain, alive.
 *
 * Context: any.
 */
void slab_cache_adopt(struct slab_cache *c, struct slab_allocator *sa)
{
	struct slab_allocator *old = c->allocator;

	c->allocator = slab_allocator_get(sa);
	slab_allocator_put(old);
}
EXPORT_SYMBOL_GPL(slab_cache_adopt);

/**
 * slab_cache_alloc_bulk_generic() - bulk allocation one object at a time
 * @c: the cache.
 * @gfp: gfp flags.
 * @nr: number of objects.
 * @p: array receiving them.
 *
 * For slab allocators without an @alloc_bulk method.  With __GFP_ZERO the
 * objects are cleared once all of them are there: a bulk allocation that
 * fails leaves the free objects it took and gave back as they were, which
 * RCU readers of a SLAB_TYPESAFE_BY_RCU cache may be looking at.
 *
 * Context: as @gfp allows.
 * Return: @nr, or 0 with nothing allocated.
 */
int slab_cache_alloc_bulk_generic(struct slab_cache *c, gfp_t gfp, size_t nr,
				  void **p)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		p[i] = slab_cache_alloc(c, gfp & ~__GFP_ZERO);
		if (!p[i]) {
			slab_cache_free_bulk_generic(c, i, p);
			return 0;
		}
	}
	if (gfp & __GFP_ZERO) {
		for (i = 0; i < nr; i++)
			memset(p[i], 0, c->object_size);
	}
	return nr;
}
EXPORT_SYMBOL_GPL(slab_cache_alloc_bulk_generic);

/**
 * slab_cache_free_bulk_generic() - bulk free one object at a time
 * @c: the cache.
 * @nr: number of objects.
 * @p: the objects.
 *
 * Context: any.
 */
void slab_cache_free_bulk_generic(struct slab_cache *c, size_t nr, void **p)
{
	size_t i;

	for (i = 0; i < nr; i++)
		slab_cache_free(c, p[i]);
}
EXPORT_SYMBOL_GPL(slab_cache_free_bulk_generic);
