// SPDX-License-Identifier: GPL-2.0
/*
 * modslab_bench: the slabifier against SLUB, side by side in one boot.
 *
 * For every size asked for, the module creates a slabifier cache (the plain
 * chain: slabifier over the buddy page allocator) and a SLUB cache with the
 * same size, alignment and flags (SLAB_NO_MERGE, so that SLUB does not hand
 * back a kmalloc cache), and times on both, in alternating order:
 *
 *	alloc_free	alloc + free pairs, one object live at a time;
 *	n_alloc_n_free	a batch of allocations, then the frees of the batch;
 *	bulk		bulk allocation then bulk free of n objects;
 *	remote_free	allocation on one CPU, free on another, through a
 *			single producer / single consumer ring.
 *
 * Every repetition prints one line on the console:
 *
 *	bench: test=T alloc=A size=S n=N rep=R ops=O ns=.. cycles=..
 *	       ns_per_op=X.XX cycles_per_op=Y.YY
 *
 * (on one line) where an op is one object allocated and freed.  After the
 * repetitions of one (test, size, n) a summary line per allocator gives the
 * median, minimum and maximum.  The module does its work at load time and
 * unloads with rmmod.
 */

#define pr_fmt(fmt) "bench: " fmt

#include <linux/allocator.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/timex.h>
#include <linux/vmalloc.h>
#include <linux/ktime.h>

#define BENCH_MAX_SIZES	16
#define BENCH_MAX_REPS	31
#define BENCH_RING	256

static unsigned int sizes[BENCH_MAX_SIZES] = {
	8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 192,
};

static int nr_sizes = 11;
module_param_array(sizes, uint, &nr_sizes, 0444);
MODULE_PARM_DESC(sizes, "object sizes to measure");

static unsigned int bulk_sizes[BENCH_MAX_SIZES] = { 16, 64, 256 };
static int nr_bulk_sizes = 3;
module_param_array(bulk_sizes, uint, &nr_bulk_sizes, 0444);
MODULE_PARM_DESC(bulk_sizes, "objects per bulk call");

static char *tests = "alloc_free,n_alloc_n_free,bulk,remote_free";
module_param(tests, charp, 0444);
MODULE_PARM_DESC(tests, "comma separated tests to run");

static unsigned int reps = 5;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "repetitions of each measurement (at most 31)");

static unsigned int pairs = 1000000;
module_param(pairs, uint, 0444);
MODULE_PARM_DESC(pairs, "alloc + free pairs per alloc_free repetition");

static unsigned int batch = 10000;
module_param(batch, uint, 0444);
MODULE_PARM_DESC(batch, "objects per n_alloc_n_free repetition");

static unsigned int bulk_objs = 131072;
module_param(bulk_objs, uint, 0444);
MODULE_PARM_DESC(bulk_objs, "objects per bulk repetition");

static unsigned int remote_objs = 200000;
module_param(remote_objs, uint, 0444);
MODULE_PARM_DESC(remote_objs, "objects per remote_free repetition");

enum bench_alloc { BENCH_SF, BENCH_SLUB, BENCH_NR_ALLOC };

static const char * const alloc_names[BENCH_NR_ALLOC] = {
	[BENCH_SF] = "slabifier",
	[BENCH_SLUB] = "slub",
};

/* The two caches of one size: one object allocator, two implementations */
struct bench_caches {
	unsigned int size;
	char *sf_name;
	struct slab_cache *sf;
	struct kmem_cache *slub;
};

struct bench_result {
	u64 ns;
	u64 cycles;
};

/* What one repetition measured: elapsed time and cycles */
struct bench_time {
	u64 ns;
	cycles_t cycles;
};

static inline void bench_start(struct bench_time *t)
{
	t->cycles = get_cycles();
	t->ns = ktime_get_ns();
}

static inline void bench_stop(struct bench_time *t, struct bench_result *r)
{
	r->cycles += get_cycles() - t->cycles;
	r->ns += ktime_get_ns() - t->ns;
}

static __always_inline void *bench_alloc(struct bench_caches *bc,
					 enum bench_alloc a)
{
	if (a == BENCH_SF)
		return slab_cache_alloc(bc->sf, GFP_KERNEL);
	return kmem_cache_alloc(bc->slub, GFP_KERNEL);
}

static __always_inline void bench_free(struct bench_caches *bc,
				       enum bench_alloc a, void *obj)
{
	if (a == BENCH_SF)
		slab_cache_free(bc->sf, obj);
	else
		kmem_cache_free(bc->slub, obj);
}

