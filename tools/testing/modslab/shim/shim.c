// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel primitives of shim.h: a page pool, CPUs, checking locks, RCU,
 * work items, kmalloc with failure injection, and small libraries.
 */
#include <sys/mman.h>

#include "shim.h"

#if defined(__has_feature)
# if __has_feature(address_sanitizer)
#  include <sanitizer/asan_interface.h>
#  define SHIM_POISON(p, n)	ASAN_POISON_MEMORY_REGION(p, n)
#  define SHIM_UNPOISON(p, n)	ASAN_UNPOISON_MEMORY_REGION(p, n)
# endif
#endif
#ifndef SHIM_POISON
# define SHIM_POISON(p, n)	do { } while (0)
# define SHIM_UNPOISON(p, n)	do { } while (0)
#endif

/* ---- Failing, messages ---------------------------------------------------- */

void shim_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "modslab shim: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

unsigned long shim_printk_count;
static int shim_printk_verbose = -1;

int printk(const char *fmt, ...)
{
	va_list ap;

	shim_printk_count++;
	if (shim_printk_verbose < 0)
		shim_printk_verbose = getenv("MODSLAB_PRINTK") != NULL;
	if (!shim_printk_verbose)
		return 0;
	if (fmt[0] == '\001' && fmt[1])
		fmt += 2;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	return 0;
}

void print_hex_dump(const char *level, const char *prefix, int type,
		    int rowsize, int groupsize, const void *buf, size_t len,
		    bool ascii)
{
	const u8 *p = buf;
	size_t i;

	/* Read it all, as the kernel would: ASan checks the range */
	for (i = 0; i < len; i++)
		(void)READ_ONCE(p[i]);
	if (shim_printk_verbose > 0)
		printk("%s%p: %zu bytes\n", prefix, buf, len);
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!size)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0)
		return 0;
	return (size_t)n >= size ? (int)size - 1 : n;
}

int kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || isspace((unsigned char)*s) || *s == '-')
		return -EINVAL;
	if (*s == '+')
		s++;
	errno = 0;
	v = strtoull(s, &end, base);
	if (end == s)
		return -EINVAL;
	if (*end == '\n')
		end++;
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v > UINT_MAX)
		return -ERANGE;
	*res = v;
	return 0;
}

void *memchr_inv(const void *start, int c, size_t bytes)
{
	const u8 *p = start;

	for (; bytes; bytes--, p++) {
		if (*p != (u8)c)
			return (void *)p;
	}
	return NULL;
}

int param_get_uint(char *buffer, const struct kernel_param *kp)
{
	return sprintf(buffer, "%u\n", *(unsigned int *)kp->arg);
}

/* ---- Bits ------------------------------------------------------------------ */

unsigned long find_next_bit(const unsigned long *a, unsigned long size,
			    unsigned long off)
{
	for (; off < size; off++) {
		if (!(off % BITS_PER_LONG) && !a[off / BITS_PER_LONG]) {
			off += BITS_PER_LONG - 1;
			continue;
		}
		if (test_bit(off, a))
			return off;
	}
	return size;
}

unsigned long find_next_zero_bit(const unsigned long *a, unsigned long size,
				 unsigned long off)
{
	for (; off < size; off++) {
		if (!(off % BITS_PER_LONG) && !~a[off / BITS_PER_LONG]) {
			off += BITS_PER_LONG - 1;
			continue;
		}
		if (!test_bit(off, a))
			return off;
	}
	return size;
}

unsigned long find_nth_bit(const unsigned long *a, unsigned long size,
			   unsigned long n)
{
	unsigned long bit;

	for_each_set_bit(bit, a, size) {
		if (!n--)
			return bit;
	}
	return size;
}

unsigned int bitmap_weight(const unsigned long *a, unsigned int nbits)
{
	unsigned int i, w = 0;

	for (i = 0; i < nbits; i++)
		w += test_bit(i, a);
	return w;
}

struct reciprocal_value reciprocal_value(u32 d)
{
	struct reciprocal_value R;
	u64 m;
	int l;

