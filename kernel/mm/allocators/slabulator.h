/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of MODSLAB (slabulator.c, kmalloc.c, slab_sysfs.c,
 * slab_options.c) share.  Nothing below the slabulator includes this.
 */
#ifndef MM_ALLOCATORS_SLABULATOR_H
#define MM_ALLOCATORS_SLABULATOR_H

#include <linux/types.h>

struct kmem_cache;
struct kmem_cache_args;
struct slab_cache;

void *slabulator_alloc(struct kmem_cache *s, gfp_t flags, int node,
		       size_t orig_size);
void slabulator_free(struct kmem_cache *s, void *x);
struct slab_cache *slabulator_make_chain(struct kmem_cache *s,
					 struct kmem_cache_args *args,
					 unsigned int *left_pad);
int slabulator_describe(struct kmem_cache *s, char *buf, size_t len);
slab_flags_t slab_debug_flags_for(const char *name);
void kmalloc_dma_flush(void);
#ifdef CONFIG_SYSFS
int sysfs_slab_add(struct kmem_cache *s);
#else
static inline int sysfs_slab_add(struct kmem_cache *s)
{
	return 0;
}
#endif

#endif /* MM_ALLOCATORS_SLABULATOR_H */
