/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The object paths of the kmem_cache API under MODSLAB, inline, for the
 * slabulator (kmem_cache_alloc() and kmem_cache_free()) and kmalloc.c
 * (kmalloc() and kfree()).  One straight line of layers:
 *
 *	kmem_cache / kmalloc entry point	finds the cache (and, to
 *						free, the slab: once)
 *	  slab_hooks.h				the kernel's hooks
 *	    slabifier.h / the chain's methods	the cache's chain: the
 *						slabifier's fast path
 *						inline for a plain chain,
 *						else its derivers' methods
 *
 * Nothing below calls back up: a memcg charge that fails is undone here.
 *
 * A free is checked before any hook reads or writes the object: the
 * pointer must be the start of an object of the cache that is not known
 * to be free (slabulator_free_hooks()).  A refused free is reported once
 * and touches nothing, so the cache keeps working.
 */
#ifndef MM_ALLOCATORS_SLABULATOR_OBJECTS_H
#define MM_ALLOCATORS_SLABULATOR_OBJECTS_H

#include <linux/allocator.h>
#include <linux/slab.h>

#include "../slab.h"
#include "slab_hooks.h"
#include "slabifier.h"

void slabulator_uncharged_one(struct kmem_cache *s, void *obj);

/*
 * The chain of a cache: a plain slabifier chain inline, the others
 * through their methods.  The caller checked the context (might_alloc()).
 */
static __always_inline void *slabulator_chain_alloc(struct slab_cache *c,
						    gfp_t gfp, int node)
{
	if (likely(c->flags & SLAB_CACHE_DIRECT))
		return sf_alloc_node(c, gfp, node);
	return c->ops->alloc_node(c, gfp, node);
}

/* Free @x of @folio, checked by slabulator_free_hooks(), to the chain. */
static __always_inline void slabulator_chain_free(struct slab_cache *c,
						  struct folio *folio, void *x)
{
	if (likely(c->flags & SLAB_CACHE_DIRECT))
		sf_free_slab(to_sf(c), folio_mslab(folio), x, _RET_IP_);
	else
		c->ops->free(c, x);
}

/*
 * May @x be freed to @s: KASAN's check, then the chain's, which a plain
 * chain makes inline.  A refusal is reported: by the slabifier, or by the
 * chain's free method, which checks again and says why in its own words.
 */
static __always_inline bool slabulator_may_free(struct kmem_cache *s,
						struct slab *slab, void *x)
{
	struct slab_cache *c = s->cache;
	const char *why;

	if (unlikely(!slab_hook_pre_free(s, x)))
		return false;
	if (likely(c->flags & SLAB_CACHE_DIRECT)) {
		why = sf_free_refuses(to_sf(c), slab_folio(slab), x);
		if (likely(!why))
			return true;
		slabifier_refuse_free(to_sf(c), x, why, _RET_IP_);
		return false;
	}
	if (likely(slab_cache_may_free(c, x)))
		return true;
	c->ops->free(c, x);
	return false;
}

/**
 * slabulator_free_hooks() - check an object being freed, then run the hooks
 * @s: the cache the object's slab belongs to.
 * @slab: the object's slab, which the caller looked up.
 * @x: the object.
 *
 * Context: any; does not sleep.
 * Return: true if @x is to go to the chain of @s; false if it was refused
 * (and reported) or a hook took it (KFENCE, KASAN's quarantine).
 */
static __always_inline bool slabulator_free_hooks(struct kmem_cache *s,
						  struct slab *slab, void *x)
{
	bool kfence = is_kfence_address(x);

	if (likely(!kfence) && unlikely(!slabulator_may_free(s, slab, x)))
		return false;
	return slab_hook_free(s, slab, x, kfence);
}

/**
 * slabulator_alloc_lru() - allocate an object of a kmem_cache
 * @s: the cache.
 * @lru: the list_lru the object will go on, for memcg, or NULL.
 * @flags: gfp flags.
 * @node: preferred node or %NUMA_NO_NODE.
 * @orig_size: bytes the caller asked for (kmalloc) or the object size.
 *
 * Context: as @flags allow.
 * Return: the object or NULL.
 */
static __always_inline void *slabulator_alloc_lru(struct kmem_cache *s,
						  struct list_lru *lru,
						  gfp_t flags, int node,
						  size_t orig_size)
{
	bool init = false;
	void *obj, *ret;

	if (unlikely(!slab_hook_pre_alloc(s, flags)))
		return NULL;
	obj = slab_hook_kfence_alloc(s, orig_size, flags);
	if (likely(!obj)) {
		/* slab_hook_pre_alloc() did might_alloc() */
		obj = slabulator_chain_alloc(s->cache,
					     slab_hook_chain_gfp(flags), node);
		if (unlikely(!obj))
			return NULL;
		init = slab_want_init_on_alloc(flags, s) ||
		       slab_want_init_on_free(s);
	}
	ret = slab_hook_post_alloc_one(s, lru, flags, obj, init);
	if (unlikely(!ret))
		slabulator_uncharged_one(s, obj);
	return ret;
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
static __always_inline void *slabulator_alloc(struct kmem_cache *s,
					      gfp_t flags, int node,
					      size_t orig_size)
{
	return slabulator_alloc_lru(s, NULL, flags, node, orig_size);
}

/**
 * slabulator_free() - free an object to the chain of its kmem_cache
 * @s: the cache the object's slab belongs to.
 * @slab: the object's slab, which the caller looked up.
 * @x: the object.
 *
 * Context: any; does not sleep.
 */
static __always_inline void slabulator_free(struct kmem_cache *s,
					    struct slab *slab, void *x)
{
	if (likely(slabulator_free_hooks(s, slab, x)))
		slabulator_chain_free(s->cache, slab_folio(slab), x);
}

#endif /* MM_ALLOCATORS_SLABULATOR_OBJECTS_H */