	l = fls(d - 1);
	m = ((1ULL << 32) * ((1ULL << l) - d));
	m /= d;
	++m;
	R.m = (u32)m;
	R.sh1 = min(l, 1);
	R.sh2 = max(l - 1, 0);
	return R;
}

static u64 shim_random_state = 0x9e3779b97f4a7c15ULL;

unsigned long get_random_long(void)
{
	u64 x = shim_random_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	shim_random_state = x;
	return x;
}

/* ---- CPUs, locks ------------------------------------------------------- */

int shim_cpu;
unsigned long shim_cpu_online = (1UL << NR_CPUS) - 1;
int shim_preempt_count;
bool shim_irqs_off;
static int shim_locks_held;
struct mutex shim_hotplug_lock;
bool shim_has_cmpxchg128 = true;
struct task_struct shim_task = { .pid = 1, .comm = "modslab-fuzz" };
volatile unsigned long jiffies = 100000;

void shim_might_sleep(const char *file, int line)
{
	if (shim_irqs_off || shim_preempt_count)
		shim_fail("%s:%d: sleeping function called from invalid context (irqs %s, %d locks held)",
			  file, line, shim_irqs_off ? "off" : "on",
			  shim_preempt_count);
}

void shim_lock(int *held, const char *what)
{
	if (*held)
		shim_fail("%s %p taken while held: self-deadlock", what, held);
	*held = 1;
	shim_locks_held++;
	shim_preempt_count++;
}

void shim_unlock(int *held, const char *what)
{
	if (!*held)
		shim_fail("%s %p released while not held", what, held);
	*held = 0;
	shim_locks_held--;
	shim_preempt_count--;
}

void shim_check_quiescent(const char *where)
{
	if (shim_locks_held || shim_preempt_count || shim_irqs_off)
		shim_fail("%s: returned with %d locks held, preempt count %d, irqs %s",
			  where, shim_locks_held, shim_preempt_count,
			  shim_irqs_off ? "off" : "on");
}

/* ---- Per-CPU areas --------------------------------------------------------- */

extern char __start_shim_percpu[] __attribute__((weak));
extern char __stop_shim_percpu[] __attribute__((weak));
static char *shim_percpu_copies[NR_CPUS];

void *shim_alloc_percpu(size_t size, size_t align)
{
	void *p;

	might_sleep();
	if (size > SHIM_PCPU_UNIT || align > 64)
		shim_fail("alloc_percpu: %zu bytes aligned to %zu do not fit the shim's unit",
			  size, align);
	if (shim_fail_kmalloc && !--shim_fail_kmalloc) {
		shim_failed_injected = true;
		return NULL;
	}
	p = aligned_alloc(64, NR_CPUS * SHIM_PCPU_UNIT);
	if (p)
		memset(p, 0, NR_CPUS * SHIM_PCPU_UNIT);
	return p;
}

void shim_free_percpu(void *p)
{
	free(p);
}

void *shim_per_cpu_ptr(const void *p, int cpu)
{
	const char *c = p;

	if (cpu < 0 || cpu >= NR_CPUS)
		shim_fail("per_cpu_ptr: no CPU %d", cpu);
	if (c >= __start_shim_percpu && c < __stop_shim_percpu)
		return cpu ? shim_percpu_copies[cpu] + (c - __start_shim_percpu) : (void *)c;
	return (char *)c + cpu * SHIM_PCPU_UNIT;
}

/* ---- CPU hotplug, work, init calls --------------------------------------- */

static struct {
	int (*startup)(unsigned int cpu);
	int (*teardown)(unsigned int cpu);
} shim_cpuhp[8];
static int shim_nr_cpuhp;

int cpuhp_setup_state_nocalls(enum cpuhp_state state, const char *name,
			      int (*startup)(unsigned int cpu),
			      int (*teardown)(unsigned int cpu))
{
	if (shim_nr_cpuhp == ARRAY_SIZE(shim_cpuhp))
		return -ENOSPC;
	shim_cpuhp[shim_nr_cpuhp].startup = startup;
	shim_cpuhp[shim_nr_cpuhp].teardown = teardown;
	/* Dynamic states answer the state they got */
	return 100 + shim_nr_cpuhp++;
}

