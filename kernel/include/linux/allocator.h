/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Modular slab allocator framework: public API.
 *
 * Allocators are objects: a table of methods plus a little state.  A page
 * allocator hands out naturally aligned blocks of 2^order pages; a slab
 * allocator carves such blocks into objects of one size and hands those
 * out.  New allocators are derived from existing ones by wrapping their
 * methods.  The slabifier is the core slab allocator; the buddy page
 * allocator is the base page allocator.  See Documentation/mm/modslab.rst.
 *
 * Users hold a &struct slab_cache and call the slab_cache_*() helpers
 * below.  For a cache whose chain is the plain slabifier those helpers call
 * the slabifier directly; only derived chains pay an indirect call.
 */
#ifndef _LINUX_ALLOCATOR_H
#define _LINUX_ALLOCATOR_H

#include <linux/compiler.h>
#include <linux/gfp_types.h>
#include <linux/kref.h>
#include <linux/numa.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/types.h>

struct folio;
struct page_allocator;
struct slab_allocator;
struct slab_cache;

/*
 * Page allocators
 */

/**
 * enum page_allocator_traits - properties of a page allocator chain
 * @PAGE_ALLOCATOR_RCU: pages are handed back to the base only after an RCU
 *	grace period, so slab memory keeps its type until then.
 * @PAGE_ALLOCATOR_NODE_BOUND: pages come from the node(s) the chain is
 *	bound to, see &page_allocator.node.
 * @PAGE_ALLOCATOR_GFP_FORCED: the chain forces gfp bits on every request,
 *	see &page_allocator.gfp.
 * @PAGE_ALLOCATOR_RESERVE: the chain keeps a reserve of pages to fall back
 *	on when its base fails.
 *
 * Traits are inherited: a derived allocator starts with the traits of its
 * base and adds its own.  Derivers use them to refuse nonsensical stacks.
 */
enum page_allocator_traits {
	PAGE_ALLOCATOR_RCU		= 1U << 0,
	PAGE_ALLOCATOR_NODE_BOUND	= 1U << 1,
	PAGE_ALLOCATOR_GFP_FORCED	= 1U << 2,
	PAGE_ALLOCATOR_RESERVE		= 1U << 3,
};

/**
 * struct page_allocator_ops - methods of a page allocator
 * @alloc: allocate a naturally aligned block of 2^@order pages.
 *	Arguments: the allocator, the gfp flags of the request, the order and
 *	the preferred node (%NUMA_NO_NODE for the local one).  Blocks of
 *	order > 0 are compound (a large folio).  Context: as the gfp flags
 *	allow; may sleep only if gfpflags_allow_blocking(@gfp).  Called with
 *	no framework lock held.  Returns the folio, or NULL when out of
 *	memory.  Mandatory.
 * @free: give back a block obtained from @alloc of the same allocator, with
 *	the order it was allocated with.  The folio must carry no page type and
 *	no slab metadata any more.  Context: any, including hard irq; must not
 *	sleep.  Mandatory.
 * @free_after_gp: optional; as @free, for a block whose last user waited
 *	for an RCU grace period already: an allocator that defers frees by a
 *	grace period (%PAGE_ALLOCATOR_RCU) gives it back at once, one that
 *	wraps another passes it on the same way.  Without it, @free.
 * @describe: optional; write a short description of this layer (parameters
 *	such as a node or a reserve size) into the buffer, snprintf() style.
 *	Returns the number of characters written.  Context: may sleep.
 * @release: optional; free a derived allocator once its last reference is
 *	gone.  Its base is put by the framework after @release returns, so the
 *	whole chain is released.  Static allocators have no @release and are
 *	never released.  Context: any; must not sleep.
 *
 * Tables are const and shared by all instances of one kind of allocator.
 */
struct page_allocator_ops {
	struct folio *(*alloc)(struct page_allocator *pa, gfp_t gfp,
			       unsigned int order, int node);
	void (*free)(struct page_allocator *pa, struct folio *folio,
		     unsigned int order);
	void (*free_after_gp)(struct page_allocator *pa, struct folio *folio,
			      unsigned int order);
	int (*describe)(struct page_allocator *pa, char *buf, size_t len);
	void (*release)(struct page_allocator *pa);
};

