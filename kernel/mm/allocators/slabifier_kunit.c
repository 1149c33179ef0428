// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the slabifier and of slab allocator chains.
 *
 * Most cases count pages through a small derived page allocator, so they
 * see exactly what the slabifier takes from and gives back to its page
 * allocator.  Error reports are observed through the counters of struct
 * slab_cache_stats, not by reading the log.
 */
#include <kunit/test.h>
#include <linux/allocator.h>
#include <linux/completion.h>
#include <linux/console.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/kmsg_dump.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include "internal.h"
#include "slab_race.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/*
 * A page allocator that counts the pages in flight.
 */
struct tpa {
	struct page_allocator	pa;
	atomic_long_t		pages;
	atomic_long_t		allocs;		/* blocks handed out, ever */
	atomic_t		fail;		/* fail this many allocations */
	bool			order0_only;	/* fail blocks of order > 0 */
	bool			pfmemalloc;	/* as if from the reserves */
	bool			released;
	gfp_t			gfp;		/* of the last allocation */
	int			move_to;	/* CPU + 1 to move the caller to */
};

static struct folio *tpa_alloc(struct page_allocator *pa, gfp_t gfp,
			       unsigned int order, int node)
{
	struct tpa *t = container_of(pa, struct tpa, pa);
	struct folio *folio;

	WRITE_ONCE(t->gfp, gfp);
	/* As if the allocation slept and the task woke up elsewhere */
	if (READ_ONCE(t->move_to) && gfpflags_allow_blocking(gfp)) {
		set_cpus_allowed_ptr(current, cpumask_of(t->move_to - 1));
		WRITE_ONCE(t->move_to, 0);
	}
	if (atomic_add_unless(&t->fail, -1, 0))
		return NULL;
	if (READ_ONCE(t->order0_only) && order)
		return NULL;
	folio = page_allocator_alloc(pa->base, gfp, order, node);
	if (folio && READ_ONCE(t->pfmemalloc))
		set_page_pfmemalloc(&folio->page);
	if (folio) {
		atomic_long_add(1L << order, &t->pages);
		atomic_long_inc(&t->allocs);
	}
	return folio;
}

static void tpa_free(struct page_allocator *pa, struct folio *folio,
		     unsigned int order)
{
	struct tpa *t = container_of(pa, struct tpa, pa);

	atomic_long_sub(1L << order, &t->pages);
	page_allocator_free(pa->base, folio, order);
}

static void tpa_release(struct page_allocator *pa)
{
	container_of(pa, struct tpa, pa)->released = true;
}

static const struct page_allocator_ops tpa_ops = {
	.alloc		= tpa_alloc,
	.free		= tpa_free,
	.release	= tpa_release,
};

/*
 * Test-managed memory: the struct outlives the allocator's release.  A
 * cache leaked on purpose keeps its page allocator: @leak gives it memory
 * that the test never frees.
 */
static struct tpa *__tpa_new(struct kunit *test, bool leak)
{
	struct tpa *t = leak ? kzalloc(sizeof(*t), GFP_KERNEL) :
			       kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	page_allocator_init(&t->pa, &tpa_ops, "test", buddy_page_allocator());
	return t;
}

static struct tpa *tpa_new(struct kunit *test)
{
	return __tpa_new(test, false);
}

static long tpa_pages(struct tpa *t)
{
	return atomic_long_read(&t->pages);
}

static struct slab_cache *mk(struct kunit *test, struct page_allocator *pa,
			     unsigned int size,
			     const struct slab_cache_args *args)
{
	struct slab_cache *c;

	c = slab_cache_create(slabifier_allocator(),
			      pa ?: buddy_page_allocator(), "kunit", size,
			      args);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	return c;
}

static struct slab_cache_stats stats(struct slab_cache *c)
{
	struct slab_cache_stats st;

	slab_cache_stats(c, &st);
	return st;
}

static void **objarray(struct kunit *test, unsigned int nr)
{
	void **p = kunit_kcalloc(test, nr, sizeof(void *), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	return p;
}

/*
 * Sizes and alignment
 */

static const unsigned int sizes[] = {
	8, 13, 16, 24, 31, 64, 100, 128, 192, 250, 512, 1000, 1024, 2048,
	3000, PAGE_SIZE, PAGE_SIZE + 8, 5000, 2 * PAGE_SIZE,
};

static void size_desc(const unsigned int *size, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u", *size);
}

KUNIT_ARRAY_PARAM(sizes, sizes, size_desc);

static void slabifier_sizes(struct kunit *test)
{
	unsigned int size = *(const unsigned int *)test->param_value;
	unsigned int i, j, nr;
	struct slab_cache_stats st;
	struct slab_cache *c;
	u8 *q;
	void **p;

	c = mk(test, NULL, size, NULL);
	st = stats(c);
	KUNIT_EXPECT_EQ(test, st.object_size, size);
	KUNIT_EXPECT_GE(test, st.size, size);
	KUNIT_EXPECT_GE(test, st.objs_per_slab, 1U);
	KUNIT_EXPECT_LE(test, st.objs_per_slab * st.size, PAGE_SIZE << st.order);

	nr = 3 * st.objs_per_slab + 1;
	p = objarray(test, nr);
	for (i = 0; i < nr; i++) {
		p[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p[i],
						   sizeof(void *)));
		if (is_power_of_2(size) && size <= PAGE_SIZE)
			KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p[i],
							   size));
		memset(p[i], i & 0xff, size);
	}
	for (i = 0; i < nr; i++) {
		q = p[i];
		for (j = 0; j < size; j++) {
			if (q[j] != (i & 0xff)) {
				KUNIT_FAIL(test, "object %u byte %u overwritten", i, j);
				break;
			}
		}
	}
	st = stats(c);
	KUNIT_EXPECT_GE(test, st.active_objs, (unsigned long)nr);
	for (i = 0; i < nr; i++)
		slab_cache_free(c, p[i]);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

static void slabifier_natural_alignment_128(struct kunit *test)
{
	unsigned int i, nr = PAGE_SIZE / 128;
	struct slab_cache_stats st;
	struct slab_cache *c;
	unsigned long base;
	void **p;

	c = mk(test, NULL, 128, NULL);
	st = stats(c);
	/* No header, no padding: a page holds exactly PAGE_SIZE / 128 */
	KUNIT_EXPECT_EQ(test, st.size, 128U);
	KUNIT_EXPECT_EQ(test, st.order, 0U);
	KUNIT_EXPECT_EQ(test, st.objs_per_slab, nr);

	p = objarray(test, nr);
	migrate_disable();
	for (i = 0; i < nr; i++) {
		p[i] = slab_cache_alloc(c, GFP_KERNEL);
		if (!p[i])
			break;
	}
	migrate_enable();
	KUNIT_ASSERT_EQ(test, i, nr);
	/* One fresh slab filled exactly: objects at base + k * 128 */
	base = (unsigned long)p[0] & PAGE_MASK;
	for (i = 0; i < nr; i++) {
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p[i], 128));
		KUNIT_EXPECT_EQ(test, (unsigned long)p[i] & PAGE_MASK, base);
	}
	KUNIT_EXPECT_EQ(test, stats(c).num_slabs, 1UL);
	for (i = 0; i < nr; i++)
		slab_cache_free(c, p[i]);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

static void slabifier_explicit_align(struct kunit *test)
{
	struct slab_cache_args args = { .align = 64 };
	struct slab_cache *c;
	unsigned int i;
	void *p[20];

	c = mk(test, NULL, 40, &args);
	KUNIT_EXPECT_EQ(test, stats(c).size, 64U);
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p[i], 64));
	}
	slab_cache_free_bulk(c, ARRAY_SIZE(p), p);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

static void slabifier_hwcache_align(struct kunit *test)
{
	struct slab_cache_args args = { .flags = SLAB_HWCACHE_ALIGN };
	struct slab_cache *c;
	void *p;

	c = mk(test, NULL, 100, &args);
	p = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p,
					   min_t(unsigned int, cache_line_size(), 128)));
	KUNIT_EXPECT_EQ(test, stats(c).size % cache_line_size(), 0U);
	slab_cache_free(c, p);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

static void slabifier_min_objects(struct kunit *test)
{
	struct slab_cache_args reclaimable = { .flags = SLAB_RECLAIM_ACCOUNT };
	unsigned int cpus = num_present_cpus(), want, fit;
	struct slab_cache *c;

	fit = (PAGE_SIZE << slabifier_param_max_order()) / 1024;
	/* A cache the shrinkers empty keeps the one-CPU figure, 8 */
	c = mk(test, NULL, 1024, &reclaimable);
	KUNIT_EXPECT_EQ(test, stats(c).objs_per_slab, min(8U, fit));
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);

	/*
	 * By default a slab holds 4 * (fls(CPUs) + 1) objects, SLUB's rule,
	 * as far as the default max_order lets it.  With one CPU the rule
	 * gives the one-CPU figure too: nothing to tell apart.
	 */
	if (cpus <= 1)
		cpus = nr_cpu_ids;
	if (cpus <= 1)
		kunit_skip(test, "one CPU: the rule gives the one-CPU figure");
	want = 4 * (fls(cpus) + 1);
	c = mk(test, NULL, 1024, NULL);
	KUNIT_EXPECT_GE(test, stats(c).objs_per_slab, min(want, fit));
	KUNIT_EXPECT_GT(test, stats(c).objs_per_slab, min(8U, fit));
	KUNIT_EXPECT_LE(test, stats(c).order, slabifier_param_max_order());
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/*
 * Bad arguments: one message, an error pointer, nothing created
 */

/*
 * The slabs of a cache the shrinkers empty come from reclaimable
 * pageblocks, as under SLUB: the page allocator is asked for
 * __GFP_RECLAIMABLE; other caches' slabs are not.
 */
static void slabifier_reclaimable_pages(struct kunit *test)
{
	struct slab_cache_args reclaimable = { .flags = SLAB_RECLAIM_ACCOUNT };
	struct tpa *t = tpa_new(test);
	struct slab_cache *c;
	void *p;

	c = mk(test, &t->pa, 128, &reclaimable);
	p = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(t->gfp) & __GFP_RECLAIMABLE);
	slab_cache_free(c, p);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);

	c = mk(test, &t->pa, 128, NULL);
	p = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(t->gfp) & __GFP_RECLAIMABLE);
	slab_cache_free(c, p);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	page_allocator_put(&t->pa);
}

/*
 * The page allocator slept and the task woke up on another CPU: the new
 * slab becomes the active slab of the CPU the task is on now.
 */
static void slabifier_new_slab_after_moving(struct kunit *test)
{
	struct tpa *t = tpa_new(test);
	struct slab_cache *c = mk(test, &t->pa, 256, NULL);
	unsigned int from, to;
	void *p, *q;

	if (num_online_cpus() < 2) {
		KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
		page_allocator_put(&t->pa);
		kunit_skip(test, "one CPU online");
	}
	from = cpumask_first(cpu_online_mask);
	to = cpumask_next(from, cpu_online_mask);
	KUNIT_ASSERT_EQ(test, set_cpus_allowed_ptr(current, cpumask_of(from)), 0);
	WRITE_ONCE(t->move_to, to + 1);
	p = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, raw_smp_processor_id(), to);
	/* The next object comes from the same slab, this CPU's now */
	q = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_PTR_EQ(test, virt_to_folio(q), virt_to_folio(p));
	KUNIT_EXPECT_EQ(test, stats(c).num_slabs, 1UL);
	set_cpus_allowed_ptr(current, cpu_possible_mask);
	slab_cache_free(c, q);
	slab_cache_free(c, p);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	page_allocator_put(&t->pa);
}

static void slabifier_bad_args(struct kunit *test)
{
	struct slab_allocator *sa = slabifier_allocator();
	struct page_allocator *pa = buddy_page_allocator();
	struct slab_cache_args args = {};
	struct slab_cache *c;

	c = slab_cache_create(sa, pa, "kunit-zero", 0, NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(c), -EINVAL);

	c = slab_cache_create(sa, pa, "kunit-huge", UINT_MAX / 2, NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(c), -EINVAL);

	c = slab_cache_create(sa, pa, NULL, 64, NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(c), -EINVAL);

	c = slab_cache_create(sa, NULL, "kunit-nopa", 64, NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(c), -EINVAL);

	args.align = 24;
	c = slab_cache_create(sa, pa, "kunit-align", 64, &args);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(c), -EINVAL);

	args.align = 2 * PAGE_SIZE;
	c = slab_cache_create(sa, pa, "kunit-bigalign", 64, &args);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(c), -EINVAL);
}

