// SPDX-License-Identifier: GPL-2.0
/*
 * The node deriver: a page allocator bound to one node, or interleaving
 * over a set of nodes, one slab at a time.
 *
 * Binding is strict: pages are requested with __GFP_THISNODE, so a bound
 * cache never silently gets memory of another node; when the node is out
 * of memory the allocation fails.  Interleaving picks the nodes of its set
 * round robin and falls back to the next node of the set, never outside
 * it.  As in SLUB, placement is per slab, not per object.
 *
 * Refused: a node that does not exist, is offline or has no memory; a
 * zone forced below (dma) that has no memory on the node; binding a chain
 * that is already bound; binding over a reserve, which would hand out its
 * own pages of any node when its base fails.  An interleaving allocator
 * honours a caller's preferred node when it is in its set.
 */

#define pr_fmt(fmt) "modslab: " fmt

#include <linux/allocator_derive.h>
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/printk.h>
#include <linux/slab.h>

#include "internal.h"

/**
 * struct node_pa - a node binding or interleaving page allocator
 * @pa: the allocator; @pa.node is the bound node, or %NUMA_NO_NODE when
 *	interleaving.
 * @nodes: the nodes to interleave over.
 * @next: round robin cursor.
 */
struct node_pa {
	struct page_allocator	pa;
	nodemask_t		nodes;
	atomic_t		next;
};

static inline struct node_pa *to_node_pa(struct page_allocator *pa)
{
	return container_of(pa, struct node_pa, pa);
}

static struct folio *node_pa_alloc(struct page_allocator *pa, gfp_t gfp,
				   unsigned int order, int node)
{
	return page_allocator_alloc(pa->base, gfp | __GFP_THISNODE, order,
				    pa->node);
}

static struct folio *interleave_pa_alloc(struct page_allocator *pa, gfp_t gfp,
					 unsigned int order, int node)
{
	struct node_pa *np = to_node_pa(pa);
	unsigned int i, nr = nodes_weight(np->nodes);
	unsigned int start;
	struct folio *folio;
	int nid;

	/* A caller's preference within the set wins over the round robin */
	if (node != NUMA_NO_NODE && node_isset(node, np->nodes)) {
		folio = page_allocator_alloc(pa->base,
					     gfp | __GFP_THISNODE | __GFP_NOWARN,
					     order, node);
		if (folio)
			return folio;
	}
	start = atomic_inc_return(&np->next);
	for (i = 0; i < nr; i++) {
		nid = find_nth_bit(np->nodes.bits, MAX_NUMNODES,
				   (start + i) % nr);
		folio = page_allocator_alloc(pa->base,
					     gfp | __GFP_THISNODE | __GFP_NOWARN,
					     order, nid);
		if (folio)
			return folio;
	}
	return NULL;
}

static void node_pa_free(struct page_allocator *pa, struct folio *folio,
			 unsigned int order)
{
	page_allocator_free(pa->base, folio, order);
}

static void node_pa_free_after_gp(struct page_allocator *pa,
				  struct folio *folio, unsigned int order)
{
	page_allocator_free_after_gp(pa->base, folio, order);
}

static int node_pa_describe(struct page_allocator *pa, char *buf, size_t len)
{
	struct node_pa *np = to_node_pa(pa);

	if (pa->node != NUMA_NO_NODE)
		return scnprintf(buf, len, "node(%d)", pa->node);
	return scnprintf(buf, len, "interleave(%*pbl)",
			 nodemask_pr_args(&np->nodes));
}

static void node_pa_release(struct page_allocator *pa)
{
	kfree(to_node_pa(pa));
}

static const struct page_allocator_ops node_pa_ops = {
	.alloc		= node_pa_alloc,
	.free		= node_pa_free,
	.free_after_gp	= node_pa_free_after_gp,
	.describe	= node_pa_describe,
	.release	= node_pa_release,
};

static const struct page_allocator_ops interleave_pa_ops = {
	.alloc		= interleave_pa_alloc,
	.free		= node_pa_free,
	.free_after_gp	= node_pa_free_after_gp,
	.describe	= node_pa_describe,
	.release	= node_pa_release,
};

/* Returns why @base cannot be bound to @nid, or NULL. */
static const char *node_pa_check(struct page_allocator *base, int nid)
{
	enum zone_type zt;

	if (nid < 0 || nid >= MAX_NUMNODES)
		return "no such node";
	if (!node_online(nid))
		return "the node is offline";
	if (!node_state(nid, N_MEMORY))
		return "the node has no memory";
	if (base->traits & PAGE_ALLOCATOR_RESERVE)
		return "the reserve below holds pages of any node (put the reserve above)";
	if (base->gfp & (__GFP_DMA | __GFP_DMA32)) {
		zt = gfp_zone(base->gfp);
		if (!zone_managed_pages(&NODE_DATA(nid)->node_zones[zt]))
			return "the node has no memory in the zone the base forces";
	}
	return NULL;
}

