// SPDX-License-Identifier: GPL-2.0
/*
 * Changing the chain of a live kmem_cache: debugging on and off at run time.
 *
 * kmem_cache_set_backing(s, "debug(FZP)") gives a cache a new chain; new
 * objects come from it, objects already handed out go back to the chain
 * that made them.  The first change puts a switch between the kmem_cache
 * and its chains: s->cache then points to the switch's handle, whose
 * methods dispatch to the chains.
 *
 * Which chain made an object.  Every slab records its kmem_cache, not its
 * chain (the rest of the kernel reads that word), so the switch keeps its
 * own map: each chain made by a switch carries a per-slab hook that enters
 * the slab's first page frame in an XArray when the slab is made and
 * removes it before the slab goes back.  A slab that is not in the map
 * belongs to the first chain, the one the cache was created with (it has
 * no hook, and needs none: it is the only chain without one).
 *
 * Why it is safe against allocations and frees on other CPUs:
 *  - The current chain is an RCU-protected pointer.  An allocation reads
 *    it and takes a reference on the chain's in-flight counter (a
 *    percpu_ref) inside one RCU read-side section, and drops the reference
 *    once the chain returned.  A switch publishes the new chain, waits for
 *    a grace period (after which every allocation either holds a reference
 *    on the old chain or sees the new one), then kills the old chain's
 *    counter: when it drops to zero no allocation is in the old chain any
 *    more and none can start there.
 *  - A free looks the chain up in the map and frees to it inside an RCU
 *    read-side section.  The object is allocated, so its slab is in the
 *    map (entered before any object of the slab was handed out) and its
 *    chain has at least that slab.
 *  - A retired chain is destroyed by a work item once its counter reached
 *    zero and, after a shrink (which flushes the per-CPU slabs), it holds
 *    no slab: then no object of it is allocated.  The work item waits for
 *    a grace period before destroying it, for frees that emptied the last
 *    slab and are still inside the chain.
 *  - The first chain is the exception: allocations that read s->cache
 *    before the switch went to it directly, without a reference (the
 *    kernel's allocation path stays free of counters for every cache that
 *    is never switched).  It is shrunk like the others, so it gives its
 *    slabs back as its objects come home, but it is destroyed only with
 *    the cache.
 *
 * Undoing a switch.  Asked for the chain the cache was created with (no
 * debug layer, the same page-level layers), the switch makes the first
 * chain current again instead of building a new one.  Once the retired
 * chains are destroyed every object in use is the first chain's, and the
 * reaper takes the switch out: s->cache is the first chain again, and the
 * cache's allocations and frees cost what they cost before the switch.
 * The switch itself is kept aside, unused, until the cache is released or
 * switched again: an allocation or a free that read s->cache before may
 * still be inside it, and it still leads them to the first chain.
 *
 * Only the debug layer changes at run time, and an rcu layer can be added:
 * page-level derivers decide what memory objects live in (dma, node) and
 * when it goes back (rcu), which users of a cache rely on from its
 * creation; delaying the return of slabs by a grace period is safe for
 * any cache, taking the delay away is not.  Caches that cannot be switched: the XArray's
 * own radix_tree_node (its slabs would need its own objects to be
 * recorded) and, with KASAN, every cache (KASAN reads the layout of all
 * objects from the kmem_cache).
 */

#define pr_fmt(fmt) "slab: " fmt

#include <linux/allocator.h>
#include <linux/allocator_derive.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu-refcount.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/slab_backing.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <kunit/visibility.h>

#include "../slab.h"
#include "slab_race.h"
#include "slabulator.h"

struct slab_switch;

/**
 * struct sw_chain - one chain of a switched cache
 * @c: the top of the chain.
 * @sw: the switch.
 * @allocs: allocations in flight in this chain (not for the first chain).
 * @hook: records the chain's slabs in &slab_switch.slabs.
 * @first: the chain the cache was created with.
 * @idle: @allocs reached zero after the chain was retired.
 * @list: link in &slab_switch.old.
 */
struct sw_chain {
	struct slab_cache	*c;
	struct slab_switch	*sw;
	struct percpu_ref	allocs;
	struct slab_cache_hook	hook;
	bool			first;
	bool			idle;
	struct list_head	list;
};