/**
 * struct page_allocator - a page allocator instance
 * @ops: its method table.
 * @name: short name of this layer ("buddy", "dma", ...).
 * @base: the allocator this one is derived from, with a reference held;
 *	NULL for a base allocator.
 * @ref: reference count; see page_allocator_get() and page_allocator_put().
 * @traits: &enum page_allocator_traits of the whole chain down to the base.
 * @gfp: gfp bits the chain forces on every request (0 if none).
 * @node: the node the chain is bound to, or %NUMA_NO_NODE.
 *
 * Derived allocators embed this struct and find their own state with
 * container_of().  After page_allocator_init() the fields are read-only.
 */
struct page_allocator {
	const struct page_allocator_ops	*ops;
	const char			*name;
	struct page_allocator		*base;
	struct kref			ref;
	unsigned int			traits;
	gfp_t				gfp;
	int				node;
};

/**
 * page_allocator_alloc() - allocate 2^@order pages from a page allocator
 * @pa: the page allocator.
 * @gfp: gfp flags.
 * @order: order of the block.
 * @node: preferred node or %NUMA_NO_NODE.
 *
 * Context: as @gfp allows.
 * Return: a folio or NULL.
 */
static inline struct folio *page_allocator_alloc(struct page_allocator *pa,
						 gfp_t gfp, unsigned int order,
						 int node)
{
	return pa->ops->alloc(pa, gfp, order, node);
}

/**
 * page_allocator_free() - give pages back to the page allocator they came from
 * @pa: the page allocator.
 * @folio: the block.
 * @order: its order.
 *
 * Context: any; does not sleep.
 */
static inline void page_allocator_free(struct page_allocator *pa,
				       struct folio *folio, unsigned int order)
{
	pa->ops->free(pa, folio, order);
}

/**
 * page_allocator_free_after_gp() - give back a block after a grace period
 * @pa: the allocator the block came from.
 * @folio: the block.
 * @order: its order.
 *
 * For a block nobody can have seen since an RCU grace period ended: the
 * allocator does not wait for another one (see @free_after_gp).
 *
 * Context: any; does not sleep.
 */
static inline void page_allocator_free_after_gp(struct page_allocator *pa,
						struct folio *folio,
						unsigned int order)
{
	if (pa->ops->free_after_gp)
		pa->ops->free_after_gp(pa, folio, order);
	else
		pa->ops->free(pa, folio, order);
}

void page_allocator_init(struct page_allocator *pa,
			 const struct page_allocator_ops *ops,
			 const char *name, struct page_allocator *base);
struct page_allocator *page_allocator_get(struct page_allocator *pa);
void page_allocator_put(struct page_allocator *pa);
int page_allocator_describe(struct page_allocator *pa, char *buf, size_t len);
struct page_allocator *buddy_page_allocator(void);

/*
 * Slab allocators
 */

/**
 * struct slab_event - what the slabifier tells hooks about one slab
 * @base: address of the first object; slabs are naturally aligned blocks.
 * @objects: number of objects in the slab.
 * @stride: distance in bytes between the starts of two objects.
 * @object_size: usable size of each object.
 * @order: the slab is 2^@order pages.
 * @node: the node the pages are on.
 *
 * All slabs of a cache with hooks have the cache's order (&struct
 * slab_cache_stats.order) and object count; a cache without hooks may make
 * smaller slabs when memory is short.
 */
struct slab_event {
	void		*base;
	unsigned int	objects;
	unsigned int	stride;
	unsigned int	object_size;
	unsigned int	order;
	int		node;
};

struct slab_cache_hook;