static struct node_pa *node_pa_new(struct page_allocator *base,
				   const struct page_allocator_ops *ops,
				   const char *name)
{
	struct node_pa *np;

	np = kzalloc(sizeof(*np), GFP_KERNEL);
	if (!np)
		return NULL;
	page_allocator_init(&np->pa, ops, name, base);
	np->pa.traits |= PAGE_ALLOCATOR_NODE_BOUND;
	return np;
}

/**
 * page_allocator_nodes() - the nodes a chain takes its pages from
 * @pa: the chain.
 * @nodes: set to the node @pa is bound to, or the nodes it interleaves over.
 *
 * Context: any.
 * Return: true if @pa is node bound (and @nodes was set), false otherwise.
 */
bool page_allocator_nodes(struct page_allocator *pa, nodemask_t *nodes)
{
	if (!(pa->traits & PAGE_ALLOCATOR_NODE_BOUND))
		return false;
	for (; pa; pa = pa->base) {
		if (pa->ops == &node_pa_ops || pa->ops == &interleave_pa_ops) {
			*nodes = to_node_pa(pa)->nodes;
			return true;
		}
	}
	return false;
}

/**
 * node_page_allocator() - derive a page allocator bound to a node
 * @base: the allocator to derive from; must not be node bound already.
 * @nid: the node, online and with memory (in the zone @base forces, if
 *	any).
 *
 * Every block comes from @nid (with __GFP_THISNODE): the node asked for by
 * a caller is ignored.  The result has the %PAGE_ALLOCATOR_NODE_BOUND
 * trait and &page_allocator.node set to @nid.
 *
 * Context: process context, may sleep.
 * Return: the new allocator (one reference for the caller), or
 * ERR_PTR(-EINVAL) with one message, ERR_PTR(-ENOMEM).
 */
struct page_allocator *node_page_allocator(struct page_allocator *base,
					   int nid)
{
	struct node_pa *np;
	const char *why;

	if (!base) {
		pr_err("node page allocator: no base allocator given\n");
		return ERR_PTR(-EINVAL);
	}
	if (base->traits & PAGE_ALLOCATOR_NODE_BOUND) {
		pr_err("node page allocator over %s: the base is already node bound\n",
		       base->name);
		return ERR_PTR(-EINVAL);
	}
	why = node_pa_check(base, nid);
	if (why) {
		pr_err("node page allocator over %s: cannot bind to node %d: %s\n",
		       base->name, nid, why);
		return ERR_PTR(-EINVAL);
	}
	np = node_pa_new(base, &node_pa_ops, "node");
	if (!np)
		return ERR_PTR(-ENOMEM);
	np->pa.node = nid;
	node_set(nid, np->nodes);
	return &np->pa;
}
EXPORT_SYMBOL_GPL(node_page_allocator);

/**
 * interleave_page_allocator() - derive a page allocator interleaving over nodes
 * @base: the allocator to derive from; must not be node bound already.
 * @nodes: the nodes, each online and with memory (in the zone @base
 *	forces, if any); not empty.
 *
 * Blocks come from the node a caller prefers when it is in @nodes, else
 * from the nodes of @nodes in turn; when one is out of memory the next one
 * of the set is tried.  The result has the
 * %PAGE_ALLOCATOR_NODE_BOUND trait; &page_allocator.node is
 * %NUMA_NO_NODE.
 *
 * Context: process context, may sleep.
 * Return: the new allocator (one reference for the caller), or
 * ERR_PTR(-EINVAL) with one message, ERR_PTR(-ENOMEM).
 */
struct page_allocator *interleave_page_allocator(struct page_allocator *base,
						 const nodemask_t *nodes)
{
	struct node_pa *np;
	const char *why;
	int nid;

	if (!base || !nodes) {
		pr_err("interleave page allocator: no %s given\n",
		       base ? "node mask" : "base allocator");
		return ERR_PTR(-EINVAL);
	}
	if (base->traits & PAGE_ALLOCATOR_NODE_BOUND) {
		pr_err("interleave page allocator over %s: the base is already node bound\n",
		       base->name);
		return ERR_PTR(-EINVAL);
	}
	if (nodes_empty(*nodes)) {
		pr_err("interleave page allocator over %s: empty node mask\n",
		       base->name);
		return ERR_PTR(-EINVAL);
	}
	for_each_node_mask(nid, *nodes) {
		why = node_pa_check(base, nid);
		if (why) {
			pr_err("interleave page allocator over %s: node %d: %s\n",
			       base->name, nid, why);
			return ERR_PTR(-EINVAL);
		}
	}
	np = node_pa_new(base, &interleave_pa_ops, "interleave");
	if (!np)
		return ERR_PTR(-ENOMEM);
	np->nodes = *nodes;
	atomic_set(&np->next, -1);
	return &np->pa;
}
EXPORT_SYMBOL_GPL(interleave_page_allocator);
