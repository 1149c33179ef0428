// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of MODSLAB: the kmem_cache API and kmalloc as the rest of
 * the kernel uses them, served by framework chains.
 */

#include <kunit/test.h>
#include <linux/allocator.h>
#include <linux/alloc_tag.h>
#include <linux/allocator_derive.h>
#include <linux/cpu.h>
#include <linux/kfence.h>
#include <linux/kmsg_dump.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/slab.h>
#include <linux/slab_backing.h>
#include <linux/stacktrace.h>

#include "../slab.h"
#include "internal.h"
#include "slabulator.h"

static int ctor_calls;

static void count_ctor(void *obj)
{
	ctor_calls++;
	memset(obj, 0x5a, 64);
}

static char *chain_of(struct kunit *test, struct kmem_cache *s)
{
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	slabulator_describe(s, buf, PAGE_SIZE);
	return buf;
}

/* Every kmalloc size is served by a slab cache that holds it. */
static void kmalloc_sizes(struct kunit *test)
{
	size_t size;

	for (size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size += size / 4 + 1) {
		void *p = kmalloc(size, GFP_KERNEL);
		struct slab *slab;

		KUNIT_ASSERT_NOT_NULL(test, p);
		slab = virt_to_slab(p);
		KUNIT_ASSERT_NOT_NULL(test, slab);
		KUNIT_EXPECT_GE(test, slab->slab_cache->object_size, size);
		KUNIT_EXPECT_GE(test, ksize(p), size);
		/* kmalloc alignment: at least the largest power of 2 dividing the size */
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)p,
						   ARCH_KMALLOC_MINALIGN));
		memset(p, 0xaa, size);
		kfree(p);
	}
}

/*
 * The kmalloc cache of @size: "kmalloc-<size>", or with random kmalloc
 * caches one of its copies, "kmalloc-rnd-<nn>-<size>".
 */
static bool kmalloc_cache_of_size(struct kmem_cache *s, unsigned int size)
{
	const char *rnd = "kmalloc-rnd-00";
	char want[32];

	if (s->object_size != size)
		return false;
	snprintf(want, sizeof(want), "kmalloc-%u", size);
	if (!strcmp(s->name, want))
		return true;
	snprintf(want, sizeof(want), "-%u", size);
	return IS_ENABLED(CONFIG_RANDOM_KMALLOC_CACHES) &&
	       strstarts(s->name, "kmalloc-rnd-") &&
	       strlen(s->name) > strlen(rnd) &&
	       !strcmp(s->name + strlen(rnd), want);
}

/* The 96 and 192 byte caches exist and serve the sizes between. */
static void kmalloc_non_power_of_two(struct kunit *test)
{
	void *a = kmalloc(72, GFP_KERNEL), *b = kmalloc(150, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_TRUE(test,
			  kmalloc_cache_of_size(virt_to_slab(a)->slab_cache, 96));
	KUNIT_EXPECT_TRUE(test,
			  kmalloc_cache_of_size(virt_to_slab(b)->slab_cache, 192));
	KUNIT_EXPECT_EQ(test, ksize(a), (size_t)96);
	KUNIT_EXPECT_EQ(test, ksize(b), (size_t)192);
	kfree(a);
	kfree(b);
}

/*
 * Every copy of a kmalloc size (one without CONFIG_RANDOM_KMALLOC_CACHES)
 * exists, has its own name and serves objects from its own slabs.
 */
static void kmalloc_random_copies(struct kunit *test)
{
	unsigned int idx = kmalloc_index(64), i;
	struct kmem_cache *s;
	void *p;

	for (i = KMALLOC_RANDOM_START; i <= KMALLOC_RANDOM_END; i++) {
		s = kmalloc_caches[i][idx];
		KUNIT_ASSERT_NOT_NULL(test, s);
		KUNIT_EXPECT_TRUE(test, kmalloc_cache_of_size(s, 64));
		if (i > KMALLOC_RANDOM_START)
			KUNIT_EXPECT_STRNEQ(test, s->name,
					    kmalloc_caches[i - 1][idx]->name);
		p = kmem_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_PTR_EQ(test, virt_to_slab(p)->slab_cache, s);
		kmem_cache_free(s, p);
	}
	/* Without the copies every caller gets the one normal cache */
	p = kmalloc(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	if (!IS_ENABLED(CONFIG_RANDOM_KMALLOC_CACHES))
		KUNIT_EXPECT_PTR_EQ(test, virt_to_slab(p)->slab_cache,
				    kmalloc_caches[KMALLOC_NORMAL][idx]);
	kfree(p);
}

/*
 * The metadata of the first caches, made while the kmalloc caches were
 * being made, lives in slabs or in the shared bootstrap blocks: not in
 * whole pages of its own per allocation.
 */
static void expect_packed(struct kunit *test, struct kmem_cache *s)
{
	struct folio *folio = virt_to_folio(s->cache);

	KUNIT_EXPECT_TRUE_MSG(test, folio_test_slab(folio) ||
			      kmalloc_boot_owns(s->cache),
			      "%s: metadata in pages of its own", s->name);
	KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)s->cache,
					   ARCH_KMALLOC_MINALIGN));
	/* Carved or not, ksize() offers it no neighbour's bytes */
	KUNIT_EXPECT_GE(test, ksize(s->cache), sizeof(struct slab_cache));
	KUNIT_EXPECT_LE(test, ksize(s->cache),
			(size_t)KMALLOC_MAX_CACHE_SIZE / 2);
	/* and aligned as kmalloc() aligns: a power of two to its size */
	if (is_power_of_2(ksize(s->cache)))
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)s->cache,
						   ksize(s->cache)));
}

static void kmalloc_caches_metadata_packed(struct kunit *test)
{
	unsigned int type, i;

	/* The cache of caches, made first of all */
	expect_packed(test, kmem_cache);
	for (type = KMALLOC_NORMAL; type < NR_KMALLOC_TYPES; type++) {
		for (i = 0; i <= KMALLOC_SHIFT_HIGH; i++) {
			if (kmalloc_caches[type][i])
				expect_packed(test, kmalloc_caches[type][i]);
		}
	}
}

