// SPDX-License-Identifier: GPL-2.0
/*
 * Race windows for KUnit (slab_race.h).  One race is armed at a time: a
 * case arms it, runs the path that passes the window, and disarms it.
 * The window runs the callback at most once with effect, and never
 * inside itself (the callback's own remote free passes windows too).
 */
#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/export.h>
#include <linux/jump_label.h>
#include <linux/processor.h>
#include <kunit/visibility.h>

#include "slab_race.h"

/* Only slabifier.c, built in, tests it */
DEFINE_STATIC_KEY_FALSE(slab_race_key);

static struct slab_race *slab_race_armed;
static atomic_t slab_race_busy = ATOMIC_INIT(0);

void __slab_race_window(enum slab_race_window window, struct slab_cache *c,
			struct folio *slab)
{
	struct slab_race *race = READ_ONCE(slab_race_armed);

	if (!race || race->window != window || race->cache != c)
		return;
	if (atomic_cmpxchg(&slab_race_busy, 0, 1))
		return;
	race->passes++;
	if (race->act(race, slab))
		cmpxchg(&slab_race_armed, race, NULL);
	atomic_set_release(&slab_race_busy, 0);
}
EXPORT_SYMBOL_IF_KUNIT(__slab_race_window);

/**
 * slab_race_arm() - arm a race window
 * @race: the window, cache and callback; stays the caller's.
 *
 * Context: process context; may sleep.  One race at a time.
 */
void slab_race_arm(struct slab_race *race)
{
	race->passes = 0;
	WARN_ON_ONCE(cmpxchg(&slab_race_armed, NULL, race));
	static_branch_enable(&slab_race_key);
}
EXPORT_SYMBOL_IF_KUNIT(slab_race_arm);

/**
 * slab_race_disarm() - disarm a race window
 * @race: as armed.
 *
 * Context: process context; may sleep.
 * Return: true if the callback acted (the window disarmed itself).
 */
bool slab_race_disarm(struct slab_race *race)
{
	bool acted = cmpxchg(&slab_race_armed, race, NULL) != race;

	static_branch_disable(&slab_race_key);
	/* A window on another CPU may still be inside the callback */
	while (atomic_read_acquire(&slab_race_busy))
		cpu_relax();
	return acted;
}
EXPORT_SYMBOL_IF_KUNIT(slab_race_disarm);
