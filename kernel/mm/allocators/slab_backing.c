// SPDX-License-Identifier: GPL-2.0
/*
 * Backing allocators of MODSLAB kmem_caches.
 *
 * A kmem_cache is a chain of allocators (slabulator.c).  Its chain is
 * normally chosen from its flags; this file lets it be chosen otherwise:
 *
 *  - at boot, by name, with modslab.backing=<glob>:<chain>[;<glob>:<chain>...]
 *    where <chain> lists derivers outermost first over the slabifier, e.g.
 *    "filp:debug(FZP),rcu" gives debug(FZP) -> slabifier -> rcu -> buddy;
 *  - by kernel code that composed its own page and slab allocators, with
 *    kmem_cache_create_backed() and kmalloc_set_create();
 *  - at run time, for the debugging layer, with kmem_cache_set_backing()
 *    (slab_switch.c), which /sys/kernel/slab/<cache>/allocator takes.
 *
 * Derivers named in a chain: debug(<letters>) (SLUB's F Z P U T; none means
 * FZPU), rcu, dma, dma32, node(<nid>), interleave (over the nodes with
 * memory) and reserve(<n>) (n slabs kept back for when the page allocator
 * fails).  Constructors come from the cache itself and cannot be named.
 * Layers the flags of a cache ask for (dma for SLAB_CACHE_DMA, rcu for
 * SLAB_TYPESAFE_BY_RCU, debug for slab_debug=) are kept unless the chain
 * already has one of that kind.
 */

/* Messages name what they are about: the boot option or the cache. */
#define pr_fmt(fmt) fmt

#include <linux/allocator.h>
#include <linux/allocator_derive.h>
#include <linux/ctype.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/slab_backing.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "../slab.h"
#include "slabulator.h"

static const char * const slab_backing_names[] = {
	[SLAB_BACKING_RCU]		= "rcu",
	[SLAB_BACKING_DMA]		= "dma",
	[SLAB_BACKING_DMA32]		= "dma32",
	[SLAB_BACKING_NODE]		= "node",
	[SLAB_BACKING_INTERLEAVE]	= "interleave",
	[SLAB_BACKING_RESERVE]		= "reserve",
};

/**
 * slab_backing_glob() - does a cache name match a glob
 * @pat: the glob; '*' matches any run of characters, '?' any one.
 * @plen: its length.
 * @s: the name.
 *
 * Context: any.
 * Return: true if @s matches all of @pat.
 */
bool slab_backing_glob(const char *pat, size_t plen, const char *s)
{
	const char *star = NULL, *retry = NULL, *end = pat + plen;

	while (*s) {
		if (pat < end && (*pat == '?' || *pat == *s)) {
			pat++;
			s++;
		} else if (pat < end && *pat == '*') {
			star = ++pat;
			retry = s;
		} else if (star) {
			pat = star;
			s = ++retry;
		} else {
			return false;
		}
	}
	while (pat < end && *pat == '*')
		pat++;
	return pat == end;
}
EXPORT_SYMBOL_IF_KUNIT(slab_backing_glob);

static int backing_bad(const char *ctx, const char *what, const char *piece,
		       size_t len)
{
	pr_err("%s: %s '%.*s'\n", ctx, what, (int)len, piece);
	return -EINVAL;
}

/* One deriver of a chain: "name" or "name(arg)", @len characters. */
static int backing_parse_step(const char *p, size_t len,
			      struct slab_backing *b, const char *ctx)
{
	const char *open = strnchr(p, len, '(');
	size_t nlen = open ? open - p : len;
	const char *arg = open ? open + 1 : NULL;
	size_t alen = 0;
	char num[12];
	unsigned int i, v = 0;

	if (open) {
		if (p[len - 1] != ')')
			return backing_bad(ctx, "missing ')' in", p, len);
		alen = p + len - 1 - arg;
		if (strnchr(arg, alen, '(') || strnchr(arg, alen, ')'))
			return backing_bad(ctx, "bad parentheses in", p, len);
	} else if (strnchr(p, len, ')')) {
		return backing_bad(ctx, "bad parentheses in", p, len);
	}
	if (!nlen)
		return backing_bad(ctx, "empty deriver name in", p, len);