void cpuhp_remove_state_nocalls(enum cpuhp_state state)
{
	if (state >= 100 && state < 100 + shim_nr_cpuhp)
		shim_cpuhp[state - 100].startup = shim_cpuhp[state - 100].teardown = NULL;
}

/* Take @cpu down: no task runs there any more, then the dead callbacks run. */
int shim_cpu_down(int cpu)
{
	int i;

	if (cpu == shim_cpu || !cpu_online(cpu) ||
	    __builtin_popcountl(shim_cpu_online) < 2)
		return -EBUSY;
	cpus_read_lock();
	shim_cpu_online &= ~(1UL << cpu);
	cpus_read_unlock();
	for (i = shim_nr_cpuhp; i--; ) {
		if (shim_cpuhp[i].teardown)
			shim_cpuhp[i].teardown(cpu);
		shim_check_quiescent("CPU hotplug teardown");
	}
	return 0;
}

int shim_cpu_up(int cpu)
{
	int i;

	if (cpu < 0 || cpu >= NR_CPUS || cpu_online(cpu))
		return -EINVAL;
	for (i = 0; i < shim_nr_cpuhp; i++) {
		if (shim_cpuhp[i].startup)
			shim_cpuhp[i].startup(cpu);
		shim_check_quiescent("CPU hotplug startup");
	}
	shim_cpu_online |= 1UL << cpu;
	return 0;
}

static int shim_wq_dummy;

struct workqueue_struct *alloc_workqueue(const char *fmt, unsigned int flags,
					 int max_active, ...)
{
	return (struct workqueue_struct *)&shim_wq_dummy;
}

/* Run the work now, as a kworker of @cpu would. */
bool queue_work_on(int cpu, struct workqueue_struct *wq, struct work_struct *w)
{
	int saved_cpu = shim_cpu, saved_pc = shim_preempt_count;
	int saved_locks = shim_locks_held;
	bool saved_irqs = shim_irqs_off;

	if (!cpu_online(cpu))
		shim_fail("queue_work_on: CPU %d is offline", cpu);
	shim_cpu = cpu;
	shim_preempt_count = 0;
	shim_locks_held = 0;
	shim_irqs_off = false;
	w->func(w);
	shim_check_quiescent("work item");
	shim_cpu = saved_cpu;
	shim_preempt_count = saved_pc;
	shim_locks_held = saved_locks;
	shim_irqs_off = saved_irqs;
	return true;
}

/* Delayed work queued and not run yet, in the order it was queued */
#define SHIM_MAX_DELAYED 4096
static struct delayed_work *shim_delayed[SHIM_MAX_DELAYED];
static unsigned int shim_nr_delayed;
struct workqueue_struct *system_unbound_wq = (struct workqueue_struct *)&shim_wq_dummy;

bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *d,
			unsigned long delay)
{
	if (d->pending)
		return false;
	if (shim_nr_delayed == SHIM_MAX_DELAYED)
		shim_fail("more than %d delayed work items queued", SHIM_MAX_DELAYED);
	d->pending = true;
	d->due = jiffies + delay;
	shim_delayed[shim_nr_delayed++] = d;
	return true;
}

bool cancel_delayed_work_sync(struct delayed_work *d)
{
	unsigned int i;

	might_sleep();
	for (i = 0; i < shim_nr_delayed; i++) {
		if (shim_delayed[i] != d)
			continue;
		shim_delayed[i] = shim_delayed[--shim_nr_delayed];
		d->pending = false;
		return true;
	}
	return false;
}

/*
 * Time passes: jiffies reach the time the last of the delayed work queued
 * so far is due, and it runs (not what it queues), on the first online CPU.
 */
