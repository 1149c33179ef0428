// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the debug deriver: corruption is reported through the
 * cache's counters and report callback, damaged objects are never handed
 * out again, and the cache keeps working.
 *
 * These tests corrupt objects on purpose: the console shows the reports.
 */
#include <kunit/test.h>
#include <linux/allocator_derive.h>
#include <linux/console.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kallsyms.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poison.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

struct dbg_observer {
	unsigned int		reports;
	enum slab_debug_error	last_err;
	const void		*last_obj;
};

static void dbg_observe(struct slab_cache *c, enum slab_debug_error err,
			const void *obj, void *private)
{
	struct dbg_observer *o = private;

	o->reports++;
	o->last_err = err;
	o->last_obj = obj;
}

static struct slab_cache *dbg_cache(struct kunit *test, unsigned int flags,
				    const char *name, unsigned int size,
				    struct slab_cache_args *args,
				    struct dbg_observer *o)
{
	struct slab_allocator *sa;
	struct slab_cache *c;

	sa = debug_slab_allocator(slabifier_allocator(), flags);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sa));
	KUNIT_EXPECT_TRUE(test, sa->traits & SLAB_ALLOCATOR_DEBUG);
	c = slab_cache_create(sa, buddy_page_allocator(), name, size, args);
	slab_allocator_put(sa);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_EXPECT_FALSE(test, c->flags & SLAB_CACHE_DIRECT);
	if (o) {
		memset(o, 0, sizeof(*o));
		slab_debug_set_report(c, dbg_observe, o);
	}
	return c;
}

/* The cache still hands out good objects, never @bad. */
static void dbg_expect_working(struct kunit *test, struct slab_cache *c,
			       const void *bad)
{
	struct slab_cache_stats st;
	unsigned int i, n;
	void **objs;

	slab_cache_stats(c, &st);
	n = 2 * st.objs_per_slab + 1;
	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	for (i = 0; i < n; i++) {
		objs[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		KUNIT_EXPECT_PTR_NE(test, objs[i], bad);
		memset(objs[i], 0x3c, c->object_size);
	}
	for (i = 0; i < n; i++)
		slab_cache_free(c, objs[i]);
	KUNIT_EXPECT_EQ(test, slab_debug_validate(c), 0);
}

#define DBG_CTOR_MAGIC	0x1234567887654321ULL
static atomic_t dbg_ctors, dbg_dtors;

static void dbg_test_ctor(void *p)
{
	*(u64 *)p = DBG_CTOR_MAGIC;
	atomic_inc(&dbg_ctors);
}

static void dbg_test_dtor(void *p)
{
	atomic_inc(&dbg_dtors);
}

static void debug_refusals(struct kunit *test)
{
	struct slab_allocator *sa, *ctor;
	unsigned int flags;

	KUNIT_EXPECT_EQ(test, PTR_ERR(debug_slab_allocator(slabifier_allocator(), 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			PTR_ERR(debug_slab_allocator(slabifier_allocator(), 1U << 20)),
			-EINVAL);
	sa = debug_slab_allocator(slabifier_allocator(), SLABDBG_ALL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sa));
	/* debug twice */
	KUNIT_EXPECT_EQ(test, PTR_ERR(debug_slab_allocator(sa, SLABDBG_SANITY)),
			-EINVAL);
	slab_allocator_put(sa);

	/* debug over ctor: constructors would see slots, not objects */
	ctor = ctor_slab_allocator(slabifier_allocator(), NULL, dbg_test_dtor);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctor));
	KUNIT_EXPECT_EQ(test, PTR_ERR(debug_slab_allocator(ctor, SLABDBG_ALL)),
			-EINVAL);
	slab_allocator_put(ctor);

	KUNIT_EXPECT_EQ(test, slab_debug_parse_flags("FZPU", &flags), 0);
	KUNIT_EXPECT_EQ(test, flags, (unsigned int)SLABDBG_ALL);
	KUNIT_EXPECT_EQ(test, slab_debug_parse_flags("", &flags), 0);
	KUNIT_EXPECT_EQ(test, flags, (unsigned int)SLABDBG_ALL);
	KUNIT_EXPECT_EQ(test, slab_debug_parse_flags("zt", &flags), 0);
	KUNIT_EXPECT_EQ(test, flags,
			(unsigned int)(SLABDBG_REDZONE | SLABDBG_TRACE));
	KUNIT_EXPECT_EQ(test, slab_debug_parse_flags("FX", &flags), -EINVAL);

	/* Not a debug cache */
	KUNIT_EXPECT_EQ(test, slab_debug_validate(NULL), -EINVAL);
}

static void debug_layout(struct kunit *test)
{
	static const unsigned int sizes[] = { 8, 20, 64, 100, 128, 1000, 4096 };
	struct slab_cache_stats st;
	struct slab_cache *c;
	unsigned int i, j;
	u8 *objs[8];

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		c = dbg_cache(test, SLABDBG_ALL, "debug-layout", sizes[i], NULL,
			      NULL);
		KUNIT_EXPECT_EQ(test, c->object_size, sizes[i]);
		KUNIT_EXPECT_GT(test, c->size, sizes[i]);
		KUNIT_EXPECT_GT(test, c->left_pad, 0U);
		for (j = 0; j < ARRAY_SIZE(objs); j++) {
			objs[j] = slab_cache_alloc(c, GFP_KERNEL | __GFP_ZERO);
			KUNIT_ASSERT_NOT_NULL(test, objs[j]);
			KUNIT_EXPECT_EQ(test, objs[j][sizes[i] - 1], 0);
			KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)objs[j],
							   c->align));
			if (is_power_of_2(sizes[i]))
				KUNIT_EXPECT_TRUE(test,
						  IS_ALIGNED((unsigned long)objs[j],
							     sizes[i]));
			KUNIT_EXPECT_EQ(test, slab_cache_object_size(c, objs[j]),
					(size_t)sizes[i]);
			KUNIT_EXPECT_TRUE(test, slab_cache_valid(c, objs[j]));
			KUNIT_EXPECT_FALSE(test, slab_cache_valid(c, objs[j] + 1));
			/* The whole object is the user's */
			memset(objs[j], 0x77, sizes[i]);
		}
		slab_cache_stats(c, &st);
		KUNIT_EXPECT_EQ(test, st.object_size, sizes[i]);
		KUNIT_EXPECT_GE(test, st.active_objs, (unsigned long)ARRAY_SIZE(objs));
		for (j = 0; j < ARRAY_SIZE(objs); j++)
			slab_cache_free(c, objs[j]);
		KUNIT_EXPECT_EQ(test, slab_debug_validate(c), 0);
		for (j = 0; j < SLABDBG_ERR_NR; j++)
			KUNIT_EXPECT_EQ(test, slab_debug_errors(c, j), 0UL);
		KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	}
}

