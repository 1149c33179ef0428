#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check-full: the two debug kernels (configs/slub-debug and
# configs/modslab-debug: KASAN, KFENCE, lockdep, kmemleak, memcg, ...)
# built and booted with the KUnit suites of the slab integrations and the
# guest-debug checks.  Prints the KUnit counts of SLUB and MODSLAB side by
# side, suite by suite, and fails if a case passes on one kernel and not on
# the other (suites both kernels run), if anything failed, or if a KASAN,
# KFENCE, lockdep, kmemleak or other kernel report appears outside the
# suites that provoke them on purpose (kasan, kfence).  Then trinity fuzzes
# the system calls of the distribution profile's lockdep and KASAN kernels,
# 30 minutes each (make fuzz-syscalls; FUZZ_MINUTES=n), with the figures of
# each kernel in the summary, and the stress module runs 30 minutes on
# the same kernels (STRESS_MINUTES=n).  NOBUILD=1: boot the kernels
# already built.
. "$(dirname "$0")/lib.sh"

s=$TOP/scripts
kernels=(slub-debug modslab-debug)
TIMEOUT=${TIMEOUT:-3000}
bad=()

# NOBUILD=1 boots the kernels as they are in build/.
[ -n "${NOBUILD:-}" ] || "$s/tree.sh"
for c in "${kernels[@]}"; do
	rm -f "$BUILD/$c"/full.* "$BUILD/$c"/full-*
	if [ -z "${NOBUILD:-}" ] && ! CONFIG=$c "$s/kernel.sh"; then
		bad+=("$c: the kernel did not build")
	fi
done
# Three boots of each kernel, since the detectors get in each other's way:
# the KUnit suites with KFENCE off (KFENCE would take some of the objects
# KASAN's tests expect KASAN to report on), the KFENCE suite alone, and
# guest-debug without KUnit (KASAN's tests leave kmemleak disabled).
# Both kernels at once: each boot is one QEMU, the machine has two cores.
# boot_one KERNEL NAME CMD APPEND: one boot, logged to build/KERNEL/NAME.log.
boot_one() {
	# boot.sh fails on the reports the kasan and kfence suites provoke;
	# the logs are judged below instead.
	CONFIG=$1 CMD=$3 APPEND=$4 SMP=${SMP:-2} MEM=${MEM:-2048} \
		TIMEOUT=$TIMEOUT LOG="$BUILD/$1/$2.log" \
		RESULT="../$1/$2.result" "$s/boot.sh" >>"$BUILD/$1/full.out" 2>&1 || true
}
boot_all() {
	boot_one "$1" full true kfence.sample_interval=0
	boot_one "$1" full-kfence true kunit.filter_glob=kfence
	boot_one "$1" full-guest guest-debug kunit.enable=0
}
pids=()
for c in "${kernels[@]}"; do
	[ -f "$BUILD/$c/arch/x86/boot/bzImage" ] || continue
	boot_all "$c" &
	pids+=($!)
done
for p in "${pids[@]}"; do
	wait "$p" || true
done

# judge LOG SKIP: print "suite case status" for the KUnit cases of LOG
# except those of suite SKIP; report on stderr the kernel reports found
# outside the suites that provoke them, and the guest checks that failed.
judge() {
	python3 - "$1" "$2" <<'PY'
import re, sys

log, skip = sys.argv[1], sys.argv[2]
ts = re.compile(r'^\[ *[0-9]+\.[0-9]+\] ')
report = re.compile(r'(Oops|BUG:|kernel BUG|WARNING:|Kernel panic|'
                    r'general protection fault|Unable to handle|'
                    r'possible circular locking|inconsistent lock state|'
                    r'suspected memory leak)')
on_purpose = {'kasan', 'kfence'}
suite, cases, reports, guest_bad = None, [], [], []
with open(log, errors='replace') as f:
    for raw in f:
        line = ts.sub('', raw.rstrip('\n'))
        m = re.match(r'^    # Subtest: (\S+)', line)
        if m:
            suite = m.group(1)
            continue
        m = re.match(r'^    (not )?ok [0-9]+ (\S+)(.*)', line)
        if m and suite:
            st = 'skip' if '# SKIP' in m.group(3) else \
                 'fail' if m.group(1) else 'pass'
            cases.append((suite, m.group(2), st))
            continue
        if re.match(r'^(not )?ok [0-9]+ (\S+)', line) and suite:
            suite = None
            continue
        if re.match(r'^not ok [0-9]+ - ', line):
            guest_bad.append(line)
        if report.search(line) and suite not in on_purpose:
            reports.append(line.strip())
for c in cases:
    if c[0] != skip:
        print(' '.join(c))
for r in reports[:20]:
    print('  report: ' + r, file=sys.stderr)
if len(reports) > 20:
    print('  ... %d reports in all' % len(reports), file=sys.stderr)
for g in guest_bad:
    print('  guest: ' + g, file=sys.stderr)
sys.exit(1 if reports or guest_bad else 0)
PY
}

