// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the page allocators: the buddy allocator and the lifetime
 * rules of derived page allocators.
 */
#include <kunit/test.h>
#include <linux/allocator.h>
#include <linux/mm.h>
#include <linux/slab.h>

/* A derived page allocator that counts what passes through it. */
struct counting_pa {
	struct page_allocator	pa;
	atomic_long_t		pages;
	bool			*released;
};

static struct folio *counting_alloc(struct page_allocator *pa, gfp_t gfp,
				    unsigned int order, int node)
{
	struct counting_pa *cp = container_of(pa, struct counting_pa, pa);
	struct folio *folio = page_allocator_alloc(pa->base, gfp, order, node);

	if (folio)
		atomic_long_add(1L << order, &cp->pages);
	return folio;
}

static void counting_free(struct page_allocator *pa, struct folio *folio,
			  unsigned int order)
{
	struct counting_pa *cp = container_of(pa, struct counting_pa, pa);

	atomic_long_sub(1L << order, &cp->pages);
	page_allocator_free(pa->base, folio, order);
}

static int counting_describe(struct page_allocator *pa, char *buf, size_t len)
{
	return scnprintf(buf, len, "counting");
}

static void counting_release(struct page_allocator *pa)
{
	struct counting_pa *cp = container_of(pa, struct counting_pa, pa);

	if (cp->released)
		*cp->released = true;
	kfree(cp);
}

static const struct page_allocator_ops counting_ops = {
	.alloc		= counting_alloc,
	.free		= counting_free,
	.describe	= counting_describe,
	.release	= counting_release,
};

static struct counting_pa *counting_new(struct page_allocator *base,
					bool *released)
{
	struct counting_pa *cp = kzalloc(sizeof(*cp), GFP_KERNEL);

	if (!cp)
		return NULL;
	page_allocator_init(&cp->pa, &counting_ops, "counting", base);
	cp->released = released;
	return cp;
}

static void page_buddy_orders(struct kunit *test)
{
	struct page_allocator *pa = buddy_page_allocator();
	struct folio *folio;
	unsigned int order;

	KUNIT_ASSERT_NOT_NULL(test, pa);
	KUNIT_EXPECT_STREQ(test, pa->name, "buddy");
	KUNIT_EXPECT_NULL(test, pa->base);
	for (order = 0; order <= 3; order++) {
		folio = page_allocator_alloc(pa, GFP_KERNEL, order,
					     NUMA_NO_NODE);
		KUNIT_ASSERT_NOT_NULL(test, folio);
		KUNIT_EXPECT_EQ(test, folio_order(folio), order);
		/* Blocks are naturally aligned */
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)folio_address(folio),
						   PAGE_SIZE << order));
		memset(folio_address(folio), 0x5a, PAGE_SIZE << order);
		page_allocator_free(pa, folio, order);
	}
}

static void page_buddy_node(struct kunit *test)
{
	struct page_allocator *pa = buddy_page_allocator();
	int nid = numa_mem_id();
	struct folio *folio;

	folio = page_allocator_alloc(pa, GFP_KERNEL | __GFP_THISNODE, 1, nid);
	KUNIT_ASSERT_NOT_NULL(test, folio);
	KUNIT_EXPECT_EQ(test, folio_nid(folio), nid);
	page_allocator_free(pa, folio, 1);
}

static void page_buddy_atomic(struct kunit *test)
{
	struct page_allocator *pa = buddy_page_allocator();
	struct folio *folio;
	unsigned long flags;

	local_irq_save(flags);
	folio = page_allocator_alloc(pa, GFP_ATOMIC, 0, NUMA_NO_NODE);
	if (folio)
		page_allocator_free(pa, folio, 0);
	local_irq_restore(flags);
	KUNIT_EXPECT_NOT_NULL(test, folio);
}

static void page_derived_counts_and_inherits(struct kunit *test)
{
	struct counting_pa *cp;
	struct folio *folio;
	bool released = false;
	char buf[64];

	cp = counting_new(buddy_page_allocator(), &released);
	KUNIT_ASSERT_NOT_NULL(test, cp);
	KUNIT_EXPECT_PTR_EQ(test, cp->pa.base, buddy_page_allocator());
	KUNIT_EXPECT_EQ(test, cp->pa.node, NUMA_NO_NODE);
	KUNIT_EXPECT_EQ(test, cp->pa.traits, 0U);

	folio = page_allocator_alloc(&cp->pa, GFP_KERNEL, 2, NUMA_NO_NODE);
	KUNIT_ASSERT_NOT_NULL(test, folio);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&cp->pages), 4);
	page_allocator_free(&cp->pa, folio, 2);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&cp->pages), 0);

	page_allocator_describe(&cp->pa, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "counting -> buddy");

	page_allocator_put(&cp->pa);
	KUNIT_EXPECT_TRUE(test, released);
}

static void page_chain_released_whole(struct kunit *test)
{
	bool rel_low = false, rel_top = false;
	struct counting_pa *low, *top;
	char buf[64];

	low = counting_new(buddy_page_allocator(), &rel_low);
	KUNIT_ASSERT_NOT_NULL(test, low);
	top = counting_new(&low->pa, &rel_top);
	KUNIT_ASSERT_NOT_NULL(test, top);

	page_allocator_describe(&top->pa, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "counting -> counting -> buddy");

	/* The user drops the lower layer: the top still holds it */
	page_allocator_put(&low->pa);
	KUNIT_EXPECT_FALSE(test, rel_low);

	/* Dropping the top releases the chain */
	page_allocator_put(&top->pa);
	KUNIT_EXPECT_TRUE(test, rel_top);
	KUNIT_EXPECT_TRUE(test, rel_low);
}

static void page_describe_truncates(struct kunit *test)
{
	char buf[4];
	int n;

	n = page_allocator_describe(buddy_page_allocator(), buf, sizeof(buf));
	KUNIT_EXPECT_EQ(test, n, 3);
	KUNIT_EXPECT_STREQ(test, buf, "bud");
}

static struct kunit_case page_cases[] = {
	KUNIT_CASE(page_buddy_orders),
	KUNIT_CASE(page_buddy_node),
	KUNIT_CASE(page_buddy_atomic),
	KUNIT_CASE(page_derived_counts_and_inherits),
	KUNIT_CASE(page_chain_released_whole),
	KUNIT_CASE(page_describe_truncates),
	{}
};

static struct kunit_suite page_suite = {
	.name = "modslab_page",
	.test_cases = page_cases,
};

kunit_test_suite(page_suite);

MODULE_DESCRIPTION("KUnit tests of the modslab page allocators");
MODULE_LICENSE("GPL");