/**
 * struct slab_switch - the handle of a switched cache
 * @c: what the kmem_cache's ->cache points to.
 * @s: the kmem_cache.
 * @cur: the chain new objects come from.
 * @first: the chain the cache was created with.
 * @slabs: first page frame number of a slab -> its &struct sw_chain, for
 *	every chain but @first.
 * @lock: serialises switches, shrinking, statistics, reaping, destruction.
 * @old: retired chains still holding objects (or allocations), @first
 *	among them until it is empty.
 * @reap: destroys retired chains once they are empty.
 * @interval: how long @reap waits before it looks again: a second after a
 *	change, twice as long each time it found nothing to do, up to a
 *	minute.
 * @no_merge: the cache had SLAB_NO_MERGE before it was switched.
 * @aside: link in sw_aside while the switch is taken out.
 */
struct slab_switch {
	struct slab_cache		c;
	struct kmem_cache		*s;
	struct sw_chain __rcu		*cur;
	struct sw_chain			*first;
	struct xarray			slabs;
	struct mutex			lock;	/* see above */
	struct list_head		old;
	struct delayed_work		reap;
	unsigned long			interval;
	bool				no_merge;
	struct list_head		aside;
};

/* Switches taken out of their caches, kept until the cache is released */
static LIST_HEAD(sw_aside);
static DEFINE_SPINLOCK(sw_aside_lock);

static const struct slab_allocator_ops sw_ops;

static inline struct slab_switch *to_sw(struct slab_cache *c)
{
	return container_of(c, struct slab_switch, c);
}

static struct sw_chain *sw_cur(struct slab_switch *sw)
{
	return rcu_dereference_protected(sw->cur, lockdep_is_held(&sw->lock));
}

/*
 * Is the first chain neither current nor among the retired ones (emptied
 * and kept for the cache's life)?  Context: @sw->lock held.
 */
static bool sw_first_apart(struct slab_switch *sw)
{
	return !sw->first->list.next && sw->first != sw_cur(sw);
}

/**
 * slab_switch_active() - does a kmem_cache go through a switch
 * @c: the kmem_cache's ->cache.
 *
 * Context: any.
 * Return: true if @c is the handle of a switch.
 */
bool slab_switch_active(struct slab_cache *c)
{
	return c->ops == &sw_ops;
}

/**
 * slab_switch_current() - the chain new objects of a switched cache come from
 * @c: the switch's handle.
 *
 * Context: any; the chain stays valid while the caller holds the RCU read
 * lock or the cache's sysfs attribute.
 * Return: the top of the current chain.
 */
struct slab_cache *slab_switch_current(struct slab_cache *c)
{
	return rcu_dereference_check(to_sw(c)->cur, true)->c;
}

/**
 * slab_switch_describe() - write the current chain of a switched cache
 * @c: the switch's handle.
 * @buf: where to write.
 * @len: room in @buf.
 *
 * Context: may sleep.
 * Return: the characters written.
 */
int slab_switch_describe(struct slab_cache *c, char *buf, size_t len)
{
	struct slab_switch *sw = to_sw(c);
	int n;

	mutex_lock(&sw->lock);
	n = slabulator_describe_chain(sw_cur(sw)->c, buf, len);
	mutex_unlock(&sw->lock);
	return n;
}

/* Context: RCU read-side section. */
static struct sw_chain *sw_chain_of(struct slab_switch *sw, const void *obj)
{
	struct sw_chain *ch = NULL;

	if (!IS_ERR_OR_NULL(obj) && virt_addr_valid(obj))
		ch = xa_load(&sw->slabs, folio_pfn(virt_to_folio(obj)));
	return ch ?: sw->first;
}

/**
 * slab_switch_obj_to_index() - the index of an object of a switched cache
 * @s: the cache; @s->switched is set.
 * @slab: the slab of @obj.
 * @obj: an object of @s, allocated or being freed.
 *
 * Chains differ in stride (a debug chain's slots hold red zones and
 * metadata), so the index in a slab's object extension vector divides by
 * the stride of the chain that made the slab, not by @s->size.
 *
 * Context: any.
 * Return: the index of @obj in @slab.
 */
unsigned int slab_switch_obj_to_index(const struct kmem_cache *s,
				      const struct slab *slab, void *obj)
{
	/* Pairs with the release in sw_set() */
	struct slab_cache *c = smp_load_acquire(&s->cache);
	unsigned int stride;

	/* Marked switched, the switch not published yet: one plain chain */
	if (!slab_switch_active(c))
		return __obj_to_index(s, slab_address(slab), obj);
	rcu_read_lock();
	stride = sw_chain_of(to_sw(c), obj)->c->size;
	rcu_read_unlock();
	return (kasan_reset_tag(obj) - slab_address(slab)) / stride;
}

/**
 * slab_switch_chain_of() - the chain that made an object of a switched cache
 * @c: the switch's handle.
 * @obj: an allocated object of the cache.
 *
 * Context: any; the chain lives as long as @obj is allocated.
 * Return: the top of the chain.
 */
