/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Modular slab allocator framework: derivers.
 *
 * A deriver takes an allocator and returns a new one whose methods wrap the
 * old ones.  Page allocator derivers (rcu, gfp/dma, node, reserve) change
 * where slabs come from and when they go back; slab allocator derivers
 * (ctor, debug) change what happens to the objects.  Each returns the new
 * allocator with one reference owned by the caller, or an ERR_PTR() after
 * one message saying why the stack makes no sense.  A cache created from a
 * derived allocator holds its own references, so the caller may put its
 * reference as soon as the caches it wants exist:
 *
 *	pa = rcu_page_allocator(buddy_page_allocator());
 *	sa = ctor_slab_allocator(slabifier_allocator(), foo_ctor, NULL);
 *	c = slab_cache_create(sa, pa, "foo", sizeof(struct foo), &args);
 *	page_allocator_put(pa);
 *	slab_allocator_put(sa);
 *
 * See Documentation/mm/modslab.rst for each deriver.
 */
#ifndef _LINUX_ALLOCATOR_DERIVE_H
#define _LINUX_ALLOCATOR_DERIVE_H

#include <linux/allocator.h>
#include <linux/mempool.h>
#include <linux/nodemask.h>
#include <linux/types.h>

/*
 * Page allocator derivers
 */

struct page_allocator *rcu_page_allocator(struct page_allocator *base);
void page_allocator_rcu_barrier(struct page_allocator *pa);
long rcu_page_allocator_pending(struct page_allocator *pa);

struct page_allocator *gfp_page_allocator(struct page_allocator *base,
					  gfp_t gfp);
struct page_allocator *dma_page_allocator(struct page_allocator *base);
struct page_allocator *dma32_page_allocator(struct page_allocator *base);

struct page_allocator *node_page_allocator(struct page_allocator *base,
					   int nid);
struct page_allocator *interleave_page_allocator(struct page_allocator *base,
						 const nodemask_t *nodes);
bool page_allocator_nodes(struct page_allocator *pa, nodemask_t *nodes);

struct page_allocator *reserve_page_allocator(struct page_allocator *base,
					      unsigned int order,
					      unsigned int nr);
unsigned int reserve_page_allocator_available(struct page_allocator *pa);
int reserve_page_allocator_order(struct page_allocator *pa);

/*
 * mempool_t over a slab cache
 */

void *slab_cache_mempool_alloc(gfp_t gfp, void *pool_data);
void slab_cache_mempool_free(void *element, void *pool_data);
mempool_t *mempool_create_slab_cache(int min_nr, struct slab_cache *c);
int mempool_init_slab_cache(mempool_t *pool, int min_nr, struct slab_cache *c);

/*
 * Slab allocator derivers
 */

/**
 * typedef slab_object_fn - constructor or destructor of an object
 * @obj: the object, of the cache's object size.
 *
 * The constructor puts a free object into its constructed state (locks
 * initialised, lists empty, ...); the object keeps that state while it is
 * free, so users must give objects back constructed.  The destructor
 * undoes the constructor before the memory goes back to the page
 * allocator.  Neither may allocate from or free to the cache it serves.
 *
 * Context: the constructor runs in the context of the allocation that made
 * a new slab and may sleep only if that allocation's gfp flags allow it;
 * the destructor runs in any context, possibly with interrupts disabled,
 * and must not sleep.
 */
typedef void (*slab_object_fn)(void *obj);

struct slab_allocator *ctor_slab_allocator(struct slab_allocator *base,
					   slab_object_fn ctor,
					   slab_object_fn dtor);

/**
 * enum slab_debug_flags - what the debug deriver checks, by SLUB letter
 * @SLABDBG_SANITY: F, sanity checks: every slot the base hands out must be
 *	an object of the cache, else the base's free list is broken and
 *	allocation fails.  (The pointer given to free and the state of each
 *	object are always checked: double frees and pointers that are not
 *	objects of the cache are caught where they happen.)
 * @SLABDBG_REDZONE: Z, red zones before and after each object, checked on
 *	free, on allocation and by slab_debug_validate().
 * @SLABDBG_POISON: P, free objects and padding are filled with a pattern
 *	that is checked on allocation (padding at the end of a slab when the
 *	slab is given back).  Objects that must keep their contents
 *	while free (constructors, %SLAB_TYPESAFE_BY_RCU) are not poisoned;
 *	their padding is.
 * @SLABDBG_USER: U, last allocation and free of each object: caller, pid,
 *	CPU, time and stack (in the stack depot).
 * @SLABDBG_TRACE: T, one line for every allocation and free of the cache,
 *	and a dump of the object on free.  Meant for single caches.
 * @SLABDBG_ALL: F, Z, P and U (not T).
 */
enum slab_debug_flags {
	SLABDBG_SANITY	= 1U << 0,
	SLABDBG_REDZONE	= 1U << 1,
	SLABDBG_POISON	= 1U << 2,
	SLABDBG_USER	= 1U << 3,
	SLABDBG_TRACE	= 1U << 4,
	SLABDBG_ALL	= SLABDBG_SANITY | SLABDBG_REDZONE | SLABDBG_POISON |
			  SLABDBG_USER,
};

/**
 * enum slab_debug_error - kinds of errors the debug deriver reports
 * @SLABDBG_ERR_REDZONE: a red zone was overwritten.
 * @SLABDBG_ERR_POISON: a free object was written to (use after free).
 * @SLABDBG_ERR_PADDING: padding between or after objects was overwritten.
 * @SLABDBG_ERR_DOUBLE_FREE: an object was freed twice.
 * @SLABDBG_ERR_INVALID_FREE: a pointer that is not the start of an object
 *	of the cache was freed.
 * @SLABDBG_ERR_METADATA: the debug metadata of an object was overwritten.
 * @SLABDBG_ERR_NR: number of kinds.
 */
enum slab_debug_error {
	SLABDBG_ERR_REDZONE,
	SLABDBG_ERR_POISON,
	SLABDBG_ERR_PADDING,
	SLABDBG_ERR_DOUBLE_FREE,
	SLABDBG_ERR_INVALID_FREE,
	SLABDBG_ERR_METADATA,
	SLABDBG_ERR_NR,
};

/**
 * typedef slab_debug_report_fn - observe the reports of a debug cache
 * @c: the cache, as its users see it.
 * @err: what was found.
 * @obj: the object concerned (the pointer users hold), or for an invalid
 *	free the pointer that was given.
 * @private: the cookie given to slab_debug_set_report().
 *
 * Called once per report, after the report was printed.
 *
 * Context: any, with the cache's debug lock held and interrupts disabled:
 * must not sleep and must not use the cache.
 */
typedef void (*slab_debug_report_fn)(struct slab_cache *c,
				     enum slab_debug_error err,
				     const void *obj, void *private);

struct slab_allocator *debug_slab_allocator(struct slab_allocator *base,
					    unsigned int flags);
int slab_debug_parse_flags(const char *str, unsigned int *flags);
unsigned long slab_debug_errors(struct slab_cache *c,
				enum slab_debug_error err);
void slab_debug_set_report(struct slab_cache *c, slab_debug_report_fn fn,
			   void *private);
int slab_debug_validate(struct slab_cache *c);
unsigned long slab_debug_held(struct slab_cache *c);
unsigned int slab_debug_flags(struct slab_cache *c);
unsigned int slab_debug_stack(struct slab_cache *c, const void *obj,
			      bool free, void **ret, void **entries,
			      unsigned int nr);

#endif /* _LINUX_ALLOCATOR_DERIVE_H */