static void slabifier_bad_flags(struct kunit *test)
{
	struct slab_allocator *sa = slabifier_allocator();
	struct page_allocator *pa = buddy_page_allocator();
	struct slab_cache_args args = { .flags = SLAB_POISON };
	struct slab_cache *c;

	c = slab_cache_create(sa, pa, "kunit-flags", 64, &args);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(c), -EINVAL);

	/* Type safety needs a page allocator that delays frees */
	args.flags = SLAB_TYPESAFE_BY_RCU;
	c = slab_cache_create(sa, pa, "kunit-rcu", 64, &args);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(c), -EINVAL);

	args.flags = 0;
	args.use_freeptr_offset = true;
	args.freeptr_offset = 60;
	c = slab_cache_create(sa, pa, "kunit-fp", 64, &args);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(c), -EINVAL);

	args.freeptr_offset = 3;
	c = slab_cache_create(sa, pa, "kunit-fp2", 64, &args);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(c), -EINVAL);

	args.use_freeptr_offset = false;
	args.nr_hooks = SLAB_CACHE_MAX_HOOKS + 1;
	c = slab_cache_create(sa, pa, "kunit-hooks", 64, &args);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(c), -EINVAL);
}

static void slabifier_freeptr_offset(struct kunit *test)
{
	struct slab_cache_args args = {
		.use_freeptr_offset = true,
		.freeptr_offset = 16,
	};
	struct slab_cache *c;
	u8 *p, *q;

	c = mk(test, NULL, 64, &args);
	p = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	memset(p, 0xab, 64);
	slab_cache_free(c, p);
	/* Free objects keep their bytes outside the free pointer */
	KUNIT_EXPECT_EQ(test, p[0], 0xab);
	KUNIT_EXPECT_EQ(test, p[15], 0xab);
	KUNIT_EXPECT_EQ(test, p[24], 0xab);
	q = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, q, p);
	slab_cache_free(c, q);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/*
 * Hardening (§12 of slabifier.c)
 */

/*
 * Free pointers are stored encoded with FREELIST_HARDENED, plain without;
 * slab_cache_next_free() decodes them and slab_cache_end_free_list() cuts
 * a list, leaking what followed until it is freed again.
 */