struct slab_cache *slab_switch_chain_of(struct slab_cache *c, const void *obj)
{
	struct slab_cache *ret;

	rcu_read_lock();
	ret = sw_chain_of(to_sw(c), obj)->c;
	rcu_read_unlock();
	return ret;
}

/* The per-slab hook of the chains a switch makes */

static int sw_slab_made(struct slab_cache_hook *hook, struct slab_cache *c,
			const struct slab_event *ev, gfp_t gfp)
{
	struct sw_chain *ch = hook->private;
	XA_STATE(xas, &ch->sw->slabs, folio_pfn(virt_to_folio(ev->base)));
	unsigned long flags;

	/* How hard to try for a node of the map, not where its memory is. */
	gfp = (gfp & (GFP_KERNEL | __GFP_HIGH | __GFP_NOFAIL)) | __GFP_NOWARN;
	/*
	 * A node of the map is allocated with the lock dropped, whatever
	 * @gfp (xas_nomem()): its allocation hooks (kmemleak's object,
	 * allocation profiling's vector) may allocate from this very cache,
	 * and a new slab there comes back here for the lock.
	 */
	do {
		xas_lock_irqsave(&xas, flags);
		xas_store(&xas, ch);
		xas_unlock_irqrestore(&xas, flags);
	} while (xas_nomem(&xas, gfp));
	return xas_error(&xas);
}

static void sw_slab_freeing(struct slab_cache_hook *hook, struct slab_cache *c,
			    const struct slab_event *ev)
{
	struct sw_chain *ch = hook->private;
	unsigned long flags;

	xa_lock_irqsave(&ch->sw->slabs, flags);
	__xa_erase(&ch->sw->slabs, folio_pfn(virt_to_folio(ev->base)));
	xa_unlock_irqrestore(&ch->sw->slabs, flags);
}

static const struct slab_hook_ops sw_hook_ops = {
	.slab_made	= sw_slab_made,
	.slab_freeing	= sw_slab_freeing,
};

/* The methods of the switch */

static void *sw_alloc_node(struct slab_cache *c, gfp_t gfp, int node)
{
	struct slab_switch *sw = to_sw(c);
	struct sw_chain *ch;
	void *obj;

	rcu_read_lock();
	ch = rcu_dereference(sw->cur);
	percpu_ref_get(&ch->allocs);
	rcu_read_unlock();
	obj = slab_cache_alloc_node(ch->c, gfp, node);
	percpu_ref_put(&ch->allocs);
	return obj;
}

static void sw_free(struct slab_cache *c, void *obj)
{
	struct slab_switch *sw = to_sw(c);

	if (unlikely(!obj))
		return;
	rcu_read_lock();
	slab_cache_free(sw_chain_of(sw, obj)->c, obj);
	rcu_read_unlock();
}

static size_t sw_object_size(struct slab_cache *c, const void *obj)
{
	size_t ret;

	rcu_read_lock();
	ret = slab_cache_object_size(sw_chain_of(to_sw(c), obj)->c, obj);
	rcu_read_unlock();
	return ret;
}

static bool sw_valid(struct slab_cache *c, const void *obj)
{
	bool ret;

	rcu_read_lock();
	ret = slab_cache_valid(sw_chain_of(to_sw(c), obj)->c, obj);
	rcu_read_unlock();
	return ret;
}

static bool sw_may_free(struct slab_cache *c, const void *obj)
{
	bool ret;

	rcu_read_lock();
	ret = slab_cache_may_free(sw_chain_of(to_sw(c), obj)->c, obj);
	rcu_read_unlock();
	return ret;
}

static unsigned long sw_shrink(struct slab_cache *c, slab_move_fn move,
			       void *private)
{
	struct slab_switch *sw = to_sw(c);
	unsigned long pages;
	struct sw_chain *ch;

	mutex_lock(&sw->lock);
	pages = slab_cache_shrink(sw_cur(sw)->c, move, private);
	list_for_each_entry(ch, &sw->old, list)
		pages += slab_cache_shrink(ch->c, move, private);
	mutex_unlock(&sw->lock);
	return pages;
}

static void sw_add_stats(struct slab_cache_stats *st, struct slab_cache *c)
{
	struct slab_cache_stats o;

	slab_cache_stats(c, &o);
	st->active_objs += o.active_objs;
	st->num_objs += o.num_objs;
	st->active_slabs += o.active_slabs;
	st->num_slabs += o.num_slabs;
	st->partial_slabs += o.partial_slabs;
	st->partial_objs += o.partial_objs;
	st->cpu_slabs += o.cpu_slabs;
	st->pages += o.pages;
	st->double_frees += o.double_frees;
	st->invalid_frees += o.invalid_frees;
}

