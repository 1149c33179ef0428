#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the console logs of `make bench` into build/report/.

Usage: report.py RAW_DIR REPORT_DIR

RAW_DIR holds what scripts/bench.sh collected:
  cache-tcg.log        console of the QEMU TCG boot that loaded modslab_bench
  cache-uml.log        console of the UML run of the same module (optional)
  cache-uml.status     why UML was not measured (optional)
  system-slub.log      console of the SLUB kernel running guest-bench-system
  system-modslab.log   the same on the MODSLAB kernel
  system.status        "measured" or "not measured: <why>"
  debian-*             the Debian guest runs of make bench-debian
                       (bench/debian_report.py)

REPORT_DIR gets bench.md, bench.json, and ns/op-by-size plots (PNG and SVG,
made with gnuplot).  Every figure comes from the logs; what is missing is
reported as not measured (null in bench.json).
"""

import json
import os
import re
import statistics
import sys

from debian_report import debian_section
from reportlib import gnuplot, read

LINE = re.compile(r"bench: test=(\S+) alloc=(\S+) size=(\d+) n=(\d+) rep=(\d+) "
                  r"ops=(\d+) ns=(\d+) cycles=(\d+)")
FOOT = re.compile(r"bench: test=footprint alloc=(\S+) size=(\d+) n=\d+ rep=\d+ "
                  r"objs=(\d+) pages=(\d+)")
START = re.compile(r"bench: start (.*)")
SYS = re.compile(r"bench-sys: (.*)")
API = re.compile(r"api: test=(\S+) size=(\d+) n=(\d+) rep=(\d+) ops=(\d+) "
                 r"cycles=(\d+)")
APIMEM = re.compile(r"meminfo-boot: Slab: (\d+) SUnreclaim: (\d+)")
APIIDLE = re.compile(r"meminfo-idle: Slab: (\d+) SUnreclaim: (\d+)")
APIPARTS = re.compile(r"slab-parts-boot: slabs_kb=(\d+) objects_kb=(\d+)")
APISYSFS = re.compile(r"slab-sysfs: nodes=(\d+) node_size=(\d+)")
# API tests, and the bench.json key each gives (ratio MODSLAB/SLUB kernel)
API_TESTS = [("cache_alloc_free", "insn_alloc_free"),
             ("kmalloc_free", "insn_kmalloc_kfree"),
             ("kmalloc_var_free", "insn_kmalloc_var_kfree"),
             ("kzalloc_free", "insn_kzalloc_kfree"),
             ("n_alloc_n_free", "insn_n_alloc_n_free"),
             ("bulk", "insn_bulk"),
             ("kfree_bulk", "insn_kfree_bulk"),
             ("remote_free", "insn_remote_free"),
             ("kfree_rcu", "insn_kfree_rcu")]
API_PROFILES = [("distro", "distribution profile (configs/distro.config: "
                 "Debian's amd64 slab and fast-path options)"),
                ("small", "small configuration (configs/base.config)")]
SLABS = re.compile(r"bench-slab: (.*)")

TESTS = ["alloc_free", "n_alloc_n_free", "bulk", "remote_free"]
PHASES = ["n_alloc", "n_free"]
ALLOCS = ["slabifier", "slub"]
FLAVOURS = [("tcg", "QEMU TCG, x86_64, 2 CPUs (no KVM)"),
            ("uml", "UML, x86_64, 1 CPU (native speed)")]


def parse_cache(text):
    """{(test, n, size, alloc): [(ns/op, cycles/op), ...]}, footprints, start."""
    runs, foot, start = {}, {}, None
    for line in text.splitlines():
        m = LINE.search(line)
        if m:
            test, alloc, size, n, _rep, ops, ns, cyc = m.groups()
            ops = int(ops)
            key = (test, int(n), int(size), alloc)
            runs.setdefault(key, []).append((int(ns) / ops, int(cyc) / ops))
            continue
        m = FOOT.search(line)
        if m:
            alloc, size, objs, pages = m.groups()
            foot[(int(size), alloc)] = (int(objs), int(pages))
            continue
        m = START.search(line)
        if m:
            start = m.group(1)
    return runs, foot, start


def med(xs):
    return statistics.median(xs) if xs else None


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt(x, digits=2):
    return "n/a" if x is None else f"{x:.{digits}f}"


def cache_tables(runs, foot):
    """Per test variant (test, n): {size: {alloc: (med, lo, hi, med_cycles)}}."""
    table = {}
    for (test, n, size, alloc), vals in runs.items():
        ns = sorted(v[0] for v in vals)
        cy = [v[1] for v in vals]
        table.setdefault((test, n), {}).setdefault(size, {})[alloc] = (
            med(ns), ns[0], ns[-1], med(cy), len(ns))
    return table


def variant_name(test, n):
    return f"{test} n={n}" if test == "bulk" else test


def summary_ratios(table):
    """Median over sizes (and bulk counts) of the ratio of medians."""
    out = {}
    for test in TESTS:
        rs = []
        for (t, _n), by_size in table.items():
            if t != test:
                continue
            for a in by_size.values():
                if "slabifier" in a and "slub" in a:
                    rs.append(ratio(a["slabifier"][0], a["slub"][0]))
        rs = [r for r in rs if r is not None]
        out[test] = round(med(rs), 4) if rs else None
    return out


def ints(kv):
    """The integer values of @kv; a value cut by a console message is left
    out, not taken for a figure."""
    return {k: int(v) for k, v in kv.items() if v.isdigit()}


def parse_sys(text):
    """{phase: {key: value}}, workloads, idle counters, from bench-sys lines."""
    d = {"phases": {}, "workloads": {}, "idle": None, "info": {},
         "caches": {}}
    if not text:
        return d
    for line in text.splitlines():
        m = SLABS.search(line)
        if m:
            kv = dict(p.split("=", 1) for p in m.group(1).split() if "=" in p)
            try:
                kb = int(kv["slabs"]) * int(kv["pages_per_slab"]) * 4
                objs = int(kv["active"])
            except (KeyError, ValueError):
                continue
            d["caches"].setdefault(kv["phase"], {})[kv.get("cache")] = \
                (kb, objs)
            continue
        m = SYS.search(line)
        if not m:
            continue
        kv = dict(p.split("=", 1) for p in m.group(1).split() if "=" in p)
        if "phase" in kv:
            ph = kv.pop("phase")
            d["phases"][ph] = ints(kv)
        elif "workload" in kv:
            w = kv.pop("workload")
            d["workloads"].setdefault(w, []).append(ints(kv))
        elif "idle_s" in kv:
            d["idle"] = ints(kv)
        else:
            d["info"].update(kv)
    return d


def md_cache_profile(su, mo, top=12):
    """Where the memory goes: the caches whose slabs differ most, by phase."""
    md = []
    for ph in mo["caches"]:
        a, b = su["caches"].get(ph), mo["caches"][ph]
        if not a:
            continue
        names = set(a) | set(b)
        rows = sorted(names, key=lambda n: -abs(b.get(n, (0, 0))[0] -
                                                 a.get(n, (0, 0))[0]))[:top]
        md += [f"Slab memory by cache, {ph} (/proc/slabinfo: slabs × "
               f"pages per slab × 4 kB; all caches: SLUB "
               f"{sum(v[0] for v in a.values())} kB, MODSLAB "
               f"{sum(v[0] for v in b.values())} kB), the {top} that differ "
               "most:", "",
               "| cache | SLUB kB | SLUB objects | MODSLAB kB | "
               "MODSLAB objects | MODSLAB − SLUB kB |",
               "|---|---|---|---|---|---|"]
        for n in rows:
            x, y = a.get(n), b.get(n)
            md.append(f"| {n} | {x[0] if x else '—'} | {x[1] if x else '—'} "
                      f"| {y[0] if y else '—'} | {y[1] if y else '—'} | "
                      f"{(y[0] if y else 0) - (x[0] if x else 0)} |")
        md.append("")
    return md


def plot(report, flavour, label, table):
    """ns/op by size, one PNG and one SVG per test variant; returns names."""
    made = []
    variants = sorted(table, key=lambda tn: (TESTS.index(tn[0])
                                             if tn[0] in TESTS else 99, tn[1]))
    for test, n in variants:
        if test in PHASES:
            continue
        by_size = table[(test, n)]
        base = f"{flavour}-{test}" + (f"-{n}" if test == "bulk" else "")
        dat = os.path.join(report, "data", base + ".dat")
        with open(dat, "w") as f:
            f.write("# size  sf_med sf_min sf_max  slub_med slub_min slub_max (ns/op)\n")
            for size in sorted(by_size):
                a = by_size[size]
                if "slabifier" not in a or "slub" not in a:
                    continue
                s, u = a["slabifier"], a["slub"]
                f.write(f"{size} {s[0]:.3f} {s[1]:.3f} {s[2]:.3f} "
                        f"{u[0]:.3f} {u[1]:.3f} {u[2]:.3f}\n")
        title = f"{variant_name(test, n)}: ns per object by size ({label})"
        for term, ext in (("pngcairo size 900,540", "png"),
                          ("svg size 900,540 dynamic", "svg")):
            out = os.path.join(report, f"{base}.{ext}")
            gp = f"""
