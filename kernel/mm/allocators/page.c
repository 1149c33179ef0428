// SPDX-License-Identifier: GPL-2.0
/*
 * Page allocators: the lifetime rules every page allocator follows, and the
 * base page allocator over the buddy allocator.
 *
 * A page allocator is a const table of methods and a small instance that
 * derived allocators embed.  Each derived allocator holds one reference on
 * its base; dropping the last reference on the top of a chain releases the
 * chain down to the first allocator that is still referenced elsewhere.
 * The buddy allocator is static and never released.
 */
#include <linux/allocator.h>
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/printk.h>

#include "internal.h"

/**
 * page_allocator_init() - initialise a (derived) page allocator
 * @pa: the allocator, usually embedded in the deriver's own structure.
 * @ops: its methods; @ops->alloc and @ops->free are mandatory.
 * @name: short name of the layer.
 * @base: the allocator it derives from, or NULL.  A reference is taken.
 *
 * The new allocator inherits the traits, the forced gfp bits and the node
 * binding of @base; the deriver adds its own afterwards.  The caller owns
 * the one reference the allocator starts with.
 *
 * Context: any.
 */
void page_allocator_init(struct page_allocator *pa,
			 const struct page_allocator_ops *ops,
			 const char *name, struct page_allocator *base)
{
	pa->ops = ops;
	pa->name = name;
	pa->base = base ? page_allocator_get(base) : NULL;
	kref_init(&pa->ref);
	pa->traits = base ? base->traits : 0;
	pa->gfp = base ? base->gfp : 0;
	pa->node = base ? base->node : NUMA_NO_NODE;
}
EXPORT_SYMBOL_GPL(page_allocator_init);

/**
 * page_allocator_get() - take a reference on a page allocator
 * @pa: the allocator.
 *
 * Context: any.
 * Return: @pa.
 */
struct page_allocator *page_allocator_get(struct page_allocator *pa)
{
	kref_get(&pa->ref);
	return pa;
}
EXPORT_SYMBOL_GPL(page_allocator_get);

static void page_allocator_release(struct kref *ref)
{
	struct page_allocator *pa = container_of(ref, struct page_allocator,
						 ref);
	struct page_allocator *base = pa->base;

	if (!pa->ops->release) {
		pr_err("modslab: page allocator %s lost its last reference but cannot be released\n",
		       pa->name);
		return;
	}
	pa->ops->release(pa);
	if (base)
		page_allocator_put(base);
}

/**
 * page_allocator_put() - drop a reference on a page allocator
 * @pa: the allocator, or NULL.
 *
 * The last reference releases @pa and drops its reference on its base,
 * so that releasing the top of a chain releases the chain.
 *
 * Context: any; does not sleep unless a @release method does.
 */
void page_allocator_put(struct page_allocator *pa)
{
	if (pa)
		kref_put(&pa->ref, page_allocator_release);
}
EXPORT_SYMBOL_GPL(page_allocator_put);

/**
 * page_allocator_describe() - describe a chain of page allocators
 * @pa: the top of the chain.
 * @buf: buffer.
 * @len: its size.
 *
 * Writes "top -> ... -> base", each layer as its @describe method or its name.
 *
 * Context: may sleep.
 * Return: the number of characters written, excluding the final NUL.
 */
int page_allocator_describe(struct page_allocator *pa, char *buf, size_t len)
{
	size_t n = 0;

	if (len)
		buf[0] = '\0';
	for (; pa && n < len; pa = pa->base) {
		if (pa->ops->describe)
			n += pa->ops->describe(pa, buf + n, len - n);
		else
			n += scnprintf(buf + n, len - n, "%s", pa->name);
		if (pa->base && n < len)
			n += scnprintf(buf + n, len - n, " -> ");
	}
	return n;
}
EXPORT_SYMBOL_GPL(page_allocator_describe);

/*
 * The buddy page allocator.
 */

static struct folio *buddy_alloc(struct page_allocator *pa, gfp_t gfp,
				 unsigned int order, int node)
{
	struct page *page;

	if (order)
		gfp |= __GFP_COMP;
	page = alloc_pages_node(node, gfp, order);
	return page ? page_folio(page) : NULL;
}

static void buddy_free(struct page_allocator *pa, struct folio *folio,
		       unsigned int order)
{
	__free_pages(&folio->page, order);
}

static const struct page_allocator_ops buddy_ops = {
	.alloc	= buddy_alloc,
	.free	= buddy_free,
};

static struct page_allocator buddy_allocator = {
	.ops	= &buddy_ops,
	.name	= "buddy",
	.ref	= KREF_INIT(1),
	.node	= NUMA_NO_NODE,
};

/**
 * buddy_page_allocator() - the base page allocator over the buddy allocator
 *
 * The allocator is static: callers need not take a reference to use it,
 * and derivers and caches take their own.
 *
 * Context: any.
 * Return: the buddy page allocator.
 */
struct page_allocator *buddy_page_allocator(void)
{
	return &buddy_allocator;
}
EXPORT_SYMBOL_GPL(buddy_page_allocator);
