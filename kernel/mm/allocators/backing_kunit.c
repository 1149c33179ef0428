// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the backing allocators of MODSLAB kmem_caches: chains as
 * modslab.backing= writes them, caches and kmalloc sets on chains composed
 * by hand, mempools on them, and the debug layer of a live cache changed
 * while its objects are in use, also under allocations on other CPUs.
 */

#include <kunit/test.h>
#include <linux/allocator.h>
#include <linux/allocator_derive.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/mempool.h>
#include <linux/poison.h>
#include <linux/slab.h>
#include <linux/slab_backing.h>

#include "../slab.h"
#include "slabulator.h"

static const char *describe(struct kunit *test, struct kmem_cache *s)
{
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	slabulator_describe(s, buf, PAGE_SIZE);
	return buf;
}

static struct slab_cache_stats stats_of(struct kmem_cache *s)
{
	struct slab_cache_stats st;

	slab_cache_stats(s->cache, &st);
	return st;
}

/*
 * Parsing
 */

static int parse(const char *str, struct slab_backing *b)
{
	return slab_backing_parse(str, strlen(str), b, "backing_kunit");
}

static void backing_parse_good(struct kunit *test)
{
	static const char * const canonical[] = {
		"debug(FZP),rcu", "rcu", "node(0),reserve(3)", "dma,interleave",
		"debug(FZPUT)", "none", "debug(F),dma32,rcu",
	};
	struct slab_backing b;
	char buf[64];
	unsigned int i;

	KUNIT_ASSERT_EQ(test, parse("debug(FZP),rcu", &b), 0);
	KUNIT_EXPECT_TRUE(test, b.has_debug);
	KUNIT_EXPECT_EQ(test, b.debug,
			SLABDBG_SANITY | SLABDBG_REDZONE | SLABDBG_POISON);
	KUNIT_EXPECT_EQ(test, b.nr, 1U);
	KUNIT_EXPECT_EQ(test, b.step[0].kind, SLAB_BACKING_RCU);

	KUNIT_ASSERT_EQ(test, parse("node(0),reserve(3)", &b), 0);
	KUNIT_EXPECT_FALSE(test, b.has_debug);
	KUNIT_EXPECT_EQ(test, b.nr, 2U);
	KUNIT_EXPECT_EQ(test, b.step[0].kind, SLAB_BACKING_NODE);
	KUNIT_EXPECT_EQ(test, b.step[0].arg, 0U);
	KUNIT_EXPECT_EQ(test, b.step[1].kind, SLAB_BACKING_RESERVE);
	KUNIT_EXPECT_EQ(test, b.step[1].arg, 3U);

	/* "debug" alone is FZPU, as slab_debug without letters */
	KUNIT_ASSERT_EQ(test, parse("debug", &b), 0);
	KUNIT_EXPECT_EQ(test, b.debug, SLABDBG_ALL);
	KUNIT_ASSERT_EQ(test, parse("none", &b), 0);
	KUNIT_EXPECT_FALSE(test, b.has_debug);
	KUNIT_EXPECT_EQ(test, b.nr, 0U);
	/* "none,rcu": no debug layer, an rcu one (kmem_cache_set_backing()) */
	KUNIT_ASSERT_EQ(test, parse("none,rcu", &b), 0);
	KUNIT_EXPECT_FALSE(test, b.has_debug);
	KUNIT_EXPECT_EQ(test, b.nr, 1U);
	KUNIT_EXPECT_EQ(test, b.step[0].kind, SLAB_BACKING_RCU);

	for (i = 0; i < ARRAY_SIZE(canonical); i++) {
		KUNIT_ASSERT_EQ_MSG(test, parse(canonical[i], &b), 0, "%s",
				    canonical[i]);
		slab_backing_describe(&b, buf, sizeof(buf));
		KUNIT_EXPECT_STREQ(test, buf, canonical[i]);
	}
}

static void backing_parse_bad(struct kunit *test)
{
	static const char * const bad[] = {
		"", "bogus", "debug(Q)", "rcu,debug", "debug,debug", "node",
		"node(x)", "node()", "reserve(0)", "reserve(5000)", "rcu(1)",
		"rcu,", ",rcu", "debug(F", "debug(F))", "rcu)", "nodes(1)",
		"rcu,rcu,rcu,rcu,rcu,rcu,rcu,rcu,rcu", "ctor", "debug(F),ctor",
		"none,", "none,debug", "none,none", "nonesuch",
	};
	struct slab_backing b;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, parse(bad[i], &b), -EINVAL, "'%s'",
				    bad[i]);
}