/* Print a per-op figure with two decimals: total / ops */
static void bench_fmt(char *buf, size_t len, u64 total, u64 ops)
{
	u64 hundredths = ops ? div64_u64(total * 100, ops) : 0;

	snprintf(buf, len, "%llu.%02llu", div_u64(hundredths, 100),
		 hundredths % 100);
}

static void bench_print(const char *test, enum bench_alloc a,
			unsigned int size, unsigned int n, unsigned int rep,
			u64 ops, const struct bench_result *r)
{
	char ns[24], cy[24];

	bench_fmt(ns, sizeof(ns), r->ns, ops);
	bench_fmt(cy, sizeof(cy), r->cycles, ops);
	pr_info("test=%s alloc=%s size=%u n=%u rep=%u ops=%llu ns=%llu cycles=%llu ns_per_op=%s cycles_per_op=%s\n",
		test, alloc_names[a], size, n, rep, ops, r->ns, r->cycles,
		ns, cy);
}

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Median (lower middle for even counts), min and max of @nr values */
static void bench_summary(const char *test, enum bench_alloc a,
			  unsigned int size, unsigned int n, u64 ops,
			  const struct bench_result *res, unsigned int nr)
{
	u64 ns[BENCH_MAX_REPS], cy[BENCH_MAX_REPS];
	char med[24], lo[24], hi[24], cmed[24];
	unsigned int i;

	if (!nr)
		return;
	for (i = 0; i < nr; i++) {
		ns[i] = res[i].ns;
		cy[i] = res[i].cycles;
	}
	sort(ns, nr, sizeof(ns[0]), bench_cmp_u64, NULL);
	sort(cy, nr, sizeof(cy[0]), bench_cmp_u64, NULL);
	bench_fmt(med, sizeof(med), ns[(nr - 1) / 2], ops);
	bench_fmt(lo, sizeof(lo), ns[0], ops);
	bench_fmt(hi, sizeof(hi), ns[nr - 1], ops);
	bench_fmt(cmed, sizeof(cmed), cy[(nr - 1) / 2], ops);
	pr_info("summary test=%s alloc=%s size=%u n=%u reps=%u median_ns_per_op=%s min_ns_per_op=%s max_ns_per_op=%s median_cycles_per_op=%s\n",
		test, alloc_names[a], size, n, nr, med, lo, hi, cmed);
}

/*
 * (a) alloc_free: one object live at a time, pairs times.
 */
static int bench_alloc_free(struct bench_caches *bc, enum bench_alloc a,
			    struct bench_result *r)
{
	struct bench_time t;
	unsigned int i;
	void *obj;

	bench_start(&t);
	for (i = 0; i < pairs; i++) {
		obj = bench_alloc(bc, a);
		if (unlikely(!obj))
			return -ENOMEM;
		bench_free(bc, a, obj);
	}
	bench_stop(&t, r);
	return 0;
}