/* Sizes are those of the current chain, counts those of all chains. */
static void sw_stats(struct slab_cache *c, struct slab_cache_stats *st)
{
	struct slab_switch *sw = to_sw(c);
	struct sw_chain *ch;

	mutex_lock(&sw->lock);
	slab_cache_stats(sw_cur(sw)->c, st);
	list_for_each_entry(ch, &sw->old, list)
		sw_add_stats(st, ch->c);
	if (sw_first_apart(sw))
		sw_add_stats(st, sw->first->c);
	mutex_unlock(&sw->lock);
}

static void sw_allocs_done(struct percpu_ref *ref)
{
	struct sw_chain *ch = container_of(ref, struct sw_chain, allocs);

	WRITE_ONCE(ch->idle, true);
	mod_delayed_work(system_unbound_wq, &ch->sw->reap, 0);
}

static void sw_chain_free(struct sw_chain *ch)
{
	percpu_ref_exit(&ch->allocs);
	kfree(ch);
}

/* Free a switch that was never published, or that is out for good */
static void sw_discard(struct slab_switch *sw)
{
	sw_chain_free(sw->first);
	xa_destroy(&sw->slabs);
	kfree(sw);
}

/*
 * No object of the chain's users is left: its slabs are gone, or hold only
 * objects a debug layer took out of use for good (it frees them when the
 * chain is destroyed).  Context: @sw->lock held.
 */
static bool sw_chain_empty(struct sw_chain *ch)
{
	struct slab_cache_stats st;

	slab_cache_shrink(ch->c, NULL, NULL);
	slab_cache_stats(ch->c, &st);
	return !st.num_slabs || st.active_objs == slab_debug_held(ch->c);
}

static bool sw_cache_alive(struct kmem_cache *s);

/* Keep @sw, taken out of its cache, until the cache is released */
static void sw_put_aside(struct slab_switch *sw)
{
	spin_lock(&sw_aside_lock);
	list_add(&sw->aside, &sw_aside);
	spin_unlock(&sw_aside_lock);
}

/*
 * Take the switch out of its cache, which is alive: the first chain is
 * current and holds every object in use.  Context: slab_mutex and
 * @sw->lock held.
 */
static void sw_take_out(struct slab_switch *sw)
{
	struct kmem_cache *s = sw->s;

	/* Pairs with the acquire of obj_to_index() and the sysfs readers */
	smp_store_release(&s->cache, sw->first->c);
	WRITE_ONCE(s->switched, false);
	if (!sw->no_merge)
		WRITE_ONCE(s->flags, s->flags & ~SLAB_NO_MERGE);
	sw_put_aside(sw);
}

/*
 * Take the switch out if it is still its cache's, the cache is alive, and
 * the first chain is current with nothing else left.  Context: slab_mutex
 * and @sw->lock held.
 */
static void sw_take_out_alive(struct slab_switch *sw)
{
	if (sw->s->cache == &sw->c && sw_cache_alive(sw->s) &&
	    sw_cur(sw) == sw->first && list_empty(&sw->old))
		sw_take_out(sw);
}

/* The switch @s was taken out of, now off the aside list, or NULL */
static struct slab_switch *sw_take_back(struct kmem_cache *s)
{
	struct slab_switch *sw;

	spin_lock(&sw_aside_lock);
	list_for_each_entry(sw, &sw_aside, aside) {
		if (sw->s == s) {
			list_del(&sw->aside);
			spin_unlock(&sw_aside_lock);
			return sw;
		}
	}
	spin_unlock(&sw_aside_lock);
	return NULL;
}

/*
 * Destroy the retired chains that hold no object any more; look at the
 * others again after &slab_switch.interval.  The first chain is only
 * emptied.  With the first chain current and nothing else left, take the
 * switch out.
 */
