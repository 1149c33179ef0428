#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Static listing of the slab API's paths in a vmlinux.

Usage: listing.py VMLINUX [FUNCTION...]

For each function (by default the kmem_cache and kmalloc entry points) and
the functions it calls directly, down to a few levels, prints one line:
the function, its size in instructions, its call sites (direct callees by
name; indirect calls through the retpoline thunks as "indirect"), its
interrupt instructions (cli, sti, pushf, popf) and its atomics (lock-prefixed
instructions, cmpxchg8b/16b).  Functions of the kernel's own debugging and
tracing (printk, WARN, tracepoints, KASAN, lockdep) are listed once but not
followed, nor is the page allocator or the workqueue.  A listing counts
what the code is, not how often it runs: the
instruction benchmark counts that.
"""

import re
import subprocess
import sys

ENTRY = ["kmem_cache_alloc_noprof", "kmem_cache_free", "__kmalloc_noprof",
         "kfree"]
DEPTH = 3
# Callees not followed: reporting, tracing, sanitizers, lock debugging
STOP = re.compile(r"^(printk|_printk|__warn|warn_|dump_stack|__traceiter|"
                  r"trace_|__kasan|kasan_|__kmsan|kmsan_|lock_acquire|"
                  r"lock_release|lockdep_|__might_|__cond_resched|"
                  r"__x86_return_thunk|__stack_chk_fail|__ubsan|"
                  r"__sanitizer|kcsan|__tsan|__asan|should_fail|"
                  r"__memcg_slab|__pfx_|__alloc_pages|alloc_pages|"
                  r"get_page_from_freelist|queue_work|__queue_work|"
                  r"_raw_spin|mutex_|schedule)")
CALL = re.compile(r"\scall\s+[0-9a-f]+ <([^>+]+)(\+0x[0-9a-f]+)?>")
THUNK = re.compile(r"__x86_indirect_(call_)?thunk")


def symbols(vmlinux):
    out = subprocess.run(["nm", "-S", "--defined-only", vmlinux],
                         capture_output=True, text=True, check=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "tTwW":
            syms.setdefault(parts[3], (int(parts[0], 16), int(parts[1], 16)))
    return syms


def disasm(vmlinux, start, size):
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn",
                          f"--start-address={start:#x}",
                          f"--stop-address={start + size:#x}", vmlinux],
                         capture_output=True, text=True, check=True).stdout
    return [ln for ln in out.splitlines() if re.match(r"^\s*[0-9a-f]+:\t", ln)]


def profile(lines):
    calls, irq, atomics = [], 0, 0
    for ln in lines:
        insn = ln.split("\t", 1)[1].strip()
        m = CALL.search(ln)
        if m:
            calls.append("indirect" if THUNK.search(m.group(1)) else m.group(1))
        op = insn.split()[0] if insn.split() else ""
        if op in ("cli", "sti", "pushf", "pushfq", "popf", "popfq"):
            irq += 1
        if op == "lock" or insn.startswith("lock ") or "cmpxchg8b" in insn \
                or "cmpxchg16b" in insn:
            atomics += 1
    return len(lines), calls, irq, atomics


def main():
    vmlinux = sys.argv[1]
    entries = sys.argv[2:] or ENTRY
    syms = symbols(vmlinux)
    seen = set()
    print(f"# {vmlinux}")
    print("# function: instructions, calls (callee names; 'indirect' = "
          "through a retpoline thunk), irq instructions, atomics")

    def walk(name, depth):
        if name in seen or name not in syms:
            return
        seen.add(name)
        start, size = syms[name]
        n, calls, irq, atomics = profile(disasm(vmlinux, start, size))
        stop = bool(STOP.match(name))
        print(f"{'  ' * depth}{name}: {n} insns, {len(calls)} calls"
              f"{' (' + ', '.join(calls) + ')' if calls else ''}, "
              f"irq {irq}, atomics {atomics}{' [not followed]' if stop else ''}")
        if stop or depth >= DEPTH:
            return
        for c in dict.fromkeys(calls):
            if c != "indirect" and not STOP.match(c):
                walk(c, depth + 1)

    for e in entries:
        if e not in syms:
            print(f"{e}: not in this vmlinux")
            continue
        walk(e, 0)


if __name__ == "__main__":
    main()