static void backing_glob(struct kunit *test)
{
	static const struct {
		const char *pat, *name;
		bool match;
	} cases[] = {
		{ "filp", "filp", true },
		{ "filp", "filp2", false },
		{ "filp2", "filp", false },
		{ "kmalloc-*", "kmalloc-64", true },
		{ "kmalloc-*", "kmalloc", false },
		{ "kmalloc-?4", "kmalloc-64", true },
		{ "kmalloc-?4", "kmalloc-128", false },
		{ "*cache", "names_cache", true },
		{ "*cache", "names_cache_x", false },
		{ "a*b*c", "aXXbYYbZc", true },
		{ "a*b*c", "aXXcYYb", false },
		{ "*", "", true },
		{ "**", "dentry", true },
		{ "?", "", false },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    slab_backing_glob(cases[i].pat,
						      strlen(cases[i].pat),
						      cases[i].name),
				    cases[i].match, "'%s' on '%s'",
				    cases[i].pat, cases[i].name);
	/* Only the given length of the glob counts */
	KUNIT_EXPECT_TRUE(test, slab_backing_glob("filp:rcu", 4, "filp"));
}

/*
 * Caches on composed chains
 */

#define BK_SIZE		200
#define BK_PATTERN	0x3c

static void bk_ctor(void *obj)
{
	memset(obj, BK_PATTERN, BK_SIZE);
}

static bool bk_constructed(const void *obj)
{
	return !memchr_inv(obj, BK_PATTERN, BK_SIZE);
}

static void backing_cache_on_composed_chain(struct kunit *test)
{
	struct kmem_cache_args args = { .ctor = bk_ctor };
	struct page_allocator *pa;
	struct slab_allocator *sa;
	struct kmem_cache *s;
	void *objs[64];
	unsigned int i;

	pa = node_page_allocator(buddy_page_allocator(), first_memory_node);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pa));
	sa = debug_slab_allocator(slabifier_allocator(), SLABDBG_ALL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sa));
	s = kmem_cache_create_backed("backing-kunit", BK_SIZE, &args, 0, pa,
				     sa);
	/* The cache holds its own references */
	page_allocator_put(pa);
	slab_allocator_put(sa);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_TRUE(test, s->flags & SLAB_NO_MERGE);
	KUNIT_EXPECT_NOT_NULL(test,
			      strstr(describe(test, s),
				     "ctor -> debug(FZPU) -> slabifier -> node("));

	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		KUNIT_EXPECT_TRUE(test, bk_constructed(objs[i]));
		KUNIT_EXPECT_EQ(test, folio_nid(virt_to_folio(objs[i])),
				first_memory_node);
	}
	/* A cache with an object allocated is kept */
	for (i = 1; i < ARRAY_SIZE(objs); i++)
		kmem_cache_free(s, objs[i]);
	KUNIT_EXPECT_EQ(test, kmem_cache_destroy_backed(s), -EBUSY);
	kmem_cache_free(s, objs[0]);
	KUNIT_EXPECT_EQ(test, kmem_cache_destroy_backed(s), 0);
}

static void backing_refuses_chain_without_slabifier(struct kunit *test)
{
	struct slab_allocator dummy = { .name = "dummy" };

	KUNIT_EXPECT_NULL(test, kmem_cache_create_backed("backing-kunit-bad",
							 64, NULL, 0, NULL,
							 &dummy));
}