set terminal {term}
set output '{out}'
set title "{title}" noenhanced
set logscale x 2
set xlabel 'object size (bytes)'
set ylabel 'ns per object (median, bars: min..max)'
set key top left
set grid
set yrange [0:*]
plot '{dat}' using 1:2:3:4 with yerrorlines lw 2 title 'slabifier', \\
     '{dat}' using 1:5:6:7 with yerrorlines lw 2 title 'SLUB'
"""
            if gnuplot(gp, out):
                made.append(os.path.basename(out))
    return made


def md_cache_section(flavour, label, table, foot, start, plots):
    L = [f"## Cache level: {label}", ""]
    if start:
        L += [f"Module parameters as run: `{start}`", ""]
    sizes = sorted({s for by in table.values() for s in by})
    variants = [v for v in sorted(table, key=lambda tn: (
        TESTS.index(tn[0]) if tn[0] in TESTS else 10 + PHASES.index(tn[0]),
        tn[1]))]
    main = [v for v in variants if v[0] in TESTS]
    L += ["### Ratio slabifier / SLUB (median ns per object; < 1 means the "
          "slabifier is faster)", ""]
    L.append("| test | " + " | ".join(str(s) for s in sizes) + " | median |")
    L.append("|---" * (len(sizes) + 2) + "|")
    for v in main + [v for v in variants if v[0] in PHASES]:
        by = table[v]
        rs = []
        cells = []
        for s in sizes:
            a = by.get(s, {})
            r = ratio(a.get("slabifier", (None,))[0], a.get("slub", (None,))[0])
            cells.append(fmt(r))
            if r is not None:
                rs.append(r)
        L.append(f"| {variant_name(*v)} | " + " | ".join(cells) +
                 f" | {fmt(med(rs))} |")
    L += ["", "n_alloc and n_free are the two halves of n_alloc_n_free "
          "(the batch of allocations, then the batch of frees).", ""]

    L += ["### Raw figures: ns per object, median [min..max] over the "
          "repetitions; cycles per object (median)", ""]
    L.append("| test | size | slabifier ns | SLUB ns | slabifier cycles | "
             "SLUB cycles | reps |")
    L.append("|---|---|---|---|---|---|---|")
    for v in main + [v for v in variants if v[0] in PHASES]:
        for s in sizes:
            a = table[v].get(s, {})
            if "slabifier" not in a or "slub" not in a:
                continue
            sf, su = a["slabifier"], a["slub"]
            cyc = [f"{x[3]:.0f}" if x[3] else "n/a" for x in (sf, su)]
            L.append(f"| {variant_name(*v)} | {s} | {sf[0]:.1f} "
                     f"[{sf[1]:.1f}..{sf[2]:.1f}] | {su[0]:.1f} "
                     f"[{su[1]:.1f}..{su[2]:.1f}] | {cyc[0]} | "
                     f"{cyc[1]} | {min(sf[4], su[4])} |")
    L.append("")
    if foot:
        L += ["### Pages spanned by the slabs of one live batch "
              "(n_alloc_n_free, first repetition)", ""]
        L.append("| size | objects | slabifier pages | SLUB pages | ratio |")
        L.append("|---|---|---|---|---|")
        for s in sorted({k[0] for k in foot}):
            sf, su = foot.get((s, "slabifier")), foot.get((s, "slub"))
            if not sf or not su:
                continue
            L.append(f"| {s} | {sf[0]} | {sf[1]} | {su[1]} | "
                     f"{fmt(ratio(sf[1], su[1]))} |")
        L.append("")
    if plots:
        L += ["### Plots", ""]
        for p in plots:
            if p.endswith(".png"):
                svg = p[:-4] + ".svg"
                L.append(f"- [{p}]({p}) ([SVG]({svg}))")
        L.append("")
    return L


def parse_api(text):
    """{(test, size): median instructions per op}, Slab: kB, SUnreclaim: kB"""
    runs = {}
    for m in API.finditer(text or ""):
        test, size, _n, _rep, ops, cycles = m.groups()
        if int(ops) and int(cycles):
            runs.setdefault((test, int(size)), []).append(
                int(cycles) / int(ops))
    mem = APIMEM.search(text or "")
    idle = APIIDLE.search(text or "")
    return ({k: statistics.median(v) for k, v in runs.items()},
            (int(mem.group(1)), int(mem.group(2))) if mem else (None, None),
            (int(idle.group(1)), int(idle.group(2))) if idle else (None, None))


def parse_slab_parts(text):
    """(slabs kB, objects kB, /sys/kernel/slab nodes, kernfs node size) of
    a guest-bench-api log, None where it has none"""
    parts = APIPARTS.search(text or "")
    sysfs = APISYSFS.search(text or "")
    return (tuple(int(x) for x in parts.groups()) if parts else (None, None)) + \
        (tuple(int(x) for x in sysfs.groups()) if sysfs else (None, None))


def slab_parts_md(key, su_mem, mo_mem, su_parts, mo_parts):
    """The paragraph that splits Slab: after boot into what the caches'
    slabs hold and what no cache holds, and the ratio MODSLAB's objects
    and uncached pages alone would read against SLUB's Slab:"""
    if None in su_parts[:2] or None in mo_parts[:2]:
        return [], None
    (su_slabs, su_objs), (mo_slabs, mo_objs) = su_parts[:2], mo_parts[:2]
    su_out, mo_out = su_mem - su_slabs, mo_mem - mo_slabs
    ratio = round((mo_objs + max(mo_out, 0)) / su_mem, 3)
    md = ["", f"What `Slab:` after boot is made of, SLUB / MODSLAB, from "
          f"`/proc/slabinfo` read right after it: the caches' slabs "
          f"{su_slabs} / {mo_slabs} kB, of which objects counted active "
          f"(in use, or free on a CPU's slab: both allocators count them "
          f"so) {su_objs} / {mo_objs} kB and free space {su_slabs - su_objs}"
          f" / {mo_slabs - mo_objs} kB; outside any cache (kmalloc above "
          f"the largest kmalloc cache, and what changed between the two "
          f"reads) {su_out} / {mo_out} kB.  MODSLAB's objects and "
          f"uncached pages alone are {ratio:.2f} of SLUB's `Slab:` "
          f"(`{key}`): no packing of its slabs reads "
          f"lower."]
    if None not in su_parts[2:] and None not in mo_parts[2:]:
        su_kb = su_parts[2] * su_parts[3] // 1024
        mo_kb = mo_parts[2] * mo_parts[3] // 1024
        md[-1] += (f"  `/sys/kernel/slab` is {su_parts[2]} / {mo_parts[2]} "
                   f"kernfs nodes, about {su_kb} / {mo_kb} kB of "
                   f"`kernfs_node_cache` among those objects.")
    return md, ratio


