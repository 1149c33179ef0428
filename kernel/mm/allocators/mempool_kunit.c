// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of mempools on derived allocators: a mempool over a slab
 * cache whose page allocator keeps a reserve, on a base page allocator that
 * fault injection makes fail every time.  The pool still hands out its
 * guaranteed minimum, the reserve lends its slabs, and what is freed goes
 * back to the pool first and then to the reserve, never to the failing
 * base.
 */

#include <kunit/test.h>
#include <linux/allocator.h>
#include <linux/allocator_derive.h>
#include <linux/fault-inject.h>
#include <linux/mempool.h>
#include <linux/slab.h>

#include "internal.h"

#define MP_OBJ		256	/* order 0 slabs */
#define MP_MIN_NR	8	/* elements the pool guarantees */
#define MP_RESERVE	2	/* slabs the page allocator keeps back */

/*
 * A page allocator over the buddy allocator that fails when its fault
 * attribute says so, and counts what reached the base.
 */
struct faulty_pa {
	struct page_allocator	pa;
	struct fault_attr	attr;
	bool			busy;
	atomic_t		injected;
	atomic_t		allocs;
	atomic_t		frees;
	atomic_t		reclaiming;
};

static struct faulty_pa *to_faulty(struct page_allocator *pa)
{
	return container_of(pa, struct faulty_pa, pa);
}

static struct folio *faulty_alloc(struct page_allocator *pa, gfp_t gfp,
				  unsigned int order, int node)
{
	struct faulty_pa *f = to_faulty(pa);
	struct folio *folio;

	if (should_fail(&f->attr, PAGE_SIZE << order)) {
		atomic_inc(&f->injected);
		return NULL;
	}
	/*
	 * @busy: a buddy allocator under pressure.  What must not wait
	 * fails; what may reclaim and retry would get memory, in the end,
	 * by reclaim or the OOM killer: counted.
	 */
	if (READ_ONCE(f->busy)) {
		if (!(gfp & __GFP_DIRECT_RECLAIM) || (gfp & __GFP_NORETRY)) {
			atomic_inc(&f->injected);
			return NULL;
		}
		atomic_inc(&f->reclaiming);
	}
	folio = page_allocator_alloc(pa->base, gfp, order, node);
	if (folio)
		atomic_inc(&f->allocs);
	return folio;
}

static void faulty_free(struct page_allocator *pa, struct folio *folio,
			unsigned int order)
{
	atomic_inc(&to_faulty(pa)->frees);
	page_allocator_free(pa->base, folio, order);
}

static void faulty_release(struct page_allocator *pa)
{
	kfree(to_faulty(pa));
}

static const struct page_allocator_ops faulty_ops = {
	.alloc		= faulty_alloc,
	.free		= faulty_free,
	.release	= faulty_release,
};

static struct faulty_pa *faulty_new(struct kunit *test)
{
	static const struct fault_attr init = FAULT_ATTR_INITIALIZER;
	struct faulty_pa *f = kzalloc(sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->attr = init;
	f->attr.verbose = 0;
	f->attr.interval = 1;
	atomic_set(&f->attr.times, -1);
	page_allocator_init(&f->pa, &faulty_ops, "faulty",
			    buddy_page_allocator());
	return f;
}

/* From now on every request fails (probability 100 %), or none does. */
static void faulty_arm(struct faulty_pa *f, bool on)
{
	WRITE_ONCE(f->attr.probability, on ? 100 : 0);
}

struct mp_fixture {
	struct faulty_pa	*f;
	struct page_allocator	*r;
	struct slab_cache	*c;
	mempool_t		*pool;
	unsigned int		per_slab;
};

static void mp_setup(struct kunit *test, struct mp_fixture *m,
		     unsigned int reserve)
{
	struct slab_cache_stats st;

	m->f = faulty_new(test);
	if (reserve) {
		m->r = reserve_page_allocator(&m->f->pa, 0, reserve);
		KUNIT_ASSERT_FALSE(test, IS_ERR(m->r));
		KUNIT_ASSERT_EQ(test, reserve_page_allocator_available(m->r),
				reserve);
	} else {
		m->r = page_allocator_get(&m->f->pa);
	}
	m->c = slabifier_create_order0(m->r, "mempool-kunit", MP_OBJ);
	KUNIT_ASSERT_FALSE(test, IS_ERR(m->c));
	slab_cache_stats(m->c, &st);
	KUNIT_ASSERT_EQ(test, st.order, 0U);
	m->per_slab = st.objs_per_slab;
	m->pool = mempool_create_slab_cache(MP_MIN_NR, m->c);
	KUNIT_ASSERT_NOT_NULL(test, m->pool);
	KUNIT_ASSERT_EQ(test, m->pool->curr_nr, MP_MIN_NR);
}

static void mp_teardown(struct kunit *test, struct mp_fixture *m)
{
	faulty_arm(m->f, false);
	mempool_destroy(m->pool);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(m->c), 0);
	/* The page allocators' references: ours on the chain, the chain's. */
	page_allocator_put(m->r);
	if (m->r != &m->f->pa) {
		KUNIT_EXPECT_EQ(test, kref_read(&m->f->pa.ref), 1);
		page_allocator_put(&m->f->pa);
	}
}

/* Take elements without waiting until the pool says no. */
static unsigned int mp_drain(struct kunit *test, struct mp_fixture *m,
			     void **objs, unsigned int max)
{
	unsigned int n;

	for (n = 0; n < max; n++) {
		objs[n] = mempool_alloc(m->pool, GFP_NOWAIT | __GFP_NOWARN);
		if (!objs[n])
			break;
		memset(objs[n], 0xa5, MP_OBJ);
	}
	return n;
}

