// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit test of MODSLAB under CPU hotplug: a thread takes a CPU down and
 * brings it up again, over and over, while the test creates caches,
 * switches their chains (but with KASAN, where chains do not change),
 * shrinks and destroys them.  Those are the paths
 * that flush per-CPU slabs, and kmem_cache_destroy() runs them with the
 * CPU hotplug lock held; run it with lockdep to see every lock they take.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/slab_backing.h>
#include <linux/string.h>

#define HP_SIZE		128
#define HP_OBJS		64
/* Rounds at least, and hotplug cycles seen at least, before the test ends */
#define HP_MIN_ROUNDS	8
#define HP_MIN_CYCLES	3
/* A bound on the rounds, should the hotplug thread stall */
#define HP_MAX_ROUNDS	2000

/**
 * struct hp_cycler - the thread that takes a CPU down and up
 * @cpu: the CPU.
 * @cycles: down and up cycles completed.
 * @err: the first error of remove_cpu() or add_cpu(), 0 if none.
 */
struct hp_cycler {
	unsigned int	cpu;
	atomic_t	cycles;
	int		err;
};

static int hp_cycle_fn(void *data)
{
	struct hp_cycler *h = data;
	int err;

	while (!kthread_should_stop() && !h->err) {
		err = remove_cpu(h->cpu);
		if (!err)
			err = add_cpu(h->cpu);
		if (err)
			h->err = err;
		else
			atomic_inc(&h->cycles);
		cond_resched();
	}
	/* kthread_stop() expects the thread to be there */
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static bool hp_intact(void **objs, unsigned int n, u8 v)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (memchr_inv(objs[i], v, HP_SIZE))
			return false;
	return true;
}

/*
 * One cache's life: two chains, shrinks, destruction.  Only expectations:
 * an assertion would end the test with the CPU thread still running.
 */
static bool hp_round(struct kunit *test, unsigned int round, void **objs)
{
	struct kmem_cache *s;
	unsigned int i, n;
	bool ok = true;

	s = kmem_cache_create("hotplug-kunit", HP_SIZE, 0, SLAB_NO_MERGE,
			      NULL);
	KUNIT_EXPECT_NOT_NULL(test, s);
	if (!s)
		return false;
	for (n = 0; n < 2 * HP_OBJS && ok; n++) {
		if (n == HP_OBJS) {
			/* With KASAN no chain changes: one chain, shrunk */
			if (!IS_ENABLED(CONFIG_KASAN)) {
				ok = !kmem_cache_set_backing(s, "debug(FZPU)");
				KUNIT_EXPECT_TRUE(test, ok);
			}
			kmem_cache_shrink(s);
		}
		objs[n] = kmem_cache_alloc(s, GFP_KERNEL);
		if (!objs[n])
			break;
		memset(objs[n], round & 0xff, HP_SIZE);
	}
	KUNIT_EXPECT_EQ(test, n, 2 * HP_OBJS);
	kmem_cache_shrink(s);
	KUNIT_EXPECT_TRUE(test, hp_intact(objs, n, round & 0xff));
	for (i = 0; i < n; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_shrink(s);
	KUNIT_EXPECT_EQ(test, kmem_cache_destroy_backed(s), 0);
	return n == 2 * HP_OBJS;
}

static void hotplug_switch_shrink_destroy(struct kunit *test)
{
	struct hp_cycler h = {};
	struct task_struct *t;
	unsigned int round;
	void **objs;

	if (!IS_ENABLED(CONFIG_HOTPLUG_CPU) || num_online_cpus() < 2)
		kunit_skip(test, "needs CPU hotplug and two CPUs");
	objs = kunit_kcalloc(test, 2 * HP_OBJS, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	h.cpu = cpumask_last(cpu_online_mask);
	atomic_set(&h.cycles, 0);
	t = kthread_run(hp_cycle_fn, &h, "hotplug-kunit");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));

	for (round = 0; round < HP_MAX_ROUNDS; round++) {
		if (round >= HP_MIN_ROUNDS &&
		    (atomic_read(&h.cycles) >= HP_MIN_CYCLES || h.err))
			break;
		if (!hp_round(test, round, objs))
			break;
	}
	kthread_stop(t);
	if (!cpu_online(h.cpu))
		add_cpu(h.cpu);
	KUNIT_EXPECT_EQ(test, h.err, 0);
	KUNIT_EXPECT_GE(test, atomic_read(&h.cycles), HP_MIN_CYCLES);
	KUNIT_EXPECT_TRUE(test, cpu_online(h.cpu));
}

static struct kunit_case hotplug_cases[] = {
	KUNIT_CASE_SLOW(hotplug_switch_shrink_destroy),
	{}
};

static struct kunit_suite hotplug_suite = {
	.name = "modslab_hotplug",
	.test_cases = hotplug_cases,
};

kunit_test_suite(hotplug_suite);

MODULE_DESCRIPTION("KUnit test of MODSLAB under CPU hotplug");
MODULE_LICENSE("GPL");