def slab_tiny_md(su_slab, tiny_log, mo_parts):
    """The paragraph on the profile's SLUB_TINY after boot against SLUB's
    Slab:, and its ratio (None when it was not measured)"""
    tiny = APIMEM.search(tiny_log or "")
    if not tiny:
        return [], None
    kb = int(tiny.group(1))
    ratio = round(kb / su_slab, 3)
    md = ["", f"SLUB_TINY of the same profile (slabs of at most two "
          f"pages, no per-CPU slabs, no `/sys/kernel/slab`), `Slab:` after "
          f"boot: {kb} kB, {ratio:.2f} of SLUB's "
          f"(`slab_memory_distro_tiny`)."]
    if None not in mo_parts[2:]:
        sysfs_kb = mo_parts[2] * mo_parts[3] // 1024
        md[-1] += (f"  With MODSLAB's `/sys/kernel/slab` ({sysfs_kb} kB) it "
                   f"would read {(kb + sysfs_kb) / su_slab:.2f}: what an "
                   f"allocator that packs as tightly and keeps SLUB's sysfs "
                   f"files can reach.")
    return md, ratio


SCALE_CPUS = (1, 2, 4, 8)
SCALE_TESTS = ("n_alloc_n_free", "remote_free", "fork_exit")


def scale_runs(raw, kind, parse):
    """{(alloc, cpus, nodes): parse(log)} of the scale part's KIND-*.log
    files, the vCPU/node columns present, and the table's header lines"""
    runs = {}
    for alloc in ("slub", "modslab"):
        for cpus in SCALE_CPUS:
            for nodes in (1, 2):
                text = read(os.path.join(raw, f"{kind}-{alloc}-{cpus}-{nodes}.log"))
                if text:
                    runs[(alloc, cpus, nodes)] = parse(text)
    cols = [(c, n) for c in SCALE_CPUS for n in (1, 2)
            if any((a, c, n) in runs for a in ("slub", "modslab"))]
    head = ["| test | size | " + " | ".join(
                f"{c} vCPU, {n} node{'s' if n > 1 else ''}" for c, n in cols) + " |",
            "|---|---|" + "---|" * len(cols)]
    keys = sorted({k for r in runs.values() for k in r if k[0] in SCALE_TESTS},
                  key=lambda k: (SCALE_TESTS.index(k[0]), k[1]))
    return runs, cols, head, keys


