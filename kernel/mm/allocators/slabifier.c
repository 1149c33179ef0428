// SPDX-License-Identifier: GPL-2.0
/*
 * The slabifier: the core slab allocator of the modslab framework.
 *
 * Theory statement
 * ================
 *
 * 1. Layers.  A cache gets naturally aligned blocks of 2^order pages from
 *    a page allocator (its own chain, see page.c) and carves each block, a
 *    slab, into objects of one size.  The slabifier knows nothing of the
 *    layers above it (kmem_cache emulation, kmalloc): it serves &struct
 *    slab_cache handles.  Derivers that work per slab install hooks that
 *    run when a slab is made and before it is given back (struct
 *    slab_hook_ops); nothing of theirs runs per object.
 *
 * 2. Slabs.  All metadata lives in the struct page of the slab's first
 *    page (struct mslab in internal.h, at the word positions of struct
 *    slab): the cache, the partial list link, the free list and the
 *    counters (inuse, objects, frozen).  There is no header inside the
 *    slab, so objects start at the slab's first byte and are naturally
 *    aligned: a 128 byte object is 128 byte aligned and 32 of them fill a
 *    4 KiB page.  Free objects are linked through a free pointer stored in
 *    the object (in its middle), or after it when free objects must keep
 *    their contents (constructors, RCU readers).
 *
 * 3. Object states.  An object is either
 *	allocated:	handed out; the slab's inuse counts it;
 *	cpu free:	on the private free list of the CPU whose active slab
 *			holds it (struct sf_cpu.freelist);
 *	slab free:	on the free list in the slab's struct page.
 *    A slab is
 *	active (frozen): some CPU allocates from it.  Its page free list
 *			collects remote frees; inuse == objects.
 *	partial:	on its node's partial list; has free objects.
 *	full:		on no list at all (there are no full lists): the
 *			next free of one of its objects puts it back on the
 *			partial list.
 *	empty:		a partial slab with inuse == 0.  Each node keeps a
 *			few (min_partial); others go back to the page
 *			allocator at once.  No reaper ever scans caches.
 *
 * 4. How a call flows.  Allocation takes the CPU's lock, pops the first
 *    object of the CPU free list and drops the lock: no atomic operation,
 *    no indirect call (the dispatch helpers in <linux/allocator.h> call the
 *    slabifier directly for a plain chain, and the kmem_cache layer inlines
 *    the fast paths of slabifier.h).  When the list is empty the
 *    slow path takes the remote frees of the active slab in one double
 *    word update, or else replaces the active slab by a partial slab of
 *    the node, or else by a new slab, made with the CPU lock dropped.
 *    A free into the CPU's active slab pushes onto the CPU free list.  A
 *    free into any other slab is a "remote" free: one double word update
 *    of that slab's free list and counters, lock free unless the slab
 *    changes lists (full to partial, partial to empty), which takes the
 *    node's list lock.  Producer/consumer patterns thus cost one cmpxchg
 *    per remote free and a list lock once per slab.
 *
 * 5. Why a local lock and not a transaction id.  SLUB's fast path updates
 *    the CPU free list with this_cpu_cmpxchg of (freelist, tid): it never
 *    disables interrupts, but it must read the next free pointer of an
 *    object it does not own yet (which may be freed and reused under it,
 *    hence the tid and the nofault reads) and it needs a separate slow
 *    path under local_lock anyway.  The slabifier uses local_lock_irqsave
 *    for both: on !PREEMPT_RT this is pushf; cli and a test and sti, as many
 *    instructions as the unlocked cmpxchg16b with its operands and about
 *    as many cycles (Documentation/mm/modslab.rst §6), with no speculative
 *    reads, no ABA reasoning, one code path for fast and slow, and bulk
 *    operations under one lock hold; on PREEMPT_RT it is a per-CPU lock,
 *    as required there.
 *    Correctness first; the fast path is two small functions that a tid
 *    variant could replace without touching the rest.
 *
 * 6. One-object slabs.  When a slab holds a single object there is
 *    nothing to manage: the slab is allocated or empty.  Such caches skip
 *    the per-CPU layer and free lists altogether and use the node list
 *    (of empty slabs) under its lock.
 *
 * 7. Errors.  Freeing NULL does nothing.  Freeing anything that is not the
 *    start of an object of the cache (an error pointer, an address outside
 *    the direct map or outside the framework's slabs, an object of another
 *    cache, an address inside an object) is reported with one message and
 *    ignored.  A double free of the object at the head of a free list (the
 *    common case: free twice in a row) or into an empty slab is detected
 *    on the normal path, reported with one message and ignored, so the
 *    cache keeps working.  The debug deriver catches the rest.  Layers
 *    that write to an object before freeing it ask sf_free_refuses() (or
 *    slabifier_may_free()) first, so that a refused free writes nothing.
 *
 * 8. Lock order.
 *	sf_caches_mutex		(cache list: create, destroy, CPU hotplug)
 *	  sf_cpu.lock		(local_lock, per cache and CPU)
 *	    sf_node.list_lock	(spinlock, per cache and node)
 *	      slab lock		(PG_locked bit; only without double cmpxchg)
 *    The shrinker takes sf_flush_mutex and waits for a work item on each
 *    CPU; it never takes the CPU hotplug lock, which its callers may hold.
 *    Hooks and page allocators are called with none of these held.
 *
 * 9. CPU hotplug.  A dynamic state in the prepare section runs after a CPU
 *    is dead, on a live CPU, and gives the dead CPU's active slabs back to
 *    their partial lists.
 *
 * 10. No reaper; an idle flusher.  Nothing scans all caches periodically.
 *    Each cache has a deferrable delayed work item, armed by the slow path
 *    when it is not armed already (one bit test per slow path, and a
 *    per-CPU time stamp), through an irq_work: the slow path never takes a
 *    timer lock itself.  It fires flush_interval seconds later: if a CPU
 *    took the slow path less than flush_interval ago, the cache is busy and
 *    the flusher looks again when that much time will have passed since
 *    the last call; otherwise it flushes the per-CPU slabs of the cache, so
 *    that their objects can be used by other CPUs, gives back every empty
 *    slab (the min_partial kept on the node lists serve a busy cache, not
 *    an idle one), and stops.  A cache nobody uses thus costs no timer and
 *    no work at all; a cache used once is flushed one interval later, and
 *    a system that is idle becomes quiescent.  The timer is deferrable: it
 *    does not wake an idle CPU by itself.
 *
 * 11. Moving objects.  slab_cache_shrink() with a move callback empties
 *    sparse slabs (at most a quarter in use): sparse slabs go to the tail
 *    of the partial lists, and each in turn is frozen and its objects are
 *    offered to the client, one by one, with a new place taken from the
 *    CPU slab or the fullest partial slabs, never from a new slab.  The
 *    client answers as with illumos' kmem_cache_set_move(): yes (it moved
 *    the object), no, later, or don't know/need; an object that stays
 *    keeps its slab.  Emptied slabs are freed as the slab is deactivated.
 *
 * 12. Hardening.  With CONFIG_SLAB_FREELIST_HARDENED a free pointer is
 *    stored xored with a secret of the cache and the byte-swapped address
 *    of its own location, as SLUB stores it: a chosen pointer written into
 *    a free object (a use after free, an overflow from the neighbour) does
 *    not steer the allocations that follow, and a leaked stored value
 *    gives away neither the pointer nor the secret.  With
 *    CONFIG_SLAB_FREELIST_RANDOM the free list of a new slab follows a
 *    random permutation of the object indices, drawn once per cache and
 *    entered at a random place per slab, so that which objects neighbour
 *    each other cannot be predicted.  Neither costs more per object than
 *    the two xors.
 */

#define pr_fmt(fmt) "modslab: " fmt

#include <linux/allocator.h>
#include <linux/bitmap.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/list.h>
#include <linux/local_lock.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/random.h>
#include <linux/ratelimit.h>
#include <linux/reciprocal_div.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/swab.h>
#include <linux/timer.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>
#include <kunit/visibility.h>

#include "internal.h"
#include "slabifier.h"
#include "slab_race.h"

#ifdef MODULE_PARAM_PREFIX
#undef MODULE_PARAM_PREFIX
#endif
#define MODULE_PARAM_PREFIX "modslab."

/* Slabs larger than this are not made at all. */
#define SF_MAX_SLAB_SIZE	(PAGE_SIZE << MAX_PAGE_ORDER)
#define SF_MAX_MIN_PARTIAL	64

/* Flags the slabifier understands itself. */
#define SF_FLAGS	(SLAB_HWCACHE_ALIGN | SLAB_RECLAIM_ACCOUNT |	\
			 SLAB_NO_MERGE | SLAB_PANIC | SLAB_TYPESAFE_BY_RCU)

/**
 * struct sf_node - a node's slabs of a cache
 * @list_lock: protects @partial and @nr_partial, and list membership
 *	changes of the node's unfrozen slabs.
 * @nr_partial: slabs on @partial.
 * @partial: slabs with free objects not owned by a CPU.
 * @nr_slabs: all slabs of the cache on this node.
 * @total_objects: objects in those slabs.
 * @nr_pages: pages of those slabs.
 */
struct sf_node {
	spinlock_t		list_lock;	/* see above */
	unsigned long		nr_partial;
	struct list_head	partial;
	atomic_long_t		nr_slabs;
	atomic_long_t		total_objects;
	atomic_long_t		nr_pages;
};

static LIST_HEAD(sf_caches);
static DEFINE_MUTEX(sf_caches_mutex);

/*
 * Parameters.  They apply to caches created after they are set, except
 * flush_interval, which applies from the next time a flusher is armed.
 */
static unsigned int sf_min_objects;	/* 0: by the number of CPUs */
static unsigned int sf_min_order;
static unsigned int sf_max_order = PAGE_ALLOC_COSTLY_ORDER;
static unsigned int sf_min_partial = 5;
static unsigned int sf_flush_interval = 10;	/* seconds; 0: never */

#define SF_MAX_FLUSH_INTERVAL	3600

/* Per-CPU flush work; NULL until the workqueues exist. */
static struct workqueue_struct *sf_flush_wq;
/*
 * The idle flushers of all caches, one at a time: flushers that expire
 * together must not make the workqueue spawn a worker each, whose
 * allocations would arm flushers again.
 */
static struct workqueue_struct *sf_flusher_wq;

/* Set one of the parameters above, within its bounds. */
static int sf_param_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v, lo = 0, hi = SF_MAX_MIN_PARTIAL;

	if (kp->arg == &sf_min_objects) {
		hi = MSLAB_MAX_OBJECTS;
	} else if (kp->arg == &sf_min_order) {
		hi = READ_ONCE(sf_max_order);
	} else if (kp->arg == &sf_max_order) {
		lo = READ_ONCE(sf_min_order);
		hi = MAX_PAGE_ORDER;
	} else if (kp->arg == &sf_flush_interval) {
		hi = SF_MAX_FLUSH_INTERVAL;
	}
	if (kstrtouint(val, 0, &v) || v < lo || v > hi) {
		pr_err("%s=%s rejected: must be a number from %u to %u\n",
		       kp->name, val, lo, hi);
		return -EINVAL;
	}
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static const struct kernel_param_ops sf_param_ops = {
	.set = sf_param_set,
	.get = param_get_uint,
};

module_param_cb(min_objects, &sf_param_ops, &sf_min_objects, 0644);
MODULE_PARM_DESC(min_objects,
		 "Minimum objects per slab when max_order allows it (0-32767; default 0: 4 * (fls(CPUs) + 1), 8 for reclaimable caches)");