static void backing_kmalloc_set(struct kunit *test)
{
	static const size_t sizes[] = { 1, 8, 9, 100, 128, 129, 4096, 8192 };
	struct slab_allocator *sa;
	struct kmalloc_set *set;
	void *objs[ARRAY_SIZE(sizes)], *k;
	unsigned int i;

	sa = debug_slab_allocator(slabifier_allocator(), SLABDBG_REDZONE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sa));
	set = kmalloc_set_create("bkset", NULL, sa, 0);
	slab_allocator_put(sa);
	KUNIT_ASSERT_NOT_NULL(test, set);

	KUNIT_EXPECT_STREQ(test, kmalloc_set_cache(set, 100)->name,
			   "bkset-128");
	KUNIT_EXPECT_STREQ(test, kmalloc_set_cache(set, 1)->name, "bkset-8");
	KUNIT_EXPECT_NULL(test, kmalloc_set_alloc(set, 0, GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, kmalloc_set_alloc(set, 8193, GFP_KERNEL));
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		objs[i] = kmalloc_set_alloc(set, sizes[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		KUNIT_EXPECT_GE(test, ksize(objs[i]), sizes[i]);
		memset(objs[i], 0x11, sizes[i]);
	}
	KUNIT_EXPECT_NOT_NULL(test,
			      strstr(describe(test, kmalloc_set_cache(set, 4096)),
				     "debug(Z) -> slabifier"));
	/* Objects of other caches are refused, and stay allocated */
	k = kmalloc(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, k);
	kmalloc_set_free(set, k);
	KUNIT_EXPECT_EQ(test, ksize(k), 64UL);
	kfree(k);

	KUNIT_EXPECT_EQ(test, kmalloc_set_destroy(set), -EBUSY);
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		kmalloc_set_free(set, objs[i]);
	KUNIT_EXPECT_EQ(test, kmalloc_set_destroy(set), 0);
}

/*
 * A page allocator over the buddy allocator that fails every request once
 * told to, as a buddy allocator out of memory would for requests that may
 * not wait, and counts the requests it failed.
 */
struct failing_pa {
	struct page_allocator	pa;
	bool			fail;
	atomic_t		failed;
};

static struct folio *failing_alloc(struct page_allocator *pa, gfp_t gfp,
				   unsigned int order, int node)
{
	struct failing_pa *f = container_of(pa, struct failing_pa, pa);

	if (READ_ONCE(f->fail)) {
		atomic_inc(&f->failed);
		return NULL;
	}
	return page_allocator_alloc(pa->base, gfp, order, node);
}

static void failing_free(struct page_allocator *pa, struct folio *folio,
			 unsigned int order)
{
	page_allocator_free(pa->base, folio, order);
}

static void failing_release(struct page_allocator *pa)
{
	kfree(container_of(pa, struct failing_pa, pa));
}

static const struct page_allocator_ops failing_ops = {
	.alloc		= failing_alloc,
	.free		= failing_free,
	.release	= failing_release,
};

/*
 * A mempool over a kmem_cache on a reserve of two order-0 blocks, whose base
 * fails once the reserve is filled: the pool still hands out its minimum
 * and every object of the two slabs the reserve lends, each slab of the
 * reserve's order, and all of it goes back to the reserve.
 */
static void backing_mempool_on_reserve(struct kunit *test)
{
	struct failing_pa *f = kzalloc(sizeof(*f), GFP_KERNEL);
	struct page_allocator *pa;
	unsigned int per, i, n;
	struct kmem_cache *s;
	mempool_t *pool;
	void **p;

	KUNIT_ASSERT_NOT_NULL(test, f);
	page_allocator_init(&f->pa, &failing_ops, "failing",
			    buddy_page_allocator());
	pa = reserve_page_allocator(&f->pa, 0, 2);
	page_allocator_put(&f->pa);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pa));
	/* Its own slabs, of order 0, whatever slab_debug= asks for */
	s = kmem_cache_create_backed("backing-kunit-pool", 128, NULL,
				     SLAB_NO_USER_FLAGS, pa, NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_NOT_NULL(test, strstr(describe(test, s),
					   "slabifier -> reserve(2/2 of order 0) -> failing"));
	per = stats_of(s).objs_per_slab;
	p = kunit_kcalloc(test, 2 * per + 1, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);

	WRITE_ONCE(f->fail, true);
	pool = mempool_create_slab_pool(4, s);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	for (n = 0; n <= 2 * per; n++) {
		p[n] = mempool_alloc(pool, GFP_NOWAIT | __GFP_NOWARN);
		if (!p[n])
			break;
		KUNIT_EXPECT_EQ(test, folio_order(virt_to_folio(p[n])), 0U);
	}
	/* The pool's four are objects of the first lent slab */
	KUNIT_EXPECT_EQ(test, n, 2 * per);
	KUNIT_EXPECT_EQ(test, reserve_page_allocator_available(pa), 0U);
	KUNIT_EXPECT_GT(test, atomic_read(&f->failed), 0);

	for (i = 0; i < n; i++)
		mempool_free(p[i], pool);
	mempool_destroy(pool);
	KUNIT_EXPECT_EQ(test, kmem_cache_destroy_backed(s), 0);
	KUNIT_EXPECT_EQ(test, reserve_page_allocator_available(pa), 2U);
	page_allocator_put(pa);
}

/* The slab order of a fresh cache of @size bytes with @flags. */
static unsigned int probe_order(struct kunit *test, unsigned int size,
				slab_flags_t flags)
{
	struct kmem_cache *s = kmem_cache_create("backing-kunit-probe", size, 0,
						 flags | SLAB_NO_MERGE, NULL);
	struct slab_cache_stats st;

	KUNIT_ASSERT_NOT_NULL(test, s);
	slab_cache_stats(s->cache, &st);
	kmem_cache_destroy(s);
	return st.order;
}

/*
 * A cache on a reserve cannot be switched to a chain whose slabs have
 * another order: the reserve would hold none of its blocks.
 */
