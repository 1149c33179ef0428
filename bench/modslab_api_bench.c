// SPDX-License-Identifier: GPL-2.0
/*
 * modslab_api_bench: the kernel's slab API, timed in the kernel it runs in.
 *
 * The same module is built against a SLUB kernel and a MODSLAB kernel of one
 * configuration and loaded in each; it times what kernel code calls, in
 * get_cycles() units.  Under QEMU with -icount shift=0,sleep=off the guest
 * TSC advances by one per executed guest instruction, so the figures are
 * exact instruction counts, identical on every run and every machine.
 *
 *	cache_alloc_free	kmem_cache_alloc() + kmem_cache_free(), one live
 *	kmalloc_free		kmalloc() + kfree() of a constant size
 *	kmalloc_var_free	the same with a size the compiler cannot see
 *	kzalloc_free		kzalloc() + kfree()
 *	n_alloc_n_free		n kmem_cache_alloc(), then n kmem_cache_free()
 *	bulk			kmem_cache_alloc_bulk() + kmem_cache_free_bulk()
 *	kfree_bulk		kfree_bulk() of n kmalloc objects (allocated untimed)
 *	remote_free		kmem_cache_free() on one CPU of objects another
 *				CPU allocated, untimed, before it went idle
 *	kfree_rcu		kfree_rcu() calls (the call only)
 *	switch_*		MODSLAB: the cache_alloc_free pair of one cache
 *				(switch_before), after a run-time switch to a
 *				debug chain (switch_debug), back to "none"
 *				(switch_none: the first chain again, through
 *				the switch), and once the switch is taken out
 *				(switch_back, after 3 s: the reaper takes it
 *				out when the debug chain is gone)
 *
 * tests= names the measurements to run (all by default; "none" runs none,
 * for a baseline of what loading the module costs).
 *
 * One line per measurement:
 *
 *	api: test=T size=S n=N rep=R ops=O cycles=C cycles_per_op=X.XX
 *
 * where an op is one object allocated and freed (for remote_free and
 * kfree_bulk, freed; for kfree_rcu, handed to kfree_rcu()).
 */

#define pr_fmt(fmt) "api: " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#ifdef CONFIG_MODSLAB
#include <linux/slab_backing.h>
#endif
#include <linux/string.h>
#include <linux/timex.h>
#include <linux/vmalloc.h>

#define API_MAX_SIZES	16
#define API_MAX_N	1024

/*
 * Powers of two, where finding an object's index is a shift, and the
 * common strides that are not (kmalloc-96 and -192, dentry, an inode):
 * there it is a reciprocal multiply.
 */
static unsigned int sizes[API_MAX_SIZES] = { 8, 64, 96, 192, 256, 700, 1024, 4096 };
static int nr_sizes = 8;
module_param_array(sizes, uint, &nr_sizes, 0444);
MODULE_PARM_DESC(sizes, "object sizes (kmalloc sizes up to 8192)");

static unsigned int reps = 3;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "repetitions of each measurement");

static unsigned int ops = 20000;
module_param(ops, uint, 0444);
MODULE_PARM_DESC(ops, "objects per measurement");

static unsigned int n = 64;
module_param(n, uint, 0444);
MODULE_PARM_DESC(n, "objects per batch (n_alloc_n_free, bulk, kfree_bulk)");

static char *tests;
module_param(tests, charp, 0444);
MODULE_PARM_DESC(tests, "comma-separated measurements to run (default: all)");

struct api_obj_rcu {
	struct rcu_head rcu;
};

/* Whether tests= asks for @test: a whole item of the comma-separated list */
static bool api_wanted(const char *test)
{
	size_t len = strlen(test);
	const char *t = tests;

	if (!t)
		return true;
	while ((t = strstr(t, test))) {
		if ((t == tests || t[-1] == ',') &&
		    (t[len] == '\0' || t[len] == ','))
			return true;
		t += len;
	}
	return false;
}