static void kmalloc_zero_and_null(struct kunit *test)
{
	size_t zero = 0;
	void *p = kmalloc(zero, GFP_KERNEL);

	KUNIT_EXPECT_PTR_EQ(test, p, ZERO_SIZE_PTR);
	kfree(p);
	kfree(NULL);
	KUNIT_EXPECT_EQ(test, ksize(ZERO_SIZE_PTR), (size_t)0);
}

/* Beyond the largest cache, kmalloc hands out compound pages. */
static void kmalloc_large_pass_through(struct kunit *test)
{
	size_t size = KMALLOC_MAX_CACHE_SIZE + 1;
	void *p = kmalloc(size, GFP_KERNEL);
	struct folio *folio;

	KUNIT_ASSERT_NOT_NULL(test, p);
	folio = virt_to_folio(p);
	KUNIT_EXPECT_FALSE(test, folio_test_slab(folio));
	KUNIT_EXPECT_PTR_EQ(test, p, folio_address(folio));
	KUNIT_EXPECT_EQ(test, folio_size(folio), PAGE_SIZE << get_order(size));
	KUNIT_EXPECT_EQ(test, ksize(p), folio_size(folio));
	kfree(p);

	/* The largest cache's size itself is still a slab object */
	size = KMALLOC_MAX_CACHE_SIZE;
	OPTIMIZER_HIDE_VAR(size);
	p = kmalloc(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_TRUE(test, folio_test_slab(virt_to_folio(p)));
	kfree(p);
}

/* Lines of the kernel log (what is left of it) that hold @text */
static unsigned int log_lines_with(struct kunit *test, const char *text)
{
	char *line = kunit_kmalloc(test, 1024, GFP_KERNEL);
	struct kmsg_dump_iter iter;
	unsigned int n = 0;
	size_t len;

	KUNIT_ASSERT_NOT_NULL(test, line);
	kmsg_dump_rewind(&iter);
	while (kmsg_dump_get_line(&iter, false, line, 1023, &len)) {
		line[len] = '\0';
		n += !!strstr(line, text);
	}
	kunit_kfree(test, line);
	return n;
}

/*
 * Flags no slab allocation may ask for are taken off a kmalloc() served
 * with whole pages too, with one message (kmalloc_fix_flags(), as under
 * SLUB).
 */
static void kmalloc_large_fixes_flags(struct kunit *test)
{
	const char *fixed = "Fixing up to gfp";
	size_t size = KMALLOC_MAX_CACHE_SIZE + 1;
	unsigned int before = log_lines_with(test, fixed);
	void *p;

	OPTIMIZER_HIDE_VAR(size);
	p = kmalloc(size, GFP_KERNEL | __GFP_DMA32);
	KUNIT_ASSERT_NOT_NULL(test, p);
	kfree(p);
	KUNIT_EXPECT_EQ(test, log_lines_with(test, fixed), before + 1);
}

/*
 * A block of pages kmalloc() hands out comes from the node asked for, or
 * from any node for NUMA_NO_NODE, and counts as unreclaimable slab memory
 * of its node until kfree().  Other allocations move the counter too: a
 * measurement that saw one is taken again.
 */
static void kmalloc_large_counted(struct kunit *test)
{
	size_t size = KMALLOC_MAX_CACHE_SIZE + 1;
	long pages = 1L << get_order(size), before = 0, held = 0, after = 0;
	int nid, tries;
	void *p;

	for_each_node_state(nid, N_MEMORY) {
		for (tries = 0; tries < 8; tries++) {
			before = slab_unreclaimable_pages(nid);
			p = kmalloc_node(size, GFP_KERNEL | __GFP_THISNODE, nid);
			KUNIT_ASSERT_NOT_NULL(test, p);
			KUNIT_EXPECT_EQ(test, folio_nid(virt_to_folio(p)), nid);
			held = slab_unreclaimable_pages(nid);
			kfree(p);
			after = slab_unreclaimable_pages(nid);
			if (held - before == pages && held - after == pages)
				break;
		}
		KUNIT_EXPECT_EQ_MSG(test, held - before, pages, "node %d", nid);
		KUNIT_EXPECT_EQ_MSG(test, held - after, pages, "node %d", nid);
	}
	p = kmalloc(size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_FALSE(test, folio_test_slab(virt_to_folio(p)));
	kfree(p);
}

/*
 * What was carved at boot is aligned as kmalloc() aligns an object of its
 * size (one whose size is a power of two, to that size), lies in the
 * bootstrap blocks from its first byte to its last, and overlaps nothing
 * else carved.
 */
static void kmalloc_boot_carved_layout(struct kunit *test)
{
	size_t size, other;
	unsigned int i, j;
	void *p, *q;

	if (!kmalloc_boot_object(0, &size))
		kunit_skip(test, "nothing was carved at boot");
	for (i = 0; (p = kmalloc_boot_object(i, &size)); i++) {
		KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED(size, ARCH_KMALLOC_MINALIGN),
				      "object %u: %zu bytes", i, size);
		KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED((unsigned long)p,
						       ARCH_KMALLOC_MINALIGN),
				      "object %u: %lu bytes past the alignment",
				      i, (unsigned long)p % ARCH_KMALLOC_MINALIGN);
		if (is_power_of_2(size))
			KUNIT_EXPECT_TRUE_MSG(test,
					      IS_ALIGNED((unsigned long)p, size),
					      "object %u: %zu bytes, %lu past the alignment",
					      i, size, (unsigned long)p % size);
		KUNIT_EXPECT_TRUE(test, kmalloc_boot_owns(p));
		KUNIT_EXPECT_TRUE(test, kmalloc_boot_owns(p + size - 1));
		for (j = 0; j < i; j++) {
			q = kmalloc_boot_object(j, &other);
			KUNIT_EXPECT_TRUE_MSG(test, p >= q + other || p + size <= q,
					      "objects %u and %u overlap", j, i);
		}
	}
}

