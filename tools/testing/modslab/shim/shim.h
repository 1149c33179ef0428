/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel primitives the modslab core uses, for building it unmodified
 * in user space.  Every <linux/...> header the core includes resolves to a
 * one-line file in this directory that includes this one.
 *
 * What is real and what is simulated:
 *
 *  - Memory: a pool of naturally aligned, mmap'd pages split over
 *    SHIM_NODES nodes, with a struct page array laid out as in 6.12 (the
 *    slab descriptor overlays it) and a side table for what the buddy
 *    allocator would keep (order, node, zone).  Freed pages are poisoned
 *    for ASan.  Node 0 holds ZONE_DMA and ZONE_DMA32, node 1 ZONE_NORMAL.
 *  - CPUs: one thread plays NR_CPUS CPUs; shim_cpu is the current one and
 *    the test switches it between calls.  Per-CPU data is a copy per CPU
 *    at a fixed distance.  CPU hotplug callbacks are recorded so that the
 *    test can take a CPU down.
 *  - Locks do not block (there is one thread); they check instead: taking
 *    a held lock, releasing a free one, sleeping with a spinlock held or
 *    interrupts off, and returning to the test with a lock held all abort.
 *  - RCU: call_rcu() queues; the queue runs on synchronize_rcu(),
 *    rcu_barrier() or when the test says a grace period ended.
 *  - Work items run at once, on the CPU they were queued on.
 *  - Allocations (kmalloc, pages) can be made to fail on demand.
 *
 * Any check that fails calls shim_fail(), which prints and aborts.
 */
#ifndef MODSLAB_SHIM_H
#define MODSLAB_SHIM_H

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Configuration ---------------------------------------------------- */

#define CONFIG_64BIT			1
#define CONFIG_NUMA			1
#define CONFIG_ZONE_DMA			1
#define CONFIG_ZONE_DMA32		1
#define CONFIG_STACKDEPOT		1
#define CONFIG_HAVE_ALIGNED_STRUCT_PAGE	1
#define CONFIG_MODSLAB_FRAMEWORK	1
/* CONFIG_SLAB_FREELIST_HARDENED and _RANDOM: from the Makefile, HARDENED=1 */

#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(__ignored, val, ...) val
#define __is_defined(x)			___is_defined(x)
#define ___is_defined(val)		____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk)	__take_second_arg(arg1_or_junk 1, 0)
#define IS_ENABLED(option)		__is_defined(option)

#define NR_CPUS		4
#define MAX_NUMNODES	4	/* node ids 2 and 3 exist in masks, not in the machine */
#define SHIM_NODES	2
#define SHIM_NODE_PAGES	4096	/* 16 MiB per node */

/* ---- Compiler and basic types ----------------------------------------- */

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef unsigned __int128 u128;
typedef unsigned long pgoff_t;
typedef unsigned long phys_addr_t;
typedef unsigned int gfp_t;
typedef unsigned int slab_flags_t;
typedef u32 depot_stack_handle_t;
typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;

#define __force
#define __bitwise
#define __percpu
#define __rcu
#define __iomem
#define __acquires(x)
#define __releases(x)
#define __user
#define __init
#define __exit
#define __initdata
#define __read_mostly
#define __ro_after_init
#define __must_check	__attribute__((warn_unused_result))
#define __maybe_unused	__attribute__((unused))
#define __always_unused	__attribute__((unused))
#define __used		__attribute__((used))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#undef __always_inline
#define __always_inline	inline __attribute__((always_inline))
#define noinline	__attribute__((noinline))
#define __aligned(x)	__attribute__((aligned(x)))
#define __packed	__attribute__((packed))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define barrier()	__asm__ __volatile__("" ::: "memory")
#define smp_wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#define smp_rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define data_race(x)	(x)
#define fallthrough	__attribute__((__fallthrough__))
#define _RET_IP_	((unsigned long)__builtin_return_address(0))
#define _THIS_IP_	({ __label__ __here; __here: (unsigned long)&&__here; })

#define __static_assert(expr, msg, ...) _Static_assert(expr, msg)
#define static_assert(expr, ...) __static_assert(expr, ##__VA_ARGS__, #expr)
#define BUILD_BUG_ON(c)	_Static_assert(!(c), #c)

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define min(a, b)	({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a < _b ? _a : _b; })
#define max(a, b)	({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a > _b ? _a : _b; })
#define min_t(t, a, b)	({ t _a = (a); t _b = (b); _a < _b ? _a : _b; })
#define swap(a, b)	do { __typeof__(a) _t = (a); (a) = (b); (b) = _t; } while (0)
#define max_t(t, a, b)	({ t _a = (a); t _b = (b); _a > _b ? _a : _b; })
#define max3(a, b, c)	max(max(a, b), c)
#define clamp(v, lo, hi) min(max(v, lo), hi)

#define __ALIGN_MASK(x, m)	(((x) + (m)) & ~(m))
#define ALIGN(x, a)		__ALIGN_MASK(x, (__typeof__(x))(a) - 1)
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define PTR_ALIGN(p, a)		((__typeof__(p))ALIGN((unsigned long)(p), (a)))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))

#define BITS_PER_LONG		64
#define BIT(n)			(1UL << (n))
#define BITS_TO_LONGS(n)	DIV_ROUND_UP(n, BITS_PER_LONG)

static inline int fls(unsigned int x) { return x ? 32 - __builtin_clz(x) : 0; }
static inline int fls64(u64 x) { return x ? 64 - __builtin_clzll(x) : 0; }
static inline bool is_power_of_2(unsigned long n) { return n && !(n & (n - 1)); }
#define ilog2(n)	((int)(fls64((u64)(n)) - 1))
#define roundup_pow_of_two(n) (1UL << fls64((u64)(n) - 1))

#define struct_size(p, member, n) \
	(sizeof(*(p)) + (size_t)(n) * sizeof((p)->member[0]))
