// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/slab for MODSLAB: one directory per cache with the
 * attributes tools/mm/slabinfo and slabtop-style tools read, and
 * "allocator", the chain of allocators behind the cache.  Merged caches
 * appear as symbolic links to the cache they were merged into, as with
 * SLUB, and "aliases" counts them.  Writing "debug(<letters>)" or "none"
 * (optionally with ",rcu") to "allocator" changes the debugging of the
 * cache at run time (slab_switch.c).
 */

#define pr_fmt(fmt) "slab: " fmt

#include <linux/allocator.h>
#include <linux/allocator_derive.h>
#include <linux/kobject.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/slab_backing.h>
#include <linux/sysfs.h>

#include "../slab.h"
#include "slabulator.h"

static struct kset *slab_kset;

struct slab_attribute {
	struct attribute attr;
	ssize_t (*show)(struct kmem_cache *s, char *buf);
	ssize_t (*store)(struct kmem_cache *s, const char *buf, size_t count);
};

#define SLAB_ATTR_RO(_name) \
	static struct slab_attribute _name##_attr = __ATTR_RO_MODE(_name, 0400)
#define SLAB_ATTR_RW(_name) \
	static struct slab_attribute _name##_attr = __ATTR_RW_MODE(_name, 0600)

/*
 * Files that act when written read empty, with SLUB's mode, so that tools
 * which test for them by reading see the same files.
 */
static ssize_t slab_action_show(struct kmem_cache *s, char *buf)
{
	return 0;
}