static void api_print(const char *test, unsigned int size, unsigned int rep,
		      u64 nr, u64 cycles)
{
	u64 hundredths = nr ? div64_u64(cycles * 100, nr) : 0;

	pr_info("test=%s size=%u n=%u rep=%u ops=%llu cycles=%llu cycles_per_op=%llu.%02llu\n",
		test, size, n, rep, nr, cycles, div_u64(hundredths, 100),
		hundredths % 100);
}

/* One measurement, when tests= asks for it: @expr runs only then */
#define API_RUN(test, size, rep, nr, expr)				\
do {									\
	const char *__test = (test);					\
									\
	if (api_wanted(__test))						\
		api_print(__test, size, rep, nr, expr);			\
} while (0)

/* kmalloc() of a size the compiler sees, as most callers write it */
#define API_KMALLOC_CONST(sz)						\
static noinline u64 api_kmalloc_##sz(gfp_t gfp)			\
{									\
	cycles_t t0 = get_cycles();					\
	unsigned int i;							\
	void *p;							\
									\
	for (i = 0; i < ops; i++) {					\
		p = kmalloc(sz, gfp);					\
		kfree(p);						\
	}								\
	return get_cycles() - t0;					\
}

API_KMALLOC_CONST(8)
API_KMALLOC_CONST(16)
API_KMALLOC_CONST(24)
API_KMALLOC_CONST(32)
API_KMALLOC_CONST(64)
API_KMALLOC_CONST(96)
API_KMALLOC_CONST(128)
API_KMALLOC_CONST(192)
API_KMALLOC_CONST(256)
API_KMALLOC_CONST(512)
API_KMALLOC_CONST(700)
API_KMALLOC_CONST(1024)
API_KMALLOC_CONST(2048)
API_KMALLOC_CONST(4096)
API_KMALLOC_CONST(8192)

/* The sizes with a constant-size variant above; others are not timed so */
static bool api_kmalloc_const_has(unsigned int size)
{
	switch (size) {
	case 8: case 16: case 24: case 32: case 64: case 96: case 128:
	case 192: case 256: case 512: case 700: case 1024: case 2048:
	case 4096: case 8192:
		return true;
	}
	return false;
}

static u64 api_kmalloc_const(unsigned int size, gfp_t gfp)
{
	switch (size) {
	case 8:
		return api_kmalloc_8(gfp);
	case 16:
		return api_kmalloc_16(gfp);
	case 24:
		return api_kmalloc_24(gfp);
	case 32:
		return api_kmalloc_32(gfp);
	case 64:
		return api_kmalloc_64(gfp);
	case 96:
		return api_kmalloc_96(gfp);
	case 128:
		return api_kmalloc_128(gfp);
	case 192:
		return api_kmalloc_192(gfp);
	case 256:
		return api_kmalloc_256(gfp);
	case 512:
		return api_kmalloc_512(gfp);
	case 700:
		return api_kmalloc_700(gfp);
	case 1024:
		return api_kmalloc_1024(gfp);
	case 2048:
		return api_kmalloc_2048(gfp);
	case 4096:
		return api_kmalloc_4096(gfp);
	case 8192:
		return api_kmalloc_8192(gfp);
	}
	return 0;
}

static noinline u64 api_kmalloc_var(unsigned int size, gfp_t gfp)
{
	cycles_t t0 = get_cycles();
	unsigned int i;
	void *p;

	for (i = 0; i < ops; i++) {
		p = kmalloc(READ_ONCE(size), gfp);
		kfree(p);
	}
	return get_cycles() - t0;
}

static noinline u64 api_cache_alloc_free(struct kmem_cache *s)
{
	cycles_t t0 = get_cycles();
	unsigned int i;
	void *p;

	for (i = 0; i < ops; i++) {
		p = kmem_cache_alloc(s, GFP_KERNEL);
		kmem_cache_free(s, p);
	}
	return get_cycles() - t0;
}