def scale_rows(runs, cols, keys, fmt, value):
    """The rows of a scale table, a cell per column holding SLUB / MODSLAB
    as fmt() writes a figure ("-": not measured), and bench.json's
    {alloc: {"cpus-nodes": {"test-size": value(figure)}}}"""
    md, js = [], {}
    for test, sz in keys:
        cells = []
        for c, n in cols:
            pair = []
            for alloc in ("slub", "modslab"):
                v = runs.get((alloc, c, n), {}).get((test, sz))
                if v is None:
                    pair.append("-")
                    continue
                pair.append(fmt(v))
                js.setdefault(alloc, {}).setdefault(
                    f"{c}-{n}", {})[f"{test}-{sz}"] = value(v)
            cells.append(" / ".join(pair))
        md.append(f"| {test} | {sz or '-'} | " + " | ".join(cells) + " |")
    md.append("")
    return md, js


def scale_section(raw):
    """Scale: instructions per op at 1-8 vCPUs, 1-2 nodes: markdown, json"""
    runs, cols, head, keys = scale_runs(raw, "scale",
                                        lambda t: parse_api(t)[0])
    if not runs:
        locks_md, locks_js = locks_section(raw)
        return locks_md, {"scale": None, "locks": locks_js}
    md = ["### Scale: vCPUs and NUMA nodes (distribution profile)", "",
          "The API module in the SLUB and the MODSLAB kernel of the "
          "distribution profile, booted with 1, 2, 4 and 8 vCPUs, on one "
          "NUMA node and on two (half the vCPUs and memory each), under "
          "icount: instructions per operation, SLUB / MODSLAB, n = 64; "
          "fork_exit is a user program's fork(), _exit() in the child and "
          "waitpid() (bench/fork_bench.c), instructions per fork, the "
          "program's included.  "
          "The vCPUs run one at a time and the counter sums them, so a "
          "figure is the work per operation: what more CPUs or nodes add "
          "to it (per-CPU and per-node loops, remote node look-ups), not "
          "contention, which icount cannot show (the list-lock table "
          "below counts what would contend).", ""] + head
    rows, js = scale_rows(runs, cols, keys, lambda v: f"{v:.0f}",
                          lambda v: round(v, 1))
    md += rows
    locks_md, locks_js = locks_section(raw)
    return md + locks_md, {"scale": js, "locks": locks_js}


LOCKSTAT = re.compile(r"lockstat: test=(\w+) size=(\d+) ops=(\d+) "
                      r"acquisitions=(\d+) contentions=(\d+)")


def parse_locks(text):
    """{(test, size): (acquisitions, contentions) per 1000 ops}, less the
    module's load with no measurement (test=none) of the same size"""
    seen = {}
    for m in LOCKSTAT.finditer(text or ""):
        test, size, ops, acq, cont = m.groups()
        seen[(test, int(size))] = (int(ops), int(acq), int(cont))
    out = {}
    for (test, size), (ops, acq, cont) in seen.items():
        _o, acq0, cont0 = seen.get(("none", size), (0, 0, 0))
        if test != "none" and ops:
            out[(test, size)] = (max(acq - acq0, 0) * 1000 / ops,
                                 max(cont - cont0, 0) * 1000 / ops)
    return out


def locks_section(raw):
    """The node list lock per 1000 operations at 1-8 vCPUs: markdown, json"""
    runs, cols, head, keys = scale_runs(raw, "locks", parse_locks)
    if not runs:
        return [], None
    md = ["#### The node list lock per 1000 operations", "",
          "The same boots of the profile's kernels built with lock "
          "statistics (configs/lockstat.config): acquisitions of the node "
          "list lock class (`&n->list_lock`, the same name in both "
          "allocators) from /proc/lock_stat, cleared before each "
          "measurement, less a load of the module that measures nothing, "
          "per 1000 objects (fork_exit: per 1000 forks, no baseline taken "
          "away), SLUB / MODSLAB; contentions in brackets when "
          "there were any.  Lock statistics change instruction counts, so "
          "these kernels count locks only.", ""] + head
    rows, js = scale_rows(
        runs, cols, keys,
        lambda v: f"{v[0]:.1f}" + (f" ({v[1]:.1f})" if v[1] else ""),
        lambda v: {"acquisitions": round(v[0], 2),
                   "contentions": round(v[1], 2)})
    return md + rows, js


