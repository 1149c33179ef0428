// SPDX-License-Identifier: GPL-2.0
/*
 * The debug deriver: a slab allocator that checks every object it hands
 * out and takes back, with SLUB's debugging options F, Z, P, U and T.
 *
 * Theory statement
 * ================
 *
 * 1. Layering.  A debug cache wraps a cache of its base allocator whose
 *    objects ("slots") are larger than the objects users see.  Users get
 *    an interior pointer; the base never sees one.  The debug cache is the
 *    owner of the base cache (slab_cache_set_owner()), so a lookup by
 *    address finds the debug handle.  Debugging is per object and is
 *    allowed to be slow: debug caches never take the direct fast path.
 *
 * 2. Slot layout (offsets from the start of a slot, all set at creation):
 *
 *	0	left red zone		Z: 'left' bytes, keeps object alignment
 *	left	object			'size' bytes, what users see
 *		right red zone		Z: up to the next word, plus one word
 *	meta	free pointer		the base's free list link: never in the
 *					object, so free objects can be poisoned
 *		state			FREE, ALLOC, QUARANTINE...
 *		tracks			U: last allocation and free
 *	total	padding			P: up to the stride of the base
 *
 *    The tail of each slab after its last slot is padding too.
 *
 * 3. Object states.  FREE: in the base's free lists; red zones hold
 *    SLUB_RED_INACTIVE and, with P, the object holds POISON_FREE ending
 *    in POISON_END.  ALLOC: handed out; red zones hold SLUB_RED_ACTIVE.
 *    QUARANTINE: found damaged; reported once, then never handed out nor
 *    checked again.  A quarantined object is leaked (it stays allocated in
 *    the base) until its cache is destroyed.  QUARANTINE_FREE: found
 *    damaged by validation while in the base's free lists (or with a state
 *    word so damaged that nobody knows); it becomes QUARANTINE when the
 *    base hands it out, and is never given back to the base before that,
 *    which would free it twice.  Objects that keep contents
 *    while free (a constructor above, %SLAB_TYPESAFE_BY_RCU) are never
 *    poisoned; their red zones and padding still are checked.
 *
 * 4. When things are checked.  Free: the pointer must be the start of an
 *    object of the cache (else an invalid free is reported and ignored),
 *    the object must be ALLOC (else a double free is reported and
 *    ignored), and its red zones intact.  Allocation: the slot the base
 *    returns must be FREE with red zones, poison and padding intact; a
 *    damaged one is quarantined and another one taken.  Validation
 *    (slab_debug_validate()) walks every slab of the cache.  A slab's tail
 *    padding is checked when the slab is given back.
 *
 * 5. Reports.  One report per damaged object, in SLUB's format ("BUG
 *    <cache> (<taint>): Redzone overwritten", first bad byte, tracks, hex
 *    dumps of red zones, object and padding, a stack dump), then a "FIX"
 *    line saying what was done.  Reports go through pr_err() and are
 *    counted per cache and kind (slab_debug_errors()); a callback can
 *    observe them (slab_debug_set_report()).  Nothing WARN()s or BUG()s:
 *    the point is to report and continue.
 *
 * 6. Locks.  Each debug cache has a spinlock that serialises checks and
 *    state changes of its objects, and a list of its slabs under an
 *    interrupt safe lock, filled and emptied by a per-slab hook.  The
 *    list is linked through the metadata of each slab's first slot, so
 *    keeping it allocates nothing: a cache made before the rest of the
 *    slab layer (the kmalloc caches, at boot) can be debugged too.
 *    Order: list lock, then the cache lock.  Calls into the base are
 *    made with neither held, since the base calls the hook.  Both locks
 *    are taken where allocations are made under the scheduler's and the
 *    timers' locks (the debug-objects pool refills itself under a timer
 *    base lock), so what is printed under them goes to the consoles
 *    later, from an irq_work (printk_deferred_enter()), as the
 *    slabifier's reports do: a console driver that wakes a task under
 *    its port lock would otherwise close a circle of locks.
 */

#define pr_fmt(fmt) "modslab: " fmt

#include <kunit/visibility.h>
#include <linux/allocator_derive.h>
#include <linux/atomic.h>
#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/panic.h>
#include <linux/poison.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/stackdepot.h>
#include <linux/stacktrace.h>
#include <linux/string.h>

#include "internal.h"

#define DBG_STATE_FREE		0xf7eef7eeUL
#define DBG_STATE_ALLOC		0xa110ca7eUL
#define DBG_STATE_QUARANTINE	0x0bad0badUL
#define DBG_STATE_QUARANTINE_FREE 0x0badf7eeUL

#define DBG_STACK_DEPTH		16
#define DBG_DUMP_MAX		256	/* bytes of an object in a report */

/**
 * struct dbg_track - where an object was last allocated or freed
 * @addr: the caller.
 * @handle: its stack, in the stack depot (0 if none).
 * @cpu: the CPU.
 * @pid: the task.
 * @when: jiffies.
 */
struct dbg_track {
	unsigned long		addr;
	depot_stack_handle_t	handle;
	int			cpu;
	int			pid;
	unsigned long		when;
};

enum { DBG_TRACK_ALLOC, DBG_TRACK_FREE };

/**
 * struct dbg_meta - per-object metadata after the right red zone
 * @freeptr: the base allocator's free pointer, as the base stores it (read
 *	it with slab_cache_next_free()).
 * @state: DBG_STATE_*.
 * @slab: in the first slot of a slab, its link in &dbg_cache.slabs.
 * @slab_objects: in the first slot of a slab, the slab's number of slots
 *	(slabs of a smaller order hold fewer).
 * @track: with U, the last allocation and free.
 */
struct dbg_meta {
	void			*freeptr;
	unsigned long		state;
	struct list_head	slab;
	unsigned int		slab_objects;
	struct dbg_track	track[];
};

/**
 * struct dbg_sa - a debug slab allocator
 * @sa: the allocator.
 * @flags: &enum slab_debug_flags for its caches.
 * @name: "debug(" and the letters of @flags ")", its name in chains.
 */
struct dbg_sa {
	struct slab_allocator	sa;
	unsigned int		flags;
	char			name[sizeof("debug(FZPUT)")];
};

/**
 * struct dbg_cache - a debug cache
 * @c: the handle users hold.
 * @base: the wrapped cache of the base allocator.
 * @flags: &enum slab_debug_flags.
 * @left: bytes before the object in a slot (the left red zone).
 * @rz_end: end of the right red zone, from the start of the slot.
 * @meta: offset of &struct dbg_meta in a slot.
 * @total: bytes of a slot in use; padding follows up to the stride.
 * @stride: distance between slots.
 * @poison_obj: free objects are poisoned.
 * @lock: serialises checks and state changes of objects.
 * @slabs_lock: protects @slabs.
 * @slabs: the slabs of the cache, through &dbg_meta.slab of their first slot.
 * @hook: the per-slab hook installed in @base.
 * @nr_hooks: number of @hooks.
 * @hooks: hooks of the derivers above, called with translated events.
 * @report: report callback, or NULL.
 * @report_private: its cookie.
 * @errors: reports made, per &enum slab_debug_error.
 */