static void sw_reap(struct work_struct *work)
{
	struct slab_switch *sw = container_of(to_delayed_work(work),
					      struct slab_switch, reap);
	struct sw_chain *ch, *tmp;
	unsigned int nr_old = 0;
	LIST_HEAD(dead);

	mutex_lock(&sw->lock);
	list_for_each_entry(ch, &sw->old, list)
		nr_old++;
	list_for_each_entry_safe(ch, tmp, &sw->old, list) {
		if (!ch->first && !READ_ONCE(ch->idle))
			continue;
		if (!sw_chain_empty(ch))
			continue;
		list_del(&ch->list);
		/* NULL next: off the list (the first chain is kept) */
		ch->list.next = NULL;
		if (!ch->first)
			list_add(&ch->list, &dead);
	}
	if (!list_empty(&dead)) {
		/* Frees that emptied the last slabs may still be inside. */
		synchronize_rcu();
		list_for_each_entry_safe(ch, tmp, &dead, list) {
			list_del(&ch->list);
			if (slab_cache_destroy(ch->c)) {
				pr_err("%s: a retired chain could not be destroyed; kept\n",
				       sw->s->name);
				continue;
			}
			sw_chain_free(ch);
		}
	}
	if (sw_cur(sw) == sw->first && list_empty(&sw->old)) {
		/* slab_mutex is taken before sw->lock: try, or look again */
		if (mutex_trylock(&slab_mutex)) {
			sw_take_out_alive(sw);
			mutex_unlock(&slab_mutex);
		} else {
			queue_delayed_work(system_unbound_wq, &sw->reap, HZ);
		}
	}
	if (!list_empty(&sw->old)) {
		bool retired = false;

		list_for_each_entry(ch, &sw->old, list) {
			nr_old--;
			retired |= !ch->first;
		}
		if (!nr_old)
			sw->interval = min(2 * sw->interval, 60UL * HZ);
		/*
		 * Only a retired chain waits to be destroyed; the first one
		 * is never, and its empty slabs go as any cache's do: no
		 * periodic work for it, so an idle system stays quiet.
		 */
		if (retired)
			queue_delayed_work(system_unbound_wq, &sw->reap,
					   sw->interval);
	}
	mutex_unlock(&sw->lock);
}

/* Retire the current chain for @next.  Context: @sw->lock held. */
static void sw_retire(struct slab_switch *sw, struct sw_chain *next)
{
	struct sw_chain *old = sw_cur(sw);

	rcu_assign_pointer(sw->cur, next);
	/* Every allocation now holds a reference on @old or sees @next. */
	synchronize_rcu();
	list_add_tail(&old->list, &sw->old);
	if (!old->first)
		percpu_ref_kill(&old->allocs);
	sw->interval = HZ;
	mod_delayed_work(system_unbound_wq, &sw->reap, HZ);
}

/* Does any chain hold objects of the users?  Context: @sw->lock held. */
static bool sw_busy(struct slab_switch *sw)
{
	struct sw_chain *ch;
	bool busy;

	busy = !sw_chain_empty(sw_cur(sw)) ||
	       (sw_first_apart(sw) && !sw_chain_empty(sw->first));
	list_for_each_entry(ch, &sw->old, list)
		busy |= !sw_chain_empty(ch);
	return busy;
}

/**
 * slab_switch_empty() - does no chain of a switched cache hold an object
 * @c: the switch's handle.
 *
 * Objects a debug layer took out of use for good do not count.
 *
 * Context: process context, may sleep.
 * Return: true if every chain is empty.
 */
bool slab_switch_empty(struct slab_cache *c)
{
	struct slab_switch *sw = to_sw(c);
	bool busy;

	mutex_lock(&sw->lock);
	busy = sw_busy(sw);
	mutex_unlock(&sw->lock);
	return !busy;
}

static int sw_destroy(struct slab_cache *c)
{
	struct slab_switch *sw = to_sw(c);
	struct sw_chain *ch, *tmp, *cur;
	bool first_off;
	LIST_HEAD(all);
	int err = 0;

	mutex_lock(&sw->lock);
	cur = sw_cur(sw);
	first_off = sw_first_apart(sw);
	if (sw_busy(sw)) {
		/* Keep everything, so that late frees still find their chain. */
		mutex_unlock(&sw->lock);
		pr_err("cache %s destroyed with objects still allocated; its chains are kept\n",
		       sw->s->name);
		return -EBUSY;
	}
	list_splice_init(&sw->old, &all);
	list_add(&cur->list, &all);
	if (first_off)
		list_add(&sw->first->list, &all);
	percpu_ref_kill(&cur->allocs);
	mutex_unlock(&sw->lock);

	/* The counters' last puts and the reaper are over after this. */
	rcu_barrier();
	cancel_delayed_work_sync(&sw->reap);
	list_for_each_entry_safe(ch, tmp, &all, list) {
		list_del(&ch->list);
		if (slab_cache_destroy(ch->c))
			err = -EBUSY;
		else
			sw_chain_free(ch);
	}
	if (err)
		return err;
	xa_destroy(&sw->slabs);
	kfree(sw);
	return 0;
}

