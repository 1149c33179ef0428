// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the slabifier's lock-free paths against another CPU.
 *
 * Each case arms a race window (slab_race.h) and runs one path: the window
 * frees objects as another CPU would, at the one moment between the path's
 * read of a slab and its update.  Nothing depends on timing; a case also
 * checks that its window was passed and acted on, so that it cannot pass
 * by not racing at all.
 */
#include <kunit/test.h>
#include <linux/allocator.h>
#include <linux/irqflags.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/slab_backing.h>

#include "../slab.h"
#include "internal.h"
#include "slab_race.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* Entries past the end of a bulk array that nothing may write */
#define RACE_GUARD	8
#define RACE_POISON	((void *)0x5ab1e5ab1e5ab1e5UL)

/*
 * Objects a case holds, and what the window frees of them: @extra objects
 * of the @nth slab (counted from 1) that the window sees.
 */
struct race_held {
	struct slab_cache	*c;
	void			**obj;
	unsigned int		nr;
	unsigned int		nth;
	unsigned int		extra;
	unsigned int		seen;
	struct folio		*last;
};

static struct slab_cache *race_cache(struct kunit *test, unsigned int size)
{
	struct slab_cache *c;

	c = slabifier_create_order0(buddy_page_allocator(), "race-kunit", size);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	return c;
}

static struct slab_cache_stats race_stats(struct slab_cache *c)
{
	struct slab_cache_stats st;

	slab_cache_stats(c, &st);
	return st;
}

static void **race_array(struct kunit *test, unsigned int nr)
{
	void **p = kunit_kcalloc(test, nr, sizeof(void *), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	return p;
}

/* Free up to @nr held objects of @slab, through @free; returns how many */
static unsigned int race_free_of(struct race_held *h, struct folio *slab,
				 unsigned int nr,
				 void (*free)(struct slab_cache *, void *))
{
	unsigned int i, done = 0;
	void *obj;

	for (i = 0; i < h->nr && done < nr; i++) {
		obj = h->obj[i];
		if (!obj || virt_to_folio(obj) != slab)
			continue;
		/* Not held from now: a window inside free() must not take it */
		h->obj[i] = NULL;
		free(h->c, obj);
		done++;
	}
	return done;
}

/* The window's act: the remote frees into the nth distinct slab it sees */
static bool race_free_into_nth(struct slab_race *race, struct folio *slab)
{
	struct race_held *h = race->data;

	if (slab != h->last) {
		h->last = slab;
		h->seen++;
	}
	if (h->seen != h->nth)
		return false;
	race_free_of(h, slab, h->extra, slabifier_free_as_remote);
	return true;
}

static void race_arm(struct slab_race *race, enum slab_race_window window,
		     struct race_held *h)
{
	*race = (struct slab_race) {
		.window	= window,
		.cache	= h->c,
		.act	= race_free_into_nth,
		.data	= h,
	};
	slab_race_arm(race);
}

/* Allocate @nr objects one by one into @h */
static void race_fill(struct kunit *test, struct race_held *h,
		      unsigned int nr)
{
	unsigned int i;

	h->obj = race_array(test, nr);
	h->nr = nr;
	for (i = 0; i < nr; i++) {
		h->obj[i] = slab_cache_alloc(h->c, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, h->obj[i]);
	}
}

/* @p[0..nr) are distinct objects of the cache, none of them held */
static void race_expect_fresh(struct kunit *test, struct race_held *h,
			      void **p, unsigned int nr)
{
	unsigned int i, j;

	for (i = 0; i < nr; i++) {
		KUNIT_ASSERT_TRUE(test, slab_cache_valid(h->c, p[i]));
		for (j = 0; j < i; j++)
			KUNIT_ASSERT_PTR_NE(test, p[i], p[j]);
		for (j = 0; j < h->nr; j++)
			KUNIT_ASSERT_PTR_NE(test, p[i], h->obj[j]);
	}
}

/*
 * @p[0..nr) are what the case allocated after the race: distinct objects,
 * none of them held.  Free them and everything held; the cache must then
 * count nothing in use, and have reported nothing.
 */
static void race_finish(struct kunit *test, struct race_held *h, void **p,
			unsigned int nr)
{
	race_expect_fresh(test, h, p, nr);
	slab_cache_free_bulk(h->c, nr, p);
	slab_cache_free_bulk(h->c, h->nr, h->obj);
	slab_cache_shrink(h->c, NULL, NULL);
	KUNIT_EXPECT_EQ(test, race_stats(h->c).active_objs, 0UL);
	KUNIT_EXPECT_EQ(test, race_stats(h->c).double_frees, 0UL);
	KUNIT_EXPECT_EQ(test, race_stats(h->c).invalid_frees, 0UL);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(h->c), 0);
}