static void slabifier_freelist_hardened(struct kunit *test)
{
	struct slab_cache_args args = {
		.use_freeptr_offset = true,
		.freeptr_offset = 0,
	};
	struct slab_cache *c = mk(test, NULL, 64, &args);
	unsigned int i, n = stats(c).objs_per_slab;
	unsigned long stored;
	void *a, *b, *q, *r, *base;

	/* One CPU's free list throughout */
	migrate_disable();
	a = slab_cache_alloc(c, GFP_KERNEL);
	b = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	slab_cache_free(c, a);
	slab_cache_free(c, b);
	stored = *(unsigned long *)b;
	KUNIT_EXPECT_PTR_EQ(test, slab_cache_next_free(c, b), a);
	if (IS_ENABLED(CONFIG_SLAB_FREELIST_HARDENED))
		KUNIT_EXPECT_NE(test, stored, (unsigned long)a);
	else
		KUNIT_EXPECT_EQ(test, stored, (unsigned long)a);
	q = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_EXPECT_PTR_EQ(test, q, b);
	slab_cache_free(c, q);

	/* Cut after b: the rest of the slab is out of reach */
	slab_cache_end_free_list(c, b);
	KUNIT_EXPECT_NULL(test, slab_cache_next_free(c, b));
	q = slab_cache_alloc(c, GFP_KERNEL);
	r = slab_cache_alloc(c, GFP_KERNEL);
	migrate_enable();
	KUNIT_EXPECT_PTR_EQ(test, q, b);
	KUNIT_ASSERT_NOT_NULL(test, r);
	base = folio_address(virt_to_folio(b));
	KUNIT_EXPECT_PTR_NE(test, folio_address(virt_to_folio(r)), base);
	/* Still counted in use, the objects cut off can be freed again */
	for (i = 0; i < n; i++) {
		if (base + i * 64 != b)
			slab_cache_free(c, base + i * 64);
	}
	slab_cache_free(c, q);
	slab_cache_free(c, r);
	KUNIT_EXPECT_EQ(test, stats(c).double_frees, 0UL);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/*
 * A new slab hands its objects out in address order, or with
 * FREELIST_RANDOM in an order that is not; every object once either way.
 */
static void slabifier_freelist_random(struct kunit *test)
{
	struct slab_cache *c = mk(test, NULL, 64, NULL);
	unsigned int i, n, in_order = 0;
	unsigned long *seen;
	void *base, **p;

	n = stats(c).objs_per_slab;
	KUNIT_ASSERT_GE(test, n, 8U);
	p = objarray(test, n);
	seen = kunit_kcalloc(test, BITS_TO_LONGS(n), sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);

	/* The first slab of a new cache becomes this CPU's active slab */
	migrate_disable();
	for (i = 0; i < n; i++)
		p[i] = slab_cache_alloc(c, GFP_KERNEL);
	migrate_enable();
	base = folio_address(virt_to_folio(p[0]));
	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		KUNIT_ASSERT_PTR_EQ(test, folio_address(virt_to_folio(p[i])),
				    base);
		KUNIT_EXPECT_FALSE(test, __test_and_set_bit((p[i] - base) / 64,
							    seen));
		if (i && p[i] == p[i - 1] + 64)
			in_order++;
	}
	KUNIT_EXPECT_EQ(test, bitmap_weight(seen, n), n);
	if (IS_ENABLED(CONFIG_SLAB_FREELIST_RANDOM))
		KUNIT_EXPECT_LT(test, in_order, n / 2);
	else
		KUNIT_EXPECT_EQ(test, in_order, n - 1);
	slab_cache_free_bulk(c, n, p);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/* Unreclaimable slab pages of every node, the CPUs' deltas included */
static unsigned long slab_unreclaimable(void)
{
	long pages = 0;
	int nid;

	for_each_online_node(nid)
		pages += slab_unreclaimable_pages(nid);
	return max(pages, 0L);
}

/*
 * A destroyed cache gives back the memory it allocated for itself: made
 * and destroyed 1024 times, caches whose random order takes a kilobyte
 * or more each leave the slab memory as it was, give or take a quarter of
 * what keeping the orders would take.
 */
static void slabifier_destroy_frees_metadata(struct kunit *test)
{
	unsigned long before, grown, leak;
	struct slab_cache *c;
	unsigned int i, n;

	if (!IS_ENABLED(CONFIG_SLAB_FREELIST_RANDOM))
		kunit_skip(test, "no random order to keep");
	c = mk(test, NULL, 16, NULL);
	n = stats(c).objs_per_slab;
	KUNIT_ASSERT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_ASSERT_GE(test, n * sizeof(unsigned int), 1024UL);
	leak = 1024UL * n * sizeof(unsigned int);

	before = slab_unreclaimable();
	for (i = 0; i < 1024; i++) {
		c = mk(test, NULL, 16, NULL);
		KUNIT_ASSERT_EQ(test, slab_cache_destroy(c), 0);
	}
	grown = slab_unreclaimable();
	grown = grown > before ? (grown - before) << PAGE_SHIFT : 0;
	KUNIT_EXPECT_LT(test, grown, leak / 4);
}

/*
 * Nodes, bulk, queries
 */

static void slabifier_node_alloc(struct kunit *test)
{
	struct slab_cache *c = mk(test, NULL, 256, NULL);
	int nid;
	void *p;

	for_each_node_state(nid, N_NORMAL_MEMORY) {
		p = slab_cache_alloc_node(c, GFP_KERNEL, nid);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_EQ(test, folio_nid(virt_to_folio(p)), nid);
		slab_cache_free(c, p);
	}
	/* No such node: served anyway, from any node */
	p = slab_cache_alloc_node(c, GFP_KERNEL, nr_node_ids + 3);
	KUNIT_EXPECT_NOT_NULL(test, p);
	slab_cache_free(c, p);
	p = slab_cache_alloc_node(c, GFP_KERNEL, NUMA_NO_NODE);
	KUNIT_EXPECT_NOT_NULL(test, p);
	slab_cache_free(c, p);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/* The last node with memory other than @here, or NUMA_NO_NODE */
static int other_memory_node(int here)
{
	int nid, other = NUMA_NO_NODE;

	for_each_node_state(nid, N_NORMAL_MEMORY)
		if (nid != here)
			other = nid;
	return other;
}

/*
 * An allocation for any node whose CPU slab is used up and whose own node
 * has no partial slab takes another node's partial slab before it makes a
 * new one.
 */
static void slabifier_any_node_partial(struct kunit *test)
{
	struct slab_cache *c;
	unsigned int i, per;
	int here, other;
	void **p, *q;

	if (num_node_state(N_NORMAL_MEMORY) < 2)
		kunit_skip(test, "needs a second node with memory");
	c = mk(test, NULL, 256, NULL);
	per = stats(c).objs_per_slab;
	p = objarray(test, 2 * per + 1);
	migrate_disable();
	here = numa_mem_id();
	other = other_memory_node(here);
	/* A slab on the other node, left with one object free */
	for (i = 0; i < per; i++) {
		p[i] = slab_cache_alloc_node(c, GFP_KERNEL, other);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		KUNIT_ASSERT_EQ(test, folio_nid(virt_to_folio(p[i])), other);
	}
	slab_cache_free(c, p[0]);
	/* One on this node takes the CPU over; used up */
	for (i = per; i < 2 * per; i++) {
		p[i] = slab_cache_alloc_node(c, GFP_KERNEL, here);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	KUNIT_ASSERT_EQ(test, stats(c).num_slabs, 2UL);
	q = slab_cache_alloc(c, GFP_KERNEL);
	migrate_enable();
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, folio_nid(virt_to_folio(q)), other);
	KUNIT_EXPECT_EQ(test, stats(c).num_slabs, 2UL);
	p[0] = q;
	slab_cache_free_bulk(c, 2 * per, p);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/*
 * An empty CPU slab given up for an allocation on another node goes back
 * to the page allocator when its node's partial list holds min_partial
 * slabs already.
 */
static void slabifier_deactivate_empty_discards(struct kunit *test)
{
	unsigned int i, per, mp, nr;
	struct slab_cache *c;
	int here, other;
	void **p, *q;
	struct tpa *t;

	if (num_node_state(N_NORMAL_MEMORY) < 2)
		kunit_skip(test, "needs a second node with memory");
	t = tpa_new(test);
	c = mk(test, &t->pa, 256, NULL);
	per = stats(c).objs_per_slab;
	mp = stats(c).min_partial;
	nr = (mp + 1) * per;
	p = objarray(test, nr);
	migrate_disable();
	here = numa_mem_id();
	other = other_memory_node(here);
	/* min_partial slabs with one object free each, and a full CPU slab */
	for (i = 0; i < nr; i++) {
		p[i] = slab_cache_alloc_node(c, GFP_KERNEL, here);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	for (i = 0; i < mp; i++) {
		slab_cache_free(c, p[i * per]);
		p[i * per] = NULL;
	}
	/* The CPU slab emptied, then given up */
	slab_cache_free_bulk(c, per, p + mp * per);
	q = slab_cache_alloc_node(c, GFP_KERNEL, other);
	migrate_enable();
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, stats(c).num_slabs, mp + 1UL);
	KUNIT_EXPECT_EQ(test, stats(c).partial_slabs, (unsigned long)mp);
	slab_cache_free(c, q);
	slab_cache_free_bulk(c, mp * per, p);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_EXPECT_EQ(test, tpa_pages(t), 0);
	page_allocator_put(&t->pa);
}

static void slabifier_bulk(struct kunit *test)
{
	struct slab_cache *c = mk(test, NULL, 96, NULL);
	const unsigned int nr = 300;
	unsigned int i, j;
	void **p = objarray(test, nr);

	KUNIT_ASSERT_EQ(test, slab_cache_alloc_bulk(c, GFP_KERNEL, nr, p), nr);
	for (i = 0; i < nr; i++) {
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		KUNIT_EXPECT_TRUE(test, slab_cache_valid(c, p[i]));
		for (j = 0; j < i; j++)
			KUNIT_ASSERT_PTR_NE(test, p[i], p[j]);
		memset(p[i], 0x77, 96);
	}
	slab_cache_free_bulk(c, nr, p);

	/* __GFP_ZERO clears recycled objects */
	KUNIT_ASSERT_EQ(test, slab_cache_alloc_bulk(c, GFP_KERNEL | __GFP_ZERO,
						    nr, p), nr);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_TRUE(test, !memchr_inv(p[i], 0, 96));
	slab_cache_free_bulk(c, nr, p);
	KUNIT_EXPECT_EQ(test, stats(c).invalid_frees, 0UL);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/* How many slabs the objects at @p are in */
static unsigned int slabs_spanned(void **p, unsigned int nr)
{
	unsigned int i, j, slabs = 0;

	for (i = 0; i < nr; i++) {
		for (j = 0; j < i; j++) {
			if (virt_to_folio(p[j]) == virt_to_folio(p[i]))
				break;
		}
		slabs += j == i;
	}
	return slabs;
}

/*
 * Batches of bulk allocations and frees, as a NAPI poll makes: once warm,
 * a batch takes whole free slabs, so it spans as few slabs as it can (one
 * more when it starts part way into the CPU's slab), and the empty slabs
 * the node keeps serve every batch: no new slab is made.
 */
static void slabifier_bulk_batches_stay_compact(struct kunit *test)
{
	struct tpa *t = tpa_new(test);
	struct slab_cache *c = mk(test, &t->pa, 256, NULL);
	const unsigned int nr = 64;
	unsigned int i, most = 0, objs = stats(c).objs_per_slab;
	void **p = objarray(test, nr);
	long warm = 0;

	migrate_disable();
	for (i = 0; i < 50; i++) {
		if (i == 10)
			warm = atomic_long_read(&t->allocs);
		KUNIT_ASSERT_EQ(test, slab_cache_alloc_bulk(c, GFP_KERNEL, nr,
							    p), nr);
		if (i >= 10)
			most = max(most, slabs_spanned(p, nr));
		slab_cache_free_bulk(c, nr, p);
	}
	migrate_enable();
	KUNIT_EXPECT_LE(test, most, DIV_ROUND_UP(nr, objs) + 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->allocs), warm);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_EXPECT_EQ(test, tpa_pages(t), 0);
	page_allocator_put(&t->pa);
}

/* Counts the slabs a bulk allocation takes whole (SLAB_RACE_BULK_TAKE) */
static bool count_only(struct slab_race *race, struct folio *slab)
{
	return false;
}

/*
 * A bulk allocation larger than a slab, with partial slabs half free: it
 * takes the ones it can use up whole, under one hold of the list lock (no
 * new slab), each object once, nothing past the array, and the counts
 * hold.
 */
static void slabifier_bulk_from_partial_slabs(struct kunit *test)
{
	struct slab_cache *c = mk(test, NULL, 256, NULL);
	unsigned int objs = stats(c).objs_per_slab, i, j, n, slabs;
	struct slab_race race = {
		.window = SLAB_RACE_BULK_TAKE, .cache = c, .act = count_only,
	};
	void **p, **q;

	KUNIT_ASSERT_GE(test, objs, 4U);
	KUNIT_ASSERT_EQ(test, objs % 2, 0U);
	n = 8 * objs;
	p = objarray(test, n);
	q = objarray(test, n);
	for (i = 3 * objs; i < n; i++)
		q[i] = q;
	migrate_disable();
	KUNIT_ASSERT_EQ(test, slab_cache_alloc_bulk(c, GFP_KERNEL, n, p), n);
	/* Every other object back: the full slabs become half free */
	for (i = 1; i < n; i += 2) {
		slab_cache_free(c, p[i]);
		p[i] = NULL;
	}
	slabs = stats(c).num_slabs;
	KUNIT_EXPECT_GE(test, stats(c).partial_slabs, 4UL);
	slab_race_arm(&race);
	KUNIT_ASSERT_EQ(test, slab_cache_alloc_bulk(c, GFP_KERNEL, 3 * objs, q),
			3 * objs);
	KUNIT_EXPECT_FALSE(test, slab_race_disarm(&race));
	migrate_enable();
	/*
	 * Half free slabs taken whole, in the one pass: six, or five after
	 * the half of the CPU's slab that is on its free list.
	 */
	KUNIT_EXPECT_GE(test, race.passes, 5U);
	KUNIT_EXPECT_LE(test, race.passes, 6U);
	for (i = 3 * objs; i < n; i++)
		KUNIT_EXPECT_PTR_EQ(test, q[i], (void *)q);
	KUNIT_EXPECT_EQ(test, stats(c).num_slabs, slabs);
	for (i = 0; i < 3 * objs; i++) {
		KUNIT_EXPECT_TRUE(test, slab_cache_valid(c, q[i]));
		for (j = 0; j < i; j++)
			KUNIT_ASSERT_PTR_NE(test, q[i], q[j]);
		for (j = 0; j < n; j += 2)
			KUNIT_ASSERT_PTR_NE(test, q[i], p[j]);
	}
	KUNIT_EXPECT_GE(test, stats(c).active_objs,
			(unsigned long)(n / 2 + 3 * objs));
	slab_cache_free_bulk(c, 3 * objs, q);
	slab_cache_free_bulk(c, n, p);
	slab_cache_shrink(c, NULL, NULL);	/* the CPU slab's count as in use */
	KUNIT_EXPECT_EQ(test, stats(c).active_objs, 0UL);
	KUNIT_EXPECT_EQ(test, stats(c).double_frees + stats(c).invalid_frees,
			0UL);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

static void slabifier_bulk_failure(struct kunit *test)
{
	struct tpa *t = tpa_new(test);
	struct slab_cache *c = mk(test, &t->pa, 512, NULL);
	unsigned int nr;
	void **p;

	nr = 3 * stats(c).objs_per_slab;
	p = objarray(test, nr);
	/* The second slab cannot be had: nothing is allocated at all */
	atomic_set(&t->fail, 0);
	KUNIT_ASSERT_EQ(test, slab_cache_alloc_bulk(c, GFP_KERNEL, 1, p), 1);
	atomic_set(&t->fail, 100);
	KUNIT_EXPECT_EQ(test, slab_cache_alloc_bulk(c, GFP_KERNEL, nr, p + 1), 0);
	atomic_set(&t->fail, 0);
	slab_cache_free(c, p[0]);
	slab_cache_shrink(c, NULL, NULL);
	KUNIT_EXPECT_EQ(test, tpa_pages(t), 0);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	page_allocator_put(&t->pa);
	KUNIT_EXPECT_TRUE(test, t->released);
}

/*
 * cpu_slabs counts the slabs CPUs allocate from; partial_objs the objects
 * in use on the partial slabs, which a flush puts an active slab among.
 */
static void slabifier_stats_cpu_and_partial(struct kunit *test)
{
	struct slab_cache *c = mk(test, NULL, 256, NULL);
	void *p, *q;

	KUNIT_EXPECT_EQ(test, stats(c).cpu_slabs, 0UL);
	migrate_disable();
	p = slab_cache_alloc(c, GFP_KERNEL);
	q = slab_cache_alloc(c, GFP_KERNEL);
	migrate_enable();
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, stats(c).cpu_slabs, 1UL);
	KUNIT_EXPECT_EQ(test, stats(c).partial_objs, 0UL);
	slab_cache_shrink(c, NULL, NULL);
	KUNIT_EXPECT_EQ(test, stats(c).cpu_slabs, 0UL);
	KUNIT_EXPECT_EQ(test, stats(c).partial_slabs, 1UL);
	KUNIT_EXPECT_EQ(test, stats(c).partial_objs, 2UL);
	slab_cache_free(c, q);
	KUNIT_EXPECT_EQ(test, stats(c).partial_objs, 1UL);
	slab_cache_free(c, p);
	slab_cache_shrink(c, NULL, NULL);
	KUNIT_EXPECT_EQ(test, stats(c).partial_objs, 0UL);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

static void slabifier_queries(struct kunit *test)
{
	struct slab_cache *c = mk(test, NULL, 200, NULL);
	struct slab_cache *d = mk(test, NULL, 200, NULL);
	void *p, *q, *k;
	int local;

	p = slab_cache_alloc(c, GFP_KERNEL);
	q = slab_cache_alloc(d, GFP_KERNEL);
	k = kmalloc(200, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_ASSERT_NOT_NULL(test, k);

	KUNIT_EXPECT_TRUE(test, slab_cache_valid(c, p));
	KUNIT_EXPECT_GE(test, slab_cache_object_size(c, p), (size_t)200);
	KUNIT_EXPECT_LE(test, slab_cache_object_size(c, p), (size_t)stats(c).size);
	KUNIT_EXPECT_FALSE(test, slab_cache_valid(c, p + 1));
	KUNIT_EXPECT_EQ(test, slab_cache_object_size(c, p + 8), (size_t)0);
	KUNIT_EXPECT_FALSE(test, slab_cache_valid(c, q));
	KUNIT_EXPECT_EQ(test, slab_cache_object_size(c, q), (size_t)0);
	KUNIT_EXPECT_FALSE(test, slab_cache_valid(c, k));
	KUNIT_EXPECT_FALSE(test, slab_cache_valid(c, &local));
	KUNIT_EXPECT_FALSE(test, slab_cache_valid(c, NULL));
	KUNIT_EXPECT_FALSE(test, slab_cache_valid(c, ERR_PTR(-EINVAL)));

	KUNIT_EXPECT_PTR_EQ(test, slabifier_cache_of(p), c);
	KUNIT_EXPECT_PTR_EQ(test, slabifier_cache_of(q), d);
	KUNIT_EXPECT_PTR_EQ(test, slabifier_cache_of(p + 3), c);
	KUNIT_EXPECT_NULL(test, slabifier_cache_of(k));
	KUNIT_EXPECT_NULL(test, slabifier_cache_of(NULL));

	kfree(k);
	slab_cache_free(c, p);
	slab_cache_free(d, q);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(d), 0);
}

static void slabifier_page_type(struct kunit *test)
{
	struct slab_cache *c = mk(test, NULL, 2 * PAGE_SIZE, NULL);
	struct folio *folio;
	void *p;

	p = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	folio = virt_to_folio(p + PAGE_SIZE + 5);
	/*
	 * Every slab is marked.  Caches that kernel code composes itself have
	 * the framework's own page type, never the kernel's slab type, so
	 * kfree() and friends refuse their objects.
	 */
	KUNIT_EXPECT_TRUE(test, mslab_folio_test(folio));
	KUNIT_EXPECT_TRUE(test, folio_test_modslab(folio));
	KUNIT_EXPECT_FALSE(test, folio_test_slab(folio));
	KUNIT_EXPECT_EQ(test, folio_order(folio), stats(c).order);
	slab_cache_free(c, p);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/*
 * Slab life cycle
 */

static void slabifier_partial_reuse(struct kunit *test)
{
	struct slab_cache *c = mk(test, NULL, 64, NULL);
	unsigned long slabs;
	unsigned int i, nr;
	void **p;

	nr = 4 * stats(c).objs_per_slab;
	p = objarray(test, nr);
	/* On one CPU: free objects in another CPU's active slab are not ours */
	migrate_disable();
	for (i = 0; i < nr; i++) {
		p[i] = slab_cache_alloc(c, GFP_KERNEL);
		if (!p[i])
			break;
	}
	migrate_enable();
	KUNIT_ASSERT_EQ(test, i, nr);
	migrate_disable();
	slabs = stats(c).num_slabs;
	KUNIT_EXPECT_GE(test, slabs, 4UL);

	for (i = 0; i < nr; i += 2) {
		slab_cache_free(c, p[i]);
		p[i] = NULL;
	}
	KUNIT_EXPECT_GE(test, stats(c).partial_slabs, 1UL);
	/* The holes are refilled before any new slab is made */
	for (i = 0; i < nr; i += 2)
		p[i] = slab_cache_alloc(c, GFP_KERNEL);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, stats(c).num_slabs, slabs);
	slab_cache_free_bulk(c, nr, p);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

static void slabifier_empty_slabs_given_back(struct kunit *test)
{
	struct tpa *t = tpa_new(test);
	struct slab_cache *c = mk(test, &t->pa, 256, NULL);
	struct slab_cache_stats st = stats(c);
	unsigned int i, nr = 20 * st.objs_per_slab;
	long kept;
	void **p = objarray(test, nr);

	KUNIT_EXPECT_EQ(test, tpa_pages(t), 0);
	for (i = 0; i < nr; i++) {
		p[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	KUNIT_EXPECT_GE(test, tpa_pages(t), 20L << st.order);
	KUNIT_EXPECT_EQ(test, tpa_pages(t), (long)stats(c).pages);

	for (i = 0; i < nr; i++)
		slab_cache_free(c, p[i]);
	/* Each node keeps min_partial slabs, each CPU its active one */
	kept = (long)(st.min_partial + num_online_cpus()) << st.order;
	KUNIT_EXPECT_LE(test, tpa_pages(t), kept);
	/* Active slabs count as in use until they are flushed */
	KUNIT_EXPECT_LE(test, stats(c).active_slabs, (unsigned long)num_online_cpus());

	/* Shrinking gives back all the rest */
	slab_cache_shrink(c, NULL, NULL);
	KUNIT_EXPECT_EQ(test, tpa_pages(t), 0);
	KUNIT_EXPECT_EQ(test, stats(c).num_slabs, 0UL);
	KUNIT_EXPECT_EQ(test, stats(c).active_slabs, 0UL);

	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_EXPECT_FALSE(test, t->released);
	page_allocator_put(&t->pa);
	KUNIT_EXPECT_TRUE(test, t->released);
}

/*
 * The empty slabs a node keeps are bounded in pages, not in slabs, but
 * hold a burst of objects: a cache of large slabs keeps fewer of them, but
 * enough for 64 objects (at most ten slabs), and always one.
 */
static void slabifier_empty_slabs_kept_by_pages(struct kunit *test)
{
	static const unsigned int kept_sizes[] = { 64, 1024, 2048, 4096 };
	unsigned int pages = slabifier_param_min_partial();
	struct tpa *t = tpa_new(test);
	struct slab_cache_stats st;
	struct slab_cache *c;
	unsigned int i, k, nr;
	void **p;

	for (k = 0; k < ARRAY_SIZE(kept_sizes); k++) {
		c = mk(test, &t->pa, kept_sizes[k], NULL);
		st = stats(c);
		KUNIT_EXPECT_EQ(test, st.min_partial,
				slabifier_calc_min_partial(pages, st.order,
							   st.objs_per_slab));
		if (pages) {
			KUNIT_EXPECT_GE(test, st.min_partial, 1U);
			KUNIT_EXPECT_LE(test, st.min_partial,
					max(pages >> st.order, 10U));
			KUNIT_EXPECT_GE(test, st.min_partial * st.objs_per_slab,
					min(64U, 10 * st.objs_per_slab));
		}
		nr = 3 * (st.min_partial + 2) * st.objs_per_slab;
		p = objarray(test, nr);
		for (i = 0; i < nr; i++) {
			p[i] = slab_cache_alloc(c, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, p[i]);
		}
		slab_cache_free_bulk(c, nr, p);
		st = stats(c);
		/* Nothing in use: min_partial empty slabs kept, or a CPU's */
		KUNIT_EXPECT_EQ(test, st.partial_slabs,
				(unsigned long)st.min_partial);
		KUNIT_EXPECT_LE(test, st.num_slabs - st.partial_slabs,
				(unsigned long)num_online_cpus());
		KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	}
	KUNIT_EXPECT_EQ(test, tpa_pages(t), 0);
}

static void slabifier_cache_holds_page_allocator(struct kunit *test)
{
	struct tpa *t = tpa_new(test);
	struct slab_cache *c = mk(test, &t->pa, 64, NULL);
	void *p;

	/* The creator drops its reference: the cache keeps the chain */
	page_allocator_put(&t->pa);
	KUNIT_EXPECT_FALSE(test, t->released);
	p = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, p);
	slab_cache_free(c, p);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_EXPECT_EQ(test, tpa_pages(t), 0);
	KUNIT_EXPECT_TRUE(test, t->released);
}

static void slabifier_page_allocator_fails(struct kunit *test)
{
	struct tpa *t = tpa_new(test);
	struct slab_cache *c = mk(test, &t->pa, 64, NULL);
	void *p;

	atomic_set(&t->fail, 1);
	KUNIT_EXPECT_NULL(test, slab_cache_alloc(c, GFP_KERNEL));
	p = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, p);
	slab_cache_free(c, p);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_EXPECT_EQ(test, tpa_pages(t), 0);
	page_allocator_put(&t->pa);
}

static void slabifier_many_caches(struct kunit *test)
{
	const unsigned int nr = 48, per = 40;
	struct slab_cache **c;
	unsigned int i, j;
	void ***p;

	c = kunit_kcalloc(test, nr, sizeof(*c), GFP_KERNEL);
	p = kunit_kcalloc(test, nr, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < nr; i++) {
		c[i] = mk(test, NULL, 8 + 24 * i, NULL);
		p[i] = objarray(test, per);
		for (j = 0; j < per; j++) {
			p[i][j] = slab_cache_alloc(c[i], GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, p[i][j]);
			memset(p[i][j], i, 8 + 24 * i);
		}
	}
	for (i = 0; i < nr; i++) {
		for (j = 0; j < per; j++) {
			KUNIT_EXPECT_PTR_EQ(test, slabifier_cache_of(p[i][j]), c[i]);
			KUNIT_EXPECT_TRUE(test, !memchr_inv(p[i][j], i, 8 + 24 * i));
		}
	}
	for (i = 0; i < nr; i++) {
		slab_cache_free_bulk(c[i], per, p[i]);
		KUNIT_EXPECT_EQ(test, slab_cache_destroy(c[i]), 0);
	}
}

static void slabifier_destroy_live(struct kunit *test)
{
	struct tpa *t = __tpa_new(test, true);
	struct slab_cache *c = mk(test, &t->pa, 128, NULL);
	unsigned int i, nr, order;
	void *live;
	void **p;

	nr = 3 * stats(c).objs_per_slab;
	order = stats(c).order;
	p = objarray(test, nr);
	for (i = 0; i < nr; i++) {
		p[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	live = p[0];
	for (i = 1; i < nr; i++)
		slab_cache_free(c, p[i]);

	/* Reported, and only the slab holding the live object is kept */
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), -EBUSY);
	KUNIT_EXPECT_TRUE(test, c->flags & SLAB_CACHE_DEAD);
	KUNIT_EXPECT_EQ(test, tpa_pages(t), 1L << order);
	/* A destroyed cache with live objects is kept, and frees still work */
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), -EBUSY);
	slab_cache_free(c, live);
	KUNIT_EXPECT_EQ(test, tpa_pages(t), 0);
	page_allocator_put(&t->pa);
}

/*
 * Errors on free
 */

static void slabifier_free_null(struct kunit *test)
{
	struct slab_cache *c = mk(test, NULL, 32, NULL);

	slab_cache_free(c, NULL);
	slab_cache_free_bulk(c, 1, (void *[]){ NULL });
	KUNIT_EXPECT_EQ(test, stats(c).invalid_frees, 0UL);
	KUNIT_EXPECT_EQ(test, stats(c).double_frees, 0UL);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(NULL), 0);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(ERR_PTR(-EINVAL)), 0);
}

/*
 * The place just past a slab's last object, inside the slab's pages when
 * the objects leave room at the end: no object, refused.
 */
static void slabifier_free_past_last_object(struct kunit *test)
{
	struct slab_cache *c = mk(test, NULL, 200, NULL);
	unsigned long active;
	void *p, *past;

	p = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	past = folio_address(virt_to_folio(p)) +
	       (unsigned long)stats(c).objs_per_slab * stats(c).size;
	KUNIT_ASSERT_TRUE_MSG(test, past < folio_address(virt_to_folio(p)) +
			      folio_size(virt_to_folio(p)),
			      "%u objects of %u bytes fill the slab",
			      stats(c).objs_per_slab, stats(c).size);
	active = stats(c).active_objs;
	slab_cache_free(c, past);
	KUNIT_EXPECT_EQ(test, stats(c).invalid_frees, 1UL);
	KUNIT_EXPECT_EQ(test, stats(c).active_objs, active);
	slab_cache_free(c, p);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

static void slabifier_invalid_frees(struct kunit *test)
{
	struct slab_cache *c = mk(test, NULL, 64, NULL);
	struct slab_cache *d = mk(test, NULL, 64, NULL);
	unsigned long d_active;
	void *p, *q, *k, *a, *b;
	int local;

	p = slab_cache_alloc(c, GFP_KERNEL);
	q = slab_cache_alloc(d, GFP_KERNEL);
	k = kmalloc(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_ASSERT_NOT_NULL(test, k);
	d_active = stats(d).active_objs;

	slab_cache_free(c, ERR_PTR(-ENOMEM));
	slab_cache_free(c, p + 8);
	slab_cache_free(c, q);
	slab_cache_free(c, k);
	slab_cache_free(c, &local);
	KUNIT_EXPECT_EQ(test, stats(c).invalid_frees, 5UL);
	KUNIT_EXPECT_EQ(test, stats(c).double_frees, 0UL);

	/* Nothing was corrupted: the objects are still allocated */
	KUNIT_EXPECT_EQ(test, stats(d).active_objs, d_active);
	KUNIT_EXPECT_EQ(test, stats(d).invalid_frees, 0UL);
	a = slab_cache_alloc(c, GFP_KERNEL);
	b = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_EXPECT_PTR_NE(test, a, p);
	KUNIT_EXPECT_PTR_NE(test, b, p);
	KUNIT_EXPECT_PTR_NE(test, a, b);

	slab_cache_free(c, a);
	slab_cache_free(c, b);
	slab_cache_free(c, p);
	slab_cache_free(d, q);
	kfree(k);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(d), 0);
}

/* Allocate @nr objects and check that they are all different. */
static void expect_distinct(struct kunit *test, struct slab_cache *c,
			    unsigned int nr)
{
	void **p = objarray(test, nr);
	unsigned int i, j;

	for (i = 0; i < nr; i++) {
		p[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_PTR_NE(test, p[i], p[j]);
	}
	slab_cache_free_bulk(c, nr, p);
}

static void slabifier_double_free_active(struct kunit *test)
{
	struct slab_cache *c = mk(test, NULL, 48, NULL);
	void *p;

	migrate_disable();
	p = slab_cache_alloc(c, GFP_KERNEL);
	slab_cache_free(c, p);
	slab_cache_free(c, p);
	migrate_enable();
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, stats(c).double_frees, 1UL);
	KUNIT_EXPECT_EQ(test, stats(c).invalid_frees, 0UL);
	expect_distinct(test, c, 3 * stats(c).objs_per_slab);
	KUNIT_EXPECT_EQ(test, stats(c).double_frees, 1UL);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/*
 * A slab's worth of objects and one more, allocated in order by a caller
 * that stays on its CPU: p[0] to p[*nr - 2] fill the first slab, which is
 * then full and no longer the CPU's; p[*nr - 1] is in the next one.
 */
static void **fill_slab_and_one(struct kunit *test, struct slab_cache *c,
				unsigned int *nr)
{
	unsigned int i;
	void **p;

	*nr = stats(c).objs_per_slab + 1;
	p = objarray(test, *nr);
	for (i = 0; i < *nr; i++)
		p[i] = slab_cache_alloc(c, GFP_KERNEL);
	return p;
}

static void slabifier_double_free_remote(struct kunit *test)
{
	struct slab_cache *c = mk(test, NULL, 48, NULL);
	unsigned int nr;
	void **p;

	migrate_disable();
	p = fill_slab_and_one(test, c, &nr);
	slab_cache_free(c, p[0]);
	slab_cache_free(c, p[0]);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, stats(c).double_frees, 1UL);
	p[0] = NULL;
	expect_distinct(test, c, 2 * nr);
	slab_cache_free_bulk(c, nr, p);
	KUNIT_EXPECT_EQ(test, stats(c).double_frees, 1UL);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/*
 * A double free of the object at the head of an inactive slab's free list
 * while one other object is allocated: the free would empty the slab, the
 * path under the node's list lock.  Reported, and nothing freed.
 */
static void slabifier_double_free_remote_emptying(struct kunit *test)
{
	struct slab_cache *c = mk(test, NULL, 48, NULL);
	unsigned int i, nr;
	void **p;

	migrate_disable();
	p = fill_slab_and_one(test, c, &nr);
	for (i = 2; i < nr - 1; i++)
		slab_cache_free(c, p[i]);
	/* p[1] freed last is the head of the list; p[0] is still in use */
	slab_cache_free(c, p[1]);
	slab_cache_free(c, p[1]);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, stats(c).double_frees, 1UL);
	KUNIT_EXPECT_EQ(test, stats(c).num_slabs, 2UL);
	slab_cache_free(c, p[0]);
	slab_cache_free(c, p[nr - 1]);
	KUNIT_EXPECT_EQ(test, stats(c).double_frees, 1UL);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/*
 * A bulk free of objects of an inactive slab, one of them (last in its
 * run) already free at the head of the slab's free list: reported, and
 * the run's objects stay allocated.
 */
static void slabifier_double_free_bulk_remote(struct kunit *test)
{
	struct slab_cache *c = mk(test, NULL, 48, NULL);
	unsigned int i, nr;
	void *run[4];
	void **p;

	KUNIT_ASSERT_GE(test, stats(c).objs_per_slab, 4U);
	migrate_disable();
	p = fill_slab_and_one(test, c, &nr);
	slab_cache_free(c, p[0]);
	run[0] = p[1];
	run[1] = p[2];
	run[2] = p[3];
	run[3] = p[0];
	slab_cache_free_bulk(c, ARRAY_SIZE(run), run);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, stats(c).double_frees, 1UL);
	/* Still allocated: freeing them now is no double free */
	slab_cache_free_bulk(c, 3, run);
	KUNIT_EXPECT_EQ(test, stats(c).double_frees, 1UL);
	for (i = 0; i < 4; i++)
		p[i] = NULL;
	slab_cache_free_bulk(c, nr, p);
	KUNIT_EXPECT_EQ(test, stats(c).double_frees, 1UL);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/*
 * Reports reach the consoles only after the free let go of the cache's
 * locks: those are taken under the scheduler's and the timers' (an
 * allocation there refills the debug-objects pool), and a console driver
 * may wake a task under its own port lock.  A console of the test's own
 * asks lockdep, for each line it is given, whether the printing task
 * holds a lock of the cache; console_lock() and console_unlock() flush
 * what was left for later.
 */
static struct slab_cache *spy_cache;
static unsigned int spy_lines, spy_lines_locked;

static void spy_console_write(struct console *con, const char *s,
			      unsigned int n)
{
	struct slab_cache *c = READ_ONCE(spy_cache);

	if (!c || !strnstr(s, "cache kunit: ", n))
		return;
	spy_lines++;
	if (slabifier_holds_locks(c))
		spy_lines_locked++;
}

static struct console spy_console = {
	.name	= "mslabspy",
	.write	= spy_console_write,
};

static void slabifier_reports_outside_locks(struct kunit *test)
{
	struct slab_cache *c = mk(test, NULL, 48, NULL);
	unsigned int nr;
	void *run[2];
	void **p;
	int local;

	migrate_disable();
	p = fill_slab_and_one(test, c, &nr);
	migrate_enable();
	spy_lines = 0;
	spy_lines_locked = 0;
	WRITE_ONCE(spy_cache, c);
	/* Enabled again each time: unregistering disabled it */
	spy_console.flags = CON_ENABLED;
	spy_console.index = -1;
	register_console(&spy_console);
	slabifier_reports_reset();

	/* p[0]'s slab is full and not the CPU's: the remote path */
	migrate_disable();
	slab_cache_free(c, p[0]);
	slab_cache_free(c, p[0]);
	migrate_enable();
	/* Refused inside a bulk free, which holds the CPU's lock throughout */
	run[0] = p[0];
	run[1] = &local;
	slab_cache_free_bulk(c, ARRAY_SIZE(run), run);
	console_lock();
	console_unlock();

	unregister_console(&spy_console);
	WRITE_ONCE(spy_cache, NULL);
	KUNIT_EXPECT_EQ(test, stats(c).double_frees, 2UL);
	KUNIT_EXPECT_EQ(test, stats(c).invalid_frees, 1UL);
	KUNIT_EXPECT_EQ(test, spy_lines, 3U);
	p[0] = NULL;
	slab_cache_free_bulk(c, nr, p);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	/* Only lockdep knows who holds a lock (the lockdep boots check it) */
	if (IS_ENABLED(CONFIG_LOCKDEP))
		KUNIT_EXPECT_EQ(test, spy_lines_locked, 0U);
}

/*
 * The slabifier's set-up at boot warns only when a workqueue or the CPU
 * hotplug state could not be had; a test kernel has them all, so its log
 * (what is left of it when the tests run) holds none of those warnings.
 */
static void slabifier_init_quiet(struct kunit *test)
{
	static const char * const warnings[] = {
		"modslab: no flush workqueue",
		"modslab: no flusher workqueue",
		"modslab: no CPU hotplug state",
	};
	struct kmsg_dump_iter iter;
	unsigned int i, lines = 0;
	size_t len;
	char *line;

	line = kunit_kzalloc(test, 1024, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, line);
	kmsg_dump_rewind(&iter);
	while (kmsg_dump_get_line(&iter, false, line, 1023, &len)) {
		line[len] = '\0';
		lines++;
		for (i = 0; i < ARRAY_SIZE(warnings); i++)
			KUNIT_EXPECT_NULL_MSG(test, strstr(line, warnings[i]),
					      "%s", line);
	}
	KUNIT_EXPECT_GT(test, lines, 0U);
}

/*
 * One object per slab
 */

/* The rule, by its cases: pages, a burst of 64 objects (and a slab), none */
static void slabifier_min_partial_rule(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, slabifier_calc_min_partial(5, 0, 512), 5U);
	KUNIT_EXPECT_EQ(test, slabifier_calc_min_partial(5, 0, 16), 5U);
	KUNIT_EXPECT_EQ(test, slabifier_calc_min_partial(5, 1, 16), 5U);
	KUNIT_EXPECT_EQ(test, slabifier_calc_min_partial(5, 3, 8), 9U);
	KUNIT_EXPECT_EQ(test, slabifier_calc_min_partial(5, 3, 1), 10U);
	KUNIT_EXPECT_EQ(test, slabifier_calc_min_partial(64, 0, 512), 64U);
	KUNIT_EXPECT_EQ(test, slabifier_calc_min_partial(1, 0, 512), 2U);
	KUNIT_EXPECT_EQ(test, slabifier_calc_min_partial(0, 3, 8), 0U);
}

/*
 * Objects a slab should hold, by the CPUs: the present ones, or the
 * possible ones while one is present; the shrinkers' caches count one.
 */
static void slabifier_min_objects_rule(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, slabifier_calc_min_objects(1, 1), 8U);
	KUNIT_EXPECT_EQ(test, slabifier_calc_min_objects(1, 4), 16U);
	KUNIT_EXPECT_EQ(test, slabifier_calc_min_objects(0, 8), 20U);
	KUNIT_EXPECT_EQ(test, slabifier_calc_min_objects(2, 4), 12U);
	KUNIT_EXPECT_EQ(test, slabifier_calc_min_objects(3, 64), 12U);
	KUNIT_EXPECT_EQ(test, slabifier_calc_min_objects(4, 4), 16U);
	KUNIT_EXPECT_EQ(test, slabifier_calc_min_objects(64, 64), 32U);
}

static void slabifier_single_object_slabs(struct kunit *test)
{
	unsigned int size = (PAGE_SIZE << slabifier_param_max_order()) / 2 + 64;
	struct tpa *t = tpa_new(test);
	struct slab_cache *c = mk(test, &t->pa, size, NULL);
	struct slab_cache_stats st = stats(c);
	unsigned int i, nr = st.min_partial + 4;
	void **p = objarray(test, nr);

	KUNIT_EXPECT_EQ(test, st.objs_per_slab, 1U);
	for (i = 0; i < nr; i++) {
		p[i] = slab_cache_alloc(c, GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p[i],
						   PAGE_SIZE << st.order));
		KUNIT_EXPECT_TRUE(test, !memchr_inv(p[i], 0, size));
		KUNIT_EXPECT_TRUE(test, slab_cache_valid(c, p[i]));
	}
	KUNIT_EXPECT_EQ(test, tpa_pages(t), (long)nr << st.order);
	for (i = 0; i < nr; i++)
		slab_cache_free(c, p[i]);
	/* Empty slabs beyond the node's minimum went back at once */
	KUNIT_EXPECT_EQ(test, tpa_pages(t), (long)st.min_partial << st.order);

	/* Double free: reported once, nothing else happens */
	p[0] = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p[0]);
	slab_cache_free(c, p[0]);
	slab_cache_free(c, p[0]);
	KUNIT_EXPECT_EQ(test, stats(c).double_frees, 1UL);
	expect_distinct(test, c, 3);

	slab_cache_shrink(c, NULL, NULL);
	KUNIT_EXPECT_EQ(test, tpa_pages(t), 0);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	page_allocator_put(&t->pa);
}