static int bench_cmp_ptr(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/*
 * Pages spanned by the slabs holding @nr live objects: how densely the
 * allocator packed them.  Sorts a copy of the object addresses by folio.
 */
static unsigned long bench_footprint(void **objs, unsigned long *folios,
				     unsigned int nr)
{
	unsigned long pages = 0, prev = 0;
	unsigned int i;

	for (i = 0; i < nr; i++)
		folios[i] = (unsigned long)virt_to_folio(objs[i]);
	sort(folios, nr, sizeof(folios[0]), bench_cmp_ptr, NULL);
	for (i = 0; i < nr; i++) {
		if (folios[i] == prev)
			continue;
		prev = folios[i];
		pages += folio_nr_pages((struct folio *)folios[i]);
	}
	return pages;
}

/*
 * (b) n_alloc_n_free: batch allocations, then batch frees.  The first
 * repetition also reports the pages the live batch spans (not timed).
 */
static int bench_n_alloc_n_free(struct bench_caches *bc, enum bench_alloc a,
				struct bench_result *r, void **objs,
				unsigned long *folios, unsigned int rep,
				struct bench_result *split)
{
	struct bench_result ra = {}, rf = {};
	struct bench_time t;
	unsigned int i;

	bench_start(&t);
	for (i = 0; i < batch; i++) {
		objs[i] = bench_alloc(bc, a);
		if (unlikely(!objs[i]))
			break;
	}
	bench_stop(&t, &ra);
	if (i < batch) {
		while (i--)
			bench_free(bc, a, objs[i]);
		return -ENOMEM;
	}

	if (!rep)
		pr_info("test=footprint alloc=%s size=%u n=%u rep=0 objs=%u pages=%lu\n",
			alloc_names[a], bc->size, 0, batch,
			bench_footprint(objs, folios, batch));

	bench_start(&t);
	for (i = 0; i < batch; i++)
		bench_free(bc, a, objs[i]);
	bench_stop(&t, &rf);

	r->ns = ra.ns + rf.ns;
	r->cycles = ra.cycles + rf.cycles;
	split[0] = ra;
	split[1] = rf;
	return 0;
}

/*
 * (c) bulk: alloc_bulk(n) then free_bulk(n), bulk_objs objects in all.
 */
static int bench_bulk(struct bench_caches *bc, enum bench_alloc a,
		      unsigned int n, struct bench_result *r, void **p)
{
	unsigned int i, rounds = max(bulk_objs / n, 1U);
	struct bench_time t;
	int got;

	bench_start(&t);
	for (i = 0; i < rounds; i++) {
		if (a == BENCH_SF) {
			got = slab_cache_alloc_bulk(bc->sf, GFP_KERNEL, n, p);
			if (unlikely(got != n))
				return -ENOMEM;
			slab_cache_free_bulk(bc->sf, n, p);
		} else {
			got = kmem_cache_alloc_bulk(bc->slub, GFP_KERNEL, n, p);
			if (unlikely(got != n))
				return -ENOMEM;
			kmem_cache_free_bulk(bc->slub, n, p);
		}
	}
	bench_stop(&t, r);
	return 0;
}

/*
 * (d) remote_free: a producer thread on one CPU allocates and passes the
 * objects through a ring to a consumer thread on another CPU, which frees
 * them.  Timed from the start signal to the last free.
 */
struct bench_remote {
	struct bench_caches *bc;
	enum bench_alloc a;
	unsigned int nr;
	struct completion go;
	bool failed;
	unsigned int head ____cacheline_aligned_in_smp;
	unsigned int tail ____cacheline_aligned_in_smp;
	void *ring[BENCH_RING] ____cacheline_aligned_in_smp;
	u64 end_ns;
	cycles_t end_cycles;
	struct completion done[2];
};

/*
 * Wait for the other side without starving the tasks that share the CPU:
 * the kernel may be built without preemption.
 */
static inline void bench_remote_relax(unsigned int *spins)
{
	if (!(++*spins & 1023))
		cond_resched();
	else
		cpu_relax();
}

static int bench_producer(void *arg)
{
	struct bench_remote *br = arg;
	unsigned int i, spins = 0;
	void *obj;

	wait_for_completion(&br->go);
	for (i = 0; i < br->nr; i++) {
		obj = bench_alloc(br->bc, br->a);
		if (unlikely(!obj))
			WRITE_ONCE(br->failed, true);
		/* The consumer is done with the slot; pairs with its release */
		while (i - smp_load_acquire(&br->tail) >= BENCH_RING)
			bench_remote_relax(&spins);
		br->ring[i % BENCH_RING] = obj;
		/* Publish the slot; pairs with the acquire in the consumer */
		smp_store_release(&br->head, i + 1);
	}
	complete(&br->done[0]);
	return 0;
}

static int bench_consumer(void *arg)
{
	struct bench_remote *br = arg;
	unsigned int i, spins = 0;
	void *obj;

	wait_for_completion(&br->go);
	for (i = 0; i < br->nr; i++) {
		/* See the slot; pairs with the release in the producer */
		while (smp_load_acquire(&br->head) == i)
			bench_remote_relax(&spins);
		obj = br->ring[i % BENCH_RING];
		if (likely(obj))
			bench_free(br->bc, br->a, obj);
		/* Done with the slot before the producer reuses it */
		smp_store_release(&br->tail, i + 1);
	}
	br->end_cycles = get_cycles();
	br->end_ns = ktime_get_ns();
	complete(&br->done[1]);
	return 0;
}

static int bench_remote_free(struct bench_caches *bc, enum bench_alloc a,
			     struct bench_result *r, unsigned int cpus[2])
{
	struct task_struct *tsk[2];
	struct bench_remote *br;
	struct bench_time t;
	int i, err = 0;

	br = kzalloc(sizeof(*br), GFP_KERNEL);
	if (!br)
		return -ENOMEM;
	br->bc = bc;
	br->a = a;
	br->nr = remote_objs;
	init_completion(&br->go);
	init_completion(&br->done[0]);
	init_completion(&br->done[1]);

	/* Pinned, so that kthread_stop() works after the threads returned */
	tsk[0] = kthread_create(bench_producer, br, "bench-prod");
	if (IS_ERR(tsk[0])) {
		err = PTR_ERR(tsk[0]);
		goto out_free;
	}
	get_task_struct(tsk[0]);
	tsk[1] = kthread_create(bench_consumer, br, "bench-cons");
	if (IS_ERR(tsk[1])) {
		err = PTR_ERR(tsk[1]);
		kthread_stop_put(tsk[0]);
		goto out_free;
	}
	get_task_struct(tsk[1]);
	for (i = 0; i < 2; i++) {
		kthread_bind(tsk[i], cpus[i]);
		wake_up_process(tsk[i]);
	}
	/* Both wait for the signal; the clock starts when it is given */
	bench_start(&t);
	complete_all(&br->go);
	wait_for_completion(&br->done[0]);
	wait_for_completion(&br->done[1]);
	kthread_stop_put(tsk[0]);
	kthread_stop_put(tsk[1]);
	r->ns += br->end_ns - t.ns;
	r->cycles += br->end_cycles - t.cycles;
	if (br->failed)
		err = -ENOMEM;
out_free:
	kfree(br);
	return err;
}

/*
 * Driver
 */

static bool bench_wanted(const char *test)
{
	size_t len = strlen(test);
	const char *p = tests;

	while ((p = strstr(p, test))) {
		if ((p == tests || p[-1] == ',') &&
		    (p[len] == '\0' || p[len] == ','))
			return true;
		p += len;
	}
	return false;
}

static int bench_caches_create(struct bench_caches *bc, unsigned int size)
{
	struct slab_cache_args args = { .flags = SLAB_NO_MERGE };
	char name[32];

	bc->size = size;
	bc->sf_name = kasprintf(GFP_KERNEL, "bench-sf-%u", size);
	if (!bc->sf_name)
		return -ENOMEM;
	bc->sf = slab_cache_create(slabifier_allocator(), buddy_page_allocator(),
				   bc->sf_name, size, &args);
	if (IS_ERR(bc->sf)) {
		kfree(bc->sf_name);
		return PTR_ERR(bc->sf);
	}
	snprintf(name, sizeof(name), "bench-slub-%u", size);
	bc->slub = kmem_cache_create(name, size, 0, SLAB_NO_MERGE, NULL);
	if (!bc->slub) {
		slab_cache_destroy(bc->sf);
		kfree(bc->sf_name);
		return -ENOMEM;
	}
	return 0;
}

static void bench_caches_destroy(struct bench_caches *bc)
{
	kmem_cache_destroy(bc->slub);
	slab_cache_destroy(bc->sf);
	kfree(bc->sf_name);
}

/* Scratch memory shared by the tests of one size */
struct bench_scratch {
	void **objs;
	unsigned long *folios;
	struct bench_result res[BENCH_NR_ALLOC][BENCH_MAX_REPS];
	struct bench_result split[BENCH_NR_ALLOC][BENCH_MAX_REPS][2];
	unsigned int cpus[2];
	bool have_remote;
};

enum bench_test { T_ALLOC_FREE, T_N_ALLOC, T_BULK, T_REMOTE };

static const char * const test_names[] = {
	[T_ALLOC_FREE] = "alloc_free",
	[T_N_ALLOC] = "n_alloc_n_free",
	[T_BULK] = "bulk",
	[T_REMOTE] = "remote_free",
};

static int bench_one(struct bench_caches *bc, struct bench_scratch *s,
		     enum bench_test test, unsigned int n, unsigned int rep,
		     enum bench_alloc a)
{
	struct bench_result *r = &s->res[a][rep];

	*r = (struct bench_result){};
	switch (test) {
	case T_ALLOC_FREE:
		return bench_alloc_free(bc, a, r);
	case T_N_ALLOC:
		return bench_n_alloc_n_free(bc, a, r, s->objs, s->folios, rep,
					    s->split[a][rep]);
	case T_BULK:
		return bench_bulk(bc, a, n, r, s->objs);
	case T_REMOTE:
		return bench_remote_free(bc, a, r, s->cpus);
	}
	return -EINVAL;
}

static u64 bench_ops(enum bench_test test, unsigned int n)
{
	switch (test) {
	case T_ALLOC_FREE:
		return pairs;
	case T_N_ALLOC:
		return batch;
	case T_BULK:
		return (u64)max(bulk_objs / n, 1U) * n;
	case T_REMOTE:
		return remote_objs;
	}
	return 1;
}

/*
 * Run one test on both caches of one size, reps times, in alternating
 * order (even repetitions start with the slabifier, odd ones with SLUB),
 * after one untimed warm-up of each.
 */
static int bench_test(struct bench_caches *bc, struct bench_scratch *s,
		      enum bench_test test, unsigned int n)
{
	const char *name = test_names[test];
	u64 ops = bench_ops(test, n);
	unsigned int rep, k;
	enum bench_alloc a;
	int err;

	for (a = 0; a < BENCH_NR_ALLOC; a++) {
		err = bench_one(bc, s, test, n, 1, a);
		if (err)
			goto fail;
	}
	for (rep = 0; rep < reps; rep++) {
		for (k = 0; k < BENCH_NR_ALLOC; k++) {
			a = (rep + k) % BENCH_NR_ALLOC;
			err = bench_one(bc, s, test, n, rep, a);
			if (err)
				goto fail;
			bench_print(name, a, bc->size, n, rep, ops,
				    &s->res[a][rep]);
			if (test == T_N_ALLOC) {
				bench_print("n_alloc", a, bc->size, n, rep, ops,
					    &s->split[a][rep][0]);
				bench_print("n_free", a, bc->size, n, rep, ops,
					    &s->split[a][rep][1]);
			}
			cond_resched();
		}
	}
	for (a = 0; a < BENCH_NR_ALLOC; a++)
		bench_summary(name, a, bc->size, n, ops, s->res[a], reps);
	return 0;
fail:
	pr_err("test=%s alloc=%s size=%u n=%u failed: %d\n", name,
	       alloc_names[a], bc->size, n, err);
	return err;
}

static int bench_size(unsigned int size, struct bench_scratch *s)
{
	struct bench_caches bc;
	unsigned int i;
	int err;

	err = bench_caches_create(&bc, size);
	if (err) {
		pr_err("size=%u: cannot create the caches: %d\n", size, err);
		return err;
	}
	if (bench_wanted("alloc_free"))
		err = bench_test(&bc, s, T_ALLOC_FREE, 0);
	if (!err && bench_wanted("n_alloc_n_free"))
		err = bench_test(&bc, s, T_N_ALLOC, 0);
	for (i = 0; !err && bench_wanted("bulk") && i < nr_bulk_sizes; i++)
		err = bench_test(&bc, s, T_BULK, bulk_sizes[i]);
	if (!err && bench_wanted("remote_free")) {
		if (s->have_remote)
			err = bench_test(&bc, s, T_REMOTE, 0);
		else
			pr_info("test=remote_free size=%u skipped: fewer than 2 online CPUs\n",
				size);
	}
	bench_caches_destroy(&bc);
	return err;
}

static int __init bench_init(void)
{
	unsigned int i, nr_objs, max_bulk = 1;
	struct bench_scratch *s;
	int err = 0;

	if (!reps || reps > BENCH_MAX_REPS || !batch || !pairs ||
	    !remote_objs || !bulk_objs) {
		pr_err("reps must be 1..%u; batch, pairs, remote_objs and bulk_objs nonzero\n",
		       BENCH_MAX_REPS);
		return -EINVAL;
	}
	for (i = 0; i < nr_bulk_sizes; i++) {
		if (!bulk_sizes[i]) {
			pr_err("bulk sizes must be nonzero\n");
			return -EINVAL;
		}
		max_bulk = max(max_bulk, bulk_sizes[i]);
	}
	nr_objs = max(batch, max_bulk);

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->objs = vmalloc_array(nr_objs, sizeof(*s->objs));
	s->folios = vmalloc_array(nr_objs, sizeof(*s->folios));
	if (!s->objs || !s->folios) {
		err = -ENOMEM;
		goto out;
	}
	s->cpus[0] = cpumask_first(cpu_online_mask);
	s->cpus[1] = cpumask_next(s->cpus[0], cpu_online_mask);
	s->have_remote = s->cpus[1] < nr_cpu_ids;

	pr_info("start cpus=%u reps=%u pairs=%u batch=%u bulk_objs=%u remote_objs=%u tests=%s\n",
		num_online_cpus(), reps, pairs, batch, bulk_objs, remote_objs,
		tests);
	for (i = 0; i < nr_sizes && !err; i++)
		err = bench_size(sizes[i], s);
	pr_info("done status=%d\n", err);
out:
	vfree(s->folios);
	vfree(s->objs);
	kfree(s);
	return err;
}

static void __exit bench_exit(void)
{
}

module_init(bench_init);
module_exit(bench_exit);

MODULE_DESCRIPTION("Slabifier against SLUB: speed side by side in one boot");
MODULE_LICENSE("GPL");
