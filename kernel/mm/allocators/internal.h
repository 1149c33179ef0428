/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Modular slab allocator framework: what the implementation shares and
 * users never see.  The public API is in <linux/allocator.h>.
 *
 * The slab descriptor overlays the struct page of the first page of a slab,
 * word for word where mm/slab.h puts struct slab:
 *
 *	word	struct page		struct mslab
 *	0	flags			__page_flags  (PG_locked: slab lock)
 *	1	compound_head/lru.next	cache         (bit 0 clear)
 *	2,3	lru.prev, mapping	slab_list     (node partial list)
 *	4	index			freelist      (remote frees)
 *	5	private			counters      (inuse, objects, frozen)
 *		page_type		__page_type   (PGTY_modslab or PGTY_slab)
 *		_refcount		__page_refcount
 *		memcg_data		obj_exts      (not used by the framework)
 *
 * freelist and counters form one double word that is updated with one
 * cmpxchg where the machine can, and under the slab lock otherwise.
 */
#ifndef MM_ALLOCATORS_INTERNAL_H
#define MM_ALLOCATORS_INTERNAL_H

#include <linux/allocator.h>
#include <linux/bit_spinlock.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/page-flags.h>

#ifdef CONFIG_64BIT
# ifdef system_has_cmpxchg128
#  define mslab_has_aba()	system_has_cmpxchg128()
#  define mslab_try_cmpxchg_aba	try_cmpxchg128
#  define MSLAB_ABA_FULL	u128
# endif
#else
# ifdef system_has_cmpxchg64
#  define mslab_has_aba()	system_has_cmpxchg64()
#  define mslab_try_cmpxchg_aba	try_cmpxchg64
#  define MSLAB_ABA_FULL	u64
# endif
#endif

/* A double word cmpxchg needs the pair aligned to its size. */
#if defined(mslab_has_aba) && !defined(CONFIG_HAVE_ALIGNED_STRUCT_PAGE)
# undef mslab_has_aba
# undef mslab_try_cmpxchg_aba
# undef MSLAB_ABA_FULL
#endif

#ifdef mslab_has_aba
/* A free list pointer and the counters beside it, as one double word. */
union mslab_aba {
	struct {
		void *freelist;
		unsigned long counters;
	};
	MSLAB_ABA_FULL full;
};
#endif

/**
 * struct mslab - slab descriptor, overlaid on the slab's first struct page
 * @__page_flags: the page flags; PG_locked is the slab lock.
 * @cache: the owner the slabifier cache that made the slab was given
 *	(&slab_cache_args.owner), by default that cache's handle.
 * @slab_list: link in the node's partial list.
 * @freelist: first free object not owned by a CPU.
 * @counters: @inuse, @objects and @frozen as one word.
 * @inuse: objects not on @freelist (all of them while frozen and active).
 * @objects: objects in the slab.
 * @frozen: the slab is some CPU's active slab (or being evacuated).
 * @full: @freelist and @counters as one double word.
 * @rcu_head: for page allocators that free after a grace period; only
 *	used once the slabifier gave the slab back.
 * @__page_type: the page type.
 * @__page_refcount: the page reference count, untouched.
 * @obj_exts: memcg data, untouched.
 */
struct mslab {
	unsigned long __page_flags;
	void *cache;
	union {
		struct {
			struct list_head slab_list;
			union {
				struct {
					void *freelist;
					union {
						unsigned long counters;
						struct {
							unsigned inuse:16;
							unsigned objects:15;
							unsigned frozen:1;
						};
					};
				};
#ifdef mslab_has_aba
				MSLAB_ABA_FULL full;
#endif
			};
		};
		struct rcu_head rcu_head;
	};
	unsigned int __page_type;
	atomic_t __page_refcount;
#ifdef CONFIG_SLAB_OBJ_EXT
	unsigned long obj_exts;
#endif
};

#define MSLAB_MATCH(pg, sl)						\
	static_assert(offsetof(struct page, pg) == offsetof(struct mslab, sl))
MSLAB_MATCH(flags, __page_flags);
MSLAB_MATCH(compound_head, cache);
MSLAB_MATCH(mapping, slab_list.prev);
MSLAB_MATCH(index, freelist);
MSLAB_MATCH(private, counters);
MSLAB_MATCH(page_type, __page_type);
MSLAB_MATCH(_refcount, __page_refcount);
#ifdef CONFIG_MEMCG
MSLAB_MATCH(memcg_data, obj_exts);
#elif defined(CONFIG_SLAB_OBJ_EXT)
MSLAB_MATCH(_unused_slab_obj_exts, obj_exts);
#endif
#undef MSLAB_MATCH
static_assert(sizeof(struct mslab) <= sizeof(struct page));
#ifdef mslab_has_aba
static_assert(IS_ALIGNED(offsetof(struct mslab, freelist),
			 sizeof(MSLAB_ABA_FULL)));
#endif

#define MSLAB_MAX_OBJECTS	((1U << 15) - 1)

static inline struct folio *mslab_folio(struct mslab *slab)
{
	return (struct folio *)slab;
}

static inline struct mslab *folio_mslab(struct folio *folio)
{
	return (struct mslab *)folio;
}

static inline void *mslab_address(struct mslab *slab)
{
	return folio_address(mslab_folio(slab));
}

static inline int mslab_nid(struct mslab *slab)
{
	return folio_nid(mslab_folio(slab));
}