static void slabifier_gfp_atomic(struct kunit *test)
{
	struct slab_cache *c = mk(test, NULL, 72, NULL);
	unsigned long flags;
	void *p[64];
	unsigned int i;
	bool ok = true;

	/* More objects than a slab holds: new slabs made with irqs off */
	KUNIT_ASSERT_LT(test, stats(c).objs_per_slab, ARRAY_SIZE(p));
	local_irq_save(flags);
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = slab_cache_alloc(c, GFP_ATOMIC);
		if (!p[i]) {
			ok = false;
			break;
		}
		memset(p[i], i, 72);
	}
	local_irq_restore(flags);
	KUNIT_ASSERT_TRUE(test, ok);
	KUNIT_EXPECT_GE(test, stats(c).num_slabs, 2UL);
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		KUNIT_EXPECT_TRUE(test, slab_cache_valid(c, p[i]));
		KUNIT_EXPECT_FALSE(test, memchr_inv(p[i], i, 72));
	}
	local_irq_save(flags);
	slab_cache_free_bulk(c, ARRAY_SIZE(p), p);
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/*
 * Per-slab hooks
 */

struct thook {
	struct slab_cache_hook	hook;
	struct kunit		*test;
	atomic_t		made;
	atomic_t		freeing;
	atomic_t		fail;
	bool			released;
	bool			construct;
};