struct dbg_cache {
	struct slab_cache	c;
	struct slab_cache	*base;

	/* Layout, fixed at creation */
	unsigned int		flags;
	unsigned int		left;
	unsigned int		rz_end;
	unsigned int		meta;
	unsigned int		total;
	unsigned int		stride;
	bool			poison_obj;

	/* Checking */
	spinlock_t		lock;	/* see §6 */
	spinlock_t		slabs_lock;
	struct list_head	slabs;
	struct slab_cache_hook	hook;
	unsigned int		nr_hooks;
	struct slab_cache_hook	*hooks[SLAB_CACHE_MAX_HOOKS];

	/* Reporting */
	slab_debug_report_fn	report;
	void			*report_private;
	atomic_long_t		errors[SLABDBG_ERR_NR];
};

/**
 * struct dbg_fault - what a check found
 * @err: the kind.
 * @what: what was damaged, as the report's title says it.
 * @start: the area checked.
 * @first: its first bad byte.
 * @len: its length.
 * @expect: the byte it should hold.
 */
struct dbg_fault {
	enum slab_debug_error	err;
	const char		*what;
	u8			*start;
	u8			*first;
	unsigned int		len;
	u8			expect;
};

static const struct slab_allocator_ops dbg_ops;
static bool dbg_depot_ready;

static inline struct dbg_cache *to_dbg(struct slab_cache *c)
{
	return container_of(c, struct dbg_cache, c);
}

static struct dbg_cache *dbg_cache_of(struct slab_cache *c)
{
	if (IS_ERR_OR_NULL(c) || c->ops != &dbg_ops)
		return NULL;
	return to_dbg(c);
}

static inline void *dbg_obj(struct dbg_cache *dc, void *slot)
{
	return slot + dc->left;
}

static inline struct dbg_meta *dbg_meta(struct dbg_cache *dc, void *slot)
{
	return slot + dc->meta;
}

/* Slots of the slab at @base: as many as it was made with, never more than fit */
static unsigned int dbg_slab_objects(struct dbg_cache *dc, void *base)
{
	return min_t(unsigned long, dbg_meta(dc, base)->slab_objects,
		     folio_size(virt_to_folio(base)) / dc->stride);
}

static inline unsigned int dbg_size(struct dbg_cache *dc)
{
	return dc->c.object_size;
}

/*
 * Tracks (U)
 */

static depot_stack_handle_t dbg_save_stack(void)
{
#ifdef CONFIG_STACKDEPOT
	unsigned long entries[DBG_STACK_DEPTH];
	unsigned int nr;

	if (!READ_ONCE(dbg_depot_ready))
		return 0;
	nr = stack_trace_save(entries, ARRAY_SIZE(entries), 2);
	return stack_depot_save(entries, nr, GFP_NOWAIT | __GFP_NOWARN);
#else
	return 0;
#endif
}

static void dbg_set_track(struct dbg_cache *dc, void *slot, int which,
			  unsigned long addr, depot_stack_handle_t handle)
{
	struct dbg_track *t;

	if (!(dc->flags & SLABDBG_USER))
		return;
	t = &dbg_meta(dc, slot)->track[which];
	t->addr = addr;
	t->handle = handle;
	t->cpu = raw_smp_processor_id();
	t->pid = current->pid;
	t->when = jiffies;
}

static void dbg_print_track(const char *s, const struct dbg_track *t)
{
	if (!t->addr)
		return;
	pr_err("%s in %pS age=%lu cpu=%d pid=%d\n", s, (void *)t->addr,
	       jiffies - t->when, t->cpu, t->pid);
#ifdef CONFIG_STACKDEPOT
	if (t->handle)
		stack_depot_print(t->handle);
	else
		pr_err("(stack not recorded)\n");
#endif
}

/*
 * Slot initialisation and checks
 */

static void dbg_set_redzones(struct dbg_cache *dc, void *slot, u8 val)
{
	unsigned int end = dc->left + dbg_size(dc);

	if (!(dc->flags & SLABDBG_REDZONE))
		return;
	memset(slot, val, dc->left);
	memset(slot + end, val, dc->rz_end - end);
}

static void dbg_poison(struct dbg_cache *dc, void *slot)
{
	u8 *p = dbg_obj(dc, slot);

	if (!dc->poison_obj)
		return;
	memset(p, POISON_FREE, dbg_size(dc) - 1);
	p[dbg_size(dc) - 1] = POISON_END;
}

static void dbg_init_slot(struct dbg_cache *dc, void *slot)
{
	struct dbg_meta *m = dbg_meta(dc, slot);

	dbg_set_redzones(dc, slot, SLUB_RED_INACTIVE);
	dbg_poison(dc, slot);
	slab_cache_end_free_list(dc->base, slot);
	m->state = DBG_STATE_FREE;
	if (dc->flags & SLABDBG_USER)
		memset(m->track, 0, 2 * sizeof(m->track[0]));
	if (dc->flags & SLABDBG_POISON)
		memset(slot + dc->total, POISON_INUSE, dc->stride - dc->total);
}

static bool dbg_check_bytes(u8 *start, unsigned int len, u8 expect,
			    enum slab_debug_error err, const char *what,
			    struct dbg_fault *f)
{
	u8 *first = len ? memchr_inv(start, expect, len) : NULL;

	if (!first)
		return true;
	f->err = err;
	f->what = what;
	f->start = start;
	f->first = first;
	f->len = len;
	f->expect = expect;
	return false;
}

/*
 * Check red zones (holding @rz), the poison of a free object when
 * @poisoned, and the padding.  Returns true if all is well.
 */
static bool dbg_check_slot(struct dbg_cache *dc, void *slot, u8 rz,
			   bool poisoned, struct dbg_fault *f)
{
	unsigned int end = dc->left + dbg_size(dc);
	u8 *obj = dbg_obj(dc, slot);

	if (dc->flags & SLABDBG_REDZONE) {
		if (!dbg_check_bytes(slot, dc->left, rz, SLABDBG_ERR_REDZONE,
				     "Left Redzone overwritten", f))
			return false;
		if (!dbg_check_bytes(slot + end, dc->rz_end - end, rz,
				     SLABDBG_ERR_REDZONE,
				     "Right Redzone overwritten", f))
			return false;
	}
	if (poisoned && dc->poison_obj) {
		if (!dbg_check_bytes(obj, dbg_size(dc) - 1, POISON_FREE,
				     SLABDBG_ERR_POISON, "Poison overwritten",
				     f))
			return false;
		if (!dbg_check_bytes(obj + dbg_size(dc) - 1, 1, POISON_END,
				     SLABDBG_ERR_POISON, "Poison overwritten",
				     f))
			return false;
	}
	if (dc->flags & SLABDBG_POISON) {
		if (!dbg_check_bytes(slot + dc->total, dc->stride - dc->total,
				     POISON_INUSE, SLABDBG_ERR_PADDING,
				     "Object padding overwritten", f))
			return false;
	}
	return true;
}

