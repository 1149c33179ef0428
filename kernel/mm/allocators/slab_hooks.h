/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hooks MODSLAB runs around every allocation and free, grouped the way
 * mm/slub.c groups them: one before allocating, one after, one on free.
 * The slabulator and kmalloc.c call them, through slabulator_objects.h.
 *
 * The common case is inline and costs what SLUB's hooks cost: each
 * feature that is off behind a static key (memcg kmem accounting,
 * allocation profiling, KFENCE sampling, init_on_alloc/free) is one
 * patched jump, and each that is not built in is nothing.  What runs only
 * when a feature is on lives out of line in slab_hooks.c.  The hooks call
 * neither the chain nor the kmem_cache layer: when memcg refuses a charge,
 * slab_hook_post_alloc() says so and its caller frees the objects.
 */
#ifndef MM_ALLOCATORS_SLAB_HOOKS_H
#define MM_ALLOCATORS_SLAB_HOOKS_H

#include <linux/alloc_tag.h>
#include <linux/debugobjects.h>
#include <linux/fault-inject.h>
#include <linux/kasan.h>
#include <linux/kcsan.h>
#include <linux/kfence.h>
#include <linux/kmemleak.h>
#include <linux/kmsan.h>
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "../slab.h"

struct list_lru;
struct slab_cache_args;

bool slab_hook_charge(void *objp, gfp_t flags);
unsigned int slab_hook_cache_args(struct kmem_cache *s,
				  struct slab_cache_args *ca, bool debug);
bool slab_hook_post_alloc_exts(struct kmem_cache *s, struct list_lru *lru,
			       gfp_t flags, size_t nr, void **p);
bool slab_hook_post_alloc_exts_one(struct kmem_cache *s, struct list_lru *lru,
				   gfp_t flags, void *obj);
void slab_hook_free_exts(struct kmem_cache *s, struct slab *slab, void *x);

/**
 * slab_hook_pre_alloc() - the checks before any allocation from a cache
 * @s: the cache.
 * @flags: gfp flags of the request.
 *
 * The chain is then called without a second might_alloc()
 * (slabulator_chain_alloc()).
 *
 * Context: as @flags allow.
 * Return: false if the allocation must fail (fault injection).
 */
static __always_inline bool slab_hook_pre_alloc(struct kmem_cache *s,
						gfp_t flags)
{
	flags &= gfp_allowed_mask;
	might_alloc(flags);
	return !should_failslab(s, flags);
}

/**
 * slab_hook_kfence_alloc() - let KFENCE serve an allocation
 * @s: the cache.
 * @size: bytes asked for.
 * @flags: gfp flags.
 *
 * Context: as @flags allow.
 * Return: a KFENCE object, already initialised as @flags ask, or NULL:
 * allocate from the chain.
 */
static __always_inline void *slab_hook_kfence_alloc(struct kmem_cache *s,
						    size_t size, gfp_t flags)
{
	return kfence_alloc(s, size, flags);
}

/**
 * slab_hook_chain_gfp() - the gfp flags the chain of a cache is asked with
 * @flags: gfp flags of the request.
 *
 * Context: any.
 * Return: @flags without what the hooks do themselves: memcg charging, and
 * zeroing (slab_hook_post_alloc() zeroes for __GFP_ZERO and init_on_alloc
 * alike, so the chain must not zero the object first).
 */
static __always_inline gfp_t slab_hook_chain_gfp(gfp_t flags)
{
	return flags & ~(__GFP_ACCOUNT | __GFP_ZERO);
}

/* Does an allocation of @s with @flags need slab_hook_post_alloc_exts()? */
static __always_inline bool slab_hook_wants_exts(struct kmem_cache *s,
						 gfp_t flags)
{
	if (mem_alloc_profiling_enabled())
		return true;
	return memcg_kmem_online() &&
	       ((flags & __GFP_ACCOUNT) || (s->flags & SLAB_ACCOUNT));
}

/*
 * The hooks of one new object that need no object extension: KASAN,
 * zeroing, kmemleak, KMSAN.  Returns the object as KASAN tags it.
 */
static __always_inline void *slab_hook_post_alloc_object(struct kmem_cache *s,
							 gfp_t flags, void *obj,
							 bool init)
{
	gfp_t init_flags = flags & gfp_allowed_mask;

	if (s->flags & SLAB_KASAN)
		obj = kasan_slab_alloc(s, obj, init_flags, init);
	if (init && !kasan_has_integrated_init())
		memset(obj, 0, s->object_size);
	kmemleak_alloc_recursive(obj, s->object_size, 1, s->flags, init_flags);
	kmsan_slab_alloc(s, obj, init_flags);
	return obj;
}

/**
 * slab_hook_post_alloc() - the hooks after objects were allocated
 * @s: the cache.
 * @lru: the list_lru the objects will go on, for memcg, or NULL.
 * @flags: gfp flags of the request.
 * @nr: number of objects in @p, none of them NULL.
 * @p: the objects.
 * @init: zero the objects (not for KFENCE objects: KFENCE did).
 *
 * Context: as @flags allow.
 * Return: false if memcg refused to charge the objects: the caller frees
 * them again (with slab_hook_free(), which finds nothing to uncharge).
 */