static const struct slab_allocator_ops sw_ops = {
	.alloc_node	= sw_alloc_node,
	.free		= sw_free,
	.object_size	= sw_object_size,
	.valid		= sw_valid,
	.may_free	= sw_may_free,
	.shrink		= sw_shrink,
	.destroy	= sw_destroy,
	.stats		= sw_stats,
};

/**
 * slab_switch_release() - free what is left of a switch taken out of a cache
 * @s: a cache being released, whose chain is destroyed.
 *
 * Context: process context, may sleep.
 */
void slab_switch_release(struct kmem_cache *s)
{
	struct slab_switch *sw = sw_take_back(s);

	if (!sw)
		return;
	cancel_delayed_work_sync(&sw->reap);
	sw_discard(sw);
}

/**
 * slab_switch_reap() - destroy the retired chains that are empty, now
 * @c: the switch's handle, as read from the cache's ->cache (it stays valid
 *	once the switch is taken out).
 *
 * What the work item does a second after a change, without the wait,
 * taking the switch out if that is due.
 *
 * Context: process context, may sleep.
 */
void slab_switch_reap(struct slab_cache *c)
{
	struct slab_switch *sw = to_sw(c);

	/* Let killed in-flight counters confirm and release. */
	rcu_barrier();
	mod_delayed_work(system_unbound_wq, &sw->reap, 0);
	flush_delayed_work(&sw->reap);
	/* The work only tries slab_mutex: what it may have left undone */
	mutex_lock(&slab_mutex);
	mutex_lock(&sw->lock);
	sw_take_out_alive(sw);
	mutex_unlock(&sw->lock);
	mutex_unlock(&slab_mutex);
}
EXPORT_SYMBOL_IF_KUNIT(slab_switch_reap);

/**
 * slab_switch_nr_chains() - how many chains a switched cache has
 * @c: the switch's handle.
 *
 * Context: process context, may sleep.
 * Return: the current chain, the retired ones not destroyed yet and the
 * first chain, which lives as long as the cache.
 */