#define size_mul(a, b)		((size_t)(a) * (size_t)(b))
#define array_size(a, b)	size_mul(a, b)

/* ---- Errors, checks, messages ------------------------------------------ */

#define MAX_ERRNO	4095
#define IS_ERR_VALUE(x)	unlikely((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr) { return IS_ERR_VALUE((unsigned long)ptr); }
static inline bool IS_ERR_OR_NULL(const void *ptr) { return !ptr || IS_ERR(ptr); }
static inline void *ERR_CAST(const void *ptr) { return (void *)ptr; }
static inline int PTR_ERR_OR_ZERO(const void *ptr) { return IS_ERR(ptr) ? (int)PTR_ERR(ptr) : 0; }

/* Print a message and abort: the test harness records it as a crash. */
__attribute__((noreturn, format(printf, 1, 2))) void shim_fail(const char *fmt, ...);

#define BUG()			shim_fail("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(c)		do { if (unlikely(c)) BUG(); } while (0)
#define VM_BUG_ON(c)		BUG_ON(c)
/* A WARN in allocator code means a bug: treat it like BUG. */
#define WARN_ON(c)		({ bool __c = !!(c); if (unlikely(__c)) shim_fail("WARN_ON(%s) at %s:%d", #c, __FILE__, __LINE__); __c; })
#define WARN_ON_ONCE(c)		WARN_ON(c)
#define WARN(c, fmt, ...)	({ bool __c = !!(c); if (unlikely(__c)) shim_fail("WARN at %s:%d: " fmt, __FILE__, __LINE__, ##__VA_ARGS__); __c; })
#define WARN_ONCE(c, fmt, ...)	WARN(c, fmt, ##__VA_ARGS__)

#define KERN_EMERG	"\0010"
#define KERN_ERR	"\0013"
#define KERN_WARNING	"\0014"
#define KERN_NOTICE	"\0015"
#define KERN_INFO	"\0016"
#define KERN_DEBUG	"\0017"
#define KERN_CONT	"\001c"

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

/* Messages are counted, and printed when MODSLAB_PRINTK is set. */
extern unsigned long shim_printk_count;
__printf(1, 2) int printk(const char *fmt, ...);
#define pr_emerg(fmt, ...)	printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)	printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...)	printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...)	printk(KERN_CONT fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	({ if (0) printk(fmt, ##__VA_ARGS__); 0; })
/* Rate limiting and once-only would hide repeats from the test: print all. */
#define pr_err_ratelimited	pr_err
#define pr_warn_ratelimited	pr_warn
#define pr_info_ratelimited	pr_info
#define pr_err_once		pr_err
#define pr_warn_once		pr_warn
#define pr_info_once		pr_info

enum { DUMP_PREFIX_NONE, DUMP_PREFIX_ADDRESS, DUMP_PREFIX_OFFSET };
void print_hex_dump(const char *level, const char *prefix, int type,
		    int rowsize, int groupsize, const void *buf, size_t len,
		    bool ascii);
static inline void dump_stack(void) { }
static inline const char *print_tainted(void) { return "Not tainted"; }
#define panic(fmt, ...)		shim_fail("panic: " fmt, ##__VA_ARGS__)

int scnprintf(char *buf, size_t size, const char *fmt, ...);
int kstrtouint(const char *s, unsigned int base, unsigned int *res);
void *memchr_inv(const void *start, int c, size_t bytes);

/* ---- Atomics and bit operations ------------------------------------------ */

#define ATOMIC_INIT(i)		{ (i) }
#define atomic_read(v)		__atomic_load_n(&(v)->counter, __ATOMIC_RELAXED)
#define atomic_set(v, i)	__atomic_store_n(&(v)->counter, (i), __ATOMIC_RELAXED)
#define atomic_inc(v)		((void)__atomic_add_fetch(&(v)->counter, 1, __ATOMIC_SEQ_CST))
#define atomic_dec(v)		((void)__atomic_sub_fetch(&(v)->counter, 1, __ATOMIC_SEQ_CST))
#define atomic_inc_return(v)	__atomic_add_fetch(&(v)->counter, 1, __ATOMIC_SEQ_CST)
#define atomic_dec_return(v)	__atomic_sub_fetch(&(v)->counter, 1, __ATOMIC_SEQ_CST)
#define atomic_add(i, v)	((void)__atomic_add_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST))
#define atomic_sub(i, v)	((void)__atomic_sub_fetch(&(v)->counter, (i), __ATOMIC_SEQ_CST))
#define atomic_long_read	atomic_read
#define atomic_long_set		atomic_set
#define atomic_long_inc		atomic_inc
#define atomic_long_dec		atomic_dec
#define atomic_long_add		atomic_add
#define atomic_long_sub		atomic_sub
#define atomic_long_inc_return	atomic_inc_return
#define atomic_long_dec_return	atomic_dec_return

/* The double word cmpxchg; the test switches it off to use the slab lock. */
extern bool shim_has_cmpxchg128;
#define system_has_cmpxchg128()	shim_has_cmpxchg128
#define try_cmpxchg128(ptr, oldp, new) \
	__atomic_compare_exchange_n((ptr), (oldp), (new), false, \
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)

static inline void __set_bit(long nr, volatile unsigned long *a)
{ a[nr / BITS_PER_LONG] |= 1UL << (nr % BITS_PER_LONG); }
static inline void __clear_bit(long nr, volatile unsigned long *a)
{ a[nr / BITS_PER_LONG] &= ~(1UL << (nr % BITS_PER_LONG)); }
static inline bool test_bit(long nr, const volatile unsigned long *a)
{ return (a[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG)) & 1; }
#define set_bit		__set_bit
#define clear_bit	__clear_bit
static inline bool test_and_set_bit_lock(long nr, volatile unsigned long *a)
{
	unsigned long m = 1UL << (nr % BITS_PER_LONG);

	return __atomic_fetch_or(&a[nr / BITS_PER_LONG], m, __ATOMIC_ACQUIRE) & m;
}
static inline bool test_and_set_bit(long nr, volatile unsigned long *a)
{
	unsigned long m = 1UL << (nr % BITS_PER_LONG);

	return __atomic_fetch_or(&a[nr / BITS_PER_LONG], m, __ATOMIC_SEQ_CST) & m;
}
#define smp_mb__after_atomic()	smp_mb()
static inline void clear_bit_unlock(long nr, volatile unsigned long *a)
{
	__atomic_fetch_and(&a[nr / BITS_PER_LONG], ~(1UL << (nr % BITS_PER_LONG)),
			   __ATOMIC_RELEASE);
}

