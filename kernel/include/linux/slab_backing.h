/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MODSLAB: kmem_caches and kmalloc-style size arrays on allocator chains
 * that kernel code composes with the derivers of <linux/allocator_derive.h>,
 * and the run-time change of the debugging layer of a live cache.
 * See Documentation/mm/modslab.rst, "Backing allocators".
 */
#ifndef _LINUX_SLAB_BACKING_H
#define _LINUX_SLAB_BACKING_H

#include <linux/allocator.h>
#include <linux/slab.h>
#include <linux/types.h>

struct kmalloc_set;

/* Smallest and largest object of a kmalloc_set. */
#define KMALLOC_SET_MIN_SHIFT	3
#define KMALLOC_SET_MAX_SHIFT	13
#define KMALLOC_SET_NR		(KMALLOC_SET_MAX_SHIFT - KMALLOC_SET_MIN_SHIFT + 1)

#ifdef CONFIG_MODSLAB
struct kmem_cache *kmem_cache_create_backed(const char *name,
					    unsigned int size,
					    struct kmem_cache_args *args,
					    slab_flags_t flags,
					    struct page_allocator *pa,
					    struct slab_allocator *sa);
int kmem_cache_destroy_backed(struct kmem_cache *s);
int kmem_cache_set_backing(struct kmem_cache *s, const char *spec);

struct kmalloc_set *kmalloc_set_create(const char *name,
				       struct page_allocator *pa,
				       struct slab_allocator *sa,
				       slab_flags_t flags);
void *kmalloc_set_alloc(struct kmalloc_set *set, size_t size, gfp_t gfp);
void kmalloc_set_free(struct kmalloc_set *set, const void *obj);
struct kmem_cache *kmalloc_set_cache(struct kmalloc_set *set, size_t size);
int kmalloc_set_destroy(struct kmalloc_set *set);
#endif

#endif /* _LINUX_SLAB_BACKING_H */