void shim_run_delayed_work(void)
{
	unsigned int i, n = shim_nr_delayed;
	struct delayed_work *batch[SHIM_MAX_DELAYED];

	memcpy(batch, shim_delayed, n * sizeof(*batch));
	shim_nr_delayed = 0;
	for (i = 0; i < n; i++) {
		batch[i]->pending = false;
		if ((long)(batch[i]->due - jiffies) > 0)
			jiffies = batch[i]->due;
	}
	for (i = 0; i < n; i++)
		queue_work_on(__builtin_ctzl(shim_cpu_online), system_unbound_wq,
			      &batch[i]->work);
}

extern initcall_t __start_shim_initcall[] __attribute__((weak));
extern initcall_t __stop_shim_initcall[] __attribute__((weak));

void shim_run_initcalls(void)
{
	initcall_t *fn;

	for (fn = __start_shim_initcall; fn < __stop_shim_initcall; fn++) {
		(*fn)();
		shim_check_quiescent("initcall");
	}
}

/* ---- RCU ------------------------------------------------------------------- */

static struct rcu_head *shim_rcu_head, **shim_rcu_tail = &shim_rcu_head;
static unsigned long shim_rcu_nr;
void (*shim_grace_period_cb)(void);

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	head->func = func;
	head->next = NULL;
	*shim_rcu_tail = head;
	shim_rcu_tail = &head->next;
	shim_rcu_nr++;
}

/* Is @head waiting for a grace period? */
bool shim_rcu_queued(const struct rcu_head *head)
{
	const struct rcu_head *h;

	for (h = shim_rcu_head; h; h = h->next)
		if (h == head)
			return true;
	return false;
}

unsigned long shim_rcu_pending(void)
{
	return shim_rcu_nr;
}

/* A grace period ends: readers are gone, callbacks run (in softirq). */
void shim_rcu_flush(void)
{
	struct rcu_head *h, *next;

	if (shim_grace_period_cb)
		shim_grace_period_cb();
	while (shim_rcu_head) {
		h = shim_rcu_head;
		shim_rcu_head = NULL;
		shim_rcu_tail = &shim_rcu_head;
		for (; h; h = next) {
			next = h->next;
			shim_rcu_nr--;
			shim_preempt_count++;
			h->func(h);
			shim_preempt_count--;
		}
	}
}

void synchronize_rcu(void)
{
	might_sleep();
	shim_rcu_flush();
}

void rcu_barrier(void)
{
	might_sleep();
	shim_rcu_flush();
}

/* ---- kmalloc ------------------------------------------------------------- */

unsigned long shim_fail_kmalloc, shim_fail_pages;
bool shim_failed_injected, shim_failed_oom;

void *kmalloc(size_t size, gfp_t gfp)
{
	might_alloc(gfp);
	if (shim_fail_kmalloc && !--shim_fail_kmalloc) {
		shim_failed_injected = true;
		return NULL;
	}
	if (!size)
		return ZERO_SIZE_PTR;
	return gfp & __GFP_ZERO ? calloc(1, size) : malloc(size);
}

void kfree(const void *p)
{
	if (!ZERO_OR_NULL_PTR(p))
		free((void *)p);
}

/* ---- The page pool ------------------------------------------------------- */

char *shim_pool;
struct page *shim_mem_map;
struct shim_page_info *shim_page_info;
pg_data_t shim_pgdat[SHIM_NODES];
int nr_node_ids = SHIM_NODES;
unsigned long shim_pages_used, shim_node_fallbacks;
void (*shim_page_alloc_cb)(gfp_t gfp, unsigned int order);
void (*shim_slab_type_cb)(struct folio *folio, bool set);
static unsigned long shim_used_map[BITS_TO_LONGS(SHIM_POOL_PAGES)];
static unsigned long shim_zone_cursor[SHIM_NODES][MAX_NR_ZONES];

static void shim_zone(int nid, enum zone_type zt, unsigned long start,
		      unsigned long nr)
{
	struct zone *z = &shim_pgdat[nid].node_zones[zt];
	unsigned long pfn;

	z->start_pfn = start;
	z->nr_pages = nr;
	z->managed_pages = nr;
	for (pfn = start; pfn < start + nr; pfn++) {
		shim_page_info[pfn].node = nid;
		shim_page_info[pfn].zone = zt;
	}
}