/*
 * Reports (§5)
 */

static void dbg_hex(const char *text, void *addr, unsigned int len)
{
	if (len)
		print_hex_dump(KERN_ERR, text, DUMP_PREFIX_ADDRESS, 16, 1, addr,
			       min_t(unsigned int, len, DBG_DUMP_MAX), true);
}

static void dbg_print_slot(struct dbg_cache *dc, void *slot)
{
	unsigned int end = dc->left + dbg_size(dc);
	struct dbg_meta *m = dbg_meta(dc, slot);
	void *slab = folio_address(virt_to_folio(slot));

	if (dc->flags & SLABDBG_USER) {
		dbg_print_track("Allocated", &m->track[DBG_TRACK_ALLOC]);
		dbg_print_track("Freed", &m->track[DBG_TRACK_FREE]);
	}
	pr_err("Slab 0x%p objects=%u stride=%u\n", slab,
	       dbg_slab_objects(dc, slab), dc->stride);
	pr_err("Object 0x%p @offset=%lu state=%#lx fp=0x%p\n\n",
	       dbg_obj(dc, slot), (unsigned long)(slot - slab) + dc->left,
	       m->state, slab_cache_next_free(dc->base, slot));
	if (dc->flags & SLABDBG_REDZONE)
		dbg_hex("Redzone  ", slot, dc->left);
	dbg_hex("Object   ", dbg_obj(dc, slot), dbg_size(dc));
	if (dc->flags & SLABDBG_REDZONE)
		dbg_hex("Redzone  ", slot + end, dc->rz_end - end);
	if (dc->flags & SLABDBG_POISON)
		dbg_hex("Padding  ", slot + dc->total, dc->stride - dc->total);
}

/* Take a lock of the cache; printing is deferred while it is held (§6) */
static void dbg_lock(spinlock_t *lock, unsigned long *flags)
	__acquires(lock)
{
	spin_lock_irqsave(lock, *flags);
	printk_deferred_enter();
}

static void dbg_unlock(spinlock_t *lock, unsigned long flags)
	__releases(lock)
{
	printk_deferred_exit();
	spin_unlock_irqrestore(lock, flags);
}

/*
 * Report an error.  @slot is the damaged slot or NULL; @ptr the pointer to
 * name to the callback; @f what was found, or NULL.  Called with dc->lock
 * held.
 */
static void dbg_report(struct dbg_cache *dc, enum slab_debug_error err,
		       void *slot, const void *ptr, const char *what,
		       const struct dbg_fault *f, const char *fix)
{
	u8 *last;

	atomic_long_inc(&dc->errors[err]);
	pr_err("=============================================================================\n");
	pr_err("BUG %s (%s): %s\n", dc->c.name, print_tainted(), what);
	pr_err("-----------------------------------------------------------------------------\n\n");
	if (f) {
		last = f->first;
		while (last < f->start + f->len - 1 && last[1] != f->expect)
			last++;
		pr_err("0x%p-0x%p @offset=%lu. First byte 0x%x instead of 0x%x\n",
		       f->first, last,
		       (unsigned long)(f->first - (u8 *)(slot ?: f->start)),
		       *f->first, f->expect);
	}
	if (slot)
		dbg_print_slot(dc, slot);
	else if (!f)
		pr_err("Pointer 0x%p is not the start of an object of %s\n",
		       ptr, dc->c.name);
	dump_stack();
	pr_err("FIX %s: %s\n", dc->c.name, fix);
	if (dc->report)
		dc->report(&dc->c, err, ptr, dc->report_private);
}

static inline bool dbg_quarantined(unsigned long state)
{
	return state == DBG_STATE_QUARANTINE ||
	       state == DBG_STATE_QUARANTINE_FREE;
}

/* @held: the base has the slot allocated (not in its free lists). */
static void dbg_quarantine(struct dbg_cache *dc, void *slot,
			   const struct dbg_fault *f, bool held)
{
	dbg_meta(dc, slot)->state = held ? DBG_STATE_QUARANTINE :
					   DBG_STATE_QUARANTINE_FREE;
	dbg_report(dc, f->err, slot, dbg_obj(dc, slot), f->what, f,
		   "Object marked used and never handed out again");
}

static void dbg_bad_state(struct dbg_cache *dc, void *slot, bool held)
{
	dbg_meta(dc, slot)->state = held ? DBG_STATE_QUARANTINE :
					   DBG_STATE_QUARANTINE_FREE;
	dbg_report(dc, SLABDBG_ERR_METADATA, slot, dbg_obj(dc, slot),
		   "Object metadata overwritten", NULL,
		   "Object marked used and never handed out again");
}

/*
 * Allocation and free
 */

/* Take a slot the base handed out.  Returns false if it was damaged. */
static bool dbg_alloc_slot(struct dbg_cache *dc, void *slot,
			   unsigned long addr, depot_stack_handle_t handle)
{
	struct dbg_meta *m = dbg_meta(dc, slot);
	struct dbg_fault f;
	unsigned long flags;
	bool ok = false;

	dbg_lock(&dc->lock, &flags);
	if (dbg_quarantined(m->state)) {
		/* Found damaged while free and reported then: keep it */
		m->state = DBG_STATE_QUARANTINE;
		goto out;
	}
	if (m->state != DBG_STATE_FREE) {
		dbg_bad_state(dc, slot, true);
		goto out;
	}
	if (!dbg_check_slot(dc, slot, SLUB_RED_INACTIVE, true, &f)) {
		dbg_quarantine(dc, slot, &f, true);
		goto out;
	}
	m->state = DBG_STATE_ALLOC;
	dbg_set_redzones(dc, slot, SLUB_RED_ACTIVE);
	dbg_set_track(dc, slot, DBG_TRACK_ALLOC, addr, handle);
	ok = true;
out:
	dbg_unlock(&dc->lock, flags);
	return ok;
}

