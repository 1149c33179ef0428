// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the slabifier's idle flusher: a cache in use arms it, an
 * idle cache gets its per-CPU slab flushed and its empty slabs given back,
 * and the flusher stops; with flush_interval=0 nothing is ever armed.
 */

#include <kunit/test.h>
#include <linux/allocator.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/slab.h>

#include "internal.h"

#define FLUSH_OBJ	64
/* Far more than the one second interval the tests set */
#define FLUSH_WAIT_MS	20000

static unsigned int saved_interval;

static struct slab_cache_stats flush_stats(struct slab_cache *c)
{
	struct slab_cache_stats st;

	slab_cache_stats(c, &st);
	return st;
}

/*
 * Wait until the CPU slab of @c, holding one object, is back on the partial
 * list (the flusher disarms itself just before it flushes); false if that
 * never happens.
 */
static bool flush_wait_flushed(struct slab_cache *c)
{
	unsigned long end = jiffies + msecs_to_jiffies(FLUSH_WAIT_MS);

	while (flush_stats(c).partial_slabs != 1) {
		if (time_after(jiffies, end))
			return false;
		msleep(50);
	}
	return true;
}

static int flush_test_init(struct kunit *test)
{
	saved_interval = slabifier_param_flush_interval();
	return slabifier_param_set("flush_interval", "1");
}

static void flush_test_exit(struct kunit *test)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", saved_interval);
	slabifier_param_set("flush_interval", buf);
}

/*
 * One object allocated: the slab is the CPU's, on no list.  Once the cache
 * has been idle for the interval, the flusher puts it on the partial list
 * and stops.
 */
static void flusher_flushes_idle_cache(struct kunit *test)
{
	struct slab_cache *c;
	void *obj;

	c = slab_cache_create(slabifier_allocator(), buddy_page_allocator(),
			      "flusher-idle", FLUSH_OBJ, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_EXPECT_FALSE(test, slabifier_flusher_armed(c));
	obj = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, obj);
	KUNIT_EXPECT_TRUE(test, slabifier_flusher_armed(c));
	KUNIT_EXPECT_EQ(test, flush_stats(c).partial_slabs, 0UL);

	KUNIT_EXPECT_TRUE(test, flush_wait_flushed(c));
	KUNIT_EXPECT_FALSE(test, slabifier_flusher_armed(c));
	KUNIT_EXPECT_EQ(test, flush_stats(c).active_objs, 1UL);

	/* Used again: armed again */
	slab_cache_free(c, slab_cache_alloc(c, GFP_KERNEL));
	KUNIT_EXPECT_TRUE(test, slabifier_flusher_armed(c));
	slab_cache_free(c, obj);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/*
 * Empty slabs kept on the node list for a busy cache go back once the cache
 * is idle; the slab holding a live object stays.
 */
static void flusher_frees_empty_slabs(struct kunit *test)
{
	unsigned long end = jiffies + msecs_to_jiffies(FLUSH_WAIT_MS);
	unsigned int i, n;
	struct slab_cache *c;
	void **p;

	c = slab_cache_create(slabifier_allocator(), buddy_page_allocator(),
			      "flusher-empty", FLUSH_OBJ, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	if (flush_stats(c).min_partial < 3) {
		slab_cache_destroy(c);
		kunit_skip(test, "needs min_partial of 3 or more");
	}
	n = 4 * flush_stats(c).objs_per_slab;
	p = kunit_kcalloc(test, n, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < n; i++) {
		p[i] = slab_cache_alloc(c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	slab_cache_free_bulk(c, n - 1, p + 1);
	/* Kept for reuse while the cache is busy */
	KUNIT_EXPECT_GT(test, flush_stats(c).num_slabs, 1UL);

	while (flush_stats(c).num_slabs > 1 && !time_after(jiffies, end))
		msleep(50);
	KUNIT_EXPECT_EQ(test, flush_stats(c).num_slabs, 1UL);
	KUNIT_EXPECT_EQ(test, flush_stats(c).active_objs, 1UL);
	slab_cache_free(c, p[0]);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

/* A cache destroyed while its flusher is queued takes it along. */
static void flusher_cancelled_on_destroy(struct kunit *test)
{
	struct slab_cache *c;

	void *p;

	c = slab_cache_create(slabifier_allocator(), buddy_page_allocator(),
			      "flusher-destroy", FLUSH_OBJ, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	p = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, slabifier_flusher_armed(c));
	/*
	 * An object still allocated keeps the destroyed cache (its late
	 * free must work), so the flusher can be looked at afterwards:
	 * destroy cancelled it.
	 */
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), -EBUSY);
	KUNIT_EXPECT_FALSE(test, slabifier_flusher_armed(c));
	slab_cache_free(c, p);
}

/* flush_interval=0: per-CPU slabs stay until a shrink; nothing is armed. */
static void flusher_off(struct kunit *test)
{
	struct slab_cache *c;

	KUNIT_ASSERT_EQ(test, slabifier_param_set("flush_interval", "0"), 0);
	c = slab_cache_create(slabifier_allocator(), buddy_page_allocator(),
			      "flusher-off", FLUSH_OBJ, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	slab_cache_free(c, slab_cache_alloc(c, GFP_KERNEL));
	KUNIT_EXPECT_FALSE(test, slabifier_flusher_armed(c));
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);

	KUNIT_EXPECT_EQ(test, slabifier_param_set("flush_interval", "3601"),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, slabifier_param_flush_interval(), 0U);
}

static struct kunit_case flusher_cases[] = {
	KUNIT_CASE(flusher_flushes_idle_cache),
	KUNIT_CASE(flusher_frees_empty_slabs),
	KUNIT_CASE(flusher_cancelled_on_destroy),
	KUNIT_CASE(flusher_off),
	{}
};

static struct kunit_suite flusher_suite = {
	.name = "modslab_flusher",
	.init = flush_test_init,
	.exit = flush_test_exit,
	.test_cases = flusher_cases,
};

kunit_test_suite(flusher_suite);

MODULE_DESCRIPTION("KUnit tests of the slabifier's idle flusher");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
