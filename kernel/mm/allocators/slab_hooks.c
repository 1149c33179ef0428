// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's hooks around MODSLAB allocations and frees.
 *
 * Theory statement
 * ================
 *
 * 1. Role.  Every object the slabulator and kmalloc.c hand out or take
 *    back passes the same hooks as under SLUB, in SLUB's order, so that
 *    fault injection, KFENCE, kmemleak, KMSAN, KCSAN, lock and object
 *    debugging, init_on_alloc/init_on_free, memcg accounting and
 *    allocation profiling see MODSLAB objects as they see SLUB's.  The
 *    hooks are inline in slab_hooks.h; this file holds what runs only
 *    when a feature is on.  In order:
 *
 *	slab_hook_pre_alloc()	might_alloc, failslab
 *	slab_hook_kfence_alloc()	KFENCE may serve the object instead
 *	(the chain allocates, with slab_hook_chain_gfp())
 *	slab_hook_post_alloc()	KASAN unpoison, zeroing, kmemleak, kmsan,
 *				allocation tag,
 *				memcg charge (on failure the caller frees
 *				the objects again)
 *	slab_hook_free()	memcg uncharge, allocation tag, kmemleak,
 *				kmsan, lock/object debugging, KCSAN, KFENCE,
 *				KASAN checks, init_on_free, KASAN poison;
 *				false if the object does not go back to the
 *				chain (KFENCE's, a bad free, quarantine)
 *
 * 2. Object extensions.  memcg and allocation profiling keep one
 *    &struct slabobj_ext per object in a vector that the slab's obj_exts
 *    word points to (the word struct page keeps memcg_data in, which
 *    &struct mslab leaves to us).  It is allocated on the first object of
 *    the slab that needs it, as SLUB does for caches that are not
 *    SLAB_ACCOUNT, and freed by a per-slab hook when the slabifier gives
 *    the slab back.  obj_to_index() finds an object's entry: MODSLAB
 *    slabs hold objects at a fixed stride from the slab's first byte.
 *
 * 3. The chain never charges pages.  __GFP_ACCOUNT charges objects here;
 *    passed down, it would make the page allocator charge the slab's pages
 *    to a memcg and take the obj_exts word for itself.
 *
 * 4. KFENCE objects live in KFENCE's pool, whose pages look like slabs of
 *    the cache (slab_cache, one object, their own obj_exts).  They never
 *    reach the chain: kfence_free() takes them back.
 *
 * 5. KASAN (generic).  kasan_cache_create() puts KASAN's metadata and a red
 *    zone after each object, so the chain is created with bigger objects.
 *    A new slab is poisoned whole by a per-slab hook, objects are
 *    unpoisoned when handed out and poisoned when freed, and KASAN's
 *    quarantine gives them to the chain later through ___cache_free().
 *    The free pointer the chain writes into a free object may share the
 *    bytes of KASAN's free metadata: KASAN uses those only while it holds
 *    the object in quarantine, before the chain sees it.  The framework
 *    is not instrumented, so it may touch poisoned free objects.  Two
 *    kinds of cache are served less well than by SLUB: free objects of
 *    caches with a constructor stay unpoisoned (the constructor runs
 *    after the hook that poisons), and caches whose chain has a debug layer
 *    are left to that layer (see slab_hook_kmalloc()).
 */

#include <linux/alloc_tag.h>
#include <linux/allocator.h>
#include <linux/debugobjects.h>
#include <linux/fault-inject.h>
#include <linux/kasan.h>
#include <linux/kcsan.h>
#include <linux/kfence.h>
#include <linux/kmemleak.h>
#include <linux/kmsan.h>
#include <linux/memcontrol.h>
#include <linux/slab.h>

#include "../slab.h"
#include "slab_hooks.h"

#ifdef CONFIG_SLAB_OBJ_EXT

/*
 * The vector is not accounted itself, nor DMA or reclaimable memory, and
 * the allocation it serves may fail instead.
 */
#define OBJEXTS_CLEAR_MASK	(__GFP_DMA | __GFP_RECLAIMABLE | \
				 __GFP_ACCOUNT | __GFP_NOFAIL)