static void *dbg_alloc_node(struct slab_cache *c, gfp_t gfp, int node)
{
	struct dbg_cache *dc = to_dbg(c);
	depot_stack_handle_t handle = 0;
	void *slot, *obj;

	if (dc->flags & SLABDBG_USER)
		handle = dbg_save_stack();
	do {
		slot = slab_cache_alloc_node(dc->base, gfp & ~__GFP_ZERO, node);
		if (!slot)
			return NULL;
		if ((dc->flags & SLABDBG_SANITY) &&
		    !slab_cache_valid(dc->base, slot)) {
			/* The base's free list is broken: stop using it */
			pr_err("cache %s: base allocator returned 0x%p, not an object of the cache\n",
			       c->name, slot);
			atomic_long_inc(&dc->errors[SLABDBG_ERR_METADATA]);
			return NULL;
		}
	} while (!dbg_alloc_slot(dc, slot, _RET_IP_, handle));

	obj = dbg_obj(dc, slot);
	if (gfp & __GFP_ZERO)
		memset(obj, 0, dbg_size(dc));
	if (dc->flags & SLABDBG_TRACE)
		pr_info("TRACE %s alloc 0x%p size=%u\n", c->name, obj,
			dbg_size(dc));
	return obj;
}

/*
 * Check and retire an object being freed.  Returns its slot if it may go
 * back to the base, NULL if the free is refused (reported) or the object
 * is quarantined.
 */
static void *dbg_free_slot(struct dbg_cache *dc, void *obj, unsigned long addr,
			   depot_stack_handle_t handle)
{
	void *slot = obj - dc->left;
	struct dbg_fault f;
	unsigned long flags;
	struct dbg_meta *m;

	dbg_lock(&dc->lock, &flags);
	if (!slab_cache_valid(dc->base, slot)) {
		dbg_report(dc, SLABDBG_ERR_INVALID_FREE, NULL, obj,
			   "Invalid object pointer freed", NULL,
			   "Free ignored");
		goto refuse;
	}
	m = dbg_meta(dc, slot);
	if (dbg_quarantined(m->state))
		goto refuse;
	if (m->state == DBG_STATE_FREE) {
		dbg_report(dc, SLABDBG_ERR_DOUBLE_FREE, slot, obj,
			   "Object already free", NULL, "Free ignored");
		goto refuse;
	}
	if (m->state != DBG_STATE_ALLOC) {
		dbg_bad_state(dc, slot, true);
		goto refuse;
	}
	if (!dbg_check_slot(dc, slot, SLUB_RED_ACTIVE, false, &f)) {
		dbg_quarantine(dc, slot, &f, true);
		goto refuse;
	}
	dbg_set_track(dc, slot, DBG_TRACK_FREE, addr, handle);
	if (dc->flags & SLABDBG_TRACE) {
		pr_info("TRACE %s free 0x%p size=%u\n", dc->c.name, obj,
			dbg_size(dc));
		print_hex_dump(KERN_INFO, "Object ", DUMP_PREFIX_ADDRESS, 16, 1,
			       obj, min_t(unsigned int, dbg_size(dc),
					  DBG_DUMP_MAX), true);
	}
	dbg_poison(dc, slot);
	dbg_set_redzones(dc, slot, SLUB_RED_INACTIVE);
	m->state = DBG_STATE_FREE;
	dbg_unlock(&dc->lock, flags);
	return slot;

refuse:
	dbg_unlock(&dc->lock, flags);
	return NULL;
}

static void dbg_free(struct slab_cache *c, void *obj)
{
	struct dbg_cache *dc = to_dbg(c);
	depot_stack_handle_t handle = 0;
	void *slot;

	if (unlikely(!obj))
		return;
	if (dc->flags & SLABDBG_USER)
		handle = dbg_save_stack();
	slot = dbg_free_slot(dc, obj, _RET_IP_, handle);
	if (slot)
		slab_cache_free(dc->base, slot);
}

/*
 * Per-slab hook: set up and retire slabs, forward to the hooks above
 */

static void dbg_upper_event(struct dbg_cache *dc, const struct slab_event *ev,
			    struct slab_event *uev)
{
	*uev = *ev;
	uev->base = ev->base + dc->left;
	uev->object_size = dbg_size(dc);
}

static void dbg_upper_freeing(struct dbg_cache *dc,
			      const struct slab_event *uev, unsigned int nr)
{
	while (nr--) {
		if (dc->hooks[nr]->ops->slab_freeing)
			dc->hooks[nr]->ops->slab_freeing(dc->hooks[nr], &dc->c,
							 uev);
	}
}

static void dbg_check_tail(struct dbg_cache *dc, const struct slab_event *ev)
{
	unsigned long used = (unsigned long)ev->objects * ev->stride;
	struct dbg_fault f;
	unsigned long flags;

	if (!(dc->flags & SLABDBG_POISON))
		return;
	dbg_lock(&dc->lock, &flags);
	if (!dbg_check_bytes(ev->base + used, (PAGE_SIZE << ev->order) - used,
			     POISON_INUSE, SLABDBG_ERR_PADDING,
			     "Slab padding overwritten", &f)) {
		dbg_report(dc, SLABDBG_ERR_PADDING, NULL, ev->base, f.what, &f,
			   "Padding restored");
		dbg_hex("Padding  ", f.start, f.len);
		memset(f.start, POISON_INUSE, f.len);
	}
	dbg_unlock(&dc->lock, flags);
}

/*
 * The slab list runs through slot metadata, which an overrun of an object
 * can reach: every link is checked before it is followed or unlinked.
 */

/* The slab whose first slot holds @link, or NULL if @link cannot be one. */
static void *dbg_slab_of(struct dbg_cache *dc, struct list_head *link)
{
	void *base = (void *)link - offsetof(struct dbg_meta, slab) - dc->meta;

	if (!PAGE_ALIGNED(base) || !virt_addr_valid(base) ||
	    !slab_cache_valid(dc->base, base))
		return NULL;
	return base;
}

static bool dbg_link_ok(struct dbg_cache *dc, struct list_head *link)
{
	if (!link)
		return false;
	return link == &dc->slabs || dbg_slab_of(dc, link);
}

static void dbg_slab_list_corrupt(struct dbg_cache *dc, void *base)
{
	dbg_report(dc, SLABDBG_ERR_METADATA, NULL, base, "Slab list corrupt",
		   NULL, "Slab list cut; validation will miss the slabs after it");
}

/*
 * The slab after *@pos (the first after the list head), moving *@pos on;
 * NULL at the end of the list or at a damaged link.  Caller holds
 * slabs_lock.
 */
static void *dbg_next_slab(struct dbg_cache *dc, struct list_head **pos)
{
	void *base;

	*pos = (*pos)->next;
	if (*pos == &dc->slabs)
		return NULL;
	base = dbg_slab_of(dc, *pos);
	if (!base)
		dbg_slab_list_corrupt(dc, *pos);
	return base;
}

