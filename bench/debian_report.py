# SPDX-License-Identifier: GPL-2.0
"""The Debian guest section of build/report/bench.md (make bench-debian).

RAW_DIR holds, per kernel K of debian.kernels and round R:
  debian-K-R.log   console of the Debian guest running guest-debian-bench
                   and guest-slab-attrs
  debian-K-R.out   what scripts/debian-boot.sh printed (its verdict)

debian_section(raw, report) returns the Markdown lines and the bench.json
keys; every figure is read from the logs, what is missing is null.
"""

import os
import re
import statistics

from reportlib import gnuplot, read

BOOT = re.compile(r"debian-boot: Startup finished in (.*)")
SLABMEM = re.compile(r"^slab-mem: (\S+) Slab=(\d+) SUnreclaim=(\d+)")
WL = re.compile(r"^wl: (\S+) (\S+) (\S+) peak=(\d+) after=(\d+) "
                r"sunreclaim=(\d+) ok=([01])")
ATTR = re.compile(r"^slab-attr: (\S+) (\S+) (.*)$")
REPORTS = re.compile(r"(Oops|BUG:|kernel BUG|WARNING:|Kernel panic|"
                     r"general protection fault|Unable to handle)")
LABEL = {"modslab+distro": "MODSLAB", "slub+distro": "SLUB",
         "slub+distro+slub-tiny": "SLUB_TINY"}
# Throughput workloads: higher is better; the others are times.
HIGHER = {"ops/s"}


def span_s(text):
    """Seconds of a systemd time span ("1min 2.345s", "870ms")."""
    total, found = 0.0, False
    for num, unit in re.findall(r"([\d.]+)(min|ms|us|s)\b", text):
        total += float(num) * {"min": 60, "s": 1, "ms": 1e-3,
                               "us": 1e-6}[unit]
        found = True
    return round(total, 3) if found else None


def parse(text):
    """One round's figures: boot spans, Slab: lines, workloads, attrs."""
    d = {"boot": {}, "mem": {}, "wl": {}, "attrs": {},
         "reports": len(REPORTS.findall(text))}
    for line in text.splitlines():
        line = re.sub(r"^\[ *[\d.]+\] ", "", line)
        m = BOOT.search(line)
        if m:
            s = m.group(1)
            for key, pat in (("kernel", r"([^=+]*) \(kernel\)"),
                             ("userspace", r"([^=+]*) \(userspace\)"),
                             ("total", r"= ([^;m]*?s)\b"),
                             ("multi_user", r"reached after (.*?) in "
                                            r"userspace")):
                mm = re.search(pat, s)
                if mm:
                    d["boot"][key] = span_s(mm.group(1))
            continue
        m = SLABMEM.search(line)
        if m:
            d["mem"][m.group(1)] = (int(m.group(2)), int(m.group(3)))
            continue
        m = WL.search(line)
        if m:
            name, val, unit, peak, after, sunr, ok = m.groups()
            d["wl"][name] = {"value": float(val), "unit": unit,
                             "peak": int(peak), "after": int(after),
                             "sunreclaim": int(sunr), "ok": ok == "1"}
            continue
        m = ATTR.search(line)
        if m:
            d["attrs"][m.group(1)] = (m.group(2), m.group(3))
    return d


def med(xs):
    return statistics.median(xs) if xs else None


def spread(xs, digits=2):
    if not xs:
        return "—"
    return (f"{med(xs):.{digits}f} [{min(xs):.{digits}f}.."
            f"{max(xs):.{digits}f}]")


def ratio(a, b):
    return round(a / b, 4) if a is not None and b else None


def worse(mo, su, higher):
    """MODSLAB worse than SLUB beyond the run-to-run spread of both."""
    if not mo or not su:
        return False
    return max(mo) < min(su) if higher else min(mo) > max(su)


