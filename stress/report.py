#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""stress/report.py OUT.md LOG...: the make stress runs side by side.

Reads the console logs of scripts/guest/guest-stress runs (the module's
"stress:" lines, the guest's "stress-guest:" lines, TAP checks and what the
kernel reported) and writes a table, one column per kernel.
"""

import os
import re
import sys

REPORTS = {
    "lockdep": re.compile(r"possible circular locking|inconsistent lock state|"
                          r"possible recursive locking|suspicious RCU usage|"
                          r"lock held when returning|bad unlock balance|"
                          r"held lock freed|lock held at task exit|"
                          r"possible irq lock inversion"),
    "KASAN": re.compile(r"BUG: KASAN:"),
    "KCSAN": re.compile(r"BUG: KCSAN:"),
    "KFENCE": re.compile(r"BUG: KFENCE:"),
    "other": re.compile(r"Oops|kernel BUG|WARNING:|BUG:|general protection fault|"
                        r"Kernel panic|Unable to handle"),
}
TIME = re.compile(r"^\[ *([0-9]+\.[0-9]+)\] ")


def kv(text):
    return dict(re.findall(r"([a-z_]+)=([^ ]+)", text))


def parse(path):
    r = {"name": os.path.basename(path)[len("stress-"):-len(".log")],
         "nodes": [], "reports": {k: 0 for k in REPORTS}, "first": {},
         "ok": 0, "not_ok": [], "start": None, "end": None}
    with open(path, errors="replace") as f:
        lines = f.read().splitlines()
    for line in lines:
        body = TIME.sub("", line)
        m = TIME.match(line)
        if body.startswith("stress: start ") and m:
            r["start"] = float(m.group(1))
        elif body.startswith("stress: load finished") and m and r["start"] is not None:
            r["end"] = float(m.group(1))
        if body.startswith("stress-guest: node="):
            r["nodes"].append(kv(body))
        elif body.startswith("stress-guest: "):
            r.update(kv(body))
        elif re.match(r"ok [0-9]+ - ", body):
            r["ok"] += 1
        elif re.match(r"not ok [0-9]+ - ", body):
            r["not_ok"].append(body)
        found = None
        for k, rx in REPORTS.items():
            if rx.search(body):
                found = k
                break
        # A lockdep splat starts with a WARNING: line naming the kind
        if found:
            r["reports"][found] += 1
            r["first"].setdefault(found, body)
    r["finished"] = any(l.startswith("modslab-guest: exit 0") for l in lines)
    return r


def share(n):
    """Placed of those asked while the node had free memory (KFENCE
    objects left out), then of all."""
    req, placed = int(n["requested"]), int(n["placed"])
    had = req - int(n.get("low", 0)) - int(n.get("kfence", 0))
    if not req or had <= 0:
        return "-"
    return (f"{placed}/{had} ({100.0 * placed / had:.2f} %); of all "
            f"{req}: {100.0 * placed / req:.2f} %")


def main():
    out, logs = sys.argv[1], sys.argv[2:]
    runs = [parse(p) for p in logs if os.path.exists(p)]
    rows = [
        ("operations", lambda r: r.get("ops", "-")),
        ("load time in the guest (s)",
         lambda r: f"{r['end'] - r['start']:.0f}" if r["end"] else "-"),
        ("pattern / ctor / zero / typesafe errors",
         lambda r: "/".join(r.get(k, "-") for k in
                            ("pattern_errors", "ctor_errors", "zero_errors",
                             "typesafe_errors"))),
        ("allocation failures handled (single / bulk / cache create)",
         lambda r: "/".join(r.get(k, "-") for k in
                            ("alloc_failures", "bulk_failures", "create_failures"))),
        ("remote frees (from the other node's CPUs)",
         lambda r: f"{r.get('remote_frees', '-')} ({r.get('xnode_frees', '-')} all frees)"),
        ("kfree_rcu / bulk calls / typesafe reads",
         lambda r: "/".join(r.get(k, "-") for k in ("rcu_frees", "bulk_ops", "probes"))),
        ("caches created / destroyed under load",
         lambda r: f"{r.get('caches_created', '-')}/{r.get('caches_destroyed', '-')}"),
        ("CPU hotplug cycles under load (failed)",
         lambda r: f"{r.get('hotplug_cycles', '-')} ({r.get('hotplug_failed_cycles', '-')})"),
        ("memory fills under load", lambda r: r.get("pressure_rounds", "-")),
        ("Slab: before / after (kB)",
         lambda r: f"{r.get('slab_before_kb', '-')} / {r.get('slab_after_kb', '-')}"),
        ("slab objects/slabs before", lambda r: r.get("objs_slabs_before", "-")),
        ("slab objects/slabs after", lambda r: r.get("objs_slabs_after", "-")),
        ("node 0 preference placed (while it had free memory)", lambda r: share(r["nodes"][0]) if r["nodes"] else "-"),
        ("node 1 preference placed (while it had free memory)",
         lambda r: share(r["nodes"][1]) if len(r["nodes"]) > 1 else "-"),
        ("kmemleak after teardown",
         lambda r: "n/a" if r.get("kmemleak") == "-1" else r.get("kmemleak", "-")),
    ]
    rows += [(f"{k} reports", (lambda k: lambda r: str(r["reports"][k]))(k)) for k in REPORTS]
    rows += [("guest checks ok / not ok", lambda r: f"{r['ok']} / {len(r['not_ok'])}"),
             ("guest finished", lambda r: "yes" if r["finished"] else "no")]
    with open(out, "w") as f:
        f.write("# make stress\n\n")
        f.write("| | " + " | ".join(r["name"] for r in runs) + " |\n")
        f.write("|---|" + "---|" * len(runs) + "\n")
        for title, fn in rows:
            f.write(f"| {title} | " + " | ".join(str(fn(r)) for r in runs) + " |\n")
        for r in runs:
            for line in r["not_ok"]:
                f.write(f"\n{r['name']}: {line}\n")
            for k, line in r["first"].items():
                f.write(f"\n{r['name']}: first {k} report: `{line}`\n")


if __name__ == "__main__":
    main()