/**
 * struct slab_hook_ops - per-slab event callbacks of a deriver
 * @slab_made: a new slab is about to be used; none of its objects has been
 *	handed out and the free pointers are not written yet.  Arguments: the
 *	hook, the cache (as its users see it), the slab, and the gfp flags of
 *	the allocation that made the slab.  Context: the caller's, with no
 *	framework lock held; may sleep only if gfpflags_allow_blocking(@gfp).
 *	Returns 0, or a negative errno to have the slab given back and the
 *	allocation fail (the @slab_freeing of hooks already called is run).
 *	Optional.
 * @slab_freeing: the slab is about to be given back to its page allocator;
 *	all its objects are free.  Context: any, possibly with interrupts
 *	disabled; must not sleep; no framework lock held.  Optional.
 * @release: the cache is destroyed; free the hook.  Context: may sleep.
 *	Optional.
 *
 * Hooks run in the order they were added on @slab_made, in reverse order on
 * @slab_freeing.  They are off the per-object path: this is where derivers
 * that work per slab (constructors, destructors) do their work.
 */
struct slab_hook_ops {
	int (*slab_made)(struct slab_cache_hook *hook, struct slab_cache *c,
			 const struct slab_event *ev, gfp_t gfp);
	void (*slab_freeing)(struct slab_cache_hook *hook, struct slab_cache *c,
			     const struct slab_event *ev);
	void (*release)(struct slab_cache_hook *hook);
};

/**
 * struct slab_cache_hook - a per-slab event hook installed at cache creation
 * @ops: its callbacks.
 * @private: for the deriver that installed it.
 *
 * Derivers embed or allocate hooks; a hook lives until its @release.
 */
struct slab_cache_hook {
	const struct slab_hook_ops	*ops;
	void				*private;
};

#define SLAB_CACHE_MAX_HOOKS	4

/**
 * struct slab_cache_args - less common arguments for slab_cache_create()
 * @align: required alignment of objects, a power of two no larger than
 *	PAGE_SIZE, or 0.  Objects are at least pointer aligned, and objects
 *	whose size is a power of two are aligned to their size.
 * @flags: %SLAB_HWCACHE_ALIGN, %SLAB_RECLAIM_ACCOUNT, %SLAB_NO_MERGE,
 *	%SLAB_PANIC, and %SLAB_TYPESAFE_BY_RCU when the page allocator has the
 *	%PAGE_ALLOCATOR_RCU trait.  Other flags are refused.
 * @preserve_free: free objects keep their contents (constructed state,
 *	RCU readers): the free pointer is kept out of the object.
 * @use_freeptr_offset: @freeptr_offset is valid.
 * @freeptr_offset: where in the object the free pointer goes; must be
 *	pointer aligned and leave room for a pointer inside the object.
 * @nr_hooks: number of entries in @hooks.
 * @hooks: per-slab hooks, see &struct slab_hook_ops.
 * @owner: what every slab of the cache records as its owner, in the word
 *	where &struct slab keeps its slab_cache (the slabulator passes its
 *	kmem_cache, so that the rest of the kernel finds it there).  NULL
 *	means the cache handle itself.
 *
 * Zeroed fields mean "default".
 */
struct slab_cache_args {
	unsigned int		align;
	slab_flags_t		flags;
	bool			preserve_free;
	bool			use_freeptr_offset;
	unsigned int		freeptr_offset;
	unsigned int		nr_hooks;
	struct slab_cache_hook	*hooks[SLAB_CACHE_MAX_HOOKS];
	void			*owner;
};

/**
 * enum slab_move_result - answer of a client's move callback
 * @SLAB_MOVE_YES: the client copied @old to @new and now uses @new; the
 *	allocator frees @old.
 * @SLAB_MOVE_NO: the object can never be moved; the allocator frees @new and
 *	does not ask again during this shrink.
 * @SLAB_MOVE_LATER: the object is busy now; the allocator frees @new.
 * @SLAB_MOVE_DONT_NEED: the client does not need @old any more and has
 *	freed it or will free it itself; the allocator frees @new.
 * @SLAB_MOVE_DONT_KNOW: the client does not recognise @old (it may be
 *	being freed); the allocator frees @new.
 */
