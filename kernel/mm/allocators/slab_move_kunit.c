// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of moving objects of kmem_caches: a cache whose objects are
 * referenced from a table, defragmented by kmem_cache_shrink() and by the
 * shrinker, with clients that answer yes, no, later and "don't need".
 */

#include <kunit/test.h>
#include <linux/alloc_tag.h>
#include <linux/allocator.h>
#include <linux/memcontrol.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "../slab.h"
#include "slab_move.h"

#define MOVE_NR		4096
#define MOVE_SIZE	128
#define MOVE_MAGIC	0x6d6f7665U

/**
 * struct move_obj - an object that knows where the table refers to it
 * @idx: its index in the table.
 * @magic: %MOVE_MAGIC ^ @idx.
 * @payload: filled from @idx, checked after every move.
 */
struct move_obj {
	unsigned int	idx;
	unsigned int	magic;
	u8		payload[MOVE_SIZE - 2 * sizeof(unsigned int)];
};

/**
 * struct move_table - the client: a table of references to objects
 * @lock: protects @obj; a mover takes it as a real client would.
 * @obj: the references.
 * @answer: what the callback answers, unless it moves.
 * @later: answer %SLAB_MOVE_LATER this many times first.
 * @calls: callback invocations.
 * @moved: objects moved.
 * @cache: the cache.
 * @holder: a task that holds @lock while it allocates, or NULL.
 * @reentered: callbacks made in @holder, which would deadlock on @lock.
 * @free_neighbour: a move also frees another object of the old slab.
 * @freed: the objects freed so, @nr_freed of them.
 * @nr_freed: see @freed.
 * @stale: callbacks for an object in @freed: the allocator offered one
 *	the client had freed.
 */
struct move_table {
	struct mutex		lock;	/* protects obj */
	struct move_obj		*obj[MOVE_NR];
	enum slab_move_result	answer;
	unsigned int		later;
	unsigned int		calls;
	unsigned int		moved;
	struct kmem_cache	*cache;
	struct task_struct	*holder;
	unsigned int		reentered;
	bool			free_neighbour;
	void			*freed[64];
	unsigned int		nr_freed;
	unsigned int		stale;
};

static struct move_table *table;

static void move_fill(struct move_obj *o, unsigned int idx)
{
	o->idx = idx;
	o->magic = MOVE_MAGIC ^ idx;
	memset(o->payload, idx & 0xff, sizeof(o->payload));
}

static bool move_intact(const struct move_obj *o, unsigned int idx)
{
	return o->idx == idx && o->magic == (MOVE_MAGIC ^ idx) &&
	       !memchr_inv(o->payload, idx & 0xff, sizeof(o->payload));
}

/*
 * As a client that drops objects while the allocator moves others: free
 * another object of @old's slab.  Context: table->lock held.
 */
static void move_free_neighbour(struct kmem_cache *s, void *old)
{
	unsigned int i;

	if (table->nr_freed == ARRAY_SIZE(table->freed))
		return;
	for (i = 0; i < MOVE_NR; i++) {
		struct move_obj *o = table->obj[i];

		if (!o || o == old || virt_to_slab(o) != virt_to_slab(old))
			continue;
		table->obj[i] = NULL;
		table->freed[table->nr_freed++] = o;
		kmem_cache_free(s, o);
		return;
	}
}

static enum slab_move_result move_cb(struct kmem_cache *s, void *old,
				     void *new)
{
	struct move_obj *o = old;
	enum slab_move_result ret = SLAB_MOVE_DONT_KNOW;
	unsigned int idx;

	if (READ_ONCE(table->holder) == current) {
		table->reentered++;
		return SLAB_MOVE_LATER;
	}
	mutex_lock(&table->lock);
	table->calls++;
	for (idx = 0; idx < table->nr_freed; idx++)
		table->stale += table->freed[idx] == old;
	idx = o->idx;
	if (idx >= MOVE_NR || table->obj[idx] != o)
		goto out;
	if (table->later) {
		table->later--;
		ret = SLAB_MOVE_LATER;
	} else if (table->answer == SLAB_MOVE_YES) {
		memcpy(new, old, sizeof(*o));
		table->obj[idx] = new;
		table->moved++;
		ret = SLAB_MOVE_YES;
		if (table->free_neighbour)
			move_free_neighbour(s, old);
	} else if (table->answer == SLAB_MOVE_DONT_NEED) {
		/* The client lets go of the object itself */
		table->obj[idx] = NULL;
		kmem_cache_free(s, old);
		ret = SLAB_MOVE_DONT_NEED;
	} else {
		ret = table->answer;
	}
out:
	mutex_unlock(&table->lock);
	return ret;
}

