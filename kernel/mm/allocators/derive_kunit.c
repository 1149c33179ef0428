// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the per-slab derivers: rcu, ctor/dtor, gfp/dma, node,
 * reserve and mempool, and of stacking them.
 */
#include <kunit/test.h>
#include <linux/allocator_derive.h>
#include <linux/err.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "internal.h"

/*
 * A page allocator over the buddy allocator that counts blocks and can be
 * told to fail.
 */
struct test_pa {
	struct page_allocator	pa;
	bool			fail;
	atomic_t		allocs;
	atomic_t		frees;
};

static struct test_pa *to_test_pa(struct page_allocator *pa)
{
	return container_of(pa, struct test_pa, pa);
}

static struct folio *test_pa_alloc(struct page_allocator *pa, gfp_t gfp,
				   unsigned int order, int node)
{
	struct test_pa *t = to_test_pa(pa);
	struct folio *folio;

	if (READ_ONCE(t->fail))
		return NULL;
	folio = page_allocator_alloc(pa->base, gfp, order, node);
	if (folio)
		atomic_inc(&t->allocs);
	return folio;
}

static void test_pa_free(struct page_allocator *pa, struct folio *folio,
			 unsigned int order)
{
	atomic_inc(&to_test_pa(pa)->frees);
	page_allocator_free(pa->base, folio, order);
}

static void test_pa_release(struct page_allocator *pa)
{
	kfree(to_test_pa(pa));
}

static const struct page_allocator_ops test_pa_ops = {
	.alloc		= test_pa_alloc,
	.free		= test_pa_free,
	.release	= test_pa_release,
};

static struct test_pa *test_pa_new(struct kunit *test)
{
	struct test_pa *t = kzalloc(sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	page_allocator_init(&t->pa, &test_pa_ops, "test",
			    buddy_page_allocator());
	return t;
}

/* Drop the test's reference; nothing else may hold one by now. */
static void test_pa_done(struct kunit *test, struct test_pa *t)
{
	KUNIT_EXPECT_EQ(test, kref_read(&t->pa.ref), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->allocs), atomic_read(&t->frees));
	page_allocator_put(&t->pa);
}

#define DERIVE_OBJ	256	/* 16 objects in an order 0 slab */

/*
 * rcu
 */

static void derive_rcu_refuses_rcu_over_rcu(struct kunit *test)
{
	struct page_allocator *r, *rr;

	r = rcu_page_allocator(buddy_page_allocator());
	KUNIT_ASSERT_FALSE(test, IS_ERR(r));
	KUNIT_EXPECT_TRUE(test, r->traits & PAGE_ALLOCATOR_RCU);
	rr = rcu_page_allocator(r);
	KUNIT_EXPECT_EQ(test, PTR_ERR(rr), -EINVAL);
	page_allocator_put(r);
}

static void derive_rcu_defers_free(struct kunit *test)
{
	struct test_pa *t = test_pa_new(test);
	struct page_allocator *r;
	int frees_early, pending_early;
	struct folio *folio;

	r = rcu_page_allocator(&t->pa);
	KUNIT_ASSERT_FALSE(test, IS_ERR(r));
	folio = page_allocator_alloc(r, GFP_KERNEL, 1, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, folio);

	/* No grace period can end while we are in a read-side section */
	rcu_read_lock();
	page_allocator_free(r, folio, 1);
	frees_early = atomic_read(&t->frees);
	pending_early = rcu_page_allocator_pending(r);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, frees_early, 0);
	KUNIT_EXPECT_EQ(test, pending_early, 1);

	page_allocator_rcu_barrier(r);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->frees), 1);
	KUNIT_EXPECT_EQ(test, rcu_page_allocator_pending(r), 0);
	page_allocator_put(r);
	test_pa_done(test, t);
}

static struct slab_cache_stats stats_of(struct slab_cache *c)
{
	struct slab_cache_stats st;

	slab_cache_stats(c, &st);
	return st;
}