module_param_cb(min_order, &sf_param_ops, &sf_min_order, 0644);
MODULE_PARM_DESC(min_order, "Smallest slab order (0-max_order, default 0)");
module_param_cb(max_order, &sf_param_ops, &sf_max_order, 0644);
MODULE_PARM_DESC(max_order,
		 "Largest order chosen to reach min_objects (min_order-MAX_PAGE_ORDER, default 3); a larger object gets the smallest order that holds it");
module_param_cb(min_partial, &sf_param_ops, &sf_min_partial, 0644);
MODULE_PARM_DESC(min_partial,
		 "Pages of partial slabs a node keeps when they become empty, at least one slab (0-64, default 5)");
module_param_cb(flush_interval, &sf_param_ops, &sf_flush_interval, 0644);
MODULE_PARM_DESC(flush_interval,
		 "Seconds a cache must stay idle before its per-CPU slabs are flushed (0-3600, default 10; 0: never)");

/**
 * slabifier_param_set() - set a parameter by name, for boot options
 * @name: "min_objects", "min_order", "max_order", "min_partial" or
 *	"flush_interval".
 * @val: the value, as text.
 *
 * Context: process context or early boot.
 * Return: 0, or -EINVAL (with one message) for a bad name or value.
 */
int slabifier_param_set(const char *name, const char *val)
{
	static const struct {
		const char *name;
		unsigned int *var;
	} params[] = {
		{ "min_objects", &sf_min_objects },
		{ "min_order", &sf_min_order },
		{ "max_order", &sf_max_order },
		{ "min_partial", &sf_min_partial },
		{ "flush_interval", &sf_flush_interval },
	};
	struct kernel_param kp = { .name = name };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(params); i++) {
		if (!strcmp(name, params[i].name)) {
			kp.arg = params[i].var;
			return sf_param_set(val, &kp);
		}
	}
	pr_err("no parameter %s\n", name);
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(slabifier_param_set);

/**
 * slabifier_param_max_order() - the max_order parameter, for tests
 *
 * Return: the current value.
 */
unsigned int slabifier_param_max_order(void)
{
	return READ_ONCE(sf_max_order);
}
EXPORT_SYMBOL_IF_KUNIT(slabifier_param_max_order);

/**
 * slabifier_param_min_partial() - the min_partial parameter, for tests
 *
 * Return: the current value.
 */
unsigned int slabifier_param_min_partial(void)
{
	return READ_ONCE(sf_min_partial);
}
EXPORT_SYMBOL_IF_KUNIT(slabifier_param_min_partial);

/**
 * slabifier_param_flush_interval() - the flush_interval parameter, for tests
 *
 * Return: the current value, in seconds.
 */
unsigned int slabifier_param_flush_interval(void)
{
	return READ_ONCE(sf_flush_interval);
}
EXPORT_SYMBOL_IF_KUNIT(slabifier_param_flush_interval);

/* The rate limit of the reports (sf_report()), over all caches */
static DEFINE_RATELIMIT_STATE(sf_report_rs, DEFAULT_RATELIMIT_INTERVAL,
			      DEFAULT_RATELIMIT_BURST);

/**
 * slabifier_reports_reset() - let the next reports through, for tests
 *
 * Reports are rate limited over all caches; a test that looks for its own
 * starts a new interval.
 */