static int dbg_slab_made(struct slab_cache_hook *hook, struct slab_cache *c,
			 const struct slab_event *ev, gfp_t gfp)
{
	struct dbg_cache *dc = hook->private;
	struct slab_event uev;
	unsigned long flags;
	unsigned int i;
	int err;

	for (i = 0; i < ev->objects; i++)
		dbg_init_slot(dc, ev->base + i * ev->stride);
	if (dc->flags & SLABDBG_POISON)
		memset(ev->base + ev->objects * ev->stride, POISON_INUSE,
		       (PAGE_SIZE << ev->order) - ev->objects * ev->stride);

	dbg_upper_event(dc, ev, &uev);
	for (i = 0; i < dc->nr_hooks; i++) {
		if (!dc->hooks[i]->ops->slab_made)
			continue;
		err = dc->hooks[i]->ops->slab_made(dc->hooks[i], &dc->c, &uev,
						   gfp);
		if (err) {
			dbg_upper_freeing(dc, &uev, i);
			return err;
		}
	}

	/* Only now may validation see the slab */
	dbg_meta(dc, ev->base)->slab_objects = ev->objects;
	dbg_lock(&dc->slabs_lock, &flags);
	list_add(&dbg_meta(dc, ev->base)->slab, &dc->slabs);
	dbg_unlock(&dc->slabs_lock, flags);
	return 0;
}

static void dbg_slab_freeing(struct slab_cache_hook *hook,
			     struct slab_cache *c, const struct slab_event *ev)
{
	struct dbg_cache *dc = hook->private;
	struct slab_event uev;
	struct list_head *link;
	unsigned long flags;

	/* Waits for a validation walking this slab */
	dbg_lock(&dc->slabs_lock, &flags);
	link = &dbg_meta(dc, ev->base)->slab;
	if (dbg_link_ok(dc, link->prev) && link->prev->next == link &&
	    dbg_link_ok(dc, link->next) && link->next->prev == link) {
		list_del(link);
	} else {
		dbg_slab_list_corrupt(dc, ev->base);
		INIT_LIST_HEAD(&dc->slabs);
	}
	dbg_unlock(&dc->slabs_lock, flags);

	dbg_upper_event(dc, ev, &uev);
	dbg_upper_freeing(dc, &uev, dc->nr_hooks);
	dbg_check_tail(dc, ev);
}

static void dbg_hook_release(struct slab_cache_hook *hook)
{
	struct dbg_cache *dc = hook->private;
	unsigned int i;

	for (i = 0; i < dc->nr_hooks; i++) {
		if (dc->hooks[i]->ops->release)
			dc->hooks[i]->ops->release(dc->hooks[i]);
	}
}

static const struct slab_hook_ops dbg_hook_ops = {
	.slab_made	= dbg_slab_made,
	.slab_freeing	= dbg_slab_freeing,
	.release	= dbg_hook_release,
};

/*
 * Validation
 */

/* Check one slot; returns 1 if it was found damaged now, else 0. */
static int dbg_validate_slot(struct dbg_cache *dc, void *slot)
{
	struct dbg_meta *m = dbg_meta(dc, slot);
	struct dbg_fault f;
	bool ok, held;
	void *next;

	switch (m->state) {
	case DBG_STATE_QUARANTINE:
	case DBG_STATE_QUARANTINE_FREE:
		return 0;
	case DBG_STATE_FREE:
		next = dc->flags & SLABDBG_SANITY ?
		       slab_cache_next_free(dc->base, slot) : NULL;
		if (next && !slab_cache_valid(dc->base, next)) {
			/* Cut the base's list here rather than follow it */
			dbg_report(dc, SLABDBG_ERR_METADATA, slot,
				   dbg_obj(dc, slot), "Freepointer corrupt",
				   NULL, "Free list truncated; the objects after it are leaked");
			slab_cache_end_free_list(dc->base, slot);
			m->state = DBG_STATE_QUARANTINE_FREE;
			return 1;
		}
		ok = dbg_check_slot(dc, slot, SLUB_RED_INACTIVE, true, &f);
		held = false;
		break;
	case DBG_STATE_ALLOC:
		ok = dbg_check_slot(dc, slot, SLUB_RED_ACTIVE, false, &f);
		held = true;
		break;
	default:
		/* Free or not, nobody knows: never give it back to the base */
		dbg_bad_state(dc, slot, false);
		return 1;
	}
	if (ok)
		return 0;
	dbg_quarantine(dc, slot, &f, held);
	return 1;
}

/**
 * slab_debug_validate() - check every object of a debug cache
 * @c: a cache created by a debug slab allocator (possibly under other
 *	derivers).
 *
 * Walks all slabs of the cache and checks the red zones of every object,
 * the poison of free objects and all padding.  Damaged objects are
 * reported and quarantined, as on allocation and free.  Objects changing
 * state meanwhile are checked before or after the change, never halfway.
 *
 * Context: process context; takes the cache's locks with interrupts
 * disabled, one slab at a time.
 * Return: the number of damaged objects found, or -EINVAL if @c is not a
 * debug cache.
 */
int slab_debug_validate(struct slab_cache *c)
{
	struct dbg_cache *dc = dbg_cache_of(c);
	unsigned long flags, used;
	unsigned int i, objects;
	struct list_head *pos;
	struct dbg_fault f;
	int found = 0;
	void *base;

	if (!dc)
		return -EINVAL;
	dbg_lock(&dc->slabs_lock, &flags);
	for (pos = &dc->slabs; (base = dbg_next_slab(dc, &pos)); ) {
		objects = dbg_slab_objects(dc, base);
		used = (unsigned long)objects * dc->stride;
		spin_lock(&dc->lock);
		for (i = 0; i < objects; i++)
			found += dbg_validate_slot(dc, base + i * dc->stride);
		if ((dc->flags & SLABDBG_POISON) &&
		    !dbg_check_bytes(base + used,
				     folio_size(virt_to_folio(base)) - used,
				     POISON_INUSE, SLABDBG_ERR_PADDING,
				     "Slab padding overwritten", &f)) {
			dbg_report(dc, SLABDBG_ERR_PADDING, NULL, base, f.what,
				   &f, "Padding restored");
			memset(f.start, POISON_INUSE, f.len);
			found++;
		}
		spin_unlock(&dc->lock);
	}
	dbg_unlock(&dc->slabs_lock, flags);
	return found;
}
EXPORT_SYMBOL_GPL(slab_debug_validate);

/*
 * Other cache methods
 */

static size_t dbg_object_size(struct slab_cache *c, const void *obj)
{
	struct dbg_cache *dc = to_dbg(c);

	return obj && slab_cache_valid(dc->base, obj - dc->left) ?
		dbg_size(dc) : 0;
}