unsigned long find_next_bit(const unsigned long *a, unsigned long size,
			    unsigned long off);
unsigned long find_next_zero_bit(const unsigned long *a, unsigned long size,
				 unsigned long off);
unsigned long find_nth_bit(const unsigned long *a, unsigned long size,
			   unsigned long n);
unsigned int bitmap_weight(const unsigned long *a, unsigned int nbits);
#define find_first_bit(a, size)	find_next_bit(a, size, 0)
#define for_each_set_bit(bit, a, size) \
	for ((bit) = find_next_bit(a, size, 0); (bit) < (size); \
	     (bit) = find_next_bit(a, size, (bit) + 1))
#define for_each_clear_bit(bit, a, size) \
	for ((bit) = find_next_zero_bit(a, size, 0); (bit) < (size); \
	     (bit) = find_next_zero_bit(a, size, (bit) + 1))
static inline void bitmap_zero(unsigned long *a, unsigned int nbits)
{ memset(a, 0, BITS_TO_LONGS(nbits) * sizeof(long)); }

/* ---- Lists ---------------------------------------------------------------- */

#define LIST_POISON1	((void *)0x100)
#define LIST_POISON2	((void *)0x122)
#define POISON_INUSE	0x5a
#define POISON_FREE	0x6b
#define POISON_END	0xa5
#define SLUB_RED_INACTIVE 0xbb
#define SLUB_RED_ACTIVE	0xcc

struct list_head { struct list_head *next, *prev; };
#define LIST_HEAD_INIT(name)	{ &(name), &(name) }
#define LIST_HEAD(name)		struct list_head name = LIST_HEAD_INIT(name)
static inline void INIT_LIST_HEAD(struct list_head *l) { l->next = l; l->prev = l; }
static inline void __list_add(struct list_head *n, struct list_head *prev,
			      struct list_head *next)
{
	/* The kernel's CONFIG_DEBUG_LIST checks */
	if (next->prev != prev || prev->next != next || n == prev || n == next)
		shim_fail("list_add corruption: %p between %p and %p", n, prev, next);
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}
static inline void list_add(struct list_head *n, struct list_head *h) { __list_add(n, h, h->next); }
static inline void list_add_tail(struct list_head *n, struct list_head *h) { __list_add(n, h->prev, h); }
static inline void __list_del_entry(struct list_head *e)
{
	if (e->prev->next != e || e->next->prev != e)
		shim_fail("list_del corruption: %p (prev %p next %p)", e, e->prev, e->next);
	e->next->prev = e->prev;
	e->prev->next = e->next;
}
static inline void list_del(struct list_head *e)
{
	__list_del_entry(e);
	e->next = LIST_POISON1;
	e->prev = LIST_POISON2;
}
static inline void list_del_init(struct list_head *e) { __list_del_entry(e); INIT_LIST_HEAD(e); }
static inline bool list_empty(const struct list_head *h) { return READ_ONCE(h->next) == h; }
#define list_entry(ptr, type, member)	container_of(ptr, type, member)
#define list_first_entry(ptr, type, member) list_entry((ptr)->next, type, member)
#define list_first_entry_or_null(ptr, type, member) \
	(list_empty(ptr) ? NULL : list_first_entry(ptr, type, member))
#define list_next_entry(pos, member) list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_for_each_entry(pos, head, member) \
	for (pos = list_first_entry(head, __typeof__(*pos), member); \
	     &pos->member != (head); pos = list_next_entry(pos, member))
#define list_prev_entry(pos, member) list_entry((pos)->member.prev, __typeof__(*(pos)), member)
#define list_for_each_entry_reverse(pos, head, member) \
	for (pos = list_entry((head)->prev, __typeof__(*pos), member); \
	     &pos->member != (head); pos = list_prev_entry(pos, member))
static inline void list_move_tail(struct list_head *e, struct list_head *h)
{
	__list_del_entry(e);
	list_add_tail(e, h);
}
static inline void list_splice_tail_init(struct list_head *l, struct list_head *h)
{
	if (list_empty(l))
		return;
	l->next->prev = h->prev;
	h->prev->next = l->next;
	l->prev->next = h;
	h->prev = l->prev;
	INIT_LIST_HEAD(l);
}
#define list_for_each_entry_safe(pos, n, head, member) \
	for (pos = list_first_entry(head, __typeof__(*pos), member), \
	     n = list_next_entry(pos, member); &pos->member != (head); \
	     pos = n, n = list_next_entry(n, member))

/* ---- CPUs, interrupts, locks ------------------------------------------- */

extern int shim_cpu;			/* the CPU the caller runs on */
extern unsigned long shim_cpu_online;	/* mask */
extern int shim_preempt_count;		/* spinlocks and local locks held */
extern bool shim_irqs_off;

#define nr_cpu_ids		NR_CPUS
#define num_present_cpus()	NR_CPUS
#define smp_processor_id()	shim_cpu
#define raw_smp_processor_id()	shim_cpu
#define get_cpu()		({ shim_preempt_count++; shim_cpu; })
#define put_cpu()		(shim_preempt_count--)
#define cpu_online(c)		(!!(shim_cpu_online & (1UL << (c))))
#define for_each_possible_cpu(c) for ((c) = 0; (c) < NR_CPUS; (c)++)
#define for_each_online_cpu(c)	for_each_possible_cpu(c) if (!cpu_online(c)) ; else
#define cpu_to_node(c)		((c) % SHIM_NODES)
#define numa_node_id()		cpu_to_node(shim_cpu)
#define numa_mem_id()		cpu_to_node(shim_cpu)

