/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The slabifier's fast paths, inline, for the slabifier itself and for the
 * kmem_cache layer above it (slabulator_objects.h), which calls them
 * directly for a plain chain, as SLUB's entry points inline its own.  The
 * structures they read are here; everything else about the slabifier
 * stays in slabifier.c, and so do the slow paths, out of line.
 */
#ifndef MM_ALLOCATORS_SLABIFIER_H
#define MM_ALLOCATORS_SLABIFIER_H

#include <linux/allocator.h>
#include <linux/atomic.h>
#include <linux/irq_work.h>
#include <linux/local_lock.h>
#include <linux/percpu.h>
#include <linux/reciprocal_div.h>
#include <linux/string.h>
#include <linux/swab.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>

#include "internal.h"

struct sf_node;

/**
 * struct sf_cpu - a CPU's view of a cache
 * @lock: protects the fields below against this CPU; see §5.
 * @freelist: free objects of @slab that only this CPU may hand out.
 * @slab: the active slab, frozen, or NULL.
 * @slow_at: jiffies of this CPU's last slow path call, so that the flusher
 *	can tell how long the cache has been idle (§10).
 */
struct sf_cpu {
	local_lock_t	lock;
	void		*freelist;
	struct mslab	*slab;
	unsigned long	slow_at;
};

/**
 * struct sf_cache - a slabifier cache
 * @c: the handle users hold.
 * @tag: what slabs record as their owner: &slab_cache_args.owner, or @c.
 * @kernel_slab: slabs carry the kernel's slab page type (a kmem_cache of
 *	MODSLAB), not the framework's own.
 * @cpu: per-CPU state.
 * @offset: offset of the free pointer in an object.
 * @objects: objects per slab.
 * @order: slabs are 2^@order pages.
 * @min_order: order of a slab when one of @order cannot be had: the
 *	smallest that holds an object, or @order for caches with hooks.
 * @min_objects: objects in a slab of @min_order.
 * @usable: usable bytes of an object.
 * @recip: reciprocal of the stride, to turn offsets into indices.
 * @stride_mask: the stride less one when it is a power of two (an
 *	offset is then an object's if it has none of these bits), else 0.
 * @single: one object per slab: no per-CPU layer, no free lists (§6).
 * @random: with CONFIG_SLAB_FREELIST_HARDENED, the secret free pointers
 *	are stored xored with (§12).
 * @random_seq: with CONFIG_SLAB_FREELIST_RANDOM, the order in which the
 *	objects of a new slab are linked into its free list (§12); NULL for
 *	one-object slabs.
 * @min_partial: partial slabs a node keeps even when they are empty: the
 *	min_partial parameter divided by the pages of a slab, or enough
 *	for a burst of objects (slabifier_calc_min_partial()), at least
 *	one.
 * @allocflags: gfp bits added to every page allocation.
 * @vmstat: the node counter the slab pages are accounted to.
 * @nr_hooks: number of @hooks.
 * @hooks: per-slab hooks of derivers.
 * @double_frees: double frees detected.
 * @invalid_frees: frees of pointers that are not objects of the cache.
 * @list: link in sf_caches.
 * @flusher: deferred work that flushes the per-CPU slabs once the cache
 *	has gone idle (§10).
 * @flusher_armed: bit 0 set while @flusher is queued or running.
 * @flusher_arm: queues @flusher, from an irq_work: the slow path that arms
 *	it may run under a timer base lock (§10).
 * @node: per-node state, indexed by node id.
 */
struct sf_cache {
	struct slab_cache	c;
	void			*tag;
	bool			kernel_slab;	/* slab page type, internal.h */

	/* Used on every allocation and free */
	struct sf_cpu __percpu	*cpu;
	unsigned int		offset;
	unsigned int		objects;
	unsigned int		order;
	unsigned int		min_order;
	unsigned int		min_objects;
	unsigned int		usable;
	struct reciprocal_value	recip;
	unsigned int		stride_mask;
	bool			single;
#ifdef CONFIG_SLAB_FREELIST_HARDENED
	unsigned long		random;
#endif

	/* Used when slabs are made, freed or change lists */
#ifdef CONFIG_SLAB_FREELIST_RANDOM
	unsigned int		*random_seq;
#endif
	unsigned int		min_partial;
	gfp_t			allocflags;
	enum node_stat_item	vmstat;
	unsigned int		nr_hooks;
	struct slab_cache_hook	*hooks[SLAB_CACHE_MAX_HOOKS];