static void derive_rcu_typesafe_cache(struct kunit *test)
{
	struct slab_cache_args args = { .flags = SLAB_TYPESAFE_BY_RCU };
	unsigned int saved = slabifier_param_min_partial(), k, n;
	struct test_pa *t = test_pa_new(test);
	struct page_allocator *r;
	unsigned long slabs;
	struct slab_cache *c;
	int i, frees, bad = 0;
	char buf[16];
	void **objs;
	u64 *obj;

	/* Without an rcu page allocator the flag is refused */
	c = slab_cache_create(slabifier_allocator(), &t->pa, "derive-rcu-bad",
			      DERIVE_OBJ, &args);
	KUNIT_EXPECT_EQ(test, PTR_ERR(c), -EINVAL);

	r = rcu_page_allocator(&t->pa);
	KUNIT_ASSERT_FALSE(test, IS_ERR(r));
	/* One partial slab kept per node: an emptied slab goes back at once */
	KUNIT_ASSERT_EQ(test, slabifier_param_set("min_partial", "0"), 0);
	c = slab_cache_create(slabifier_allocator(), r, "derive-rcu",
			      DERIVE_OBJ, &args);
	snprintf(buf, sizeof(buf), "%u", saved);
	slabifier_param_set("min_partial", buf);
	page_allocator_put(r);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_EXPECT_TRUE(test, c->flags & SLAB_CACHE_DIRECT);

	n = 2 * stats_of(c).objs_per_slab;
	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	migrate_disable();
	for (k = 0; k < n && (k == 0 || objs[k - 1]); k++)
		objs[k] = slab_cache_alloc(c, GFP_KERNEL);
	migrate_enable();
	KUNIT_ASSERT_NOT_NULL(test, objs[n - 1]);
	/* objs[0]'s slab is not the CPU's: leave objs[0] its only object */
	obj = objs[0];
	KUNIT_ASSERT_PTR_NE(test, virt_to_folio(obj), virt_to_folio(objs[n - 1]));
	for (k = 1; k < n; k++) {
		if (virt_to_folio(objs[k]) == virt_to_folio(obj)) {
			slab_cache_free(c, objs[k]);
			objs[k] = NULL;
		}
	}
	for (i = 0; i < DERIVE_OBJ / 8; i++)
		obj[i] = 0x5eed0000 + i;
	frees = atomic_read(&t->frees);
	slabs = stats_of(c).num_slabs;

	/*
	 * Freeing obj gives its slab back at once, inside the read-side
	 * section: the reader still sees an object of the type, contents
	 * intact, and no page has reached the base.
	 */
	rcu_read_lock();
	slab_cache_free(c, obj);
	for (i = 0; i < DERIVE_OBJ / 8; i++)
		bad += obj[i] != 0x5eed0000 + i;
	KUNIT_EXPECT_EQ(test, atomic_read(&t->frees), frees);
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, bad, 0);
	/*
	 * One grace period, the slab's: the page allocator, asked to free
	 * after it, does not wait for a second one.
	 */
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, stats_of(c).num_slabs, slabs - 1);
	KUNIT_EXPECT_GT(test, atomic_read(&t->frees), frees);
	for (k = 1; k < n; k++)
		if (objs[k])
			slab_cache_free(c, objs[k]);

	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	page_allocator_rcu_barrier(&t->pa);	/* no rcu trait: returns */
	rcu_barrier();
	KUNIT_EXPECT_GT(test, atomic_read(&t->allocs), 0);
	test_pa_done(test, t);
}

/*
 * A layer over the rcu allocator that counts how blocks come back: the
 * slabifier has waited for the grace period of a typesafe slab, so it
 * frees with page_allocator_free_after_gp(), and the rcu allocator passes
 * the block on at once instead of waiting for a second grace period.
 */
struct spy_pa {
	struct page_allocator	pa;
	atomic_t		frees;
	atomic_t		frees_after_gp;
};

static struct folio *spy_pa_alloc(struct page_allocator *pa, gfp_t gfp,
				  unsigned int order, int node)
{
	return page_allocator_alloc(pa->base, gfp, order, node);
}

static void spy_pa_free(struct page_allocator *pa, struct folio *folio,
			unsigned int order)
{
	atomic_inc(&container_of(pa, struct spy_pa, pa)->frees);
	page_allocator_free(pa->base, folio, order);
}

static void spy_pa_free_after_gp(struct page_allocator *pa,
				 struct folio *folio, unsigned int order)
{
	atomic_inc(&container_of(pa, struct spy_pa, pa)->frees_after_gp);
	page_allocator_free_after_gp(pa->base, folio, order);
}

/* The test's memory: nothing to free, the framework puts the base */
static void spy_pa_release(struct page_allocator *pa)
{
}

static const struct page_allocator_ops spy_pa_ops = {
	.alloc		= spy_pa_alloc,
	.free		= spy_pa_free,
	.free_after_gp	= spy_pa_free_after_gp,
	.release	= spy_pa_release,
};

