// SPDX-License-Identifier: GPL-2.0
/*
 * Moving objects of kmem_caches: kmem_cache_set_move() and a shrinker.
 *
 * A cache whose objects can be relocated registers a move callback, with
 * the semantics of illumos' kmem_cache_set_move(): given an allocated
 * object and a free place in a fuller slab, the client either moves the
 * object and answers yes, or answers no, later, or that it does not know
 * or need the object.  kmem_cache_shrink() then empties sparse slabs by
 * moving their objects (slabifier.c §11) and gives the emptied slabs back,
 * and so does memory reclaim through the "modslab-move" shrinker, which
 * looks only at caches with a callback.
 *
 * Only a cache of its own can move: a cache merged with others would be
 * asked to move objects it does not know, so kmem_cache_set_move() refuses
 * a cache that is shared, and keeps one that is not from being merged
 * later.
 *
 * The shrinker runs no client code in the thread that reclaims: that
 * thread may hold the lock a callback takes (a client that allocates under
 * its own lock), or be creating a cache under it.  It queues a work item
 * that moves in process context, outside reclaim and without slab_mutex
 * held across a callback; kmem_cache_destroy() waits for it to be done
 * with the cache.  Counting only tries slab_mutex: reclaim must not wait
 * for caches being created or destroyed (their creators allocate memory
 * holding it).
 *
 * The allocator moves objects below the kernel's object hooks: kmemleak is
 * told, init_on_free wipes the old place, and what the old place's object
 * extension holds follows the object: the memcg charge (object cgroup
 * pointer and reference) and the allocation profiling tag, so that the
 * profile still counts the object once, at its call site.  A charge is of
 * the bytes of one cache on one node, so a charged object is not moved to
 * another node (it stays for a later shrink).  KASAN's shadow stays with
 * the old place: under KASAN objects do not move (kmem_cache_set_move()
 * says so, and shrinking only gives back empty slabs).
 */

#define pr_fmt(fmt) "slab: " fmt

#include <linux/allocator.h>
#include <linux/export.h>
#include <linux/alloc_tag.h>
#include <linux/init.h>
#include <linux/kmemleak.h>
#include <linux/memcontrol.h>
#include <linux/mutex.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "../slab.h"
#include "slab_move.h"

/* Why objects of @s cannot move now, or NULL. */
static const char *slab_move_unsupported(struct kmem_cache *s)
{
	if (s->flags & SLAB_KASAN)
		return "KASAN tracks objects where they are";
	return NULL;
}

#ifdef CONFIG_SLAB_OBJ_EXT
/* Does an object's extension entry hold a memcg charge? */
static bool slab_ext_charged(const struct slabobj_ext *e)
{
#ifdef CONFIG_MEMCG
	return e->objcg;
#else
	return false;
#endif
}

/* Does it hold anything that moves with the object: a charge, a tag? */
static bool slab_ext_used(const struct slabobj_ext *e)
{
#ifdef CONFIG_MEM_ALLOC_PROFILING
	if (e->ref.ct)
		return true;
#endif
	return slab_ext_charged(e);
}

/*
 * Where the extension entry of @old is, and where it goes with a move to
 * @new: both NULL if it holds nothing.  False if @old may not move to
 * @new now (a charge to another node, or no extension vector for @new).
 */
static bool slab_move_ext(struct kmem_cache *s, void *old, void *new,
			  struct slabobj_ext **from, struct slabobj_ext **to)
{
	struct slab *os = virt_to_slab(old), *ns = virt_to_slab(new);
	struct slabobj_ext *ext = slab_obj_exts(os);

	*from = NULL;
	*to = NULL;
	if (!ext || !slab_ext_used(&ext[obj_to_index(s, os, old)]))
		return true;
	ext += obj_to_index(s, os, old);
	if (slab_ext_charged(ext) && slab_nid(os) != slab_nid(ns))
		return false;
	if (!slab_obj_exts(ns) &&
	    alloc_slab_obj_exts(ns, s, GFP_NOWAIT | __GFP_NOWARN, false))
		return false;
	*from = ext;
	*to = &slab_obj_exts(ns)[obj_to_index(s, ns, new)];
	return true;
}

/*
 * The charge, with its reference, and the allocation tag go from @from to
 * @to: the profile still counts the object once, at the site that
 * allocated it, and neither place is left with a tag that a later
 * allocation there would find set.
 */
