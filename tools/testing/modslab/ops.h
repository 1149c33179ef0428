/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Steps of the fuzz target: an input is a sequence of these opcodes
 * (taken modulo OP_NR), each followed by the bytes its step reads.
 * Allocation and free appear twice so that random inputs favour them.
 */
#ifndef MODSLAB_FUZZ_OPS_H
#define MODSLAB_FUZZ_OPS_H

enum fuzz_op {
	OP_ALLOC,		/* cache, gfp, node */
	OP_FREE,		/* cache, index (2 bytes) */
	OP_ALLOC2,
	OP_FREE2,
	OP_ALLOC_MANY,		/* cache, count, then per object: gfp, node */
	OP_FREE_MANY,		/* cache, count, then per object: index */
	OP_BULK_ALLOC,		/* cache, count, gfp */
	OP_BULK_FREE,		/* cache, count, then per object: skip, index */
	OP_CREATE,		/* slot, then the cache's description */
	OP_DESTROY,		/* cache, leak */
	OP_SHRINK,		/* cache, move; the move callback reads one byte per object */
	OP_CPU,			/* cpu */
	OP_HOTPLUG,		/* cpu and down/up */
	OP_GRACE,
	OP_DOUBLE_FREE,		/* cache, index */
	OP_INVALID_FREE,	/* cache, kind, ... */
	OP_CORRUPT,		/* cache, kind, index, ... */
	OP_VALIDATE,		/* cache */
	OP_QUERY,		/* cache, index */
	OP_PARAM,		/* name, value */
	OP_INJECT,		/* which and when */
	OP_CMPXCHG,
	OP_MEMPOOL,		/* cache, count */
	OP_SWEEP,
	OP_NR
};

static const char *const op_names[OP_NR] __attribute__((unused)) = {
	"alloc", "free", "alloc", "free", "alloc-many", "free-many",
	"bulk-alloc", "bulk-free", "create", "destroy", "shrink", "cpu",
	"hotplug", "grace-period", "double-free", "invalid-free", "corrupt",
	"validate", "query", "param", "inject", "cmpxchg", "mempool", "sweep",
};

#endif /* MODSLAB_FUZZ_OPS_H */