void slabifier_reports_reset(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&sf_report_rs.lock, flags);
	sf_report_rs.begin = jiffies;
	sf_report_rs.printed = 0;
	sf_report_rs.missed = 0;
	raw_spin_unlock_irqrestore(&sf_report_rs.lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(slabifier_reports_reset);

/*
 * Small helpers
 */

static inline struct sf_node *sf_node_of(struct sf_cache *sc,
					 struct mslab *slab)
{
	return sc->node[mslab_nid(slab)];
}

static void sf_add_partial(struct sf_node *n, struct mslab *slab)
{
	lockdep_assert_held(&n->list_lock);
	list_add_tail(&slab->slab_list, &n->partial);
	n->nr_partial++;
}

static void sf_remove_partial(struct sf_node *n, struct mslab *slab)
{
	lockdep_assert_held(&n->list_lock);
	list_del(&slab->slab_list);
	n->nr_partial--;
}

static void sf_event(struct sf_cache *sc, struct mslab *slab,
		     struct slab_event *ev)
{
	ev->base = mslab_address(slab);
	ev->objects = sf_read_counters(slab).objects;
	ev->stride = sc->c.size;
	ev->object_size = sc->c.object_size;
	ev->order = folio_order(mslab_folio(slab));
	ev->node = mslab_nid(slab);
}

/*
 * Making and freeing slabs.  No slabifier lock is held here.
 */

static void sf_free_pages(struct sf_cache *sc, struct mslab *slab)
{
	struct folio *folio = mslab_folio(slab);
	unsigned int order = folio_order(folio);

	slab->cache = NULL;
	slab->slab_list.next = NULL;
	slab->slab_list.prev = NULL;	/* folio->mapping */
	slab->freelist = NULL;
	slab->counters = 0;
	if (unlikely(folio_test_active(folio)))
		folio_clear_active(folio);
	/* Make the metadata reset visible before the type goes away */
	smp_wmb();
	mslab_folio_clear(folio);
	mod_node_page_state(folio_pgdat(folio), sc->vmstat,
			    -(long)(PAGE_SIZE << order));
	/*
	 * Nobody can see the slab any more: under a page allocator that frees
	 * after a grace period, sf_discard() waited for one already.
	 */
	page_allocator_free_after_gp(sc->c.page_allocator, folio, order);
}

/*
 * Get the pages of a slab: the cache's order, tried without retrying hard,
 * then the smallest order that holds one object, as SLUB does.
 */
static struct folio *sf_alloc_pages(struct sf_cache *sc, gfp_t gfp, int node)
{
	struct page_allocator *pa = sc->c.page_allocator;
	struct folio *folio;
	gfp_t try;

	gfp |= sc->allocflags;
	if (sc->min_order == sc->order)
		return page_allocator_alloc(pa, gfp, sc->order, node);

	try = (gfp | __GFP_NOWARN | __GFP_NORETRY) & ~__GFP_NOFAIL;
	folio = page_allocator_alloc(pa, try, sc->order, node);
	if (folio)
		return folio;
	return page_allocator_alloc(pa, gfp, sc->min_order, node);
}

#ifdef CONFIG_SLAB_FREELIST_RANDOM
/* Where in the cache's random sequence a new slab's free list starts */
static unsigned int sf_seq_start(struct sf_cache *sc)
{
	return get_random_u32_below(sc->objects);
}

static unsigned int sf_seq_index(struct sf_cache *sc, unsigned int pos)
{
	return sc->random_seq[pos];
}

/*
 * A random permutation of the object indices of a slab (Fisher-Yates), for
 * caches whose slabs hold more than one object.
 */
static int sf_init_random_seq(struct sf_cache *sc)
{
	unsigned int i, j;

	if (sc->single)
		return 0;
	sc->random_seq = kmalloc_array(sc->objects, sizeof(*sc->random_seq),
				       GFP_KERNEL);
	if (!sc->random_seq)
		return -ENOMEM;
	for (i = 0; i < sc->objects; i++)
		sc->random_seq[i] = i;
	for (i = sc->objects - 1; i > 0; i--) {
		j = get_random_u32_below(i + 1);
		swap(sc->random_seq[i], sc->random_seq[j]);
	}
	return 0;
}
#else
static unsigned int sf_seq_start(struct sf_cache *sc)
{
	return 0;
}

static unsigned int sf_seq_index(struct sf_cache *sc, unsigned int pos)
{
	return pos;
}

static int sf_init_random_seq(struct sf_cache *sc)
{
	return 0;
}
#endif

/*
 * Link the objects of a new slab of @objects objects at @base into its free
 * list, in the order of the cache's sequence (§12): address order, or with
 * CONFIG_SLAB_FREELIST_RANDOM a random permutation entered at a random
 * place.  A slab of the smaller order skips the indices it does not have.
 * Returns the head of the list.
 */
static void *sf_link_objects(struct sf_cache *sc, void *base,
			     unsigned int objects)
{
	unsigned int i, idx, pos = sf_seq_start(sc);
	void *head = NULL, *prev = NULL, *p;

	for (i = 0; i < sc->objects; i++) {
		idx = sf_seq_index(sc, pos);
		if (++pos == sc->objects)
			pos = 0;
		if (idx >= objects)
			continue;
		p = base + idx * sc->c.size;
		if (prev)
			sf_set_fp(sc, prev, p);
		else
			head = p;
		prev = p;
	}
	sf_set_fp(sc, prev, NULL);
	return head;
}

static struct mslab *sf_new_slab(struct sf_cache *sc, gfp_t gfp, int node)
{
	unsigned int i, objects;
	struct slab_event ev;
	struct folio *folio;
	struct mslab *slab;
	struct sf_node *n;
	int err;

	gfp &= ~(__GFP_ZERO | __GFP_HIGHMEM | __GFP_MOVABLE);
	folio = sf_alloc_pages(sc, gfp, node);
	if (!folio)
		return NULL;
	objects = folio_order(folio) == sc->order ? sc->objects :
		  sc->min_objects;

	slab = folio_mslab(folio);
	/* Read before slab_list takes the word that says it */
	if (unlikely(folio_is_pfmemalloc(folio)))
		folio_set_active(folio);
	mslab_folio_set(folio, sc->kernel_slab);
	/* Make the type visible before the metadata changes */
	smp_wmb();
	slab->cache = sc->tag;
	INIT_LIST_HEAD(&slab->slab_list);
	slab->freelist = NULL;
	slab->counters = 0;
	slab->objects = objects;
	mod_node_page_state(folio_pgdat(folio), sc->vmstat,
			    PAGE_SIZE << folio_order(folio));

	sf_event(sc, slab, &ev);
	for (i = 0; i < sc->nr_hooks; i++) {
		if (!sc->hooks[i]->ops->slab_made)
			continue;
		err = sc->hooks[i]->ops->slab_made(sc->hooks[i], &sc->c, &ev,
						   gfp);
		if (err)
			goto fail_hook;
	}

	if (!sc->single)
		slab->freelist = sf_link_objects(sc, ev.base, objects);

	n = sf_node_of(sc, slab);
	atomic_long_inc(&n->nr_slabs);
	atomic_long_add(objects, &n->total_objects);
	atomic_long_add(1L << folio_order(folio), &n->nr_pages);
	return slab;

fail_hook:
	while (i--) {
		if (sc->hooks[i]->ops->slab_freeing)
			sc->hooks[i]->ops->slab_freeing(sc->hooks[i], &sc->c,
							&ev);
	}
	sf_free_pages(sc, slab);
	return NULL;
}

/* The hooks, then the pages: a slab goes back to its page allocator. */
static void sf_release(struct sf_cache *sc, struct mslab *slab)
{
	struct slab_event ev;
	unsigned int i;

	if (sc->nr_hooks) {
		sf_event(sc, slab, &ev);
		for (i = sc->nr_hooks; i--; ) {
			if (sc->hooks[i]->ops->slab_freeing)
				sc->hooks[i]->ops->slab_freeing(sc->hooks[i],
								&sc->c, &ev);
		}
	}
	sf_free_pages(sc, slab);
}

static void sf_release_rcu(struct rcu_head *head)
{
	struct mslab *slab = container_of(head, struct mslab, rcu_head);

	/* The free list word holds the cache: see sf_discard() */
	sf_release(slab->freelist, slab);
}

/*
 * An empty slab leaves the cache: it no longer counts in the cache's
 * statistics.  Under a page allocator that frees after a grace period
 * (SLAB_TYPESAFE_BY_RCU) a reader may still look at its objects, so the
 * slab stays a slab of the cache, with its object extensions and in the
 * node's slab counters, until the grace period ends, as under SLUB;
 * slabifier_destroy() waits for these.  The cache rides in the free list
 * word, which nothing reads any more.
 */
static void sf_discard(struct sf_cache *sc, struct mslab *slab)
{
	struct sf_node *n = sf_node_of(sc, slab);

	atomic_long_dec(&n->nr_slabs);
	atomic_long_sub(sf_read_counters(slab).objects, &n->total_objects);
	atomic_long_sub(1L << folio_order(mslab_folio(slab)), &n->nr_pages);
	if (sc->c.page_allocator->traits & PAGE_ALLOCATOR_RCU) {
		slab->freelist = sc;
		call_rcu(&slab->rcu_head, sf_release_rcu);
		return;
	}
	sf_release(sc, slab);
}

static void sf_discard_list(struct sf_cache *sc, struct list_head *discard)
{
	struct mslab *slab, *tmp;

	list_for_each_entry_safe(slab, tmp, discard, slab_list)
		sf_discard(sc, slab);
}

/*
 * Slab state changes (§3).  Free list and counters change together, with
 * mslab_update(); the caller holds either the CPU lock or a list lock, so
 * interrupts are off where the fallback lock needs them off.
 */

/* What sf_take_all() does to the slab's frozen bit */
enum sf_take {
	SF_TAKE_KEEP,		/* a partial slab stays unfrozen */
	SF_TAKE_FREEZE,		/* partial -> active */
	SF_TAKE_FREEZE_IF_ANY,	/* active stays active, or becomes full */
};

/*
 * Take the whole free list of @slab and count all its objects in use, in
 * one update, changing the frozen bit as @how says, unless the list holds
 * more than @max objects: then take nothing and return NULL.  The limit is
 * checked against the counters the update replaces, so a remote free after
 * the check makes the update fail and the check run again.  The number of
 * objects taken goes to *@taken when asked for.  A constant @how and a
 * @max of UINT_MAX fold the tests away.
 */
static __always_inline void *sf_take_all(struct sf_cache *sc,
					 struct mslab *slab, enum sf_take how,
					 unsigned int max, unsigned int *taken)
{
	union sf_counters old, new;
	void *fl;

	do {
		fl = READ_ONCE(slab->freelist);
		old = sf_read_counters(slab);
		if ((unsigned int)(old.objects - old.inuse) > max)
			return NULL;
		new = old;
		new.inuse = old.objects;
		if (how == SF_TAKE_FREEZE)
			new.frozen = 1;
		else if (how == SF_TAKE_FREEZE_IF_ANY)
			new.frozen = !!fl;
		slab_race_window(how == SF_TAKE_KEEP ? SLAB_RACE_BULK_TAKE :
				 SLAB_RACE_TAKE_ALL, &sc->c, mslab_folio(slab));
	} while (!mslab_update(slab, fl, old.counters, NULL, new.counters));
	if (taken)
		*taken = old.objects - old.inuse;
	return fl;
}

/* partial -> active: take the slab's free list.  Under the list lock. */
static void *sf_freeze(struct sf_cache *sc, struct mslab *slab)
{
	return sf_take_all(sc, slab, SF_TAKE_FREEZE, UINT_MAX, NULL);
}

/*
 * Active slab: take the objects freed remotely.  If there are none the
 * slab is full and is unfrozen in the same update; it then sits on no list
 * until one of its objects is freed.
 */
static void *sf_take_remote(struct sf_cache *sc, struct mslab *slab)
{
	return sf_take_all(sc, slab, SF_TAKE_FREEZE_IF_ANY, UINT_MAX, NULL);
}

/*
 * active -> partial, full or empty: give back a CPU free list and unfreeze.
 * Slabs to be given back to the page allocator are put on @discard, for
 * the caller to free once it holds no lock.
 */
static void sf_deactivate(struct sf_cache *sc, struct mslab *slab,
			  void *cpu_fl, struct list_head *discard)
{
	struct sf_node *n = sf_node_of(sc, slab);
	union sf_counters old, new;
	unsigned int nr = 0;
	unsigned long flags;
	void *tail = NULL;
	void *p, *fl;

	/*
	 * The walk below is not for interrupts off: never under the CPU lock.
	 * Any CPU's lock will do to ask, and this may be preemptible.
	 */
	lockdep_assert_not_held(raw_cpu_ptr(&sc->cpu->lock));

	for (p = cpu_fl; p; p = sf_get_fp(sc, p)) {
		tail = p;
		nr++;
	}

	spin_lock_irqsave(&n->list_lock, flags);
	do {
		fl = READ_ONCE(slab->freelist);
		old = sf_read_counters(slab);
		new = old;
		new.frozen = 0;
		new.inuse -= nr;
		if (tail)
			sf_set_fp(sc, tail, fl);
		slab_race_window(SLAB_RACE_DEACTIVATE, &sc->c,
				 mslab_folio(slab));
	} while (!mslab_update(slab, fl, old.counters, tail ? cpu_fl : fl,
			       new.counters));

	if (!new.inuse && n->nr_partial >= sc->min_partial)
		list_add(&slab->slab_list, discard);
	else if (tail || fl)
		sf_add_partial(n, slab);
	spin_unlock_irqrestore(&n->list_lock, flags);
}

/*
 * A slab made of the page allocator's emergency reserves (pfmemalloc,
 * PG_active as under SLUB) serves callers allowed to use them: a new one
 * gives them one object and goes to the partial list, and only such
 * callers take it from there (it is then their CPU's slab, as under SLUB).
 */
static inline bool sf_pfmemalloc(struct mslab *slab)
{
	return folio_test_active(mslab_folio(slab));
}

/* The first partial slab of @n a caller with @gfp may use; list locked */
static struct mslab *sf_first_partial(struct sf_node *n, gfp_t gfp)
{
	struct mslab *slab;

	list_for_each_entry(slab, &n->partial, slab_list) {
		if (likely(!sf_pfmemalloc(slab)) ||
		    gfp_pfmemalloc_allowed(gfp))
			return slab;
	}
	return NULL;
}

static struct mslab *sf_get_partial_node(struct sf_cache *sc,
					 struct sf_node *n, gfp_t gfp,
					 void **fl)
{
	struct mslab *slab;
	unsigned long flags;

	if (!n || !READ_ONCE(n->nr_partial))
		return NULL;

	spin_lock_irqsave(&n->list_lock, flags);
	slab = sf_first_partial(n, gfp);
	if (slab) {
		sf_remove_partial(n, slab);
		*fl = sf_freeze(sc, slab);
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	return slab;
}

static struct mslab *sf_get_partial(struct sf_cache *sc, int node, gfp_t gfp,
				    void **fl)
{
	int nid = node == NUMA_NO_NODE ? numa_mem_id() : node;
	struct mslab *slab;
	int other;

	slab = sf_get_partial_node(sc, sc->node[nid], gfp, fl);
	if (slab || node != NUMA_NO_NODE)
		return slab;

	for_each_node_state(other, N_NORMAL_MEMORY) {
		if (other == nid)
			continue;
		slab = sf_get_partial_node(sc, sc->node[other], gfp, fl);
		if (slab)
			return slab;
	}
	return NULL;
}

/*
 * Reporting (§7).  One message per event, rate limited, and a counter the
 * statistics (and the tests) see.
 *
 * The message goes to the consoles later, from an irq_work
 * (printk_deferred_enter()): a free may report while it holds this CPU's
 * lock or a node's list lock, and those are taken under the scheduler's
 * and the timers' locks too (the debug-objects pool refills itself under
 * a timer base lock).  Printed there, the console's locks would nest
 * inside them, and a console driver that wakes a task under its port
 * lock closes the circle.
 */
static void sf_report(struct sf_cache *sc, atomic_long_t *counter,
		      const char *what, const void *obj, const char *why,
		      unsigned long ip)
{
	atomic_long_inc(counter);
	if (!__ratelimit(&sf_report_rs))
		return;
	preempt_disable();
	printk_deferred_enter();
	pr_err("cache %s: %s %p (%s) from %pS; ignored\n",
	       sc->c.name, what, obj, why, (void *)ip);
	printk_deferred_exit();
	preempt_enable();
}

void slabifier_report_double_free(struct sf_cache *sc, const void *obj,
				  unsigned long ip)
{
	sf_report(sc, &sc->double_frees, "double free of object", obj,
		  "already free", ip);
}

/*
 * Find the slab of @obj and check that @obj is the start of an object of
 * @sc.  Returns NULL with a reason otherwise.
 */
static struct mslab *sf_lookup(struct sf_cache *sc, const void *obj,
			       const char **why)
{
	struct folio *folio;

	if (IS_ERR(obj)) {
		*why = "an error pointer";
		return NULL;
	}
	if (!virt_addr_valid(obj)) {
		*why = "not in the direct map";
		return NULL;
	}
	folio = virt_to_folio(obj);
	*why = sf_folio_refuses(sc, folio, obj);
	return *why ? NULL : folio_mslab(folio);
}

/*
 * One-object slabs (§6)
 */

void *slabifier_alloc_single(struct sf_cache *sc, gfp_t gfp, int node)
{
	int nid = node == NUMA_NO_NODE ? numa_mem_id() : node;
	struct sf_node *n = sc->node[nid];
	struct mslab *slab = NULL;
	unsigned long flags;

	if (n && READ_ONCE(n->nr_partial)) {
		spin_lock_irqsave(&n->list_lock, flags);
		slab = sf_first_partial(n, gfp);
		if (slab) {
			sf_remove_partial(n, slab);
			slab->inuse = 1;
		}
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	if (!slab) {
		slab = sf_new_slab(sc, gfp, node);
		if (!slab)
			return NULL;
		slab->inuse = 1;
	}
	return mslab_address(slab);
}

void slabifier_free_single(struct sf_cache *sc, struct mslab *slab,
			   void *obj, unsigned long ip)
{
	struct sf_node *n = sf_node_of(sc, slab);
	unsigned long flags;

	spin_lock_irqsave(&n->list_lock, flags);
	if (unlikely(!slab->inuse)) {
		spin_unlock_irqrestore(&n->list_lock, flags);
		slabifier_report_double_free(sc, obj, ip);
		return;
	}
	slab->inuse = 0;
	if (n->nr_partial < sc->min_partial) {
		sf_add_partial(n, slab);
		slab = NULL;
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	if (slab)
		sf_discard(sc, slab);
}

/*
 * The idle flusher (§10)
 */

static unsigned long sf_flush_delay(void)
{
	return round_jiffies_relative(READ_ONCE(sf_flush_interval) * HZ);
}

/*
 * Jiffies since the last slow path call of any CPU.  A CPU that stamps its
 * call while this runs counts as just now.
 */
static unsigned long sf_idle_for(struct sf_cache *sc)
{
	unsigned long now = jiffies, idle = ULONG_MAX, d;
	int cpu;

	for_each_possible_cpu(cpu) {
		d = now - READ_ONCE(per_cpu_ptr(sc->cpu, cpu)->slow_at);
		idle = min(idle, (long)d < 0 ? 0 : d);
	}
	return idle;
}

static void sf_flusher_arm_fn(struct irq_work *work)
{
	struct sf_cache *sc = container_of(work, struct sf_cache, flusher_arm);

	queue_delayed_work(sf_flusher_wq, &sc->flusher, sf_flush_delay());
}

/*
 * Queue the cache's flusher unless it is queued or flushing is off.  Not
 * here but from an irq_work: queueing a delayed work takes this CPU's
 * timer base lock, which the caller may hold already (the debug objects
 * of timers refill their pool from under it).
 */
static noinline void sf_arm_flusher(struct sf_cache *sc)
{
	/* Before the workqueues exist, the next slow path arms it */
	if (!READ_ONCE(sf_flush_interval) || !sf_flusher_wq)
		return;
	if (test_and_set_bit(0, &sc->flusher_armed))
		return;
	irq_work_queue(&sc->flusher_arm);
}

/* A slow path call: the cache is in use; make sure a flusher watches it. */
static __always_inline void sf_note_slow(struct sf_cache *sc,
					 struct sf_cpu *c)
{
	WRITE_ONCE(c->slow_at, jiffies);
	if (unlikely(!READ_ONCE(sc->flusher_armed)))
		sf_arm_flusher(sc);
}

/*
 * Allocation (§4)
 */

/*
 * What the slow path leaves for after the CPU lock, with interrupts on:
 * active slabs to deactivate (their CPU free lists may be long to walk)
 * and empty slabs to give back.  A slab to deactivate is frozen and on no
 * list, so its slab_list words hold the link and its CPU free list.
 */
struct sf_later {
	struct list_head	discard;
	struct mslab		*deact;
};

#define SF_LATER_INIT(name)	{ .discard = LIST_HEAD_INIT((name).discard) }

static void sf_later_deactivate(struct sf_later *l, struct mslab *slab,
				void *cpu_fl)
{
	slab->slab_list.next = (struct list_head *)l->deact;
	slab->slab_list.prev = cpu_fl;
	l->deact = slab;
}

/* Run what the slow path left; no lock held. */
static void sf_later_run(struct sf_cache *sc, struct sf_later *l)
{
	struct mslab *slab;
	void *cpu_fl;

	while (l->deact) {
		slab = l->deact;
		l->deact = (struct mslab *)slab->slab_list.next;
		cpu_fl = slab->slab_list.prev;
		sf_deactivate(sc, slab, cpu_fl, &l->discard);
	}
	if (!list_empty(&l->discard))
		sf_discard_list(sc, &l->discard);
}

/*
 * A new slab of the reserves: one object for the caller, who may use
 * them; the rest waits on the partial list for callers who may too.
 */
static void *sf_pfmemalloc_one(struct sf_cache *sc, struct mslab *slab,
			       void *obj)
{
	struct sf_node *n = sf_node_of(sc, slab);
	unsigned long flags;

	slab->freelist = sf_get_fp(sc, obj);
	slab->inuse = 1;
	spin_lock_irqsave(&n->list_lock, flags);
	sf_add_partial(n, slab);
	spin_unlock_irqrestore(&n->list_lock, flags);
	return obj;
}

/* A new slab on a preferred node, if the node has the memory at once */
#define SF_GFP_NODE_TRY(gfp)						\
	(((gfp) & ~__GFP_DIRECT_RECLAIM) | __GFP_THISNODE | __GFP_NOWARN)

/*
 * Slow path.  Called and returns with the CPU lock held; may drop it to
 * make a new slab, unless @grow is false.  Returns an object or NULL.
 */
static void *sf_alloc_slow(struct sf_cache *sc, gfp_t gfp, int node,
			   unsigned long *flags, struct sf_later *later,
			   bool grow)
{
	struct mslab *slab, *fresh;
	struct sf_cpu *c;
	void *fl;

	c = this_cpu_ptr(sc->cpu);
	sf_note_slow(sc, c);
	slab = c->slab;
	if (slab) {
		/*
		 * Off a slab of the reserves or of another node, as SLUB does:
		 * a caller not entitled to the reserves takes none of its
		 * remote frees.
		 */
		if ((node != NUMA_NO_NODE && mslab_nid(slab) != node) ||
		    (unlikely(sf_pfmemalloc(slab)) &&
		     !gfp_pfmemalloc_allowed(gfp))) {
			sf_later_deactivate(later, slab, c->freelist);
			c->slab = NULL;
			c->freelist = NULL;
		} else {
			fl = c->freelist ?: sf_take_remote(sc, slab);
			if (fl)
				goto load;
			c->slab = NULL;
		}
	}

	slab = sf_get_partial(sc, node, gfp, &fl);
	if (slab) {
		c->slab = slab;
		goto load;
	}
	if (!grow)
		return NULL;

	local_unlock_irqrestore(&sc->cpu->lock, *flags);
	fresh = NULL;
	if (node != NUMA_NO_NODE && !(gfp & __GFP_THISNODE)) {
		/*
		 * A node asked for is a preference: a new slab there if the
		 * node has the memory at once, else a partial slab of any
		 * node, and only then a new slab wherever the page allocator
		 * finds one.  Without this, a node out of memory would cost a
		 * new slab (on another node) per call.
		 */
		fresh = sf_new_slab(sc, SF_GFP_NODE_TRY(gfp), node);
		if (!fresh) {
			local_lock_irqsave(&sc->cpu->lock, *flags);
			slab = sf_get_partial(sc, NUMA_NO_NODE, gfp, &fl);
			if (slab)
				goto install;
			local_unlock_irqrestore(&sc->cpu->lock, *flags);
		}
	}
	if (!fresh)
		fresh = sf_new_slab(sc, gfp, node);
	local_lock_irqsave(&sc->cpu->lock, *flags);
	if (!fresh)
		return NULL;

	fl = fresh->freelist;
	if (unlikely(sf_pfmemalloc(fresh)))
		return sf_pfmemalloc_one(sc, fresh, fl);
	/* Nobody knows the new slab yet: make it active without atomics */
	fresh->freelist = NULL;
	fresh->inuse = fresh->objects;
	fresh->frozen = 1;
	slab = fresh;
install:
	c = this_cpu_ptr(sc->cpu);
	if (c->slab) {
		/* An interrupt or another task got here while we slept */
		sf_later_deactivate(later, c->slab, c->freelist);
	}
	c->slab = slab;
load:
	c->freelist = sf_get_fp(sc, fl);
	return fl;
}

/*
 * The slow path of sf_alloc(), out of line so that the fast path keeps no
 * stack frame: entered with the CPU lock held (@flags), returns with it
 * dropped and the deferred work done.
 */
noinline void *slabifier_alloc_slowpath(struct sf_cache *sc, gfp_t gfp,
					int node, unsigned long flags)
{
	struct sf_later later = SF_LATER_INIT(later);
	void *obj;

	obj = sf_alloc_slow(sc, gfp, node, &flags, &later, true);
	local_unlock_irqrestore(&sc->cpu->lock, flags);
	sf_later_run(sc, &later);
	return obj;
}

/**
 * slabifier_node_hint() - the node an allocation asking for @node goes to
 * @c: the cache.
 * @node: a node id, not %NUMA_NO_NODE.
 *
 * Context: any.
 * Return: @node, or %NUMA_NO_NODE for an id that is no node (reported
 * once), a node without memory, or a chain bound to a node (which decides
 * alone where its slabs are).
 */
int slabifier_node_hint(struct slab_cache *c, int node)
{
	if (unlikely(node < 0 || node >= nr_node_ids)) {
		pr_warn_once("cache %s: allocation on node %d, which does not exist; using any node\n",
			     c->name, node);
		return NUMA_NO_NODE;
	}
	if (!node_state(node, N_NORMAL_MEMORY) ||
	    (c->page_allocator->traits & PAGE_ALLOCATOR_NODE_BOUND))
		return NUMA_NO_NODE;
	return node;
}

/**
 * slabifier_alloc() - allocate an object from a slabifier cache
 * @c: the cache.
 * @gfp: gfp flags.
 *
 * Context: as @gfp allows; irq safe.
 * Return: the object or NULL.
 */
void *slabifier_alloc(struct slab_cache *c, gfp_t gfp)
{
	return sf_alloc(to_sf(c), gfp, NUMA_NO_NODE);
}
EXPORT_SYMBOL_GPL(slabifier_alloc);

/**
 * slabifier_alloc_node() - allocate an object, preferably on a node
 * @c: the cache.
 * @gfp: gfp flags.
 * @node: the node, or %NUMA_NO_NODE.  A node without memory means any
 *	node; an id that is no node is reported once and means any node.
 *
 * Context: as @gfp allows; irq safe.
 * Return: the object or NULL.
 */
void *slabifier_alloc_node(struct slab_cache *c, gfp_t gfp, int node)
{
	return sf_alloc_node(c, gfp, node);
}
EXPORT_SYMBOL_GPL(slabifier_alloc_node);

/* Partial slabs a bulk allocation empties under one hold of the list lock */
#define SF_BULK_SLABS	16

/*
 * A bulk allocation that needs more objects than the CPU's slab has: the
 * partial slabs of this node whose free objects it can use up, taken under
 * one hold of the list lock instead of one slow path (and one lock hold)
 * each.  Each is left full and on no list, as a slab used up as the CPU's
 * active one would be; the slab that would not be used up is left for the
 * slow path, to become the CPU's slab.  Called with the CPU lock held.
 * Returns how many objects it stored at @p, at most @want.
 */
static size_t sf_alloc_bulk_partials(struct sf_cache *sc, struct sf_cpu *c,
				     void **p, size_t want)
{
	struct sf_node *n = sc->node[numa_mem_id()];
	unsigned int nr_slabs = 0, i, free[SF_BULK_SLABS];
	void *fl[SF_BULK_SLABS], *obj;
	struct mslab *slab, *tmp;
	size_t got = 0, taken = 0;

	if (!n || !READ_ONCE(n->nr_partial))
		return 0;
	sf_note_slow(sc, c);
	/* Interrupts are off with the CPU lock (a sleeping lock on RT) */
	spin_lock(&n->list_lock);
	list_for_each_entry_safe(slab, tmp, &n->partial, slab_list) {
		if (nr_slabs == SF_BULK_SLABS)
			break;
		if (unlikely(sf_pfmemalloc(slab)))
			continue;
		/* Remote frees go on without the list lock: count and take as one */
		fl[nr_slabs] = sf_take_all(sc, slab, SF_TAKE_KEEP,
					   min_t(size_t, want - taken, UINT_MAX),
					   &free[nr_slabs]);
		if (!fl[nr_slabs])
			break;
		sf_remove_partial(n, slab);
		taken += free[nr_slabs++];
	}
	spin_unlock(&n->list_lock);

	/* The free lists are this call's now: walk them without the lock */
	for (i = 0; i < nr_slabs; i++) {
		for (obj = fl[i]; obj && free[i]; obj = sf_get_fp(sc, obj)) {
			p[got++] = obj;
			free[i]--;
		}
	}
	return got;
}

/**
 * slabifier_alloc_bulk() - allocate several objects under one lock hold
 * @c: the cache.
 * @gfp: gfp flags.
 * @nr: number of objects.
 * @p: array receiving them.
 *
 * Context: as @gfp allows; irq safe.
 * Return: @nr, or 0 with nothing allocated.
 */
int slabifier_alloc_bulk(struct slab_cache *c, gfp_t gfp, size_t nr, void **p)
{
	struct sf_cache *sc = to_sf(c);
	struct sf_later later = SF_LATER_INIT(later);
	unsigned long flags;
	bool partials_tried = false;
	struct sf_cpu *cpu;
	size_t i, got;

	if (sc->single)
		return slab_cache_alloc_bulk_generic(c, gfp, nr, p);

	might_alloc(gfp);
	local_lock_irqsave(&sc->cpu->lock, flags);
	cpu = this_cpu_ptr(sc->cpu);
	for (i = 0; i < nr; i++) {
		p[i] = cpu->freelist;
		if (likely(p[i])) {
			cpu->freelist = sf_get_fp(sc, p[i]);
			continue;
		}
		/* Once a call: what it left, the slow path takes slab by slab */
		if (!partials_tried && nr - i > sc->objects) {
			partials_tried = true;
			got = sf_alloc_bulk_partials(sc, cpu, p + i, nr - i);
			if (got) {
				i += got - 1;
				continue;
			}
		}
		p[i] = sf_alloc_slow(sc, gfp, NUMA_NO_NODE, &flags, &later,
				     true);
		if (unlikely(!p[i]))
			break;
		/* The slow path may have dropped the lock: another CPU */
		cpu = this_cpu_ptr(sc->cpu);
	}
	local_unlock_irqrestore(&sc->cpu->lock, flags);
	sf_later_run(sc, &later);

	if (unlikely(i < nr)) {
		slabifier_free_bulk(c, i, p);
		return 0;
	}
	if (unlikely(gfp & __GFP_ZERO)) {
		for (i = 0; i < nr; i++)
			memset(p[i], 0, c->object_size);
	}
	return nr;
}
EXPORT_SYMBOL_GPL(slabifier_alloc_bulk);

/*
 * Freeing (§4)
 */

/*
 * A chain of @cnt objects of one slab, linked from @head to @tail, being
 * freed: is one of them already free?  Caught when the slab's free list
 * starts with one of them, or when more are freed than are in use.  The
 * caller may have compared every object with a free list head already
 * (@checked; NULL if not): while the slab's is still that one, the chain
 * need not be walked, which decodes a free pointer per object.
 */
static bool sf_chain_double_free(struct sf_cache *sc, void *head,
				 unsigned int cnt, void *prior,
				 union sf_counters old, void *checked)
{
	void *obj = head;
	unsigned int i;

	if (unlikely(old.inuse < cnt))
		return true;
	if (prior == checked)
		return false;
	/* The last object's free pointer is not set yet: do not decode it */
	for (i = 1; ; i++, obj = sf_get_fp(sc, obj)) {
		if (unlikely(obj == prior))
			return true;
		if (i == cnt)
			return false;
	}
}

/*
 * Remote free that changes the slab's list: full to partial, or partial to
 * empty.  Same update as below, under the node's list lock, which orders it
 * with the other list changes of unfrozen slabs.
 */
static struct mslab *sf_free_remote_locked(struct sf_cache *sc,
					   struct mslab *slab, void *head,
					   void *tail, unsigned int cnt,
					   void *checked, unsigned long ip)
{
	struct sf_node *n = sf_node_of(sc, slab);
	union sf_counters old, new;
	unsigned long flags;
	void *prior;

	spin_lock_irqsave(&n->list_lock, flags);
	do {
		prior = READ_ONCE(slab->freelist);
		old = sf_read_counters(slab);
		if (sf_chain_double_free(sc, head, cnt, prior, old, checked)) {
			spin_unlock_irqrestore(&n->list_lock, flags);
			slabifier_report_double_free(sc, head, ip);
			return NULL;
		}
		new = old;
		new.inuse -= cnt;
		sf_set_fp(sc, tail, prior);
		slab_race_window(SLAB_RACE_REMOTE_FREE, &sc->c,
				 mslab_folio(slab));
	} while (!mslab_update(slab, prior, old.counters, head, new.counters));

	/* Unfrozen: on the partial list if and only if it had free objects */
	if (old.frozen) {
		slab = NULL;
	} else if (!new.inuse && n->nr_partial >= sc->min_partial) {
		if (prior)
			sf_remove_partial(n, slab);
	} else {
		if (!prior)
			sf_add_partial(n, slab);
		slab = NULL;
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	return slab;
}

/*
 * Free @cnt objects of a slab that is not this CPU's active slab, linked
 * from @head to @tail (one object: @head == @tail), each of them already
 * compared with the free list head @checked, if not NULL.  Called with
 * the CPU lock held (interrupts off for the slab lock fallback).  Lock
 * free unless the slab changes lists.  Returns a slab that became empty
 * and must be discarded, or NULL.
 */
static struct mslab *sf_free_remote(struct sf_cache *sc, struct mslab *slab,
				    void *head, void *tail, unsigned int cnt,
				    void *checked, unsigned long ip)
{
	union sf_counters old, new;
	void *prior;

	do {
		prior = READ_ONCE(slab->freelist);
		old = sf_read_counters(slab);
		if (sf_chain_double_free(sc, head, cnt, prior, old, checked)) {
			slabifier_report_double_free(sc, head, ip);
			return NULL;
		}
		new = old;
		new.inuse -= cnt;
		if ((!new.inuse || !prior) && !old.frozen) {
			slab_race_window(SLAB_RACE_REMOTE_LOCK, &sc->c,
					 mslab_folio(slab));
			return sf_free_remote_locked(sc, slab, head, tail, cnt,
						     checked, ip);
		}
		sf_set_fp(sc, tail, prior);
		slab_race_window(SLAB_RACE_REMOTE_FREE, &sc->c,
				 mslab_folio(slab));
	} while (!mslab_update(slab, prior, old.counters, head, new.counters));
	return NULL;
}

#ifdef CONFIG_MODSLAB_RACE_WINDOWS
/**
 * slabifier_free_as_remote() - free an object as another CPU would
 * @c: the cache.
 * @obj: an allocated object of @c in a slab that is not this CPU's active
 *	one, and not the last object in use of a partial slab: the free
 *	must not leave a slab to discard.
 *
 * For race windows (slab_race.h): the remote free, without this CPU's
 * lock, which the path in the window may hold.  The first free into a
 * full slab takes the node's list lock, which only SLAB_RACE_REMOTE_LOCK
 * is passed without.
 *
 * Context: interrupts off.
 */
void slabifier_free_as_remote(struct slab_cache *c, void *obj)
{
	struct sf_cache *sc = to_sf(c);
	struct mslab *slab = folio_mslab(virt_to_folio(obj));
	union sf_counters cnt = sf_read_counters(slab);

	lockdep_assert_irqs_disabled();
	if (WARN_ON_ONCE(!cnt.frozen && cnt.inuse <= 1))
		return;
	if (!cnt.frozen && !slab->freelist)
		lockdep_assert_not_held(&sf_node_of(sc, slab)->list_lock);
	WARN_ON_ONCE(sf_free_remote(sc, slab, obj, obj, 1, NULL, _RET_IP_));
}
EXPORT_SYMBOL_IF_KUNIT(slabifier_free_as_remote);
#endif

/*
 * A free into a slab other than the CPU's active one (§4), out of line:
 * entered with the CPU lock held (@flags), returns with it dropped.
 */
noinline void slabifier_free_remote_path(struct sf_cache *sc,
					struct mslab *slab, void *obj,
					unsigned long flags, unsigned long ip)
{
	struct mslab *empty;

	empty = sf_free_remote(sc, slab, obj, obj, 1, NULL, ip);
	local_unlock_irqrestore(&sc->cpu->lock, flags);
	if (empty)
		sf_discard(sc, empty);
}

/**
 * slabifier_holds_locks() - whether the caller holds a lock of @c, for tests
 * @c: the cache.
 *
 * Return: true if the current task holds a CPU's lock or a node's list
 * lock of @c; known to lockdep only, so always false without it.
 */
bool slabifier_holds_locks(struct slab_cache *c)
{
#ifdef CONFIG_LOCKDEP
	struct sf_cache *sc = to_sf(c);
	int cpu, nid;

	for_each_possible_cpu(cpu)
		if (lockdep_is_held(&per_cpu_ptr(sc->cpu, cpu)->lock))
			return true;
	for_each_node(nid)
		if (sc->node[nid] && lockdep_is_held(&sc->node[nid]->list_lock))
			return true;
#endif
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(slabifier_holds_locks);

/**
 * slabifier_node_data() - the per-node data of @c for node @nid, for tests
 * @c: the cache.
 * @nid: a node id below nr_node_ids.
 *
 * Return: the node's list head and counters, which the cache allocated on
 * that node, or NULL.
 */
void *slabifier_node_data(struct slab_cache *c, int nid)
{
	return to_sf(c)->node[nid];
}
EXPORT_SYMBOL_IF_KUNIT(slabifier_node_data);

/* Report a free of @obj that sf_lookup() or sf_folio_refuses() refused. */
noinline void slabifier_report_invalid_free(struct sf_cache *sc,
					    const void *obj, const char *why,
					    unsigned long ip)
{
	sf_report(sc, &sc->invalid_frees, "free of", obj, why, ip);
}

/* Why sf_free_refuses() refuses a double free; compared by address */
const char *const slabifier_already_free = "already free";

/**
 * slabifier_refuse_free() - report a free that sf_free_refuses() refused
 * @sc: the cache.
 * @obj: the pointer freed.
 * @why: what sf_free_refuses() said.
 * @ip: the caller.
 *
 * Context: any.
 */
noinline void slabifier_refuse_free(struct sf_cache *sc, const void *obj,
				    const char *why, unsigned long ip)
{
	if (why == slabifier_already_free)
		slabifier_report_double_free(sc, obj, ip);
	else
		slabifier_report_invalid_free(sc, obj, why, ip);
}

/* Free @obj, whatever it is: look its slab up and check it first. */
static void sf_free(struct sf_cache *sc, void *obj, unsigned long ip)
{
	struct mslab *slab;
	const char *why;

	if (unlikely(!obj))
		return;
	slab = sf_lookup(sc, obj, &why);
	if (unlikely(!slab)) {
		slabifier_report_invalid_free(sc, obj, why, ip);
		return;
	}
	sf_free_slab(sc, slab, obj, ip);
}

/**
 * slabifier_free() - free an object of a slabifier cache
 * @c: the cache.
 * @obj: the object; NULL is ignored, anything else that is not an object of
 *	@c is reported and ignored.
 *
 * Context: any; irq safe; does not sleep.
 */
void slabifier_free(struct slab_cache *c, void *obj)
{
	sf_free(to_sf(c), obj, _RET_IP_);
}
EXPORT_SYMBOL_GPL(slabifier_free);

/*
 * Push the objects at the start of @p that belong to the CPU's active
 * slab (its first byte @base, its objects @span bytes) onto the CPU free
 * list, up to the first that does not (or is NULL, or at the head of the
 * list: a double free for the caller to report).  Returns how many.
 */
static __always_inline size_t sf_free_bulk_cpu(struct sf_cache *sc,
					       struct sf_cpu *cpu, void *base,
					       unsigned long span, void **p,
					       size_t nr)
{
	void *fl = cpu->freelist;
	unsigned long off;
	size_t i;

	for (i = 0; i < nr; i++) {
		off = (unsigned long)p[i] - (unsigned long)base;
		if (off >= span || !sf_object_offset(sc, off) || p[i] == fl)
			break;
		sf_set_fp(sc, p[i], fl);
		fl = p[i];
	}
	cpu->freelist = fl;
	return i;
}

/**
 * slabifier_free_bulk() - free several objects
 * @c: the cache.
 * @nr: number of objects.
 * @p: the objects; NULL entries are ignored.
 *
 * Context: any; irq safe; does not sleep.
 */
void slabifier_free_bulk(struct slab_cache *c, size_t nr, void **p)
{
	struct sf_cache *sc = to_sf(c);
	struct mslab *slab, *next = NULL, *empty;
	unsigned long off, span, cpu_span = 0;
	void *head, *tail, *obj, *base, *checked;
	bool suspect;
	void *cpu_base = NULL;
	LIST_HEAD(discard);
	unsigned long flags;
	struct sf_cpu *cpu;
	unsigned int cnt;
	const char *why;
	size_t i = 0;

	if (unlikely(sc->single)) {
		for (i = 0; i < nr; i++)
			sf_free(sc, p[i], _RET_IP_);
		return;
	}
	/* One lock hold; objects of one slab in a row go back in one update */
	local_lock_irqsave(&sc->cpu->lock, flags);
	cpu = this_cpu_ptr(sc->cpu);
	/* The active slab does not change under the lock: bound it once */
	if (cpu->slab) {
		cpu_base = mslab_address(cpu->slab);
		cpu_span = sf_span(sc, cpu->slab);
	}
	while (i < nr) {
		if (!next) {
			i += sf_free_bulk_cpu(sc, cpu, cpu_base, cpu_span,
					      p + i, nr - i);
			if (i == nr)
				break;
		}
		obj = p[i++];
		if (!obj)
			continue;
		/* The run before may have looked this object up already */
		slab = next ?: sf_lookup(sc, obj, &why);
		next = NULL;
		if (unlikely(!slab)) {
			slabifier_report_invalid_free(sc, obj, why, _RET_IP_);
			continue;
		}
		if (slab == cpu->slab) {
			if (unlikely(!sf_free_cpu(sc, cpu, obj)))
				slabifier_report_double_free(sc, obj,
							     _RET_IP_);
			continue;
		}
		head = obj;
		tail = obj;
		cnt = 1;
		base = mslab_address(slab);
		span = sf_span(sc, slab);
		/* Each object against the slab's free list head, as it goes */
		checked = READ_ONCE(slab->freelist);
		suspect = obj == checked;
		while (i < nr && p[i] && p[i] != head) {
			off = (unsigned long)p[i] - (unsigned long)base;
			if (off >= span || !sf_object_offset(sc, off)) {
				next = sf_lookup(sc, p[i], &why);
				if (next != slab)
					break;
				next = NULL;
			}
			suspect |= p[i] == checked;
			sf_set_fp(sc, p[i], head);
			head = p[i++];
			cnt++;
		}
		empty = sf_free_remote(sc, slab, head, tail, cnt,
				       suspect ? NULL : checked, _RET_IP_);
		if (empty)
			list_add(&empty->slab_list, &discard);
	}
	local_unlock_irqrestore(&sc->cpu->lock, flags);
	sf_discard_list(sc, &discard);
}
EXPORT_SYMBOL_GPL(slabifier_free_bulk);

/*
 * Queries
 */

/**
 * slabifier_object_size() - usable size of an object
 * @c: the cache.
 * @obj: the object.
 *
 * Context: any.
 * Return: the usable size, at least the size the cache was created with, or
 * 0 if @obj is not the start of an object of @c.
 */
size_t slabifier_object_size(struct slab_cache *c, const void *obj)
{
	const char *why;

	return obj && sf_lookup(to_sf(c), obj, &why) ? to_sf(c)->usable : 0;
}
EXPORT_SYMBOL_GPL(slabifier_object_size);

/**
 * slabifier_valid() - is a pointer the start of an object slot of a cache
 * @c: the cache.
 * @obj: the pointer.
 *
 * Context: any.
 * Return: true if @obj is the start of an object of @c, allocated or free.
 */
bool slabifier_valid(struct slab_cache *c, const void *obj)
{
	const char *why;

	return obj && sf_lookup(to_sf(c), obj, &why);
}
EXPORT_SYMBOL_GPL(slabifier_valid);

/**
 * slabifier_may_free() - may a pointer be freed to a slabifier cache
 * @c: the cache.
 * @obj: the pointer.
 *
 * Context: any.
 * Return: true if @obj is the start of an object of @c that is not at the
 * head of a free list nor in a slab with no object in use.
 */
bool slabifier_may_free(struct slab_cache *c, const void *obj)
{
	struct sf_cache *sc = to_sf(c);
	struct mslab *slab;
	const char *why;

	slab = obj ? sf_lookup(sc, obj, &why) : NULL;
	return slab && !sf_free_refuses(sc, mslab_folio(slab), obj);
}
EXPORT_SYMBOL_GPL(slabifier_may_free);

/* Free pointers for layers that check free lists; none in one-object slabs */
static void *slabifier_next_free(struct slab_cache *c, void *obj)
{
	struct sf_cache *sc = to_sf(c);

	return sc->single ? NULL : sf_get_fp(sc, obj);
}

static void slabifier_end_free_list(struct slab_cache *c, void *obj)
{
	struct sf_cache *sc = to_sf(c);

	if (!sc->single)
		sf_set_fp(sc, obj, NULL);
}

/**
 * slabifier_cache_of() - the cache an address belongs to
 * @obj: an address.
 *
 * For layers that free by address alone (kfree() style), and only for
 * caches created without an owner: the slab of a cache with one records
 * that owner, which the layer that gave it reads itself.
 *
 * Context: any.
 * Return: the handle users of the cache see (its owner), or NULL if @obj
 * is not inside a slab of the framework.
 */
struct slab_cache *slabifier_cache_of(const void *obj)
{
	struct slab_cache *c;
	struct folio *folio;

	if (IS_ERR_OR_NULL(obj) || !virt_addr_valid(obj))
		return NULL;
	folio = virt_to_folio(obj);
	/* Slabs of the framework's own type have no owner tag. */
	if (!folio_test_modslab(folio))
		return NULL;
	c = READ_ONCE(folio_mslab(folio)->cache);
	return c ? READ_ONCE(c->owner) : NULL;
}
EXPORT_SYMBOL_GPL(slabifier_cache_of);

static void slabifier_stats(struct slab_cache *c, struct slab_cache_stats *st)
{
	struct sf_cache *sc = to_sf(c);
	unsigned long flags, free = 0, empty = 0;
	union sf_counters cnt;
	struct mslab *slab;
	struct sf_node *n;
	int nid, cpu;

	memset(st, 0, sizeof(*st));
	for_each_node(nid) {
		n = sc->node[nid];
		if (!n)
			continue;
		st->num_slabs += atomic_long_read(&n->nr_slabs);
		st->num_objs += atomic_long_read(&n->total_objects);
		st->pages += atomic_long_read(&n->nr_pages);
		spin_lock_irqsave(&n->list_lock, flags);
		st->partial_slabs += n->nr_partial;
		list_for_each_entry(slab, &n->partial, slab_list) {
			cnt = sf_read_counters(slab);
			free += cnt.objects - cnt.inuse;
			empty += !cnt.inuse;
			st->partial_objs += cnt.inuse;
		}
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	for_each_possible_cpu(cpu) {
		/* Unlocked, as SLUB reads its CPU slabs for the same files */
		st->cpu_slabs += !!data_race(per_cpu_ptr(sc->cpu, cpu)->slab);
	}
	st->active_objs = st->num_objs - min(free, st->num_objs);
	st->active_slabs = st->num_slabs - min(empty, st->num_slabs);
	st->object_size = c->object_size;
	st->size = c->size;
	st->objs_per_slab = sc->objects;
	st->order = sc->order;
	st->min_partial = READ_ONCE(sc->min_partial);
	st->double_frees = atomic_long_read(&sc->double_frees);
	st->invalid_frees = atomic_long_read(&sc->invalid_frees);
}

/*
 * Flushing per-CPU slabs
 */

/* Detach and deactivate this CPU's active slab. */
static void sf_flush_local(struct sf_cache *sc, struct list_head *discard)
{
	struct mslab *slab;
	unsigned long flags;
	struct sf_cpu *c;
	void *fl;

	local_lock_irqsave(&sc->cpu->lock, flags);
	c = this_cpu_ptr(sc->cpu);
	slab = c->slab;
	fl = c->freelist;
	c->slab = NULL;
	c->freelist = NULL;
	local_unlock_irqrestore(&sc->cpu->lock, flags);
	if (slab)
		sf_deactivate(sc, slab, fl, discard);
}

/*
 * Deactivate the active slab of a CPU that cannot use the cache now: the
 * CPU is dead, or the cache is being destroyed.
 */
static void sf_flush_cpu(struct sf_cache *sc, int cpu,
			 struct list_head *discard)
{
	struct sf_cpu *c = per_cpu_ptr(sc->cpu, cpu);

	if (c->slab)
		sf_deactivate(sc, c->slab, c->freelist, discard);
	c->slab = NULL;
	c->freelist = NULL;
}

struct sf_flush_work {
	struct work_struct	work;
	struct sf_cache		*sc;
	bool			queued;
};

static DEFINE_PER_CPU(struct sf_flush_work, sf_flush_works);
static DEFINE_MUTEX(sf_flush_mutex);

static void sf_flush_fn(struct work_struct *work)
{
	struct sf_flush_work *w = container_of(work, struct sf_flush_work,
					       work);
	LIST_HEAD(discard);

	sf_flush_local(w->sc, &discard);
	sf_discard_list(w->sc, &discard);
}

/*
 * Deactivate the active slabs of all CPUs, each on its own CPU.
 *
 * Without the CPU hotplug lock: kmem_cache_destroy() calls this with the
 * lock held, and a second read of it deadlocks once a hotplug writer
 * waits.  A CPU going down meanwhile is harmless: its work item then runs
 * on another CPU and flushes that one, under its own CPU lock, and the
 * dead CPU's slabs go back when it is dead (sf_cpu_dead()).  Every work
 * item queued is waited for, that one too: it must not run once the
 * caller goes on to destroy the cache.
 */
static void sf_flush_all(struct sf_cache *sc)
{
	struct sf_flush_work *w;
	int cpu;

	mutex_lock(&sf_flush_mutex);
	for_each_possible_cpu(cpu) {
		w = per_cpu_ptr(&sf_flush_works, cpu);
		w->queued = cpu_online(cpu) &&
			    READ_ONCE(per_cpu_ptr(sc->cpu, cpu)->slab) &&
			    sf_flush_wq;
		if (!w->queued)
			continue;
		INIT_WORK(&w->work, sf_flush_fn);
		w->sc = sc;
		queue_work_on(cpu, sf_flush_wq, &w->work);
	}
	for_each_possible_cpu(cpu) {
		w = per_cpu_ptr(&sf_flush_works, cpu);
		if (w->queued)
			flush_work(&w->work);
	}
	mutex_unlock(&sf_flush_mutex);
}

/* Give back every empty slab on the node lists.  Returns pages freed. */
static unsigned long sf_free_empty(struct sf_cache *sc)
{
	struct mslab *slab, *tmp;
	unsigned long flags, nr = 0;
	LIST_HEAD(discard);
	struct sf_node *n;
	int nid;

	for_each_node(nid) {
		n = sc->node[nid];
		if (!n || !READ_ONCE(n->nr_partial))
			continue;
		spin_lock_irqsave(&n->list_lock, flags);
		list_for_each_entry_safe(slab, tmp, &n->partial, slab_list) {
			if (sf_read_counters(slab).inuse)
				continue;
			sf_remove_partial(n, slab);
			list_add(&slab->slab_list, &discard);
			nr += 1UL << folio_order(mslab_folio(slab));
		}
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	sf_discard_list(sc, &discard);
	return nr;
}

/*
 * The flusher of a cache (§10).  A cache whose CPUs took the slow path
 * less than flush_interval ago is in use: look again once the interval has
 * passed since that last call.  An idle one gets its per-CPU slabs flushed,
 * so that their free objects are on the partial lists, then gives back the
 * empty slabs the nodes kept for it (min_partial is for a cache in use),
 * and stops until the next slow path arms it again.
 */
static void sf_flusher_fn(struct work_struct *work)
{
	struct sf_cache *sc = container_of(to_delayed_work(work),
					   struct sf_cache, flusher);
	unsigned long interval = READ_ONCE(sf_flush_interval) * HZ;
	unsigned long idle = sf_idle_for(sc);

	if (idle < interval) {
		queue_delayed_work(sf_flusher_wq, &sc->flusher,
				   round_jiffies_up_relative(interval - idle));
		return;
	}
	clear_bit(0, &sc->flusher_armed);
	/*
	 * Disarm before flushing, and order the two: a slow path that finds
	 * the flusher disarmed arms it again, so a CPU slab taken meanwhile is
	 * either flushed now or watched by the next flusher.
	 */
	smp_mb__after_atomic();
	sf_flush_all(sc);
	sf_free_empty(sc);
}

/**
 * slabifier_flusher_armed() - is the idle flusher of a cache queued?
 * @c: a slabifier cache.
 *
 * Context: any.
 * Return: true while the flusher watches the cache.
 */
bool slabifier_flusher_armed(struct slab_cache *c)
{
	return test_bit(0, &to_sf(c)->flusher_armed);
}
EXPORT_SYMBOL_IF_KUNIT(slabifier_flusher_armed);

static int sf_cpu_dead(unsigned int cpu)
{
	struct sf_cache *sc;
	LIST_HEAD(discard);

	mutex_lock(&sf_caches_mutex);
	list_for_each_entry(sc, &sf_caches, list) {
		sf_flush_cpu(sc, cpu, &discard);
		sf_discard_list(sc, &discard);
		INIT_LIST_HEAD(&discard);
	}
	mutex_unlock(&sf_caches_mutex);
	return 0;
}

/*
 * Shrinking and defragmentation
 */

/*
 * A new place for a moved object: in the CPU slab or a partial slab, never
 * in a new slab, which would only trade one sparse slab for another.
 */
static void *sf_move_target(struct sf_cache *sc)
{
	struct sf_later later = SF_LATER_INIT(later);
	unsigned long flags;
	struct sf_cpu *c;
	void *obj;

	local_lock_irqsave(&sc->cpu->lock, flags);
	c = this_cpu_ptr(sc->cpu);
	obj = c->freelist;
	if (obj)
		c->freelist = sf_get_fp(sc, obj);
	else
		obj = sf_alloc_slow(sc, GFP_NOWAIT, NUMA_NO_NODE, &flags,
				    &later, false);
	local_unlock_irqrestore(&sc->cpu->lock, flags);
	sf_later_run(sc, &later);
	return obj;
}

/*
 * Mark in @map the objects freed to a frozen slab since @seen was its free
 * list's head.  Frees only push onto that list while the slab is frozen,
 * so the entries below a head once read do not change.
 */
static void sf_mark_freed(struct sf_cache *sc, struct mslab *slab,
			  unsigned long *map, void **seen)
{
	void *head = READ_ONCE(slab->freelist), *p;

	for (p = head; p && p != *seen; p = sf_get_fp(sc, p))
		__set_bit((p - mslab_address(slab)) / sc->c.size, map);
	*seen = head;
}

/*
 * Move the allocated objects of one frozen slab elsewhere.  Objects the
 * client frees meanwhile (one callback may free others) are looked for
 * before each callback: a free object is never offered.
 */
static void sf_evacuate_slab(struct sf_cache *sc, struct mslab *slab,
			     void *fl, unsigned long *map, slab_move_fn move,
			     void *private)
{
	unsigned int objects = sf_read_counters(slab).objects;
	void *base = mslab_address(slab), *seen = NULL;
	unsigned int idx;
	void *old, *new;

	bitmap_zero(map, objects);
	for (old = fl; old; old = sf_get_fp(sc, old))
		__set_bit((old - base) / sc->c.size, map);

	for_each_clear_bit(idx, map, objects) {
		sf_mark_freed(sc, slab, map, &seen);
		if (test_bit(idx, map))
			continue;
		old = base + idx * sc->c.size;
		new = sf_move_target(sc);
		if (!new)
			break;
		switch (move(&sc->c, old, new, private)) {
		case SLAB_MOVE_YES:
			sf_free(sc, old, _RET_IP_);
			break;
		case SLAB_MOVE_NO:
			sf_free(sc, new, _RET_IP_);
			return;
		default:
			sf_free(sc, new, _RET_IP_);
			break;
		}
		cond_resched();
	}
}

/* Is @slab worth emptying: in use, but at most a quarter of it? */
static bool sf_sparse(struct sf_cache *sc, struct mslab *slab)
{
	union sf_counters cnt = sf_read_counters(slab);

	return cnt.inuse && cnt.inuse * 4 <= cnt.objects;
}

/*
 * Put the sparse slabs of each node at the tail of its partial list, the
 * others at the head, so that moved objects (and allocations) fill the
 * fullest slabs first and the sparse ones are found from the tail.
 * Returns the number of sparse slabs.
 */
static unsigned long sf_partition_partial(struct sf_cache *sc)
{
	unsigned long flags, nr = 0;
	struct mslab *slab, *tmp;
	struct sf_node *n;
	LIST_HEAD(sparse);
	int nid;

	for_each_node(nid) {
		n = sc->node[nid];
		if (!n || !READ_ONCE(n->nr_partial))
			continue;
		spin_lock_irqsave(&n->list_lock, flags);
		list_for_each_entry_safe(slab, tmp, &n->partial, slab_list) {
			if (!sf_sparse(sc, slab))
				continue;
			list_move_tail(&slab->slab_list, &sparse);
			nr++;
		}
		list_splice_tail_init(&sparse, &n->partial);
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	return nr;
}

/*
 * Take a sparse partial slab off its list and freeze it, so that nothing is
 * allocated from it, from the tail, where sf_partition_partial() put the
 * sparse slabs.  Returns the slab and its free list in @fl, or NULL.
 */
static struct mslab *sf_take_sparse(struct sf_cache *sc, void **fl)
{
	struct mslab *slab;
	unsigned long flags;
	struct sf_node *n;
	int nid;

	for_each_node(nid) {
		n = sc->node[nid];
		if (!n || !READ_ONCE(n->nr_partial))
			continue;
		spin_lock_irqsave(&n->list_lock, flags);
		list_for_each_entry_reverse(slab, &n->partial, slab_list) {
			if (!sf_sparse(sc, slab))
				continue;
			sf_remove_partial(n, slab);
			*fl = sf_freeze(sc, slab);
			spin_unlock_irqrestore(&n->list_lock, flags);
			return slab;
		}
		spin_unlock_irqrestore(&n->list_lock, flags);
	}
	return NULL;
}

/*
 * Move the objects of sparse slabs into other slabs, one slab at a time,
 * for as many slabs as were sparse at the start.  Worth it only when there
 * are at least two of them.  An evacuated slab stays frozen meanwhile: its
 * private free list is @fl, and frees of its objects land on its page free
 * list; deactivation merges both.
 */
static void sf_evacuate(struct sf_cache *sc, slab_move_fn move,
			void *private)
{
	unsigned long nr, i;
	LIST_HEAD(discard);
	struct mslab *slab;
	unsigned long *map;
	void *fl;

	nr = sf_partition_partial(sc);
	if (nr < 2)
		return;
	map = bitmap_alloc(sc->objects, GFP_KERNEL);
	if (!map)
		return;
	for (i = 0; i < nr; i++) {
		slab = sf_take_sparse(sc, &fl);
		if (!slab)
			break;
		sf_evacuate_slab(sc, slab, fl, map, move, private);
		sf_deactivate(sc, slab, fl, &discard);
		sf_discard_list(sc, &discard);
		INIT_LIST_HEAD(&discard);
	}
	bitmap_free(map);
}

static unsigned long slabifier_shrink(struct slab_cache *c, slab_move_fn move,
				      void *private)
{
	struct sf_cache *sc = to_sf(c);

	might_sleep();
	/*
	 * Not from reclaim: flushing would wait for a work item on every
	 * CPU from inside an allocation.  CPU slabs are not sparse anyway.
	 */
	if (!(current->flags & PF_MEMALLOC))
		sf_flush_all(sc);
	if (move && !sc->single)
		sf_evacuate(sc, move, private);
	return sf_free_empty(sc);
}

/*
 * Creating and destroying caches
 */

/*
 * Objects a slab should hold: the min_objects parameter, or SLUB's rule,
 * 4 * (fls(CPUs) + 1).  With no per-CPU partial slabs, a slab's size is
 * what spaces a CPU's trips to its node's list lock, and more CPUs make
 * more trips.  The present CPUs count, or the possible ones while only
 * one is present (some architectures bring the rest up later).  Caches
 * the shrinkers empty (SLAB_RECLAIM_ACCOUNT: dentries, inodes, radix
 * tree nodes) keep the one-CPU figure: reclaim frees their objects here
 * and there, and a page goes back only when its whole slab is free.
 */
unsigned int slabifier_calc_min_objects(unsigned int present,
					unsigned int possible)
{
	unsigned int cpus = present <= 1 ? possible : present;

	return 4 * (fls(cpus) + 1);
}
EXPORT_SYMBOL_IF_KUNIT(slabifier_calc_min_objects);

static unsigned int sf_want_objects(slab_flags_t flags)
{
	unsigned int want = READ_ONCE(sf_min_objects);

	if (want)
		return want;
	if (flags & SLAB_RECLAIM_ACCOUNT)
		return slabifier_calc_min_objects(1, 1);
	return slabifier_calc_min_objects(num_present_cpus(), nr_cpu_ids);
}

/* Choose the slab order for objects of @stride bytes (SLUB's heuristic). */
static unsigned int sf_calc_order(unsigned int stride, slab_flags_t flags)
{
	unsigned int min_order = READ_ONCE(sf_min_order);
	unsigned int max_order = max(READ_ONCE(sf_max_order), min_order);
	unsigned int want, fraction, order, nr;
	unsigned long slab_size;

	/*
	 * min_order is no reason for a slab with room past the most objects
	 * a slab counts (an 8-byte cache on 4 MiB slabs would use 256 KiB of
	 * each): as under SLUB, small objects get smaller slabs.
	 */
	while (min_order && (PAGE_SIZE << min_order) / stride > MSLAB_MAX_OBJECTS)
		min_order--;

	for (want = sf_want_objects(flags); want; want /= 2) {
		for (fraction = 16; fraction >= 4; fraction /= 2) {
			for (order = min_order; order <= max_order; order++) {
				slab_size = PAGE_SIZE << order;
				nr = slab_size / stride;
				if (nr < want)
					continue;
				if ((slab_size % stride) * fraction <= slab_size)
					return order;
			}
		}
	}
	return max_t(unsigned int, min_order, get_order(stride));
}

/*
 * Empty slabs a node keeps for a busy cache.  By pages, whatever the slab
 * size, so that a cache of 32 KiB slabs does not sit on 160 KiB of empty
 * ones where a cache of 4 KiB slabs keeps 20 KiB; but enough for a burst
 * of SF_BURST objects (a NAPI poll's worth, a bulk call of that size),
 * up to SF_BURST_SLABS slabs, so that a cache of large objects
 * that a burst empties and refills does not go back to the page
 * allocator for each slab.  A burst that starts part way into a slab
 * spans one slab more than its objects fill, and the slab that empties
 * last counts itself among the partial slabs: hence the one added.
 * At least one, unless the parameter is 0.  An
 * idle cache gives them all back (§10): this costs memory only while the
 * cache is in use.
 */
#define SF_BURST	64
#define SF_BURST_SLABS	10

unsigned int slabifier_calc_min_partial(unsigned int pages, unsigned int order,
					unsigned int objects)
{
	unsigned int by_burst;

	if (!pages)
		return 0;
	by_burst = min(DIV_ROUND_UP(SF_BURST, objects) + 1, SF_BURST_SLABS);
	return max3(1U, pages >> order, by_burst);
}
EXPORT_SYMBOL_IF_KUNIT(slabifier_calc_min_partial);

static int sf_layout(struct sf_cache *sc, const char *name, unsigned int size,
		     const struct slab_cache_args *args)
{
	unsigned int align = args->align, stride;
	bool outside;

	if (align & (align - 1) || align > PAGE_SIZE) {
		pr_err("cache %s: alignment %u is not a power of two no larger than %lu\n",
		       name, align, PAGE_SIZE);
		return -EINVAL;
	}
	align = slab_object_align(size, align, args->flags);

	stride = max_t(unsigned int, size, sizeof(void *));
	outside = !args->use_freeptr_offset &&
		  (args->preserve_free || (args->flags & SLAB_TYPESAFE_BY_RCU));
	if (args->use_freeptr_offset) {
		if (!IS_ALIGNED(args->freeptr_offset, sizeof(void *)) ||
		    args->freeptr_offset + sizeof(void *) > size) {
			pr_err("cache %s: free pointer offset %u does not fit a pointer in a %u byte object\n",
			       name, args->freeptr_offset, size);
			return -EINVAL;
		}
		sc->offset = args->freeptr_offset;
	} else if (outside) {
		sc->offset = ALIGN(size, sizeof(void *));
		stride = sc->offset + sizeof(void *);
	} else {
		sc->offset = ALIGN_DOWN(size / 2, sizeof(void *));
	}
	stride = ALIGN(stride, align);
	if (stride > SF_MAX_SLAB_SIZE) {
		pr_err("cache %s: object size %u exceeds the largest slab (%lu bytes)\n",
		       name, size, SF_MAX_SLAB_SIZE);
		return -EINVAL;
	}

	/* The whole stride is usable unless the free pointer sits after it */
	sc->usable = outside ? size : stride;
	sc->c.object_size = size;
	sc->c.size = stride;
	sc->c.align = align;
	sc->order = sf_calc_order(stride, args->flags);
	/* Hooks are told each slab's order and objects: any order will do */
	sc->min_order = min_t(unsigned int, sc->order, get_order(stride));
	sc->min_objects = min_t(unsigned long,
				(PAGE_SIZE << sc->min_order) / stride,
				MSLAB_MAX_OBJECTS);
	sc->objects = min_t(unsigned long, (PAGE_SIZE << sc->order) / stride,
			    MSLAB_MAX_OBJECTS);
	sc->single = sc->objects == 1;
	sc->recip = reciprocal_value(stride);
	sc->stride_mask = is_power_of_2(stride) ? stride - 1 : 0;
	return 0;
}

static int sf_check_args(struct page_allocator *pa, const char *name,
			 unsigned int size, const struct slab_cache_args *args)
{
	if (!size) {
		pr_err("cache %s: object size 0\n", name);
		return -EINVAL;
	}
	if (size > SF_MAX_SLAB_SIZE) {
		pr_err("cache %s: object size %u exceeds the largest slab (%lu bytes)\n",
		       name, size, SF_MAX_SLAB_SIZE);
		return -EINVAL;
	}
	if (args->flags & ~SF_FLAGS) {
		pr_err("cache %s: flags %#x not supported by the slabifier\n",
		       name, (__force unsigned int)(args->flags & ~SF_FLAGS));
		return -EINVAL;
	}
	if ((args->flags & SLAB_TYPESAFE_BY_RCU) &&
	    !(pa->traits & PAGE_ALLOCATOR_RCU)) {
		pr_err("cache %s: SLAB_TYPESAFE_BY_RCU needs a page allocator that frees after a grace period\n",
		       name);
		return -EINVAL;
	}
	if (args->nr_hooks > SLAB_CACHE_MAX_HOOKS) {
		pr_err("cache %s: %u hooks, at most %u\n", name,
		       args->nr_hooks, SLAB_CACHE_MAX_HOOKS);
		return -EINVAL;
	}
	return 0;
}

static void sf_free_cache(struct sf_cache *sc)
{
	int nid;

	for_each_node(nid)
		kfree(sc->node[nid]);
	free_percpu(sc->cpu);
#ifdef CONFIG_SLAB_FREELIST_RANDOM
	kfree(sc->random_seq);
#endif
	kfree(sc);
}

static const struct slab_allocator_ops slabifier_ops;

static struct slab_cache *slabifier_create(struct slab_allocator *sa,
					   struct page_allocator *pa,
					   const char *name, unsigned int size,
					   const struct slab_cache_args *args)
{
	static const struct slab_cache_args defaults;
	struct sf_cache *sc;
	struct sf_node *n;
	unsigned int i;
	int cpu, nid, err;

	might_sleep();
	if (!args)
		args = &defaults;
	err = sf_check_args(pa, name, size, args);
	if (err)
		return ERR_PTR(err);

	sc = kzalloc(struct_size(sc, node, nr_node_ids), GFP_KERNEL);
	if (!sc)
		return ERR_PTR(-ENOMEM);
	err = sf_layout(sc, name, size, args);
	if (err)
		goto fail_layout;
#ifdef CONFIG_SLAB_FREELIST_HARDENED
	sc->random = get_random_long();
#endif
	err = sf_init_random_seq(sc);
	if (err)
		goto fail_seq;

	err = -ENOMEM;
	sc->cpu = alloc_percpu(struct sf_cpu);
	if (!sc->cpu)
		goto fail_percpu;
	for_each_possible_cpu(cpu) {
		struct sf_cpu *c = per_cpu_ptr(sc->cpu, cpu);

		/* Through a plain pointer: lockdep names the class "&c->lock" */
		local_lock_init(&c->lock);
		c->slow_at = jiffies;
	}

	for_each_node(nid) {
		n = kzalloc_node(sizeof(*n), GFP_KERNEL, nid);
		if (!n)
			goto fail_node;
		spin_lock_init(&n->list_lock);
		INIT_LIST_HEAD(&n->partial);
		sc->node[nid] = n;
	}

	sc->min_partial = slabifier_calc_min_partial(READ_ONCE(sf_min_partial),
						     sc->order, sc->objects);
	if (args->flags & SLAB_RECLAIM_ACCOUNT) {
		sc->allocflags = __GFP_RECLAIMABLE;
		sc->vmstat = NR_SLAB_RECLAIMABLE_B;
	} else {
		sc->vmstat = NR_SLAB_UNRECLAIMABLE_B;
	}
	sc->nr_hooks = args->nr_hooks;
	for (i = 0; i < args->nr_hooks; i++)
		sc->hooks[i] = args->hooks[i];

	sc->c.flags = SLAB_CACHE_DIRECT;
	sc->c.ops = &slabifier_ops;
	sc->c.allocator = slab_allocator_get(sa);
	sc->c.page_allocator = page_allocator_get(pa);
	sc->c.owner = &sc->c;
	sc->tag = args->owner ?: &sc->c;
	sc->kernel_slab = IS_ENABLED(CONFIG_MODSLAB) && args->owner;
	sc->c.name = name;
	/* Deferrable: an idle CPU is not woken up to flush */
	INIT_DEFERRABLE_WORK(&sc->flusher, sf_flusher_fn);
	init_irq_work(&sc->flusher_arm, sf_flusher_arm_fn);

	mutex_lock(&sf_caches_mutex);
	list_add(&sc->list, &sf_caches);
	mutex_unlock(&sf_caches_mutex);
	return &sc->c;

fail_node:
fail_percpu:
fail_seq:
fail_layout:
	sf_free_cache(sc);
	return ERR_PTR(err);
}

static int slabifier_destroy(struct slab_cache *c)
{
	struct sf_cache *sc = to_sf(c);
	unsigned long slabs = 0, objs, flags;
	struct slab_cache_stats st;
	LIST_HEAD(discard);
	unsigned int i;
	int cpu, nid;

	might_sleep();
	if (c->flags & SLAB_CACHE_DEAD) {
		pr_err("cache %s destroyed again after it leaked live objects; ignored\n",
		       c->name);
		return -EBUSY;
	}
	mutex_lock(&sf_caches_mutex);
	list_del(&sc->list);
	mutex_unlock(&sf_caches_mutex);
	irq_work_sync(&sc->flusher_arm);
	cancel_delayed_work_sync(&sc->flusher);
	clear_bit(0, &sc->flusher_armed);

	/* Nobody may use the cache now: flush other CPUs from here */
	for_each_possible_cpu(cpu)
		sf_flush_cpu(sc, cpu, &discard);
	sf_discard_list(sc, &discard);
	sf_free_empty(sc);
	/* Slabs waiting for a grace period still call the hooks */
	if (c->page_allocator->traits & PAGE_ALLOCATOR_RCU)
		rcu_barrier();

	for_each_node(nid)
		slabs += atomic_long_read(&sc->node[nid]->nr_slabs);
	if (slabs) {
		slabifier_stats(c, &st);
		objs = st.active_objs;
		pr_err("cache %s destroyed with objects still allocated (%lu objects in %lu slabs); leaking those slabs\n",
		       c->name, objs, slabs);
		/* Let late frees give the slabs back as they empty */
		for_each_node(nid) {
			spin_lock_irqsave(&sc->node[nid]->list_lock, flags);
			sc->min_partial = 0;
			spin_unlock_irqrestore(&sc->node[nid]->list_lock,
					       flags);
		}
		WRITE_ONCE(c->flags, c->flags | SLAB_CACHE_DEAD);
		return -EBUSY;
	}

	for (i = 0; i < sc->nr_hooks; i++) {
		if (sc->hooks[i]->ops->release)
			sc->hooks[i]->ops->release(sc->hooks[i]);
	}
	page_allocator_put(c->page_allocator);
	slab_allocator_put(c->allocator);
	sf_free_cache(sc);
	return 0;
}

static const struct slab_allocator_ops slabifier_ops = {
	.create		= slabifier_create,
	.alloc		= slabifier_alloc,
	.alloc_node	= slabifier_alloc_node,
	.free		= slabifier_free,
	.alloc_bulk	= slabifier_alloc_bulk,
	.free_bulk	= slabifier_free_bulk,
	.object_size	= slabifier_object_size,
	.valid		= slabifier_valid,
	.may_free	= slabifier_may_free,
	.next_free	= slabifier_next_free,
	.end_free_list	= slabifier_end_free_list,
	.shrink		= slabifier_shrink,
	.destroy	= slabifier_destroy,
	.stats		= slabifier_stats,
};

static struct slab_allocator slabifier = {
	.ops	= &slabifier_ops,
	.name	= "slabifier",
	.ref	= KREF_INIT(1),
};

/**
 * slabifier_allocator() - the slabifier, the core slab allocator
 *
 * The allocator is static: callers need not take a reference to use it.
 *
 * Context: any.
 * Return: the slabifier.
 */
struct slab_allocator *slabifier_allocator(void)
{
	return &slabifier;
}
EXPORT_SYMBOL_GPL(slabifier_allocator);

static int __init slabifier_init(void)
{
	int ret;

	sf_flush_wq = alloc_workqueue("modslab_flush", WQ_MEM_RECLAIM, 0);
	if (!sf_flush_wq)
		pr_warn("no flush workqueue: shrinking leaves per-CPU slabs in place\n");
	else
		sf_flusher_wq = alloc_ordered_workqueue("modslab_flusher", 0);
	if (!sf_flusher_wq)
		pr_warn("no flusher workqueue: per-CPU slabs of idle caches stay in place\n");
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "mm/modslab:dead",
					NULL, sf_cpu_dead);
	if (ret < 0)
		pr_warn("no CPU hotplug state (%d): slabs of dead CPUs stay active\n",
			ret);
	return 0;
}
core_initcall(slabifier_init);