/**
 * alloc_slab_obj_exts() - give a slab its object extension vector
 * @slab: the slab.
 * @s: its cache.
 * @gfp: flags of the allocation that needs the vector.
 * @new_slab: nobody else can see @slab yet.
 *
 * Called by memcg and the allocation profiling hook the first time an
 * object of @slab needs an extension.  Two callers may race: the vector
 * that is installed first wins, the other is freed.
 *
 * Context: as @gfp allows.
 * Return: 0, or -ENOMEM (the object then goes without extension).
 */
int alloc_slab_obj_exts(struct slab *slab, struct kmem_cache *s,
			gfp_t gfp, bool new_slab)
{
	unsigned int objects = objs_per_slab(s, slab);
	unsigned long new_exts, old_exts;
	struct slabobj_ext *vec;

	gfp &= ~OBJEXTS_CLEAR_MASK;
	/* Vectors for normal kmalloc slabs come from caches that need none. */
	if (is_kmalloc_normal(s))
		gfp |= __GFP_NO_OBJ_EXT;
	vec = kcalloc_node(objects, sizeof(struct slabobj_ext), gfp,
			   slab_nid(slab));
	if (!vec)
		return -ENOMEM;

	new_exts = (unsigned long)vec;
#ifdef CONFIG_MEMCG
	new_exts |= MEMCG_DATA_OBJEXTS;
#endif
	if (new_slab) {
		slab->obj_exts = new_exts;
	} else {
		old_exts = READ_ONCE(slab->obj_exts);
		do {
			if (old_exts & ~OBJEXTS_FLAGS_MASK) {
				/* Someone else installed one meanwhile. */
				kfree(vec);
				return 0;
			}
		} while (!try_cmpxchg(&slab->obj_exts, &old_exts, new_exts));
	}
	kmemleak_not_leak(vec);
	return 0;
}

#endif /* CONFIG_SLAB_OBJ_EXT */

#if defined(CONFIG_SLAB_OBJ_EXT) || defined(CONFIG_KASAN_GENERIC)
#define SLAB_HOOKS_PER_SLAB	1

/*
 * A new slab: KASAN poisons all of it and sets up each object's metadata.
 * Objects of caches with a constructor stay unpoisoned while free, since
 * the constructor runs on them after this hook (SLUB poisons them again
 * after the constructor; the chain runs constructors in a hook of its
 * own, later).  Their red zones are poisoned all the same.
 */
static int hooks_slab_made(struct slab_cache_hook *hook, struct slab_cache *c,
			   const struct slab_event *ev, gfp_t gfp)
{
#ifdef CONFIG_KASAN_GENERIC
	struct folio *folio = virt_to_folio(ev->base);
	struct slab *slab = folio_slab(folio);
	struct kmem_cache *s = slab->slab_cache;
	unsigned int i;
	void *obj;

	if (!(s->flags & SLAB_KASAN))
		return 0;
	kasan_poison_slab(slab);
	for (i = 0; i < ev->objects; i++) {
		obj = kasan_init_slab_obj(s, ev->base + i * ev->stride);
		if (s->ctor)
			kasan_unpoison_new_object(s, obj);
	}
#endif
	return 0;
}

/* The slab goes: so does its extension vector. */
static void hooks_slab_freeing(struct slab_cache_hook *hook,
			       struct slab_cache *c,
			       const struct slab_event *ev)
{
#ifdef CONFIG_SLAB_OBJ_EXT
	struct folio *folio = virt_to_folio(ev->base);
	struct slab *slab = folio_slab(folio);

	kfree(slab_obj_exts(slab));
	slab->obj_exts = 0;
#endif
}

static const struct slab_hook_ops slab_hooks_ops = {
	.slab_made	= hooks_slab_made,
	.slab_freeing	= hooks_slab_freeing,
};

static struct slab_cache_hook slab_hooks_hook = {
	.ops	= &slab_hooks_ops,
};
#endif

#ifdef CONFIG_KASAN_GENERIC
/**
 * ___cache_free() - free an object without running the free hooks again
 * @cache: its cache.
 * @x: the object.
 * @addr: the caller, unused.
 *
 * KASAN's quarantine gives objects back through here once they leave it.
 *
 * Context: any; does not sleep.
 */
