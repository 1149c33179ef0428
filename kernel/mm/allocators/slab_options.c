// SPDX-License-Identifier: GPL-2.0
/*
 * Boot options of MODSLAB that keep the names of 6.12:
 *
 *	slab_debug[=flags[,cache,...][;flags[,cache,...]...]]
 *	slab_min_order=N  slab_max_order=N  slab_min_objects=N
 *
 * and their slub_* spellings.  slab_nomerge and slab_merge are handled by
 * mm/slab_common.c for every allocator.  The order and object options set
 * the slabifier's parameters (also settable as modslab.min_order= ...).
 *
 * Debug flags are the SLUB letters: F sanity checks, Z red zones, P
 * poisoning, U user tracking, T tracing, A failslab, '-' none; no letter
 * at all means FZPU.  A cache name may end in '*' to match a prefix.  A
 * bad letter or value is reported once and ignored; names that match no
 * cache by the end of boot are reported then.  Boot always continues.
 */

#define pr_fmt(fmt) "slab: " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../slab.h"
#include "internal.h"
#include "slabulator.h"

#define SLAB_DEBUG_RULES	16
#define SLAB_DEBUG_MAXLEN	512
#define SLAB_DEBUG_ALL		(SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | \
				 SLAB_POISON | SLAB_STORE_USER)

/* One "flags,cache,cache" group: @names holds the names, comma separated. */
struct slab_debug_rule {
	slab_flags_t flags;
	char *names;
};

static char slab_debug_buf[SLAB_DEBUG_MAXLEN] __ro_after_init;
static struct slab_debug_rule slab_debug_rules[SLAB_DEBUG_RULES] __ro_after_init;
static unsigned int slab_debug_nr_rules __ro_after_init;
static slab_flags_t slab_debug_global __ro_after_init;
static bool slab_debug_done_parsing __ro_after_init;

static slab_flags_t __init slab_debug_parse_flags(const char *s, size_t len)
{
	slab_flags_t flags = 0;
	size_t i;

	if (!len)
		return SLAB_DEBUG_ALL;
	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '-':
			break;
		case 'f': case 'F':
			flags |= SLAB_CONSISTENCY_CHECKS;
			break;
		case 'z': case 'Z':
			flags |= SLAB_RED_ZONE;
			break;
		case 'p': case 'P':
			flags |= SLAB_POISON;
			break;
		case 'u': case 'U':
			flags |= SLAB_STORE_USER;
			break;
		case 't': case 'T':
			flags |= SLAB_TRACE;
			break;
		case 'a': case 'A':
			flags |= SLAB_FAILSLAB;
			break;
		default:
			pr_err("slab_debug: unknown flag '%c' ignored (valid: F Z P U T A -)\n",
			       s[i]);
		}
	}
	return flags;
}

static int __init setup_slab_debug(char *str)
{
	char *group, *names;

	if (slab_debug_done_parsing)
		return 1;
	slab_debug_done_parsing = true;
	if (*str == '=')
		str++;
	if (!*str) {
		slab_debug_global = SLAB_DEBUG_ALL;
		return 1;
	}
	if (strscpy(slab_debug_buf, str, sizeof(slab_debug_buf)) < 0)
		pr_err("slab_debug: longer than %d characters; the rest is ignored\n",
		       SLAB_DEBUG_MAXLEN - 1);
	str = slab_debug_buf;
	while ((group = strsep(&str, ";")) != NULL) {
		names = strchr(group, ',');
		if (!names) {
			slab_debug_global |= slab_debug_parse_flags(group,
								     strlen(group));
			continue;
		}
		if (slab_debug_nr_rules == SLAB_DEBUG_RULES) {
			pr_err("slab_debug: more than %d cache groups; '%s' ignored\n",
			       SLAB_DEBUG_RULES, group);
			continue;
		}
		slab_debug_rules[slab_debug_nr_rules].flags =
			slab_debug_parse_flags(group, names - group);
		slab_debug_rules[slab_debug_nr_rules].names = names + 1;
		slab_debug_nr_rules++;
	}
	return 1;
}
__setup("slab_debug", setup_slab_debug);
__setup_param("slub_debug", slub_debug, setup_slab_debug, 0);

static bool slab_name_matches(const char *pattern, size_t plen,
			      const char *name)
{
	if (plen && pattern[plen - 1] == '*')
		return !strncmp(pattern, name, plen - 1);
	return strlen(name) == plen && !strncmp(pattern, name, plen);
}

/**
 * slab_debug_flags_for() - the debug flags slab_debug= gives a cache
 * @flags: the cache's own SLAB_* flags.
 * @name: the cache's name.
 *
 * As under SLUB: the first group that names the cache gives its flags,
 * instead of the global ones ("-,cache" exempts it); otherwise the global
 * flags, but for user tracking on a cache kmemleak allocates from
 * (%SLAB_NOLEAKTRACE), which only a group naming it turns on.
 *
 * Context: any.
 * Return: the SLAB_* debug flags to add.
 */
slab_flags_t slab_debug_flags_for(slab_flags_t flags, const char *name)
{
	unsigned int i;

	for (i = 0; i < slab_debug_nr_rules; i++) {
		struct slab_debug_rule *r = &slab_debug_rules[i];
		const char *p = r->names;

		while (*p) {
			size_t len = strcspn(p, ",");

			if (len && slab_name_matches(p, len, name))
				return r->flags;
			p += len;
			if (*p)
				p++;
		}
	}
	if (flags & SLAB_NOLEAKTRACE)
		return slab_debug_global & ~SLAB_STORE_USER;
	return slab_debug_global;
}

static bool __init slab_debug_name_used(const char *pattern, size_t len)
{
	struct kmem_cache *s;

	list_for_each_entry(s, &slab_caches, list)
		if (slab_name_matches(pattern, len, s->name))
			return true;
	return false;
}

/* At the end of boot, name the patterns that matched no cache. */
static int __init slab_debug_check_names(void)
{
	unsigned int i;

	mutex_lock(&slab_mutex);
	for (i = 0; i < slab_debug_nr_rules; i++) {
		const char *p = slab_debug_rules[i].names;

		while (*p) {
			size_t len = strcspn(p, ",");

			if (len && !slab_debug_name_used(p, len))
				pr_warn("slab_debug: no cache matched '%.*s'\n",
					(int)len, p);
			p += len;
			if (*p)
				p++;
		}
	}
	mutex_unlock(&slab_mutex);
	return 0;
}
late_initcall_sync(slab_debug_check_names);

static int __init setup_slab_param(const char *option, const char *param,
				   char *str)
{
	int err = slabifier_param_set(param, str);

	if (err)
		pr_err("%s%s: bad value (%d); the default is kept\n", option,
		       str, err);
	return 1;
}

#define SLAB_PARAM(_param)						\
static int __init setup_##_param(char *str)				\
{									\
	return setup_slab_param("slab_" #_param "=", #_param, str);	\
}									\
__setup("slab_" #_param "=", setup_##_param);				\
__setup_param("slub_" #_param "=", slub_##_param, setup_##_param, 0)

SLAB_PARAM(min_order);
SLAB_PARAM(max_order);
SLAB_PARAM(min_objects);