void shim_might_sleep(const char *file, int line);
#define might_sleep()		shim_might_sleep(__FILE__, __LINE__)
#define might_sleep_if(c)	do { if (c) might_sleep(); } while (0)
#define cond_resched()		({ might_sleep(); 0; })
#define irqs_disabled()		shim_irqs_off
#define in_task()		true
#define preemptible()		(!shim_preempt_count && !shim_irqs_off)

#define local_irq_save(flags)	do { (flags) = shim_irqs_off; shim_irqs_off = true; } while (0)
#define local_irq_restore(flags) do { shim_irqs_off = (flags); } while (0)
#define local_irq_disable()	(shim_irqs_off = true)
#define local_irq_enable()	(shim_irqs_off = false)

void shim_lock(int *held, const char *what);
void shim_unlock(int *held, const char *what);
#define lockdep_assert_held(l) \
	do { if (!(l)->held) shim_fail("%s:%d: lock %s not held", __FILE__, __LINE__, #l); } while (0)
#define lockdep_assert_not_held(l) \
	do { if ((l)->held) shim_fail("%s:%d: lock %s held", __FILE__, __LINE__, #l); } while (0)

typedef struct { int held; } spinlock_t;
typedef spinlock_t raw_spinlock_t;
#define __SPIN_LOCK_UNLOCKED(x)	{ 0 }
#define DEFINE_SPINLOCK(x)	spinlock_t x = { 0 }
#define spin_lock_init(l)	((l)->held = 0)
#define spin_lock(l)		shim_lock(&(l)->held, "spinlock")
#define spin_unlock(l)		shim_unlock(&(l)->held, "spinlock")
#define spin_lock_irq(l)	do { shim_irqs_off = true; spin_lock(l); } while (0)
#define spin_unlock_irq(l)	do { spin_unlock(l); shim_irqs_off = false; } while (0)
#define spin_lock_irqsave(l, flags) do { local_irq_save(flags); spin_lock(l); } while (0)
#define spin_unlock_irqrestore(l, flags) do { spin_unlock(l); local_irq_restore(flags); } while (0)
#define raw_spin_lock_init	spin_lock_init
#define raw_spin_lock_irqsave	spin_lock_irqsave
#define raw_spin_unlock_irqrestore spin_unlock_irqrestore

/*
 * Rate limit states a file keeps itself pass everything, as the
 * pr_*_ratelimited() above do; deferred printing prints at once.  One
 * thread: nothing to disable preemption against.
 */
struct ratelimit_state {
	raw_spinlock_t	lock;
	int		interval;
	int		burst;
	int		printed;
	int		missed;
	unsigned long	begin;
};
#define DEFAULT_RATELIMIT_INTERVAL	(5 * HZ)
#define DEFAULT_RATELIMIT_BURST		10
#define DEFINE_RATELIMIT_STATE(name, i, b) \
	struct ratelimit_state name = { .interval = (i), .burst = (b) }
#define __ratelimit(rs)		((void)(rs), 1)
#define printk_deferred_enter()	do { } while (0)
#define printk_deferred_exit()	do { } while (0)
#define preempt_disable()	do { } while (0)
#define preempt_enable()	do { } while (0)

/* Per CPU; the pointer passed is a per-CPU pointer */
typedef struct { int held; } local_lock_t;
#define INIT_LOCAL_LOCK(l)	{ 0 }
#define local_lock_init(l)	((l)->held = 0)
#define local_lock_irqsave(l, flags) \
	do { local_irq_save(flags); shim_lock(&this_cpu_ptr(l)->held, "local_lock"); } while (0)
#define local_unlock_irqrestore(l, flags) \
	do { shim_unlock(&this_cpu_ptr(l)->held, "local_lock"); local_irq_restore(flags); } while (0)
#define local_lock(l)		shim_lock(&this_cpu_ptr(l)->held, "local_lock")
#define local_unlock(l)		shim_unlock(&this_cpu_ptr(l)->held, "local_lock")

/* Sleeping locks: taking one may sleep, so it checks might_sleep() */
struct mutex { int held; };
#define DEFINE_MUTEX(x)		struct mutex x = { 0 }
#define mutex_init(m)		((m)->held = 0)
#define mutex_lock(m)		do { might_sleep(); shim_lock(&(m)->held, "mutex"); shim_preempt_count--; } while (0)
#define mutex_unlock(m)		do { shim_preempt_count++; shim_unlock(&(m)->held, "mutex"); } while (0)
extern struct mutex shim_hotplug_lock;
#define cpus_read_lock()	mutex_lock(&shim_hotplug_lock)
#define cpus_read_unlock()	mutex_unlock(&shim_hotplug_lock)

#define bit_spin_lock(nr, addr) \
	do { shim_preempt_count++; if (test_and_set_bit_lock(nr, addr)) \
		shim_fail("%s:%d: bit spinlock taken twice", __FILE__, __LINE__); } while (0)
#define bit_spin_unlock(nr, addr) \
	do { if (!test_bit(nr, addr)) shim_fail("%s:%d: bit spinlock not held", __FILE__, __LINE__); \
	     clear_bit_unlock(nr, addr); shim_preempt_count--; } while (0)

/* ---- Per-CPU data -------------------------------------------------------- */

#define SHIM_PCPU_UNIT	1024	/* distance between the copies of a dynamic per-CPU area */
void *shim_alloc_percpu(size_t size, size_t align);
void shim_free_percpu(void *p);
void *shim_per_cpu_ptr(const void *p, int cpu);
#define alloc_percpu(type) \
	((type __percpu *)shim_alloc_percpu(sizeof(type), __alignof__(type)))
#define free_percpu(p)		shim_free_percpu(p)
#define per_cpu_ptr(p, cpu)	((__typeof__(p))shim_per_cpu_ptr((p), (cpu)))
#define this_cpu_ptr(p)		per_cpu_ptr(p, shim_cpu)
#define raw_cpu_ptr(p)		this_cpu_ptr(p)
#define raw_cpu_read(pcp)	(*raw_cpu_ptr(&(pcp)))
/* Static per-CPU variables live in a section; copies for other CPUs elsewhere */
#define DEFINE_PER_CPU(type, name) \
	__attribute__((section("shim_percpu"), aligned(64))) __typeof__(type) name

/* ---- CPU hotplug, work items, init calls ------------------------------- */

enum cpuhp_state {
	CPUHP_INVALID = -1,
	CPUHP_BP_PREPARE_DYN = 20,
	CPUHP_AP_ONLINE_DYN = 200,
};
int cpuhp_setup_state_nocalls(enum cpuhp_state state, const char *name,
			      int (*startup)(unsigned int cpu),
			      int (*teardown)(unsigned int cpu));
void cpuhp_remove_state_nocalls(enum cpuhp_state state);
#define cpuhp_setup_state	cpuhp_setup_state_nocalls

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);
struct work_struct { work_func_t func; };
struct workqueue_struct;
#define WQ_MEM_RECLAIM		(1 << 3)
#define WQ_UNBOUND		(1 << 1)
#define INIT_WORK(w, f)		((w)->func = (f))
struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags,
					 int max_active, ...);
#define alloc_ordered_workqueue(fmt, flags, ...) \
	alloc_workqueue(fmt, (flags), 1, ##__VA_ARGS__)
bool queue_work_on(int cpu, struct workqueue_struct *wq, struct work_struct *w);
static inline bool flush_work(struct work_struct *w) { might_sleep(); return true; }
/*
 * Delayed work waits until the test lets time pass (shim_run_delayed_work:
 * jiffies move on to when the last of them is due), then runs as an
 * unbound kworker on CPU 0.
 */
struct delayed_work { struct work_struct work; bool pending; unsigned long due; };
#define INIT_DELAYED_WORK(d, f)	((d)->work.func = (f), (d)->pending = false)
#define INIT_DEFERRABLE_WORK(d, f)	INIT_DELAYED_WORK(d, f)
#define to_delayed_work(w)	container_of(w, struct delayed_work, work)
extern struct workqueue_struct *system_unbound_wq;
bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *d,
			unsigned long delay);
bool cancel_delayed_work_sync(struct delayed_work *d);
void shim_run_delayed_work(void);

/* No interrupts here: an irq_work runs at once, as if raised and taken */
struct irq_work { void (*func)(struct irq_work *work); };
#define init_irq_work(w, f)	((w)->func = (f))
static inline bool irq_work_queue(struct irq_work *w) { w->func(w); return true; }
static inline void irq_work_sync(struct irq_work *w) { }
#define HZ			100
#define round_jiffies_relative(j)	(j)
#define round_jiffies_up_relative(j)	(j)

typedef int (*initcall_t)(void);
#define __shim_initcall(fn) \
	static initcall_t __shim_initcall_##fn __used \
	__attribute__((section("shim_initcall"))) = fn
#define core_initcall(fn)	__shim_initcall(fn)
#define subsys_initcall(fn)	__shim_initcall(fn)
#define module_init(fn)		__shim_initcall(fn)
#define late_initcall(fn)	__shim_initcall(fn)
#define module_exit(fn)
void shim_run_initcalls(void);

#define EXPORT_SYMBOL(sym)		extern int __shim_export_dummy
#define EXPORT_SYMBOL_GPL(sym)		extern int __shim_export_dummy
#define EXPORT_SYMBOL_IF_KUNIT(sym)	extern int __shim_export_dummy
#define VISIBLE_IF_KUNIT
#define MODULE_LICENSE(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_PARM_DESC(name, desc)	extern int __shim_export_dummy

struct kernel_param;
struct kernel_param_ops {
	int (*set)(const char *val, const struct kernel_param *kp);
	int (*get)(char *buffer, const struct kernel_param *kp);
};
struct kernel_param {
	const char *name;
	const struct kernel_param_ops *ops;
	void *arg;
};
int param_get_uint(char *buffer, const struct kernel_param *kp);
#define module_param_cb(_name, _ops, _arg, perm) \
	static const struct kernel_param __param_##_name __maybe_unused = \
		{ .name = #_name, .ops = _ops, .arg = _arg }

/* ---- Reference counts, RCU -------------------------------------------- */

typedef struct { atomic_t refs; } refcount_t;
struct kref { refcount_t refcount; };
#define KREF_INIT(n)	{ .refcount = { .refs = ATOMIC_INIT(n) } }
static inline void kref_init(struct kref *k) { atomic_set(&k->refcount.refs, 1); }
static inline unsigned int kref_read(const struct kref *k) { return atomic_read(&k->refcount.refs); }
static inline void kref_get(struct kref *k)
{
	if (atomic_inc_return(&k->refcount.refs) <= 1)
		shim_fail("kref_get on a released object %p", k);
}
static inline int kref_put(struct kref *k, void (*release)(struct kref *k))
{
	int r = atomic_dec_return(&k->refcount.refs);

	if (r < 0)
		shim_fail("kref_put underflow on %p", k);
	if (r)
		return 0;
	release(k);
	return 1;
}

struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};
#define callback_head rcu_head
typedef void (*rcu_callback_t)(struct rcu_head *head);
void call_rcu(struct rcu_head *head, rcu_callback_t func);
void synchronize_rcu(void);
void rcu_barrier(void);
#define rcu_read_lock()		do { } while (0)
#define rcu_read_unlock()	do { } while (0)

/* ---- GFP flags, slab flags, kmalloc ------------------------------------ */

#define __GFP_DMA		0x01u
#define __GFP_HIGHMEM		0x02u
#define __GFP_DMA32		0x04u
#define __GFP_MOVABLE		0x08u
#define __GFP_RECLAIMABLE	0x10u
#define __GFP_HIGH		0x20u
#define __GFP_IO		0x40u
#define __GFP_FS		0x80u
#define __GFP_ZERO		0x100u
#define __GFP_DIRECT_RECLAIM	0x400u
#define __GFP_KSWAPD_RECLAIM	0x800u
#define __GFP_WRITE		0x1000u
#define __GFP_NOWARN		0x2000u
#define __GFP_RETRY_MAYFAIL	0x4000u
#define __GFP_NOFAIL		0x8000u
#define __GFP_NORETRY		0x10000u
#define __GFP_MEMALLOC		0x20000u
#define __GFP_COMP		0x40000u
#define __GFP_NOMEMALLOC	0x80000u
#define __GFP_HARDWALL		0x100000u
#define __GFP_THISNODE		0x200000u
#define __GFP_ACCOUNT		0x400000u
#define __GFP_NOLOCKDEP		0x800000u
#define __GFP_RECLAIM		(__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define GFP_ATOMIC		(__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL		(__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_KERNEL_ACCOUNT	(GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_NOWAIT		(__GFP_KSWAPD_RECLAIM | __GFP_NOWARN)
#define GFP_NOIO		(__GFP_RECLAIM)
#define GFP_NOFS		(__GFP_RECLAIM | __GFP_IO)
#define GFP_USER		(__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_DMA			__GFP_DMA
#define GFP_DMA32		__GFP_DMA32
static inline bool gfpflags_allow_blocking(gfp_t gfp) { return gfp & __GFP_DIRECT_RECLAIM; }
#define might_alloc(gfp)	might_sleep_if(gfpflags_allow_blocking(gfp))

#define SLAB_CONSISTENCY_CHECKS	(1u << 0)
#define SLAB_RED_ZONE		(1u << 1)
#define SLAB_POISON		(1u << 2)
#define SLAB_KMALLOC		(1u << 3)
#define SLAB_HWCACHE_ALIGN	(1u << 4)
#define SLAB_CACHE_DMA		(1u << 5)
#define SLAB_CACHE_DMA32	(1u << 6)
#define SLAB_STORE_USER		(1u << 7)
#define SLAB_PANIC		(1u << 8)
#define SLAB_TYPESAFE_BY_RCU	(1u << 9)
#define SLAB_TRACE		(1u << 10)
#define SLAB_NOLEAKTRACE	(1u << 11)
#define SLAB_NO_MERGE		(1u << 12)
#define SLAB_ACCOUNT		(1u << 13)
#define SLAB_NO_USER_FLAGS	(1u << 14)
#define SLAB_RECLAIM_ACCOUNT	(1u << 15)
#define SLAB_TEMPORARY		SLAB_RECLAIM_ACCOUNT
#define ZERO_SIZE_PTR		((void *)16)
#define ZERO_OR_NULL_PTR(x)	((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)
#define L1_CACHE_BYTES		64
#define cache_line_size()	L1_CACHE_BYTES

/* kmalloc and friends; shim_fail_kmalloc makes one of them fail */
void *kmalloc(size_t size, gfp_t gfp);
void kfree(const void *p);
#define kzalloc(s, gfp)		kmalloc(s, (gfp) | __GFP_ZERO)
#define kzalloc_node(s, gfp, n)	kzalloc(s, gfp)
#define kmalloc_node(s, gfp, n)	kmalloc(s, gfp)
#define kcalloc(n, s, gfp)	kzalloc(size_mul(n, s), gfp)
#define kmalloc_array(n, s, gfp) kmalloc(size_mul(n, s), gfp)
#define kvfree(p)		kfree(p)
static inline bool slab_is_available(void) { return true; }
static inline unsigned long *bitmap_alloc(unsigned int nbits, gfp_t gfp)
{ return kmalloc(BITS_TO_LONGS(nbits) * sizeof(long), gfp); }
static inline void bitmap_free(const unsigned long *b) { kfree(b); }

/* ---- Memory: pages, folios, nodes, zones ------------------------------ */

#define PAGE_SHIFT		12
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE - 1))
#define PAGE_ALIGNED(a)		(!((unsigned long)(a) & (PAGE_SIZE - 1)))
#define MAX_PAGE_ORDER		10
#define PAGE_ALLOC_COSTLY_ORDER	3
#define NUMA_NO_NODE		(-1)
#define PG_locked		0