enum slab_move_result {
	SLAB_MOVE_YES,
	SLAB_MOVE_NO,
	SLAB_MOVE_LATER,
	SLAB_MOVE_DONT_NEED,
	SLAB_MOVE_DONT_KNOW,
};

/**
 * typedef slab_move_fn - move an object to a new place, for defragmentation
 * @c: the cache.
 * @old: an allocated object in a sparsely used slab.
 * @new: a freshly allocated object of the same cache, in another slab.
 * @private: the cookie given to slab_cache_shrink().
 *
 * The client decides whether @old is still in use and, if so, copies it to
 * @new and redirects its references under its own locking.
 *
 * Context: process context, may sleep; no allocator lock is held.
 * Return: an &enum slab_move_result.
 */
typedef enum slab_move_result (*slab_move_fn)(struct slab_cache *c, void *old,
					      void *new, void *private);

/**
 * struct slab_cache_stats - what /proc/slabinfo and tests need to know
 * @active_objs: objects in use; objects in per-CPU slabs count as in use.
 * @num_objs: objects in all slabs.
 * @active_slabs: slabs holding at least one object in use.
 * @num_slabs: slabs of the cache.
 * @partial_slabs: slabs on the per-node partial lists.
 * @partial_objs: objects in use on those slabs.
 * @cpu_slabs: slabs some CPU allocates from (a racy count, as a
 *	statistic may be).
 * @pages: pages held by the cache.
 * @object_size: usable size of an object.
 * @size: stride of objects in a slab.
 * @objs_per_slab: objects in one slab.
 * @order: slabs are 2^@order pages.
 * @min_partial: partial slabs a node keeps even when they are empty.
 * @double_frees: double frees detected and ignored.
 * @invalid_frees: frees of pointers that are not objects of the cache.
 */
struct slab_cache_stats {
	unsigned long	active_objs;
	unsigned long	num_objs;
	unsigned long	active_slabs;
	unsigned long	num_slabs;
	unsigned long	partial_slabs;
	unsigned long	partial_objs;
	unsigned long	cpu_slabs;
	unsigned long	pages;
	unsigned int	object_size;
	unsigned int	size;
	unsigned int	objs_per_slab;
	unsigned int	order;
	unsigned int	min_partial;
	unsigned long	double_frees;
	unsigned long	invalid_frees;
};

/**
 * struct slab_allocator_ops - methods of a slab allocator
 * @create: create a cache of objects of @size bytes named @name whose slabs
 *	come from @pa; @args may be NULL.  The cache takes references on @sa
 *	and @pa.  Context: process context, may sleep.  Returns the cache or
 *	an ERR_PTR(): -EINVAL for bad arguments (with one message saying
 *	which), -ENOMEM.
 * @alloc: optional; allocate an object on any node.  Without it,
 *	@alloc_node is called with %NUMA_NO_NODE.  Context as @alloc_node.
 * @alloc_node: allocate an object, preferably on @node.  Context: as the
 *	gfp flags allow; irq safe; may sleep only if the gfp flags allow it.
 *	Returns the object or NULL.
 * @free: free an object of the cache.  NULL is ignored; anything else that
 *	is not an allocated object of the cache is reported once and ignored.
 *	Any context; irq safe; does not sleep.
 * @alloc_bulk: optional; allocate @nr objects into @p.  Returns @nr or 0
 *	(nothing allocated).  Context as @alloc_node.
 * @free_bulk: optional; free @nr objects from @p.  Context as @free.
 * @object_size: usable size of the object at @obj, or 0 if @obj is not the
 *	start of an object of the cache.  Context: any.
 * @valid: is @obj the start of an object slot of the cache?  Says nothing
 *	about whether the object is allocated.  Context: any.
 * @may_free: optional; may @obj be freed: is it the start of an object
 *	slot that is not known to be free?  A check without locks, before
 *	any layer above writes to the object; @free checks again and reports
 *	what it refuses.  Without it, @valid is asked.  Context: any.
 * @next_free: optional; for a free object @obj, the next object on its
 *	free list, decoded from the free pointer however the allocator
 *	stores it, or NULL at the end of the list.  For layers that check
 *	free lists; the caller keeps the list from changing.  Context: any.
 * @end_free_list: optional; make the free object @obj the last of its
 *	free list, so that the objects after it are not handed out (a layer
 *	that found them damaged leaks them instead).  Context as @next_free.
 * @shrink: give back empty slabs and, when @move is given, move objects out
 *	of sparsely used slabs.  Returns the number of pages given back.
 *	Process context, may sleep.
 * @destroy: destroy the cache.  All objects should have been freed; if some
 *	remain the slabs holding them are leaked with one message, and -EBUSY
 *	is returned.  The caller guarantees that nobody uses the cache any
 *	more.  Context: process context, may sleep.  Returns 0 or -EBUSY.
 * @stats: fill in &struct slab_cache_stats.  Context: may sleep.
 * @release: optional; free a derived allocator after its last reference is
 *	gone; the framework then puts its base.  Context: may sleep.
 */