static void slab_ext_move(struct slabobj_ext *from, struct slabobj_ext *to)
{
#ifdef CONFIG_MEMCG
	WRITE_ONCE(to->objcg, from->objcg);
	WRITE_ONCE(from->objcg, NULL);
#endif
#ifdef CONFIG_MEM_ALLOC_PROFILING
	to->ref = from->ref;
	from->ref.ct = NULL;
#endif
}
#else
static bool slab_move_ext(struct kmem_cache *s, void *old, void *new,
			  struct slabobj_ext **from, struct slabobj_ext **to)
{
	*from = NULL;
	*to = NULL;
	return true;
}

static void slab_ext_move(struct slabobj_ext *from, struct slabobj_ext *to)
{
}
#endif

static enum slab_move_result slab_move_one(struct slab_cache *c, void *old,
					   void *new, void *private)
{
	struct kmem_cache *s = private;
	kmem_cache_move_fn move = READ_ONCE(s->move);
	struct slabobj_ext *from, *to;
	enum slab_move_result ret;

	if (!slab_move_ext(s, old, new, &from, &to))
		return SLAB_MOVE_LATER;
	ret = move(s, old, new);
	if (ret == SLAB_MOVE_YES) {
		if (from)
			slab_ext_move(from, to);
		/* The allocator frees @old next, past the free hooks */
		kmemleak_free_recursive(old, s->flags);
		kmemleak_alloc_recursive(new, s->object_size, 1, s->flags,
					 GFP_NOWAIT);
		if (slab_want_init_on_free(s))
			memset(old, 0, s->object_size);
	}
	return ret;
}

/**
 * kmem_cache_set_move() - let a cache move its objects, to defragment it
 * @s: the cache; not merged with another one.
 * @move: the client's callback; see &kmem_cache_move_fn.
 *
 * From now on kmem_cache_shrink() and memory reclaim may call @move for
 * allocated objects of sparsely used slabs.  The cache is no longer merged
 * with caches created later.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL (with a message) for a NULL argument; -EOPNOTSUPP
 * (with a message) for a cache KASAN tracks; -EBUSY (with a message) if
 * @s is shared with other users through merging: create it with
 * %SLAB_NO_MERGE.
 */
int kmem_cache_set_move(struct kmem_cache *s, kmem_cache_move_fn move)
{
	const char *why;
	int err = 0;

	if (!s || !move) {
		pr_err("%s: no %s given\n", __func__, s ? "callback" : "cache");
		return -EINVAL;
	}
	why = slab_move_unsupported(s);
	if (why) {
		pr_err("%s: cache %s: objects cannot move: %s\n", __func__,
		       s->name, why);
		return -EOPNOTSUPP;
	}
	mutex_lock(&slab_mutex);
	if (s->refcount != 1) {
		pr_err("%s: cache %s is shared by merging; create it with SLAB_NO_MERGE\n",
		       __func__, s->name);
		err = -EBUSY;
	} else {
		s->flags |= SLAB_NO_MERGE;
		WRITE_ONCE(s->move, move);
	}
	mutex_unlock(&slab_mutex);
	return err;
}
EXPORT_SYMBOL(kmem_cache_set_move);

/**
 * slab_move_shrink() - shrink a cache, moving objects if it has a callback
 * @s: the cache.
 *
 * Context: process context, may sleep.
 * Return: the number of pages given back.
 */
unsigned long slab_move_shrink(struct kmem_cache *s)
{
	bool move = READ_ONCE(s->move) && !slab_move_unsupported(s);

	return slab_cache_shrink(s->cache, move ? slab_move_one : NULL, s);
}

/* Pages that moving could give back: slabs beyond what the objects fill. */
static unsigned long slab_move_freeable(struct kmem_cache *s)
{
	struct slab_cache_stats st;
	unsigned long need;

	slab_cache_stats(s->cache, &st);
	if (!st.num_slabs || !st.objs_per_slab)
		return 0;
	need = DIV_ROUND_UP(st.active_objs, st.objs_per_slab);
	if (st.num_slabs <= need + 1)
		return 0;
	return (st.num_slabs - need) * (st.pages / st.num_slabs);
}