struct address_space;

/* As in 6.12 (with CONFIG_MEMCG's word), so that struct mslab overlays it */
struct page {
	unsigned long flags;
	union {
		struct {
			struct list_head lru;
			struct address_space *mapping;
			pgoff_t index;
			unsigned long private;
		};
		struct {
			unsigned long compound_head;	/* bit 0: tail page */
		};
		struct rcu_head rcu_head;
	};
	union {
		unsigned int page_type;
		atomic_t _mapcount;
	};
	atomic_t _refcount;
	unsigned long memcg_data;
} __aligned(2 * sizeof(unsigned long));

struct folio {
	union {
		struct {
			unsigned long flags;
			struct list_head lru;
			struct address_space *mapping;
			pgoff_t index;
			void *private;
			atomic_t _mapcount;
			atomic_t _refcount;
			unsigned long memcg_data;
		};
		struct page page;
	};
};

enum zone_type { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, ZONE_MOVABLE, MAX_NR_ZONES };
enum node_stat_item {
	NR_SLAB_RECLAIMABLE_B,
	NR_SLAB_UNRECLAIMABLE_B,
	NR_VM_NODE_STAT_ITEMS
};
enum node_states { N_POSSIBLE, N_ONLINE, N_NORMAL_MEMORY, N_HIGH_MEMORY, N_MEMORY, N_CPU };

