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
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

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

static struct kunit_case debug_cases[] = {
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
	{}
};

static struct kunit_suite debug_suite = {
	.name = "modslab_derive_debug",
	.test_cases = debug_cases,
};

kunit_test_suite(debug_suite);

MODULE_DESCRIPTION("KUnit tests of the modslab debug deriver");
MODULE_LICENSE("GPL");