static void derive_rcu_one_grace_period(struct kunit *test)
{
	struct slab_cache_args args = { .flags = SLAB_TYPESAFE_BY_RCU };
	struct test_pa *t = test_pa_new(test);
	struct spy_pa *spy = kunit_kzalloc(test, sizeof(*spy), GFP_KERNEL);
	struct page_allocator *r;
	struct slab_cache *c;
	struct folio *folio;
	void *obj;
	int frees;

	KUNIT_ASSERT_NOT_NULL(test, spy);
	r = rcu_page_allocator(&t->pa);
	KUNIT_ASSERT_FALSE(test, IS_ERR(r));

	/* Straight through, inside a read-side section even */
	folio = page_allocator_alloc(r, GFP_KERNEL, 0, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, folio);
	frees = atomic_read(&t->frees);
	rcu_read_lock();
	page_allocator_free_after_gp(r, folio, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->frees), frees + 1);
	KUNIT_EXPECT_EQ(test, rcu_page_allocator_pending(r), 0);
	rcu_read_unlock();

	/* A typesafe cache gives its empty slabs back that way */
	page_allocator_init(&spy->pa, &spy_pa_ops, "spy", r);
	KUNIT_EXPECT_TRUE(test, spy->pa.traits & PAGE_ALLOCATOR_RCU);
	c = slab_cache_create(slabifier_allocator(), &spy->pa, "derive-rcu-gp",
			      DERIVE_OBJ, &args);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	obj = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	slab_cache_free(c, obj);
	slab_cache_shrink(c, NULL, NULL);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&spy->frees_after_gp), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&spy->frees), 0);
	KUNIT_EXPECT_EQ(test, rcu_page_allocator_pending(r), 0);
	page_allocator_put(&spy->pa);
	page_allocator_put(r);
	test_pa_done(test, t);
}

/*
 * ctor/dtor
 */

#define CTOR_MAGIC	0xc0c0c0c0deadbeefULL

struct ctor_obj {
	u64	magic;
	u64	data[7];
};

static atomic_t ctor_calls, dtor_calls, dtor_bad;

static void test_ctor(void *p)
{
	struct ctor_obj *o = p;

	o->magic = CTOR_MAGIC;
	atomic_inc(&ctor_calls);
}

static void test_dtor(void *p)
{
	struct ctor_obj *o = p;

	if (o->magic != CTOR_MAGIC)
		atomic_inc(&dtor_bad);
	o->magic = 0;
	atomic_inc(&dtor_calls);
}

static void derive_ctor_once_per_slab(struct kunit *test, bool freeptr)
{
	struct slab_cache_args args = {
		.use_freeptr_offset = freeptr,
		.freeptr_offset = offsetof(struct ctor_obj, data[3]),
	};
	struct slab_allocator *sa;
	struct slab_cache_stats st;
	unsigned int i, n, bad = 0, ctors_first, ctors_last;
	struct ctor_obj **objs;
	struct slab_cache *c;

	atomic_set(&ctor_calls, 0);
	atomic_set(&dtor_calls, 0);
	atomic_set(&dtor_bad, 0);
	sa = ctor_slab_allocator(slabifier_allocator(), test_ctor, test_dtor);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sa));
	c = slab_cache_create(sa, buddy_page_allocator(), "derive-ctor",
			      sizeof(struct ctor_obj), &args);
	slab_allocator_put(sa);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	/* Per-slab work only: the fast path stays direct */
	KUNIT_EXPECT_TRUE(test, c->flags & SLAB_CACHE_DIRECT);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), 0);

	objs = kunit_kcalloc(test, 64, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	/* Stay on one CPU, so that one slab serves all allocations */
	slab_cache_stats(c, &st);
	n = st.objs_per_slab;
	KUNIT_ASSERT_LE(test, n, 64U);
	migrate_disable();
	objs[0] = slab_cache_alloc(c, GFP_KERNEL);
	ctors_first = atomic_read(&ctor_calls);
	/* Use the slab up, give everything back, take it again */
	for (i = 1; i < n; i++)
		objs[i] = slab_cache_alloc(c, GFP_KERNEL);
	for (i = 0; i < n; i++) {
		if (!objs[i] || objs[i]->magic != CTOR_MAGIC)
			bad++;
		slab_cache_free(c, objs[i]);
	}
	for (i = 0; i < n; i++) {
		objs[i] = slab_cache_alloc(c, GFP_KERNEL);
		/* Constructed state survived the free list */
		if (!objs[i] || objs[i]->magic != CTOR_MAGIC)
			bad++;
	}
	ctors_last = atomic_read(&ctor_calls);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, bad, 0U);
	KUNIT_EXPECT_EQ(test, ctors_first, n);
	KUNIT_EXPECT_EQ(test, ctors_last, n);
	for (i = 0; i < n; i++)
		slab_cache_free(c, objs[i]);

	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&dtor_calls),
			atomic_read(&ctor_calls));
	KUNIT_EXPECT_EQ(test, atomic_read(&dtor_bad), 0);
}