/* A kmalloc cache whose metadata was carved at boot, or NULL. */
static struct kmem_cache *kmalloc_cache_carved(void)
{
	unsigned int type, i;

	for (type = KMALLOC_NORMAL; type < NR_KMALLOC_TYPES; type++) {
		for (i = 0; i <= KMALLOC_SHIFT_HIGH; i++) {
			struct kmem_cache *s = kmalloc_caches[type][i];

			if (s && kmalloc_boot_owns(s->cache))
				return s;
		}
	}
	return NULL;
}

/*
 * The kmalloc caches' data for each node, carved at boot from a block of
 * that node: the block of each node is found again for the next request
 * asking for the node, and for none asking for another.
 */
static void kmalloc_boot_carved_on_node(struct kunit *test)
{
	unsigned int type, i, carved = 0;
	int nid;

	if (num_node_state(N_MEMORY) < 2)
		kunit_skip(test, "needs two nodes with memory");
	for (type = KMALLOC_NORMAL; type < NR_KMALLOC_TYPES; type++) {
		for (i = 0; i <= KMALLOC_SHIFT_HIGH; i++) {
			struct kmem_cache *s = kmalloc_caches[type][i];

			if (!s)
				continue;
			for_each_node_state(nid, N_MEMORY) {
				void *n = slabifier_node_data(s->cache, nid);

				if (!n || !kmalloc_boot_owns(n))
					continue;
				carved++;
				KUNIT_EXPECT_EQ_MSG(test, page_to_nid(virt_to_page(n)),
						    nid, "%s", s->name);
			}
		}
	}
	if (!carved)
		kunit_skip(test, "no node data was carved at boot");
}

/*
 * kfree() leaves what kmalloc_boot_owns() claims in place: it claims the
 * bootstrap blocks, from their first byte to their last, and nothing else.
 */
static void kmalloc_boot_owns_blocks(struct kunit *test)
{
	struct kmem_cache *s = kmalloc_cache_carved();
	struct folio *folio, *next;
	void *base, *end, *p;

	KUNIT_EXPECT_FALSE(test, kmalloc_boot_owns(NULL));
	p = kmalloc(KMALLOC_MAX_CACHE_SIZE + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_FALSE(test, kmalloc_boot_owns(p));
	kfree(p);
	if (!s)
		kunit_skip(test, "no metadata was carved at boot");
	folio = virt_to_folio(s->cache);
	KUNIT_EXPECT_FALSE(test, folio_test_slab(folio));
	base = folio_address(folio);
	end = base + folio_size(folio);
	KUNIT_EXPECT_TRUE(test, kmalloc_boot_owns(base));
	KUNIT_EXPECT_TRUE(test, kmalloc_boot_owns(end - 1));
	/* The byte after the block, unless the next block starts there */
	if (!virt_addr_valid(end))
		return;
	next = virt_to_folio(end);
	if (folio_test_slab(next) || folio_address(next) != end ||
	    folio_size(next) != folio_size(folio))
		KUNIT_EXPECT_FALSE(test, kmalloc_boot_owns(end));
}

static void krealloc_keeps_contents(struct kunit *test)
{
	char *p = kmalloc(40, GFP_KERNEL), *q, *r;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < 40; i++)
		p[i] = i;
	q = krealloc(p, 3000, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	for (i = 0; i < 40; i++)
		KUNIT_EXPECT_EQ(test, q[i], (char)i);
	r = krealloc(q, 20000, GFP_KERNEL);
	if (!r)
		kfree(q);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r[39], (char)39);
	kfree(r);
}

/* A plain cache is the slabifier over the buddy allocator, no deriver. */
static void cache_plain_chain(struct kunit *test)
{
	struct kmem_cache *s = kmem_cache_create("modslab_test_plain", 200, 0,
						 SLAB_NO_MERGE | SLAB_NO_USER_FLAGS,
						 NULL);
	void *p;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_STREQ(test, chain_of(test, s), "slabifier -> buddy");
	KUNIT_EXPECT_TRUE(test, s->cache->flags & SLAB_CACHE_DIRECT);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_PTR_EQ(test, virt_to_slab(p)->slab_cache, s);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

/* A constructor runs once per object when its slab is made. */
static void cache_ctor(struct kunit *test)
{
	struct kmem_cache *s;
	void *p, *q;

	ctor_calls = 0;
	s = kmem_cache_create("modslab_test_ctor", 64, 0, SLAB_NO_MERGE,
			      count_ctor);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_NOT_NULL(test, strstr(chain_of(test, s), "ctor"));
	p = kmem_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, ((unsigned char *)p)[63], 0x5a);
	KUNIT_EXPECT_GT(test, ctor_calls, 1);
	/* A freed object comes back constructed, with no new ctor call. */
	kmem_cache_free(s, p);
	ctor_calls = 0;
	q = kmem_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_EQ(test, ctor_calls, 0);
	KUNIT_EXPECT_EQ(test, ((unsigned char *)q)[0], 0x5a);
	kmem_cache_free(s, q);
	kmem_cache_destroy(s);
}

/* A constructor and debug flags: the constructor goes on top. */
static void cache_ctor_and_debug(struct kunit *test)
{
	struct kmem_cache *s;
	unsigned char *p;

	ctor_calls = 0;
	s = kmem_cache_create("modslab_test_ctor_debug", 64, 0,
			      SLAB_RED_ZONE | SLAB_CONSISTENCY_CHECKS |
			      SLAB_NO_USER_FLAGS, count_ctor);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_STREQ(test, chain_of(test, s),
			   "ctor -> debug(FZ) -> slabifier -> buddy");
	p = kmem_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, p[0], 0x5a);
	KUNIT_EXPECT_GT(test, ctor_calls, 0);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