/*
 * A bulk allocation of one object more than a slab holds, with two partial
 * slabs whose free objects make exactly that: it takes the first, and
 * while it is about to take the second, another CPU frees three more
 * objects there.  The take must see them (the free count and the list are
 * taken in one update) and leave that slab for the slow path: nothing is
 * written past the caller's array, and no object is taken and lost.
 */
static void race_bulk_take_remote_free(struct kunit *test)
{
	struct race_held h = { .c = race_cache(test, 256), .nth = 2,
			       .extra = 3 };
	unsigned int objs = race_stats(h.c).objs_per_slab, nr, fa, i;
	struct slab_race race;
	void **p;

	KUNIT_ASSERT_GE(test, objs, 8U);
	nr = objs + 1;
	fa = objs / 2 + 2;
	p = race_array(test, nr + RACE_GUARD);
	for (i = nr; i < nr + RACE_GUARD; i++)
		p[i] = RACE_POISON;

	migrate_disable();
	/* Slabs A and B full and inactive, C the CPU's, with no free object */
	race_fill(test, &h, 3 * objs);
	/* fa free objects in A, nr - fa in B: the partial list is A, B */
	race_free_of(&h, virt_to_folio(h.obj[0]), fa, slab_cache_free);
	race_free_of(&h, virt_to_folio(h.obj[objs]), nr - fa, slab_cache_free);
	KUNIT_ASSERT_EQ(test, race_stats(h.c).partial_slabs, 2UL);

	race_arm(&race, SLAB_RACE_BULK_TAKE, &h);
	KUNIT_EXPECT_EQ(test, slab_cache_alloc_bulk(h.c, GFP_KERNEL, nr, p),
			(int)nr);
	KUNIT_EXPECT_TRUE(test, slab_race_disarm(&race));
	migrate_enable();

	for (i = nr; i < nr + RACE_GUARD; i++)
		KUNIT_EXPECT_PTR_EQ(test, p[i], RACE_POISON);
	race_finish(test, &h, p, nr);
}

/*
 * The CPU's slab is used up and two of its objects were freed remotely;
 * as the next allocation takes them, another CPU frees a third.  The take
 * gets all three, and the slab is then used up again.
 */
static void race_take_remote_free(struct kunit *test)
{
	struct race_held h = { .c = race_cache(test, 128), .nth = 1,
			       .extra = 1 };
	unsigned int objs = race_stats(h.c).objs_per_slab, i;
	struct slab_race race;
	struct folio *a;
	void *p[4];

	migrate_disable();
	race_fill(test, &h, objs);
	a = virt_to_folio(h.obj[0]);
	local_irq_disable();
	KUNIT_ASSERT_EQ(test, race_free_of(&h, a, 2, slabifier_free_as_remote),
			2U);
	local_irq_enable();

	race_arm(&race, SLAB_RACE_TAKE_ALL, &h);
	for (i = 0; i < 4; i++)
		p[i] = slab_cache_alloc(h.c, GFP_KERNEL);
	KUNIT_EXPECT_TRUE(test, slab_race_disarm(&race));
	migrate_enable();

	/* The three freed objects of A, then a new slab */
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_PTR_EQ(test, virt_to_folio(p[i]), a);
	KUNIT_EXPECT_PTR_NE(test, virt_to_folio(p[3]), a);
	race_finish(test, &h, p, 4);
}

/*
 * Two remote frees into one partial slab, the second one between the
 * first's read of the free list and its update: both objects are free
 * afterwards, each once.
 */