static void slab_move_work_fn(struct work_struct *work);
static DECLARE_WORK(slab_move_work, slab_move_work_fn);
/* The cache the work item is moving objects of, set under slab_mutex */
static struct kmem_cache *slab_move_busy;

/* Context: slab_mutex held.  The @n-th cache with a callback, or NULL. */
static struct kmem_cache *slab_move_nth(unsigned int n)
{
	struct kmem_cache *s;

	list_for_each_entry(s, &slab_caches, list) {
		if (READ_ONCE(s->move) && !n--)
			return s;
	}
	return NULL;
}

/*
 * Shrink each cache with a callback that has slabs to give back, taking
 * slab_mutex only to find the next one: a callback may wait for a client
 * lock whose holder is creating a cache.
 */
static void slab_move_work_fn(struct work_struct *work)
{
	struct kmem_cache *s;
	unsigned int n;

	for (n = 0;; n++) {
		mutex_lock(&slab_mutex);
		s = slab_move_nth(n);
		WRITE_ONCE(slab_move_busy, s);
		mutex_unlock(&slab_mutex);
		if (!s)
			return;
		if (slab_move_freeable(s))
			slab_move_shrink(s);
		/* Pairs with wait_var_event() in slab_move_quiesce() */
		smp_store_release(&slab_move_busy, NULL);
		wake_up_var(&slab_move_busy);
	}
}

/**
 * slab_move_quiesce() - wait until the shrinker's work item leaves a cache
 * @s: a cache being destroyed.
 *
 * The work item picks caches under slab_mutex, so once this returns it
 * does not come back to @s while the caller holds slab_mutex and takes @s
 * off the cache list.
 *
 * Context: process context, slab_mutex held.
 */
void slab_move_quiesce(struct kmem_cache *s)
{
	lockdep_assert_held(&slab_mutex);
	/* Pairs with the release in slab_move_work_fn() */
	wait_var_event(&slab_move_busy, smp_load_acquire(&slab_move_busy) != s);
}

/**
 * slab_move_flush() - wait for the moves the shrinker asked for
 *
 * Context: process context, may sleep.
 */
VISIBLE_IF_KUNIT void slab_move_flush(void)
{
	flush_work(&slab_move_work);
}
EXPORT_SYMBOL_IF_KUNIT(slab_move_flush);

/**
 * slab_move_count() - pages the shrinker might give back
 * @sh: the shrinker.
 * @sc: the reclaim request.
 *
 * Return: a page count, or %SHRINK_EMPTY.
 */
VISIBLE_IF_KUNIT unsigned long slab_move_count(struct shrinker *sh,
					       struct shrink_control *sc)
{
	unsigned long nr = 0;
	struct kmem_cache *s;

	if (!mutex_trylock(&slab_mutex))
		return 0;
	list_for_each_entry(s, &slab_caches, list) {
		if (READ_ONCE(s->move))
			nr += slab_move_freeable(s);
	}
	mutex_unlock(&slab_mutex);
	return nr ?: SHRINK_EMPTY;
}
EXPORT_SYMBOL_IF_KUNIT(slab_move_count);

/**
 * slab_move_scan() - have caches with a move callback defragmented
 * @sh: the shrinker.
 * @sc: the reclaim request.
 *
 * Queues the work item that moves objects and gives the emptied slabs
 * back, whatever @sc->gfp_mask: no callback runs in the reclaiming thread.
 *
 * Return: %SHRINK_STOP; the pages come back as the work item runs.
 */
VISIBLE_IF_KUNIT unsigned long slab_move_scan(struct shrinker *sh,
					      struct shrink_control *sc)
{
	queue_work(system_unbound_wq, &slab_move_work);
	return SHRINK_STOP;
}
EXPORT_SYMBOL_IF_KUNIT(slab_move_scan);

static int __init slab_move_init(void)
{
	struct shrinker *sh;

	sh = shrinker_alloc(0, "modslab-move");
	if (!sh) {
		pr_warn("no shrinker: only kmem_cache_shrink() moves objects\n");
		return 0;
	}
	sh->count_objects = slab_move_count;
	sh->scan_objects = slab_move_scan;
	/* Moving is work: ask for it in batches worth the effort */
	sh->batch = 64;
	shrinker_register(sh);
	return 0;
}
late_initcall(slab_move_init);