static void derive_ctor_preserve_free(struct kunit *test)
{
	derive_ctor_once_per_slab(test, false);
}

static void derive_ctor_freeptr_offset(struct kunit *test)
{
	derive_ctor_once_per_slab(test, true);
}

static void derive_ctor_dtor_on_shrink(struct kunit *test)
{
	struct slab_allocator *sa;
	struct slab_cache *c;
	void *obj;

	atomic_set(&ctor_calls, 0);
	atomic_set(&dtor_calls, 0);
	sa = ctor_slab_allocator(slabifier_allocator(), test_ctor, test_dtor);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sa));
	c = slab_cache_create(sa, buddy_page_allocator(), "derive-dtor",
			      sizeof(struct ctor_obj), NULL);
	slab_allocator_put(sa);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	obj = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	slab_cache_free(c, obj);
	KUNIT_EXPECT_EQ(test, atomic_read(&dtor_calls), 0);
	/* The empty slab goes back: every object is destructed */
	KUNIT_EXPECT_GT(test, slab_cache_shrink(c, NULL, NULL), 0UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&dtor_calls),
			atomic_read(&ctor_calls));
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

static void derive_ctor_refusals(struct kunit *test)
{
	struct slab_cache_args args = { .flags = SLAB_TYPESAFE_BY_RCU };
	struct slab_allocator *sa, *sa2;
	struct page_allocator *r;
	struct slab_cache *c;
	void *obj;

	sa = ctor_slab_allocator(slabifier_allocator(), NULL, NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(sa), -EINVAL);
	sa = ctor_slab_allocator(slabifier_allocator(), test_ctor, test_dtor);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sa));
	sa2 = ctor_slab_allocator(sa, test_ctor, NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(sa2), -EINVAL);

	/* A destructor would run before the grace period */
	r = rcu_page_allocator(buddy_page_allocator());
	KUNIT_ASSERT_FALSE(test, IS_ERR(r));
	c = slab_cache_create(sa, r, "derive-ctor-rcu", 64, &args);
	KUNIT_EXPECT_EQ(test, PTR_ERR(c), -EINVAL);
	slab_allocator_put(sa);

	/* A constructor alone with RCU is what SLUB users do */
	sa = ctor_slab_allocator(slabifier_allocator(), test_ctor, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sa));
	c = slab_cache_create(sa, r, "derive-ctor-rcu", 64, &args);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	obj = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, obj);
	slab_cache_free(c, obj);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	slab_allocator_put(sa);
	page_allocator_put(r);
	rcu_barrier();
}

/*
 * gfp / dma
 */

#if defined(CONFIG_ZONE_DMA) || defined(CONFIG_ZONE_DMA32)
static bool zone_present(enum zone_type zt)
{
	int nid;

	for_each_node_state(nid, N_MEMORY) {
		if (zone_managed_pages(&NODE_DATA(nid)->node_zones[zt]))
			return true;
	}
	return false;
}
#endif

static void derive_dma_zone(struct kunit *test, gfp_t zone, int zt,
			    bool present)
{
	struct page_allocator *pa;
	struct slab_cache *c;
	void *objs[32];
	int i;

	pa = gfp_page_allocator(buddy_page_allocator(), zone);
	if (!present) {
		/* No such zone here (e.g. UML): refused with a reason */
		KUNIT_EXPECT_EQ(test, PTR_ERR(pa), -EINVAL);
		return;
	}
	KUNIT_ASSERT_FALSE(test, IS_ERR(pa));
	KUNIT_EXPECT_TRUE(test, pa->traits & PAGE_ALLOCATOR_GFP_FORCED);
	KUNIT_EXPECT_TRUE(test, pa->gfp & zone);
	c = slab_cache_create(slabifier_allocator(), pa, "derive-dma",
			      DERIVE_OBJ, NULL);
	page_allocator_put(pa);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		KUNIT_EXPECT_EQ(test, page_zonenum(virt_to_page(objs[i])), zt);
	}
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		slab_cache_free(c, objs[i]);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

static void derive_dma_pages(struct kunit *test)
{
#ifdef CONFIG_ZONE_DMA
	derive_dma_zone(test, __GFP_DMA, ZONE_DMA, zone_present(ZONE_DMA));
#else
	derive_dma_zone(test, __GFP_DMA, 0, false);
#endif
}