void shim_init(void)
{
	size_t len = SHIM_POOL_PAGES * PAGE_SIZE, align = PAGE_SIZE << MAX_PAGE_ORDER;
	size_t pcpu = __stop_shim_percpu - __start_shim_percpu;
	unsigned long pfn;
	char *p;
	int cpu;

	p = mmap(NULL, len + align, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		shim_fail("cannot map %zu bytes for the page pool", len + align);
	shim_pool = (char *)ALIGN((unsigned long)p, align);
	shim_mem_map = aligned_alloc(64, SHIM_POOL_PAGES * sizeof(struct page));
	shim_page_info = calloc(SHIM_POOL_PAGES, sizeof(*shim_page_info));
	if (!shim_mem_map || !shim_page_info)
		shim_fail("no memory for the page array");
	memset(shim_mem_map, 0, SHIM_POOL_PAGES * sizeof(struct page));
	for (pfn = 0; pfn < SHIM_POOL_PAGES; pfn++)
		shim_mem_map[pfn].page_type = UINT_MAX;
	/* Node 0: 2 MiB of ZONE_DMA, the rest ZONE_DMA32; node 1: ZONE_NORMAL */
	shim_pgdat[0].node_id = 0;
	shim_zone(0, ZONE_DMA, 0, 512);
	shim_zone(0, ZONE_DMA32, 512, SHIM_NODE_PAGES - 512);
	shim_pgdat[1].node_id = 1;
	shim_zone(1, ZONE_NORMAL, SHIM_NODE_PAGES, SHIM_NODE_PAGES);
	SHIM_POISON(shim_pool, len);

	for (cpu = 1; cpu < NR_CPUS && pcpu; cpu++) {
		shim_percpu_copies[cpu] = aligned_alloc(64, ALIGN(pcpu, 64));
		if (!shim_percpu_copies[cpu])
			shim_fail("no memory for per-CPU copies");
		memset(shim_percpu_copies[cpu], 0, ALIGN(pcpu, 64));
	}
	shim_run_initcalls();
}

static bool shim_block_free(unsigned long pfn, unsigned long n)
{
	unsigned long i;

	if (n >= BITS_PER_LONG) {
		for (i = 0; i < n / BITS_PER_LONG; i++) {
			if (shim_used_map[pfn / BITS_PER_LONG + i])
				return false;
		}
		return true;
	}
	return !((shim_used_map[pfn / BITS_PER_LONG] >> (pfn % BITS_PER_LONG)) &
		 ((1UL << n) - 1));
}

/* Next fit in one zone, so that freed pages stay poisoned a while. */
static long shim_zone_alloc(int nid, enum zone_type zt, unsigned int order)
{
	struct zone *z = &shim_pgdat[nid].node_zones[zt];
	unsigned long n = 1UL << order, i, pfn, nr_blocks;
	unsigned long *cur = &shim_zone_cursor[nid][zt];

	if (z->nr_pages < n)
		return -1;
	nr_blocks = z->nr_pages / n;
	for (i = 0; i < nr_blocks; i++) {
		pfn = z->start_pfn + ((*cur + i) % nr_blocks) * n;
		if (n < BITS_PER_LONG && !(pfn % BITS_PER_LONG) &&
		    !~shim_used_map[pfn / BITS_PER_LONG]) {
			i += BITS_PER_LONG / n - 1;
			continue;
		}
		if (shim_block_free(pfn, n)) {
			*cur = (*cur + i + 1) % nr_blocks;
			return pfn;
		}
	}
	return -1;
}

struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order)
{
	enum zone_type top = gfp_zone(gfp);
	int pref, node, zt, i;
	struct page *page;
	long pfn = -1;
	unsigned long n;

	might_alloc(gfp);
	if (order > MAX_PAGE_ORDER)
		return NULL;
	if (shim_page_alloc_cb && !shim_preempt_count && !shim_irqs_off)
		shim_page_alloc_cb(gfp, order);
	if (shim_fail_pages && !--shim_fail_pages) {
		shim_failed_injected = true;
		return NULL;
	}
	pref = nid == NUMA_NO_NODE ? numa_mem_id() : nid;
	if (pref < 0 || pref >= SHIM_NODES)
		shim_fail("alloc_pages_node: no node %d", nid);
	for (i = 0; i < SHIM_NODES && pfn < 0; i++) {
		node = (pref + i) % SHIM_NODES;
		if (i && (gfp & __GFP_THISNODE)) {
			/* The node is full: its caller will look elsewhere */
			shim_node_fallbacks++;
			break;
		}
		for (zt = top; zt >= 0 && pfn < 0; zt--)
			pfn = shim_zone_alloc(node, zt, order);
		if (pfn >= 0 && i)
			shim_node_fallbacks++;
	}
	if (pfn < 0) {
		shim_failed_oom = true;
		return NULL;
	}

	n = 1UL << order;
	for (i = 0; i < (int)n; i++) {
		page = &shim_mem_map[pfn + i];
		memset(page, 0, sizeof(*page));
		page->page_type = UINT_MAX;
		if (i && (gfp & __GFP_COMP))
			page->compound_head = (unsigned long)&shim_mem_map[pfn] + 1;
		shim_page_info[pfn + i].state = i ? SHIM_PAGE_TAIL : SHIM_PAGE_HEAD;
		__set_bit(pfn + i, shim_used_map);
	}
	page = &shim_mem_map[pfn];
	atomic_set(&page->_refcount, 1);
	shim_page_info[pfn].order = order;
	shim_pages_used += n;
	SHIM_UNPOISON(page_address(page), PAGE_SIZE << order);
	/* Junk, not zeroes, unless asked: code must not rely on either */
	memset(page_address(page), gfp & __GFP_ZERO ? 0 : 0x9e, PAGE_SIZE << order);
	return page;
}