static noinline u64 api_n_alloc_n_free(struct kmem_cache *s, void **p)
{
	cycles_t t0 = get_cycles();
	unsigned int i, j;

	for (i = 0; i < ops; i += n) {
		for (j = 0; j < n; j++)
			p[j] = kmem_cache_alloc(s, GFP_KERNEL);
		for (j = 0; j < n; j++)
			kmem_cache_free(s, p[j]);
	}
	return get_cycles() - t0;
}

static noinline u64 api_bulk(struct kmem_cache *s, void **p)
{
	cycles_t t0 = get_cycles();
	unsigned int i;

	for (i = 0; i < ops; i += n) {
		if (kmem_cache_alloc_bulk(s, GFP_KERNEL, n, p) != n)
			return 0;
		kmem_cache_free_bulk(s, n, p);
	}
	return get_cycles() - t0;
}

/* kfree_bulk(): only the frees are timed */
static noinline u64 api_kfree_bulk(unsigned int size, void **p)
{
	u64 cycles = 0;
	unsigned int i, j;
	cycles_t t0;

	for (i = 0; i < ops; i += n) {
		for (j = 0; j < n; j++)
			p[j] = kmalloc(size, GFP_KERNEL);
		t0 = get_cycles();
		kfree_bulk(n, p);
		cycles += get_cycles() - t0;
	}
	return cycles;
}

/* kfree_rcu(): the call, not the grace period nor the batch free after it */
static noinline u64 api_kfree_rcu(unsigned int size, void **p)
{
	struct api_obj_rcu *o;
	u64 cycles = 0;
	unsigned int i, j;
	cycles_t t0;

	for (i = 0; i < ops; i += n) {
		for (j = 0; j < n; j++)
			p[j] = kmalloc(max_t(unsigned int, size, sizeof(*o)),
				       GFP_KERNEL);
		t0 = get_cycles();
		for (j = 0; j < n; j++) {
			o = p[j];
			kfree_rcu(o, rcu);
		}
		cycles += get_cycles() - t0;
	}
	return cycles;
}

/*
 * remote_free: a thread on the other CPU allocates a batch and goes idle;
 * this CPU frees it, timed.  With icount the counter sums all CPUs, so the
 * other CPU must be idle while this one frees.
 */
struct api_remote {
	struct kmem_cache *s;
	void **p;
	struct completion go, done;
	bool stop;
};