static void derive_dma32_pages(struct kunit *test)
{
#ifdef CONFIG_ZONE_DMA32
	derive_dma_zone(test, __GFP_DMA32, ZONE_DMA32,
			zone_present(ZONE_DMA32));
#else
	derive_dma_zone(test, __GFP_DMA32, 0, false);
#endif
}

static void derive_gfp_refusals(struct kunit *test)
{
	static const gfp_t bad[] = {
		0, __GFP_COMP, __GFP_DMA | __GFP_DMA32, __GFP_HIGHMEM,
		__GFP_MOVABLE, __GFP_ZERO, __GFP_DIRECT_RECLAIM, __GFP_FS,
		__GFP_HIGH, __GFP_NORETRY | __GFP_RETRY_MAYFAIL,
	};
	struct page_allocator *pa, *pa2;
	struct slab_cache *c;
	void *obj;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    PTR_ERR(gfp_page_allocator(buddy_page_allocator(),
							       bad[i])),
				    -EINVAL, "gfp %#x accepted",
				    (__force unsigned int)bad[i]);

	pa = gfp_page_allocator(buddy_page_allocator(),
				__GFP_NOWARN | __GFP_RECLAIMABLE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pa));
	/* Nothing new to force */
	pa2 = gfp_page_allocator(pa, __GFP_NOWARN);
	KUNIT_EXPECT_EQ(test, PTR_ERR(pa2), -EINVAL);
	c = slab_cache_create(slabifier_allocator(), pa, "derive-gfp",
			      DERIVE_OBJ, NULL);
	page_allocator_put(pa);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	obj = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, obj);
	slab_cache_free(c, obj);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/*
 * node
 */

static void derive_node_binds(struct kunit *test)
{
	int nid = first_memory_node;
	struct page_allocator *pa;
	struct slab_cache *c;
	void *objs[40];
	int i;

	pa = node_page_allocator(buddy_page_allocator(), nid);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pa));
	KUNIT_EXPECT_EQ(test, pa->node, nid);
	KUNIT_EXPECT_TRUE(test, pa->traits & PAGE_ALLOCATOR_NODE_BOUND);
	c = slab_cache_create(slabifier_allocator(), pa, "derive-node",
			      DERIVE_OBJ, NULL);
	page_allocator_put(pa);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		KUNIT_EXPECT_EQ(test, page_to_nid(virt_to_page(objs[i])), nid);
	}
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		slab_cache_free(c, objs[i]);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/*
 * A node asked of a chain bound to another node is a hint the chain
 * overrides: the objects come from the bound node, out of as few slabs as
 * without the hint, not out of a new slab per call.  (With one node with
 * memory the hint and the binding agree.)
 */
static void derive_node_hint_on_bound_chain(struct kunit *test)
{
	int nid = first_memory_node;
	int other = next_node_in(nid, node_states[N_NORMAL_MEMORY]);
	struct slab_cache_stats st;
	struct page_allocator *pa;
	struct slab_cache *c;
	unsigned int i, n;
	void **objs;

	pa = node_page_allocator(buddy_page_allocator(), nid);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pa));
	c = slab_cache_create(slabifier_allocator(), pa, "derive-node-hint",
			      DERIVE_OBJ, NULL);
	page_allocator_put(pa);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	slab_cache_stats(c, &st);
	n = 3 * st.objs_per_slab;
	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	migrate_disable();
	for (i = 0; i < n; i++) {
		objs[i] = slab_cache_alloc_node(c, GFP_KERNEL, other);
		if (!objs[i])
			break;
	}
	migrate_enable();
	KUNIT_EXPECT_EQ(test, i, n);
	n = i;
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, page_to_nid(virt_to_page(objs[i])), nid);
	slab_cache_stats(c, &st);
	KUNIT_EXPECT_LE(test, st.num_slabs, 4UL);
	for (i = 0; i < n; i++)
		slab_cache_free(c, objs[i]);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

static void derive_node_interleave(struct kunit *test)
{
	nodemask_t nodes = node_states[N_MEMORY];
	struct page_allocator *pa;
	struct slab_cache *c;
	void *objs[40];
	int i;

	pa = interleave_page_allocator(buddy_page_allocator(), &nodes);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pa));
	c = slab_cache_create(slabifier_allocator(), pa, "derive-interleave",
			      DERIVE_OBJ, NULL);
	page_allocator_put(pa);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		KUNIT_EXPECT_TRUE(test,
				  node_isset(page_to_nid(virt_to_page(objs[i])),
					     nodes));
	}
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		slab_cache_free(c, objs[i]);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);

	nodes_clear(nodes);
	KUNIT_EXPECT_EQ(test,
			PTR_ERR(interleave_page_allocator(buddy_page_allocator(),
							  &nodes)),
			-EINVAL);
}