static void debug_redzone_right(struct kunit *test)
{
	struct dbg_observer o;
	struct slab_cache *c;
	u8 *obj;

	c = dbg_cache(test, SLABDBG_ALL, "debug-rz", 20, NULL, &o);
	obj = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	obj[20] = 0x42;			/* one byte past the end */
	slab_cache_free(c, obj);
	KUNIT_EXPECT_EQ(test, slab_debug_errors(c, SLABDBG_ERR_REDZONE), 1UL);
	KUNIT_EXPECT_EQ(test, o.reports, 1U);
	KUNIT_EXPECT_EQ(test, o.last_err, SLABDBG_ERR_REDZONE);
	KUNIT_EXPECT_PTR_EQ(test, o.last_obj, (const void *)obj);
	/* Reported once: a second free of the quarantined object is quiet */
	slab_cache_free(c, obj);
	KUNIT_EXPECT_EQ(test, o.reports, 1U);
	dbg_expect_working(test, c, obj);
	KUNIT_EXPECT_EQ(test, o.reports, 1U);
	/* Quarantined objects do not keep the cache from going */
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

static void debug_redzone_left(struct kunit *test)
{
	struct dbg_observer o;
	struct slab_cache *c;
	u8 *obj;

	c = dbg_cache(test, SLABDBG_REDZONE, "debug-rz-left", 64, NULL, &o);
	obj = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	obj[-1] = 0x42;			/* one byte before the start */
	/* Validation finds it while the object is in use */
	KUNIT_EXPECT_EQ(test, slab_debug_validate(c), 1);
	KUNIT_EXPECT_EQ(test, slab_debug_errors(c, SLABDBG_ERR_REDZONE), 1UL);
	slab_cache_free(c, obj);
	KUNIT_EXPECT_EQ(test, o.reports, 1U);
	dbg_expect_working(test, c, obj);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

static void debug_poison_use_after_free(struct kunit *test)
{
	struct dbg_observer o;
	struct slab_cache *c;
	u8 *obj, *next;

	c = dbg_cache(test, SLABDBG_ALL, "debug-poison", 96, NULL, &o);
	/* The freed object is the next one this CPU hands out */
	migrate_disable();
	obj = slab_cache_alloc(c, GFP_KERNEL);
	if (obj) {
		slab_cache_free(c, obj);
		obj[3] = 0x11;		/* write after free */
	}
	next = slab_cache_alloc(c, GFP_KERNEL);
	migrate_enable();
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_ASSERT_NOT_NULL(test, next);
	KUNIT_EXPECT_PTR_NE(test, next, obj);
	KUNIT_EXPECT_EQ(test, slab_debug_errors(c, SLABDBG_ERR_POISON), 1UL);
	KUNIT_EXPECT_EQ(test, o.last_err, SLABDBG_ERR_POISON);
	KUNIT_EXPECT_PTR_EQ(test, o.last_obj, (const void *)obj);
	slab_cache_free(c, next);
	dbg_expect_working(test, c, obj);
	KUNIT_EXPECT_EQ(test, o.reports, 1U);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

static void debug_poison_validate(struct kunit *test)
{
	struct dbg_observer o;
	struct slab_cache *c;
	u8 *obj;

	c = dbg_cache(test, SLABDBG_POISON, "debug-poison-validate", 200, NULL,
		      &o);
	obj = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	slab_cache_free(c, obj);
	obj[199] = 0;			/* the end marker */
	KUNIT_EXPECT_EQ(test, slab_debug_validate(c), 1);
	KUNIT_EXPECT_EQ(test, slab_debug_validate(c), 0);	/* once */
	KUNIT_EXPECT_EQ(test, slab_debug_errors(c, SLABDBG_ERR_POISON), 1UL);
	dbg_expect_working(test, c, obj);
	KUNIT_EXPECT_EQ(test, o.reports, 1U);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/* Quarantined while free: destroying the cache must not free it twice */
static void debug_validate_then_destroy(struct kunit *test)
{
	struct slab_cache_stats st;
	struct dbg_observer o;
	struct slab_cache *c;
	u8 *objs[3];
	int i;

	c = dbg_cache(test, SLABDBG_ALL, "debug-validate-destroy", 72, NULL,
		      &o);
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		slab_cache_free(c, objs[i]);
	objs[1][0] = 0x99;		/* write after free, in the middle */
	KUNIT_EXPECT_EQ(test, slab_debug_validate(c), 1);
	KUNIT_EXPECT_EQ(test, o.last_err, SLABDBG_ERR_POISON);
	slab_cache_stats(c, &st);
	KUNIT_EXPECT_EQ(test, st.double_frees, 0UL);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_EXPECT_EQ(test, o.reports, 1U);
}

/*
 * F: a free object's link in the base's free list is checked.  The link
 * sits right after the right red zone (see derive_debug.c).
 */
static void debug_freeptr_corrupt(struct kunit *test)
{
	struct dbg_observer o;
	struct slab_cache *c;
	u8 *objs[3];
	int i;

	c = dbg_cache(test, SLABDBG_SANITY | SLABDBG_REDZONE, "debug-freeptr",
		      64, NULL, &o);
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		slab_cache_free(c, objs[i]);
	*(unsigned long *)(objs[1] + 64 + sizeof(void *)) = 0x1000;
	KUNIT_EXPECT_EQ(test, slab_debug_validate(c), 1);
	KUNIT_EXPECT_EQ(test, slab_debug_errors(c, SLABDBG_ERR_METADATA), 1UL);
	/* The list was cut, not followed: the cache still works */
	dbg_expect_working(test, c, objs[1]);
	KUNIT_EXPECT_EQ(test, o.reports, 1U);
	/* The objects cut off are leaked with their slab: reported */
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), -EBUSY);
}

static void debug_double_free(struct kunit *test)
{
	struct slab_cache_stats st;
	struct dbg_observer o;
	struct slab_cache *c;
	void *obj, *other;

	c = dbg_cache(test, SLABDBG_SANITY, "debug-double", 48, NULL, &o);
	obj = slab_cache_alloc(c, GFP_KERNEL);
	other = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_ASSERT_NOT_NULL(test, other);
	slab_cache_free(c, obj);
	slab_cache_free(c, other);
	slab_cache_free(c, obj);	/* not at the head of a free list */
	KUNIT_EXPECT_EQ(test, slab_debug_errors(c, SLABDBG_ERR_DOUBLE_FREE),
			1UL);
	KUNIT_EXPECT_EQ(test, o.last_err, SLABDBG_ERR_DOUBLE_FREE);
	KUNIT_EXPECT_PTR_EQ(test, o.last_obj, (const void *)obj);
	slab_cache_stats(c, &st);
	KUNIT_EXPECT_EQ(test, st.double_frees, 1UL);
	dbg_expect_working(test, c, NULL);
	KUNIT_EXPECT_EQ(test, o.reports, 1U);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

static void debug_invalid_free(struct kunit *test)
{
	struct dbg_observer o, o2;
	struct slab_cache *c, *c2;
	u8 *obj, *foreign, *km;

	c = dbg_cache(test, SLABDBG_SANITY, "debug-invalid", 64, NULL, &o);
	c2 = dbg_cache(test, SLABDBG_SANITY, "debug-invalid2", 64, NULL, &o2);
	obj = slab_cache_alloc(c, GFP_KERNEL);
	foreign = slab_cache_alloc(c2, GFP_KERNEL);
	km = kmalloc(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_ASSERT_NOT_NULL(test, foreign);
	KUNIT_ASSERT_NOT_NULL(test, km);

	slab_cache_free(c, obj + 8);		/* inside an object */
	slab_cache_free(c, foreign);		/* another cache's object */
	slab_cache_free(c, km);			/* not the framework's */
	slab_cache_free(c, ERR_PTR(-ENOMEM));
	KUNIT_EXPECT_EQ(test, slab_debug_errors(c, SLABDBG_ERR_INVALID_FREE),
			4UL);
	KUNIT_EXPECT_EQ(test, o.reports, 4U);
	KUNIT_EXPECT_EQ(test, o.last_err, SLABDBG_ERR_INVALID_FREE);
	KUNIT_EXPECT_EQ(test, o2.reports, 0U);

	/* Nothing was harmed */
	slab_cache_free(c, obj);
	slab_cache_free(c2, foreign);
	kfree(km);
	slab_cache_free(c, NULL);
	KUNIT_EXPECT_EQ(test, o.reports, 4U);
	dbg_expect_working(test, c, NULL);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c2), 0);
}

static void debug_user_and_trace(struct kunit *test)
{
	struct dbg_observer o;
	struct slab_cache *c;
	u8 *obj;

	c = dbg_cache(test, SLABDBG_ALL | SLABDBG_TRACE, "debug-trace", 32,
		      NULL, &o);
	obj = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	slab_cache_free(c, obj);
	obj = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	obj[32] = 0;	/* the report shows both tracks */
	slab_cache_free(c, obj);
	KUNIT_EXPECT_EQ(test, o.reports, 1U);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/* ctor over debug: constructors see the objects users see */
static void debug_under_ctor(struct kunit *test)
{
	struct slab_allocator *dbg, *sa;
	struct dbg_observer o = {};
	struct slab_cache *c;
	u64 *obj;

	atomic_set(&dbg_ctors, 0);
	atomic_set(&dbg_dtors, 0);
	dbg = debug_slab_allocator(slabifier_allocator(), SLABDBG_ALL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dbg));
	sa = ctor_slab_allocator(dbg, dbg_test_ctor, dbg_test_dtor);
	slab_allocator_put(dbg);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sa));
	KUNIT_EXPECT_TRUE(test, sa->traits & SLAB_ALLOCATOR_DEBUG);
	c = slab_cache_create(sa, buddy_page_allocator(), "debug-ctor", 40,
			      NULL);
	slab_allocator_put(sa);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	slab_debug_set_report(c, dbg_observe, &o);

	obj = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_EXPECT_EQ(test, *obj, DBG_CTOR_MAGIC);
	KUNIT_EXPECT_GT(test, atomic_read(&dbg_ctors), 0);
	slab_cache_free(c, obj);
	/* Constructed state is not poisoned away */
	KUNIT_EXPECT_EQ(test, *obj, DBG_CTOR_MAGIC);
	KUNIT_EXPECT_EQ(test, slab_debug_validate(c), 0);

	obj = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	((u8 *)obj)[40] = 0;
	slab_cache_free(c, obj);
	KUNIT_EXPECT_EQ(test, o.reports, 1U);
	KUNIT_EXPECT_EQ(test, slab_debug_errors(c, SLABDBG_ERR_REDZONE), 1UL);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&dbg_dtors),
			atomic_read(&dbg_ctors));
}