struct zone {
	unsigned long managed_pages;
	unsigned long start_pfn;	/* pfn: page index in the pool */
	unsigned long nr_pages;
};
typedef struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	int node_id;
	long vm_stat[NR_VM_NODE_STAT_ITEMS];
} pg_data_t;
extern pg_data_t shim_pgdat[SHIM_NODES];
#define NODE_DATA(nid)		(&shim_pgdat[nid])
static inline unsigned long zone_managed_pages(struct zone *z) { return z->managed_pages; }
static inline enum zone_type gfp_zone(gfp_t gfp)
{
	return gfp & __GFP_DMA ? ZONE_DMA : gfp & __GFP_DMA32 ? ZONE_DMA32 : ZONE_NORMAL;
}

extern int nr_node_ids;
#define node_online(n)		((n) >= 0 && (n) < SHIM_NODES)
#define node_state(n, s)	node_online(n)
#define for_each_node(n)	for ((n) = 0; (n) < nr_node_ids; (n)++)
#define for_each_online_node(n)	for_each_node(n)
#define for_each_node_state(n, s) for_each_node(n)

typedef struct { unsigned long bits[BITS_TO_LONGS(MAX_NUMNODES)]; } nodemask_t;
#define NODE_MASK_NONE		{ .bits = { 0 } }
#define node_set(n, m)		__set_bit(n, (m).bits)
#define node_isset(n, m)	test_bit(n, (m).bits)
#define nodes_clear(m)		memset((m).bits, 0, sizeof((m).bits))
#define nodes_weight(m)		bitmap_weight((m).bits, MAX_NUMNODES)
#define nodes_empty(m)		(nodes_weight(m) == 0)
#define for_each_node_mask(n, m) for_each_set_bit(n, (m).bits, MAX_NUMNODES)
#define nodemask_pr_args(m)	MAX_NUMNODES, (m)->bits