struct slab_allocator_ops {
	struct slab_cache *(*create)(struct slab_allocator *sa,
				     struct page_allocator *pa,
				     const char *name, unsigned int size,
				     const struct slab_cache_args *args);
	void *(*alloc)(struct slab_cache *c, gfp_t gfp);
	void *(*alloc_node)(struct slab_cache *c, gfp_t gfp, int node);
	void (*free)(struct slab_cache *c, void *obj);
	int (*alloc_bulk)(struct slab_cache *c, gfp_t gfp, size_t nr, void **p);
	void (*free_bulk)(struct slab_cache *c, size_t nr, void **p);
	size_t (*object_size)(struct slab_cache *c, const void *obj);
	bool (*valid)(struct slab_cache *c, const void *obj);
	bool (*may_free)(struct slab_cache *c, const void *obj);
	void *(*next_free)(struct slab_cache *c, void *obj);
	void (*end_free_list)(struct slab_cache *c, void *obj);
	unsigned long (*shrink)(struct slab_cache *c, slab_move_fn move,
				void *private);
	int (*destroy)(struct slab_cache *c);
	void (*stats)(struct slab_cache *c, struct slab_cache_stats *st);
	void (*release)(struct slab_allocator *sa);
};

/**
 * enum slab_allocator_traits - properties of a slab allocator chain
 * @SLAB_ALLOCATOR_DEBUG: the chain checks objects (debug deriver).
 * @SLAB_ALLOCATOR_CTOR: the chain constructs objects per slab.
 *
 * Inherited from the base like &enum page_allocator_traits.
 */
enum slab_allocator_traits {
	SLAB_ALLOCATOR_DEBUG	= 1U << 0,
	SLAB_ALLOCATOR_CTOR	= 1U << 1,
};

/**
 * struct slab_allocator - a slab allocator instance
 * @ops: its method table.
 * @name: short name of this layer.
 * @base: the allocator this one derives from, with a reference held; NULL
 *	for the slabifier.
 * @ref: reference count; see slab_allocator_get() and slab_allocator_put().
 * @traits: &enum slab_allocator_traits of the chain.
 */
struct slab_allocator {
	const struct slab_allocator_ops	*ops;
	const char			*name;
	struct slab_allocator		*base;
	struct kref			ref;
	unsigned int			traits;
};

/**
 * enum slab_cache_flags - how calls on a cache are dispatched
 * @SLAB_CACHE_DIRECT: the chain is the plain slabifier: the slab_cache_*()
 *	helpers call it directly, without going through @ops.
 * @SLAB_CACHE_DEAD: destroyed with live objects; kept so that their frees
 *	still work.
 */
enum slab_cache_flags {
	SLAB_CACHE_DIRECT	= 1U << 0,
	SLAB_CACHE_DEAD		= 1U << 1,
};