for c in "${kernels[@]}"; do
	: >"$BUILD/$c/full.cases"
	for log in full full-kfence full-guest; do
		log=$BUILD/$c/$log.log
		if [ ! -s "$log" ]; then
			bad+=("$c: no boot log ${log#"$TOP"/}")
			continue
		fi
		echo "== $c (log: ${log#"$TOP"/})"
		sed -n '/^modslab-guest: begin$/,/^modslab-guest: exit/p' "$log" |
			grep -v -E '^\[ *[0-9]+\.[0-9]+\] ' | sed '1d;$d' || true
		# KFENCE is off in the first boot: its suite counts from the second.
		skip=-
		[ "$log" = "$BUILD/$c/full.log" ] && skip=kfence
		judge "$log" "$skip" >>"$BUILD/$c/full.cases" ||
			bad+=("$c: kernel reports or failed guest checks in ${log#"$TOP"/} (above)")
		grep -q '^modslab-guest: exit 0$' "$log" ||
			bad+=("$c: the guest did not finish in ${log#"$TOP"/} (timeout ${TIMEOUT}s or crash)")
	done
done

# Side by side, suite by suite.
python3 - "$BUILD/slub-debug/full.cases" "$BUILD/modslab-debug/full.cases" <<'PY' || bad+=("the kernels differ (above)")
import collections, os, sys

def load(path):
    r = collections.OrderedDict()
    if os.path.exists(path):
        for line in open(path):
            suite, case, st = line.split()
            r.setdefault(suite, {})[case] = st
    return r

a, b = load(sys.argv[1]), load(sys.argv[2])
def counts(d):
    if d is None:
        return '-'
    c = collections.Counter(d.values())
    return '%d/%d/%d' % (c['pass'], c['fail'], c['skip'])
print('%-28s %16s %16s' % ('suite (pass/fail/skip)', 'SLUB', 'MODSLAB'))
tot = [collections.Counter(), collections.Counter()]
differ, failed = [], []
for suite in list(a) + [s for s in b if s not in a]:
    da, db = a.get(suite), b.get(suite)
    print('%-28s %16s %16s' % (suite, counts(da), counts(db)))
    for i, d in enumerate((da, db)):
        if d:
            tot[i].update(d.values())
            failed += ['%s %s.%s' % (('SLUB', 'MODSLAB')[i], suite, k)
                       for k, v in d.items() if v == 'fail']
    if da is not None and db is not None:
        pa = {k for k, v in da.items() if v == 'pass'}
        pb = {k for k, v in db.items() if v == 'pass'}
        differ += ['%s.%s passes on SLUB only' % (suite, k) for k in sorted(pa - pb)]
        differ += ['%s.%s passes on MODSLAB only' % (suite, k) for k in sorted(pb - pa)]
print('%-28s %16s %16s' % ('total', *('%d/%d/%d' % (t['pass'], t['fail'], t['skip']) for t in tot)))
print('(suites only one kernel runs are shown with "-" and not compared)')
for x in differ + ['failed: ' + f for f in failed]:
    print('  ' + x)
sys.exit(1 if differ or failed or not a or not b else 0)
PY

# trinity on the distribution profile (make fuzz-syscalls), FUZZ_MINUTES
# (30) on each kernel: lockdep's and KASAN's (the debug fragments above
# added to the profile), MODSLAB and SLUB side by side, one QEMU a core.
# MODSLAB may have no kind of kernel report that SLUB has not.
fuzz_kernels="modslab+distro+lockdep slub+distro+lockdep"
fuzz_kernels+=" modslab+distro+modslab-debug slub+distro+slub-debug"
progress "fuzzing the system calls on $fuzz_kernels (log: build/fuzz-syscalls.out)"
if ! MINUTES=${FUZZ_MINUTES:-30} KERNELS=$fuzz_kernels SIDE_BY_SIDE=1 \
	"$s/fuzz-syscalls.sh" >"$BUILD/fuzz-syscalls.out" 2>&1; then
	why=$(sed -n 's/^fuzz-syscalls failed: //p' "$BUILD/fuzz-syscalls.out" | paste -s -d ';')
	bad+=("fuzz-syscalls: ${why:-it stopped on an error (build/fuzz-syscalls.out)}")
fi
echo "System call fuzzing (trinity; build/report/fuzz-syscalls.md):"
sed -n '/^| kernel /,/^$/p' "$BUILD/report/fuzz-syscalls.md" 2>/dev/null || true

# The stress module for STRESS_MINUTES (30) on the distribution profile's
# lockdep and KASAN kernels side by side (make stress): the load with memcg
# charges under CPU hotplug, memory pressure and failslab, while the
# module's caches switch chains (not under KASAN), are read, shrunk and
# moved.
progress "the stress module on the distribution profile's lockdep and KASAN kernels (log: build/stress-full.out)"
if ! KERNELS="modslab+distro+lockdep modslab+distro+modslab-debug" KCSAN=0 \
	NOBUILD=1 SIDE_BY_SIDE=1 MINUTES=${STRESS_MINUTES:-30} OPS=1000000 \
	HOTPLUG=20 REPORT=0 "$s/stress.sh" >"$BUILD/stress-full.out" 2>&1; then
	bad+=("stress: $(sed -n 's/^stress failed: //p' "$BUILD/stress-full.out" | paste -s -d ';')")
fi
grep -h -E '^stress-guest: (workers|hotplug|charged|movable)' \
	"$BUILD"/report/raw/stress-modslab+distro+{lockdep,modslab-debug}.log 2>/dev/null || true

progress "check-full finished"
if [ ${#bad[@]} -ne 0 ]; then
	printf 'check-full failed: %s\n' "${bad[@]}"
	exit 1
fi
echo "check-full: SLUB and MODSLAB pass the same cases, no kernel reports"
