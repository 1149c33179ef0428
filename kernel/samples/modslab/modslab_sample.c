// SPDX-License-Identifier: GPL-2.0
/*
 * A cache and a kmalloc-style set of caches on an allocator chain composed
 * with the modslab derivers: slabs bound to one node, every object checked
 * by the debug deriver, objects constructed per slab.  A few threads
 * allocate, fill, check and free objects of both; then everything is torn
 * down, and the module refuses to load if anything went wrong.
 *
 * With CONFIG_SAMPLE_MODSLAB=m: insmod modslab_sample.ko [threads=N]
 * [rounds=N], and read the kernel log.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/allocator.h>
#include <linux/allocator_derive.h>
#include <linux/atomic.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/slab_backing.h>
#include <linux/wait.h>

static unsigned int threads = 3;
module_param(threads, uint, 0444);
MODULE_PARM_DESC(threads, "threads allocating at once (1 to 16)");

static unsigned int rounds = 200;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "rounds of allocations per thread");

#define SAMPLE_BATCH	32
#define SAMPLE_MAGIC	0x6d6f64736c6162UL	/* "modslab" */

/**
 * struct sample_obj - what the cache holds
 * @magic: set by the constructor; objects go back with it set.
 * @owner: the thread that holds the object, 0 while free.
 * @data: filled by the holder.
 */
struct sample_obj {
	unsigned long	magic;
	unsigned int	owner;
	u8		data[200];
};

static struct kmem_cache *sample_cache;
static struct kmalloc_set *sample_set;
static atomic_t sample_errors = ATOMIC_INIT(0);
static atomic_long_t sample_objects = ATOMIC_LONG_INIT(0);
static atomic_t sample_running = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(sample_wait);

static void sample_ctor(void *p)
{
	struct sample_obj *o = p;

	o->magic = SAMPLE_MAGIC;
	o->owner = 0;
}

static void sample_error(const char *what, unsigned int id)
{
	if (atomic_inc_return(&sample_errors) <= 5)
		pr_err("thread %u: %s\n", id, what);
}

static void sample_round(unsigned int id)
{
	struct sample_obj *objs[SAMPLE_BATCH];
	void *bufs[SAMPLE_BATCH];
	size_t sizes[SAMPLE_BATCH];
	unsigned int i;

	for (i = 0; i < SAMPLE_BATCH; i++) {
		objs[i] = kmem_cache_alloc(sample_cache, GFP_KERNEL);
		sizes[i] = 1 + get_random_u32_below(1U << KMALLOC_SET_MAX_SHIFT);
		bufs[i] = kmalloc_set_alloc(sample_set, sizes[i], GFP_KERNEL);
		if (!objs[i] || !bufs[i]) {
			sample_error("out of memory", id);
			continue;
		}
		if (objs[i]->magic != SAMPLE_MAGIC || objs[i]->owner)
			sample_error("object not in its constructed state", id);
		objs[i]->owner = id;
		memset(objs[i]->data, id, sizeof(objs[i]->data));
		memset(bufs[i], id, sizes[i]);
		atomic_long_add(2, &sample_objects);
	}
	cond_resched();
	for (i = 0; i < SAMPLE_BATCH; i++) {
		if (objs[i]) {
			if (objs[i]->owner != id ||
			    memchr_inv(objs[i]->data, id, sizeof(objs[i]->data)))
				sample_error("object changed under its holder", id);
			/* Back in its constructed state */
			objs[i]->owner = 0;
			kmem_cache_free(sample_cache, objs[i]);
		}
		if (bufs[i]) {
			if (memchr_inv(bufs[i], id, sizes[i]))
				sample_error("buffer changed under its holder", id);
			kmalloc_set_free(sample_set, bufs[i]);
		}
	}
}

static int sample_thread(void *data)
{
	unsigned int id = (unsigned long)data, r;

	for (r = 0; r < rounds; r++)
		sample_round(id);
	if (atomic_dec_and_test(&sample_running))
		wake_up(&sample_wait);
	return 0;
}

static int __init sample_make(void)
{
	struct kmem_cache_args args = { .ctor = sample_ctor };
	struct page_allocator *pa;
	struct slab_allocator *sa;
	int err = 0;

	pa = node_page_allocator(buddy_page_allocator(), first_memory_node);
	if (IS_ERR(pa))
		return PTR_ERR(pa);
	sa = debug_slab_allocator(slabifier_allocator(), SLABDBG_ALL);
	if (IS_ERR(sa)) {
		page_allocator_put(pa);
		return PTR_ERR(sa);
	}
	sample_cache = kmem_cache_create_backed("modslab_sample",
						sizeof(struct sample_obj),
						&args, 0, pa, sa);
	sample_set = kmalloc_set_create("modslab_sample_kmalloc", pa, sa, 0);
	/* The caches hold their own references on the chain */
	page_allocator_put(pa);
	slab_allocator_put(sa);
	if (!sample_cache || !sample_set) {
		kmem_cache_destroy(sample_cache);
		if (sample_set)
			kmalloc_set_destroy(sample_set);
		err = -ENOMEM;
	}
	return err;
}

static int __init sample_init(void)
{
	struct task_struct *t;
	unsigned int i;
	int err, e1, e2;

	threads = clamp(threads, 1U, 16U);
	err = sample_make();
	if (err)
		return err;

	atomic_set(&sample_running, threads);
	for (i = 0; i < threads; i++) {
		t = kthread_run(sample_thread, (void *)(unsigned long)(i + 1),
				"modslab_sample/%u", i);
		if (IS_ERR(t)) {
			sample_error("cannot start", i + 1);
			if (atomic_dec_and_test(&sample_running))
				wake_up(&sample_wait);
		}
	}
	wait_event(sample_wait, !atomic_read(&sample_running));

	e1 = kmem_cache_destroy_backed(sample_cache);
	e2 = kmalloc_set_destroy(sample_set);
	pr_info("%u threads, %ld objects, %d errors; destroying the cache: %d, the set: %d\n",
		threads, atomic_long_read(&sample_objects),
		atomic_read(&sample_errors), e1, e2);
	if (e1 || e2 || atomic_read(&sample_errors))
		return -EIO;
	return 0;
}

static void __exit sample_exit(void)
{
}

module_init(sample_init);
module_exit(sample_exit);
MODULE_DESCRIPTION("Caches on an allocator chain of their own, under load");
MODULE_LICENSE("GPL");