	if (nlen == 5 && !strncmp(p, "debug", 5)) {
		char letters[8] = "";

		if (b->has_debug)
			return backing_bad(ctx, "second debug layer", p, len);
		if (b->nr)
			return backing_bad(ctx, "debug must come before page-level derivers:",
					   p, len);
		if (alen >= sizeof(letters) ||
		    strspn(arg ?: "", "FZPUTfzput-") < alen)
			return backing_bad(ctx, "bad debug flags in", p, len);
		if (arg)
			memcpy(letters, arg, alen);
		if (slab_debug_parse_flags(letters, &b->debug))
			return backing_bad(ctx, "bad debug flags in", p, len);
		b->has_debug = true;
		return 0;
	}

	if (nlen == 4 && !strncmp(p, "ctor", 4))
		return backing_bad(ctx, "constructors come from the cache and cannot be named:",
				   p, len);
	for (i = 0; i < ARRAY_SIZE(slab_backing_names); i++) {
		if (slab_backing_names[i] && strlen(slab_backing_names[i]) == nlen &&
		    !strncmp(p, slab_backing_names[i], nlen))
			break;
	}
	if (i == ARRAY_SIZE(slab_backing_names))
		return backing_bad(ctx, "unknown deriver", p, len);
	if (b->nr == SLAB_BACKING_MAX_STEPS)
		return backing_bad(ctx, "too many derivers at", p, len);

	if (i == SLAB_BACKING_NODE || i == SLAB_BACKING_RESERVE) {
		if (!arg || !alen || alen >= sizeof(num))
			return backing_bad(ctx, "missing or bad number in", p, len);
		memcpy(num, arg, alen);
		num[alen] = '\0';
		if (kstrtouint(num, 10, &v))
			return backing_bad(ctx, "missing or bad number in", p, len);
		if (i == SLAB_BACKING_NODE && v >= MAX_NUMNODES)
			return backing_bad(ctx, "no such node in", p, len);
		if (i == SLAB_BACKING_RESERVE && (!v || v > 4096))
			return backing_bad(ctx, "reserve wants 1 to 4096 slabs:",
					   p, len);
	} else if (open) {
		return backing_bad(ctx, "deriver takes no argument:", p, len);
	}
	b->step[b->nr].kind = i;
	b->step[b->nr].arg = v;
	b->nr++;
	return 0;
}

/**
 * slab_backing_parse() - parse a chain of derivers
 * @str: the chain, derivers outermost first separated by commas, for
 *	example "debug(FZP),rcu"; "none" for no deriver at all, and
 *	"none,<page-level derivers>" for those without a debug layer.
 * @len: its length.
 * @b: filled in.
 * @ctx: what to start the error message with.
 *
 * Context: any.
 * Return: 0, or -EINVAL after one message naming the bad piece.
 */