static __always_inline bool slab_hook_post_alloc(struct kmem_cache *s,
						 struct list_lru *lru,
						 gfp_t flags, size_t nr,
						 void **p, bool init)
{
	size_t i;

	for (i = 0; i < nr; i++)
		p[i] = slab_hook_post_alloc_object(s, flags, p[i], init);
	if (unlikely(slab_hook_wants_exts(s, flags)))
		return slab_hook_post_alloc_exts(s, lru, flags, nr, p);
	return true;
}

/**
 * slab_hook_post_alloc_one() - slab_hook_post_alloc() for one object
 * @s: the cache.
 * @lru: the list_lru the object will go on, for memcg, or NULL.
 * @flags: gfp flags of the request.
 * @obj: the object, not NULL.
 * @init: zero the object.
 *
 * Takes the object by value, so that the caller's fast path keeps it in
 * a register (no stack slot, no stack protector).
 *
 * Context: as @flags allow.
 * Return: the object, or NULL if memcg refused to charge it: the caller
 * frees it again.
 */
static __always_inline void *slab_hook_post_alloc_one(struct kmem_cache *s,
						      struct list_lru *lru,
						      gfp_t flags, void *obj,
						      bool init)
{
	obj = slab_hook_post_alloc_object(s, flags, obj, init);
	if (unlikely(slab_hook_wants_exts(s, flags)) &&
	    !slab_hook_post_alloc_exts_one(s, lru, flags, obj))
		return NULL;
	return obj;
}

/**
 * slab_hook_pre_free() - the checks of a free that the kernel makes itself
 * @s: the cache the object belongs to.
 * @x: the object, not a KFENCE one.
 *
 * KASAN reports an invalid or double free before anything touches the
 * object, in its own words, as its tests expect.
 *
 * Context: any; does not sleep.
 * Return: false if the free is refused (reported).
 */
static __always_inline bool slab_hook_pre_free(struct kmem_cache *s, void *x)
{
	return !(s->flags & SLAB_KASAN) || !kasan_slab_pre_free(s, x);
}

/**
 * slab_hook_free() - the hooks before an object goes back to its cache
 * @s: the cache the object belongs to.
 * @slab: the object's slab, as the caller found it.
 * @x: the object, which the caller checked: an allocated object of @s
 *	(slab_hook_pre_free() and the chain's check), or a KFENCE one.
 * @kfence: @x is a KFENCE object.
 *
 * Context: any; does not sleep.
 * Return: true if @x is to be given to the chain; false if a hook took it
 * (KFENCE, KASAN's quarantine).
 */
static __always_inline bool slab_hook_free(struct kmem_cache *s,
					   struct slab *slab, void *x,
					   bool kfence)
{
	bool init;

	if (IS_ENABLED(CONFIG_SLAB_OBJ_EXT) &&
	    unlikely(memcg_kmem_online() || mem_alloc_profiling_enabled()))
		slab_hook_free_exts(s, slab, x);
	kmemleak_free_recursive(x, s->flags);
	kmsan_slab_free(s, x);
	debug_check_no_locks_freed(x, s->object_size);
	if (!(s->flags & SLAB_DEBUG_OBJECTS))
		debug_check_no_obj_freed(x, s->object_size);
	if (!(s->flags & SLAB_TYPESAFE_BY_RCU))
		__kcsan_check_access(x, s->object_size,
				     KCSAN_ACCESS_WRITE | KCSAN_ACCESS_ASSERT);
	if (unlikely(kfence) && kfence_free(x))
		return false;
	init = slab_want_init_on_free(s);
	if (init && !kasan_has_integrated_init())
		memset(x, 0, s->object_size);
	/* KASAN may keep the object in quarantine; it frees it later. */
	return !(s->flags & SLAB_KASAN) ||
	       !kasan_slab_free(s, x, init, s->flags & SLAB_TYPESAFE_BY_RCU);
}

/**
 * slab_hook_kmalloc() - the hook after a kmalloc() from a cache
 * @s: the kmalloc cache.
 * @p: the object, or NULL.
 * @size: bytes asked for.
 * @flags: gfp flags.
 *
 * KASAN poisons the bytes beyond @size.  It leaves alone the caches whose
 * chain has a debug layer: the debug deriver reads their red zones and
 * free objects without telling KASAN, so KASAN would report every check.
 *
 * Context: as @flags allow.
 * Return: the object.
 */
static __always_inline void *slab_hook_kmalloc(struct kmem_cache *s, void *p,
					       size_t size, gfp_t flags)
{
	if (!(s->flags & SLAB_KASAN))
		return p;
	return kasan_kmalloc(s, p, size, flags);
}

#endif /* MM_ALLOCATORS_SLAB_HOOKS_H */