static void backing_switch_keeps_reserve_order(struct kunit *test)
{
	static const unsigned int sizes[] = { 480, 600, 700, 900, 1000, 1400 };
	const slab_flags_t debug = SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE |
				   SLAB_POISON | SLAB_STORE_USER;
	struct page_allocator *pa;
	unsigned int i, order = 0;
	struct kmem_cache *s;
	bool debugged;
	char want[64];

	if (IS_ENABLED(CONFIG_KASAN))
		kunit_skip(test, "chains do not change at run time with KASAN");
	s = kmem_cache_create("backing-kunit-probe", 480, 0, SLAB_NO_MERGE,
			      NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	debugged = s->flags & debug;
	kmem_cache_destroy(s);
	if (debugged)
		kunit_skip(test, "slab_debug= debugs every cache already");
	/* A size whose debug(FZPU) slabs (red zones, two tracks) are larger */
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		order = probe_order(test, sizes[i], 0);
		if (probe_order(test, sizes[i], debug) != order)
			break;
	}
	KUNIT_ASSERT_LT_MSG(test, i, ARRAY_SIZE(sizes),
			    "no size whose debug slabs have another order");
	pa = reserve_page_allocator(buddy_page_allocator(), order, 2);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pa));
	s = kmem_cache_create_backed("backing-kunit-reserve-sw", sizes[i],
				     NULL, 0, pa, NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	snprintf(want, sizeof(want),
		 "slabifier -> reserve(2/2 of order %u) -> buddy", order);
	KUNIT_EXPECT_NOT_NULL(test, strstr(describe(test, s), want));
	KUNIT_EXPECT_EQ(test, kmem_cache_set_backing(s, "debug(FZPU)"),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, strstr(describe(test, s), want));
	KUNIT_EXPECT_FALSE(test, strstr(describe(test, s), "debug"));
	/* A chain of the same order is fine */
	KUNIT_EXPECT_EQ(test, kmem_cache_set_backing(s, "none"), 0);
	KUNIT_EXPECT_EQ(test, kmem_cache_destroy_backed(s), 0);
	page_allocator_put(pa);
}

/*
 * Debugging on and off on a live cache
 */

#define SW_OBJS	48

static void fill(void **objs, unsigned int n, u8 v)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		memset(objs[i], v, BK_SIZE);
}

static bool intact(void **objs, unsigned int n, u8 v)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (memchr_inv(objs[i], v, BK_SIZE))
			return false;
	return true;
}

static void alloc_all(struct kunit *test, struct kmem_cache *s, void **objs)
{
	unsigned int i;

	for (i = 0; i < SW_OBJS; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
	}
}