/**
 * struct slab_cache - a cache of objects of one size: the handle users hold
 * @flags: &enum slab_cache_flags, set once at creation (DEAD at destroy).
 * @ops: the methods calls are dispatched to when %SLAB_CACHE_DIRECT is
 *	clear, resolved when the cache was created.
 * @allocator: the slab allocator chain that created the cache (reference
 *	held).
 * @page_allocator: where its slabs come from (reference held).
 * @owner: the handle users see; differs from the cache itself when a
 *	deriver wraps this cache in one of its own (see slab_cache_set_owner()).
 * @name: name of the cache; the string must outlive it.
 * @object_size: usable size of an object.
 * @size: stride of objects in a slab.
 * @align: alignment of objects.
 * @left_pad: bytes between the start of an object's slot (a multiple of
 *	@size from the start of the slab) and the pointer users hold; a
 *	deriver that puts metadata before objects sets it.
 *
 * Users treat all fields as read-only.  Allocators embed the handle in
 * their own per-cache structure.
 */
struct slab_cache {
	unsigned int			flags;
	const struct slab_allocator_ops	*ops;
	struct slab_allocator		*allocator;
	struct page_allocator		*page_allocator;
	struct slab_cache		*owner;
	const char			*name;
	unsigned int			object_size;
	unsigned int			size;
	unsigned int			align;
	unsigned int			left_pad;
};

void slab_allocator_init(struct slab_allocator *sa,
			 const struct slab_allocator_ops *ops,
			 const char *name, struct slab_allocator *base);
struct slab_allocator *slab_allocator_get(struct slab_allocator *sa);
void slab_allocator_put(struct slab_allocator *sa);
struct slab_allocator *slabifier_allocator(void);

struct slab_cache *slab_cache_create(struct slab_allocator *sa,
				     struct page_allocator *pa,
				     const char *name, unsigned int size,
				     const struct slab_cache_args *args);
void slab_cache_adopt(struct slab_cache *c, struct slab_allocator *sa);
int slab_cache_alloc_bulk_generic(struct slab_cache *c, gfp_t gfp, size_t nr,
				  void **p);
void slab_cache_free_bulk_generic(struct slab_cache *c, size_t nr, void **p);

/* The slabifier, called directly by the helpers for %SLAB_CACHE_DIRECT. */
void *slabifier_alloc(struct slab_cache *c, gfp_t gfp);
void *slabifier_alloc_node(struct slab_cache *c, gfp_t gfp, int node);
void slabifier_free(struct slab_cache *c, void *obj);
int slabifier_alloc_bulk(struct slab_cache *c, gfp_t gfp, size_t nr, void **p);
void slabifier_free_bulk(struct slab_cache *c, size_t nr, void **p);
size_t slabifier_object_size(struct slab_cache *c, const void *obj);
bool slabifier_valid(struct slab_cache *c, const void *obj);
bool slabifier_may_free(struct slab_cache *c, const void *obj);
struct slab_cache *slabifier_cache_of(const void *obj);

/**
 * slab_cache_set_owner() - name the handle users see for a wrapped cache
 * @c: the inner cache, created by a base allocator.
 * @owner: the deriver's handle wrapping it.
 *
 * slabifier_cache_of() then answers @owner for objects of @c.
 */
static inline void slab_cache_set_owner(struct slab_cache *c,
					struct slab_cache *owner)
{
	WRITE_ONCE(c->owner, owner);
}

/**
 * slab_cache_alloc_node() - allocate an object, preferably on a node
 * @c: the cache.
 * @gfp: gfp flags.
 * @node: the node, or %NUMA_NO_NODE.
 *
 * Context: as @gfp allows; irq safe.
 * Return: the object or NULL.
 */
static __always_inline void *slab_cache_alloc_node(struct slab_cache *c,
						   gfp_t gfp, int node)
{
	might_alloc(gfp);
	if (likely(c->flags & SLAB_CACHE_DIRECT))
		return slabifier_alloc_node(c, gfp, node);
	return c->ops->alloc_node(c, gfp, node);
}

/**
 * slab_cache_alloc() - allocate an object
 * @c: the cache.
 * @gfp: gfp flags.
 *
 * Context: as @gfp allows; irq safe.
 * Return: the object or NULL.
 */