/* Give the test cache its callback, or skip where objects cannot move. */
static void move_set(struct kunit *test)
{
	int err = kmem_cache_set_move(table->cache, move_cb);

	if (err == -EOPNOTSUPP)
		kunit_skip(test, "objects cannot move in this kernel (KASAN)");
	KUNIT_ASSERT_EQ(test, err, 0);
}

/* Fill the table, then free a random 90 % of it.  Returns objects kept. */
static unsigned int move_populate(struct kunit *test)
{
	struct rnd_state rnd;
	unsigned int i, kept = 0;

	prandom_seed_state(&rnd, 42);
	for (i = 0; i < MOVE_NR; i++) {
		table->obj[i] = kmem_cache_alloc(table->cache, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, table->obj[i]);
		move_fill(table->obj[i], i);
	}
	for (i = 0; i < MOVE_NR; i++) {
		if (prandom_u32_state(&rnd) % 10) {
			kmem_cache_free(table->cache, table->obj[i]);
			table->obj[i] = NULL;
		} else {
			kept++;
		}
	}
	return kept;
}

/* Every reference still points at an intact object of the cache. */
static void move_check_table(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < MOVE_NR; i++) {
		if (!table->obj[i])
			continue;
		KUNIT_EXPECT_TRUE_MSG(test, move_intact(table->obj[i], i),
				      "object %u damaged", i);
	}
}

static unsigned long move_slabs(struct kmem_cache *s)
{
	struct slab_cache_stats st;

	slab_cache_stats(s->cache, &st);
	return st.num_slabs;
}

static int move_test_init(struct kunit *test)
{
	table = vzalloc(sizeof(*table));
	if (!table)
		return -ENOMEM;
	mutex_init(&table->lock);
	table->answer = SLAB_MOVE_YES;
	table->cache = kmem_cache_create("modslab-move-test",
					 sizeof(struct move_obj), 0,
					 SLAB_NO_MERGE, NULL);
	if (!table->cache) {
		vfree(table);
		return -ENOMEM;
	}
	return 0;
}

static void move_test_exit(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < MOVE_NR; i++) {
		if (table->obj[i])
			kmem_cache_free(table->cache, table->obj[i]);
	}
	kmem_cache_destroy(table->cache);
	vfree(table);
}

/*
 * Free a random 90 %, shrink: at least 80 % of the slabs that could be
 * freed in theory (all but those the remaining objects fill) are freed,
 * and every reference still finds its object.
 */
static void move_defragments(struct kunit *test)
{
	unsigned long before, after, need, could;
	struct slab_cache_stats st;
	unsigned int kept;

	kept = move_populate(test);
	kmem_cache_shrink(table->cache);	/* empty slabs only: baseline */
	move_set(test);
	before = move_slabs(table->cache);
	slab_cache_stats(table->cache->cache, &st);
	need = DIV_ROUND_UP(kept, st.objs_per_slab);
	could = before - need;

	table->calls = 0;
	kmem_cache_shrink(table->cache);
	after = move_slabs(table->cache);
	kunit_info(test,
		   "%u objects kept of %u; slabs %lu -> %lu (%lu needed): freed %lu of %lu freeable (%lu%%), %u moves\n",
		   kept, MOVE_NR, before, after, need, before - after, could,
		   could ? (before - after) * 100 / could : 100, table->moved);
	KUNIT_EXPECT_GT(test, table->moved, 0U);
	KUNIT_EXPECT_GE(test, (before - after) * 100, could * 80);
	move_check_table(test);
}

/* An object whose client says no stays where it is, and so does its slab. */
static void move_answer_no(struct kunit *test)
{
	struct move_obj **was;
	unsigned long before;
	unsigned int i;

	was = kunit_kmalloc_array(test, MOVE_NR, sizeof(*was), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, was);
	move_populate(test);
	kmem_cache_shrink(table->cache);
	before = move_slabs(table->cache);
	memcpy(was, table->obj, MOVE_NR * sizeof(*was));
	move_set(test);
	table->answer = SLAB_MOVE_NO;
	kmem_cache_shrink(table->cache);
	KUNIT_EXPECT_GT(test, table->calls, 0U);
	KUNIT_EXPECT_EQ(test, table->moved, 0U);
	KUNIT_EXPECT_EQ(test, move_slabs(table->cache), before);
	for (i = 0; i < MOVE_NR; i++)
		KUNIT_EXPECT_PTR_EQ(test, table->obj[i], was[i]);
	move_check_table(test);
}

