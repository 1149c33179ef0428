// SPDX-License-Identifier: GPL-2.0
/*
 * Seed inputs for the fuzz target: one short scenario per chain and per
 * feature, so that fuzzing starts from inputs that reach every deriver.
 *
 *	gen-corpus <dir>
 *
 * The "regression-" inputs replay bugs found and fixed, so that they stay
 * fixed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"

static unsigned char buf[4096];
static size_t len;

static void b(unsigned int v)
{
	if (len < sizeof(buf))
		buf[len++] = v;
}

/*
 * Create a cache in slot 0.  @chain: bits 0-1 page allocator layers that
 * follow in @pa, bit 2 debug (@dbg), bit 3 ctor, bit 4 dtor.  @kind picks
 * the size (4: from the size table, index @size).  @f: the flags byte of
 * do_create().
 */
static void create(unsigned int slot, unsigned int chain, const unsigned char *pa,
		   unsigned int dbg, unsigned int f, unsigned int size)
{
	unsigned int i;

	b(OP_CREATE);
	b(slot);
	b(0x08 | 4 | (slot % 4) << 4);	/* new chain, size from the table */
	b(f);
	b(chain);
	for (i = 0; i < (chain & 3); i++)
		b(pa[i]);
	if (chain & 4)
		b(dbg);
	b(size);
	if (f & 1)
		b(3);			/* align 8 */
}

static void workload(unsigned int slot)
{
	unsigned int i;

	b(OP_ALLOC_MANY); b(slot); b(100);
	for (i = 0; i < 100; i++) { b(i & 0x17); b(i & 0x7); }
	b(OP_FREE_MANY); b(slot); b(60);
	for (i = 0; i < 60; i++) { b(i * 7); b(0); }
	b(OP_CPU); b(1);
	b(OP_ALLOC_MANY); b(slot); b(20);
	for (i = 0; i < 20; i++) { b(0); b(0); }
	b(OP_FREE_MANY); b(slot); b(30);
	for (i = 0; i < 30; i++) { b(i * 3); b(0); }
	b(OP_BULK_ALLOC); b(slot); b(40); b(0);
	b(OP_BULK_FREE); b(slot); b(30);
	for (i = 0; i < 30; i++) { b(1); b(i); b(0); }
	b(OP_DOUBLE_FREE); b(slot); b(3); b(0);
	b(OP_INVALID_FREE); b(slot); b(0); b(1); b(0);
	b(OP_HOTPLUG); b(4 | 1);
	b(OP_SHRINK); b(slot); b(1);
	for (i = 0; i < 64; i++)
		b(i % 8);
	b(OP_GRACE);
	b(OP_SWEEP);
	b(OP_DESTROY); b(slot); b(1);
}

static void save(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
	len = 0;
}

int main(int argc, char **argv)
{
	static const unsigned char rcu[] = { 1 }, dma[] = { 2 }, node0[] = { 5 },
		node1[] = { 5 | 8 }, inter[] = { 6 | 3 << 3 }, res[] = { 7 | 1 << 5 },
		rcu_res[] = { 7 | 2 << 5, 1 }, res_dma[] = { 7, 2 };
	unsigned int s;

	if (argc != 2) {
		fprintf(stderr, "usage: %s <corpus directory>\n", argv[0]);
		return 2;
	}
	for (s = 0; s < 24; s += 3) {
		char name[32];

		create(0, 0, NULL, 0, 0, s);
		workload(0);
		snprintf(name, sizeof(name), "plain-%u", s);
		save(argv[1], name);
	}
	create(0, 1, rcu, 0, 8, 6); workload(0); save(argv[1], "rcu-typesafe");
	create(0, 1, dma, 0, 0, 5); workload(0); save(argv[1], "dma");
	create(0, 1, node0, 0, 0, 7); workload(0); save(argv[1], "node0");
	create(0, 1, node1, 0, 0, 7); workload(0); save(argv[1], "node1");
	create(0, 1, inter, 0, 0, 9); workload(0); save(argv[1], "interleave");
	create(0, 1, res, 0, 0, 3); b(OP_INJECT); b(0); workload(0); save(argv[1], "reserve");
	create(0, 2, rcu_res, 0, 8, 4); workload(0); save(argv[1], "reserve-rcu");
	create(0, 8, NULL, 0, 0x10, 4); workload(0); save(argv[1], "ctor");
	create(0, 8 | 16, NULL, 0, 0x40, 9); workload(0); save(argv[1], "ctor-dtor-hook");
	create(0, 4, NULL, 0x0f, 0, 4); workload(0);
	for (s = 0; s < 4; s++) {
		b(OP_ALLOC_MANY); b(0); b(10);
		for (unsigned int i = 0; i < 20; i++) b(0);
		b(OP_CORRUPT); b(0); b(s | 0x80); b(s); b(0);
	}
	b(OP_VALIDATE); b(0);
	save(argv[1], "debug-faults");
	create(0, 4 | 8, NULL, 0x1f, 0x40, 10); workload(0); save(argv[1], "debug-ctor");
	create(0, 1 | 4, rcu, 0x07, 0x08, 6); workload(0); save(argv[1], "debug-rcu");
	/*
	 * Debug cache F+P of 64 byte objects: allocate three, free one and
	 * write into it, validate (which quarantines it while it is on the
	 * base's free list), free another; destroying the cache at the end
	 * must not free the quarantined one to the base again.
	 */
	create(0, 4, NULL, 0x05, 0, 6);
	b(OP_ALLOC); b(0); b(0); b(0); b(0xff);	/* 0xff: no action on the new slab */
	b(OP_ALLOC); b(0); b(0); b(0);
	b(OP_ALLOC); b(0); b(0); b(0);
	b(OP_CORRUPT); b(0); b(2 | 0x80); b(0); b(0);
	b(OP_FREE); b(0); b(0); b(0);
	save(argv[1], "regression-validate-free-damaged-then-destroy");
	/*
	 * dma over a reserve of one page: refused, since the reserve's page,
	 * from ZONE_DMA32, would make a slab of the cache when the base fails.
	 */
	create(0, 2, res_dma, 0, 0, 6);
	b(OP_INJECT); b(0);		/* the next page allocation fails */
	b(OP_ALLOC); b(0); b(0); b(0); b(0xff);
	save(argv[1], "regression-dma-over-reserve");
	return 0;
}