/* The pool: SHIM_NODES * SHIM_NODE_PAGES pages at shim_pool */
#define SHIM_POOL_PAGES		(SHIM_NODES * SHIM_NODE_PAGES)
extern char *shim_pool;
extern struct page *shim_mem_map;
struct shim_page_info {
	u8 order;	/* of the block, on its first page */
	u8 node;
	u8 zone;
	u8 state;	/* SHIM_PAGE_* */
};
enum { SHIM_PAGE_FREE, SHIM_PAGE_HEAD, SHIM_PAGE_TAIL };
extern struct shim_page_info *shim_page_info;

static inline bool shim_virt_addr_valid(unsigned long a)
{
	return a - (unsigned long)shim_pool < SHIM_POOL_PAGES * PAGE_SIZE;
}
#define virt_addr_valid(p)	shim_virt_addr_valid((unsigned long)(p))
static inline unsigned long page_to_pfn(const struct page *p) { return p - shim_mem_map; }
static inline struct page *virt_to_page(const void *p)
{
	if (!virt_addr_valid(p))
		shim_fail("virt_to_page(%p): not in the page pool", p);
	return &shim_mem_map[((unsigned long)p - (unsigned long)shim_pool) >> PAGE_SHIFT];
}
static inline struct folio *page_folio(const struct page *p)
{
	unsigned long head = READ_ONCE(p->compound_head);

	return (struct folio *)(head & 1 ? head - 1 : (unsigned long)p);
}
#define virt_to_folio(p)	page_folio(virt_to_page(p))
static inline void *page_address(const struct page *p)
{ return shim_pool + (page_to_pfn(p) << PAGE_SHIFT); }
#define folio_address(f)	page_address(&(f)->page)
#define folio_page(f, n)	(&(f)->page + (n))
static inline int page_to_nid(const struct page *p) { return shim_page_info[page_to_pfn(p)].node; }
#define folio_nid(f)		page_to_nid(&(f)->page)
#define folio_pgdat(f)		NODE_DATA(folio_nid(f))
#define folio_order(f)		(shim_page_info[page_to_pfn(&(f)->page)].order)
#define page_zonenum(p)		((enum zone_type)shim_page_info[page_to_pfn(p)].zone)

static inline void mod_node_page_state(pg_data_t *pgdat, enum node_stat_item i,
				       long delta)
{
	pgdat->vm_stat[i] += delta;
}

struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order);
void __free_pages(struct page *page, unsigned int order);
static inline unsigned int get_order(unsigned long size)
{
	return size <= PAGE_SIZE ? 0 : fls64((size - 1) >> PAGE_SHIFT);
}

/* Page types, as in 6.12 with the framework's own type */
#define PGTY_slab	0xf5
#define PGTY_modslab	0xf8
/* Called when a folio gets or loses the framework's slab type */
extern void (*shim_slab_type_cb)(struct folio *folio, bool set);
static inline bool __shim_folio_test(const struct folio *f, unsigned int t)
{
	return data_race(f->page.page_type >> 24) == t;
}
void __shim_folio_set(struct folio *f, unsigned int t);
void __shim_folio_clear(struct folio *f, unsigned int t);
#define folio_test_slab(f)	__shim_folio_test(f, PGTY_slab)
#define __folio_set_slab(f)	__shim_folio_set(f, PGTY_slab)
#define __folio_clear_slab(f)	__shim_folio_clear(f, PGTY_slab)
/* PG_active marks a slab of the reserves; the shim has no reserves */
#define PG_active		1
#define folio_test_active(f)	test_bit(PG_active, &(f)->flags)
#define folio_set_active(f)	set_bit(PG_active, &(f)->flags)
#define folio_clear_active(f)	clear_bit(PG_active, &(f)->flags)
#define folio_is_pfmemalloc(f)	((void)(f), false)
#define folio_size(f)		(PAGE_SIZE << folio_order(f))
static inline bool gfp_pfmemalloc_allowed(gfp_t gfp)
{
	return (gfp & __GFP_MEMALLOC) && !(gfp & __GFP_NOMEMALLOC);
}
#define folio_test_modslab(f)	__shim_folio_test(f, PGTY_modslab)
#define __folio_set_modslab(f)	__shim_folio_set(f, PGTY_modslab)
#define __folio_clear_modslab(f) __shim_folio_clear(f, PGTY_modslab)