static bool dbg_valid(struct slab_cache *c, const void *obj)
{
	struct dbg_cache *dc = to_dbg(c);

	return obj && slab_cache_valid(dc->base, obj - dc->left);
}

/* Valid, and ALLOC as far as can be seen without the lock (§4) */
static bool dbg_may_free(struct slab_cache *c, const void *obj)
{
	struct dbg_cache *dc = to_dbg(c);

	return dbg_valid(c, obj) &&
	       READ_ONCE(dbg_meta(dc, (void *)obj - dc->left)->state) ==
	       DBG_STATE_ALLOC;
}

static void dbg_stats(struct slab_cache *c, struct slab_cache_stats *st)
{
	struct dbg_cache *dc = to_dbg(c);

	slab_cache_stats(dc->base, st);
	st->object_size = dbg_size(dc);
	st->double_frees += atomic_long_read(&dc->errors[SLABDBG_ERR_DOUBLE_FREE]);
	st->invalid_frees +=
		atomic_long_read(&dc->errors[SLABDBG_ERR_INVALID_FREE]);
}

/*
 * The base frees whatever slot a move did not keep, even one this layer
 * has just quarantined: it is in the base's free lists from now on, and
 * must not be given back a second time when the cache is destroyed.
 */
static void dbg_returned_to_base(struct dbg_cache *dc, void *slot)
{
	struct dbg_meta *m = dbg_meta(dc, slot);
	unsigned long flags;

	dbg_lock(&dc->lock, &flags);
	if (m->state == DBG_STATE_QUARANTINE)
		m->state = DBG_STATE_QUARANTINE_FREE;
	dbg_unlock(&dc->lock, flags);
}

/**
 * struct dbg_move - a client's move callback, seen from the base
 * @dc: the debug cache.
 * @move: the client's callback.
 * @private: its cookie.
 */
struct dbg_move {
	struct dbg_cache	*dc;
	slab_move_fn		move;
	void			*private;
};

/*
 * The base moves slots; the client moves objects.  @new comes straight
 * from the base and @old goes straight back to it, so do here what
 * allocation and free would have done.
 */
static enum slab_move_result dbg_move(struct slab_cache *base, void *old,
				      void *new, void *private)
{
	struct dbg_move *mv = private;
	struct dbg_cache *dc = mv->dc;
	enum slab_move_result ret;
	unsigned long state;
	void *back;

	if (!dbg_alloc_slot(dc, new, _RET_IP_, 0)) {
		dbg_returned_to_base(dc, new);
		return SLAB_MOVE_LATER;
	}
	state = READ_ONCE(dbg_meta(dc, old)->state);
	/*
	 * A slot freed since the base took its map is no object to move,
	 * and the others still may be; a quarantined one keeps its slab.
	 */
	if (state == DBG_STATE_FREE)
		ret = SLAB_MOVE_DONT_KNOW;
	else if (state != DBG_STATE_ALLOC)
		ret = SLAB_MOVE_NO;
	else
		ret = mv->move(&dc->c, dbg_obj(dc, old), dbg_obj(dc, new),
			       mv->private);
	back = ret == SLAB_MOVE_YES ? old : new;
	if (!dbg_free_slot(dc, dbg_obj(dc, back), _RET_IP_, 0))
		dbg_returned_to_base(dc, back);
	return ret;
}

static unsigned long dbg_shrink(struct slab_cache *c, slab_move_fn move,
				void *private)
{
	struct dbg_cache *dc = to_dbg(c);
	struct dbg_move mv = { .dc = dc, .move = move, .private = private };

	return slab_cache_shrink(dc->base, move ? dbg_move : NULL, &mv);
}

/*
 * Give quarantined objects the base has allocated back to it so their slabs
 * can go (those in its free lists are free already).
 */
static void dbg_release_quarantine(struct dbg_cache *dc)
{
	unsigned int i, objects;
	struct list_head *pos;
	void *base, *slot;
	unsigned long flags;

	do {
		slot = NULL;
		dbg_lock(&dc->slabs_lock, &flags);
		for (pos = &dc->slabs; (base = dbg_next_slab(dc, &pos)); ) {
			objects = dbg_slab_objects(dc, base);
			for (i = 0; i < objects && !slot; i++) {
				struct dbg_meta *m;

				m = dbg_meta(dc, base + i * dc->stride);
				if (m->state != DBG_STATE_QUARANTINE)
					continue;
				slot = base + i * dc->stride;
				spin_lock(&dc->lock);
				dbg_init_slot(dc, slot);
				spin_unlock(&dc->lock);
			}
			if (slot)
				break;
		}
		dbg_unlock(&dc->slabs_lock, flags);
		if (slot)
			slab_cache_free(dc->base, slot);
	} while (slot);
}

static void dbg_free_cache(struct dbg_cache *dc)
{
	slab_allocator_put(dc->c.allocator);
	page_allocator_put(dc->c.page_allocator);
	kfree(dc);
}

static int dbg_destroy(struct slab_cache *c)
{
	struct dbg_cache *dc = to_dbg(c);
	int err;

	might_sleep();
	if (c->flags & SLAB_CACHE_DEAD) {
		pr_err("cache %s destroyed twice; ignored\n", c->name);
		return -EBUSY;
	}
	dbg_release_quarantine(dc);
	err = slab_cache_destroy(dc->base);
	if (err) {
		/* Live objects keep the base, and so this handle, in use */
		WRITE_ONCE(c->flags, c->flags | SLAB_CACHE_DEAD);
		return err;
	}
	dbg_free_cache(dc);
	return 0;
}

/*
 * Creation
 */

static unsigned int dbg_align(unsigned int size,
			      const struct slab_cache_args *args)
{
	/* The base's rules, natural alignment of power-of-two sizes too */
	return slab_object_align(size, args->align, args->flags);
}

static void dbg_layout(struct dbg_cache *dc, unsigned int size,
		       unsigned int align, const struct slab_cache_args *args)
{
	unsigned int end;

	dc->left = 0;
	end = ALIGN(size, sizeof(void *));
	if (dc->flags & SLABDBG_REDZONE) {
		dc->left = ALIGN(sizeof(void *), align);
		end += sizeof(void *);
	}
	dc->rz_end = dc->left + end;
	dc->meta = dc->rz_end;
	dc->total = dc->meta + sizeof(struct dbg_meta);
	if (dc->flags & SLABDBG_USER)
		dc->total += 2 * sizeof(struct dbg_track);
	/*
	 * Free objects may be poisoned only if nobody needs their contents.
	 * A hook that does (a constructor's) asks for preserve_free or a
	 * free pointer offset; other hooks do not look into free objects.
	 */
	dc->poison_obj = (dc->flags & SLABDBG_POISON) &&
			 !args->preserve_free && !args->use_freeptr_offset &&
			 !(args->flags & SLAB_TYPESAFE_BY_RCU);
}