static int thook_made(struct slab_cache_hook *hook, struct slab_cache *c,
		      const struct slab_event *ev, gfp_t gfp)
{
	struct thook *h = container_of(hook, struct thook, hook);
	unsigned int i;

	KUNIT_EXPECT_TRUE(h->test, IS_ALIGNED((unsigned long)ev->base,
					      PAGE_SIZE << ev->order));
	KUNIT_EXPECT_EQ(h->test, ev->stride, c->size);
	KUNIT_EXPECT_EQ(h->test, ev->object_size, c->object_size);
	KUNIT_EXPECT_LE(h->test, ev->objects * ev->stride, PAGE_SIZE << ev->order);
	if (atomic_add_unless(&h->fail, -1, 0))
		return -ENOMEM;
	if (h->construct) {
		for (i = 0; i < ev->objects; i++)
			memset(ev->base + i * ev->stride, 0xc7, ev->object_size);
	}
	atomic_inc(&h->made);
	return 0;
}

static void thook_freeing(struct slab_cache_hook *hook, struct slab_cache *c,
			  const struct slab_event *ev)
{
	atomic_inc(&container_of(hook, struct thook, hook)->freeing);
}

static void thook_release(struct slab_cache_hook *hook)
{
	container_of(hook, struct thook, hook)->released = true;
}

static const struct slab_hook_ops thook_ops = {
	.slab_made	= thook_made,
	.slab_freeing	= thook_freeing,
	.release	= thook_release,
};

static struct thook *thook_new(struct kunit *test, bool construct)
{
	struct thook *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, h);
	h->hook.ops = &thook_ops;
	h->test = test;
	h->construct = construct;
	return h;
}

static void slabifier_hooks_per_slab(struct kunit *test)
{
	struct thook *h = thook_new(test, false);
	struct slab_cache_args args = { .nr_hooks = 1, .hooks = { &h->hook } };
	struct slab_cache *c = mk(test, NULL, 512, &args);
	unsigned int i, nr = 4 * stats(c).objs_per_slab;
	void **p = objarray(test, nr);

	/* The plain fast path is kept: hooks work per slab only */
	KUNIT_EXPECT_TRUE(test, c->flags & SLAB_CACHE_DIRECT);
	for (i = 0; i < nr; i++) {
		p[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	KUNIT_EXPECT_EQ(test, (unsigned long)atomic_read(&h->made),
			stats(c).num_slabs);
	slab_cache_free_bulk(c, nr, p);
	slab_cache_shrink(c, NULL, NULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&h->freeing), atomic_read(&h->made));

	/* A failing hook fails the allocation and gives the pages back */
	atomic_set(&h->fail, 1);
	KUNIT_EXPECT_NULL(test, slab_cache_alloc(c, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, stats(c).num_slabs, 0UL);

	KUNIT_EXPECT_FALSE(test, h->released);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_EXPECT_TRUE(test, h->released);
}

/* As many hooks as a cache may have: each one sees the cache's slabs */
static void slabifier_most_hooks(struct kunit *test)
{
	struct slab_cache_args args = { .nr_hooks = SLAB_CACHE_MAX_HOOKS };
	struct thook *h[SLAB_CACHE_MAX_HOOKS];
	struct slab_cache *c;
	unsigned int i;
	void *p;

	for (i = 0; i < SLAB_CACHE_MAX_HOOKS; i++) {
		h[i] = thook_new(test, false);
		args.hooks[i] = &h[i]->hook;
	}
	c = mk(test, NULL, 64, &args);
	p = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	slab_cache_free(c, p);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	for (i = 0; i < SLAB_CACHE_MAX_HOOKS; i++) {
		KUNIT_EXPECT_EQ(test, atomic_read(&h[i]->made), 1);
		KUNIT_EXPECT_EQ(test, atomic_read(&h[i]->freeing), 1);
		KUNIT_EXPECT_TRUE(test, h[i]->released);
	}
}

/*
 * The second of two hooks fails a new slab: the first one's slab_freeing
 * undoes its slab_made, and the pages go back to the page allocator.
 */
static void slabifier_hooks_second_fails(struct kunit *test)
{
	struct thook *h1 = thook_new(test, false), *h2 = thook_new(test, false);
	struct slab_cache_args args = { .nr_hooks = 2,
					.hooks = { &h1->hook, &h2->hook } };
	struct tpa *t = tpa_new(test);
	struct slab_cache *c = mk(test, &t->pa, 512, &args);

	atomic_set(&h2->fail, 1);
	KUNIT_EXPECT_NULL(test, slab_cache_alloc(c, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, atomic_read(&h1->made), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&h1->freeing), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&h2->made), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&h2->freeing), 0);
	KUNIT_EXPECT_EQ(test, tpa_pages(t), 0L);
	KUNIT_EXPECT_EQ(test, stats(c).num_slabs, 0UL);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	page_allocator_put(&t->pa);
}