unsigned int slab_switch_nr_chains(struct slab_cache *c)
{
	struct slab_switch *sw = to_sw(c);
	struct sw_chain *ch;
	unsigned int n = 1;

	mutex_lock(&sw->lock);
	list_for_each_entry(ch, &sw->old, list)
		n++;
	if (sw_first_apart(sw))
		n++;
	mutex_unlock(&sw->lock);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(slab_switch_nr_chains);

/*
 * The alignment of a new chain's objects.  Caches merged into @s asked for
 * alignments that divide its size (find_mergeable()), which the first chain
 * met by laying objects out at multiples of it; a chain of another stride
 * must ask for the largest of them itself.
 *
 * Context: slab_mutex held (the refcount).
 */
static unsigned int sw_align(struct kmem_cache *s)
{
	if (s->refcount <= 1)
		return s->align;
	return max_t(unsigned int, s->align,
		     min_t(unsigned int, s->size & -s->size, PAGE_SIZE));
}

/*
 * A reserve keeps blocks of one order, the order of the cache's slabs: a
 * chain whose slabs have another order (a debug layer's wider stride)
 * would get none of them and lose the forward progress it promises.
 */
static int sw_reserve_fits(struct kmem_cache *s, struct slab_cache *c,
			   struct page_allocator *pa)
{
	int order = reserve_page_allocator_order(pa);
	struct slab_cache_stats st;

	if (order < 0)
		return 0;
	slab_cache_stats(c, &st);
	if (st.order == order)
		return 0;
	pr_err("%s: its reserve keeps blocks of order %d, the new chain's slabs would be of order %u; refused\n",
	       s->name, order, st.order);
	return -EINVAL;
}

/*
 * Make a chain for @s with debug flags @debug (0: none), over the page
 * allocators of the current chain, with an rcu layer added if @rcu.
 */
static struct sw_chain *sw_make_chain(struct slab_switch *sw,
				      unsigned int debug, bool rcu)
{
	static const struct slab_backing add_rcu = {
		.nr = 1,
		.step = { { .kind = SLAB_BACKING_RCU } },
	};
	struct kmem_cache *s = sw->s;
	struct slabulator_chain req = {
		.set_debug = true,
		.debug = debug,
	};
	struct sw_chain *ch;
	int err;

	ch = kzalloc(sizeof(*ch), GFP_KERNEL);
	if (!ch)
		return ERR_PTR(-ENOMEM);
	err = percpu_ref_init(&ch->allocs, sw_allocs_done, 0, GFP_KERNEL);
	if (err)
		goto fail;
	ch->sw = sw;
	ch->hook.ops = &sw_hook_ops;
	ch->hook.private = ch;
	req.hook = &ch->hook;
	/* Keep the page-level layers of the chain the cache has now. */
	req.pa = sw_cur(sw)->c->page_allocator;
	if (rcu && !(req.pa->traits & PAGE_ALLOCATOR_RCU))
		req.spec = &add_rcu;
	ch->c = slabulator_build_chain(s, sw_align(s), NULL, &req);
	if (IS_ERR(ch->c)) {
		err = PTR_ERR(ch->c);
	} else {
		err = sw_reserve_fits(s, ch->c, req.pa);
		if (!err)
			return ch;
		slab_cache_destroy(ch->c);
	}
	percpu_ref_exit(&ch->allocs);
fail:
	kfree(ch);
	return ERR_PTR(err);
}

static struct slab_switch *sw_install(struct kmem_cache *s)
{
	struct slab_switch *sw;
	struct sw_chain *first;

	sw = kzalloc(sizeof(*sw), GFP_KERNEL);
	first = kzalloc(sizeof(*first), GFP_KERNEL);
	/* Counted while current again after an undo (sw_take_out()) */
	if (!sw || !first ||
	    percpu_ref_init(&first->allocs, sw_allocs_done, 0, GFP_KERNEL)) {
		kfree(sw);
		kfree(first);
		return NULL;
	}
	first->c = s->cache;
	first->sw = sw;
	first->first = true;
	sw->s = s;
	sw->no_merge = s->flags & SLAB_NO_MERGE;
	sw->first = first;
	RCU_INIT_POINTER(sw->cur, first);
	xa_init_flags(&sw->slabs, XA_FLAGS_LOCK_IRQ);
	mutex_init(&sw->lock);
	INIT_LIST_HEAD(&sw->old);
	INIT_DELAYED_WORK(&sw->reap, sw_reap);

	sw->c = *s->cache;
	sw->c.flags = 0;
	sw->c.ops = &sw_ops;
	sw->c.owner = &sw->c;
	return sw;
}

/* Does a layer of the chain under @c debug? */
static bool sw_chain_debugs(struct slab_cache *c)
{
	struct slab_allocator *sa;

	for (sa = c->allocator; sa; sa = sa->base) {
		if (sa->traits & SLAB_ALLOCATOR_DEBUG)
			return true;
	}
	return false;
}

/*
 * Is the first chain what a switch to @debug, with an rcu layer if @rcu,
 * asks for: no debug layer, and an rcu layer exactly when one is asked for
 * or the current chain has one (an rcu layer is never taken away)?
 * Context: @sw->lock held.
 */
static bool sw_first_fits(struct slab_switch *sw, unsigned int debug,
			  bool rcu)
{
	struct slab_cache *first = sw->first->c;

	if (debug || sw_chain_debugs(first))
		return false;
	rcu |= sw_cur(sw)->c->page_allocator->traits & PAGE_ALLOCATOR_RCU;
	return rcu == !!(first->page_allocator->traits & PAGE_ALLOCATOR_RCU);
}

/*
 * Publish @sw, which is not yet the cache's, with the chain @next
 * current.  The first chain's allocations before are not counted (see
 * the top of the file).  Context: slab_mutex and @sw->lock held.
 */
static void sw_publish(struct slab_switch *sw, struct sw_chain *next)
{
	struct kmem_cache *s = sw->s;

	rcu_assign_pointer(sw->cur, next);
	/*
	 * Before any slab of another stride exists: obj_to_index().
	 * Readers that see it still find the plain chain in s->cache
	 * until the release below, and must look (one acquire load).
	 */
	WRITE_ONCE(s->switched, true);
	slab_race_window(SLAB_RACE_SWITCH_PUBLISH, s->cache, NULL);
	/* From here on allocations and frees go through the switch. */
	smp_store_release(&s->cache, &sw->c);
	list_add_tail(&sw->first->list, &sw->old);
	sw->interval = HZ;
	mod_delayed_work(system_unbound_wq, &sw->reap, HZ);
}

/*
 * Switch @s to a chain with @debug (0: none), with an rcu layer if @rcu.
 * The first chain, when it is what is asked for, rather than a new one.
 * Context: slab_mutex held.
 */
static int sw_set(struct kmem_cache *s, unsigned int debug, bool rcu)
{
	struct slab_switch *sw;
	struct sw_chain *next;
	bool aside = false;

	if (slab_switch_active(s->cache)) {
		sw = to_sw(s->cache);
	} else {
		sw = sw_take_back(s);
		aside = sw;
		if (!sw)
			sw = sw_install(s);
		if (!sw)
			return -ENOMEM;
	}
	mutex_lock(&sw->lock);
	if (sw_first_fits(sw, debug, rcu)) {
		next = sw->first;
	} else {
		next = sw_make_chain(sw, debug, rcu);
		if (IS_ERR(next))
			goto out;
	}
	if (next == sw_cur(sw)) {
		/* Asked for what it has: nothing changes, nothing is made */
		next = NULL;
	} else if (slab_switch_active(s->cache)) {
		if (next == sw->first) {
			/* Current again: off the retired ones (if it was) */
			if (next->list.next)
				list_del(&next->list);
			next->list.next = NULL;
		}
		sw_retire(sw, next);
		next = NULL;
	} else {
		sw_publish(sw, next);
		mutex_unlock(&sw->lock);
		return 0;
	}
out:
	mutex_unlock(&sw->lock);
	if (!slab_switch_active(s->cache)) {
		if (aside)
			sw_put_aside(sw);
		else
			sw_discard(sw);
	}
	return PTR_ERR_OR_ZERO(next);
}

/* Context: slab_mutex held. */
static bool sw_cache_alive(struct kmem_cache *s)
{
	struct kmem_cache *t;

	list_for_each_entry(t, &slab_caches, list) {
		if (t == s)
			return s->refcount > 0;
	}
	return false;
}

/**
 * kmem_cache_set_backing() - change the debugging layer of a live cache
 * @s: the cache.
 * @spec: "debug(<letters>)" (SLUB's F Z P U T; "debug" alone means FZPU)
 *	for a chain with that debug layer, "none" for one without, either
 *	optionally followed by ",rcu" (or "rcu" alone) to add an rcu layer
 *	if the cache has none.  The page-level layers of the cache stay:
 *	an rcu layer is never taken away.
 *
 * New objects come from the new chain at once; objects allocated before go
 * back to the chain that made them, which is destroyed once they are all
 * back.  Asked for the chain the cache was created with (typically "none"
 * after a "debug"), the cache goes back to that chain, and once the other
 * chains are gone it is as if it had never been switched: the same fast
 * path, mergeable again if it was.  Until then it is never merged with
 * another one; the caches merged into it before are switched with it
 * (they are one cache), and the new chain keeps the alignment each of them
 * asked for.  Its
 * SLAB_* flags stay those it was created with, but for SLAB_POISON, which
 * it loses: init_on_alloc and init_on_free leave alone the objects of a
 * poisoning cache, and after a switch its objects may come from a chain
 * that does not poison.  A poisoning chain's objects are then wiped, and
 * poisoned after.  /sys/kernel/slab/<cache>/allocator shows the chain,
 * and the attributes of its layout and checks follow it.
 *
 * Context: process context, may sleep; takes slab_mutex.
 * Return: 0, -EINVAL (with one message) for a bad @spec, a page-level
 * deriver other than rcu or a cache that cannot be switched, -ENOENT for a cache being
 * destroyed, -ENOMEM.
 */
int kmem_cache_set_backing(struct kmem_cache *s, const char *spec)
{
	size_t len = strcspn(spec, "\n");
	struct slab_backing b;
	char ctx[64];
	int err;

	snprintf(ctx, sizeof(ctx), "slab: %s", s->name);
	err = slab_backing_parse(spec, len, &b, ctx);
	if (err)
		return err;
	if (b.nr > 1 || (b.nr && b.step[0].kind != SLAB_BACKING_RCU)) {
		pr_err("%s: only debug and rcu can be asked for at run time; '%.*s' refused\n",
		       s->name, (int)len, spec);
		return -EINVAL;
	}
	if (IS_ENABLED(CONFIG_KASAN) || !strcmp(s->name, "radix_tree_node")) {
		pr_err("%s: the chain of this cache cannot change at run time\n",
		       s->name);
		return -EINVAL;
	}
	mutex_lock(&slab_mutex);
	/* A write to sysfs may race with kmem_cache_destroy(). */
	if (!sw_cache_alive(s)) {
		err = -ENOENT;
	} else {
		err = sw_set(s, b.has_debug ? b.debug : 0, b.nr);
		/*
		 * Its objects no longer all have the layout of one chain: no
		 * merging (and, through s->switched, ksize() offers no byte
		 * past the object, where a debug chain has its red zone).
		 */
		if (!err && slab_switch_active(s->cache))
			WRITE_ONCE(s->flags,
				   (s->flags | SLAB_NO_MERGE) & ~SLAB_POISON);
	}
	mutex_unlock(&slab_mutex);
	return err;
}
EXPORT_SYMBOL_GPL(kmem_cache_set_backing);