/* "Later" keeps the object this time; the next shrink moves it. */
static void move_answer_later(struct kunit *test)
{
	unsigned long before, first;

	move_populate(test);
	kmem_cache_shrink(table->cache);
	before = move_slabs(table->cache);
	move_set(test);
	table->later = UINT_MAX;
	kmem_cache_shrink(table->cache);
	first = move_slabs(table->cache);
	KUNIT_EXPECT_EQ(test, table->moved, 0U);
	KUNIT_EXPECT_EQ(test, first, before);
	move_check_table(test);

	table->later = 0;
	kmem_cache_shrink(table->cache);
	KUNIT_EXPECT_GT(test, table->moved, 0U);
	KUNIT_EXPECT_LT(test, move_slabs(table->cache), first);
	move_check_table(test);
}

/* "Don't need": the client frees the object itself; nothing leaks. */
static void move_answer_dont_need(struct kunit *test)
{
	unsigned int i, left = 0;
	struct slab_cache_stats st;

	move_populate(test);
	kmem_cache_shrink(table->cache);
	move_set(test);
	table->answer = SLAB_MOVE_DONT_NEED;
	kmem_cache_shrink(table->cache);
	for (i = 0; i < MOVE_NR; i++)
		left += !!table->obj[i];
	KUNIT_EXPECT_GT(test, table->calls, 0U);
	/* Flush the CPU slabs, whose objects count as in use, not moving */
	slab_cache_shrink(table->cache->cache, NULL, NULL);
	slab_cache_stats(table->cache->cache, &st);
	KUNIT_EXPECT_EQ(test, st.active_objs, (unsigned long)left);
	move_check_table(test);
}

/* The shrinker finds the freeable slabs of moving caches and frees them. */
static void move_shrinker(struct kunit *test)
{
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL,
				     .nr_to_scan = ULONG_MAX };
	unsigned long count, freed;

	move_populate(test);
	kmem_cache_shrink(table->cache);
	/* No cache has a callback yet: nothing for the shrinker */
	KUNIT_EXPECT_EQ(test, slab_move_count(NULL, &sc), SHRINK_EMPTY);
	move_set(test);
	count = slab_move_count(NULL, &sc);
	KUNIT_EXPECT_NE(test, count, SHRINK_EMPTY);
	KUNIT_EXPECT_GT(test, count, 0UL);
	KUNIT_EXPECT_EQ(test, slab_move_scan(NULL, &sc), SHRINK_STOP);
	slab_move_flush();
	KUNIT_EXPECT_GT(test, table->moved, 0U);
	freed = count;
	count = slab_move_count(NULL, &sc);
	KUNIT_EXPECT_TRUE_MSG(test, count == SHRINK_EMPTY || count < freed,
			      "%lu pages still freeable, %lu before", count,
			      freed);
	move_check_table(test);
}

/*
 * A client that allocates while it holds its lock: reclaim in that very
 * allocation runs the shrinker, which must not call the client there.
 */
static void move_shrinker_not_in_reclaimer(struct kunit *test)
{
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL,
				     .nr_to_scan = ULONG_MAX };

	move_populate(test);
	move_set(test);
	mutex_lock(&table->lock);
	WRITE_ONCE(table->holder, current);
	/* As in direct reclaim of an allocation made under the lock */
	slab_move_scan(NULL, &sc);
	WRITE_ONCE(table->holder, NULL);
	mutex_unlock(&table->lock);
	KUNIT_EXPECT_EQ(test, table->reentered, 0U);
	slab_move_flush();
	KUNIT_EXPECT_GT(test, table->moved, 0U);
	move_check_table(test);
}

/*
 * The client frees objects of a slab being emptied while the allocator
 * moves others: the allocator never offers it one of those.
 */
static void move_client_frees_neighbours(struct kunit *test)
{
	move_populate(test);
	move_set(test);
	table->answer = SLAB_MOVE_YES;
	table->free_neighbour = true;
	kmem_cache_shrink(table->cache);
	KUNIT_EXPECT_GT(test, table->nr_freed, 0U);
	KUNIT_EXPECT_EQ(test, table->stale, 0U);
	KUNIT_EXPECT_GT(test, table->moved, 0U);
	move_check_table(test);
}