static struct slab_cache *dbg_create(struct slab_allocator *sa,
				     struct page_allocator *pa,
				     const char *name, unsigned int size,
				     const struct slab_cache_args *args)
{
	struct dbg_sa *ds = container_of(sa, struct dbg_sa, sa);
	struct slab_cache_args a = {}, b = {};
	struct slab_cache_stats st;
	struct dbg_cache *dc;
	struct slab_cache *base;
	unsigned int align, i;

	if (args)
		a = *args;
	if (!size || size > (PAGE_SIZE << MAX_PAGE_ORDER) / 2) {
		pr_err("cache %s: object size %u out of range for a debug cache\n",
		       name, size);
		return ERR_PTR(-EINVAL);
	}
	if (a.align & (a.align - 1) || a.align > PAGE_SIZE) {
		pr_err("cache %s: alignment %u is not a power of two no larger than %lu\n",
		       name, a.align, PAGE_SIZE);
		return ERR_PTR(-EINVAL);
	}
	if (a.nr_hooks > SLAB_CACHE_MAX_HOOKS) {
		pr_err("cache %s: %u hooks, at most %u\n", name, a.nr_hooks,
		       SLAB_CACHE_MAX_HOOKS);
		return ERR_PTR(-EINVAL);
	}

	dc = kzalloc(sizeof(*dc), GFP_KERNEL);
	if (!dc)
		return ERR_PTR(-ENOMEM);
	dc->flags = ds->flags;
	align = dbg_align(size, &a);
	dbg_layout(dc, size, align, &a);
	spin_lock_init(&dc->lock);
	spin_lock_init(&dc->slabs_lock);
	INIT_LIST_HEAD(&dc->slabs);
	dc->hook.ops = &dbg_hook_ops;
	dc->hook.private = dc;
	dc->nr_hooks = a.nr_hooks;
	for (i = 0; i < a.nr_hooks; i++)
		dc->hooks[i] = a.hooks[i];

	dc->c.ops = &dbg_ops;
	dc->c.allocator = slab_allocator_get(sa);
	dc->c.page_allocator = page_allocator_get(pa);
	dc->c.owner = &dc->c;
	dc->c.name = name;
	dc->c.object_size = size;
	dc->c.align = align;
	dc->c.left_pad = dc->left;

	/* The base sees slots; the free pointer goes in the metadata */
	b.align = align;
	b.flags = a.flags & ~SLAB_HWCACHE_ALIGN;
	b.use_freeptr_offset = true;
	b.freeptr_offset = dc->meta + offsetof(struct dbg_meta, freeptr);
	b.nr_hooks = 1;
	b.hooks[0] = &dc->hook;
	b.owner = a.owner;
	base = sa->base->ops->create(sa->base, pa, name, dc->total, &b);
	if (IS_ERR(base)) {
		dbg_free_cache(dc);
		return base;
	}
	slab_cache_stats(base, &st);
	dc->base = base;
	dc->stride = st.size;
	dc->c.size = st.size;
	slab_cache_set_owner(base, &dc->c);
	return &dc->c;
}

static void dbg_release(struct slab_allocator *sa)
{
	kfree(container_of(sa, struct dbg_sa, sa));
}

static const struct slab_allocator_ops dbg_ops = {
	.create		= dbg_create,
	.alloc_node	= dbg_alloc_node,
	.free		= dbg_free,
	.object_size	= dbg_object_size,
	.valid		= dbg_valid,
	.may_free	= dbg_may_free,
	.shrink		= dbg_shrink,
	.destroy	= dbg_destroy,
	.stats		= dbg_stats,
	.release	= dbg_release,
};

/*
 * Public interface
 */

/**
 * debug_slab_allocator() - derive a debugging slab allocator
 * @base: the slab allocator to derive from; must not debug already, nor
 *	construct objects (derive the ctor layer from the debug one instead,
 *	so that constructors see the objects users see).
 * @flags: &enum slab_debug_flags, not 0.
 *
 * Caches created from the result wrap a cache of @base with larger
 * objects (red zones, metadata) and check objects on every allocation and
 * free (see the theory statement of derive_debug.c).  With
 * %SLABDBG_USER the stack depot is initialised here, unless this runs
 * before the slab allocator is up, in which case stacks are not recorded.
 *
 * Context: process context, may sleep.
 * Return: the new allocator (one reference for the caller), or
 * ERR_PTR(-EINVAL) with one message, ERR_PTR(-ENOMEM).
 */
struct slab_allocator *debug_slab_allocator(struct slab_allocator *base,
					    unsigned int flags)
{
	struct dbg_sa *ds;

	if (!base) {
		pr_err("debug slab allocator: no base allocator given\n");
		return ERR_PTR(-EINVAL);
	}
	if (!flags || (flags & ~(SLABDBG_ALL | SLABDBG_TRACE))) {
		pr_err("debug slab allocator over %s: flags %#x: none or unknown ones\n",
		       base->name, flags);
		return ERR_PTR(-EINVAL);
	}
	if (base->traits & SLAB_ALLOCATOR_DEBUG) {
		pr_err("debug slab allocator over %s: the base debugs already\n",
		       base->name);
		return ERR_PTR(-EINVAL);
	}
	if (base->traits & SLAB_ALLOCATOR_CTOR) {
		pr_err("debug slab allocator over %s: derive the constructor from the debug allocator, not the other way\n",
		       base->name);
		return ERR_PTR(-EINVAL);
	}
	if ((flags & SLABDBG_USER) && IS_ENABLED(CONFIG_STACKDEPOT) &&
	    !READ_ONCE(dbg_depot_ready)) {
		if (slab_is_available() && !stack_depot_init())
			WRITE_ONCE(dbg_depot_ready, true);
		else
			pr_info("debug slab allocator: no stack depot yet; tracking without stacks\n");
	}
	ds = kzalloc(sizeof(*ds), GFP_KERNEL);
	if (!ds)
		return ERR_PTR(-ENOMEM);
	/* Named after its flags, as in "debug(FZ) -> slabifier -> buddy" */
	snprintf(ds->name, sizeof(ds->name), "debug(%s%s%s%s%s)",
		 flags & SLABDBG_SANITY ? "F" : "", flags & SLABDBG_REDZONE ? "Z" : "",
		 flags & SLABDBG_POISON ? "P" : "", flags & SLABDBG_USER ? "U" : "",
		 flags & SLABDBG_TRACE ? "T" : "");
	slab_allocator_init(&ds->sa, &dbg_ops, ds->name, base);
	ds->sa.traits |= SLAB_ALLOCATOR_DEBUG;
	ds->flags = flags;
	return &ds->sa;
}
EXPORT_SYMBOL_GPL(debug_slab_allocator);