/* SLAB_TYPESAFE_BY_RCU caches get the rcu page deriver. */
static void cache_typesafe_by_rcu(struct kunit *test)
{
	unsigned int saved = slabifier_param_min_partial(), i, n;
	struct slab_cache_stats st;
	struct kmem_cache *s;
	unsigned long slabs;
	struct slab *slab;
	char buf[16];
	void **p;

	/* KASAN keeps freed objects in its quarantine: no slab empties */
	if (IS_ENABLED(CONFIG_KASAN_GENERIC))
		kunit_skip(test, "KASAN's quarantine holds the freed objects");
	/* One partial slab kept per node: an emptied slab goes back at once */
	KUNIT_ASSERT_EQ(test, slabifier_param_set("min_partial", "0"), 0);
	s = kmem_cache_create("modslab_test_rcu", 100, 0,
			      SLAB_TYPESAFE_BY_RCU | SLAB_NO_USER_FLAGS, NULL);
	snprintf(buf, sizeof(buf), "%u", saved);
	slabifier_param_set("min_partial", buf);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_STREQ(test, chain_of(test, s), "slabifier -> rcu -> buddy");
	slab_cache_stats(s->cache, &st);
	n = 2 * st.objs_per_slab;
	p = kunit_kcalloc(test, n, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	migrate_disable();
	for (i = 0; i < n && (i == 0 || p[i - 1]); i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	migrate_enable();
	KUNIT_ASSERT_NOT_NULL(test, p[n - 1]);
	/* p[0]'s slab is not the CPU's: leave p[0] its only object */
	slab = virt_to_slab(p[0]);
	KUNIT_ASSERT_PTR_NE(test, slab, virt_to_slab(p[n - 1]));
	for (i = 1; i < n; i++) {
		if (virt_to_slab(p[i]) == slab) {
			kmem_cache_free(s, p[i]);
			p[i] = NULL;
		}
	}
	slab_cache_stats(s->cache, &st);
	slabs = st.num_slabs;
	/*
	 * Freeing p[0] gives its slab back at once, inside the read-side
	 * section: a reader may still look the object up, and finds a slab
	 * object of the cache, as under SLUB.
	 */
	rcu_read_lock();
	kmem_cache_free(s, p[0]);
	slab = virt_to_slab(p[0]);
	KUNIT_EXPECT_NOT_NULL(test, slab);
	if (slab)
		KUNIT_EXPECT_PTR_EQ(test, slab->slab_cache, s);
	rcu_read_unlock();
	/* It did go back, once the grace period was over */
	rcu_barrier();
	slab_cache_stats(s->cache, &st);
	KUNIT_EXPECT_EQ(test, st.num_slabs, slabs - 1);
	for (i = 1; i < n; i++)
		if (p[i])
			kmem_cache_free(s, p[i]);
	kmem_cache_destroy(s);
}

/* Can the debug layer record stacks here?  (UML: only with frame pointers) */
static bool stacks_recorded(void)
{
#ifdef CONFIG_MODSLAB_DEBUG_STACKS
	unsigned long entries[4];

	return stack_trace_save(entries, ARRAY_SIZE(entries), 0) > 0;
#else
	return false;
#endif
}

/*
 * mem_dump_obj() shows where an object of a cache that stores its users
 * was last allocated and freed, as under SLUB.
 */
static void cache_obj_info_stacks(struct kunit *test)
{
	struct kmem_cache *s;
	struct kmem_obj_info kp = {};
	void *p, *keep;

	if (!IS_ENABLED(CONFIG_PRINTK))
		kunit_skip(test, "no mem_dump_obj() without printk");
	s = kmem_cache_create("modslab_test_user", 64, 0,
			      SLAB_STORE_USER | SLAB_NO_MERGE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	keep = kmem_cache_alloc(s, GFP_KERNEL);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, keep);
	KUNIT_ASSERT_NOT_NULL(test, p);
	kmem_cache_free(s, p);
	/* @keep holds the slab, so the metadata of @p is still there */
	__kmem_obj_info(&kp, p + 8, virt_to_slab(p));
	KUNIT_EXPECT_PTR_EQ(test, kp.kp_objp, p);
	KUNIT_EXPECT_EQ(test, kp.kp_data_offset, 8UL);
	KUNIT_EXPECT_NOT_NULL(test, kp.kp_ret);
	if (stacks_recorded()) {
		KUNIT_EXPECT_NOT_NULL(test, kp.kp_stack[0]);
		KUNIT_EXPECT_NOT_NULL(test, kp.kp_free_stack[0]);
	}
	kmem_cache_free(s, keep);
	kmem_cache_destroy(s);
}

/* Debug flags passed at creation put the debug deriver on top. */
static void cache_debug_flags(struct kunit *test)
{
	struct kmem_cache *s = kmem_cache_create("modslab_test_debug", 48, 0,
						 SLAB_RED_ZONE | SLAB_POISON |
						 SLAB_NO_USER_FLAGS, NULL);
	char *p;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_STREQ(test, chain_of(test, s),
			   "debug(ZP) -> slabifier -> buddy");
	p = kmem_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	/* ksize() must not offer the red zone. */
	KUNIT_EXPECT_EQ(test, ksize(p), (size_t)48);
	kmem_cache_free(s, p);
	kmem_cache_destroy(s);
}

static void cache_bulk(struct kunit *test)
{
	struct kmem_cache *s = kmem_cache_create("modslab_test_bulk", 128, 0,
						 SLAB_NO_MERGE, NULL);
	void *p[64];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, kmem_cache_alloc_bulk(s, GFP_KERNEL, 64, p), 64);
	for (i = 0; i < 64; i++) {
		KUNIT_EXPECT_PTR_EQ(test, virt_to_slab(p[i])->slab_cache, s);
		memset(p[i], 0xab, 128);
	}
	kmem_cache_free_bulk(s, 64, p);
	/* The hooks run for every object: __GFP_ZERO zeroes each one */
	KUNIT_ASSERT_EQ(test, kmem_cache_alloc_bulk(s, GFP_KERNEL | __GFP_ZERO,
						    64, p), 64);
	for (i = 0; i < 64; i++)
		KUNIT_EXPECT_FALSE(test, memchr_inv(p[i], 0, 128));
	kmem_cache_free_bulk(s, 64, p);
	kmem_cache_destroy(s);
}

/* kfree_bulk() mixes caches and large allocations. */
static void kfree_bulk_mixed(struct kunit *test)
{
	struct kmem_cache *a = kmem_cache_create("modslab_test_bulk_a", 64, 0,
						 SLAB_NO_MERGE, NULL);
	struct kmem_cache *b = kmem_cache_create("modslab_test_bulk_b", 192, 0,
						 SLAB_NO_MERGE, NULL);
	struct slab_cache_stats st;
	struct folio *large;
	void *p[9];
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	/* Runs of one cache, single objects, NULL and a large kmalloc */
	p[0] = kmem_cache_alloc(a, GFP_KERNEL);
	p[1] = kmem_cache_alloc(a, GFP_KERNEL);
	p[2] = kmem_cache_alloc(a, GFP_KERNEL);
	p[3] = kmem_cache_alloc(b, GFP_KERNEL);
	p[4] = NULL;
	p[5] = kmalloc(KMALLOC_MAX_CACHE_SIZE * 2, GFP_KERNEL);
	p[6] = kmem_cache_alloc(a, GFP_KERNEL);
	p[7] = kmem_cache_alloc(b, GFP_KERNEL);
	p[8] = kmem_cache_alloc(b, GFP_KERNEL);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		KUNIT_ASSERT_TRUE(test, i == 4 || p[i]);
	large = virt_to_folio(p[5]);
	folio_get(large);
	kmem_cache_shrink(a);
	slab_cache_stats(a->cache, &st);
	KUNIT_EXPECT_GT(test, st.num_slabs, 0UL);

	kfree_bulk(ARRAY_SIZE(p), p);
	/* Every object went back to its own cache, and the large block too */
	kmem_cache_shrink(a);
	kmem_cache_shrink(b);
	slab_cache_stats(a->cache, &st);
	KUNIT_EXPECT_EQ(test, st.num_slabs, 0UL);
	slab_cache_stats(b->cache, &st);
	KUNIT_EXPECT_EQ(test, st.num_slabs, 0UL);
	KUNIT_EXPECT_EQ(test, folio_ref_count(large), 1);
	folio_put(large);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
}

/* kmem_cache_free() naming the wrong cache frees to the right one. */
static void cache_free_wrong_cache(struct kunit *test)
{
	struct kmem_cache *a = kmem_cache_create("modslab_test_a", 64, 0,
						 SLAB_NO_MERGE, NULL);
	struct kmem_cache *b = kmem_cache_create("modslab_test_b", 64, 0,
						 SLAB_NO_MERGE, NULL);
	struct slab_cache_stats st;
	void *p;

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	p = kmem_cache_alloc(a, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	kmem_cache_free(b, p);
	/* p went back to a: a can give all its slabs back, b has none. */
	kmem_cache_shrink(a);
	slab_cache_stats(a->cache, &st);
	KUNIT_EXPECT_EQ(test, st.num_slabs, 0UL);
	slab_cache_stats(b->cache, &st);
	KUNIT_EXPECT_EQ(test, st.num_slabs, 0UL);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
}

/* @nr objects of @s at once: each a distinct object of @s, none of @held */
static void expect_sound(struct kunit *test, struct kmem_cache *s,
			 unsigned int nr, void *held)
{
	void **p = kunit_kcalloc(test, nr, sizeof(void *), GFP_KERNEL);
	unsigned int i, j;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < nr; i++) {
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
		KUNIT_ASSERT_TRUE(test, slab_cache_valid(s->cache, p[i]));
		KUNIT_EXPECT_PTR_NE(test, p[i], held);
		for (j = 0; j < i; j++)
			KUNIT_ASSERT_PTR_NE(test, p[i], p[j]);
	}
	kmem_cache_free_bulk(s, nr, p);
}

/* An object of @s that KFENCE does not serve: its frees are KFENCE's */
static void *alloc_not_kfence(struct kunit *test, struct kmem_cache *s)
{
	void *p, *kf = NULL;

	while ((p = kmem_cache_alloc(s, GFP_KERNEL)) && is_kfence_address(p)) {
		kmem_cache_free(s, kf);
		kf = p;
	}
	kmem_cache_free(s, kf);
	KUNIT_ASSERT_NOT_NULL(test, p);
	return p;
}

/*
 * A 64-byte object of @s, filled and freed, reads as zero afterwards but
 * for its free pointer.  (A look at freed memory, which only a test may
 * take; KASAN would report it.)
 */
static void expect_wiped_on_free(struct kunit *test, struct kmem_cache *s)
{
	unsigned int i, dirty = 0;
	unsigned char *a;

	a = alloc_not_kfence(test, s);
	memset(a, 0xab, 64);
	kmem_cache_free(s, a);
	for (i = 0; i < 64; i++)
		dirty += a[i] != 0;
	KUNIT_EXPECT_LE(test, dirty, (unsigned int)sizeof(void *));
}

/*
 * A refused free writes nothing to memory, though init_on_free zeroes
 * what is freed: a double free of the object at the head of the CPU's
 * free list (one by one, in bulk, and by kfree()) leaves the list as it
 * was, and a free of a pointer inside a live object leaves the object's
 * contents.  Each is reported once, and the cache keeps working.
 */
static void cache_refused_free_touches_nothing(struct kunit *test)
{
	struct kmem_cache *s = kmem_cache_create("modslab_test_refused", 64, 0,
						 SLAB_NO_MERGE, NULL);
	struct slab_cache_stats st;
	unsigned int objs;
	void *a, *b;

	KUNIT_ASSERT_NOT_NULL(test, s);
	if (!slab_want_init_on_free(s) || (s->flags & SLAB_KASAN)) {
		kmem_cache_destroy(s);
		kunit_skip(test, "init_on_free is off, or KASAN reports these frees");
	}
	slab_cache_stats(s->cache, &st);
	objs = st.objs_per_slab;
	migrate_disable();
	a = alloc_not_kfence(test, s);
	b = alloc_not_kfence(test, s);
	memset(b, 0xab, 64);
	kmem_cache_free(s, a);
	kmem_cache_free(s, a);
	kmem_cache_free_bulk(s, 1, &a);
	kmem_cache_free(s, b + 32);
	/* kfree() takes the same path */
	a = alloc_not_kfence(test, s);
	kfree(a);
	kfree(a);
	migrate_enable();
	KUNIT_EXPECT_FALSE(test, memchr_inv(b, 0xab, 64));
	slab_cache_stats(s->cache, &st);
	KUNIT_EXPECT_EQ(test, st.double_frees, 3UL);
	KUNIT_EXPECT_EQ(test, st.invalid_frees, 1UL);
	expect_sound(test, s, 3 * objs, b);
	kmem_cache_free(s, b);
	kmem_cache_destroy(s);
}

/*
 * With init_on_free a freed object is wiped at once, but for its free
 * pointer: what it held is not left lying in free memory.
 */
static void cache_init_on_free_wipes(struct kunit *test)
{
	struct kmem_cache *s = kmem_cache_create("modslab_test_wipe", 64, 0,
						 SLAB_NO_MERGE, NULL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	if (!slab_want_init_on_free(s) || (s->flags & SLAB_KASAN)) {
		kmem_cache_destroy(s);
		kunit_skip(test, "init_on_free is off, or KASAN watches freed memory");
	}
	expect_wiped_on_free(test, s);
	kmem_cache_destroy(s);
}

/*
 * A cache made to poison and switched to a chain that does not, at run
 * time: init_on_free wipes its objects again, as nothing else does.
 */
static void cache_init_on_free_after_switch(struct kunit *test)
{
	struct kmem_cache *s = kmem_cache_create("modslab_test_wipe_sw", 64, 0,
						 SLAB_NO_MERGE | SLAB_POISON,
						 NULL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	if (!want_init_on_free() || (s->flags & SLAB_KASAN)) {
		kmem_cache_destroy(s);
		kunit_skip(test, "init_on_free is off, or KASAN watches freed memory");
	}
	if (kmem_cache_set_backing(s, "none")) {
		kmem_cache_destroy(s);
		kunit_skip(test, "the chain of this cache cannot change");
	}
	expect_wiped_on_free(test, s);
	kmem_cache_destroy(s);
}

/*
 * A refused free of a debug chain's object is reported by the chain, in
 * its words: a double free once, and the object stays free once.
 */
static void cache_debug_refused_free_reported(struct kunit *test)
{
	struct kmem_cache *s = kmem_cache_create("modslab_test_dbgfree", 64, 0,
						 SLAB_NO_MERGE |
						 SLAB_CONSISTENCY_CHECKS, NULL);
	struct slab_cache_stats st;
	void *a;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_FALSE(test, s->cache->flags & SLAB_CACHE_DIRECT);
	a = alloc_not_kfence(test, s);
	kmem_cache_free(s, a);
	kmem_cache_free(s, a);
	slab_cache_stats(s->cache, &st);
	KUNIT_EXPECT_EQ(test, st.double_frees, 1UL);
	expect_sound(test, s, 2 * st.objs_per_slab, NULL);
	kmem_cache_destroy(s);
}

/*
 * kfree() of a page kmalloc() never handed out (one page, no slab) is
 * reported and refused: the page stays its owner's, and counts nothing.
 */
static void kfree_refuses_foreign_page(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, page);
	kfree(page_address(page));
	KUNIT_ASSERT_EQ(test, page_ref_count(page), 1);
	__free_page(page);

	/* Nor a block no larger than the largest cache's objects */
	page = alloc_pages(GFP_KERNEL | __GFP_COMP,
			   get_order(KMALLOC_MAX_CACHE_SIZE));
	KUNIT_ASSERT_NOT_NULL(test, page);
	kfree(page_address(page));
	KUNIT_ASSERT_EQ(test, page_ref_count(page), 1);
	__free_pages(page, get_order(KMALLOC_MAX_CACHE_SIZE));
}

/* Objects of caches kernel code composes itself are refused by kfree(). */
static void kfree_refuses_composed_cache(struct kunit *test)
{
	struct slab_cache *c;
	struct slab_cache_stats st;
	unsigned long before;
	void *p;

	c = slab_cache_create(slabifier_allocator(), buddy_page_allocator(),
			      "modslab_test_composed", 64, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	p = slab_cache_alloc(c, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_FALSE(test, folio_test_slab(virt_to_folio(p)));
	slab_cache_stats(c, &st);
	before = st.active_objs;
	kfree(p);
	slab_cache_stats(c, &st);
	KUNIT_EXPECT_EQ(test, st.active_objs, before);
	slab_cache_free(c, p);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(c), 0);
}

#ifdef CONFIG_ZONE_DMA
/* DMA caches are made on the first request, from a sleeping context. */
static void kmalloc_dma_on_demand(struct kunit *test)
{
	size_t size;
	void *p, *q;

	p = kmalloc(700, GFP_KERNEL | GFP_DMA);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, folio_zonenum(virt_to_folio(p)), ZONE_DMA);
	KUNIT_ASSERT_NOT_NULL(test, virt_to_slab(p));
	KUNIT_EXPECT_TRUE(test, virt_to_slab(p)->slab_cache->flags &
			  SLAB_CACHE_DMA);
#ifdef CONFIG_HARDENED_USERCOPY
	/* Whitelisted whole for hardened usercopy, as SLUB's */
	KUNIT_EXPECT_EQ(test, virt_to_slab(p)->slab_cache->useroffset, 0U);
	KUNIT_EXPECT_EQ(test, virt_to_slab(p)->slab_cache->usersize,
			virt_to_slab(p)->slab_cache->object_size);
#endif
	KUNIT_EXPECT_GE(test, ksize(p), (size_t)700);
	/* Named as the boot-time kmalloc caches are */
	KUNIT_EXPECT_STREQ(test, virt_to_slab(p)->slab_cache->name,
			   "dma-kmalloc-1k");
	q = kmalloc(700, GFP_KERNEL | GFP_DMA);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_EXPECT_PTR_EQ(test, virt_to_slab(q)->slab_cache,
			    virt_to_slab(p)->slab_cache);
	kfree(p);
	kfree(q);
	p = kmalloc(90, GFP_KERNEL | GFP_DMA);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, virt_to_slab(p));
	KUNIT_EXPECT_STREQ(test, virt_to_slab(p)->slab_cache->name,
			   "dma-kmalloc-96");
	KUNIT_EXPECT_EQ(test, virt_to_slab(p)->slab_cache->object_size, 96U);
	kfree(p);
	/* Sizes at the edges of the index: 192, and a power of two */
	for (size = 192; size <= 1024; size += 832) {
		p = kmalloc(size, GFP_KERNEL | GFP_DMA);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_ASSERT_NOT_NULL(test, virt_to_slab(p));
		KUNIT_EXPECT_EQ_MSG(test,
				    virt_to_slab(p)->slab_cache->object_size,
				    (unsigned int)size, "%zu", size);
		kfree(p);
	}
}

/*
 * An atomic DMA request before its cache exists gets whole DMA pages,
 * which ksize(), krealloc() and kfree_sensitive() treat as such; the next
 * request of the size, once the cache is made, gets a slab object.
 */
static void kmalloc_dma_atomic(struct kunit *test)
{
	/* 5000: the largest cache (KMALLOC_SHIFT_HIGH), on x86_64 at least */
	static const size_t sizes[] = { 3000, 1500, 96, 5000 };
	bool paged = false;
	unsigned int i;
	void *p, *q;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = kmalloc(sizes[i], GFP_ATOMIC | GFP_DMA);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_EQ(test, folio_zonenum(virt_to_folio(p)),
				ZONE_DMA);
		memset(p, 0x5a, sizes[i]);
		if (virt_to_slab(p)) {
			kfree(p);
			continue;
		}
		/* The first request of a size: pages, known as such */
		paged = true;
		KUNIT_EXPECT_GT(test, ksize(p), (size_t)KMALLOC_MAX_CACHE_SIZE);
		q = krealloc(p, sizes[i] + 1, GFP_ATOMIC | GFP_DMA);
		KUNIT_ASSERT_NOT_NULL(test, q);
		KUNIT_EXPECT_FALSE(test, memchr_inv(q, 0x5a, sizes[i]));
		kfree_sensitive(q);
	}
	KUNIT_EXPECT_TRUE(test, paged);
	/* Whether or not the cache was there already, the next one has it. */
	kmalloc_dma_flush();
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		p = kmalloc(sizes[i], GFP_ATOMIC | GFP_DMA);
		KUNIT_ASSERT_NOT_NULL(test, p);
		KUNIT_EXPECT_NOT_NULL_MSG(test, virt_to_slab(p), "size %zu",
					  sizes[i]);
		kfree(p);
	}
}
#else
static void kmalloc_dma_on_demand(struct kunit *test)
{
	kunit_skip(test, "no ZONE_DMA");
}