/* debug over an rcu page allocator: free objects keep their contents */
static void debug_typesafe_by_rcu(struct kunit *test)
{
	struct slab_cache_args args = { .flags = SLAB_TYPESAFE_BY_RCU };
	struct page_allocator *rcu;
	struct slab_allocator *sa;
	struct slab_cache *c;
	u32 *obj, seen;

	rcu = rcu_page_allocator(buddy_page_allocator());
	KUNIT_ASSERT_FALSE(test, IS_ERR(rcu));
	sa = debug_slab_allocator(slabifier_allocator(), SLABDBG_ALL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sa));
	c = slab_cache_create(sa, rcu, "debug-rcu", 64, &args);
	slab_allocator_put(sa);
	page_allocator_put(rcu);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	obj = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	obj[0] = 0xfeedf00d;
	rcu_read_lock();
	slab_cache_free(c, obj);
	seen = obj[0];
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, seen, 0xfeedf00d);
	KUNIT_EXPECT_EQ(test, slab_debug_validate(c), 0);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	rcu_barrier();
}

struct dbg_move_ctx {
	void		**p;
	unsigned int	n;
	unsigned int	moved;
};

static enum slab_move_result dbg_test_move(struct slab_cache *c, void *old,
					   void *new, void *private)
{
	struct dbg_move_ctx *m = private;
	unsigned int i;

	for (i = 0; i < m->n; i++) {
		if (m->p[i] != old)
			continue;
		memcpy(new, old, c->object_size);
		m->p[i] = new;
		m->moved++;
		return SLAB_MOVE_YES;
	}
	return SLAB_MOVE_DONT_KNOW;
}