/* Free a block, with the checks of the buddy allocator's free path. */
void __free_pages(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page), n = 1UL << order, i;

	if (pfn >= SHIM_POOL_PAGES || shim_page_info[pfn].state != SHIM_PAGE_HEAD)
		shim_fail("__free_pages(%p): not the first page of an allocated block", page);
	if (shim_page_info[pfn].order != order)
		shim_fail("__free_pages(%p, %u): allocated with order %u",
			  page, order, shim_page_info[pfn].order);
	if (page->page_type != UINT_MAX)
		shim_fail("__free_pages(%p): page still has type %#x", page, page->page_type);
	if (page->mapping)
		shim_fail("__free_pages(%p): non-NULL mapping %p", page, page->mapping);
	if (page->flags)
		shim_fail("__free_pages(%p): flags %#lx left set", page, page->flags);
	if (atomic_read(&page->_refcount) != 1)
		shim_fail("__free_pages(%p): refcount %d", page, atomic_read(&page->_refcount));
	for (i = 1; i < n; i++) {
		struct page *t = &shim_mem_map[pfn + i];

		if (shim_page_info[pfn + i].state != SHIM_PAGE_TAIL)
			shim_fail("__free_pages(%p): page %lu is not a tail", page, i);
		if (t->compound_head && t->compound_head != (unsigned long)page + 1)
			shim_fail("__free_pages(%p): tail page %lu corrupted", page, i);
	}
	for (i = 0; i < n; i++) {
		shim_page_info[pfn + i].state = SHIM_PAGE_FREE;
		__clear_bit(pfn + i, shim_used_map);
		memset(&shim_mem_map[pfn + i], 0, sizeof(struct page));
		shim_mem_map[pfn + i].page_type = UINT_MAX;
	}
	shim_pages_used -= n;
	SHIM_POISON(page_address(page), PAGE_SIZE << order);
}

