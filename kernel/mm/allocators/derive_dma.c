// SPDX-License-Identifier: GPL-2.0
/*
 * The gfp deriver: a page allocator that forces gfp bits on every request,
 * above all a zone modifier (GFP_DMA, GFP_DMA32) so that a cache's slabs
 * come from memory a device can reach.
 *
 * Only bits that say where pages come from or how hard to try make sense
 * here.  Bits that change the context of the caller (reclaim, I/O, fs,
 * atomic reserves) would make an atomic caller sleep or drain reserves it
 * did not ask for, __GFP_COMP is the page allocator's business, and zeroed
 * or high or movable slab pages make no sense: all refused, with the
 * reason.  A zone that has no memory on this machine, or on one of the
 * nodes the base is bound to, is refused too; so is a zone over a reserve,
 * which would hand out its own pages of any zone when its base fails.
 */

#define pr_fmt(fmt) "modslab: " fmt

#include <linux/allocator_derive.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/mmzone.h>
#include <linux/printk.h>
#include <linux/slab.h>

#include "internal.h"

#define GFP_PA_ZONES	(__GFP_DMA | __GFP_DMA32)
#define GFP_PA_ALLOWED	(GFP_PA_ZONES | __GFP_RECLAIMABLE | __GFP_ACCOUNT | \
			 __GFP_NOWARN | __GFP_NORETRY | __GFP_RETRY_MAYFAIL | \
			 __GFP_NOMEMALLOC | __GFP_HARDWALL | __GFP_THISNODE)

/**
 * struct gfp_pa - a gfp forcing page allocator
 * @pa: the allocator; @pa.gfp holds the bits of the whole chain.
 * @own: the bits this layer adds.
 */
struct gfp_pa {
	struct page_allocator	pa;
	gfp_t			own;
};

static inline struct gfp_pa *to_gfp_pa(struct page_allocator *pa)
{
	return container_of(pa, struct gfp_pa, pa);
}

static struct folio *gfp_pa_alloc(struct page_allocator *pa, gfp_t gfp,
				  unsigned int order, int node)
{
	return page_allocator_alloc(pa->base, gfp | to_gfp_pa(pa)->own, order,
				    node);
}

static void gfp_pa_free(struct page_allocator *pa, struct folio *folio,
			unsigned int order)
{
	page_allocator_free(pa->base, folio, order);
}

static void gfp_pa_free_after_gp(struct page_allocator *pa,
				 struct folio *folio, unsigned int order)
{
	page_allocator_free_after_gp(pa->base, folio, order);
}

static int gfp_pa_describe(struct page_allocator *pa, char *buf, size_t len)
{
	return scnprintf(buf, len, "%s(%pGg)", pa->name, &to_gfp_pa(pa)->own);
}

static void gfp_pa_release(struct page_allocator *pa)
{
	kfree(to_gfp_pa(pa));
}

static const struct page_allocator_ops gfp_pa_ops = {
	.alloc		= gfp_pa_alloc,
	.free		= gfp_pa_free,
	.free_after_gp	= gfp_pa_free_after_gp,
	.describe	= gfp_pa_describe,
	.release	= gfp_pa_release,
};

/*
 * Does @zt have memory the page allocator manages on every node @base may
 * take pages from (its bound node, the nodes it interleaves over), or, for
 * an unbound base, anywhere?
 */
static bool gfp_pa_zone_has_memory(enum zone_type zt,
				   struct page_allocator *base)
{
	nodemask_t nodes;
	int n;

	if (page_allocator_nodes(base, &nodes)) {
		for_each_node_mask(n, nodes) {
			if (!zone_managed_pages(&NODE_DATA(n)->node_zones[zt]))
				return false;
		}
		return true;
	}
	for_each_node_state(n, N_MEMORY) {
		if (zone_managed_pages(&NODE_DATA(n)->node_zones[zt]))
			return true;
	}
	return false;
}