static __always_inline void *slab_cache_alloc(struct slab_cache *c, gfp_t gfp)
{
	might_alloc(gfp);
	if (likely(c->flags & SLAB_CACHE_DIRECT))
		return slabifier_alloc(c, gfp);
	if (c->ops->alloc)
		return c->ops->alloc(c, gfp);
	return c->ops->alloc_node(c, gfp, NUMA_NO_NODE);
}

/**
 * slab_cache_free() - free an object
 * @c: the cache it was allocated from.
 * @obj: the object; NULL is ignored.
 *
 * Context: any; does not sleep.
 */
static __always_inline void slab_cache_free(struct slab_cache *c, void *obj)
{
	if (likely(c->flags & SLAB_CACHE_DIRECT))
		slabifier_free(c, obj);
	else
		c->ops->free(c, obj);
}

/**
 * slab_cache_alloc_bulk() - allocate several objects
 * @c: the cache.
 * @gfp: gfp flags.
 * @nr: number of objects.
 * @p: array receiving them.
 *
 * Context: as @gfp allows.
 * Return: @nr on success, 0 (and nothing allocated) on failure.
 */
static inline int slab_cache_alloc_bulk(struct slab_cache *c, gfp_t gfp,
					size_t nr, void **p)
{
	if (likely(c->flags & SLAB_CACHE_DIRECT))
		return slabifier_alloc_bulk(c, gfp, nr, p);
	if (c->ops->alloc_bulk)
		return c->ops->alloc_bulk(c, gfp, nr, p);
	return slab_cache_alloc_bulk_generic(c, gfp, nr, p);
}

/**
 * slab_cache_free_bulk() - free several objects
 * @c: the cache.
 * @nr: number of objects.
 * @p: the objects; NULL entries are ignored.
 *
 * Context: any; does not sleep.
 */
static inline void slab_cache_free_bulk(struct slab_cache *c, size_t nr,
					void **p)
{
	if (likely(c->flags & SLAB_CACHE_DIRECT))
		slabifier_free_bulk(c, nr, p);
	else if (c->ops->free_bulk)
		c->ops->free_bulk(c, nr, p);
	else
		slab_cache_free_bulk_generic(c, nr, p);
}

/**
 * slab_cache_object_size() - usable size of an object
 * @c: the cache.
 * @obj: the object.
 *
 * Context: any.
 * Return: the size, or 0 if @obj is not the start of an object of @c.
 */
static inline size_t slab_cache_object_size(struct slab_cache *c,
					    const void *obj)
{
	if (likely(c->flags & SLAB_CACHE_DIRECT))
		return slabifier_object_size(c, obj);
	return c->ops->object_size(c, obj);
}

/**
 * slab_cache_valid() - is a pointer the start of an object slot of a cache
 * @c: the cache.
 * @obj: the pointer.
 *
 * Context: any.
 * Return: true if @obj is the start of an object of @c, allocated or not.
 */
static inline bool slab_cache_valid(struct slab_cache *c, const void *obj)
{
	if (likely(c->flags & SLAB_CACHE_DIRECT))
		return slabifier_valid(c, obj);
	return c->ops->valid(c, obj);
}

/**
 * slab_cache_may_free() - may a pointer be freed to a cache
 * @c: the cache.
 * @obj: the pointer.
 *
 * For layers that write to an object before they free it: a false answer
 * means that the free is to be refused, by slab_cache_free(), which
 * reports it.  A true one does not mean that slab_cache_free() cannot
 * refuse it still (a double free the check could not see).
 *
 * Context: any.
 * Return: true if @obj is the start of an object of @c not known to be free.
 */
static inline bool slab_cache_may_free(struct slab_cache *c, const void *obj)
{
	if (likely(c->flags & SLAB_CACHE_DIRECT))
		return slabifier_may_free(c, obj);
	if (c->ops->may_free)
		return c->ops->may_free(c, obj);
	return c->ops->valid(c, obj);
}

/**
 * slab_cache_next_free() - the object a free object's free pointer links to
 * @c: the cache.
 * @obj: a free object of @c.
 *
 * For layers that check the free lists of their base; the caller keeps the
 * free list of @obj from changing.
 *
 * Context: any.
 * Return: the next free object, or NULL at the end of the list or if the
 * allocator of @c does not tell.
 */