/*
 * The page type that marks a folio as a slab of the framework.  Beside
 * SLUB the framework has a type of its own, so that SLUB never takes one of
 * its slabs for its own.  When the framework replaces SLUB (MODSLAB), the
 * slabs of kmem_caches (caches created with an owner, by the slabulator)
 * are the kernel's slabs and carry the ordinary slab type; caches kernel
 * code composes itself keep the framework's type, so that kfree() refuses
 * their objects there too.
 */
static inline bool mslab_folio_test(const struct folio *folio)
{
	/* Under MODSLAB the kernel's slab type is the common case: first */
	return (IS_ENABLED(CONFIG_MODSLAB) && folio_test_slab(folio)) ||
	       folio_test_modslab(folio);
}

/* @kernel_slab: the slab is one of a kmem_cache, see above. */
static inline void mslab_folio_set(struct folio *folio, bool kernel_slab)
{
	if (kernel_slab)
		__folio_set_slab(folio);
	else
		__folio_set_modslab(folio);
}

static inline void mslab_folio_clear(struct folio *folio)
{
	if (folio_test_slab(folio))
		__folio_clear_slab(folio);
	else
		__folio_clear_modslab(folio);
}

static __always_inline void mslab_lock(struct mslab *slab)
{
	bit_spin_lock(PG_locked, &slab->__page_flags);
}

static __always_inline void mslab_unlock(struct mslab *slab)
{
	bit_spin_unlock(PG_locked, &slab->__page_flags);
}

/**
 * mslab_update() - update a slab's freelist and counters as one
 * @slab: the slab.
 * @fl_old: expected freelist.
 * @cnt_old: expected counters.
 * @fl_new: new freelist.
 * @cnt_new: new counters.
 *
 * Context: interrupts disabled when the machine has no double word cmpxchg
 * (the fallback takes the slab lock, which interrupts must not see held).
 * Return: true if the slab held the expected values and was updated.
 */
static inline bool mslab_update(struct mslab *slab, void *fl_old,
				unsigned long cnt_old, void *fl_new,
				unsigned long cnt_new)
{
	bool ret = false;

#ifdef mslab_has_aba
	if (mslab_has_aba()) {
		union mslab_aba old = { .freelist = fl_old, .counters = cnt_old };
		union mslab_aba new = { .freelist = fl_new, .counters = cnt_new };

		return mslab_try_cmpxchg_aba(&slab->full, &old.full, new.full);
	}
#endif
	mslab_lock(slab);
	if (slab->freelist == fl_old && slab->counters == cnt_old) {
		slab->freelist = fl_new;
		slab->counters = cnt_new;
		ret = true;
	}
	mslab_unlock(slab);
	return ret;
}

/**
 * slab_object_align() - the alignment objects of a cache get
 * @size: object size.
 * @align: alignment the creator asked for (a power of two, or 0).
 * @flags: its flags; %SLAB_HWCACHE_ALIGN aligns to a cache line, or to a
 *	half, quarter ... of one for small objects.
 *
 * At least pointer alignment, and power-of-two sizes up to a page are
 * aligned to their size.  Layers that lay objects out share this.
 *
 * Return: the alignment.
 */
static inline unsigned int slab_object_align(unsigned int size,
					     unsigned int align,
					     slab_flags_t flags)
{
	unsigned int ralign;

	if (flags & SLAB_HWCACHE_ALIGN) {
		ralign = cache_line_size();
		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	align = max_t(unsigned int, align, sizeof(void *));
	if (is_power_of_2(size) && size <= PAGE_SIZE)
		align = max(align, size);
	return align;
}

/* Kept visible to the tests, see slabifier_kunit.c. */
int slabifier_param_set(const char *name, const char *val);
unsigned int slabifier_param_max_order(void);
unsigned int slabifier_param_min_partial(void);
unsigned int slabifier_param_flush_interval(void);
void slabifier_reports_reset(void);
bool slabifier_holds_locks(struct slab_cache *c);
bool slab_debug_holds_locks(struct slab_cache *c);
void *slabifier_node_data(struct slab_cache *c, int nid);
unsigned int slabifier_calc_min_partial(unsigned int pages, unsigned int order,
					unsigned int objects);
unsigned int slabifier_calc_min_objects(unsigned int present,
					unsigned int possible);
bool slabifier_flusher_armed(struct slab_cache *c);

/*
 * For tests whose page allocator serves single pages: a slabifier cache
 * of one-page slabs, whatever the number of CPUs (the objects a slab
 * holds by default grow with it).
 */
static inline struct slab_cache *
slabifier_create_order0(struct page_allocator *pa, const char *name,
			unsigned int size)
{
	struct slab_cache *c;
	char old[12];

	snprintf(old, sizeof(old), "%u", slabifier_param_max_order());
	slabifier_param_set("max_order", "0");
	c = slab_cache_create(slabifier_allocator(), pa, name, size, NULL);
	slabifier_param_set("max_order", old);
	return c;
}

#if IS_ENABLED(CONFIG_MODSLAB_KUNIT_TEST)
/*
 * For tests: NR_SLAB_UNRECLAIMABLE_B of node @nid in pages, with the CPUs'
 * deltas, which a plain read of the node's counter misses.
 */
static inline long slab_unreclaimable_pages(int nid)
{
	struct pglist_data *pgdat = NODE_DATA(nid);
	long pages = atomic_long_read(&pgdat->vm_stat[NR_SLAB_UNRECLAIMABLE_B]);
	int cpu;

	for_each_possible_cpu(cpu)
		pages += per_cpu_ptr(pgdat->per_cpu_nodestats, cpu)->
			 vm_node_stat_diff[NR_SLAB_UNRECLAIMABLE_B];
	return pages;
}
#endif

#endif /* MM_ALLOCATORS_INTERNAL_H */