static void race_remote_free_remote_free(struct kunit *test)
{
	struct race_held h = { .c = race_cache(test, 192), .nth = 1,
			       .extra = 1 };
	unsigned int objs = race_stats(h.c).objs_per_slab, i, nr;
	struct slab_race race;
	struct folio *a;
	void **p;

	migrate_disable();
	race_fill(test, &h, 2 * objs);
	a = virt_to_folio(h.obj[0]);
	/* A partial slab that stays partial: none of the frees moves it */
	KUNIT_ASSERT_EQ(test, race_free_of(&h, a, 2, slab_cache_free), 2U);

	race_arm(&race, SLAB_RACE_REMOTE_FREE, &h);
	KUNIT_ASSERT_EQ(test, race_free_of(&h, a, 1, slab_cache_free), 1U);
	KUNIT_EXPECT_TRUE(test, slab_race_disarm(&race));

	/* A's four free objects come back once each, from the list */
	slab_cache_shrink(h.c, NULL, NULL);
	nr = objs + 4;
	p = race_array(test, nr);
	for (i = 0; i < nr; i++)
		p[i] = slab_cache_alloc(h.c, GFP_KERNEL);
	migrate_enable();
	KUNIT_EXPECT_EQ(test, race_stats(h.c).partial_slabs, 0UL);
	race_finish(test, &h, p, nr);
}

/*
 * The CPU's slab is given back (a shrink flushes it) with objects on the
 * CPU's free list; another CPU frees an object of it while the flush joins
 * the lists.  Every free object is on the slab's list afterwards, once.
 */
static void race_deactivate_remote_free(struct kunit *test)
{
	struct race_held h = { .c = race_cache(test, 64), .nth = 1,
			       .extra = 1 };
	unsigned int objs = race_stats(h.c).objs_per_slab, i;
	struct slab_race race;
	struct folio *a;
	void **p;

	migrate_disable();
	race_fill(test, &h, objs - 2);
	a = virt_to_folio(h.obj[0]);
	/* Onto the CPU free list, beside the two never handed out */
	KUNIT_ASSERT_EQ(test, race_free_of(&h, a, 3, slab_cache_free), 3U);
	migrate_enable();

	race_arm(&race, SLAB_RACE_DEACTIVATE, &h);
	slab_cache_shrink(h.c, NULL, NULL);
	KUNIT_EXPECT_TRUE(test, slab_race_disarm(&race));
	KUNIT_EXPECT_EQ(test, race_stats(h.c).active_objs,
			(unsigned long)objs - 6);

	p = race_array(test, 6);
	migrate_disable();
	for (i = 0; i < 6; i++)
		p[i] = slab_cache_alloc(h.c, GFP_KERNEL);
	migrate_enable();
	for (i = 0; i < 6; i++)
		KUNIT_EXPECT_PTR_EQ(test, virt_to_folio(p[i]), a);
	race_finish(test, &h, p, 6);
}

/* The window's act: the object of the path freed again, by another CPU */
static bool race_free_again(struct slab_race *race, struct folio *slab)
{
	slabifier_free_as_remote(race->cache, race->data);
	return true;
}

/*
 * One object of a full slab freed by two CPUs at once: the second free
 * has checked the slab's free list and is about to take the list lock to
 * put the slab on the partial list when the first free lands and does
 * that.  Under the lock the second must find the object free, report a
 * double free and free nothing: the object comes back once.
 */