/* ---- Small libraries: reciprocal division, xarray, stack depot, mempool - */

struct reciprocal_value { u32 m; u8 sh1, sh2; };
struct reciprocal_value reciprocal_value(u32 d);
static inline u32 reciprocal_divide(u32 a, struct reciprocal_value R)
{
	u32 t = (u32)(((u64)a * R.m) >> 32);

	return (t + ((a - t) >> R.sh1)) >> R.sh2;
}

/* An xarray as a sorted array: enough for a set of slabs */
#define XA_FLAGS_LOCK_IRQ	1u
#define XA_PRESENT		((void *)1UL)
struct shim_xa_slot { unsigned long index; void *entry; };
struct xarray {
	spinlock_t xa_lock;
	unsigned int flags;
	unsigned long nr, cap;
	struct shim_xa_slot *slots;
};
static inline void *xa_mk_internal(unsigned long v) { return (void *)((v << 2) | 2); }
static inline bool xa_is_err(const void *e)
{
	return ((unsigned long)e & 3) == 2 && (unsigned long)e >= (unsigned long)xa_mk_internal(-MAX_ERRNO);
}
static inline int xa_err(void *e) { return xa_is_err(e) ? (long)e >> 2 : 0; }
static inline void xa_init_flags(struct xarray *xa, unsigned int flags)
{ memset(xa, 0, sizeof(*xa)); xa->flags = flags; }
#define xa_lock_irqsave(xa, flags)	spin_lock_irqsave(&(xa)->xa_lock, flags)
#define xa_unlock_irqrestore(xa, flags)	spin_unlock_irqrestore(&(xa)->xa_lock, flags)
#define xa_lock_irq(xa)			spin_lock_irq(&(xa)->xa_lock)
#define xa_unlock_irq(xa)		spin_unlock_irq(&(xa)->xa_lock)
void *__xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);
void *__xa_erase(struct xarray *xa, unsigned long index);
void *xa_store_irq(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp);
void *xa_load(struct xarray *xa, unsigned long index);
void *xa_find(struct xarray *xa, unsigned long *index, unsigned long max, void *filter);
void *xa_find_after(struct xarray *xa, unsigned long *index, unsigned long max, void *filter);
void xa_destroy(struct xarray *xa);
#define xa_for_each(xa, index, entry) \
	for (index = 0, entry = xa_find(xa, &index, ULONG_MAX, XA_PRESENT); entry; \
	     entry = xa_find_after(xa, &index, ULONG_MAX, XA_PRESENT))

unsigned int stack_trace_save(unsigned long *store, unsigned int size,
			      unsigned int skipnr);
depot_stack_handle_t stack_depot_save(unsigned long *entries,
				      unsigned int nr, gfp_t gfp);
void stack_depot_print(depot_stack_handle_t h);
unsigned int stack_depot_fetch(depot_stack_handle_t h, unsigned long **entries);
int stack_depot_init(void);

typedef void *(mempool_alloc_t)(gfp_t gfp, void *pool_data);
typedef void (mempool_free_t)(void *element, void *pool_data);
typedef struct mempool {
	int min_nr, curr_nr;
	void **elements;
	void *pool_data;
	mempool_alloc_t *alloc;
	mempool_free_t *free;
} mempool_t;
int mempool_init(mempool_t *pool, int min_nr, mempool_alloc_t *alloc_fn,
		 mempool_free_t *free_fn, void *pool_data);
mempool_t *mempool_create(int min_nr, mempool_alloc_t *alloc_fn,
			  mempool_free_t *free_fn, void *pool_data);
void mempool_exit(mempool_t *pool);
void mempool_destroy(mempool_t *pool);
void *mempool_alloc(mempool_t *pool, gfp_t gfp);
void mempool_free(void *element, mempool_t *pool);

/* Random numbers: a fixed sequence, so that a test input replays exactly */
unsigned long get_random_long(void);
#define get_random_u32()	((u32)get_random_long())
#define get_random_u32_below(n)	((u32)(get_random_long() % (n)))
#define swab64(x)		__builtin_bswap64(x)
#define swab32(x)		__builtin_bswap32(x)
#define swab(x)			_Generic((x), unsigned int: swab32(x), default: swab64(x))

/* ---- The task, time ------------------------------------------------------- */

struct task_struct { int pid; unsigned int flags; char comm[16]; };
#define PF_MEMALLOC		0x00000800
extern struct task_struct shim_task;
#define current			(&shim_task)
extern volatile unsigned long jiffies;

/* ---- What the test controls and observes ----------------------------- */

void shim_init(void);
/* Fail the n-th kmalloc / page allocation from now (0: none) */
extern unsigned long shim_fail_kmalloc, shim_fail_pages;
/* Set when an allocation failed, injected or for want of memory */
extern bool shim_failed_injected, shim_failed_oom;
/* Pages of the pool in use, and node fallbacks made */
extern unsigned long shim_pages_used, shim_node_fallbacks;
/* Called before a page allocation with no lock held, for the test to act */
extern void (*shim_page_alloc_cb)(gfp_t gfp, unsigned int order);
/* Called when a grace period ends, before the callbacks run */
extern void (*shim_grace_period_cb)(void);
void shim_rcu_flush(void);
bool shim_rcu_queued(const struct rcu_head *head);
unsigned long shim_rcu_pending(void);
void shim_check_quiescent(const char *where);
int shim_cpu_down(int cpu);
int shim_cpu_up(int cpu);

#endif /* MODSLAB_SHIM_H */