	/* Error counters, statistics, bookkeeping */
	atomic_long_t		double_frees;
	atomic_long_t		invalid_frees;
	struct list_head	list;
	struct delayed_work	flusher;
	unsigned long		flusher_armed;
	struct irq_work		flusher_arm;
	struct sf_node		*node[];
};

/* The counters word of struct mslab, for computing new values. */
union sf_counters {
	unsigned long counters;
	struct {
		unsigned inuse:16;
		unsigned objects:15;
		unsigned frozen:1;
	};
};

static_assert(sizeof(union sf_counters) == sizeof(unsigned long));

static inline struct sf_cache *to_sf(struct slab_cache *c)
{
	return container_of(c, struct sf_cache, c);
}

/*
 * Free pointers (§12).  With CONFIG_SLAB_FREELIST_HARDENED the stored
 * value is the pointer xored with a secret of the cache and with the
 * byte-swapped address it is stored at.  Derivers that check free lists
 * (the debug deriver) read them through slabifier_next_free().
 */
static inline unsigned long sf_fp_mask(struct sf_cache *sc, void *where)
{
#ifdef CONFIG_SLAB_FREELIST_HARDENED
	return sc->random ^ swab((unsigned long)where);
#else
	return 0;
#endif
}

static inline void *sf_get_fp(struct sf_cache *sc, void *obj)
{
	unsigned long *where = obj + sc->offset;

	return (void *)(*where ^ sf_fp_mask(sc, where));
}

static inline void sf_set_fp(struct sf_cache *sc, void *obj, void *fp)
{
	unsigned long *where = obj + sc->offset;

	*where = (unsigned long)fp ^ sf_fp_mask(sc, where);
}

static inline union sf_counters sf_read_counters(struct mslab *slab)
{
	union sf_counters cnt = { .counters = READ_ONCE(slab->counters) };

	return cnt;
}

/* Is @off, an offset within a slab's objects, the start of one? */
static __always_inline bool sf_object_offset(struct sf_cache *sc,
					     unsigned int off)
{
	unsigned int mask = sc->stride_mask;

	if (likely(mask))
		return !(off & mask);
	return reciprocal_divide(off, sc->recip) * sc->c.size == off;
}

/* The bytes a slab's objects span from its first byte */
static __always_inline unsigned long sf_span(struct sf_cache *sc,
					     struct mslab *slab)
{
	return (unsigned long)sf_read_counters(slab).objects * sc->c.size;
}

/*
 * Is @obj the start of an object of @slab, a slab of @sc?  Bounded by the
 * slab's objects, not its order: no read of the second struct page.
 */
static __always_inline bool sf_at_object(struct sf_cache *sc,
					 struct mslab *slab, const void *obj)
{
	unsigned long off = (unsigned long)obj -
			    (unsigned long)mslab_address(slab);

	return off < sf_span(sc, slab) && sf_object_offset(sc, off);
}

void *slabifier_alloc_single(struct sf_cache *sc, gfp_t gfp, int node);
void *slabifier_alloc_slowpath(struct sf_cache *sc, gfp_t gfp, int node,
			       unsigned long flags);
void slabifier_free_single(struct sf_cache *sc, struct mslab *slab,
			   void *obj, unsigned long ip);
void slabifier_free_remote_path(struct sf_cache *sc, struct mslab *slab,
				void *obj, unsigned long flags,
				unsigned long ip);
void slabifier_report_double_free(struct sf_cache *sc, const void *obj,
				  unsigned long ip);
void slabifier_report_invalid_free(struct sf_cache *sc, const void *obj,
				   const char *why, unsigned long ip);
int slabifier_node_hint(struct slab_cache *c, int node);

/*
 * The fast path: pop the CPU free list.  The caller checked the context
 * (might_alloc(), see slab_cache_alloc_node()).
 */