static void debug_bulk_and_shrink(struct kunit *test)
{
	struct dbg_move_ctx m = {};
	struct dbg_observer o;
	struct slab_cache *c;
	unsigned int i;
	void *p[64];

	c = dbg_cache(test, SLABDBG_ALL, "debug-bulk", 128, NULL, &o);
	KUNIT_ASSERT_EQ(test, slab_cache_alloc_bulk(c, GFP_KERNEL,
						    ARRAY_SIZE(p), p),
			(int)ARRAY_SIZE(p));
	/* Keep one object in 16: sparse slabs whose objects can move */
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		if (i % 16)
			slab_cache_free(c, p[i]);
		else
			p[m.n++] = p[i];
	}
	m.p = p;
	slab_cache_shrink(c, dbg_test_move, &m);
	KUNIT_EXPECT_EQ(test, slab_debug_validate(c), 0);
	for (i = 0; i < m.n; i++) {
		KUNIT_EXPECT_TRUE(test, slab_cache_valid(c, p[i]));
		slab_cache_free(c, p[i]);
	}
	KUNIT_EXPECT_EQ(test, o.reports, 0U);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

static int dbg_stress_fn(void *arg)
{
	struct slab_cache *c = arg;
	unsigned int i;
	void *p[32];

	while (!kthread_should_stop()) {
		for (i = 0; i < ARRAY_SIZE(p); i++) {
			p[i] = slab_cache_alloc(c, GFP_KERNEL);
			if (p[i])
				memset(p[i], i, c->object_size);
		}
		for (i = 0; i < ARRAY_SIZE(p); i++)
			slab_cache_free(c, p[i]);
		cond_resched();
	}
	return 0;
}

/* Validation and shrinking race with allocation and free on other CPUs */
static void debug_concurrent_validate(struct kunit *test)
{
	struct task_struct *t[2];
	struct dbg_observer o;
	struct slab_cache *c;
	int i, cpu, found = 0;

	c = dbg_cache(test, SLABDBG_ALL, "debug-concurrent", 56, NULL, &o);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		t[i] = kthread_create(dbg_stress_fn, c, "dbg_stress/%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t[i]));
		cpu = cpumask_nth(i % num_online_cpus(), cpu_online_mask);
		kthread_bind(t[i], cpu);
		wake_up_process(t[i]);
	}
	for (i = 0; i < 200; i++) {
		found += slab_debug_validate(c);
		if (!(i % 16))
			slab_cache_shrink(c, NULL, NULL);
		cond_resched();
	}
	for (i = 0; i < ARRAY_SIZE(t); i++)
		kthread_stop(t[i]);
	KUNIT_EXPECT_EQ(test, found, 0);
	KUNIT_EXPECT_EQ(test, o.reports, 0U);
	KUNIT_EXPECT_EQ(test, slab_debug_validate(c), 0);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/*
 * What a report prints: a console of the test's own keeps the text printed
 * while it is registered.
 */
static char dbg_log[32768];
static unsigned int dbg_log_len;
/* Lines written while the printing task held a lock of dbg_log_cache */
static struct slab_cache *dbg_log_cache;
static unsigned int dbg_log_locked;

static void dbg_log_write(struct console *con, const char *s, unsigned int n)
{
	struct slab_cache *c = READ_ONCE(dbg_log_cache);

	if (c && slab_debug_holds_locks(c))
		dbg_log_locked++;
	n = min_t(unsigned int, n, sizeof(dbg_log) - 1 - dbg_log_len);
	memcpy(dbg_log + dbg_log_len, s, n);
	dbg_log_len += n;
	dbg_log[dbg_log_len] = '\0';
}

static struct console dbg_log_console = {
	.name	= "mdbglog",
	.write	= dbg_log_write,
};

static void dbg_log_start(void)
{
	dbg_log_len = 0;
	dbg_log[0] = '\0';
	/* Unregistering disabled it: enable it again, at the next message */
	dbg_log_console.flags = CON_ENABLED;
	dbg_log_console.index = -1;
	register_console(&dbg_log_console);
}

/* console_lock() and console_unlock() flush what was left for later */
static void dbg_log_stop(void)
{
	console_lock();
	console_unlock();
	unregister_console(&dbg_log_console);
}

static void dbg_expect_printed(struct kunit *test, const char *text)
{
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(dbg_log, text),
				  "not printed: \"%s\"", text);
}

/*
 * Slot metadata, as derive_debug.c lays it out after the right red zone:
 * the base's free pointer, the state word, then the slab's link.
 */
static unsigned int dbg_meta_offset(struct slab_cache *c)
{
	unsigned int end = ALIGN(c->object_size, sizeof(void *));

	if (slab_debug_flags(c) & SLABDBG_REDZONE)
		end += sizeof(void *);
	return c->left_pad + end;
}