static void kmalloc_dma_atomic(struct kunit *test)
{
	kunit_skip(test, "no ZONE_DMA");
}
#endif

/* Merged caches share a kmem_cache and count as its aliases. */
static void cache_merging(struct kunit *test)
{
	struct kmem_cache *a = kmem_cache_create("modslab_test_m1", 24, 0,
						 SLAB_NO_USER_FLAGS, NULL);
	struct kmem_cache *b = kmem_cache_create("modslab_test_m2", 24, 0,
						 SLAB_NO_USER_FLAGS, NULL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	if (!IS_ENABLED(CONFIG_SLAB_MERGE_DEFAULT) ||
	    IS_ENABLED(CONFIG_KASAN_GENERIC)) {
		kmem_cache_destroy(b);
		kmem_cache_destroy(a);
		kunit_skip(test, "no merging: off by default, or KASAN metadata");
	}
	KUNIT_EXPECT_PTR_EQ(test, a, b);
	KUNIT_EXPECT_GE(test, a->refcount, 2);
	kmem_cache_destroy(b);
	kmem_cache_destroy(a);
}

/*
 * A name whose cache was merged into another one and destroyed can be
 * used again, by a cache of its own: the alias link does not stay in the
 * way of the new cache's directory in /sys/kernel/slab.
 */
static void cache_name_reused_after_alias(struct kunit *test)
{
	struct kmem_cache *a, *b, *c;

	a = kmem_cache_create("modslab_test_r1", 40, 0, SLAB_NO_USER_FLAGS,
			      NULL);
	b = kmem_cache_create("modslab_test_r2", 40, 0, SLAB_NO_USER_FLAGS,
			      NULL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	if (a != b) {
		kmem_cache_destroy(b);
		kmem_cache_destroy(a);
		kunit_skip(test, "no merging: off by default, or KASAN metadata");
	}
	kmem_cache_destroy(b);
	c = kmem_cache_create("modslab_test_r2", 40, 0,
			      SLAB_NO_MERGE | SLAB_NO_USER_FLAGS, NULL);
	KUNIT_EXPECT_NOT_NULL(test, c);
	KUNIT_EXPECT_PTR_NE(test, c, a);
	kmem_cache_destroy(c);
	kmem_cache_destroy(a);
}

#ifdef CONFIG_MEM_ALLOC_PROFILING
/* The allocation tag an object of @s is charged to, or NULL. */
static struct alloc_tag *tag_of(struct kmem_cache *s, void *p)
{
	struct slab *slab = virt_to_slab(p);
	struct slabobj_ext *ext = slab_obj_exts(slab);

	if (!ext || !ext[obj_to_index(s, slab, p)].ref.ct)
		return NULL;
	return ct_to_alloc_tag(ext[obj_to_index(s, slab, p)].ref.ct);
}

/*
 * With allocation profiling on, each object, allocated alone or in bulk,
 * is charged to the line that allocated it until it is freed.
 */
static void cache_alloc_tags(struct kunit *test)
{
	struct kmem_cache *s;
	struct alloc_tag *one, *bulk;
	struct alloc_tag_counters c;
	void *p[5], *q;
	size_t i;

	if (!mem_alloc_profiling_enabled())
		kunit_skip(test, "allocation profiling is off");
	s = kmem_cache_create("modslab_test_tags", 72, 0, SLAB_NO_MERGE, NULL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	q = kmem_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	one = tag_of(s, q);
	KUNIT_ASSERT_NOT_NULL(test, one);
	c = alloc_tag_read(one);
	KUNIT_EXPECT_EQ(test, c.calls, 1ULL);
	KUNIT_EXPECT_EQ(test, c.bytes, (u64)s->size);

	KUNIT_ASSERT_EQ(test, kmem_cache_alloc_bulk(s, GFP_KERNEL,
						    ARRAY_SIZE(p), p),
			(int)ARRAY_SIZE(p));
	bulk = tag_of(s, p[0]);
	KUNIT_ASSERT_NOT_NULL(test, bulk);
	KUNIT_EXPECT_PTR_NE(test, bulk, one);
	for (i = 1; i < ARRAY_SIZE(p); i++)
		KUNIT_EXPECT_PTR_EQ(test, tag_of(s, p[i]), bulk);
	c = alloc_tag_read(bulk);
	KUNIT_EXPECT_EQ(test, c.calls, (u64)ARRAY_SIZE(p));

	kmem_cache_free_bulk(s, ARRAY_SIZE(p), p);
	KUNIT_EXPECT_EQ(test, alloc_tag_read(bulk).calls, 0ULL);
	kmem_cache_free(s, q);
	c = alloc_tag_read(one);
	KUNIT_EXPECT_EQ(test, c.calls, 0ULL);
	KUNIT_EXPECT_EQ(test, c.bytes, 0ULL);
	kmem_cache_destroy(s);
}
#else
static void cache_alloc_tags(struct kunit *test)
{
	kunit_skip(test, "no allocation profiling");
}
#endif

/* Read a sysfs file of @s by name, as a reader of /sys/kernel/slab does. */
static ssize_t cache_attr_show(struct kmem_cache *s, const char *name,
			       char *buf)
{
	const struct kobj_type *kt = get_ktype(&s->kobj);
	const struct attribute_group **g;
	struct attribute **a;

	for (g = kt->default_groups; g && *g; g++) {
		for (a = (*g)->attrs; *a; a++) {
			if (!strcmp((*a)->name, name))
				return kt->sysfs_ops->show(&s->kobj, *a, buf);
		}
	}
	return -ENOENT;
}

/*
 * kmem_cache_destroy() unlinks a cache's sysfs files only after
 * __kmem_cache_shutdown(), without slab_mutex: a reader in between still
 * finds the cache's chain, and the cache is destroyed all the same.
 */
static void cache_sysfs_read_after_shutdown(struct kunit *test)
{
	static const char * const files[] = { "objects", "slabs", "allocator",
					      "slab_size", "poison" };
	struct kmem_cache *s = kmem_cache_create("modslab_test_shutdown", 64,
						 0, SLAB_NO_MERGE, NULL);
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	unsigned int i;
	void *p;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	if (!s->kobj.state_in_sysfs) {
		kmem_cache_destroy(s);
		kunit_skip(test, "the cache has no sysfs files");
	}
	p = kmem_cache_alloc(s, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	kmem_cache_free(s, p);
	/* What kmem_cache_destroy() does before it unlinks the files */
	cpus_read_lock();
	mutex_lock(&slab_mutex);
	KUNIT_EXPECT_EQ(test, __kmem_cache_shutdown(s), 0);
	mutex_unlock(&slab_mutex);
	cpus_read_unlock();
	for (i = 0; i < ARRAY_SIZE(files); i++)
		KUNIT_EXPECT_GT_MSG(test, cache_attr_show(s, files[i], buf), 0,
				    "%s", files[i]);
	kmem_cache_destroy(s);
}

static struct kunit_case slabulator_cases[] = {
	KUNIT_CASE(kmalloc_sizes),
	KUNIT_CASE(kmalloc_non_power_of_two),
	KUNIT_CASE(kmalloc_random_copies),
	KUNIT_CASE(kmalloc_caches_metadata_packed),
	KUNIT_CASE(kmalloc_zero_and_null),
	KUNIT_CASE(kmalloc_large_fixes_flags),
	KUNIT_CASE(kmalloc_large_pass_through),
	KUNIT_CASE(kmalloc_large_counted),
	KUNIT_CASE(kmalloc_boot_owns_blocks),
	KUNIT_CASE(kmalloc_boot_carved_layout),
	KUNIT_CASE(kmalloc_boot_carved_on_node),
	KUNIT_CASE(krealloc_keeps_contents),
	KUNIT_CASE(cache_plain_chain),
	KUNIT_CASE(cache_ctor),
	KUNIT_CASE(cache_ctor_and_debug),
	KUNIT_CASE(cache_typesafe_by_rcu),
	KUNIT_CASE(cache_debug_flags),
	KUNIT_CASE(cache_obj_info_stacks),
	KUNIT_CASE(cache_bulk),
	KUNIT_CASE(cache_alloc_tags),
	KUNIT_CASE(kfree_bulk_mixed),
	KUNIT_CASE(cache_free_wrong_cache),
	KUNIT_CASE(cache_refused_free_touches_nothing),
	KUNIT_CASE(cache_init_on_free_wipes),
	KUNIT_CASE(cache_init_on_free_after_switch),
	KUNIT_CASE(cache_debug_refused_free_reported),
	KUNIT_CASE(kfree_refuses_composed_cache),
	KUNIT_CASE(kfree_refuses_foreign_page),
	KUNIT_CASE(kmalloc_dma_on_demand),
	KUNIT_CASE(kmalloc_dma_atomic),
	KUNIT_CASE(cache_merging),
	KUNIT_CASE(cache_name_reused_after_alias),
	KUNIT_CASE(cache_sysfs_read_after_shutdown),
	{}
};

static struct kunit_suite slabulator_suite = {
	.name = "modslab_slabulator",
	.test_cases = slabulator_cases,
};

kunit_test_suite(slabulator_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests of MODSLAB's kmem_cache API and kmalloc");
MODULE_LICENSE("GPL");