def plot(report, rows, kernels):
    """Throughput relative to SLUB by workload (bars: min..max)."""
    others = [k for k in kernels if k != "slub+distro"]
    if not rows or not others:
        return []
    dat = os.path.join(report, "data", "debian-relative.dat")
    with open(dat, "w") as f:
        f.write("# workload " + " ".join(f"{LABEL.get(k, k)}_med _min _max"
                                         for k in others) + "\n")
        for name, by in rows:
            f.write(name + " " + " ".join(
                "{:.4f} {:.4f} {:.4f}".format(*by[k]) if k in by
                else "NaN NaN NaN" for k in others) + "\n")
    made = []
    for term, ext in (("pngcairo size 1000,540", "png"),
                      ("svg size 1000,540 dynamic", "svg")):
        out = os.path.join(report, f"debian-relative.{ext}")
        cols = ", ".join(
            f"'{dat}' using {2 + 3 * i}:{3 + 3 * i}:{4 + 3 * i}:xtic(1) "
            f"title '{LABEL.get(k, k)}'" for i, k in enumerate(others))
        gp = f"""
set terminal {term}
set output '{out}'
set title "Debian guest: throughput relative to the SLUB kernel (QEMU TCG, emulator time)" noenhanced
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.6 border -1
set xtics rotate by -40 noenhanced
set ylabel 'relative to SLUB, higher is better (bars: min..max)'
set yrange [0:*]
set offsets graph 0, graph 0, graph 0.15, 0
set grid ytics
set key outside top right
plot {cols}, 1 with lines dt 2 lc rgb 'black' notitle
"""
        if gnuplot(gp, out):
            made.append(os.path.basename(out))
    return made


