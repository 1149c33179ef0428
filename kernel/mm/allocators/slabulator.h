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
struct page_allocator;
struct slab_allocator;
struct slab_cache;
struct slab_cache_hook;

/**
 * enum slab_backing_kind - page-level derivers a chain can name
 * @SLAB_BACKING_RCU: rcu_page_allocator().
 * @SLAB_BACKING_DMA: dma_page_allocator().
 * @SLAB_BACKING_DMA32: dma32_page_allocator().
 * @SLAB_BACKING_NODE: node_page_allocator() on node &slab_backing_step.arg.
 * @SLAB_BACKING_INTERLEAVE: interleave_page_allocator() over the nodes
 *	with memory.
 * @SLAB_BACKING_RESERVE: reserve_page_allocator() of &slab_backing_step.arg
 *	slabs.
 */
enum slab_backing_kind {
	SLAB_BACKING_RCU,
	SLAB_BACKING_DMA,
	SLAB_BACKING_DMA32,
	SLAB_BACKING_NODE,
	SLAB_BACKING_INTERLEAVE,
	SLAB_BACKING_RESERVE,
};

/**
 * struct slab_backing_step - one page-level deriver of a chain
 * @kind: which.
 * @arg: its number (node, slabs of a reserve), 0 if it takes none.
 */
struct slab_backing_step {
	enum slab_backing_kind	kind;
	unsigned int		arg;
};

#define SLAB_BACKING_MAX_STEPS	8

/**
 * struct slab_backing - a chain as modslab.backing= or a sysfs write names it
 * @has_debug: the chain has a debug layer.
 * @debug: its &enum slab_debug_flags.
 * @nr: number of page-level derivers in @step.
 * @step: page-level derivers, outermost first.
 */
struct slab_backing {
	bool				has_debug;
	unsigned int			debug;
	unsigned int			nr;
	struct slab_backing_step	step[SLAB_BACKING_MAX_STEPS];
};

/**
 * struct slabulator_chain - what slabulator_build_chain() builds on
 * @pa: page allocator to build on, or NULL for the buddy allocator.
 * @sa: slab allocator to build on, or NULL for the slabifier.
 * @spec: derivers to add, or NULL.
 * @set_debug: take the debug layer from @debug, not from the cache's flags
 *	or @spec.
 * @debug: &enum slab_debug_flags when @set_debug (0: no debug layer).
 * @hook: one more per-slab hook for the slabifier cache, or NULL.
 */
struct slabulator_chain {
	struct page_allocator		*pa;
	struct slab_allocator		*sa;
	const struct slab_backing	*spec;
	bool				set_debug;
	unsigned int			debug;
	struct slab_cache_hook		*hook;
};

struct slab_cache *slabulator_make_chain(struct kmem_cache *s,
					 struct kmem_cache_args *args,
					 unsigned int *left_pad);
struct slab_cache *slabulator_build_chain(struct kmem_cache *s,
					  unsigned int align,
					  const struct kmem_cache_args *args,
					  const struct slabulator_chain *req);
int slabulator_describe(struct kmem_cache *s, char *buf, size_t len);
int slabulator_describe_chain(struct slab_cache *c, char *buf, size_t len);

/* slab_backing.c */
int slab_backing_parse(const char *str, size_t len, struct slab_backing *b,
		       const char *ctx);
int slab_backing_describe(const struct slab_backing *b, char *buf, size_t len);
struct page_allocator *slab_backing_derive(const struct slab_backing_step *step,
					   struct page_allocator *base,
					   unsigned int order);
bool slab_backing_glob(const char *pat, size_t plen, const char *s);
const struct slab_backing *slab_backing_for(const char *name);
slab_flags_t slab_backing_flags_for(const char *name);
bool slab_backing_request(const char *name, struct page_allocator **pa,
			  struct slab_allocator **sa);

/* slab_switch.c */
bool slab_switch_active(struct slab_cache *c);
bool slab_switch_empty(struct slab_cache *c);
struct slab_cache *slab_switch_current(struct slab_cache *c);
struct slab_cache *slab_switch_chain_of(struct slab_cache *c, const void *obj);
int slab_switch_describe(struct slab_cache *c, char *buf, size_t len);
void slab_switch_release(struct kmem_cache *s);
void slab_switch_reap(struct slab_cache *c);
unsigned int slab_switch_nr_chains(struct slab_cache *c);
slab_flags_t slab_debug_flags_for(slab_flags_t flags, const char *name);
void kmalloc_dma_flush(void);
bool kmalloc_boot_owns(const void *object);
void *kmalloc_boot_object(unsigned int i, size_t *size);
#ifdef CONFIG_SYSFS
int sysfs_slab_add(struct kmem_cache *s);
#else
static inline int sysfs_slab_add(struct kmem_cache *s)
{
	return 0;
}
#endif

#endif /* MM_ALLOCATORS_SLABULATOR_H */