static void derive_node_refusals(struct kunit *test)
{
	struct page_allocator *buddy = buddy_page_allocator();
	struct page_allocator *pa;

	KUNIT_EXPECT_EQ(test, PTR_ERR(node_page_allocator(buddy, -1)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(node_page_allocator(buddy, MAX_NUMNODES)),
			-EINVAL);
	if (nr_node_ids < MAX_NUMNODES)
		KUNIT_EXPECT_EQ(test,
				PTR_ERR(node_page_allocator(buddy, nr_node_ids)),
				-EINVAL);

	pa = node_page_allocator(buddy, first_memory_node);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pa));
	/* node over node */
	KUNIT_EXPECT_EQ(test, PTR_ERR(node_page_allocator(pa, first_memory_node)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			PTR_ERR(interleave_page_allocator(pa,
							  &node_states[N_MEMORY])),
			-EINVAL);
	page_allocator_put(pa);
}

/* dma on a node is refused unless that node has DMA memory */
static void derive_node_dma(struct kunit *test)
{
	int nid = first_memory_node;
	struct page_allocator *pa, *dma;
	bool present = false;

#ifdef CONFIG_ZONE_DMA
	present = zone_managed_pages(&NODE_DATA(nid)->node_zones[ZONE_DMA]) > 0;
#endif
	pa = node_page_allocator(buddy_page_allocator(), nid);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pa));
	dma = dma_page_allocator(pa);
	if (present) {
		KUNIT_ASSERT_FALSE(test, IS_ERR(dma));
		KUNIT_EXPECT_EQ(test, dma->node, nid);
		page_allocator_put(dma);
	} else {
		KUNIT_EXPECT_EQ(test, PTR_ERR(dma), -EINVAL);
	}
	page_allocator_put(pa);
}

/*
 * reserve and mempool
 */

static void derive_reserve_serves_when_base_fails(struct kunit *test)
{
	struct test_pa *t = test_pa_new(test);
	struct page_allocator *r;
	struct slab_cache_stats st;
	struct slab_cache *c;
	void **objs;
	unsigned int i, n;

	r = reserve_page_allocator(&t->pa, 0, 4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(r));
	KUNIT_EXPECT_EQ(test, reserve_page_allocator_available(r), 4U);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->allocs), 4);
	c = slabifier_create_order0(r, "derive-reserve", DERIVE_OBJ);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	slab_cache_stats(c, &st);
	KUNIT_ASSERT_EQ(test, st.order, 0U);
	n = 4 * st.objs_per_slab;
	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);

	/* The base fails from now on: the reserve serves four slabs */
	WRITE_ONCE(t->fail, true);
	migrate_disable();
	for (i = 0; i < n; i++) {
		objs[i] = slab_cache_alloc(c, GFP_KERNEL);
		if (!objs[i])
			break;
	}
	KUNIT_EXPECT_EQ(test, i, n);
	KUNIT_EXPECT_EQ(test, reserve_page_allocator_available(r), 0U);
	KUNIT_EXPECT_NULL(test, slab_cache_alloc(c, GFP_KERNEL));
	migrate_enable();
	n = i;

	/* Frees refill the reserve before anything reaches the base */
	for (i = 0; i < n; i++)
		slab_cache_free(c, objs[i]);
	slab_cache_shrink(c, NULL, NULL);
	KUNIT_EXPECT_EQ(test, reserve_page_allocator_available(r), 4U);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->frees), 0);

	/* And it serves again */
	objs[0] = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, objs[0]);
	slab_cache_free(c, objs[0]);
	WRITE_ONCE(t->fail, false);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	page_allocator_put(r);
	test_pa_done(test, t);
}