static __always_inline void *sf_alloc(struct sf_cache *sc, gfp_t gfp,
				      int node)
{
	unsigned long flags;
	struct sf_cpu *c;
	void *obj;

	if (unlikely(sc->single)) {
		obj = slabifier_alloc_single(sc, gfp, node);
		goto out;
	}

	local_lock_irqsave(&sc->cpu->lock, flags);
	c = this_cpu_ptr(sc->cpu);
	obj = c->freelist;
	if (unlikely(!obj || (node != NUMA_NO_NODE &&
			      mslab_nid(c->slab) != node))) {
		obj = slabifier_alloc_slowpath(sc, gfp, node, flags);
		goto out;
	}
	c->freelist = sf_get_fp(sc, obj);
	local_unlock_irqrestore(&sc->cpu->lock, flags);
out:
	if (unlikely(gfp & __GFP_ZERO) && obj)
		memset(obj, 0, sc->c.object_size);
	return obj;
}

/*
 * Free @obj of the CPU's active slab onto the CPU free list.  Called with
 * the CPU lock held.  Returns false, freeing nothing, for a double free of
 * the object at the head of that list.
 */
static __always_inline bool sf_free_cpu(struct sf_cache *sc, struct sf_cpu *c,
					void *obj)
{
	if (unlikely(obj == c->freelist))
		return false;
	sf_set_fp(sc, obj, c->freelist);
	c->freelist = obj;
	return true;
}

/* Free @obj of @slab, which was checked to be a slab of @sc holding it. */
static __always_inline void sf_free_slab(struct sf_cache *sc,
					 struct mslab *slab, void *obj,
					 unsigned long ip)
{
	unsigned long flags;
	struct sf_cpu *c;

	if (unlikely(sc->single)) {
		slabifier_free_single(sc, slab, obj, ip);
		return;
	}

	local_lock_irqsave(&sc->cpu->lock, flags);
	c = this_cpu_ptr(sc->cpu);
	if (unlikely(slab != c->slab)) {
		slabifier_free_remote_path(sc, slab, obj, flags, ip);
		return;
	}
	if (unlikely(!sf_free_cpu(sc, c, obj))) {
		local_unlock_irqrestore(&sc->cpu->lock, flags);
		slabifier_report_double_free(sc, obj, ip);
		return;
	}
	local_unlock_irqrestore(&sc->cpu->lock, flags);
}

/*
 * Why @obj, whose folio @folio the caller found from it, is no object of
 * @sc: the folio is not a slab of @sc or @obj not the start of one of its
 * objects.  NULL if it is one.  (A reason returned, not stored through a
 * pointer, keeps the fast path free of stack slots.)
 */
static __always_inline const char *sf_folio_refuses(struct sf_cache *sc,
						    struct folio *folio,
						    const void *obj)
{
	struct mslab *slab = folio_mslab(folio);

	if (unlikely(!mslab_folio_test(folio)))
		return "not in a slab of the framework";
	if (unlikely(READ_ONCE(slab->cache) != sc->tag))
		return "an object of another cache";
	if (unlikely(!sf_at_object(sc, slab, obj)))
		return "not the start of an object";
	return NULL;
}

extern const char *const slabifier_already_free;
void slabifier_refuse_free(struct sf_cache *sc, const void *obj,
			   const char *why, unsigned long ip);

/*
 * sf_folio_refuses(), and "already free" for an object that is the head
 * of this CPU's free list or of its slab's, or of a slab with no object
 * in use: a check without locks, which an object the caller owns always
 * passes, made before anything writes to the object.  The free paths
 * check the heads again under their locks.
 */
static __always_inline const char *sf_free_refuses(struct sf_cache *sc,
						   struct folio *folio,
						   const void *obj)
{
	const char *why = sf_folio_refuses(sc, folio, obj);
	struct mslab *slab = folio_mslab(folio);

	if (unlikely(why))
		return why;
	/* One-object slabs have no free lists (§6): in use or not */
	if (unlikely(!sf_read_counters(slab).inuse ||
		     (!sc->single &&
		      (obj == raw_cpu_read(sc->cpu->freelist) ||
		       obj == READ_ONCE(slab->freelist)))))
		return slabifier_already_free;
	return NULL;
}

/*
 * Allocate from @c preferably on @node: an out-of-range node or one the
 * chain may not choose is turned into %NUMA_NO_NODE first.
 */
static __always_inline void *sf_alloc_node(struct slab_cache *c, gfp_t gfp,
					   int node)
{
	if (unlikely(node != NUMA_NO_NODE))
		node = slabifier_node_hint(c, node);
	return sf_alloc(to_sf(c), gfp, node);
}

#endif /* MM_ALLOCATORS_SLABIFIER_H */