static unsigned long *dbg_state_word(struct slab_cache *c, void *obj)
{
	return obj - c->left_pad + dbg_meta_offset(c) + sizeof(void *);
}

static struct list_head *dbg_slab_link(struct slab_cache *c, void *slab)
{
	return slab + dbg_meta_offset(c) + 2 * sizeof(void *);
}

static void *dbg_slab_of(const void *obj)
{
	return folio_address(virt_to_folio(obj));
}

/* UML unwinds along frame pointers only: without them, few stacks are saved */
static bool dbg_stacks_saved(void)
{
	return !IS_ENABLED(CONFIG_UML) || IS_ENABLED(CONFIG_FRAME_POINTER);
}

/* First in the suite: an allocator with U readies the stack depot itself */
static void debug_user_stacks(struct kunit *test)
{
	void *entries[8], *ret;
	unsigned int nr[2];
	struct slab_cache *c;
	u8 *obj;

	c = dbg_cache(test, SLABDBG_ALL, "debug-stacks", 32, NULL, NULL);
	obj = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	nr[0] = slab_debug_stack(c, obj, false, &ret, entries,
				 ARRAY_SIZE(entries));
	KUNIT_EXPECT_NOT_NULL(test, ret);
	slab_cache_free(c, obj);
	nr[1] = slab_debug_stack(c, obj, true, &ret, entries,
				 ARRAY_SIZE(entries));
	KUNIT_EXPECT_NOT_NULL(test, ret);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	if (!dbg_stacks_saved()) {
		kunit_info(test, "no stack traces without frame pointers\n");
		return;
	}
	KUNIT_EXPECT_GT(test, nr[0], 0U);
	KUNIT_EXPECT_GT(test, nr[1], 0U);
}

/* The queries answer nothing for caches that are not debug caches */
static void debug_queries_elsewhere(struct kunit *test)
{
	struct slab_cache *plain, *c;
	void *entries[4], *ret;
	void *obj;

	plain = slab_cache_create(slabifier_allocator(), buddy_page_allocator(),
				  "debug-plain", 64, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(plain));
	obj = slab_cache_alloc(plain, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_EXPECT_EQ(test, slab_debug_errors(plain, SLABDBG_ERR_REDZONE),
			0UL);
	KUNIT_EXPECT_EQ(test, slab_debug_held(plain), 0UL);
	KUNIT_EXPECT_EQ(test, slab_debug_flags(plain), 0U);
	ret = obj;
	KUNIT_EXPECT_EQ(test, slab_debug_stack(plain, obj, false, &ret, entries,
					       ARRAY_SIZE(entries)), 0U);
	KUNIT_EXPECT_NULL(test, ret);
	slab_cache_free(plain, obj);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(plain), 0);

	/* A debug cache without U records no callers */
	c = dbg_cache(test, SLABDBG_SANITY, "debug-no-user", 64, NULL, NULL);
	KUNIT_EXPECT_EQ(test, slab_debug_flags(c), (unsigned int)SLABDBG_SANITY);
	KUNIT_EXPECT_EQ(test, slab_debug_errors(c, SLABDBG_ERR_NR), 0UL);
	obj = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	ret = obj;
	KUNIT_EXPECT_EQ(test, slab_debug_stack(c, obj, false, &ret, entries,
					       ARRAY_SIZE(entries)), 0U);
	KUNIT_EXPECT_NULL(test, ret);
	slab_cache_free(c, obj);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

static noinline void *dbg_alloc_inner(struct slab_cache *c)
{
	void *p = slab_cache_alloc(c, GFP_KERNEL);

	OPTIMIZER_HIDE_VAR(p);
	return p;
}

/* Of the report's lines, only the stack saved at allocation names this */
static noinline void *dbg_alloc_outer(struct slab_cache *c)
{
	void *p = dbg_alloc_inner(c);

	OPTIMIZER_HIDE_VAR(p);
	return p;
}

static void debug_report_track(struct kunit *test)
{
	unsigned long before, after, age;
	char caller[KSYM_NAME_LEN];
	struct dbg_observer o;
	struct slab_cache *c;
	int cpu, pid, fields;
	const char *track;
	u8 *obj;

	c = dbg_cache(test, SLABDBG_REDZONE | SLABDBG_USER, "debug-track", 40,
		      NULL, &o);
	before = jiffies;
	obj = dbg_alloc_outer(c);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	obj[40] = 0x42;
	dbg_log_start();
	slab_cache_free(c, obj);
	dbg_log_stop();
	after = jiffies;
	KUNIT_EXPECT_EQ(test, o.reports, 1U);
	track = strstr(dbg_log, "Allocated in ");
	KUNIT_ASSERT_NOT_NULL(test, track);
	track = strstr(track, " age=");
	KUNIT_ASSERT_NOT_NULL(test, track);
	fields = sscanf(track, " age=%lu cpu=%d pid=%d", &age, &cpu, &pid);
	KUNIT_ASSERT_EQ(test, fields, 3);
	KUNIT_EXPECT_EQ(test, pid, task_pid_nr(current));
	/* Counted from the allocation, which came after @before */
	KUNIT_EXPECT_LE(test, age, after - before);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	if (!dbg_stacks_saved()) {
		kunit_info(test, "no stack traces without frame pointers\n");
		return;
	}
	/* The stack follows its line */
	snprintf(caller, sizeof(caller), "%ps", dbg_alloc_outer);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(track, caller),
				  "no %s in the allocation's stack", caller);
}