void ___cache_free(struct kmem_cache *cache, void *x, unsigned long addr)
{
	slab_cache_free(cache->cache, x);
}
#endif

/**
 * slab_hook_cache_args() - what the chain of a new kmem_cache needs for the
 *	hooks
 * @s: the cache being created, with object_size, ctor and flags set.
 * @ca: the arguments its chain is created with; per-slab hooks are added.
 * @debug: the chain has a debug layer.
 *
 * KASAN keeps its metadata and a red zone after each object, so the chain
 * is asked for bigger objects (and @s gets SLAB_KASAN).  With memcg or
 * allocation profiling, every slab may get an extension vector, which
 * must go when the slab goes; with KASAN every new slab is poisoned.
 *
 * Context: process context or early boot; slab_mutex held.
 * Return: the object size to create the chain with.
 */
unsigned int slab_hook_cache_args(struct kmem_cache *s,
				  struct slab_cache_args *ca, bool debug)
{
	unsigned int size = s->object_size;

	/* See slab_hook_kmalloc() */
	if (!debug)
		kasan_cache_create(s, &size, &s->flags);
	else
		s->flags &= ~SLAB_KASAN;
#ifdef SLAB_HOOKS_PER_SLAB
	if (!WARN_ON_ONCE(ca->nr_hooks >= SLAB_CACHE_MAX_HOOKS))
		ca->hooks[ca->nr_hooks++] = &slab_hooks_hook;
#endif
	return size;
}

#ifdef CONFIG_MEM_ALLOC_PROFILING
static struct slabobj_ext *prepare_slab_obj_exts(struct kmem_cache *s,
						 gfp_t flags, void *p)
{
	struct slab *slab;

	if (s->flags & (SLAB_NO_OBJ_EXT | SLAB_NOLEAKTRACE))
		return NULL;
	if (flags & __GFP_NO_OBJ_EXT)
		return NULL;
	slab = virt_to_slab(p);
	if (!slab_obj_exts(slab) &&
	    WARN(alloc_slab_obj_exts(slab, s, flags, false),
		 "%s, %s: Failed to create slab extension vector!\n",
		 __func__, s->name))
		return NULL;
	return slab_obj_exts(slab) + obj_to_index(s, slab, p);
}

static void alloc_tagging_alloc(struct kmem_cache *s, void *object,
				gfp_t flags)
{
	struct slabobj_ext *obj_exts;

	if (!mem_alloc_profiling_enabled())
		return;
	obj_exts = prepare_slab_obj_exts(s, flags, object);
	if (likely(obj_exts))
		alloc_tag_add(&obj_exts->ref, current->alloc_tag, s->size);
}

static void alloc_tagging_free(struct kmem_cache *s, struct slab *slab,
			       void *object)
{
	struct slabobj_ext *obj_exts;

	if (!mem_alloc_profiling_enabled())
		return;
	/* obj_exts may be there for memcg in a cache without tags. */
	if (s->flags & (SLAB_NO_OBJ_EXT | SLAB_NOLEAKTRACE))
		return;
	obj_exts = slab_obj_exts(slab);
	if (obj_exts)
		alloc_tag_sub(&obj_exts[obj_to_index(s, slab, object)].ref,
			      s->size);
}
#else
static inline void alloc_tagging_alloc(struct kmem_cache *s, void *object,
				       gfp_t flags)
{
}

static inline void alloc_tagging_free(struct kmem_cache *s, struct slab *slab,
				      void *object)
{
}
#endif /* CONFIG_MEM_ALLOC_PROFILING */

#ifdef CONFIG_MEMCG
static bool memcg_post_alloc(struct kmem_cache *s, struct list_lru *lru,
			     gfp_t flags, size_t nr, void **p)
{
	if (likely(!memcg_kmem_online()))
		return true;
	if (likely(!(flags & __GFP_ACCOUNT) && !(s->flags & SLAB_ACCOUNT)))
		return true;
	return __memcg_slab_post_alloc_hook(s, lru, flags, nr, p);
}