static void slabifier_preserve_free(struct kunit *test)
{
	struct thook *h = thook_new(test, true);
	struct slab_cache_args args = {
		.preserve_free = true,
		.nr_hooks = 1,
		.hooks = { &h->hook },
	};
	struct slab_cache *c = mk(test, NULL, 40, &args);
	unsigned int i, nr = 2 * stats(c).objs_per_slab;
	void **p = objarray(test, nr);

	KUNIT_EXPECT_EQ(test, slab_cache_object_size(c, NULL), (size_t)0);
	for (i = 0; i < nr; i++) {
		p[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		KUNIT_EXPECT_EQ(test, slab_cache_object_size(c, p[i]), (size_t)40);
	}
	slab_cache_free_bulk(c, nr, p);
	/* Constructed state survives free and reuse */
	for (i = 0; i < nr; i++) {
		p[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		KUNIT_EXPECT_TRUE(test, !memchr_inv(p[i], 0xc7, 40));
	}
	slab_cache_free_bulk(c, nr, p);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/*
 * A slab made of the emergency reserves serves only callers allowed to use
 * them: not an ordinary caller on the same CPU right after.
 */
static void slabifier_pfmemalloc(struct kunit *test)
{
	struct tpa *t = tpa_new(test);
	struct slab_cache *c = mk(test, &t->pa, 256, NULL);
	unsigned long active;
	void *p, *q, *r;

	migrate_disable();
	WRITE_ONCE(t->pfmemalloc, true);
	p = slab_cache_alloc(c, GFP_KERNEL | __GFP_MEMALLOC);
	WRITE_ONCE(t->pfmemalloc, false);
	q = slab_cache_alloc(c, GFP_KERNEL);
	r = slab_cache_alloc(c, GFP_KERNEL | __GFP_MEMALLOC);
	migrate_enable();
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_TRUE(test, folio_test_active(virt_to_folio(p)));
	KUNIT_EXPECT_PTR_NE(test, virt_to_folio(q), virt_to_folio(p));
	KUNIT_EXPECT_FALSE(test, folio_test_active(virt_to_folio(q)));
	/* The reserve slab waits on the partial list with p in use */
	active = stats(c).active_objs;
	slab_cache_free(c, p);
	KUNIT_EXPECT_EQ(test, stats(c).active_objs, active - 1);
	slab_cache_free(c, q);
	slab_cache_free(c, r);
	KUNIT_EXPECT_EQ(test, stats(c).double_frees, 0UL);
	slab_cache_shrink(c, NULL, NULL);
	KUNIT_EXPECT_EQ(test, tpa_pages(t), 0);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	page_allocator_put(&t->pa);
}

/*
 * A CPU slab of the reserves, used up by a caller entitled to them, whose
 * objects another CPU frees: a caller that is not entitled takes none of
 * them but a slab of its own.
 */
static void slabifier_pfmemalloc_cpu_slab(struct kunit *test)
{
	const gfp_t memalloc = GFP_KERNEL | __GFP_MEMALLOC;
	struct tpa *t = tpa_new(test);
	struct slab_cache *c = mk(test, &t->pa, 256, NULL);
	unsigned int i, objs = stats(c).objs_per_slab;
	void **p = objarray(test, objs);
	struct folio *reserve;
	void *q;

	migrate_disable();
	WRITE_ONCE(t->pfmemalloc, true);
	p[0] = slab_cache_alloc(c, memalloc);
	WRITE_ONCE(t->pfmemalloc, false);
	KUNIT_ASSERT_NOT_NULL(test, p[0]);
	reserve = virt_to_folio(p[0]);
	/* The rest of it: the reserve slab becomes this CPU's, used up */
	for (i = 1; i < objs; i++) {
		p[i] = slab_cache_alloc(c, memalloc);
		KUNIT_ASSERT_PTR_EQ(test, virt_to_folio(p[i]), reserve);
	}
	local_irq_disable();
	slabifier_free_as_remote(c, p[0]);
	slabifier_free_as_remote(c, p[1]);
	local_irq_enable();
	p[0] = NULL;
	p[1] = NULL;
	q = slab_cache_alloc(c, GFP_KERNEL);
	migrate_enable();
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_PTR_NE(test, virt_to_folio(q), reserve);
	KUNIT_EXPECT_FALSE(test, folio_test_active(virt_to_folio(q)));
	slab_cache_free(c, q);
	slab_cache_free_bulk(c, objs, p);
	slab_cache_shrink(c, NULL, NULL);
	KUNIT_EXPECT_EQ(test, tpa_pages(t), 0);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	page_allocator_put(&t->pa);
}

/* Slab pages counted in @item over all nodes, with the CPUs' deltas */
static long slab_pages_counted(enum node_stat_item item)
{
	long pages = 0;
	int nid, cpu;

	for_each_node_state(nid, N_MEMORY) {
		struct pglist_data *pgdat = NODE_DATA(nid);

		pages += atomic_long_read(&pgdat->vm_stat[item]);
		for_each_possible_cpu(cpu)
			pages += per_cpu_ptr(pgdat->per_cpu_nodestats, cpu)->
				 vm_node_stat_diff[item];
	}
	return pages;
}

/*
 * A cache's slabs count as unreclaimable slab memory, a reclaimable
 * cache's as reclaimable, from when they are made until they go back.
 * Other allocations move the counters too: a measurement that saw one is
 * taken again.
 */
static void slabifier_vmstat(struct kunit *test)
{
	static const struct {
		slab_flags_t flags;
		enum node_stat_item item;
		const char *name;
	} kinds[] = {
		{ 0, NR_SLAB_UNRECLAIMABLE_B, "unreclaimable" },
		{ SLAB_RECLAIM_ACCOUNT, NR_SLAB_RECLAIMABLE_B, "reclaimable" },
	};
	unsigned int k, tries;

	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		struct slab_cache_args args = { .flags = kinds[k].flags };
		struct slab_cache *c = mk(test, NULL, 256, &args);
		long pages = 0, before = 0, held = 0, after = 0;
		void *p;

		for (tries = 0; tries < 8; tries++) {
			before = slab_pages_counted(kinds[k].item);
			p = slab_cache_alloc(c, GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, p);
			held = slab_pages_counted(kinds[k].item);
			pages = folio_nr_pages(virt_to_folio(p));
			slab_cache_free(c, p);
			slab_cache_shrink(c, NULL, NULL);
			after = slab_pages_counted(kinds[k].item);
			if (held - before == pages && held - after == pages)
				break;
		}
		KUNIT_EXPECT_EQ_MSG(test, held - before, pages, "%s",
				    kinds[k].name);
		KUNIT_EXPECT_EQ_MSG(test, held - after, pages, "%s",
				    kinds[k].name);
		KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	}
}

static void slabifier_order_fallback(struct kunit *test)
{
	struct tpa *t = tpa_new(test);
	struct slab_cache *c = mk(test, &t->pa, 1024, NULL);
	struct slab_cache_stats st = stats(c);
	unsigned int i, nr = 3 * st.objs_per_slab;
	void **p = objarray(test, 2 * nr);

	KUNIT_ASSERT_GT(test, st.order, 0U);
	/* No block of the cache's order: slabs of one page instead */
	WRITE_ONCE(t->order0_only, true);
	for (i = 0; i < nr; i++) {
		p[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		KUNIT_EXPECT_EQ(test, folio_order(virt_to_folio(p[i])), 0U);
		memset(p[i], 0x3c, 1024);
	}
	st = stats(c);
	KUNIT_EXPECT_EQ(test, (long)st.pages, tpa_pages(t));
	KUNIT_EXPECT_EQ(test, st.num_objs, st.num_slabs * (PAGE_SIZE / 1024));

	/* Both kinds of slab live side by side */
	WRITE_ONCE(t->order0_only, false);
	for (; i < 2 * nr; i++) {
		p[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	for (i = 0; i < 2 * nr; i++)
		KUNIT_EXPECT_TRUE(test, slab_cache_valid(c, p[i]));
	KUNIT_EXPECT_FALSE(test, slab_cache_valid(c, p[0] + PAGE_SIZE / 2 + 8));
	KUNIT_EXPECT_EQ(test, (long)stats(c).pages, tpa_pages(t));
	slab_cache_free_bulk(c, 2 * nr, p);
	slab_cache_shrink(c, NULL, NULL);
	KUNIT_EXPECT_EQ(test, tpa_pages(t), 0);
	KUNIT_EXPECT_EQ(test, stats(c).invalid_frees, 0UL);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	page_allocator_put(&t->pa);
}

/*
 * Hooks see every slab with its own order and object count, so a cache
 * with hooks (memcg's, KASAN's, a constructor) falls back to smaller slabs
 * as any other.
 */
static void slabifier_order_fallback_with_hooks(struct kunit *test)
{
	struct thook *h = thook_new(test, true);
	struct slab_cache_args args = { .nr_hooks = 1, .hooks = { &h->hook },
					.preserve_free = true };
	struct tpa *t = tpa_new(test);
	struct slab_cache *c = mk(test, &t->pa, 1024, &args);
	void *p, *q;

	KUNIT_ASSERT_GT(test, stats(c).order, 0U);
	WRITE_ONCE(t->order0_only, true);
	p = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, folio_order(virt_to_folio(p)), 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&h->made), 1);
	/* The hook ran over the objects of the small slab, no further */
	KUNIT_EXPECT_TRUE(test, !memchr_inv(p, 0xc7, 1024));
	WRITE_ONCE(t->order0_only, false);
	slab_cache_free(c, p);
	slab_cache_shrink(c, NULL, NULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&h->freeing), 1);
	q = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, folio_order(virt_to_folio(q)), stats(c).order);
	slab_cache_free(c, q);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_EXPECT_EQ(test, tpa_pages(t), 0);
	page_allocator_put(&t->pa);
}

/*
 * Chains of slab allocators
 */

/* A per-slab deriver: hands out its base's cache, fast path intact. */
struct tsa {
	struct slab_allocator	sa;
	bool			released;
};

static struct slab_cache *tsa_create(struct slab_allocator *sa,
				     struct page_allocator *pa,
				     const char *name, unsigned int size,
				     const struct slab_cache_args *args)
{
	struct slab_cache *c;

	c = sa->base->ops->create(sa->base, pa, name, size, args);
	if (!IS_ERR(c))
		slab_cache_adopt(c, sa);
	return c;
}

static void tsa_release(struct slab_allocator *sa)
{
	container_of(sa, struct tsa, sa)->released = true;
}

static const struct slab_allocator_ops tsa_ops = {
	.create		= tsa_create,
	.release	= tsa_release,
};

static void slabifier_slab_chain_lifetime(struct kunit *test)
{
	struct tsa *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct slab_cache *c;
	void *p;

	KUNIT_ASSERT_NOT_NULL(test, t);
	slab_allocator_init(&t->sa, &tsa_ops, "test", slabifier_allocator());
	c = slab_cache_create(&t->sa, buddy_page_allocator(), "kunit-chain",
			      64, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	KUNIT_EXPECT_PTR_EQ(test, c->allocator, &t->sa);
	KUNIT_EXPECT_TRUE(test, c->flags & SLAB_CACHE_DIRECT);

	slab_allocator_put(&t->sa);
	KUNIT_EXPECT_FALSE(test, t->released);
	p = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, p);
	slab_cache_free(c, p);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_EXPECT_TRUE(test, t->released);
}

/* A per-object deriver: its own handle around an inner cache. */
struct wcache {
	struct slab_cache	c;
	struct slab_cache	*inner;
	atomic_t		allocs;
	atomic_t		frees;
};

static struct wcache *to_w(struct slab_cache *c)
{
	return container_of(c, struct wcache, c);
}

static void *w_alloc_node(struct slab_cache *c, gfp_t gfp, int node)
{
	atomic_inc(&to_w(c)->allocs);
	return slab_cache_alloc_node(to_w(c)->inner, gfp, node);
}

static void w_free(struct slab_cache *c, void *obj)
{
	atomic_inc(&to_w(c)->frees);
	slab_cache_free(to_w(c)->inner, obj);
}

static size_t w_object_size(struct slab_cache *c, const void *obj)
{
	return slab_cache_object_size(to_w(c)->inner, obj);
}

static bool w_valid(struct slab_cache *c, const void *obj)
{
	return slab_cache_valid(to_w(c)->inner, obj);
}

static unsigned long w_shrink(struct slab_cache *c, slab_move_fn move,
			      void *private)
{
	return slab_cache_shrink(to_w(c)->inner, move, private);
}

static void w_stats(struct slab_cache *c, struct slab_cache_stats *st)
{
	slab_cache_stats(to_w(c)->inner, st);
}

static int w_destroy(struct slab_cache *c)
{
	struct wcache *w = to_w(c);
	int ret = slab_cache_destroy(w->inner);

	if (ret)
		return ret;
	page_allocator_put(c->page_allocator);
	slab_allocator_put(c->allocator);
	kfree(w);
	return 0;
}

static struct slab_cache *w_create(struct slab_allocator *sa,
				   struct page_allocator *pa,
				   const char *name, unsigned int size,
				   const struct slab_cache_args *args);

static void w_release(struct slab_allocator *sa)
{
	kfree(sa);
}

static const struct slab_allocator_ops w_ops = {
	.create		= w_create,
	.alloc_node	= w_alloc_node,
	.free		= w_free,
	.object_size	= w_object_size,
	.valid		= w_valid,
	.shrink		= w_shrink,
	.destroy	= w_destroy,
	.stats		= w_stats,
	.release	= w_release,
};

static struct slab_cache *w_create(struct slab_allocator *sa,
				   struct page_allocator *pa,
				   const char *name, unsigned int size,
				   const struct slab_cache_args *args)
{
	struct slab_cache *inner;
	struct wcache *w;

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return ERR_PTR(-ENOMEM);
	inner = slab_cache_create(sa->base, pa, name, size, args);
	if (IS_ERR(inner)) {
		kfree(w);
		return inner;
	}
	w->inner = inner;
	w->c = *inner;
	w->c.flags = 0;
	w->c.ops = &w_ops;
	w->c.allocator = slab_allocator_get(sa);
	w->c.page_allocator = page_allocator_get(pa);
	w->c.owner = &w->c;
	slab_cache_set_owner(inner, &w->c);
	return &w->c;
}

static void slabifier_wrapped_cache(struct kunit *test)
{
	struct slab_allocator *sa = kzalloc(sizeof(*sa), GFP_KERNEL);
	struct slab_cache *c;
	void *p[10];

	KUNIT_ASSERT_NOT_NULL(test, sa);
	slab_allocator_init(sa, &w_ops, "wrap", slabifier_allocator());
	c = slab_cache_create(sa, buddy_page_allocator(), "kunit-wrap", 80,
			      NULL);
	slab_allocator_put(sa);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	/* Derived chains dispatch through the method table */
	KUNIT_EXPECT_FALSE(test, c->flags & SLAB_CACHE_DIRECT);
	KUNIT_ASSERT_EQ(test, slab_cache_alloc_bulk(c, GFP_KERNEL,
						    ARRAY_SIZE(p), p),
			(int)ARRAY_SIZE(p));
	KUNIT_EXPECT_EQ(test, atomic_read(&to_w(c)->allocs), (int)ARRAY_SIZE(p));
	KUNIT_EXPECT_PTR_EQ(test, slabifier_cache_of(p[0]), c);
	KUNIT_EXPECT_TRUE(test, slab_cache_valid(c, p[0]));
	KUNIT_EXPECT_EQ(test, stats(c).object_size, 80U);
	slab_cache_free_bulk(c, ARRAY_SIZE(p), p);
	KUNIT_EXPECT_EQ(test, atomic_read(&to_w(c)->frees), (int)ARRAY_SIZE(p));
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/*
 * Defragmentation
 */

struct move_ctx {
	void	**p;
	unsigned int nr;
	unsigned int size;
	unsigned int moved;
};

static enum slab_move_result move_cb(struct slab_cache *c, void *old,
				     void *new, void *private)
{
	struct move_ctx *m = private;
	unsigned int i;

	for (i = 0; i < m->nr; i++) {
		if (m->p[i] == old) {
			memcpy(new, old, m->size);
			m->p[i] = new;
			m->moved++;
			return SLAB_MOVE_YES;
		}
	}
	return SLAB_MOVE_DONT_KNOW;
}

static void slabifier_shrink_moves(struct kunit *test)
{
	struct tpa *t = tpa_new(test);
	struct slab_cache *c = mk(test, &t->pa, 256, NULL);
	unsigned int i, per = stats(c).objs_per_slab, nr = 8 * per;
	struct move_ctx m = { .size = 256 };
	void **p = objarray(test, nr);
	unsigned long before;

	migrate_disable();
	for (i = 0; i < nr; i++) {
		p[i] = slab_cache_alloc(c, GFP_KERNEL);
		if (!p[i])
			break;
		memset(p[i], i & 0xff, 256);
	}
	migrate_enable();
	KUNIT_ASSERT_EQ(test, i, nr);
	/* Keep one object in every slab's worth: many sparse slabs */
	m.p = objarray(test, nr / per);
	for (i = 0; i < nr; i++) {
		if (i % per)
			slab_cache_free(c, p[i]);
		else
			m.p[m.nr++] = p[i];
	}
	before = stats(c).num_slabs;
	KUNIT_EXPECT_GE(test, before, 8UL);
	slab_cache_shrink(c, move_cb, &m);
	KUNIT_EXPECT_GT(test, m.moved, 0U);
	KUNIT_EXPECT_LT(test, stats(c).num_slabs, before);
	KUNIT_EXPECT_LE(test, stats(c).num_slabs, 2UL);
	for (i = 0; i < m.nr; i++) {
		KUNIT_EXPECT_TRUE(test, !memchr_inv(m.p[i], (i * per) & 0xff, 256));
		slab_cache_free(c, m.p[i]);
	}
	KUNIT_EXPECT_EQ(test, stats(c).invalid_frees, 0UL);
	KUNIT_EXPECT_EQ(test, stats(c).double_frees, 0UL);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_EXPECT_EQ(test, tpa_pages(t), 0);
	page_allocator_put(&t->pa);
}

/*
 * @nr objects of a new cache @c, allocated on one CPU: slab by slab, slab
 * k holds p[k * per] to p[k * per + per - 1].
 */
static void **alloc_slab_by_slab(struct kunit *test, struct slab_cache *c,
				 unsigned int nr)
{
	void **p = objarray(test, nr);
	unsigned int i;

	migrate_disable();
	for (i = 0; i < nr; i++) {
		p[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	migrate_enable();
	return p;
}

/*
 * Moving the objects out of sparse slabs is worth it from two of them on:
 * with one sparse slab (one object in use) beside a half-used and a full
 * one, nothing moves; with two, both are emptied into the half-used one.
 */
static void slabifier_shrink_moves_from_two(struct kunit *test)
{
	unsigned int i, sparse;

	for (sparse = 1; sparse <= 2; sparse++) {
		struct tpa *t = tpa_new(test);
		struct slab_cache *c = mk(test, &t->pa, 256, NULL);
		unsigned int per = stats(c).objs_per_slab;
		unsigned int nr = (sparse + 2) * per;
		struct move_ctx m = { .size = 256 };
		void **p = alloc_slab_by_slab(test, c, nr);

		m.p = objarray(test, nr);
		for (i = 0; i < nr; i++) {
			if ((i < sparse * per && i % per) ||
			    (i / per == sparse && i % 2))
				slab_cache_free(c, p[i]);
			else
				m.p[m.nr++] = p[i];
		}
		KUNIT_ASSERT_EQ(test, stats(c).num_slabs, sparse + 2UL);
		slab_cache_shrink(c, move_cb, &m);
		if (sparse == 1) {
			KUNIT_EXPECT_EQ(test, m.moved, 0U);
			KUNIT_EXPECT_EQ(test, stats(c).num_slabs, 3UL);
		} else {
			KUNIT_EXPECT_GE(test, m.moved, 2U);
			KUNIT_EXPECT_EQ(test, stats(c).num_slabs, 2UL);
		}
		for (i = 0; i < m.nr; i++)
			slab_cache_free(c, m.p[i]);
		KUNIT_EXPECT_EQ(test, stats(c).double_frees, 0UL);
		KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
		KUNIT_EXPECT_EQ(test, tpa_pages(t), 0);
		page_allocator_put(&t->pa);
	}
}

/*
 * Moves as move_cb() does and notes the slabs it moves from; its first
 * call frees @freeing.
 */
struct move_more_ctx {
	struct move_ctx	m;
	void		**freeing;
	unsigned int	nr_freeing;
	struct folio	*from[8];
	unsigned int	nr_from;
};

static enum slab_move_result move_more_cb(struct slab_cache *c, void *old,
					  void *new, void *private)
{
	struct move_more_ctx *mm = private;
	struct folio *folio = virt_to_folio(old);
	unsigned int i;

	for (i = 0; i < mm->nr_from && mm->from[i] != folio; i++)
		;
	if (i == mm->nr_from && i < ARRAY_SIZE(mm->from))
		mm->from[mm->nr_from++] = folio;
	for (i = 0; i < mm->nr_freeing; i++)
		slab_cache_free(c, mm->freeing[i]);
	mm->nr_freeing = 0;
	return move_cb(c, old, new, &mm->m);
}

/*
 * One shrink moves the objects of as many slabs as were sparse when it
 * began.  Two are; the first move frees most of three full slabs, which
 * makes them sparse too: they wait for the next shrink, so that a client
 * that frees as it is asked to move cannot keep one shrink going.
 */
static void slabifier_shrink_moves_sparse_at_start(struct kunit *test)
{
	struct tpa *t = tpa_new(test);
	struct slab_cache *c = mk(test, &t->pa, 256, NULL);
	unsigned int i, per = stats(c).objs_per_slab, nr = 6 * per;
	struct move_more_ctx mm = { .m.size = 256 };
	void **p = alloc_slab_by_slab(test, c, nr);

	mm.m.p = objarray(test, nr);
	mm.freeing = objarray(test, nr);
	/* Slabs 0 and 1 keep one object now, 2 to 4 after the first move */
	for (i = 0; i < nr; i++) {
		if (i < 2 * per && i % per)
			slab_cache_free(c, p[i]);
		else if (i < 5 * per && i % per)
			mm.freeing[mm.nr_freeing++] = p[i];
		else
			mm.m.p[mm.m.nr++] = p[i];
	}
	KUNIT_ASSERT_EQ(test, stats(c).partial_slabs, 2UL);
	slab_cache_shrink(c, move_more_cb, &mm);
	KUNIT_EXPECT_EQ(test, mm.nr_freeing, 0U);
	KUNIT_EXPECT_EQ(test, mm.nr_from, 2U);
	KUNIT_EXPECT_EQ(test, mm.m.moved, 2U);
	for (i = 0; i < mm.m.nr; i++)
		slab_cache_free(c, mm.m.p[i]);
	KUNIT_EXPECT_EQ(test, stats(c).double_frees, 0UL);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_EXPECT_EQ(test, tpa_pages(t), 0);
	page_allocator_put(&t->pa);
}

/*
 * Two CPUs: each thread allocates objects and hands them to the other,
 * which checks and frees them (remote frees), and both allocate and free
 * locally in between.
 */

#define CONC_ROUNDS	400
#define CONC_BATCH	48

struct conc_chan {
	void		*slot[2][CONC_BATCH];
	atomic_t	full[2];
};

struct conc_thread {
	struct conc		*conc;
	struct conc_chan	*out, *in;
	unsigned int		id;
	struct completion	done;
};

struct conc {
	struct slab_cache	*c;
	unsigned int		size;
	struct conc_chan	chan[2];
	struct conc_thread	t[2];
	atomic_t		errors;
};

static void conc_fill(struct conc *cc, void *p, unsigned int id,
		      unsigned int r)
{
	memset(p, (id << 7) ^ (r & 0x7f), cc->size);
}

static bool conc_check(struct conc *cc, void *p, unsigned int id,
		       unsigned int r)
{
	return !memchr_inv(p, (id << 7) ^ (r & 0x7f), cc->size);
}

static int conc_fn(void *arg)
{
	struct conc_thread *t = arg;
	struct conc *cc = t->conc;
	void *local[16];
	unsigned int r, b, i;

	for (r = 0; r < CONC_ROUNDS; r++) {
		b = r & 1;
		/* Produce for the other CPU */
		while (atomic_read_acquire(&t->out->full[b]))
			cond_resched();
		for (i = 0; i < CONC_BATCH; i++) {
			void *p = slab_cache_alloc(cc->c, GFP_KERNEL);

			if (!p) {
				atomic_inc(&cc->errors);
				continue;
			}
			conc_fill(cc, p, t->id, r);
			t->out->slot[b][i] = p;
		}
		atomic_set_release(&t->out->full[b], 1);

		/* Some local traffic */
		for (i = 0; i < ARRAY_SIZE(local); i++)
			local[i] = slab_cache_alloc(cc->c, GFP_KERNEL);
		for (i = 0; i < ARRAY_SIZE(local); i++)
			slab_cache_free(cc->c, local[i]);

		/* Consume what the other CPU made: remote frees */
		while (!atomic_read_acquire(&t->in->full[b]))
			cond_resched();
		for (i = 0; i < CONC_BATCH; i++) {
			void *p = t->in->slot[b][i];

			if (!p)
				continue;
			if (!conc_check(cc, p, !t->id, r))
				atomic_inc(&cc->errors);
			slab_cache_free(cc->c, p);
			t->in->slot[b][i] = NULL;
		}
		atomic_set_release(&t->in->full[b], 0);
	}
	complete(&t->done);
	return 0;
}

static void slabifier_two_cpus(struct kunit *test)
{
	struct task_struct *task[2];
	struct conc *cc;
	unsigned int cpu[2], i;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs");

	cc = kunit_kzalloc(test, sizeof(*cc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cc);
	cc->size = 72;
	cc->c = mk(test, NULL, cc->size, NULL);
	cpu[0] = cpumask_first(cpu_online_mask);
	cpu[1] = cpumask_next(cpu[0], cpu_online_mask);

	for (i = 0; i < 2; i++) {
		cc->t[i].conc = cc;
		cc->t[i].id = i;
		cc->t[i].out = &cc->chan[i];
		cc->t[i].in = &cc->chan[!i];
		init_completion(&cc->t[i].done);
		task[i] = kthread_create_on_cpu(conc_fn, &cc->t[i], cpu[i],
						"modslab_kunit/%u");
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, task[i]);
	}
	for (i = 0; i < 2; i++)
		wake_up_process(task[i]);
	for (i = 0; i < 2; i++)
		wait_for_completion(&cc->t[i].done);

	KUNIT_EXPECT_EQ(test, atomic_read(&cc->errors), 0);
	KUNIT_EXPECT_EQ(test, stats(cc->c).double_frees, 0UL);
	KUNIT_EXPECT_EQ(test, stats(cc->c).invalid_frees, 0UL);
	/* Every object came back: the cache can be destroyed cleanly */
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(cc->c), 0);
}

/*
 * Parameters
 */

static void slabifier_params(struct kunit *test)
{
	unsigned int max_order = slabifier_param_max_order();
	struct slab_cache *c;
	char was[12];

	/* Out of range, not a number, unknown: refused, nothing changes */
	KUNIT_EXPECT_EQ(test, slabifier_param_set("max_order", "99"), -EINVAL);
	KUNIT_EXPECT_EQ(test, slabifier_param_set("min_objects", "32768"), -EINVAL);
	KUNIT_EXPECT_EQ(test, slabifier_param_set("min_partial", "65"), -EINVAL);
	KUNIT_EXPECT_EQ(test, slabifier_param_set("min_order", "x"), -EINVAL);
	KUNIT_EXPECT_EQ(test, slabifier_param_set("min_order", "4"), -EINVAL);
	KUNIT_EXPECT_EQ(test, slabifier_param_set("no_such", "1"), -EINVAL);
	KUNIT_EXPECT_EQ(test, slabifier_param_set("flush_interval", "3601"),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, slabifier_param_max_order(), max_order);

	/* The flush interval goes up to an hour (then back to its default) */
	KUNIT_EXPECT_EQ(test, slabifier_param_set("flush_interval", "3600"), 0);
	KUNIT_EXPECT_EQ(test, slabifier_param_set("flush_interval", "10"), 0);

	/* A valid value applies to caches created afterwards */
	KUNIT_ASSERT_EQ(test, slabifier_param_set("min_objects", "32"), 0);
	c = mk(test, NULL, 1024, NULL);
	KUNIT_EXPECT_GE(test, stats(c).objs_per_slab, 32U);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_ASSERT_EQ(test, slabifier_param_set("min_objects", "0"), 0);

	KUNIT_ASSERT_EQ(test, slabifier_param_set("min_order", "1"), 0);
	c = mk(test, NULL, 64, NULL);
	KUNIT_EXPECT_EQ(test, stats(c).order, 1U);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_ASSERT_EQ(test, slabifier_param_set("min_order", "0"), 0);

	/*
	 * The largest min_order still gives 8-byte objects no slab with
	 * room past the objects a slab counts.
	 */
	KUNIT_ASSERT_EQ(test, slabifier_param_set("max_order", "10"), 0);
	KUNIT_ASSERT_EQ(test, slabifier_param_set("min_order", "10"), 0);
	c = mk(test, NULL, 8, NULL);
	KUNIT_EXPECT_LE(test, (PAGE_SIZE << stats(c).order) / stats(c).size,
			(unsigned long)MSLAB_MAX_OBJECTS);
	KUNIT_EXPECT_EQ(test, (unsigned long)stats(c).objs_per_slab,
			(PAGE_SIZE << stats(c).order) / stats(c).size);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	/* A larger object still gets it */
	c = mk(test, NULL, 4096, NULL);
	KUNIT_EXPECT_EQ(test, stats(c).order, 10U);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
	KUNIT_ASSERT_EQ(test, slabifier_param_set("min_order", "0"), 0);
	snprintf(was, sizeof(was), "%u", max_order);
	KUNIT_ASSERT_EQ(test, slabifier_param_set("max_order", was), 0);
}

/*
 * CPU hotplug: a dead CPU's active slab goes back to the node list
 */

struct hp_ctx {
	struct slab_cache	*c;
	struct completion	done;
	bool			ok;
};

static int hp_fn(void *arg)
{
	struct hp_ctx *h = arg;
	void *p[8];
	unsigned int i;

	h->ok = true;
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = slab_cache_alloc(h->c, GFP_KERNEL);
		h->ok &= !!p[i];
	}
	for (i = 0; i < ARRAY_SIZE(p); i++)
		slab_cache_free(h->c, p[i]);
	complete(&h->done);
	return 0;
}

static void slabifier_cpu_dead(struct kunit *test)
{
	struct task_struct *task;
	struct hp_ctx h = {};
	struct tpa *t;
	int cpu, err;

	if (!IS_ENABLED(CONFIG_HOTPLUG_CPU) || num_online_cpus() < 2)
		kunit_skip(test, "needs CPU hotplug and two online CPUs");
	cpu = cpumask_last(cpu_online_mask);
	if (!cpu)
		kunit_skip(test, "CPU 0 cannot go offline");

	t = tpa_new(test);
	h.c = mk(test, &t->pa, 128, NULL);
	init_completion(&h.done);
	task = kthread_create_on_cpu(hp_fn, &h, cpu, "modslab_hp/%u");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, task);
	get_task_struct(task);
	wake_up_process(task);
	wait_for_completion(&h.done);
	/* Gone from the CPU before the CPU goes */
	kthread_stop(task);
	put_task_struct(task);
	KUNIT_EXPECT_TRUE(test, h.ok);
	/* The other CPU's active slab holds the only slab */
	KUNIT_EXPECT_EQ(test, stats(h.c).num_slabs, 1UL);

	err = remove_cpu(cpu);
	if (err) {
		slab_cache_destroy(h.c);
		kunit_skip(test, "CPU %d cannot go offline: %d", cpu, err);
	}
	/* Flushed when the CPU died: shrinking can give it back now */
	slab_cache_shrink(h.c, NULL, NULL);
	KUNIT_EXPECT_EQ(test, tpa_pages(t), 0);
	KUNIT_EXPECT_EQ(test, add_cpu(cpu), 0);

	KUNIT_EXPECT_EQ(test, slab_cache_destroy(h.c), 0);
	page_allocator_put(&t->pa);
}

static struct kunit_case slabifier_cases[] = {
	KUNIT_CASE_PARAM(slabifier_sizes, sizes_gen_params),
	KUNIT_CASE(slabifier_natural_alignment_128),
	KUNIT_CASE(slabifier_explicit_align),
	KUNIT_CASE(slabifier_hwcache_align),
	KUNIT_CASE(slabifier_min_objects),
	KUNIT_CASE(slabifier_bad_args),
	KUNIT_CASE(slabifier_reclaimable_pages),
	KUNIT_CASE(slabifier_new_slab_after_moving),
	KUNIT_CASE(slabifier_free_past_last_object),
	KUNIT_CASE(slabifier_bad_flags),
	KUNIT_CASE(slabifier_most_hooks),
	KUNIT_CASE(slabifier_freeptr_offset),
	KUNIT_CASE(slabifier_freelist_hardened),
	KUNIT_CASE(slabifier_freelist_random),
	KUNIT_CASE(slabifier_destroy_frees_metadata),
	KUNIT_CASE(slabifier_node_alloc),
	KUNIT_CASE(slabifier_any_node_partial),
	KUNIT_CASE(slabifier_deactivate_empty_discards),
	KUNIT_CASE(slabifier_bulk),
	KUNIT_CASE(slabifier_bulk_failure),
	KUNIT_CASE(slabifier_stats_cpu_and_partial),
	KUNIT_CASE(slabifier_queries),
	KUNIT_CASE(slabifier_page_type),
	KUNIT_CASE(slabifier_partial_reuse),
	KUNIT_CASE(slabifier_empty_slabs_given_back),
	KUNIT_CASE(slabifier_empty_slabs_kept_by_pages),
	KUNIT_CASE(slabifier_cache_holds_page_allocator),
	KUNIT_CASE(slabifier_page_allocator_fails),
	KUNIT_CASE(slabifier_many_caches),
	KUNIT_CASE(slabifier_destroy_live),
	KUNIT_CASE(slabifier_free_null),
	KUNIT_CASE(slabifier_invalid_frees),
	KUNIT_CASE(slabifier_double_free_active),
	KUNIT_CASE(slabifier_double_free_remote),
	KUNIT_CASE(slabifier_double_free_remote_emptying),
	KUNIT_CASE(slabifier_double_free_bulk_remote),
	KUNIT_CASE(slabifier_reports_outside_locks),
	KUNIT_CASE(slabifier_bulk_batches_stay_compact),
	KUNIT_CASE(slabifier_bulk_from_partial_slabs),
	KUNIT_CASE(slabifier_init_quiet),
	KUNIT_CASE(slabifier_min_partial_rule),
	KUNIT_CASE(slabifier_min_objects_rule),
	KUNIT_CASE(slabifier_single_object_slabs),
	KUNIT_CASE(slabifier_gfp_atomic),
	KUNIT_CASE(slabifier_hooks_per_slab),
	KUNIT_CASE(slabifier_hooks_second_fails),
	KUNIT_CASE(slabifier_preserve_free),
	KUNIT_CASE(slabifier_pfmemalloc),
	KUNIT_CASE(slabifier_pfmemalloc_cpu_slab),
	KUNIT_CASE(slabifier_vmstat),
	KUNIT_CASE(slabifier_order_fallback),
	KUNIT_CASE(slabifier_order_fallback_with_hooks),
	KUNIT_CASE(slabifier_slab_chain_lifetime),
	KUNIT_CASE(slabifier_wrapped_cache),
	KUNIT_CASE(slabifier_shrink_moves),
	KUNIT_CASE(slabifier_shrink_moves_from_two),
	KUNIT_CASE(slabifier_shrink_moves_sparse_at_start),
	KUNIT_CASE_SLOW(slabifier_two_cpus),
	KUNIT_CASE(slabifier_params),
	KUNIT_CASE(slabifier_cpu_dead),
	{}
};

static struct kunit_suite slabifier_suite = {
	.name = "modslab_slabifier",
	.test_cases = slabifier_cases,
};

kunit_test_suite(slabifier_suite);

MODULE_DESCRIPTION("KUnit tests of the modslab slabifier");
MODULE_LICENSE("GPL");
