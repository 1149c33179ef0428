/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Race windows: named points of the slabifier's lock-free paths where a
 * KUnit case can run a callback, to put what another CPU might do at that
 * moment (a remote free, a take of the free list) exactly there.  A race
 * test is then deterministic: it does not loop hoping for the window.
 *
 * Built only into kernels with the framework's KUnit tests; elsewhere a
 * window is nothing at all.  In a KUnit kernel it is one patched jump
 * while no case has armed a window.
 */
#ifndef MM_ALLOCATORS_SLAB_RACE_H
#define MM_ALLOCATORS_SLAB_RACE_H

#include <linux/jump_label.h>

struct folio;
struct slab_cache;

/**
 * enum slab_race_window - where a race test can act
 * @SLAB_RACE_BULK_TAKE: a bulk allocation has read a partial slab's
 *	counters and is about to take its free list.
 * @SLAB_RACE_TAKE_ALL: a CPU has read a slab's free list and counters and
 *	is about to take the whole list (the remote frees of its active
 *	slab, or a partial slab it makes active).
 * @SLAB_RACE_REMOTE_FREE: a remote free has read the slab's free list
 *	head and is about to link its objects in front of it.
 * @SLAB_RACE_REMOTE_LOCK: a remote free has checked its objects against
 *	the slab's free list, found that the free moves the slab between
 *	lists, and is about to take the node's list lock to do it.
 * @SLAB_RACE_DEACTIVATE: a CPU giving its active slab back has read the
 *	slab's free list and is about to join its own list to it.
 * @SLAB_RACE_SWITCH_PUBLISH: a run-time switch of a kmem_cache's chain
 *	has marked the cache switched and is about to publish the switch's
 *	handle as the cache's chain (@cache: the chain before the switch).
 * @SLAB_RACE_NR: the number of windows.
 */
enum slab_race_window {
	SLAB_RACE_BULK_TAKE,
	SLAB_RACE_TAKE_ALL,
	SLAB_RACE_REMOTE_FREE,
	SLAB_RACE_REMOTE_LOCK,
	SLAB_RACE_DEACTIVATE,
	SLAB_RACE_SWITCH_PUBLISH,
	SLAB_RACE_NR,
};

/**
 * struct slab_race - a callback armed at one window of one cache
 * @window: where it runs.
 * @cache: whose paths it runs in; other caches pass the window untouched.
 * @act: runs in the window.  In the slabifier's windows interrupts are
 *	off and the locks of the path held: it may free objects of the
 *	cache as a remote CPU would (slabifier_free_as_remote()), nothing
 *	that takes the node list lock, except in SLAB_RACE_REMOTE_LOCK,
 *	which is passed without it; @slab is the slab the path works on.
 *	In the switch's window it runs in process context with the
 *	switch's mutex held, and @slab is NULL.
 *	Returns true once it has acted: the window then disarms itself.
 * @data: for @act.
 * @passes: times the window was passed while armed, acted on or not.
 */
struct slab_race {
	enum slab_race_window	window;
	struct slab_cache	*cache;
	bool			(*act)(struct slab_race *race,
				       struct folio *slab);
	void			*data;
	unsigned int		passes;
};

#ifdef CONFIG_MODSLAB_RACE_WINDOWS
DECLARE_STATIC_KEY_FALSE(slab_race_key);

void __slab_race_window(enum slab_race_window window, struct slab_cache *c,
			struct folio *slab);
void slab_race_arm(struct slab_race *race);
bool slab_race_disarm(struct slab_race *race);
void slabifier_free_as_remote(struct slab_cache *c, void *obj);

static __always_inline void slab_race_window(enum slab_race_window window,
					     struct slab_cache *c,
					     struct folio *slab)
{
	if (static_branch_unlikely(&slab_race_key))
		__slab_race_window(window, c, slab);
}
#else
static __always_inline void slab_race_window(enum slab_race_window window,
					     struct slab_cache *c,
					     struct folio *slab)
{
}
#endif

#endif /* MM_ALLOCATORS_SLAB_RACE_H */