def api_section(raw):
    """The API benchmark in instructions: markdown lines and bench.json keys"""
    md = ["## The kernel API in instructions (stock SLUB kernel vs MODSLAB kernel)",
          "",
          "`bench/modslab_api_bench.c`, built against the stock SLUB kernel "
          "(`configs/slub-stock.config`: the same base and profile, the "
          "modslab framework not built), the SLUB kernel with the framework "
          "beside it and the MODSLAB kernel of one configuration and loaded "
          "in each, "
          "times what kernel code calls: `kmem_cache_alloc` + "
          "`kmem_cache_free` (a cache of its own, `kmem_cache_create` "
          "defaults), `kmalloc` + `kfree` with a constant and with a "
          "variable size, `kzalloc`, n allocations then n frees, "
          "`kmem_cache_alloc_bulk` / `kmem_cache_free_bulk`, `kfree_bulk` "
          "(the frees), remote free (another CPU allocates a batch, untimed, "
          "and goes idle; this CPU frees it, timed) and the `kfree_rcu()` "
          "call.  n = 64.  The kernels boot under QEMU TCG with "
          "`-accel tcg,thread=single -icount shift=0,sleep=off`: the guest "
          "TSC advances by one per executed guest instruction, summed over "
          "the vCPUs, which run one at a time, so `get_cycles()` deltas are "
          "instruction counts, the same on every machine and run; the median "
          "of three repetitions leaves out an interrupt that fell into "
          "one.  Instructions are not cycles: they do not "
          "see cache misses, the cost of a locked or double-word "
          "`cmpxchg` against a plain store, interrupt disabling "
          "(`pushf; cli` / `popf`), branch mispredictions or the retpoline "
          "and return thunks' real cost; they count the work each path "
          "does.", ""]
    js = {}
    for prof, label in API_PROFILES:
        st_log = read(os.path.join(raw, f"api-{prof}-slub-stock.log"))
        fw_log = read(os.path.join(raw, f"api-{prof}-slub.log"))
        mo_log = read(os.path.join(raw, f"api-{prof}-modslab.log"))
        # Stock SLUB is the baseline; the kernel with the framework beside
        # SLUB stands in where no stock kernel was measured
        su_log, base = st_log, "stock SLUB"
        if not parse_api(st_log)[0]:
            su_log, base = fw_log, "SLUB with the framework beside it"
        su, su_mem, su_idle = parse_api(su_log)
        mo, mo_mem, mo_idle = parse_api(mo_log)
        fw = parse_api(fw_log)[0] if su_log is st_log else {}
        suffix = "" if prof == "distro" else "_small"
        # The memory keys, null unless measured below
        memkey = "slab_memory_distro" if prof == "distro" else "slab_memory_small_boot"
        idlekey = memkey.replace("_boot", "") + "_idle"
        objkey = memkey.replace("_boot", "") + "_objects"
        for key in (memkey, idlekey, objkey):
            js[key] = None
        if prof == "distro":
            js["slab_memory_distro_tiny"] = None
        md += [f"### {label}", ""]
        if not su or not mo:
            md += ["Not measured (a kernel, its module or its boot failed; "
                   "see `raw/api-*`).", ""]
            for _t, key in API_TESTS:
                js[key + suffix] = None
                js[key + suffix + "_worst"] = None
            continue
        sizes = sorted({sz for (_t, sz) in su})
        md += [f"Instructions per operation, {base} / MODSLAB (ratio); "
               "the worst ratio is the highest over the sizes.", "",
               "| test | " + " | ".join(str(z) for z in sizes) +
               " | median ratio | worst ratio |",
               "|---|" + "---|" * (len(sizes) + 2)]
        for test, key in API_TESTS:
            cells, ratios = [], []
            for z in sizes:
                a, b = su.get((test, z)), mo.get((test, z))
                if a is None or b is None:
                    cells.append("-")
                    continue
                ratios.append(b / a)
                cells.append(f"{a:.0f} / {b:.0f} ({b / a:.2f})")
            r = round(statistics.median(ratios), 3) if ratios else None
            w = round(max(ratios), 3) if ratios else None
            js[key + suffix] = r
            js[key + suffix + "_worst"] = w
            md.append(f"| {test} | " + " | ".join(cells) +
                      f" | {fmt(r, 3)} | {fmt(w, 3)} |")
        if fw:
            beside = []
            for test, _key in API_TESTS:
                rs = [fw[(test, z)] / su[(test, z)] for z in sizes
                      if (test, z) in fw and (test, z) in su]
                if rs:
                    beside.append(f"{test} {statistics.median(rs):.3f}")
            md += ["", "The SLUB kernel with the framework beside it, against "
                   "stock SLUB (median ratio over the sizes): " +
                   ", ".join(beside) + "."]
        for other in ("slub", "modslab"):
            diff = read(os.path.join(raw, f"api-{prof}-config-{other}.diff"))
            if diff:
                md += ["", f"<details><summary>.config of the {other} kernel "
                       f"against stock SLUB's (scripts/diffconfig)</summary>",
                       "", "```", diff.rstrip(), "```", "", "</details>"]
        if su_mem[0] and mo_mem[0]:
            js[memkey] = round(mo_mem[0] / su_mem[0], 3)
            md += ["", f"`Slab:` after boot (held still), SLUB / MODSLAB: "
                   f"{su_mem[0]} / {mo_mem[0]} kB ({js[memkey]:.2f}); "
                   f"`SUnreclaim:` {su_mem[1]} / {mo_mem[1]} kB."]
            mo_parts = parse_slab_parts(mo_log)
            parts_md, js[objkey] = slab_parts_md(
                objkey, su_mem[0], mo_mem[0], parse_slab_parts(su_log),
                mo_parts)
            md += parts_md
            if prof == "distro":
                tiny_md, js["slab_memory_distro_tiny"] = slab_tiny_md(
                    su_mem[0], read(os.path.join(raw, "api-distro-slub-tiny.log")),
                    mo_parts)
                md += tiny_md
        if su_idle[0] and mo_idle[0]:
            js[idlekey] = round(mo_idle[0] / su_idle[0], 3)
            md += ["", f"`Slab:` once it has not changed for 15 s (idle), "
                   f"SLUB / MODSLAB: {su_idle[0]} / {mo_idle[0]} kB "
                   f"({js[idlekey]:.2f}); `SUnreclaim:` {su_idle[1]} / "
                   f"{mo_idle[1]} kB.  MODSLAB's idle flusher gives an idle "
                   f"cache's empty slabs back (flush_interval, 10 s); SLUB "
                   f"keeps its per-CPU and node partial slabs."]
        md.append("")
    md += ["### Where the instructions are: a static listing", "",
           "`bench/listing.py` on each kernel's vmlinux: for the entry "
           "points and what they call directly (three levels; reporting, "
           "tracing, lock debugging, the page allocator and the workqueue "
           "not followed), the size in instructions, the calls, the "
           "interrupt instructions (`cli`, `sti`, `pushf`, `popf`) and the "
           "atomics (lock prefix, `cmpxchg8b/16b`).  Sizes are of whole "
           "functions, slow paths included; the benchmark above counts the "
           "instructions executed.", ""]
    for prof, label in API_PROFILES:
        for alloc in ("slub-stock", "slub", "modslab"):
            text = read(os.path.join(raw, f"api-{prof}-{alloc}.listing"))
            if not text:
                continue
            md += [f"<details><summary>{alloc} kernel, {label}</summary>", "",
                   "```", text.rstrip(), "```", "", "</details>", ""]
    return md, js