void __shim_folio_set(struct folio *f, unsigned int t)
{
	if (f->page.page_type != UINT_MAX)
		shim_fail("folio %p: setting type %#x over %#x", f, t, f->page.page_type);
	if (shim_page_info[page_to_pfn(&f->page)].state != SHIM_PAGE_HEAD)
		shim_fail("folio %p: setting a type on a page that is not allocated", f);
	f->page.page_type = t << 24;
	if (shim_slab_type_cb)
		shim_slab_type_cb(f, true);
}

void __shim_folio_clear(struct folio *f, unsigned int t)
{
	if (f->page.page_type >> 24 != t)
		shim_fail("folio %p: clearing type %#x but it is %#x", f, t, f->page.page_type);
	f->page.page_type = UINT_MAX;
	if (shim_slab_type_cb)
		shim_slab_type_cb(f, false);
}

/* ---- xarray ------------------------------------------------------------- */

/* Index of the first slot with an index >= @index. */
static unsigned long shim_xa_pos(struct xarray *xa, unsigned long index)
{
	unsigned long lo = 0, hi = xa->nr, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (xa->slots[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void *__xa_store(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp)
{
	unsigned long pos;
	void *old;

	lockdep_assert_held(&xa->xa_lock);
	if (!entry)
		return __xa_erase(xa, index);
	pos = shim_xa_pos(xa, index);
	if (pos < xa->nr && xa->slots[pos].index == index) {
		old = xa->slots[pos].entry;
		xa->slots[pos].entry = entry;
		return old;
	}
	if (xa->nr == xa->cap) {
		struct shim_xa_slot *s;

		if (shim_fail_kmalloc && !--shim_fail_kmalloc) {
			shim_failed_injected = true;
			return xa_mk_internal(-ENOMEM);
		}
		s = realloc(xa->slots, (xa->cap * 2 + 8) * sizeof(*s));
		if (!s)
			return xa_mk_internal(-ENOMEM);
		xa->slots = s;
		xa->cap = xa->cap * 2 + 8;
	}
	memmove(&xa->slots[pos + 1], &xa->slots[pos],
		(xa->nr - pos) * sizeof(xa->slots[0]));
	xa->slots[pos].index = index;
	xa->slots[pos].entry = entry;
	xa->nr++;
	return NULL;
}

void *__xa_erase(struct xarray *xa, unsigned long index)
{
	unsigned long pos = shim_xa_pos(xa, index);
	void *old;

	lockdep_assert_held(&xa->xa_lock);
	if (pos == xa->nr || xa->slots[pos].index != index)
		return NULL;
	old = xa->slots[pos].entry;
	memmove(&xa->slots[pos], &xa->slots[pos + 1],
		(xa->nr - pos - 1) * sizeof(xa->slots[0]));
	xa->nr--;
	return old;
}

void *xa_store_irq(struct xarray *xa, unsigned long index, void *entry, gfp_t gfp)
{
	void *old;

	might_alloc(gfp);
	xa_lock_irq(xa);
	old = __xa_store(xa, index, entry, gfp);
	xa_unlock_irq(xa);
	return old;
}

void *xa_load(struct xarray *xa, unsigned long index)
{
	unsigned long pos = shim_xa_pos(xa, index);

	return pos < xa->nr && xa->slots[pos].index == index ?
		xa->slots[pos].entry : NULL;
}

void *xa_find(struct xarray *xa, unsigned long *index, unsigned long max,
	      void *filter)
{
	unsigned long pos = shim_xa_pos(xa, *index);

	if (pos == xa->nr || xa->slots[pos].index > max)
		return NULL;
	*index = xa->slots[pos].index;
	return xa->slots[pos].entry;
}

void *xa_find_after(struct xarray *xa, unsigned long *index, unsigned long max,
		    void *filter)
{
	unsigned long next = *index + 1;

	if (!next)
		return NULL;
	*index = next;
	return xa_find(xa, index, max, filter);
}

void xa_destroy(struct xarray *xa)
{
	free(xa->slots);
	xa->slots = NULL;
	xa->nr = xa->cap = 0;
}

/* ---- Stack depot ---------------------------------------------------------- */

#define SHIM_DEPOT_SLOTS 1024
static struct { unsigned int nr; unsigned long e[4]; } shim_depot[SHIM_DEPOT_SLOTS];

unsigned int stack_trace_save(unsigned long *store, unsigned int size,
			      unsigned int skipnr)
{
	if (!size)
		return 0;
	store[0] = (unsigned long)__builtin_return_address(0);
	return 1;
}

depot_stack_handle_t stack_depot_save(unsigned long *entries, unsigned int nr,
				      gfp_t gfp)
{
	unsigned long h = nr;
	unsigned int i, j, slot;

	nr = min(nr, 4u);
	for (i = 0; i < nr; i++)
		h = h * 31 + entries[i];
	for (j = 0; j < SHIM_DEPOT_SLOTS; j++) {
		slot = (h + j) % SHIM_DEPOT_SLOTS;
		if (!shim_depot[slot].nr) {
			shim_depot[slot].nr = nr;
			memcpy(shim_depot[slot].e, entries, nr * sizeof(long));
			return slot + 1;
		}
		if (shim_depot[slot].nr == nr &&
		    !memcmp(shim_depot[slot].e, entries, nr * sizeof(long)))
			return slot + 1;
	}
	return 0;
}

void stack_depot_print(depot_stack_handle_t h)
{
	if (!h || h > SHIM_DEPOT_SLOTS || !shim_depot[h - 1].nr)
		shim_fail("stack_depot_print: bad handle %u", h);
}

unsigned int stack_depot_fetch(depot_stack_handle_t h, unsigned long **entries)
{
	if (!h || h > SHIM_DEPOT_SLOTS || !shim_depot[h - 1].nr)
		shim_fail("stack_depot_fetch: bad handle %u", h);
	*entries = shim_depot[h - 1].e;
	return shim_depot[h - 1].nr;
}

int stack_depot_init(void)
{
	return 0;
}

/* ---- mempool --------------------------------------------------------------- */

int mempool_init(mempool_t *pool, int min_nr, mempool_alloc_t *alloc_fn,
		 mempool_free_t *free_fn, void *pool_data)
{
	memset(pool, 0, sizeof(*pool));
	pool->min_nr = min_nr;
	pool->alloc = alloc_fn;
	pool->free = free_fn;
	pool->pool_data = pool_data;
	pool->elements = kmalloc(max(min_nr, 1) * sizeof(void *), GFP_KERNEL);
	if (!pool->elements)
		return -ENOMEM;
	while (pool->curr_nr < min_nr) {
		void *e = alloc_fn(GFP_KERNEL, pool_data);

		if (!e) {
			mempool_exit(pool);
			return -ENOMEM;
		}
		pool->elements[pool->curr_nr++] = e;
	}
	return 0;
}

mempool_t *mempool_create(int min_nr, mempool_alloc_t *alloc_fn,
			  mempool_free_t *free_fn, void *pool_data)
{
	mempool_t *pool = kmalloc(sizeof(*pool), GFP_KERNEL);

	if (pool && mempool_init(pool, min_nr, alloc_fn, free_fn, pool_data)) {
		kfree(pool);
		pool = NULL;
	}
	return pool;
}

void mempool_exit(mempool_t *pool)
{
	while (pool->curr_nr)
		pool->free(pool->elements[--pool->curr_nr], pool->pool_data);
	kfree(pool->elements);
	pool->elements = NULL;
}

void mempool_destroy(mempool_t *pool)
{
	if (pool) {
		mempool_exit(pool);
		kfree(pool);
	}
}

void *mempool_alloc(mempool_t *pool, gfp_t gfp)
{
	void *e = pool->alloc(gfp | __GFP_NOWARN, pool->pool_data);

	if (!e && pool->curr_nr)
		e = pool->elements[--pool->curr_nr];
	return e;
}

void mempool_free(void *element, mempool_t *pool)
{
	if (!element)
		return;
	if (pool->curr_nr < pool->min_nr)
		pool->elements[pool->curr_nr++] = element;
	else
		pool->free(element, pool->pool_data);
}