#define SLAB_ACTION_ATTR(_name)						\
	static struct slab_attribute _name##_attr =			\
		__ATTR(_name, 0600, slab_action_show, _name##_store)

static struct kmem_cache *to_cache(struct kobject *kobj)
{
	return container_of(kobj, struct kmem_cache, kobj);
}

static struct slab_cache_stats cache_stats(struct kmem_cache *s)
{
	struct slab_cache_stats st;

	slab_cache_stats(s->cache, &st);
	return st;
}

#define SLAB_STAT_ATTR(_name, _field)					\
static ssize_t _name##_show(struct kmem_cache *s, char *buf)		\
{									\
	return sysfs_emit(buf, "%lu\n",					\
			  (unsigned long)cache_stats(s)._field);	\
}									\
SLAB_ATTR_RO(_name)

SLAB_STAT_ATTR(objects, active_objs);
SLAB_STAT_ATTR(total_objects, num_objs);
SLAB_STAT_ATTR(slabs, num_slabs);
SLAB_STAT_ATTR(partial, partial_slabs);
SLAB_STAT_ATTR(objects_partial, partial_objs);
SLAB_STAT_ATTR(cpu_slabs, cpu_slabs);
SLAB_STAT_ATTR(objs_per_slab, objs_per_slab);
SLAB_STAT_ATTR(order, order);
SLAB_STAT_ATTR(min_partial, min_partial);

#define SLAB_FIELD_ATTR(_name, _expr)					\
static ssize_t _name##_show(struct kmem_cache *s, char *buf)		\
{									\
	return sysfs_emit(buf, "%u\n", (unsigned int)(_expr));		\
}									\
SLAB_ATTR_RO(_name)

/*
 * A switched cache shows the layout and the checks of the chain its new
 * objects come from; its SLAB_* flags stay those it was created with.
 */
static struct slab_cache *cache_switched_to(struct kmem_cache *s)
{
	/*
	 * One load, paired with the release in sw_set(): a switch marks the
	 * cache switched before it publishes its handle in s->cache, so
	 * s->switched does not say what s->cache is.
	 */
	struct slab_cache *c = smp_load_acquire(&s->cache);

	return slab_switch_active(c) ? slab_switch_current(c) : NULL;
}

static unsigned int cache_stride(struct kmem_cache *s)
{
	struct slab_cache *cur = cache_switched_to(s);

	return cur ? cur->size : s->size;
}

static bool cache_debugs(struct kmem_cache *s, slab_flags_t flag,
			 unsigned int dbg)
{
	struct slab_cache *cur = cache_switched_to(s);

	if (cur)
		return slab_debug_flags(cur) & dbg;
	return !!(s->flags & flag);
}

SLAB_FIELD_ATTR(object_size, s->object_size);
SLAB_FIELD_ATTR(slab_size, cache_stride(s));
SLAB_FIELD_ATTR(align, s->align);
SLAB_FIELD_ATTR(aliases, s->refcount < 0 ? 0 : s->refcount - 1);
SLAB_FIELD_ATTR(hwcache_align, !!(s->flags & SLAB_HWCACHE_ALIGN));
SLAB_FIELD_ATTR(reclaim_account, !!(s->flags & SLAB_RECLAIM_ACCOUNT));
SLAB_FIELD_ATTR(destroy_by_rcu, !!(s->flags & SLAB_TYPESAFE_BY_RCU));
SLAB_FIELD_ATTR(cache_dma, !!(s->flags & SLAB_CACHE_DMA));
SLAB_FIELD_ATTR(sanity_checks,
		cache_debugs(s, SLAB_CONSISTENCY_CHECKS, SLABDBG_SANITY));
SLAB_FIELD_ATTR(red_zone, cache_debugs(s, SLAB_RED_ZONE, SLABDBG_REDZONE));
SLAB_FIELD_ATTR(poison, cache_debugs(s, SLAB_POISON, SLABDBG_POISON));
SLAB_FIELD_ATTR(store_user, cache_debugs(s, SLAB_STORE_USER, SLABDBG_USER));
SLAB_FIELD_ATTR(trace, cache_debugs(s, SLAB_TRACE, SLABDBG_TRACE));
#ifdef CONFIG_HARDENED_USERCOPY
SLAB_FIELD_ATTR(usersize, s->usersize);
#endif

static ssize_t ctor_show(struct kmem_cache *s, char *buf)
{
	if (!s->ctor)
		return 0;
	return sysfs_emit(buf, "%pS\n", s->ctor);
}
SLAB_ATTR_RO(ctor);

static ssize_t allocator_show(struct kmem_cache *s, char *buf)
{
	int n = slabulator_describe(s, buf, PAGE_SIZE - 1);

	buf[n++] = '\n';
	return n;
}

/* "debug(<letters>)", "none", "rcu": see kmem_cache_set_backing(). */
static ssize_t allocator_store(struct kmem_cache *s, const char *buf,
			       size_t count)
{
	int err = kmem_cache_set_backing(s, buf);

	return err ? err : count;
}
SLAB_ATTR_RW(allocator);

static ssize_t shrink_store(struct kmem_cache *s, const char *buf,
			    size_t count)
{
	if (!sysfs_streq(buf, "1"))
		return -EINVAL;
	kmem_cache_shrink(s);
	return count;
}
SLAB_ACTION_ATTR(shrink);

/*
 * As SLUB's: "1" checks every object of a debugging cache (the chain its
 * new objects come from, if switched) and reports the damaged ones;
 * -EINVAL for a cache without debugging.
 */
static ssize_t validate_store(struct kmem_cache *s, const char *buf,
			      size_t count)
{
	/* Pairs with the release in sw_set() */
	struct slab_cache *c = smp_load_acquire(&s->cache);
	int ret;

	if (!sysfs_streq(buf, "1"))
		return -EINVAL;
	if (slab_switch_active(c))
		c = slab_switch_current(c);
	ret = slab_debug_validate(c);
	return ret < 0 ? ret : count;
}
SLAB_ACTION_ATTR(validate);

#if defined(CONFIG_FAILSLAB) || defined(CONFIG_KFENCE)
static ssize_t slab_flag_store(struct kmem_cache *s, slab_flags_t flag,
			       bool merged_too, const char *buf, size_t count)
{
	bool on;

	if (!merged_too && s->refcount > 1)
		return -EINVAL;
	if (kstrtobool(buf, &on))
		return -EINVAL;
	if (on)
		WRITE_ONCE(s->flags, s->flags | flag);
	else
		WRITE_ONCE(s->flags, s->flags & ~flag);
	return count;
}

/*
 * A SLAB_* flag that the hooks read on each allocation, set or cleared by
 * writing a boolean, as SLUB's file of the same name; @_merged_too: also
 * on a cache that other caches are merged into.
 */
#define SLAB_FLAG_ATTR(_name, _flag, _merged_too)			\
static const slab_flags_t _name##_flag = (_flag);			\
static ssize_t _name##_show(struct kmem_cache *s, char *buf)		\
{									\
	return sysfs_emit(buf, "%d\n", !!(s->flags & _name##_flag));	\
}									\
static ssize_t _name##_store(struct kmem_cache *s, const char *buf,	\
			     size_t count)				\
{									\
	return slab_flag_store(s, _name##_flag, _merged_too, buf,	\
			       count);					\
}									\
SLAB_ATTR_RW(_name)
#endif

#ifdef CONFIG_FAILSLAB
/* should_failslab() may fail the allocations of a cache with the flag. */
SLAB_FLAG_ATTR(failslab, SLAB_FAILSLAB, false);
#endif
#ifdef CONFIG_KFENCE
/* KFENCE does not sample the allocations of a cache with the flag. */
SLAB_FLAG_ATTR(skip_kfence, SLAB_SKIP_KFENCE, true);
#endif

static struct attribute *slab_attrs[] = {
	&objects_attr.attr,
	&total_objects_attr.attr,
	&slabs_attr.attr,
	&partial_attr.attr,
	&objects_partial_attr.attr,
	&cpu_slabs_attr.attr,
	&objs_per_slab_attr.attr,
	&order_attr.attr,
	&min_partial_attr.attr,
	&object_size_attr.attr,
	&slab_size_attr.attr,
	&align_attr.attr,
	&aliases_attr.attr,
	&hwcache_align_attr.attr,
	&reclaim_account_attr.attr,
	&destroy_by_rcu_attr.attr,
	&cache_dma_attr.attr,
	&sanity_checks_attr.attr,
	&red_zone_attr.attr,
	&poison_attr.attr,
	&store_user_attr.attr,
	&trace_attr.attr,
#ifdef CONFIG_HARDENED_USERCOPY
	&usersize_attr.attr,
#endif
	&ctor_attr.attr,
	&allocator_attr.attr,
	&shrink_attr.attr,
	&validate_attr.attr,
#ifdef CONFIG_FAILSLAB
	&failslab_attr.attr,
#endif
#ifdef CONFIG_KFENCE
	&skip_kfence_attr.attr,
#endif
	NULL
};
ATTRIBUTE_GROUPS(slab);

static ssize_t slab_attr_show(struct kobject *kobj, struct attribute *attr,
			      char *buf)
{
	struct slab_attribute *a = container_of(attr, struct slab_attribute,
						attr);

	if (!a->show)
		return -EIO;
	return a->show(to_cache(kobj), buf);
}

static ssize_t slab_attr_store(struct kobject *kobj, struct attribute *attr,
			       const char *buf, size_t len)
{
	struct slab_attribute *a = container_of(attr, struct slab_attribute,
						attr);

	if (!a->store)
		return -EIO;
	return a->store(to_cache(kobj), buf, len);
}

static void kmem_cache_kobj_release(struct kobject *k)
{
	slab_kmem_cache_release(to_cache(k));
}

static const struct sysfs_ops slab_sysfs_ops = {
	.show = slab_attr_show,
	.store = slab_attr_store,
};

static const struct kobj_type slab_ktype = {
	.sysfs_ops = &slab_sysfs_ops,
	.release = kmem_cache_kobj_release,
	.default_groups = slab_groups,
};

/**
 * sysfs_slab_add() - give a cache its directory in /sys/kernel/slab
 * @s: the cache.
 *
 * Context: process context, slab_state FULL.
 * Return: 0 or a negative errno.
 */
int sysfs_slab_add(struct kmem_cache *s)
{
	int err;

	/*
	 * A cache merged into another one under this name and destroyed
	 * left its alias link; the name is free again.
	 */
	sysfs_remove_link(&slab_kset->kobj, s->name);
	s->kobj.kset = slab_kset;
	err = kobject_init_and_add(&s->kobj, &slab_ktype, NULL, "%s", s->name);
	if (err) {
		/*
		 * Not kobject_put(): its release would free the cache and its
		 * name, which the caller of a failed create frees again.  Only
		 * the kobject's own name is left to free.
		 */
		kfree_const(s->kobj.name);
		s->kobj.name = NULL;
		s->kobj.state_initialized = 0;
		return err;
	}
	kobject_uevent(&s->kobj, KOBJ_ADD);
	return 0;
}

void sysfs_slab_unlink(struct kmem_cache *s)
{
	if (s->kobj.state_in_sysfs)
		kobject_del(&s->kobj);
}

void sysfs_slab_release(struct kmem_cache *s)
{
	if (s->kobj.state_initialized)
		kobject_put(&s->kobj);
	else
		slab_kmem_cache_release(s);
}

/*
 * Aliases made before sysfs is up are remembered and linked by
 * slab_sysfs_init().
 */
struct saved_alias {
	struct kmem_cache *s;
	const char *name;
	struct saved_alias *next;
};

static struct saved_alias *alias_list;

int sysfs_slab_alias(struct kmem_cache *s, const char *name)
{
	struct saved_alias *al;

	if (slab_state == FULL) {
		/* A name may be reused after its cache went away. */
		sysfs_remove_link(&slab_kset->kobj, name);
		return sysfs_create_link(&slab_kset->kobj, &s->kobj, name);
	}
	al = kmalloc(sizeof(*al), GFP_KERNEL);
	if (!al)
		return -ENOMEM;
	al->s = s;
	al->name = name;
	al->next = alias_list;
	alias_list = al;
	return 0;
}

static int __init slab_sysfs_init(void)
{
	struct kmem_cache *s;
	int err;

	mutex_lock(&slab_mutex);
	slab_kset = kset_create_and_add("slab", NULL, kernel_kobj);
	if (!slab_kset) {
		mutex_unlock(&slab_mutex);
		pr_err("cannot register /sys/kernel/slab\n");
		return -ENOMEM;
	}
	slab_state = FULL;
	list_for_each_entry(s, &slab_caches, list) {
		err = sysfs_slab_add(s);
		if (err)
			pr_err("cannot add %s to /sys/kernel/slab: %d\n",
			       s->name, err);
	}
	while (alias_list) {
		struct saved_alias *al = alias_list;

		alias_list = al->next;
		err = sysfs_slab_alias(al->s, al->name);
		if (err)
			pr_err("cannot link alias %s to %s: %d\n", al->name,
			       al->s->name, err);
		kfree(al);
	}
	mutex_unlock(&slab_mutex);
	return 0;
}
late_initcall(slab_sysfs_init);