/* Refused: no cache or callback, and a cache shared through merging. */
static void move_refusals(struct kunit *test)
{
	struct kmem_cache *a, *b;

	KUNIT_EXPECT_EQ(test, kmem_cache_set_move(NULL, move_cb), -EINVAL);
	KUNIT_EXPECT_EQ(test, kmem_cache_set_move(table->cache, NULL), -EINVAL);
	move_set(test);

	a = kmem_cache_create("modslab-move-a", 200, 0, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	b = kmem_cache_create("modslab-move-b", 200, 0, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	if (a != b && a->refcount == 1) {
		kmem_cache_destroy(b);
		kmem_cache_destroy(a);
		kunit_skip(test, "caches not merged (slab_nomerge?)");
	}
	KUNIT_EXPECT_EQ(test, kmem_cache_set_move(a, move_cb), -EBUSY);
	KUNIT_EXPECT_NULL(test, READ_ONCE(a->move));
	kmem_cache_destroy(b);
	kmem_cache_destroy(a);
}

#ifdef CONFIG_MEM_ALLOC_PROFILING
/* The allocation tag an object's extension entry holds, or NULL */
static struct codetag *move_tag(struct kmem_cache *s, void *obj)
{
	struct slab *slab = virt_to_slab(obj);
	struct slabobj_ext *ext = slab_obj_exts(slab);

	return ext ? ext[obj_to_index(s, slab, obj)].ref.ct : NULL;
}

/*
 * With allocation profiling on, a moved object keeps the tag of the site
 * that allocated it: the site's counters stay as they are through the
 * moves, the new places hold the tag, and freeing the objects from there
 * takes exactly them off the profile.
 */
static void move_keeps_alloc_tag(struct kunit *test)
{
	struct alloc_tag_counters c0, c1, c2;
	struct alloc_tag *tag;
	unsigned int i, kept, untagged = 0;
	struct codetag *ct = NULL;

	if (!mem_alloc_profiling_enabled())
		kunit_skip(test, "allocation profiling is off");
	kept = move_populate(test);
	for (i = 0; i < MOVE_NR && !ct; i++)
		if (table->obj[i])
			ct = move_tag(table->cache, table->obj[i]);
	KUNIT_ASSERT_NOT_NULL(test, ct);
	tag = ct_to_alloc_tag(ct);
	move_set(test);
	c0 = alloc_tag_read(tag);
	kmem_cache_shrink(table->cache);
	KUNIT_EXPECT_GT(test, table->moved, 0U);
	c1 = alloc_tag_read(tag);
	KUNIT_EXPECT_EQ(test, c1.calls, c0.calls);
	KUNIT_EXPECT_EQ(test, c1.bytes, c0.bytes);
	for (i = 0; i < MOVE_NR; i++) {
		if (!table->obj[i])
			continue;
		untagged += move_tag(table->cache, table->obj[i]) != ct;
		kmem_cache_free(table->cache, table->obj[i]);
		table->obj[i] = NULL;
	}
	KUNIT_EXPECT_EQ(test, untagged, 0U);
	c2 = alloc_tag_read(tag);
	KUNIT_EXPECT_EQ(test, c2.calls, c0.calls - kept);
	KUNIT_EXPECT_EQ(test, c2.bytes, c0.bytes - (u64)kept * table->cache->size);
}
#else
static void move_keeps_alloc_tag(struct kunit *test)
{
	kunit_skip(test, "no allocation profiling in this kernel");
}
#endif

static struct kunit_case move_cases[] = {
	KUNIT_CASE(move_defragments),
	KUNIT_CASE(move_answer_no),
	KUNIT_CASE(move_answer_later),
	KUNIT_CASE(move_answer_dont_need),
	KUNIT_CASE(move_shrinker),
	KUNIT_CASE(move_shrinker_not_in_reclaimer),
	KUNIT_CASE(move_client_frees_neighbours),
	KUNIT_CASE(move_refusals),
	KUNIT_CASE(move_keeps_alloc_tag),
	{}
};

static struct kunit_suite move_suite = {
	.name = "modslab_move",
	.init = move_test_init,
	.exit = move_test_exit,
	.test_cases = move_cases,
};

kunit_test_suite(move_suite);

MODULE_DESCRIPTION("KUnit tests of moving objects of kmem_caches");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