static void memcg_free(struct kmem_cache *s, struct slab *slab, void *object)
{
	struct slabobj_ext *obj_exts;

	if (!memcg_kmem_online())
		return;
	obj_exts = slab_obj_exts(slab);
	if (obj_exts)
		__memcg_slab_free_hook(s, slab, &object, 1, obj_exts);
}

/**
 * slab_hook_charge() - charge an object allocated without __GFP_ACCOUNT
 * @objp: a slab object or a large kmalloc.
 * @flags: gfp flags for the charge.
 *
 * What kmem_cache_charge() does.  Objects of normal kmalloc caches are
 * not charged: their vectors come from those caches themselves.
 *
 * Context: as @flags allow.
 * Return: false if the charge failed.
 */
bool slab_hook_charge(void *objp, gfp_t flags)
{
	struct folio *folio = virt_to_folio(objp);
	struct slabobj_ext *slab_exts;
	struct kmem_cache *s;
	struct slab *slab;

	if (!memcg_kmem_online())
		return true;
	if (!folio_test_slab(folio)) {
		int size;

		if (folio_memcg_kmem(folio))
			return true;
		if (__memcg_kmem_charge_page(folio_page(folio, 0), flags,
					     folio_order(folio)))
			return false;
		/* Counted globally at allocation; now in the memcg too. */
		size = folio_size(folio);
		node_stat_mod_folio(folio, NR_SLAB_UNRECLAIMABLE_B, -size);
		lruvec_stat_mod_folio(folio, NR_SLAB_UNRECLAIMABLE_B, size);
		return true;
	}
	slab = folio_slab(folio);
	s = slab->slab_cache;
	if (is_kmalloc_normal(s))
		return true;
	slab_exts = slab_obj_exts(slab);
	if (slab_exts && slab_exts[obj_to_index(s, slab, objp)].objcg)
		return true;
	return __memcg_slab_post_alloc_hook(s, NULL, flags, 1, &objp);
}
#else
static inline bool memcg_post_alloc(struct kmem_cache *s,
				    struct list_lru *lru, gfp_t flags,
				    size_t nr, void **p)
{
	return true;
}

static inline void memcg_free(struct kmem_cache *s, struct slab *slab,
			      void *object)
{
}

bool slab_hook_charge(void *objp, gfp_t flags)
{
	return true;
}
#endif /* CONFIG_MEMCG */

/**
 * slab_hook_post_alloc_exts() - the hooks of slab_hook_post_alloc() that
 *	use object extensions: allocation tags and memcg charges
 * @s: the cache.
 * @lru: the list_lru the objects will go on, for memcg, or NULL.
 * @flags: gfp flags of the request.
 * @nr: number of objects in @p.
 * @p: the objects.
 *
 * Context: as @flags allow.
 * Return: false if memcg refused the charge (nothing is charged then).
 */
bool slab_hook_post_alloc_exts(struct kmem_cache *s, struct list_lru *lru,
			       gfp_t flags, size_t nr, void **p)
{
	size_t i;

	for (i = 0; i < nr; i++)
		alloc_tagging_alloc(s, p[i], flags);
	return memcg_post_alloc(s, lru, flags, nr, p);
}

/**
 * slab_hook_post_alloc_exts_one() - slab_hook_post_alloc_exts() for one
 *	object, passed by value
 * @s: the cache.
 * @lru: the list_lru the object will go on, for memcg, or NULL.
 * @flags: gfp flags of the request.
 * @obj: the object.
 *
 * Context: as @flags allow.
 * Return: false if memcg refused the charge (nothing is charged then).
 */
bool slab_hook_post_alloc_exts_one(struct kmem_cache *s, struct list_lru *lru,
				   gfp_t flags, void *obj)
{
	return slab_hook_post_alloc_exts(s, lru, flags, 1, &obj);
}

/**
 * slab_hook_free_exts() - the hooks of slab_hook_free() that use object
 *	extensions: memcg uncharge and allocation tags
 * @s: the cache the object belongs to.
 * @slab: its slab.
 * @x: the object.
 *
 * Context: any; does not sleep.
 */
void slab_hook_free_exts(struct kmem_cache *s, struct slab *slab, void *x)
{
	memcg_free(s, slab, x);
	alloc_tagging_free(s, slab, x);
}