static void mempool_reserve_serves_when_base_fails(struct kunit *test)
{
	struct mp_fixture m;
	unsigned int i, n, max;
	void **objs;
	int allocs;

	mp_setup(test, &m, MP_RESERVE);
	max = MP_MIN_NR + (MP_RESERVE + 2) * m.per_slab;
	objs = kunit_kcalloc(test, max, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);

	faulty_arm(m.f, true);
	allocs = atomic_read(&m.f->allocs);
	migrate_disable();
	n = mp_drain(test, &m, objs, max);
	migrate_enable();

	/* The pool's minimum and the reserve's slabs were all handed out */
	KUNIT_EXPECT_GE(test, n, MP_MIN_NR + MP_RESERVE * m.per_slab);
	KUNIT_EXPECT_LT(test, n, max);
	KUNIT_EXPECT_EQ(test, m.pool->curr_nr, 0);
	KUNIT_EXPECT_EQ(test, reserve_page_allocator_available(m.r), 0U);
	/* The base was asked and failed; nothing came from it */
	KUNIT_EXPECT_GT(test, atomic_read(&m.f->injected), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&m.f->allocs), allocs);

	/* Frees fill the pool first, then the reserve, not the base */
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, *(u8 *)objs[i], 0xa5);
		mempool_free(objs[i], m.pool);
	}
	KUNIT_EXPECT_EQ(test, m.pool->curr_nr, MP_MIN_NR);
	slab_cache_shrink(m.c, NULL, NULL);
	KUNIT_EXPECT_EQ(test, reserve_page_allocator_available(m.r),
			MP_RESERVE);
	KUNIT_EXPECT_EQ(test, atomic_read(&m.f->frees), 0);

	/* And the whole guarantee holds a second time */
	migrate_disable();
	n = mp_drain(test, &m, objs, max);
	migrate_enable();
	KUNIT_EXPECT_GE(test, n, MP_MIN_NR + MP_RESERVE * m.per_slab);
	for (i = 0; i < n; i++)
		mempool_free(objs[i], m.pool);
	mp_teardown(test, &m);
}

/*
 * Under memory pressure the buddy allocator would rather reclaim, retry
 * and OOM-kill than fail a GFP_KERNEL request of a small order.  The
 * reserve is there for that moment: it lends its blocks before the base
 * is asked to reclaim, and only once it is empty does a request that may
 * wait go to the base with its own flags.
 */
static void mempool_reserve_before_reclaim(struct kunit *test)
{
	struct mp_fixture m;
	unsigned int i, n, max;
	void **objs;

	mp_setup(test, &m, MP_RESERVE);
	max = (MP_RESERVE + 2) * m.per_slab;
	objs = kunit_kcalloc(test, max, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);

	WRITE_ONCE(m.f->busy, true);
	migrate_disable();
	/* Until the reserve has lent all its blocks, the base never reclaims */
	for (n = 0; n < max && reserve_page_allocator_available(m.r); n++) {
		objs[n] = slab_cache_alloc(m.c, GFP_KERNEL);
		if (!objs[n])
			break;
	}
	KUNIT_EXPECT_EQ(test, reserve_page_allocator_available(m.r), 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&m.f->reclaiming), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&m.f->injected), 0);
	/* Then a request that may reclaim does, and gets its memory */
	for (; n < max; n++) {
		objs[n] = slab_cache_alloc(m.c, GFP_KERNEL);
		if (!objs[n])
			break;
	}
	migrate_enable();
	WRITE_ONCE(m.f->busy, false);
	KUNIT_EXPECT_EQ(test, n, max);
	KUNIT_EXPECT_GE(test, atomic_read(&m.f->reclaiming), 1);
	for (i = 0; i < n; i++)
		slab_cache_free(m.c, objs[i]);
	mp_teardown(test, &m);
}

static void mempool_minimum_without_reserve(struct kunit *test)
{
	struct mp_fixture m;
	unsigned int i, n, max;
	void **objs;

	mp_setup(test, &m, 0);
	max = MP_MIN_NR + 2 * m.per_slab;
	objs = kunit_kcalloc(test, max, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	faulty_arm(m.f, true);
	migrate_disable();
	n = mp_drain(test, &m, objs, max);
	migrate_enable();
	/* What the slabs had free, then the pool's minimum, then no more */
	KUNIT_EXPECT_GE(test, n, MP_MIN_NR);
	KUNIT_EXPECT_LT(test, n, max);
	KUNIT_EXPECT_EQ(test, m.pool->curr_nr, 0);
	KUNIT_EXPECT_GT(test, atomic_read(&m.f->injected), 0);
	for (i = 0; i < n; i++)
		mempool_free(objs[i], m.pool);
	KUNIT_EXPECT_EQ(test, m.pool->curr_nr, MP_MIN_NR);
	mp_teardown(test, &m);
}

static struct kunit_case mempool_cases[] = {
	KUNIT_CASE(mempool_reserve_serves_when_base_fails),
	KUNIT_CASE(mempool_minimum_without_reserve),
	KUNIT_CASE(mempool_reserve_before_reclaim),
	{}
};

static struct kunit_suite mempool_suite = {
	.name = "modslab_mempool",
	.test_cases = mempool_cases,
};

kunit_test_suite(mempool_suite);

MODULE_DESCRIPTION("KUnit tests of mempools on derived allocators");
MODULE_LICENSE("GPL");
