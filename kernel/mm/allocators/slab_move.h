/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Moving objects of kmem_caches, inside the slabulator (slab_move.c).
 */
#ifndef MM_ALLOCATORS_SLAB_MOVE_H
#define MM_ALLOCATORS_SLAB_MOVE_H

#include <kunit/visibility.h>

struct kmem_cache;
struct shrinker;
struct shrink_control;

unsigned long slab_move_shrink(struct kmem_cache *s);
void slab_move_quiesce(struct kmem_cache *s);

#if IS_ENABLED(CONFIG_KUNIT)
unsigned long slab_move_count(struct shrinker *sh, struct shrink_control *sc);
unsigned long slab_move_scan(struct shrinker *sh, struct shrink_control *sc);
void slab_move_flush(void);
#endif

#endif /* MM_ALLOCATORS_SLAB_MOVE_H */