static void backing_switch_debug_live(struct kunit *test)
{
	void **a, **b, **c;
	struct slab_cache *dc, *first, *sw;
	struct kmem_cache *s;
	enum slab_debug_error e;
	unsigned int i;

	if (IS_ENABLED(CONFIG_KASAN))
		kunit_skip(test, "chains do not change at run time with KASAN");
	a = kunit_kcalloc(test, 3 * SW_OBJS, sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	b = a + SW_OBJS;
	c = b + SW_OBJS;
	s = kmem_cache_create("backing-kunit-switch", BK_SIZE, 0,
			      SLAB_NO_MERGE | SLAB_NO_USER_FLAGS, NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	first = s->cache;
	KUNIT_EXPECT_STREQ(test, describe(test, s), "slabifier -> buddy");

	/* Objects of the first chain, then debug goes on */
	alloc_all(test, s, a);
	fill(a, SW_OBJS, 0xaa);
	KUNIT_ASSERT_EQ(test, kmem_cache_set_backing(s, "debug(FZP)\n"), 0);
	KUNIT_EXPECT_TRUE(test, slab_switch_active(s->cache));
	KUNIT_EXPECT_STREQ(test, describe(test, s),
			   "debug(FZP) -> slabifier -> buddy");
	alloc_all(test, s, b);
	fill(b, SW_OBJS, 0xbb);
	dc = slab_switch_chain_of(s->cache, b[0]);
	KUNIT_EXPECT_PTR_EQ(test, slab_switch_chain_of(s->cache, a[0]), first);
	KUNIT_EXPECT_PTR_NE(test, dc, first);
	KUNIT_EXPECT_EQ(test, ksize(b[1]), (size_t)BK_SIZE);

	/* Bad requests change nothing */
	KUNIT_EXPECT_EQ(test, kmem_cache_set_backing(s, "dma"), -EINVAL);
	KUNIT_EXPECT_EQ(test, kmem_cache_set_backing(s, "rcu,node(0)"),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, kmem_cache_set_backing(s, "debug(Q)"), -EINVAL);
	KUNIT_EXPECT_STREQ(test, describe(test, s),
			   "debug(FZP) -> slabifier -> buddy");

	/* Debug off again: the first chain serves again */
	KUNIT_ASSERT_EQ(test, kmem_cache_set_backing(s, "none"), 0);
	KUNIT_EXPECT_STREQ(test, describe(test, s), "slabifier -> buddy");
	alloc_all(test, s, c);
	fill(c, SW_OBJS, 0xcc);
	KUNIT_EXPECT_EQ(test, slab_switch_nr_chains(s->cache), 2U);
	KUNIT_EXPECT_PTR_EQ(test, slab_switch_chain_of(s->cache, c[0]), first);
	KUNIT_EXPECT_PTR_EQ(test, slab_switch_current(s->cache), first);

	/* Every object kept its contents; free them in a mixed order */
	KUNIT_EXPECT_TRUE(test, intact(a, SW_OBJS, 0xaa));
	KUNIT_EXPECT_TRUE(test, intact(b, SW_OBJS, 0xbb));
	KUNIT_EXPECT_TRUE(test, intact(c, SW_OBJS, 0xcc));
	for (i = 0; i < SW_OBJS; i++) {
		kmem_cache_free(s, c[i]);
		kmem_cache_free(s, a[SW_OBJS - 1 - i]);
		if (i != 7)
			kmem_cache_free(s, b[i]);
	}
	/* Each object went to its own chain: the debug chain saw no error */
	for (e = 0; e < SLABDBG_ERR_NR; e++)
		KUNIT_EXPECT_EQ(test, slab_debug_errors(dc, e), 0UL);

	/* The debug chain still has an object: it stays */
	slab_switch_reap(s->cache);
	KUNIT_EXPECT_EQ(test, slab_switch_nr_chains(s->cache), 2U);
	/*
	 * Its last object back, it goes, and the switch with it: the cache
	 * is on its first chain alone, as before the switch.
	 */
	sw = s->cache;
	kmem_cache_free(s, b[7]);
	slab_switch_reap(sw);
	KUNIT_EXPECT_FALSE(test, slab_switch_active(s->cache));
	KUNIT_EXPECT_PTR_EQ(test, s->cache, first);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(s->switched));
	KUNIT_EXPECT_TRUE(test, s->flags & SLAB_NO_MERGE);
	KUNIT_EXPECT_STREQ(test, describe(test, s), "slabifier -> buddy");
	KUNIT_EXPECT_EQ(test, kmem_cache_destroy_backed(s), 0);
}

static void undo_ctor(void *obj)
{
	memset(obj, 0x5a, BK_SIZE);
}

/*
 * A switch undone is no switch: the cache is back on its first chain alone
 * once the debug chain's objects are home, mergeable again, and switches
 * again (the switch kept aside is taken back); asked for what it has, a
 * cache is not switched at all.  A cache created with debugging has no
 * first chain to go back to: "none" is a new chain there.
 */
static void backing_switch_undone(struct kunit *test)
{
	struct slab_cache *first, *sw;
	struct kmem_cache *s, *d;
	unsigned int round;
	void *a, *b;

	if (IS_ENABLED(CONFIG_KASAN))
		kunit_skip(test, "chains do not change at run time with KASAN");
	/*
	 * A constructor keeps it apart from other caches, not its flags;
	 * made without slab_debug= (which gives every cache a debug layer,
	 * and so no first chain to go back to: the second cache below).
	 */
	s = kmem_cache_create("backing-kunit-undo", BK_SIZE, 0,
			      SLAB_NO_USER_FLAGS, undo_ctor);
	KUNIT_ASSERT_NOT_NULL(test, s);
	first = s->cache;
	KUNIT_EXPECT_EQ(test, kmem_cache_set_backing(s, "none"), 0);
	KUNIT_EXPECT_PTR_EQ(test, s->cache, first);
	KUNIT_EXPECT_FALSE(test, s->flags & SLAB_NO_MERGE);

	a = kmem_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	for (round = 0; round < 2; round++) {
		KUNIT_ASSERT_EQ(test, kmem_cache_set_backing(s, "debug(F)"), 0);
		KUNIT_EXPECT_TRUE(test, slab_switch_active(s->cache));
		KUNIT_EXPECT_TRUE(test, s->flags & SLAB_NO_MERGE);
		b = kmem_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, b);
		KUNIT_ASSERT_EQ(test, kmem_cache_set_backing(s, "none"), 0);
		/* The debug chain has an object: the switch stays */
		sw = s->cache;
		slab_switch_reap(sw);
		KUNIT_EXPECT_PTR_EQ(test, s->cache, sw);
		/* The reaper may take it out from here on: @sw stays valid */
		kmem_cache_free(s, b);
		slab_switch_reap(sw);
		KUNIT_EXPECT_PTR_EQ(test, s->cache, first);
		KUNIT_EXPECT_FALSE(test, READ_ONCE(s->switched));
		KUNIT_EXPECT_FALSE(test, s->flags & SLAB_NO_MERGE);
	}
	kmem_cache_free(s, a);
	kmem_cache_destroy(s);

	d = kmem_cache_create("backing-kunit-undo-red", BK_SIZE, 0,
			      SLAB_NO_MERGE | SLAB_RED_ZONE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	first = d->cache;
	KUNIT_ASSERT_EQ(test, kmem_cache_set_backing(d, "none"), 0);
	slab_switch_reap(d->cache);
	KUNIT_EXPECT_TRUE(test, slab_switch_active(d->cache));
	KUNIT_EXPECT_PTR_NE(test, slab_switch_current(d->cache), first);
	kmem_cache_destroy(d);
}

/*
 * Debugging put on a live cache catches a write past the end of an object
 * made by the new chain, keeps the damaged object out of use, and comes
 * off again; destroying the cache leaves nothing behind.
 */
static void backing_switch_catches_overwrite(struct kunit *test)
{
	struct slab_cache *dc;
	struct kmem_cache *s;
	void *before, *obj;

	if (IS_ENABLED(CONFIG_KASAN))
		kunit_skip(test, "chains do not change at run time with KASAN");
	s = kmem_cache_create("backing-kunit-overwrite", BK_SIZE, 0,
			      SLAB_NO_MERGE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	before = kmem_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_EQ(test, kmem_cache_set_backing(s, "debug(FZP)"), 0);
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	dc = slab_switch_chain_of(s->cache, obj);

	/* One byte past the end lands in the red zone */
	WRITE_ONCE(((u8 *)obj)[BK_SIZE], 0x42);
	kmem_cache_free(s, obj);
	KUNIT_EXPECT_EQ(test, slab_debug_errors(dc, SLABDBG_ERR_REDZONE), 1UL);

	/* The cache keeps working, with debugging and after it comes off */
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, obj);
	kmem_cache_free(s, obj);
	KUNIT_ASSERT_EQ(test, kmem_cache_set_backing(s, "none"), 0);
	KUNIT_EXPECT_STREQ(test, describe(test, s), "slabifier -> buddy");
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, obj);
	kmem_cache_free(s, obj);
	kmem_cache_free(s, before);
	KUNIT_EXPECT_EQ(test, slab_debug_errors(dc, SLABDBG_ERR_REDZONE), 1UL);
	KUNIT_EXPECT_EQ(test, kmem_cache_destroy_backed(s), 0);
}

