/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hooks MODSLAB runs around every allocation and free, grouped the way
 * mm/slub.c groups them: one before allocating, one after, one on free.
 * The slabulator and kmalloc.c call them; slab_hooks.c holds the bodies.
 */
#ifndef MM_ALLOCATORS_SLAB_HOOKS_H
#define MM_ALLOCATORS_SLAB_HOOKS_H

#include <linux/types.h>

struct kmem_cache;
struct list_lru;
struct slab_cache_args;

bool slab_hook_pre_alloc(struct kmem_cache *s, gfp_t flags);
void *slab_hook_kfence_alloc(struct kmem_cache *s, size_t size, gfp_t flags);
void slab_hook_kfence_bulk(struct kmem_cache *s, gfp_t flags, size_t nr,
			   void **p);
gfp_t slab_hook_chain_gfp(gfp_t flags);
bool slab_hook_post_alloc(struct kmem_cache *s, struct list_lru *lru,
			  gfp_t flags, size_t nr, void **p, bool init,
			  size_t orig_size);
void *slab_hook_kmalloc(struct kmem_cache *s, void *p, size_t size,
			gfp_t flags);
bool slab_hook_free(struct kmem_cache *s, void *x);
bool slab_hook_charge(void *objp, gfp_t flags);
unsigned int slab_hook_cache_args(struct kmem_cache *s,
				  struct slab_cache_args *ca, bool debug);

#endif /* MM_ALLOCATORS_SLAB_HOOKS_H */