static void race_remote_double_free(struct kunit *test)
{
	struct race_held h = { .c = race_cache(test, 192) };
	unsigned int objs = race_stats(h.c).objs_per_slab, i;
	struct slab_race race = { .window = SLAB_RACE_REMOTE_LOCK,
				  .cache = h.c, .act = race_free_again };
	struct folio *a;
	void *p[2];

	migrate_disable();
	/* Slab A full and inactive, B the CPU's, with no free object */
	race_fill(test, &h, 2 * objs);
	a = virt_to_folio(h.obj[0]);
	race.data = h.obj[0];
	h.obj[0] = NULL;
	slab_race_arm(&race);
	slab_cache_free(h.c, race.data);
	KUNIT_EXPECT_TRUE(test, slab_race_disarm(&race));
	KUNIT_EXPECT_EQ(test, race_stats(h.c).double_frees, 1UL);
	KUNIT_EXPECT_EQ(test, race_stats(h.c).active_objs,
			2UL * objs - 1);
	KUNIT_EXPECT_EQ(test, race_stats(h.c).partial_slabs, 1UL);

	/* A's one free object, then a new slab */
	for (i = 0; i < ARRAY_SIZE(p); i++)
		p[i] = slab_cache_alloc(h.c, GFP_KERNEL);
	migrate_enable();
	KUNIT_EXPECT_PTR_EQ(test, p[0], race.data);
	KUNIT_EXPECT_PTR_NE(test, virt_to_folio(p[1]), a);
	race_expect_fresh(test, &h, p, ARRAY_SIZE(p));
	slab_cache_free_bulk(h.c, ARRAY_SIZE(p), p);
	slab_cache_free_bulk(h.c, h.nr, h.obj);
	slab_cache_shrink(h.c, NULL, NULL);
	KUNIT_EXPECT_EQ(test, race_stats(h.c).active_objs, 0UL);
	KUNIT_EXPECT_EQ(test, race_stats(h.c).double_frees, 1UL);
	KUNIT_EXPECT_EQ(test, slab_cache_destroy(h.c), 0);
}

#ifdef CONFIG_MODSLAB
/* The object whose index the switch's window takes, and what it found */
struct race_index {
	struct kmem_cache	*s;
	void			*obj;
	unsigned int		index;
};

static bool race_take_index(struct slab_race *race, struct folio *unused)
{
	struct race_index *ri = race->data;

	ri->index = obj_to_index(ri->s, virt_to_slab(ri->obj), ri->obj);
	return true;
}

/*
 * A switch marks its cache switched before it publishes its handle as the
 * cache's chain; memcg and allocation profiling take an object's index in
 * between, as another CPU's allocation would, and find the plain chain's.
 */
static void race_switch_publish(struct kunit *test)
{
	struct kmem_cache *s = kmem_cache_create("modslab_race_switch", 200, 0,
						 SLAB_NO_MERGE, NULL);
	struct race_index ri = { .s = s };
	struct slab_race race = { .window = SLAB_RACE_SWITCH_PUBLISH,
				  .act = race_take_index, .data = &ri };
	unsigned int want, i;
	void *p[3];

	KUNIT_ASSERT_NOT_NULL(test, s);
	for (i = 0; i < ARRAY_SIZE(p); i++) {
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, p[i]);
	}
	ri.obj = p[2];
	want = obj_to_index(s, virt_to_slab(p[2]), p[2]);
	ri.index = ~want;
	race.cache = s->cache;
	slab_race_arm(&race);
	KUNIT_EXPECT_EQ(test, kmem_cache_set_backing(s, "debug"), 0);
	KUNIT_EXPECT_TRUE(test, slab_race_disarm(&race));
	KUNIT_EXPECT_EQ(test, ri.index, want);
	/* And after it: the old chain's objects keep their index */
	KUNIT_EXPECT_EQ(test, obj_to_index(s, virt_to_slab(p[2]), p[2]), want);
	for (i = 0; i < ARRAY_SIZE(p); i++)
		kmem_cache_free(s, p[i]);
	kmem_cache_destroy(s);
}
#else
static void race_switch_publish(struct kunit *test)
{
	kunit_skip(test, "no kmem_cache switch without CONFIG_MODSLAB");
}
#endif

static struct kunit_case race_cases[] = {
	KUNIT_CASE(race_bulk_take_remote_free),
	KUNIT_CASE(race_take_remote_free),
	KUNIT_CASE(race_remote_free_remote_free),
	KUNIT_CASE(race_deactivate_remote_free),
	KUNIT_CASE(race_remote_double_free),
	KUNIT_CASE(race_switch_publish),
	{}
};

static struct kunit_suite race_suite = {
	.name = "modslab_race",
	.test_cases = race_cases,
};

kunit_test_suite(race_suite);

MODULE_DESCRIPTION("KUnit tests of the modslab slabifier's races");
MODULE_LICENSE("GPL");