static int api_remote_fn(void *arg)
{
	struct api_remote *r = arg;
	unsigned int j;

	for (;;) {
		wait_for_completion(&r->go);
		if (READ_ONCE(r->stop))
			break;
		for (j = 0; j < n; j++)
			r->p[j] = kmem_cache_alloc(r->s, GFP_KERNEL);
		complete(&r->done);
	}
	complete(&r->done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static noinline u64 api_remote_free(struct kmem_cache *s, void **p,
				    unsigned int other)
{
	struct api_remote r = { .s = s, .p = p };
	struct task_struct *t;
	u64 cycles = 0;
	unsigned int i, j;
	cycles_t t0;

	init_completion(&r.go);
	init_completion(&r.done);
	t = kthread_create(api_remote_fn, &r, "api-remote");
	if (IS_ERR(t))
		return 0;
	get_task_struct(t);
	kthread_bind(t, other);
	wake_up_process(t);
	for (i = 0; i < ops; i += n) {
		complete(&r.go);
		wait_for_completion(&r.done);
		t0 = get_cycles();
		for (j = 0; j < n; j++)
			kmem_cache_free(s, p[j]);
		cycles += get_cycles() - t0;
	}
	WRITE_ONCE(r.stop, true);
	complete(&r.go);
	wait_for_completion(&r.done);
	kthread_stop(t);
	put_task_struct(t);
	return cycles;
}

static void api_size(unsigned int size, void **p, int other)
{
	struct kmem_cache *s;
	unsigned int rep;
	u64 batched = ops / n * n;

	s = kmem_cache_create("api-bench", size, 0, 0, NULL);
	if (!s) {
		pr_err("size=%u: no cache\n", size);
		return;
	}
	for (rep = 0; rep < reps; rep++) {
		API_RUN("cache_alloc_free", size, rep, ops,
			api_cache_alloc_free(s));
		if (size <= KMALLOC_MAX_CACHE_SIZE) {
			if (api_kmalloc_const_has(size))
				API_RUN("kmalloc_free", size, rep, ops,
					api_kmalloc_const(size, GFP_KERNEL));
			API_RUN("kmalloc_var_free", size, rep, ops,
				api_kmalloc_var(size, GFP_KERNEL));
			API_RUN("kzalloc_free", size, rep, ops,
				api_kmalloc_var(size, GFP_KERNEL | __GFP_ZERO));
			API_RUN("kfree_bulk", size, rep, batched,
				api_kfree_bulk(size, p));
		}
		API_RUN("n_alloc_n_free", size, rep, batched,
			api_n_alloc_n_free(s, p));
		API_RUN("bulk", size, rep, batched, api_bulk(s, p));
		if (other >= 0)
			API_RUN("remote_free", size, rep, batched,
				api_remote_free(s, p, other));
		if (size <= KMALLOC_MAX_CACHE_SIZE && api_wanted("kfree_rcu")) {
			api_print("kfree_rcu", size, rep, batched,
				  api_kfree_rcu(size, p));
			/*
			 * Its batched frees now, not in the middle of the
			 * next measurement.
			 */
			kvfree_rcu_barrier();
		}
	}
	kmem_cache_destroy(s);
}

#ifdef CONFIG_MODSLAB
/* The switch_* measurements (see the top); all or none of them */
static void api_switch(unsigned int size)
{
	static const char * const specs[] = { "debug", "none" };
	struct kmem_cache *s;
	unsigned int rep, i;

	if (!api_wanted("switch"))
		return;
	/* Its own cache: a switch of a merged one switches its aliases */
	s = kmem_cache_create("api-bench-switch", size, 0, SLAB_NO_MERGE, NULL);
	if (!s) {
		pr_err("size=%u: no cache\n", size);
		return;
	}
	for (rep = 0; rep < reps; rep++)
		api_print("switch_before", size, rep, ops,
			  api_cache_alloc_free(s));
	for (i = 0; i < ARRAY_SIZE(specs); i++) {
		if (kmem_cache_set_backing(s, specs[i])) {
			pr_err("size=%u: no switch to %s\n", size, specs[i]);
			goto out;
		}
		for (rep = 0; rep < reps; rep++)
			api_print(i ? "switch_none" : "switch_debug", size, rep,
				  ops, api_cache_alloc_free(s));
	}
	msleep(3000);
	for (rep = 0; rep < reps; rep++)
		api_print("switch_back", size, rep, ops,
			  api_cache_alloc_free(s));
out:
	kmem_cache_destroy(s);
}
#else
static void api_switch(unsigned int size)
{
}
#endif

static int __init api_init(void)
{
	int other = -1, cpu, i;
	void **p;

	if (!n || n > API_MAX_N || !ops || ops < n) {
		pr_err("need 0 < n <= %u and ops >= n\n", API_MAX_N);
		return -EINVAL;
	}
	p = vmalloc_array(n, sizeof(*p));
	if (!p)
		return -ENOMEM;
	/* The remote CPU: another online CPU, this one being pinned */
	migrate_disable();
	for_each_online_cpu(cpu) {
		if (cpu != smp_processor_id()) {
			other = cpu;
			break;
		}
	}
	pr_info("start cpus=%u ops=%u n=%u reps=%u\n", num_online_cpus(), ops,
		n, reps);
	for (i = 0; i < nr_sizes; i++) {
		api_size(sizes[i], p, other);
		api_switch(sizes[i]);
	}
	migrate_enable();
	vfree(p);
	pr_info("done\n");
	return 0;
}

static void __exit api_exit(void)
{
}

module_init(api_init);
module_exit(api_exit);
MODULE_DESCRIPTION("The kernel's slab API, timed in instructions under QEMU icount");
MODULE_LICENSE("GPL");