def main():
    raw, report = sys.argv[1], sys.argv[2]
    os.makedirs(os.path.join(report, "data"), exist_ok=True)
    md = ["# modslab benchmarks: the slabifier against SLUB", ""]
    md += [
        "Produced by `make bench` from the console logs in `raw/`.  Every "
        "figure below is read from those logs; what was not measured says so.",
        "",
        "## Method",
        "",
        "- Cache level: the module `bench/modslab_bench.c`, loaded into a "
        "SLUB kernel built with the modslab framework beside SLUB, creates "
        "for every size a slabifier cache (slabifier over the buddy page "
        "allocator, framework API) and a SLUB cache (`kmem_cache_create`, "
        "same size, alignment 0, `SLAB_NO_MERGE`) in the same boot.  Each "
        "test runs once untimed on each cache, then the repetitions "
        "alternate the order (even: slabifier first, odd: SLUB first).",
        "- Tests, all per object (one allocation and one free): "
        "`alloc_free` (pairs, one object live); `n_alloc_n_free` (a batch "
        "of allocations, then its frees); `bulk n=N` (bulk allocation of N "
        "then bulk free, repeated); `remote_free` (a kthread on CPU 0 "
        "allocates, one on CPU 1 frees, through a 256-slot ring; wall time "
        "from the start signal to the last free).",
        "- Timing: `ktime_get_ns()` (TSC clocksource, booted with "
        "`tsc=reliable`) and `get_cycles()` around each repetition; "
        "median and min..max over the repetitions.",
        "- Machine: the build host, 2 cores; QEMU in TCG mode (no KVM), "
        "`-smp 2 -m 1024`, `-cpu max`.  TCG translates guest code, so "
        "absolute times are those of an emulator and instruction costs are "
        "not those of hardware: locked and double-word atomics "
        "(`cmpxchg16b`, which SLUB's fast path uses) and `pushf/cli/popf` "
        "(the slabifier's local lock) cost what QEMU's helpers cost.  "
        "Ratios under TCG rank code paths, they do not predict hardware.  "
        "UML runs kernel code natively on one CPU (no remote_free there; "
        "get_cycles() is 0 under UML, so only ns are given).",
        "- Whole kernel: the MODSLAB kernel and the SLUB kernel booted back "
        "to back with the same command (`guest-bench-system`): `Slab:` and "
        "`SUnreclaim:` after boot and after each workload, workload wall "
        "times (from /proc/uptime, 10 ms resolution), and interrupts over "
        "an idle period.",
        "",
    ]
    js = {k: None for k in ["alloc_free", "n_alloc_n_free", "bulk",
                            "remote_free", "slab_memory", "workload_wall",
                            "idle_wakeups"]}
    js["flavours"] = {}
    js["not_measured"] = {}

    for flavour, label in FLAVOURS:
        text = read(os.path.join(raw, f"cache-{flavour}.log"))
        runs, foot, start = parse_cache(text) if text else ({}, {}, None)
        if not runs:
            why = (read(os.path.join(raw, f"cache-{flavour}.status")) or
                   "not measured: no benchmark lines in the log").strip()
            md += [f"## Cache level: {label}", "", why, ""]
            js["not_measured"][f"cache_{flavour}"] = why
            continue
        table = cache_tables(runs, foot)
        plots = plot(report, flavour, label, table)
        md += md_cache_section(flavour, label, table, foot, start, plots)
        sr = summary_ratios(table)
        fr = [ratio(foot[(s, "slabifier")][1], foot[(s, "slub")][1])
              for s in {k[0] for k in foot}
              if (s, "slabifier") in foot and (s, "slub") in foot]
        sr["footprint_pages"] = round(med(fr), 4) if fr else None
        sr["label"] = label
        sr["per_size"] = {
            variant_name(*v): {
                str(s): {a: {"median_ns": round(x[0], 3),
                             "min_ns": round(x[1], 3),
                             "max_ns": round(x[2], 3),
                             "median_cycles": round(x[3], 1),
                             "reps": x[4]}
                         for a, x in by.items()}
                for s, by in sorted(table[v].items())}
            for v in table}
        js["flavours"][flavour] = sr
    # The top-level cache keys: TCG (two CPUs, every test); UML when TCG
    # has none.
    for flavour in ("tcg", "uml"):
        f = js["flavours"].get(flavour)
        if not f:
            continue
        for k in TESTS:
            if js[k] is None and f.get(k) is not None:
                js[k] = f[k]
                js.setdefault("source", {})[k] = flavour

    # Whole kernel
    status = (read(os.path.join(raw, "system.status")) or
              "not measured: no whole-kernel run").strip()
    sys_d = {c: parse_sys(read(os.path.join(raw, f"system-{c}.log")))
             for c in ("slub", "modslab")}
    tiny = parse_sys(read(os.path.join(raw, "system-slub-tiny.log")))
    if not tiny["phases"]:
        tiny = None
    md += ["## Whole kernel: MODSLAB kernel against SLUB kernel "
           "(QEMU TCG, 2 CPUs)", ""]
    complete = all(d["phases"].get("boot") and d["idle"] is not None
                   for d in sys_d.values())
    if not status.startswith("measured") and not complete:
        md += [status, ""]
        for k in ("slab_memory", "workload_wall", "idle_wakeups"):
            js["not_measured"][k] = status
    else:
        if not status.startswith("measured"):
            md += [f"Note: {status}; the figures below are from consoles "
                   "where the guest command finished.", ""]
        su, mo = sys_d["slub"], sys_d["modslab"]
        md += [f"Guest command: rounds/files/idle = "
               f"{su['info'].get('rounds')}/{su['info'].get('files')}/"
               f"{su['info'].get('idle')} s.  Both kernels booted with "
               "`kunit.enable=0 tsc=reliable`.", ""]
        md += ["| phase | SLUB Slab: kB | MODSLAB Slab: kB | ratio | "
               "SLUB SUnreclaim: kB | MODSLAB SUnreclaim: kB | ratio | "
               "SLUB_TINY Slab: kB | MODSLAB/SLUB_TINY |",
               "|---|---|---|---|---|---|---|---|---|"]
        slab_rs = []
        for ph in su["phases"]:
            a, b = su["phases"][ph], mo["phases"].get(ph)
            if not b:
                continue
            r1 = ratio(b.get("Slab_kb"), a.get("Slab_kb"))
            r2 = ratio(b.get("SUnreclaim_kb"), a.get("SUnreclaim_kb"))
            if r1 is not None and b.get("Slab_kb"):
                slab_rs.append(r1)
            t = (tiny or {"phases": {}})["phases"].get(ph) or {}
            md.append(f"| {ph} | {a.get('Slab_kb')} | {b.get('Slab_kb')} | "
                      f"{fmt(r1)} | {a.get('SUnreclaim_kb')} | "
                      f"{b.get('SUnreclaim_kb')} | {fmt(r2)} | "
                      f"{t.get('Slab_kb', '—')} | "
                      f"{fmt(ratio(b.get('Slab_kb'), t.get('Slab_kb')))} |")
        md.append("")
        waits = [f"{ph} {k['phases'][ph]['settled_s']} s ({n})"
                 for n, k in (("SLUB", su), ("MODSLAB", mo))
                 for ph in k["phases"] if "settled_s" in k["phases"][ph]]
        if waits:
            md += ["Phases taken once `Slab:` held still for a second "
                   "(RCU callbacks freeing inodes and dentries), after: " +
                   ", ".join(waits) + ".", ""]
        if any(not mo["phases"][p].get("Slab_kb") for p in mo["phases"]):
            md += ["The MODSLAB kernel reports `Slab: 0` in some phase: its "
                   "slab memory is not accounted in /proc/meminfo there, so "
                   "no ratio is taken from that phase.", ""]
        js["slab_memory"] = round(med(slab_rs), 4) if slab_rs else None
        md += md_cache_profile(su, mo)
        md += ["Each workload ran "
               f"{su['info'].get('wreps', 1)} times per kernel: the wall "
               "time is the median [min..max] of the runs.", "",
               "| workload | SLUB wall s | MODSLAB wall s | ratio | "
               "SLUB_TINY wall s |", "|---|---|---|---|---|"]
        wall_rs = []

        def runs(k, w, key):
            return [r[key] for r in (k or {"workloads": {}})["workloads"]
                    .get(w, []) if key in r]

        def spread(v):
            return (f"{med(v) / 100:.2f} [{min(v) / 100:.2f}.."
                    f"{max(v) / 100:.2f}]" if v else "—")

        for w in su["workloads"]:
            a, b = runs(su, w, "wall_cs"), runs(mo, w, "wall_cs")
            if not a or not b:
                continue
            r = ratio(med(b), med(a))
            if r is not None:
                wall_rs.append(r)
            md.append(f"| {w} | {spread(a)} | {spread(b)} | {fmt(r)} | "
                      f"{spread(runs(tiny, w, 'wall_cs'))} |")
        md.append("")
        js["workload_wall"] = round(med(wall_rs), 4) if wall_rs else None
        if su["idle"] and mo["idle"]:
            md += [f"Over {su['idle']['idle_s']} s idle, the whole system "
                   "(local timer interrupts from /proc/interrupts LOC, "
                   "timer softirqs from /proc/softirqs, all interrupts from "
                   "/proc/stat):", "",
                   "| counter | SLUB | MODSLAB | ratio |", "|---|---|---|---|"]
            for k in ("local_timer_irqs", "timer_softirqs", "interrupts"):
                a, b = su["idle"][k], mo["idle"][k]
                md.append(f"| {k} | {a} | {b} | {fmt(ratio(b, a))} |")
            md.append("")
            work = mo["idle"].get("allocator_work")
            if work is not None:
                md += [f"Work items of the MODSLAB allocator (workqueue "
                       "tracepoint, by function) in the last "
                       f"{mo['idle'].get('allocator_work_window_s')} s of "
                       f"that idle period: **{work}**.  Its only periodic "
                       "work is the idle flusher of a cache in use, which "
                       "stops once the cache is idle.", ""]
                js["idle_wakeups"] = work
            else:
                md += ["The MODSLAB kernel has no workqueue tracepoints: "
                       "allocator work items not counted.", ""]
                js["not_measured"]["idle_wakeups"] = "no tracepoints"
            js["idle_wakeups_counts"] = {
                "slub": su["idle"]["local_timer_irqs"],
                "modslab": mo["idle"]["local_timer_irqs"],
                "modslab_minus_slub": mo["idle"]["local_timer_irqs"] -
                su["idle"]["local_timer_irqs"],
                "counter": "LOC (local timer interrupts) over "
                           f"{su['idle']['idle_s']} s idle"}
        # The per-cache profile is in bench.md only
        js["system"] = {c: {k: v for k, v in d.items() if k != "caches"}
                        for c, d in list(sys_d.items()) +
                        ([("slub_tiny", tiny)] if tiny else [])}
    js["system_status"] = status

    api_md, api_js = api_section(raw)
    md += api_md
    js.update(api_js)
    scale_md, scale_js = scale_section(raw)
    md += scale_md
    js.update(scale_js)

    deb_md, deb_js = debian_section(raw, report)
    md += deb_md
    js.update(deb_js)
    if deb_js["debian"] is None:
        js["not_measured"]["debian"] = deb_js["debian_status"]

    md += ["## Summary (bench.json)", "",
           "Median over all sizes (and bulk counts) of the ratio "
           "modslab/SLUB of the medians.  Which layers each compares: "
           "`alloc_free`, `n_alloc_n_free`, `bulk`, `remote_free` time the "
           "raw slabifier through the framework API (the framework's "
           "floor) against SLUB's `kmem_cache_*` in one SLUB kernel, in "
           "QEMU TCG wall time; `insn_*` count instructions of the same "
           "kernel API (`kmem_cache_*`, `kmalloc`) in a MODSLAB kernel "
           "against a stock SLUB kernel of the distribution profile "
           "(`_worst`: the highest ratio over the sizes; `_small`: of the "
           "small configuration, in bench.json only); "
           "`slab_memory*` and `workload_wall` are whole-kernel figures; "
           "`debian_*` are MODSLAB/SLUB ratios of the Debian guest's "
           "medians (emulator time; for times lower is better, for "
           "`debian_stress_ng`, the median over the stressors of bogo "
           "ops/s, higher is) and its counts of kernel reports and failed "
           "checks over all kernels and rounds.  "
           "null = not measured.", "",
           "| key | value |", "|---|---|"]
    for k in ["alloc_free", "n_alloc_n_free", "bulk", "remote_free",
              "slab_memory", "workload_wall", "idle_wakeups",
              "insn_alloc_free", "insn_kmalloc_kfree", "insn_bulk",
              "insn_remote_free", "insn_n_alloc_n_free", "insn_kfree_bulk",
              "insn_alloc_free_worst", "insn_kmalloc_kfree_worst",
              "insn_bulk_worst", "insn_remote_free_worst",
              "insn_n_alloc_n_free_worst", "insn_kfree_bulk_worst",
              "slab_memory_distro",
              "slab_memory_distro_idle", "slab_memory_distro_objects",
              "slab_memory_distro_tiny",
              "debian_boot_multi_user", "debian_slab_boot",
              "debian_hackbench_pipe", "debian_hackbench_socket",
              "debian_stress_ng", "debian_file_churn", "debian_slab_peak",
              "debian_kernel_reports", "debian_failed_checks"]:
        v = js[k]
        md.append(f"| {k} | {'null (not measured)' if v is None else v} |")
    if "uml" in js["flavours"]:
        md += ["", "UML (1 CPU, native): " + ", ".join(
            f"{k} {fmt(js['flavours']['uml'].get(k), 3)}"
            for k in TESTS if k != "remote_free")]
    md.append("")

    with open(os.path.join(report, "bench.md"), "w") as f:
        f.write("\n".join(md))
    with open(os.path.join(report, "bench.json"), "w") as f:
        json.dump(js, f, indent=1, sort_keys=False)
        f.write("\n")
    print("\n".join(md[md.index("## Summary (bench.json)"):]))


if __name__ == "__main__":
    main()