/**
 * slab_debug_parse_flags() - parse SLUB's debug letters
 * @str: letters among F, Z, P, U, T (either case); NULL or "" mean F, Z,
 *	P and U, as slab_debug without options does; "-" means none.
 * @flags: receives the &enum slab_debug_flags.
 *
 * Context: any.
 * Return: 0, or -EINVAL (with one message) for an unknown letter.
 */
int slab_debug_parse_flags(const char *str, unsigned int *flags)
{
	unsigned int f = 0;
	const char *p;

	if (!str || !*str) {
		*flags = SLABDBG_ALL;
		return 0;
	}
	for (p = str; *p; p++) {
		switch (tolower(*p)) {
		case 'f':
			f |= SLABDBG_SANITY;
			break;
		case 'z':
			f |= SLABDBG_REDZONE;
			break;
		case 'p':
			f |= SLABDBG_POISON;
			break;
		case 'u':
			f |= SLABDBG_USER;
			break;
		case 't':
			f |= SLABDBG_TRACE;
			break;
		case '-':
			break;
		default:
			pr_err("slab debug options \"%s\": unknown option '%c'\n",
			       str, *p);
			return -EINVAL;
		}
	}
	*flags = f;
	return 0;
}
EXPORT_SYMBOL_GPL(slab_debug_parse_flags);

/**
 * slab_debug_errors() - how many errors a debug cache reported
 * @c: the cache.
 * @err: the kind.
 *
 * Context: any.
 * Return: the number of reports of kind @err, 0 if @c is not a debug
 * cache.
 */
unsigned long slab_debug_errors(struct slab_cache *c, enum slab_debug_error err)
{
	struct dbg_cache *dc = dbg_cache_of(c);

	if (!dc || err >= SLABDBG_ERR_NR)
		return 0;
	return atomic_long_read(&dc->errors[err]);
}
EXPORT_SYMBOL_GPL(slab_debug_errors);

/**
 * slab_debug_held() - quarantined objects a debug cache holds
 * @c: the cache.
 *
 * Damaged objects found while allocated are never handed out again; the
 * layers below count them as in use until the cache is destroyed.  A
 * cache whose only objects in use are these holds nothing of its users.
 *
 * Context: process context.
 * Return: their number, 0 if @c is not a debug cache.
 */
unsigned long slab_debug_held(struct slab_cache *c)
{
	struct dbg_cache *dc = dbg_cache_of(c);
	unsigned long flags, nr = 0;
	unsigned int i, objects;
	struct list_head *pos;
	void *base;

	if (!dc)
		return 0;
	dbg_lock(&dc->slabs_lock, &flags);
	for (pos = &dc->slabs; (base = dbg_next_slab(dc, &pos)); ) {
		objects = dbg_slab_objects(dc, base);
		for (i = 0; i < objects; i++) {
			if (dbg_meta(dc, base + i * dc->stride)->state ==
			    DBG_STATE_QUARANTINE)
				nr++;
		}
	}
	dbg_unlock(&dc->slabs_lock, flags);
	return nr;
}
EXPORT_SYMBOL_GPL(slab_debug_held);

/**
 * slab_debug_flags() - the checks a cache makes
 * @c: a cache.
 *
 * Context: any.
 * Return: the &enum slab_debug_flags of @c if it is a debug cache, else 0.
 */
unsigned int slab_debug_flags(struct slab_cache *c)
{
	struct dbg_cache *dc = dbg_cache_of(c);

	return dc ? dc->flags : 0;
}
EXPORT_SYMBOL_GPL(slab_debug_flags);

/**
 * slab_debug_stack() - where an object of a debug cache was last allocated or freed
 * @c: a cache; the answer is empty unless it is a debug cache with U.
 * @obj: an address inside an object of @c.
 * @free: the last free rather than the last allocation.
 * @ret: set to the caller's address, or NULL if none was recorded.
 * @entries: filled with up to @nr return addresses of the stack.
 * @nr: room in @entries.
 *
 * For mem_dump_obj() and other reports of the kernel's own.
 *
 * Context: any; the object's slab must stay while this runs.
 * Return: the number of stack entries filled, 0 if none was recorded.
 */
unsigned int slab_debug_stack(struct slab_cache *c, const void *obj,
			      bool free, void **ret, void **entries,
			      unsigned int nr)
{
	struct dbg_cache *dc = dbg_cache_of(c);
	unsigned int n = 0;
	struct dbg_track *t;
	void *base, *slot;

	*ret = NULL;
	if (!dc || !(dc->flags & SLABDBG_USER))
		return 0;
	base = folio_address(virt_to_folio(obj));
	slot = base + (obj - base) / dc->stride * dc->stride;
	t = &dbg_meta(dc, slot)->track[free ? DBG_TRACK_FREE : DBG_TRACK_ALLOC];
	*ret = (void *)t->addr;
#ifdef CONFIG_STACKDEPOT
	if (t->handle) {
		unsigned long *stack;
		unsigned int i;

		n = min(stack_depot_fetch(t->handle, &stack), nr);
		for (i = 0; i < n; i++)
			entries[i] = (void *)stack[i];
	}
#endif
	return n;
}
EXPORT_SYMBOL_GPL(slab_debug_stack);

/**
 * slab_debug_set_report() - observe the reports of a debug cache
 * @c: the cache.
 * @fn: called after each report, or NULL to stop.
 * @private: passed to @fn.
 *
 * Context: any.
 */
void slab_debug_set_report(struct slab_cache *c, slab_debug_report_fn fn,
			   void *private)
{
	struct dbg_cache *dc = dbg_cache_of(c);
	unsigned long flags;

	if (!dc) {
		pr_err("%s: %s is not a debug cache\n", __func__,
		       IS_ERR_OR_NULL(c) ? "(none)" : c->name);
		return;
	}
	dbg_lock(&dc->lock, &flags);
	dc->report = fn;
	dc->report_private = private;
	dbg_unlock(&dc->lock, flags);
}
EXPORT_SYMBOL_GPL(slab_debug_set_report);

/**
 * slab_debug_holds_locks() - whether the caller holds a lock of @c, for tests
 * @c: a debug cache.
 *
 * Return: true if the current task holds the cache's lock or its slab
 * list's lock; known to lockdep only, so always false without it.
 */
bool slab_debug_holds_locks(struct slab_cache *c)
{
#ifdef CONFIG_LOCKDEP
	struct dbg_cache *dc = to_dbg(c);

	return lockdep_is_held(&dc->lock) || lockdep_is_held(&dc->slabs_lock);
#else
	return false;
#endif
}
EXPORT_SYMBOL_IF_KUNIT(slab_debug_holds_locks);