static void derive_reserve_refusals(struct kunit *test)
{
	struct page_allocator *buddy = buddy_page_allocator();
	struct page_allocator *r, *rcu;

	KUNIT_EXPECT_EQ(test, PTR_ERR(reserve_page_allocator(buddy, 0, 0)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			PTR_ERR(reserve_page_allocator(buddy,
						       MAX_PAGE_ORDER + 1, 1)),
			-EINVAL);
	r = reserve_page_allocator(buddy, 0, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(r));
	KUNIT_EXPECT_EQ(test, PTR_ERR(reserve_page_allocator(r, 0, 1)),
			-EINVAL);
	/* rcu on top of a reserve is fine ... */
	rcu = rcu_page_allocator(r);
	KUNIT_ASSERT_FALSE(test, IS_ERR(rcu));
	/* ... a reserve on top of rcu would skip the grace period */
	KUNIT_EXPECT_EQ(test, PTR_ERR(reserve_page_allocator(rcu, 0, 1)),
			-EINVAL);
	page_allocator_put(rcu);
	page_allocator_put(r);
}

static void derive_mempool_on_cache(struct kunit *test)
{
	struct test_pa *t = test_pa_new(test);
	struct slab_cache_stats st;
	unsigned int i = 0, n, curr = 0;
	void *extra = NULL;
	struct slab_cache *c;
	mempool_t *pool;
	void **objs;

	c = slab_cache_create(slabifier_allocator(), &t->pa, "derive-mempool",
			      DERIVE_OBJ, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_EXPECT_NULL(test, mempool_create_slab_cache(4, NULL));
	slab_cache_stats(c, &st);
	n = st.objs_per_slab;
	objs = kunit_kcalloc(test, n, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);

	/*
	 * One CPU, one slab: the pool takes 4 objects of it, then with the
	 * pages gone n - 4 come from the cache, 4 from the pool, and nothing
	 * more.
	 */
	migrate_disable();
	pool = mempool_create_slab_cache(4, c);
	if (pool) {
		WRITE_ONCE(t->fail, true);
		for (i = 0; i < n; i++) {
			objs[i] = mempool_alloc(pool, GFP_NOWAIT);
			if (!objs[i])
				break;
		}
		curr = pool->curr_nr;
		extra = mempool_alloc(pool, GFP_NOWAIT);
	}
	migrate_enable();
	KUNIT_ASSERT_NOT_NULL(test, pool);
	KUNIT_EXPECT_EQ(test, i, n);
	KUNIT_EXPECT_EQ(test, curr, 0U);
	KUNIT_EXPECT_NULL(test, extra);
	slab_cache_stats(c, &st);
	KUNIT_EXPECT_EQ(test, st.num_slabs, 1UL);

	n = i;
	for (i = 0; i < n; i++)
		mempool_free(objs[i], pool);
	KUNIT_EXPECT_EQ(test, pool->curr_nr, 4);
	WRITE_ONCE(t->fail, false);

	mempool_destroy(pool);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	test_pa_done(test, t);
}

/*
 * Stacks
 */

/*
 * A zone or node layer over a reserve is refused: the reserve would hand
 * out its own blocks, taken without that constraint, when the base fails.
 * The other way round is the sensible stack, and works.
 */
static void derive_reserve_under_placement_refused(struct kunit *test)
{
	struct page_allocator *buddy = buddy_page_allocator();
	nodemask_t nodes = node_states[N_MEMORY];
	struct page_allocator *res, *node, *gfp;

	res = reserve_page_allocator(buddy, 0, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(res));
	if (IS_ENABLED(CONFIG_ZONE_DMA32))
		KUNIT_EXPECT_EQ(test, PTR_ERR(dma32_page_allocator(res)),
				-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(node_page_allocator(res,
							  first_memory_node)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(interleave_page_allocator(res, &nodes)),
			-EINVAL);
	/* Bits that do not choose where pages come from are fine */
	gfp = gfp_page_allocator(res, __GFP_NOWARN);
	KUNIT_EXPECT_FALSE(test, IS_ERR(gfp));
	if (!IS_ERR(gfp))
		page_allocator_put(gfp);
	page_allocator_put(res);

	node = node_page_allocator(buddy_page_allocator(), first_memory_node);
	KUNIT_ASSERT_FALSE(test, IS_ERR(node));
	res = reserve_page_allocator(node, 0, 1);
	KUNIT_EXPECT_FALSE(test, IS_ERR(res));
	if (!IS_ERR(res))
		page_allocator_put(res);
	page_allocator_put(node);
}

/* Interleaving honours a caller's node in its set, and knows its nodes */
static void derive_interleave_preferred_node(struct kunit *test)
{
	nodemask_t nodes = node_states[N_MEMORY], got;
	struct page_allocator *pa;
	struct folio *folio;
	int nid;

	pa = interleave_page_allocator(buddy_page_allocator(), &nodes);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pa));
	KUNIT_EXPECT_TRUE(test, page_allocator_nodes(pa, &got));
	KUNIT_EXPECT_TRUE(test, nodes_equal(got, nodes));
	for_each_node_mask(nid, nodes) {
		folio = page_allocator_alloc(pa, GFP_KERNEL, 0, nid);
		KUNIT_ASSERT_NOT_NULL(test, folio);
		KUNIT_EXPECT_EQ(test, folio_nid(folio), nid);
		page_allocator_free(pa, folio, 0);
	}
	page_allocator_put(pa);
	KUNIT_EXPECT_FALSE(test, page_allocator_nodes(buddy_page_allocator(),
						      &got));
}

static void derive_stack_sensible(struct kunit *test)
{
	struct slab_cache_args args = { .flags = SLAB_TYPESAFE_BY_RCU };
	struct page_allocator *node, *res, *rcu;
	struct test_pa *t = test_pa_new(test);
	struct slab_allocator *sa;
	struct slab_cache *c;
	char buf[128], *p[4];
	void *objs[40];
	int i;

	node = node_page_allocator(&t->pa, first_memory_node);
	KUNIT_ASSERT_FALSE(test, IS_ERR(node));
	res = reserve_page_allocator(node, 0, 2);
	KUNIT_ASSERT_FALSE(test, IS_ERR(res));
	rcu = rcu_page_allocator(res);
	KUNIT_ASSERT_FALSE(test, IS_ERR(rcu));
	page_allocator_put(node);
	page_allocator_put(res);
	KUNIT_EXPECT_EQ(test, rcu->traits,
			PAGE_ALLOCATOR_RCU | PAGE_ALLOCATOR_RESERVE |
			PAGE_ALLOCATOR_NODE_BOUND);
	/* Each layer describes itself, top first */
	page_allocator_describe(rcu, buf, sizeof(buf));
	p[0] = strstr(buf, "rcu -> ");
	p[1] = strstr(buf, "reserve(");
	p[2] = strstr(buf, "node(");
	p[3] = strstr(buf, "test");
	for (i = 0; i < ARRAY_SIZE(p); i++)
		KUNIT_EXPECT_NOT_NULL_MSG(test, p[i], "%s", buf);
	KUNIT_EXPECT_TRUE_MSG(test, p[0] < p[1] && p[1] < p[2] && p[2] < p[3],
			      "%s", buf);

	atomic_set(&ctor_calls, 0);
	sa = ctor_slab_allocator(slabifier_allocator(), test_ctor, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sa));
	c = slab_cache_create(sa, rcu, "derive-stack", sizeof(struct ctor_obj),
			      &args);
	slab_allocator_put(sa);
	page_allocator_put(rcu);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_EXPECT_TRUE(test, c->flags & SLAB_CACHE_DIRECT);
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		KUNIT_EXPECT_EQ(test, ((struct ctor_obj *)objs[i])->magic,
				CTOR_MAGIC);
	}
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		slab_cache_free(c, objs[i]);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	/* The last deferred free releases the chain down to the test's */
	rcu_barrier();
	test_pa_done(test, t);
}