def debian_section(raw, report):
    md = ["## Debian guest: real programs on the MODSLAB, SLUB and "
          "SLUB_TINY kernels (QEMU TCG, 2 CPUs)", ""]
    keys = ["debian_boot_multi_user", "debian_slab_boot",
            "debian_hackbench_pipe", "debian_hackbench_socket",
            "debian_stress_ng", "debian_file_churn", "debian_slab_peak",
            "debian_kernel_reports", "debian_failed_checks"]
    js = {k: None for k in keys}
    kernels = (read(os.path.join(raw, "debian.kernels")) or "").split()
    runs = {}
    for k in kernels:
        r = 1
        while True:
            log = read(os.path.join(raw, f"debian-{k}-{r}.log"))
            if log is None:
                break
            out = read(os.path.join(raw, f"debian-{k}-{r}.out")) or ""
            d = parse(log)
            d["passed"] = ": ok (log:" in out
            runs.setdefault(k, []).append(d)
            r += 1
    if "modslab+distro" not in runs or "slub+distro" not in runs:
        why = ("not measured: no Debian guest run of both the MODSLAB and "
               "the SLUB kernel (make bench-debian)")
        md += [why, ""]
        js["debian"] = None
        js["debian_status"] = why
        return md, js
    good = {k: [d for d in v if d["passed"]] for k, v in runs.items()}
    nrounds = max(len(v) for v in runs.values())
    md += ["Method: `make bench-debian` boots the kernels of the "
           "distribution profile (configs/distro.config, which builds in "
           "what the guest needs) back to back, round after round "
           f"({nrounds} rounds), on a throwaway overlay of the same Debian "
           "root file system (`make rootfs`: Debian's packages by "
           "mmdebstrap, systemd as PID 1), QEMU TCG (no KVM) `-smp 2 "
           "-m 2048` on the 2-core build host, booted with `kunit.enable=0 "
           "tsc=reliable`.  Once multi-user.target is reached, "
           "`guest-debian-bench` runs hackbench (4 groups, 10 fds, pipes "
           "and unix sockets), each stress-ng stressor alone on both CPUs "
           "with `--verify --metrics-brief` (bogo ops/s, real time), and "
           "file churn on the ext4 root.  `Slab:` is sampled every 0.2 s "
           "during each workload (peak) and read once it held still "
           "afterwards (after).  Times and rates are **emulator** "
           "figures: median [min..max] over the rounds.  Only rounds whose "
           "boot passed (no kernel report, every check ok) count.", ""]
    cols = [k for k in ("modslab+distro", "slub+distro",
                        "slub+distro+slub-tiny") if k in runs]
    head = " | ".join(LABEL[k] for k in cols)
    md += ["| round verdicts | " + head + " |",
           "|---|" + "---|" * len(cols),
           "| boots passed | " + " | ".join(
               f"{len(good[k])}/{len(runs[k])}" for k in cols) + " |",
           "| kernel reports (Oops, BUG, WARNING, panic) | " + " | ".join(
               str(sum(d["reports"] for d in runs[k])) for k in cols) + " |",
           "| workloads failed (exit, `--verify`) | " + " | ".join(
               str(sum(not w["ok"] for d in runs[k]
                       for w in d["wl"].values())) for k in cols) + " |", ""]
    js["debian_kernel_reports"] = sum(d["reports"] for v in runs.values()
                                      for d in v)
    js["debian_failed_checks"] = sum(
        (not d["passed"]) + sum(not w["ok"] for w in d["wl"].values())
        for v in runs.values() for d in v)

    def vals(k, f):
        return [x for x in (f(d) for d in good.get(k, [])) if x is not None]

    md += ["Boot (systemd-analyze time; `Slab:` once the boot finished; "
           "**worse** as below):",
           "", "| | " + head + " | MODSLAB/SLUB |",
           "|---|" + "---|" * (len(cols) + 1)]
    boot_rows = [("kernel s", lambda d: d["boot"].get("kernel"), 2),
                 ("userspace s", lambda d: d["boot"].get("userspace"), 2),
                 ("multi-user.target reached, s in userspace",
                  lambda d: d["boot"].get("multi_user"), 2),
                 ("Slab: kB", lambda d: (d["mem"].get("boot") or
                                         (None,))[0], 0),
                 ("SUnreclaim: kB", lambda d: (d["mem"].get("boot") or
                                               (None, None))[1], 0)]
    worse_list = []
    for name, f, dg in boot_rows:
        mo, su = vals("modslab+distro", f), vals("slub+distro", f)
        r = ratio(med(mo), med(su))
        bad = worse(mo, su, False)
        if bad:
            worse_list.append(f"boot: {name}")
        md.append(f"| {name} | " + " | ".join(spread(vals(k, f), dg)
                                               for k in cols) +
                  f" | {r if r is not None else '—'}"
                  f"{' **worse**' if bad else ''} |")
    md.append("")
    js["debian_boot_multi_user"] = ratio(
        med(vals("modslab+distro", lambda d: d["boot"].get("multi_user"))),
        med(vals("slub+distro", lambda d: d["boot"].get("multi_user"))))
    js["debian_slab_boot"] = ratio(
        med(vals("modslab+distro", lambda d: (d["mem"].get("boot") or
                                              (None,))[0])),
        med(vals("slub+distro", lambda d: (d["mem"].get("boot") or
                                           (None,))[0])))

    names = []
    for d in good["modslab+distro"] + good["slub+distro"]:
        names += [n for n in d["wl"] if n not in names]
    md += ["Workloads (emulator time; ratio MODSLAB/SLUB of the medians, "
           "and of the best rounds (highest ops/s, shortest time), which "
           "another load on the host disturbed least; **worse**: MODSLAB "
           "below SLUB beyond the min..max of both):", "",
           "| workload | unit | " + head + " | MODSLAB/SLUB | best/best |",
           "|---|---|" + "---|" * (len(cols) + 2)]
    rel_rows, peaks, bests = [], [], {}
    stress_rs = []
    for n in names:
        def f(d, n=n):
            w = d["wl"].get(n)
            return w["value"] if w and w["ok"] else None
        unit = next(d["wl"][n]["unit"] for v in good.values() for d in v
                    if n in d["wl"])
        higher = unit in HIGHER
        mo, su = vals("modslab+distro", f), vals("slub+distro", f)
        r = ratio(med(mo), med(su))
        bad = worse(mo, su, higher)
        if bad:
            worse_list.append(n)
        best = (ratio(max(mo), max(su)) if higher else
                ratio(min(mo), min(su))) if mo and su else None
        md.append(f"| {n} | {unit} | " + " | ".join(
            spread(vals(k, f), 0 if higher else 2) for k in cols) +
            f" | {r if r is not None else '—'}{' **worse**' if bad else ''}"
            f" | {best if best is not None else '—'} |")
        bests[n] = best
        by = {}
        for k in cols:
            xs, base = vals(k, f), med(su)
            if k == "slub+distro" or not xs or not base:
                continue
            rel = [x / base if higher else base / x for x in xs if x]
            if rel:
                by[k] = (med(rel), min(rel), max(rel))
        if by:
            rel_rows.append((n, by))
        if n.startswith("stress-ng-") and r is not None:
            stress_rs.append(r)
        key = {"hackbench-pipe": "debian_hackbench_pipe",
               "hackbench-socket": "debian_hackbench_socket",
               "file-churn": "debian_file_churn"}.get(n)
        if key:
            js[key] = r
        pm = med(vals("modslab+distro", lambda d, n=n: (d["wl"].get(n) or
                                                        {}).get("peak")))
        ps = med(vals("slub+distro", lambda d, n=n: (d["wl"].get(n) or
                                                     {}).get("peak")))
        if ratio(pm, ps) is not None:
            peaks.append(ratio(pm, ps))
    md.append("")
    js["debian_stress_ng"] = round(med(stress_rs), 4) if stress_rs else None
    js["debian_slab_peak"] = round(med(peaks), 4) if peaks else None
    js["debian_best_ratios"] = bests
    if worse_list:
        md += ["MODSLAB worse than SLUB beyond the spread: " +
               ", ".join(f"`{w}`" for w in worse_list) +
               " (causes and next steps: Documentation/mm/modslab.rst, "
               "\"Real programs on a Debian guest\").", ""]
    else:
        md += ["No workload where MODSLAB is worse than SLUB beyond the "
               "run-to-run spread.", ""]
    plots = plot(report, rel_rows, cols)
    if plots:
        md += [f"![throughput relative to SLUB]({plots[0]})", ""]

    md += ["`Slab:` in kB while each workload ran (peak) and once it held "
           "still afterwards (after), and `SUnreclaim:` then (unrecl.), "
           "median over the rounds:", "",
           "| workload | " + " | ".join(
               f"{LABEL[k]} peak | {LABEL[k]} after | {LABEL[k]} unrecl."
               for k in cols) + " |",
           "|---|" + "---|---|---|" * len(cols)]
    for n in names:
        cells = []
        for k in cols:
            for fld in ("peak", "after", "sunreclaim"):
                v = med(vals(k, lambda d, n=n, fld=fld:
                             (d["wl"].get(n) or {}).get(fld)))
                cells.append(f"{v:.0f}" if v is not None else "—")
        md.append(f"| {n} | " + " | ".join(cells) + " |")
    md.append("")

    # /sys/kernel/slab attributes, SLUB kernel against MODSLAB kernel
    sa = next((d["attrs"] for d in good["slub+distro"] if d["attrs"]), {})
    ma = next((d["attrs"] for d in good["modslab+distro"] if d["attrs"]), {})
    if sa and ma:
        same = [a for a in sa if a in ma and sa[a][0] == ma[a][0]]
        diff = sorted(set(sa) | set(ma), key=lambda a: (a not in sa, a))
        diff = [a for a in diff if a not in same or
                (sa[a][1] != ma[a][1] and not sa[a][1].isdigit())]
        md += [f"/sys/kernel/slab/kmalloc-64: {len(sa)} attributes on the "
               f"SLUB kernel, {len(ma)} on the MODSLAB kernel; "
               f"{len(same)} of SLUB's with the same name and mode.  The "
               "others, and those whose value reads in another form "
               "(mode, value; - = absent; why: Documentation/mm/modslab.rst, "
               "\"Real programs on a Debian guest\"):", "",
               "| attribute | SLUB | MODSLAB |", "|---|---|---|"]
        for a in diff:
            s, m = sa.get(a, ("-", "")), ma.get(a, ("-", ""))
            md.append(f"| {a} | {s[0]} `{s[1]}` | {m[0]} `{m[1]}` |")
        md.append("")
        js["debian_sysfs_attrs"] = {
            "slub": len(sa), "modslab": len(ma), "same": len(same),
            "slub_only": sorted(a for a in sa if a not in ma),
            "modslab_only": sorted(a for a in ma if a not in sa)}

    js["debian_status"] = "measured"
    js["debian"] = {
        LABEL[k]: [{"boot": d["boot"], "mem": d["mem"], "workloads": d["wl"],
                    "reports": d["reports"], "passed": d["passed"]}
                   for d in runs[k]] for k in cols}
    return md, js