/* The report dumps both red zones and the padding of the slot */
static void debug_report_dumps(struct kunit *test)
{
	struct slab_cache *c;
	char line[64];
	u8 *obj;

	/* A power of two: aligned to its size, its slots have padding */
	c = dbg_cache(test, SLABDBG_ALL, "debug-dumps", 64, NULL, NULL);
	obj = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	obj[64] = 0x42;
	dbg_log_start();
	slab_cache_free(c, obj);
	dbg_log_stop();
	snprintf(line, sizeof(line), "Redzone  %p: ", obj - c->left_pad);
	dbg_expect_printed(test, line);
	snprintf(line, sizeof(line), "Object   %p: ", obj);
	dbg_expect_printed(test, line);
	snprintf(line, sizeof(line), "Redzone  %p: ", obj + 64);
	dbg_expect_printed(test, line);
	dbg_expect_printed(test, "Padding  ");
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/*
 * Reports reach the consoles only after the cache's locks are let go, as
 * the slabifier's do: allocations take them under the scheduler's and the
 * timers' locks, and a console driver may wake a task under its port
 * lock.  A damaged object found by a free (the cache's lock held) and a
 * poisoned one found by validation (both locks): the log console asks
 * lockdep, line by line, whether the printing task holds either.
 */
static void debug_reports_outside_locks(struct kunit *test)
{
	struct dbg_observer o;
	struct slab_cache *c;
	u8 *obj, *freed;

	c = dbg_cache(test, SLABDBG_ALL, "debug-locks", 64, NULL, &o);
	obj = slab_cache_alloc(c, GFP_KERNEL);
	freed = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_ASSERT_NOT_NULL(test, freed);
	slab_cache_free(c, freed);
	obj[64] = 0x42;
	freed[10] = 0x42;
	dbg_log_locked = 0;
	WRITE_ONCE(dbg_log_cache, c);
	dbg_log_start();
	slab_cache_free(c, obj);
	KUNIT_EXPECT_EQ(test, slab_debug_validate(c), 1);
	dbg_log_stop();
	WRITE_ONCE(dbg_log_cache, NULL);
	KUNIT_EXPECT_EQ(test, o.reports, 2U);
	dbg_expect_printed(test, "BUG debug-locks (");
	dbg_expect_printed(test, "Poison overwritten");
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	/* Only lockdep knows who holds a lock (the lockdep boots check it) */
	if (IS_ENABLED(CONFIG_LOCKDEP))
		KUNIT_EXPECT_EQ(test, dbg_log_locked, 0U);
}

static void dbg_expect_bad_bytes(struct kunit *test, struct slab_cache *c,
				 u8 *obj, unsigned int first,
				 unsigned int last, u8 expect)
{
	char line[128];

	snprintf(line, sizeof(line),
		 "0x%p-0x%p @offset=%u. First byte 0x%x instead of 0x%x",
		 obj + first, obj + last, c->left_pad + first, obj[first],
		 expect);
	dbg_expect_printed(test, line);
}

/* The report names the first and the last bad byte of a run */
static void debug_report_bad_bytes(struct kunit *test)
{
	struct dbg_observer o;
	struct slab_cache *c;
	u8 *a, *b;

	c = dbg_cache(test, SLABDBG_POISON, "debug-bad-bytes", 96, NULL, &o);
	a = slab_cache_alloc(c, GFP_KERNEL);
	b = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	slab_cache_free(c, a);
	slab_cache_free(c, b);
	/* A run inside the poison; a byte just before the end marker */
	memset(a + 3, 0, 3);
	b[94] = 0;
	dbg_log_start();
	KUNIT_EXPECT_EQ(test, slab_debug_validate(c), 2);
	dbg_log_stop();
	KUNIT_EXPECT_EQ(test, o.reports, 2U);
	dbg_expect_printed(test, "): Poison overwritten");
	dbg_expect_bad_bytes(test, c, a, 3, 5, POISON_FREE);
	dbg_expect_bad_bytes(test, c, b, 94, 94, POISON_FREE);
	dbg_expect_working(test, c, a);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/* A state word no state has: reported on free and by validation */
static void debug_state_overwritten(struct kunit *test)
{
	struct dbg_observer o;
	struct slab_cache *c;
	u8 *a, *b;

	c = dbg_cache(test, SLABDBG_SANITY | SLABDBG_REDZONE, "debug-state", 64,
		      NULL, &o);
	a = slab_cache_alloc(c, GFP_KERNEL);
	b = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	slab_cache_free(c, b);

	*dbg_state_word(c, a) = 0x12345678;
	slab_cache_free(c, a);
	KUNIT_EXPECT_EQ(test, slab_debug_errors(c, SLABDBG_ERR_METADATA), 1UL);
	KUNIT_EXPECT_EQ(test, o.reports, 1U);
	KUNIT_EXPECT_PTR_EQ(test, o.last_obj, (const void *)a);

	*dbg_state_word(c, b) = 0x12345678;
	KUNIT_EXPECT_EQ(test, slab_debug_validate(c), 1);
	KUNIT_EXPECT_EQ(test, slab_debug_errors(c, SLABDBG_ERR_METADATA), 2UL);
	KUNIT_EXPECT_EQ(test, o.reports, 2U);
	KUNIT_EXPECT_PTR_EQ(test, o.last_obj, (const void *)b);

	dbg_expect_working(test, c, a);
	KUNIT_EXPECT_EQ(test, o.reports, 2U);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/* The tail of a slab is checked, reported and dumped when the slab goes */
static void debug_slab_tail_on_free(struct kunit *test)
{
	struct slab_cache_stats st;
	struct dbg_observer o;
	unsigned long used, end;
	struct slab_cache *c;
	u8 *obj, *slab;

	c = dbg_cache(test, SLABDBG_POISON, "debug-tail", 200, NULL, &o);
	slab_cache_stats(c, &st);
	obj = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	slab = dbg_slab_of(obj);
	end = folio_size(virt_to_folio(obj));
	used = (unsigned long)st.objs_per_slab * c->size;
	KUNIT_ASSERT_LT(test, used, end);
	slab_cache_free(c, obj);
	slab[end - 1] = 0;
	dbg_log_start();
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	dbg_log_stop();
	KUNIT_EXPECT_EQ(test, o.reports, 1U);
	KUNIT_EXPECT_EQ(test, o.last_err, SLABDBG_ERR_PADDING);
	KUNIT_EXPECT_PTR_EQ(test, o.last_obj, (const void *)slab);
	dbg_expect_printed(test, "): Slab padding overwritten");
	dbg_expect_printed(test, "Padding  ");
}

/* A damaged link of the slab list is reported, not followed */
static void debug_slab_list_damaged(struct kunit *test)
{
	struct list_head *link, *next;
	struct dbg_observer o;
	struct slab_cache *c;
	void *obj;

	c = dbg_cache(test, SLABDBG_REDZONE, "debug-slab-list", 64, NULL, &o);
	obj = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	link = dbg_slab_link(c, dbg_slab_of(obj));
	next = link->next;
	link->next = LIST_POISON1;
	KUNIT_EXPECT_EQ(test, slab_debug_validate(c), 0);
	KUNIT_EXPECT_EQ(test, slab_debug_errors(c, SLABDBG_ERR_METADATA), 1UL);
	KUNIT_EXPECT_EQ(test, o.reports, 1U);
	link->next = next;
	KUNIT_EXPECT_EQ(test, slab_debug_validate(c), 0);
	KUNIT_EXPECT_EQ(test, o.reports, 1U);
	slab_cache_free(c, obj);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/*
 * A slab that goes with its link damaged empties the list: nothing walks
 * into the slab gone afterwards.
 */
static void debug_slab_list_cut(struct kunit *test)
{
	struct slab_cache_stats st;
	struct dbg_observer o;
	struct slab_cache *c;
	unsigned int i, n;
	void **p, *first;

	c = dbg_cache(test, SLABDBG_REDZONE, "debug-slab-cut", 64, NULL, &o);
	slab_cache_stats(c, &st);
	n = 2 * st.objs_per_slab;
	p = kunit_kcalloc(test, n, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < n; i++) {
		p[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	first = dbg_slab_of(p[0]);
	dbg_slab_link(c, first)->next = LIST_POISON1;
	for (i = 0; i < n; i++) {
		if (dbg_slab_of(p[i]) != first)
			continue;
		slab_cache_free(c, p[i]);
		p[i] = NULL;
	}
	slab_cache_shrink(c, NULL, NULL);
	KUNIT_EXPECT_EQ(test, slab_debug_errors(c, SLABDBG_ERR_METADATA), 1UL);
	KUNIT_EXPECT_EQ(test, slab_debug_validate(c), 0);
	KUNIT_EXPECT_EQ(test, slab_debug_held(c), 0UL);
	KUNIT_EXPECT_EQ(test, slab_debug_errors(c, SLABDBG_ERR_METADATA), 1UL);
	for (i = 0; i < n; i++)
		slab_cache_free(c, p[i]);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/* slab_debug_held() looks at the slots of a slab, not past the last one */
static void debug_held_within_slab(struct kunit *test)
{
	struct slab_cache_stats st;
	struct slab_cache *c = NULL;
	unsigned long used, need;
	unsigned int size;
	void *obj, *past;

	/* A size whose slabs' tails hold the state word of one more slot */
	for (size = 8; size <= 2048; size += 8) {
		c = dbg_cache(test, SLABDBG_REDZONE, "debug-held", size, NULL,
			      NULL);
		slab_cache_stats(c, &st);
		used = (unsigned long)st.objs_per_slab * c->size;
		need = used + dbg_meta_offset(c) + 2 * sizeof(void *);
		if (need <= PAGE_SIZE << st.order)
			break;
		KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
		c = NULL;
	}
	KUNIT_ASSERT_NOT_NULL(test, c);
	obj = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	past = dbg_slab_of(obj) + used + c->left_pad;
	/* What the state word of a quarantined slot holds */
	*dbg_state_word(c, past) = 0x0bad0badUL;
	KUNIT_EXPECT_EQ(test, slab_debug_held(c), 0UL);
	KUNIT_EXPECT_EQ(test, slab_debug_validate(c), 0);
	slab_cache_free(c, obj);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/* Half the largest slab is the largest object: its metadata is the rest */
static void debug_largest_object(struct kunit *test)
{
	unsigned int half = (PAGE_SIZE << MAX_PAGE_ORDER) / 2;
	struct slab_allocator *sa;
	struct slab_cache *c;

	c = dbg_cache(test, SLABDBG_ALL, "debug-largest", half, NULL, NULL);
	KUNIT_EXPECT_EQ(test, c->object_size, half);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	sa = debug_slab_allocator(slabifier_allocator(), SLABDBG_ALL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sa));
	KUNIT_EXPECT_EQ(test, PTR_ERR(slab_cache_create(sa, buddy_page_allocator(),
							"debug-too-large",
							half + 1, NULL)),
			-EINVAL);
	slab_allocator_put(sa);
}

/*
 * Objects for moving, in @p, enough for four slabs: of the first slab only
 * the lowest and the highest object stay (*@lo and *@hi), of the second
 * one, so that two slabs are sparse and worth emptying, and every other
 * one of the third, which takes the moves.
 */
static void dbg_sparse_slabs(struct kunit *test, struct slab_cache *c,
			     void **p, unsigned int n, void **lo, void **hi)
{
	unsigned int i, j, seen[3] = {};
	void *slab[3] = {}, *s;
	bool keep;

	for (i = 0; i < n; i++) {
		p[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		s = dbg_slab_of(p[i]);
		for (j = 0; j < ARRAY_SIZE(slab) && slab[j] && slab[j] != s; j++)
			;
		if (j < ARRAY_SIZE(slab))
			slab[j] = s;
	}
	*lo = *hi = p[0];
	for (i = 0; i < n; i++) {
		if (dbg_slab_of(p[i]) != slab[0])
			continue;
		if (p[i] < *lo)
			*lo = p[i];
		if (p[i] > *hi)
			*hi = p[i];
	}
	for (i = 0; i < n; i++) {
		s = dbg_slab_of(p[i]);
		if (s == slab[0])
			keep = p[i] == *lo || p[i] == *hi;
		else if (s == slab[1])
			keep = !seen[1]++;
		else if (s == slab[2])
			keep = seen[2]++ % 2;
		else
			keep = true;
		if (keep)
			continue;
		slab_cache_free(c, p[i]);
		p[i] = NULL;
	}
}

/* A quarantined object keeps its slab: the rest of it is not moved */
static void debug_move_quarantined(struct kunit *test)
{
	struct dbg_move_ctx m = {};
	struct slab_cache_stats st;
	struct dbg_observer o;
	struct slab_cache *c;
	unsigned int i, n;
	void **p, *lo, *hi;

	c = dbg_cache(test, SLABDBG_SANITY | SLABDBG_REDZONE,
		      "debug-move-quarantined", 64, NULL, &o);
	slab_cache_stats(c, &st);
	KUNIT_ASSERT_GE(test, st.objs_per_slab, 8U);
	n = 4 * st.objs_per_slab;
	p = kunit_kcalloc(test, n, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	dbg_sparse_slabs(test, c, p, n, &lo, &hi);
	((u8 *)lo)[64] = 0x42;
	for (i = 0; i < n; i++) {
		if (p[i] == lo)
			p[i] = NULL;
	}
	slab_cache_free(c, lo);
	KUNIT_EXPECT_EQ(test, o.reports, 1U);
	KUNIT_EXPECT_EQ(test, slab_debug_held(c), 1UL);
	/* The quarantined object comes first in its slab */
	m.p = p;
	m.n = n;
	slab_cache_shrink(c, dbg_test_move, &m);
	KUNIT_EXPECT_GT(test, m.moved, 0U);
	for (i = 0; i < n; i++) {
		if (p[i] == hi)
			break;
	}
	KUNIT_EXPECT_LT_MSG(test, i, n, "the object after it was moved");
	KUNIT_EXPECT_EQ(test, slab_debug_held(c), 1UL);
	KUNIT_EXPECT_EQ(test, o.reports, 1U);
	for (i = 0; i < n; i++)
		slab_cache_free(c, p[i]);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

struct dbg_move_track {
	struct dbg_move_ctx	m;
	void			*keep;
	void			*move;
	void			*refused;
	void			*moved;
};

/* Moves every object but @keep, and notes where @keep and @move would go */
static enum slab_move_result dbg_move_tracked(struct slab_cache *c, void *old,
					      void *new, void *private)
{
	struct dbg_move_track *t = private;

	if (old == t->keep) {
		t->refused = new;
		return SLAB_MOVE_LATER;
	}
	if (old == t->move)
		t->moved = new;
	return dbg_test_move(c, old, new, &t->m);
}

/* A move records its caller on the slots it takes and gives back, no stack */
static void debug_move_tracks(struct kunit *test)
{
	struct dbg_move_track t = {};
	struct slab_cache_stats st;
	void *entries[8], *ret;
	struct dbg_observer o;
	struct slab_cache *c;
	unsigned int i, n;
	void **p;

	c = dbg_cache(test, SLABDBG_ALL, "debug-move-tracks", 64, NULL, &o);
	slab_cache_stats(c, &st);
	KUNIT_ASSERT_GE(test, st.objs_per_slab, 8U);
	n = 4 * st.objs_per_slab;
	p = kunit_kcalloc(test, n, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	dbg_sparse_slabs(test, c, p, n, &t.keep, &t.move);
	t.m.p = p;
	t.m.n = n;
	slab_cache_shrink(c, dbg_move_tracked, &t);
	KUNIT_ASSERT_NOT_NULL(test, t.refused);
	KUNIT_ASSERT_NOT_NULL(test, t.moved);
	KUNIT_EXPECT_EQ(test, slab_debug_stack(c, t.moved, false, &ret, entries,
					       ARRAY_SIZE(entries)), 0U);
	KUNIT_EXPECT_NOT_NULL(test, ret);
	KUNIT_EXPECT_EQ(test, slab_debug_stack(c, t.refused, true, &ret,
					       entries, ARRAY_SIZE(entries)),
			0U);
	KUNIT_EXPECT_NOT_NULL(test, ret);
	for (i = 0; i < n; i++)
		slab_cache_free(c, p[i]);
	KUNIT_EXPECT_EQ(test, o.reports, 0U);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

static struct kunit_case debug_cases[] = {
	KUNIT_CASE(debug_user_stacks),
	KUNIT_CASE(debug_refusals),
	KUNIT_CASE(debug_layout),
	KUNIT_CASE(debug_redzone_right),
	KUNIT_CASE(debug_redzone_left),
	KUNIT_CASE(debug_poison_use_after_free),
	KUNIT_CASE(debug_poison_validate),
	KUNIT_CASE(debug_validate_then_destroy),
	KUNIT_CASE(debug_freeptr_corrupt),
	KUNIT_CASE(debug_double_free),
	KUNIT_CASE(debug_invalid_free),
	KUNIT_CASE(debug_user_and_trace),
	KUNIT_CASE(debug_under_ctor),
	KUNIT_CASE(debug_typesafe_by_rcu),
	KUNIT_CASE(debug_bulk_and_shrink),
	KUNIT_CASE(debug_concurrent_validate),
	KUNIT_CASE(debug_queries_elsewhere),
	KUNIT_CASE(debug_report_track),
	KUNIT_CASE(debug_report_dumps),
	KUNIT_CASE(debug_reports_outside_locks),
	KUNIT_CASE(debug_report_bad_bytes),
	KUNIT_CASE(debug_state_overwritten),
	KUNIT_CASE(debug_slab_tail_on_free),
	KUNIT_CASE(debug_slab_list_damaged),
	KUNIT_CASE(debug_slab_list_cut),
	KUNIT_CASE(debug_held_within_slab),
	KUNIT_CASE(debug_largest_object),
	KUNIT_CASE(debug_move_quarantined),
	KUNIT_CASE(debug_move_tracks),
	{}
};

static struct kunit_suite debug_suite = {
	.name = "modslab_derive_debug",
	.test_cases = debug_cases,
};

kunit_test_suite(debug_suite);

MODULE_DESCRIPTION("KUnit tests of the modslab debug deriver");
MODULE_LICENSE("GPL");
