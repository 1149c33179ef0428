// SPDX-License-Identifier: GPL-2.0
/*
 * The ctor deriver: a slab allocator that constructs every object of a
 * slab when the slab is made and destructs them when it is given back.
 *
 * In FreeBSD UMA's words this is init/fini, not ctor/dtor: UMA calls its
 * ctor on every allocation and its dtor on every free, and its init/fini
 * when memory enters or leaves the zone.  Linux constructors have always
 * been of the second kind (SLAB's and SLUB's ctor runs when a slab is
 * made), because the point is to do the expensive setup once and keep it
 * while the object is free.  So here: the constructor runs once per object
 * per slab, the destructor once per object when its slab is freed, and
 * nothing runs per allocation or free -- the deriver only installs a
 * per-slab hook and returns the base's cache, which keeps its direct fast
 * path.
 *
 * Objects keep their constructed state while free: the deriver asks the
 * base for free pointers that stay out of the object (preserve_free), or
 * where the user said they may go (freeptr_offset).  Callers must give
 * objects back in their constructed state, and must not use __GFP_ZERO.
 *
 * Refused: no constructor and no destructor; a ctor over a ctor (one
 * constructor per object); a destructor over an rcu page allocator, since
 * it would run before the grace period while RCU readers may still look at
 * the objects.
 */

#define pr_fmt(fmt) "modslab: " fmt

#include <linux/allocator_derive.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/printk.h>
#include <linux/slab.h>

#include "internal.h"

/**
 * struct ctor_sa - a constructing slab allocator
 * @sa: the allocator.
 * @hook: the per-slab hook installed in every cache it creates.
 * @ctor: the constructor, or NULL.
 * @dtor: the destructor, or NULL.
 */
struct ctor_sa {
	struct slab_allocator	sa;
	struct slab_cache_hook	hook;
	slab_object_fn		ctor;
	slab_object_fn		dtor;
};

static inline struct ctor_sa *to_ctor(struct slab_allocator *sa)
{
	return container_of(sa, struct ctor_sa, sa);
}

static int ctor_slab_made(struct slab_cache_hook *hook, struct slab_cache *c,
			  const struct slab_event *ev, gfp_t gfp)
{
	struct ctor_sa *cs = hook->private;
	void *p = ev->base;
	unsigned int i;

	if (cs->ctor) {
		for (i = 0; i < ev->objects; i++, p += ev->stride)
			cs->ctor(p);
	}
	return 0;
}

static void ctor_slab_freeing(struct slab_cache_hook *hook,
			      struct slab_cache *c, const struct slab_event *ev)
{
	struct ctor_sa *cs = hook->private;
	void *p = ev->base;
	unsigned int i;

	if (cs->dtor) {
		for (i = 0; i < ev->objects; i++, p += ev->stride)
			cs->dtor(p);
	}
}

static const struct slab_hook_ops ctor_hook_ops = {
	.slab_made	= ctor_slab_made,
	.slab_freeing	= ctor_slab_freeing,
};

static struct slab_cache *ctor_create(struct slab_allocator *sa,
				      struct page_allocator *pa,
				      const char *name, unsigned int size,
				      const struct slab_cache_args *args)
{
	struct ctor_sa *cs = to_ctor(sa);
	struct slab_cache_args a = {};
	struct slab_cache *c;

	if (args)
		a = *args;
	if (cs->dtor && (pa->traits & PAGE_ALLOCATOR_RCU)) {
		pr_err("cache %s: a destructor would run before the RCU grace period of the page allocator\n",
		       name);
		return ERR_PTR(-EINVAL);
	}
	if (a.nr_hooks >= SLAB_CACHE_MAX_HOOKS) {
		pr_err("cache %s: no room for the constructor's hook\n", name);
		return ERR_PTR(-EINVAL);
	}
	if (!a.use_freeptr_offset)
		a.preserve_free = true;
	a.hooks[a.nr_hooks++] = &cs->hook;

	c = sa->base->ops->create(sa->base, pa, name, size, &a);
	if (!IS_ERR(c))
		slab_cache_adopt(c, sa);
	return c;
}

static void ctor_release(struct slab_allocator *sa)
{
	kfree(to_ctor(sa));
}

/* Caches are the base's: only creation and release pass through here. */
static const struct slab_allocator_ops ctor_sa_ops = {
	.create		= ctor_create,
	.release	= ctor_release,
};

/**
 * ctor_slab_allocator() - derive a slab allocator with constructor/destructor
 * @base: the slab allocator to derive from.
 * @ctor: run on every object of a slab when the slab is made, or NULL.
 * @dtor: run on every object of a slab before the slab is given back, or
 *	NULL.
 *
 * Caches created from the result are caches of @base whose free objects
 * keep their contents; the constructor and destructor run per slab, never
 * per allocation.  Refused: neither @ctor nor @dtor; a base that
 * constructs already.  Creating a cache with a @dtor over a page allocator
 * that frees after a grace period is refused too.
 *
 * Context: process context, may sleep.
 * Return: the new allocator (one reference for the caller), or
 * ERR_PTR(-EINVAL) with one message, ERR_PTR(-ENOMEM).
 */
struct slab_allocator *ctor_slab_allocator(struct slab_allocator *base,
					   slab_object_fn ctor,
					   slab_object_fn dtor)
{
	struct ctor_sa *cs;

	if (!base) {
		pr_err("ctor slab allocator: no base allocator given\n");
		return ERR_PTR(-EINVAL);
	}
	if (!ctor && !dtor) {
		pr_err("ctor slab allocator over %s: neither a constructor nor a destructor given\n",
		       base->name);
		return ERR_PTR(-EINVAL);
	}
	if (base->traits & SLAB_ALLOCATOR_CTOR) {
		pr_err("ctor slab allocator over %s: the base constructs objects already\n",
		       base->name);
		return ERR_PTR(-EINVAL);
	}
	cs = kzalloc(sizeof(*cs), GFP_KERNEL);
	if (!cs)
		return ERR_PTR(-ENOMEM);
	slab_allocator_init(&cs->sa, &ctor_sa_ops, "ctor", base);
	cs->sa.traits |= SLAB_ALLOCATOR_CTOR;
	cs->hook.ops = &ctor_hook_ops;
	cs->hook.private = cs;
	cs->ctor = ctor;
	cs->dtor = dtor;
	return &cs->sa;
}
EXPORT_SYMBOL_GPL(ctor_slab_allocator);