int slab_backing_parse(const char *str, size_t len, struct slab_backing *b,
		       const char *ctx)
{
	const char *end = str + len;
	bool none = false;
	int err;

	memset(b, 0, sizeof(*b));
	if (!len)
		return backing_bad(ctx, "empty chain", str, 0);
	/* "none": no deriver; "none,rcu": no debug layer, then rcu */
	if (len >= 4 && !strncmp(str, "none", 4) && (len == 4 || str[4] == ',')) {
		if (len == 4)
			return 0;
		none = true;
		str += 5;
	}
	while (str <= end) {
		const char *comma = strnchr(str, end - str, ',');
		size_t n = (comma ?: end) - str;

		if (!n)
			return backing_bad(ctx, "empty deriver in chain", str,
					   end - str);
		err = backing_parse_step(str, n, b, ctx);
		if (err)
			return err;
		if (none && b->has_debug)
			return backing_bad(ctx, "a debug layer after none:", str,
					   n);
		str += n + 1;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(slab_backing_parse);

/**
 * slab_backing_describe() - write a parsed chain back, as it was written
 * @b: the chain.
 * @buf: where to write.
 * @len: room in @buf.
 *
 * Context: any.
 * Return: the characters written.
 */
int slab_backing_describe(const struct slab_backing *b, char *buf, size_t len)
{
	unsigned int i;
	int n = 0;

	if (b->has_debug)
		n += scnprintf(buf + n, len - n, "debug(%s%s%s%s%s)",
			       b->debug & SLABDBG_SANITY ? "F" : "",
			       b->debug & SLABDBG_REDZONE ? "Z" : "",
			       b->debug & SLABDBG_POISON ? "P" : "",
			       b->debug & SLABDBG_USER ? "U" : "",
			       b->debug & SLABDBG_TRACE ? "T" : "");
	for (i = 0; i < b->nr; i++) {
		n += scnprintf(buf + n, len - n, "%s%s", n ? "," : "",
			       slab_backing_names[b->step[i].kind]);
		if (b->step[i].kind == SLAB_BACKING_NODE ||
		    b->step[i].kind == SLAB_BACKING_RESERVE)
			n += scnprintf(buf + n, len - n, "(%u)", b->step[i].arg);
	}
	if (!n)
		n = scnprintf(buf, len, "none");
	return n;
}

/**
 * slab_backing_derive() - put one page-level deriver of a chain on @base
 * @step: the deriver.
 * @base: the allocator to derive from; the caller keeps its reference.
 * @order: order of the cache's slabs, for a reserve.
 *
 * Context: process context, may sleep.
 * Return: the derived allocator (one reference for the caller) or an
 * ERR_PTR() after the deriver's message.
 */
struct page_allocator *slab_backing_derive(const struct slab_backing_step *step,
					   struct page_allocator *base,
					   unsigned int order)
{
	switch (step->kind) {
	case SLAB_BACKING_RCU:
		return rcu_page_allocator(base);
	case SLAB_BACKING_DMA:
		return dma_page_allocator(base);
	case SLAB_BACKING_DMA32:
		return dma32_page_allocator(base);
	case SLAB_BACKING_NODE:
		return node_page_allocator(base, step->arg);
	case SLAB_BACKING_INTERLEAVE:
		return interleave_page_allocator(base,
						 &node_states[N_MEMORY]);
	case SLAB_BACKING_RESERVE:
		return reserve_page_allocator(base, order, step->arg);
	}
	return ERR_PTR(-EINVAL);
}

/*
 * modslab.backing=
 */

#define BACKING_RULES	16
#define BACKING_MAXLEN	512

struct backing_rule {
	const char		*glob;
	size_t			glob_len;
	struct slab_backing	b;
};

static char backing_buf[BACKING_MAXLEN] __ro_after_init;
static struct backing_rule backing_rules[BACKING_RULES] __ro_after_init;
static unsigned int backing_nr_rules __ro_after_init;

/* Rules point into backing_buf: a second modslab.backing= goes after them */
static size_t backing_used __initdata;
static char backing_ctx[BACKING_MAXLEN + 48] __initdata;

static int __init setup_backing(char *str)
{
	static const char ctx[] = "modslab.backing";
	size_t room = sizeof(backing_buf) - backing_used;
	char *rule, *colon, *buf = backing_buf + backing_used;
	struct backing_rule *r;
	ssize_t n;

	if (room < 2) {
		pr_err("%s: no room left for '%s'; ignored\n", ctx, str);
		return 1;
	}
	n = strscpy(buf, str, room);
	if (n < 0) {
		pr_err("%s: longer than %d characters in all; the rest is ignored\n",
		       ctx, BACKING_MAXLEN - 1);
		n = room - 1;
	}
	backing_used += n + 1;
	str = buf;
	while ((rule = strsep(&str, ";")) != NULL) {
		if (!*rule)
			continue;
		colon = strchr(rule, ':');
		if (!colon || colon == rule) {
			pr_err("%s: rule '%s' is not <cache glob>:<chain>; ignored\n",
			       ctx, rule);
			continue;
		}
		if (backing_nr_rules == BACKING_RULES) {
			pr_err("%s: more than %d rules; '%s' ignored\n", ctx,
			       BACKING_RULES, rule);
			continue;
		}
		r = &backing_rules[backing_nr_rules];
		snprintf(backing_ctx, sizeof(backing_ctx),
			 "%s: rule '%s' ignored", ctx, rule);
		if (slab_backing_parse(colon + 1, strlen(colon + 1), &r->b,
				       backing_ctx))
			continue;
		r->glob = rule;
		r->glob_len = colon - rule;
		backing_nr_rules++;
	}
	return 1;
}
__setup("modslab.backing=", setup_backing);

/**
 * slab_backing_for() - the chain modslab.backing= gives a cache
 * @name: the cache's name.
 *
 * The first rule whose glob matches wins.
 *
 * Context: any.
 * Return: the chain, or NULL if no rule matches.
 */
const struct slab_backing *slab_backing_for(const char *name)
{
	unsigned int i;

	for (i = 0; i < backing_nr_rules; i++) {
		if (slab_backing_glob(backing_rules[i].glob,
				      backing_rules[i].glob_len, name))
			return &backing_rules[i].b;
	}
	return NULL;
}

/**
 * slab_backing_flags_for() - flags a cache gets from modslab.backing=
 * @name: the cache's name.
 *
 * A cache with a chain of its own is never merged, and its debug layer
 * shows in its flags as if slab_debug= had asked for it.
 *
 * Context: any.
 * Return: SLAB_* flags to add.
 */
slab_flags_t slab_backing_flags_for(const char *name)
{
	const struct slab_backing *b = slab_backing_for(name);
	slab_flags_t flags;

	if (!b)
		return 0;
	flags = SLAB_NO_MERGE;
	if (!b->has_debug)
		return flags;
	if (b->debug & SLABDBG_SANITY)
		flags |= SLAB_CONSISTENCY_CHECKS;
	if (b->debug & SLABDBG_REDZONE)
		flags |= SLAB_RED_ZONE;
	if (b->debug & SLABDBG_POISON)
		flags |= SLAB_POISON;
	if (b->debug & SLABDBG_USER)
		flags |= SLAB_STORE_USER;
	if (b->debug & SLABDBG_TRACE)
		flags |= SLAB_TRACE;
	return flags;
}

/* At the end of boot, name the globs that matched no cache. */
static int __init backing_check_globs(void)
{
	struct kmem_cache *s;
	unsigned int i;
	bool used;

	mutex_lock(&slab_mutex);
	for (i = 0; i < backing_nr_rules; i++) {
		used = false;
		list_for_each_entry(s, &slab_caches, list) {
			if (slab_backing_glob(backing_rules[i].glob,
					      backing_rules[i].glob_len,
					      s->name)) {
				used = true;
				break;
			}
		}
		if (!used)
			pr_warn("modslab.backing: no cache matched '%.*s'\n",
				(int)backing_rules[i].glob_len,
				backing_rules[i].glob);
	}
	mutex_unlock(&slab_mutex);
	return 0;
}
late_initcall_sync(backing_check_globs);

/*
 * Caches on chains kernel code composed
 */

/*
 * The kmem_cache API has no argument for a chain: kmem_cache_create_backed()
 * leaves the request here for do_kmem_cache_create(), which takes it only in
 * the task that left it and for the name it was left for.  The mutex keeps
 * one request at a time.
 */
static DEFINE_MUTEX(backing_create_mutex);
static struct {
	struct task_struct	*task;
	const char		*name;
	struct page_allocator	*pa;
	struct slab_allocator	*sa;
} backing_request;

/**
 * slab_backing_request() - the chain kmem_cache_create_backed() asked for
 * @name: name of the cache being created.
 * @pa: set to the page allocator to build on, or left alone.
 * @sa: set to the slab allocator to build on, or left alone.
 *
 * Context: slab_mutex held.
 * Return: true if this creation is the one a request was left for.
 */
bool slab_backing_request(const char *name, struct page_allocator **pa,
			  struct slab_allocator **sa)
{
	if (READ_ONCE(backing_request.task) != current ||
	    strcmp(backing_request.name, name))
		return false;
	*pa = backing_request.pa;
	*sa = backing_request.sa;
	return true;
}

/**
 * kmem_cache_create_backed() - create a kmem_cache on a chain of one's own
 * @name: name of the cache.
 * @size: object size.
 * @args: the usual creation arguments (constructor, alignment, ...), or
 *	NULL.
 * @flags: SLAB_* flags.  The cache is never merged.
 * @pa: page allocator its slabs come from, or NULL for the buddy allocator.
 *	Layers @flags ask for (dma, rcu) are added above it unless it has
 *	them.
 * @sa: slab allocator chain to use, ending in the slabifier, or NULL for
 *	the slabifier.  A constructor in @args is added on top.
 *
 * The cache takes its own references on @pa and @sa; the caller may put
 * its own once this returns.  The cache is destroyed with
 * kmem_cache_destroy() or kmem_cache_destroy_backed().
 *
 * Context: process context, may sleep.
 * Return: the cache, or NULL (with a message) if the chain or the cache
 * could not be made.
 */
struct kmem_cache *kmem_cache_create_backed(const char *name,
					    unsigned int size,
					    struct kmem_cache_args *args,
					    slab_flags_t flags,
					    struct page_allocator *pa,
					    struct slab_allocator *sa)
{
	struct kmem_cache_args none = {};
	struct slab_allocator *bottom;
	struct kmem_cache *s;

	for (bottom = sa; bottom && bottom->base; bottom = bottom->base)
		;
	if (bottom && bottom != slabifier_allocator()) {
		pr_err("modslab: cache %s: slab allocator %s does not end in the slabifier\n",
		       name, sa->name);
		return NULL;
	}
	mutex_lock(&backing_create_mutex);
	backing_request.name = name;
	backing_request.pa = pa;
	backing_request.sa = sa;
	WRITE_ONCE(backing_request.task, current);
	s = __kmem_cache_create_args(name, size, args ?: &none,
				     flags | SLAB_NO_MERGE);
	WRITE_ONCE(backing_request.task, NULL);
	mutex_unlock(&backing_create_mutex);
	return s;
}
EXPORT_SYMBOL_GPL(kmem_cache_create_backed);

/**
 * kmem_cache_destroy_backed() - destroy a cache if it holds no object
 * @s: the cache; NULL is ignored.
 *
 * Unlike kmem_cache_destroy(), leaves a cache that still has allocated
 * objects alone and says so.
 *
 * Context: process context, may sleep.
 * Return: 0 if the cache was destroyed, -EBUSY if objects are still
 * allocated (the cache is kept).
 */
int kmem_cache_destroy_backed(struct kmem_cache *s)
{
	if (!s)
		return 0;
	kmem_cache_shrink(s);
	if (!__kmem_cache_empty(s))
		return -EBUSY;
	kmem_cache_destroy(s);
	return 0;
}
EXPORT_SYMBOL_GPL(kmem_cache_destroy_backed);

/**
 * struct kmalloc_set - kmalloc-style caches of power-of-two sizes on a chain
 * @caches: one cache per size, 2^KMALLOC_SET_MIN_SHIFT bytes first.
 * @names: their names, "<name>-<size>".
 */
struct kmalloc_set {
	struct kmem_cache	*caches[KMALLOC_SET_NR];
	char			*names[KMALLOC_SET_NR];
};

static void kmalloc_set_free_names(struct kmalloc_set *set)
{
	unsigned int i;

	for (i = 0; i < KMALLOC_SET_NR; i++)
		kfree(set->names[i]);
	kfree(set);
}

/**
 * kmalloc_set_create() - make a kmalloc-style array of caches on a chain
 * @name: prefix of the cache names ("<name>-8" ... "<name>-8192").
 * @pa: page allocator, as for kmem_cache_create_backed().
 * @sa: slab allocator chain, as for kmem_cache_create_backed().
 * @flags: SLAB_* flags of every cache.
 *
 * Context: process context, may sleep.
 * Return: the set, or NULL (with a message) on failure.
 */
struct kmalloc_set *kmalloc_set_create(const char *name,
				       struct page_allocator *pa,
				       struct slab_allocator *sa,
				       slab_flags_t flags)
{
	struct kmalloc_set *set = kzalloc(sizeof(*set), GFP_KERNEL);
	unsigned int i;

	if (!set)
		return NULL;
	for (i = 0; i < KMALLOC_SET_NR; i++) {
		unsigned int size = 1U << (i + KMALLOC_SET_MIN_SHIFT);

		set->names[i] = kasprintf(GFP_KERNEL, "%s-%u", name, size);
		if (!set->names[i])
			goto fail;
		set->caches[i] = kmem_cache_create_backed(set->names[i], size,
							  NULL, flags, pa, sa);
		if (!set->caches[i])
			goto fail;
	}
	return set;

fail:
	pr_err("modslab: kmalloc set %s: cannot make its caches\n", name);
	while (i--)
		kmem_cache_destroy(set->caches[i]);
	kmalloc_set_free_names(set);
	return NULL;
}
EXPORT_SYMBOL_GPL(kmalloc_set_create);

/**
 * kmalloc_set_cache() - the cache of a set that serves a size
 * @set: the set.
 * @size: bytes wanted, 1 to 2^KMALLOC_SET_MAX_SHIFT.
 *
 * Context: any.
 * Return: the cache, or NULL for a size the set does not serve.
 */
struct kmem_cache *kmalloc_set_cache(struct kmalloc_set *set, size_t size)
{
	unsigned int i;

	if (!size || size > (1U << KMALLOC_SET_MAX_SHIFT))
		return NULL;
	i = size <= (1U << KMALLOC_SET_MIN_SHIFT) ? 0 :
		fls(size - 1) - KMALLOC_SET_MIN_SHIFT;
	return set->caches[i];
}
EXPORT_SYMBOL_GPL(kmalloc_set_cache);

/**
 * kmalloc_set_alloc() - allocate from the cache of a set that fits
 * @set: the set.
 * @size: bytes wanted.
 * @gfp: gfp flags.
 *
 * Context: as @gfp allows.
 * Return: the object, or NULL when out of memory or for a size of 0 or
 * above 2^KMALLOC_SET_MAX_SHIFT.
 */
void *kmalloc_set_alloc(struct kmalloc_set *set, size_t size, gfp_t gfp)
{
	struct kmem_cache *s = kmalloc_set_cache(set, size);

	return s ? kmem_cache_alloc(s, gfp) : NULL;
}
EXPORT_SYMBOL_GPL(kmalloc_set_alloc);

/**
 * kmalloc_set_free() - free an object of a set
 * @set: the set.
 * @obj: the object; NULL is ignored, an object of another cache is
 *	reported and not freed.
 *
 * Context: any; does not sleep.
 */
void kmalloc_set_free(struct kmalloc_set *set, const void *obj)
{
	struct kmem_cache *s = NULL;
	struct slab *slab;
	unsigned int i;

	if (ZERO_OR_NULL_PTR(obj))
		return;
	slab = virt_addr_valid(obj) ? virt_to_slab(obj) : NULL;
	if (slab)
		s = slab->slab_cache;
	for (i = 0; i < KMALLOC_SET_NR; i++) {
		if (s && s == set->caches[i]) {
			kmem_cache_free(s, (void *)obj);
			return;
		}
	}
	pr_err("modslab: kmalloc set %s: %p is none of its objects; not freed\n",
	       set->names[0], obj);
}
EXPORT_SYMBOL_GPL(kmalloc_set_free);

/**
 * kmalloc_set_destroy() - destroy a set whose objects were all freed
 * @set: the set; NULL is ignored.
 *
 * Context: process context, may sleep.
 * Return: 0, or -EBUSY if some cache still held objects: the set is then
 * left as it was.
 */
int kmalloc_set_destroy(struct kmalloc_set *set)
{
	unsigned int i;

	if (!set)
		return 0;
	for (i = 0; i < KMALLOC_SET_NR; i++) {
		kmem_cache_shrink(set->caches[i]);
		if (!__kmem_cache_empty(set->caches[i]))
			return -EBUSY;
	}
	for (i = 0; i < KMALLOC_SET_NR; i++)
		kmem_cache_destroy(set->caches[i]);
	kmalloc_set_free_names(set);
	return 0;
}
EXPORT_SYMBOL_GPL(kmalloc_set_destroy);