/* Returns why @gfp cannot be forced on @base, or NULL. */
static const char *gfp_pa_check(struct page_allocator *base, gfp_t gfp)
{
	gfp_t zone = gfp & GFP_PA_ZONES;

	if (!gfp)
		return "no gfp bits to force";
	if (gfp & __GFP_COMP)
		return "__GFP_COMP is up to the page allocator";
	if (gfp & (__GFP_HIGHMEM | __GFP_MOVABLE))
		return "slab pages must be in the direct map and unmovable";
	if (gfp & __GFP_ZERO)
		return "zeroing is per object (__GFP_ZERO on allocation)";
	if (gfp & ~GFP_PA_ALLOWED)
		return "bits that change the caller's context cannot be forced";
	if ((gfp & __GFP_NORETRY) && (gfp & __GFP_RETRY_MAYFAIL))
		return "__GFP_NORETRY and __GFP_RETRY_MAYFAIL contradict each other";
	if (zone == GFP_PA_ZONES)
		return "two zones (__GFP_DMA and __GFP_DMA32) at once";
	if (zone && (base->gfp & GFP_PA_ZONES) &&
	    (base->gfp & GFP_PA_ZONES) != zone)
		return "the base already forces another zone";
	if (!(gfp & ~base->gfp))
		return "the base already forces all of these bits";
	if ((zone & __GFP_DMA) && !IS_ENABLED(CONFIG_ZONE_DMA))
		return "this kernel has no ZONE_DMA";
	if ((zone & __GFP_DMA32) && !IS_ENABLED(CONFIG_ZONE_DMA32))
		return "this kernel has no ZONE_DMA32";
	if (zone && (base->traits & PAGE_ALLOCATOR_RESERVE))
		return "the reserve below holds pages of any zone (put the reserve above)";
	if (zone && !gfp_pa_zone_has_memory(gfp_zone(zone), base))
		return base->traits & PAGE_ALLOCATOR_NODE_BOUND ?
			"the zone has no memory on a node the base is bound to" :
			"the zone has no memory on this machine";
	return NULL;
}

/**
 * gfp_page_allocator() - derive a page allocator forcing gfp bits
 * @base: the allocator to derive from.
 * @gfp: bits to add to every request: at most one zone modifier
 *	(__GFP_DMA or __GFP_DMA32) and any of __GFP_RECLAIMABLE,
 *	__GFP_ACCOUNT, __GFP_NOWARN, __GFP_NORETRY, __GFP_RETRY_MAYFAIL,
 *	__GFP_NOMEMALLOC, __GFP_HARDWALL, __GFP_THISNODE.
 *
 * The result has the %PAGE_ALLOCATOR_GFP_FORCED trait, and &page_allocator.gfp
 * says what the chain forces.  Refused (with one message): other bits, two
 * zones, a zone other than the one the base forces, bits the base forces
 * already, a zone without memory on this machine or on a node the base
 * is bound to, a zone over a reserve (whose pages were taken without it).
 *
 * Context: process context, may sleep.
 * Return: the new allocator (one reference for the caller), or
 * ERR_PTR(-EINVAL), ERR_PTR(-ENOMEM).
 */
struct page_allocator *gfp_page_allocator(struct page_allocator *base,
					  gfp_t gfp)
{
	const char *why;
	struct gfp_pa *g;

	if (!base) {
		pr_err("gfp page allocator: no base allocator given\n");
		return ERR_PTR(-EINVAL);
	}
	why = gfp_pa_check(base, gfp);
	if (why) {
		pr_err("gfp page allocator over %s: cannot force %pGg: %s\n",
		       base->name, &gfp, why);
		return ERR_PTR(-EINVAL);
	}
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return ERR_PTR(-ENOMEM);
	page_allocator_init(&g->pa, &gfp_pa_ops,
			    gfp & __GFP_DMA ? "dma" :
			    gfp & __GFP_DMA32 ? "dma32" : "gfp", base);
	g->own = gfp;
	g->pa.gfp |= gfp;
	g->pa.traits |= PAGE_ALLOCATOR_GFP_FORCED;
	return &g->pa;
}
EXPORT_SYMBOL_GPL(gfp_page_allocator);

/**
 * dma_page_allocator() - derive a page allocator whose pages are in ZONE_DMA
 * @base: the allocator to derive from.
 *
 * gfp_page_allocator() with %GFP_DMA.
 *
 * Context: process context, may sleep.
 * Return: the new allocator, or an ERR_PTR() (e.g. when the machine has no
 * ZONE_DMA memory).
 */
struct page_allocator *dma_page_allocator(struct page_allocator *base)
{
	return gfp_page_allocator(base, GFP_DMA);
}
EXPORT_SYMBOL_GPL(dma_page_allocator);

/**
 * dma32_page_allocator() - derive a page allocator whose pages are in ZONE_DMA32
 * @base: the allocator to derive from.
 *
 * gfp_page_allocator() with %GFP_DMA32.
 *
 * Context: process context, may sleep.
 * Return: the new allocator, or an ERR_PTR().
 */
struct page_allocator *dma32_page_allocator(struct page_allocator *base)
{
	return gfp_page_allocator(base, GFP_DMA32);
}
EXPORT_SYMBOL_GPL(dma32_page_allocator);