static struct kunit_case derive_cases[] = {
	KUNIT_CASE(derive_rcu_refuses_rcu_over_rcu),
	KUNIT_CASE(derive_rcu_defers_free),
	KUNIT_CASE(derive_rcu_typesafe_cache),
	KUNIT_CASE(derive_rcu_one_grace_period),
	KUNIT_CASE(derive_ctor_preserve_free),
	KUNIT_CASE(derive_ctor_freeptr_offset),
	KUNIT_CASE(derive_ctor_dtor_on_shrink),
	KUNIT_CASE(derive_ctor_refusals),
	KUNIT_CASE(derive_dma_pages),
	KUNIT_CASE(derive_dma32_pages),
	KUNIT_CASE(derive_gfp_refusals),
	KUNIT_CASE(derive_node_binds),
	KUNIT_CASE(derive_node_hint_on_bound_chain),
	KUNIT_CASE(derive_node_interleave),
	KUNIT_CASE(derive_node_refusals),
	KUNIT_CASE(derive_node_dma),
	KUNIT_CASE(derive_reserve_serves_when_base_fails),
	KUNIT_CASE(derive_reserve_refusals),
	KUNIT_CASE(derive_mempool_on_cache),
	KUNIT_CASE(derive_reserve_under_placement_refused),
	KUNIT_CASE(derive_interleave_preferred_node),
	KUNIT_CASE(derive_stack_sensible),
	{}
};

static struct kunit_suite derive_suite = {
	.name = "modslab_derive",
	.test_cases = derive_cases,
};

kunit_test_suite(derive_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests of the modslab per-slab derivers");
MODULE_LICENSE("GPL");