/*
 * After a switch to a chain of a wider stride, the index of an object in
 * its slab (what memcg and allocation profiling use for the slab's object
 * extension vector) stays below the slab's object count, for the objects
 * of both chains.
 */
static void backing_switch_obj_index(struct kunit *test)
{
	struct kmem_cache *s;
	void **a, **b;
	unsigned int i;

	if (IS_ENABLED(CONFIG_KASAN))
		kunit_skip(test, "chains do not change at run time with KASAN");
	a = kunit_kcalloc(test, 2 * SW_OBJS, sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	b = a + SW_OBJS;
	s = kmem_cache_create("backing-kunit-index", 64, 0,
			      SLAB_NO_MERGE | SLAB_NO_USER_FLAGS, NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	alloc_all(test, s, a);
	KUNIT_ASSERT_EQ(test, kmem_cache_set_backing(s, "debug(FZPU)"), 0);
	alloc_all(test, s, b);
	KUNIT_ASSERT_GT(test, slab_switch_chain_of(s->cache, b[0])->size,
			s->size);
	for (i = 0; i < 2 * SW_OBJS; i++) {
		struct slab *slab = virt_to_slab(a[i]);

		KUNIT_EXPECT_LT(test, obj_to_index(s, slab, a[i]),
				(unsigned int)slab->objects);
		if (i && virt_to_slab(a[i - 1]) == slab)
			KUNIT_EXPECT_NE(test, obj_to_index(s, slab, a[i]),
					obj_to_index(s, slab, a[i - 1]));
	}
	for (i = 0; i < 2 * SW_OBJS; i++)
		kmem_cache_free(s, a[i]);
	KUNIT_EXPECT_EQ(test, kmem_cache_destroy_backed(s), 0);
}

/*
 * With debug(P) put on a live cache, every byte of a freed object holds
 * poison: no free pointer in its middle.  Another object of the same slab
 * stays allocated, so that the slab stays.
 */
static void backing_switch_poisons_whole_object(struct kunit *test)
{
	const unsigned int size = 1024;
	void *obj[3], *freed = NULL;
	struct kmem_cache *s;
	unsigned int i;
	u8 *p;

	if (IS_ENABLED(CONFIG_KASAN))
		kunit_skip(test, "chains do not change at run time with KASAN");
	s = kmem_cache_create("backing-kunit-poison", size, 0, SLAB_NO_MERGE,
			      NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, kmem_cache_set_backing(s, "debug(FZPU)"), 0);
	for (i = 0; i < ARRAY_SIZE(obj); i++) {
		obj[i] = kmem_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, obj[i]);
		memset(obj[i], 0x5a, size);
	}
	/* Of three objects two share a slab: free the later one */
	for (i = 1; i < ARRAY_SIZE(obj) && !freed; i++) {
		if (virt_to_slab(obj[i]) == virt_to_slab(obj[i - 1]))
			freed = obj[i];
	}
	KUNIT_ASSERT_NOT_NULL(test, freed);
	kmem_cache_free(s, freed);
	p = freed;
	for (i = 0; i < size - 1; i++)
		if (p[i] != POISON_FREE)
			break;
	KUNIT_EXPECT_EQ_MSG(test, i, size - 1, "byte %u of the freed object is %#x",
			    i, p[i]);
	KUNIT_EXPECT_EQ(test, p[size - 1], (u8)POISON_END);
	for (i = 0; i < ARRAY_SIZE(obj); i++)
		if (obj[i] != freed)
			kmem_cache_free(s, obj[i]);
	KUNIT_EXPECT_EQ(test, kmem_cache_destroy_backed(s), 0);
}

/*
 * After a switch, ksize() offers only bytes the object has in every chain:
 * a cache whose stride has padding past the object keeps that padding in
 * its first chain, but a debug chain red zones it.
 */
static void backing_switch_ksize(struct kunit *test)
{
	struct slab_cache *dc;
	struct kmem_cache *s;
	void *p;

	if (IS_ENABLED(CONFIG_KASAN))
		kunit_skip(test, "chains do not change at run time with KASAN");
	s = kmem_cache_create("backing-kunit-ksize", 100, 0,
			      SLAB_NO_MERGE | SLAB_HWCACHE_ALIGN, NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, kmem_cache_set_backing(s, "debug(FZ)"), 0);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	dc = slab_switch_chain_of(s->cache, p);
	KUNIT_EXPECT_EQ(test, ksize(p), (size_t)100);
	/* All ksize() offers may be written */
	memset(p, 0x11, ksize(p));
	kmem_cache_free(s, p);
	KUNIT_EXPECT_EQ(test, slab_debug_errors(dc, SLABDBG_ERR_REDZONE), 0UL);
	KUNIT_EXPECT_EQ(test, kmem_cache_destroy_backed(s), 0);
}

/* An rcu layer can be added at run time, and is never taken away */
static void backing_switch_adds_rcu(struct kunit *test)
{
	struct kmem_cache *s;
	void *a, *b, *c;

	if (IS_ENABLED(CONFIG_KASAN))
		kunit_skip(test, "chains do not change at run time with KASAN");
	s = kmem_cache_create("backing-kunit-rcu", BK_SIZE, 0, SLAB_NO_MERGE,
			      NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	a = kmem_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_EQ(test, kmem_cache_set_backing(s, "debug(F),rcu"), 0);
	KUNIT_EXPECT_STREQ(test, describe(test, s),
			   "debug(F) -> slabifier -> rcu -> buddy");
	b = kmem_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_EQ(test, kmem_cache_set_backing(s, "none"), 0);
	KUNIT_EXPECT_STREQ(test, describe(test, s), "slabifier -> rcu -> buddy");
	KUNIT_ASSERT_EQ(test, kmem_cache_set_backing(s, "rcu"), 0);
	KUNIT_EXPECT_STREQ(test, describe(test, s), "slabifier -> rcu -> buddy");
	c = kmem_cache_alloc(s, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, a);
	KUNIT_EXPECT_NOT_NULL(test, b);
	KUNIT_EXPECT_NOT_NULL(test, c);
	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	kmem_cache_free(s, c);
	slab_switch_reap(s->cache);
	KUNIT_EXPECT_EQ(test, slab_switch_nr_chains(s->cache), 2U);
	KUNIT_EXPECT_EQ(test, kmem_cache_destroy_backed(s), 0);
}

/* Allocations and frees on other CPUs while the chain changes */

struct sw_worker {
	struct kmem_cache	*s;
	unsigned long		rounds;
	bool			bad;
};

static int sw_worker_fn(void *data)
{
	struct sw_worker *w = data;
	u8 v = (u8)(unsigned long)current->pid;
	void *objs[16];
	unsigned int i;

	while (!kthread_should_stop()) {
		for (i = 0; i < ARRAY_SIZE(objs); i++) {
			objs[i] = kmem_cache_alloc(w->s, GFP_KERNEL);
			if (objs[i])
				memset(objs[i], v, BK_SIZE);
		}
		cond_resched();
		for (i = 0; i < ARRAY_SIZE(objs); i++) {
			if (!objs[i])
				continue;
			if (memchr_inv(objs[i], v, BK_SIZE))
				w->bad = true;
			kmem_cache_free(w->s, objs[i]);
		}
		w->rounds++;
	}
	return 0;
}

static void backing_switch_under_load(struct kunit *test)
{
	static const char * const specs[] = {
		"debug(FZPU)", "none", "debug(P)", "debug(FZ)", "none",
	};
	struct task_struct *t[2];
	struct sw_worker w[2];
	struct slab_cache *c;
	struct kmem_cache *s;
	unsigned int i;
	bool undo;

	if (IS_ENABLED(CONFIG_KASAN))
		kunit_skip(test, "chains do not change at run time with KASAN");
	s = kmem_cache_create("backing-kunit-load", BK_SIZE, 0, SLAB_NO_MERGE,
			      NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	/* With slab_debug= "none" is not the chain the cache was made with */
	undo = !slab_debug_flags(s->cache);
	for (i = 0; i < ARRAY_SIZE(w); i++) {
		w[i] = (struct sw_worker){ .s = s };
		t[i] = kthread_run(sw_worker_fn, &w[i], "backing-kunit/%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t[i]));
	}
	for (i = 0; i < 4 * ARRAY_SIZE(specs); i++) {
		const char *spec = specs[i % ARRAY_SIZE(specs)];

		KUNIT_EXPECT_EQ(test, kmem_cache_set_backing(s, spec), 0);
		msleep(20);
	}
	for (i = 0; i < ARRAY_SIZE(w); i++) {
		KUNIT_EXPECT_EQ(test, kthread_stop(t[i]), 0);
		KUNIT_EXPECT_FALSE(test, w[i].bad);
		KUNIT_EXPECT_GT(test, w[i].rounds, 0UL);
	}
	/*
	 * All objects are back and the last switch asked for the first chain:
	 * the switch is taken out (the reaper may have done it already), but
	 * for a cache made with debugging.
	 */
	c = READ_ONCE(s->cache);
	if (slab_switch_active(c))
		slab_switch_reap(c);
	KUNIT_EXPECT_NE(test, slab_switch_active(s->cache), undo);
	KUNIT_EXPECT_EQ(test, kmem_cache_destroy_backed(s), 0);
}

/*
 * A switch of a cache other caches were merged into keeps the alignment
 * each of them asked for, in a chain of another stride.
 */
static void backing_switch_merged_alignment(struct kunit *test)
{
	struct kmem_cache *a, *b;
	void *p[16];
	unsigned int i;

	if (IS_ENABLED(CONFIG_KASAN))
		kunit_skip(test, "chains do not change at run time with KASAN");
	/* Flags no cache of the kernel has, so that A is a cache of its own */
	a = kmem_cache_create("backing-kunit-merge-a", 1472, 8,
			      SLAB_RECLAIM_ACCOUNT | SLAB_ACCOUNT, NULL);
	b = kmem_cache_create("backing-kunit-merge-b", 1472, 64,
			      SLAB_RECLAIM_ACCOUNT | SLAB_ACCOUNT, NULL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	if (a != b || strcmp(a->name, "backing-kunit-merge-a")) {
		kmem_cache_destroy(b);
		kmem_cache_destroy(a);
		kunit_skip(test, "the two caches were not merged with each other");
	}
	KUNIT_ASSERT_EQ(test, kmem_cache_set_backing(a, "debug(FZ)"), 0);
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = kmem_cache_alloc(b, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED((unsigned long)p[i], 64),
				      "offset %lu", (unsigned long)p[i] % 64);
	}
	for (i = 0; i < ARRAY_SIZE(p); i++)
		kmem_cache_free(b, p[i]);
	KUNIT_EXPECT_EQ(test, kmem_cache_set_backing(a, "none"), 0);
	kmem_cache_destroy(b);
	kmem_cache_destroy(a);
}

static struct kunit_case backing_cases[] = {
	KUNIT_CASE(backing_parse_good),
	KUNIT_CASE(backing_parse_bad),
	KUNIT_CASE(backing_glob),
	KUNIT_CASE(backing_cache_on_composed_chain),
	KUNIT_CASE(backing_refuses_chain_without_slabifier),
	KUNIT_CASE(backing_kmalloc_set),
	KUNIT_CASE(backing_mempool_on_reserve),
	KUNIT_CASE(backing_switch_keeps_reserve_order),
	KUNIT_CASE(backing_switch_debug_live),
	KUNIT_CASE(backing_switch_catches_overwrite),
	KUNIT_CASE(backing_switch_undone),
	KUNIT_CASE(backing_switch_obj_index),
	KUNIT_CASE(backing_switch_poisons_whole_object),
	KUNIT_CASE(backing_switch_ksize),
	KUNIT_CASE(backing_switch_merged_alignment),
	KUNIT_CASE(backing_switch_adds_rcu),
	KUNIT_CASE(backing_switch_under_load),
	{}
};

static struct kunit_suite backing_suite = {
	.name = "modslab_backing",
	.test_cases = backing_cases,
};

kunit_test_suite(backing_suite);

MODULE_DESCRIPTION("KUnit tests of the backing allocators of MODSLAB caches");
MODULE_LICENSE("GPL");