static inline void *slab_cache_next_free(struct slab_cache *c, void *obj)
{
	return c->ops->next_free ? c->ops->next_free(c, obj) : NULL;
}

/**
 * slab_cache_end_free_list() - end a free list at a free object
 * @c: the cache.
 * @obj: a free object of @c.
 *
 * The objects that followed @obj on its free list are leaked.  Does
 * nothing if the allocator of @c does not support it.
 *
 * Context: as slab_cache_next_free().
 */
static inline void slab_cache_end_free_list(struct slab_cache *c, void *obj)
{
	if (c->ops->end_free_list)
		c->ops->end_free_list(c, obj);
}

/**
 * slab_cache_shrink() - give back free memory, optionally moving objects
 * @c: the cache.
 * @move: the client's move callback, or NULL.
 * @private: cookie passed to @move.
 *
 * Context: process context, may sleep.
 * Return: pages given back to the page allocator.
 */
static inline unsigned long slab_cache_shrink(struct slab_cache *c,
					      slab_move_fn move, void *private)
{
	return c->ops->shrink(c, move, private);
}

/**
 * slab_cache_stats() - read a cache's statistics
 * @c: the cache.
 * @st: filled in.
 *
 * Context: may sleep.
 */
static inline void slab_cache_stats(struct slab_cache *c,
				    struct slab_cache_stats *st)
{
	c->ops->stats(c, st);
}

/**
 * slab_cache_destroy() - destroy a cache and release its chain references
 * @c: the cache; NULL or an ERR_PTR() is ignored.
 *
 * Context: process context, may sleep.
 * Return: 0, or -EBUSY if objects were still allocated (their slabs are
 * leaked, with one message).
 */
static inline int slab_cache_destroy(struct slab_cache *c)
{
	if (IS_ERR_OR_NULL(c))
		return 0;
	return c->ops->destroy(c);
}

/**
 * slab_cache_left_pad() - where objects start in their slots
 * @c: the cache.
 *
 * Context: any.
 * Return: the offset of the pointer users hold from the start of its slot.
 */
static inline unsigned int slab_cache_left_pad(const struct slab_cache *c)
{
	return c->left_pad;
}

#ifdef CONFIG_MODSLAB
struct kmem_cache;

/**
 * typedef kmem_cache_move_fn - move an object of a kmem_cache elsewhere
 * @s: the cache.
 * @old: an allocated object in a sparsely used slab.
 * @new: a free object of @s in a fuller slab, constructed if @s has a
 *	constructor.
 *
 * The client checks under its own locking whether @old is still in use;
 * if so it copies it to @new, points every reference at @new, and answers
 * %SLAB_MOVE_YES: the allocator then frees @old.  Other answers leave @old
 * where it is and free @new: %SLAB_MOVE_NO (never movable), %SLAB_MOVE_LATER
 * (busy now), %SLAB_MOVE_DONT_NEED (the client frees @old itself, or has),
 * %SLAB_MOVE_DONT_KNOW (not an object the client knows, e.g. being freed).
 *
 * Context: process context, may sleep, no allocator lock held: in the
 * caller of kmem_cache_shrink(), or in a work item that the allocator's
 * shrinker queues (never in the thread that reclaims memory, so the client
 * may take the locks it holds while it allocates).  @old may be freed by
 * the client meanwhile: it is then still handed over, and the answer is
 * %SLAB_MOVE_DONT_KNOW.  kmem_cache_destroy() waits for a move of the
 * shrinker's in progress: the callback must not wait for a lock held
 * across kmem_cache_destroy() of its cache.
 * Return: an &enum slab_move_result.
 */
typedef enum slab_move_result (*kmem_cache_move_fn)(struct kmem_cache *s,
						    void *old, void *new);

int kmem_cache_set_move(struct kmem_cache *s, kmem_cache_move_fn move);
#endif

#endif /* _LINUX_ALLOCATOR_H */
