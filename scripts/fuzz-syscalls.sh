#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make fuzz-syscalls [MINUTES=n] [KERNELS='…']: the system call fuzzer
# trinity on the Debian guest (make rootfs), each kernel of KERNELS booted
# in turn (scripts/debian-boot.sh) and fuzzed for MINUTES by an
# unprivileged user, run after run with fixed seeds
# (scripts/guest/debian/guest-debian-trinity).  The host counts the
# kernel's reports on the console by kind (KASAN, lockdep, UBSAN, kernel
# BUG, general protection, Oops, BUG, WARNING, hung task, RCU stall, and
# a stack dump of none of these, "Call Trace"; the OOM killer's and failed
# allocations' are not reports) and the system calls trinity made, and
# writes a summary, per kernel the minutes, runs, system calls and
# reports, to build/report/fuzz-syscalls.md.
#
# A MODSLAB kernel fails when it has a kind of report that its SLUB
# counterpart in KERNELS (the same name with slub for modslab) does not
# have, or any report when KERNELS has no counterpart; any kernel fails
# when trinity did not run on it (and no report ended the boot).  One
# "passed failed" line per kernel in build/results/fuzz-syscalls-<name>.
#
# Knobs (environment): KERNELS (modslab+distro+lockdep
# slub+distro+lockdep), MINUTES (10 a kernel), SIDE_BY_SIDE=1 (two kernels
# at a time, in the order of KERNELS), SEED (1: the first run's
# seed, the next run's is one more), SYSCALLS (20000 a run), NOBUILD=1
# (fuzz the kernels as they are in build/), QEMU_ARGS (added to
# '-accel tcg,thread=single': TCG on one host thread, as multi-threaded TCG
# gives false int3 oopses in jump-label patching under trinity).
. "$(dirname "$0")/lib.sh"

KERNELS=${KERNELS:-modslab+distro+lockdep slub+distro+lockdep}
MINUTES=${MINUTES:-10}
SEED=${SEED:-1}
SYSCALLS=${SYSCALLS:-20000}
for v in MINUTES SEED SYSCALLS; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v=${!v}: a positive whole number"
done
read -r -a kernels <<<"$KERNELS"
[ ${#kernels[@]} -gt 0 ] || die "KERNELS is empty"
for k in "${kernels[@]}"; do
	config_path "$k" >/dev/null
done
report=$BUILD/report/fuzz-syscalls.md
mkdir -p "$BUILD/results" "$BUILD/report"
rm -f "$report"

declare -A unbuilt=()
if [ -z "${NOBUILD:-}" ]; then
	"$TOP/scripts/tree.sh"
	for k in "${kernels[@]}"; do
		if ! CONFIG=$k "$TOP/scripts/kernel.sh"; then
			warn "$k not fuzzed: its kernel did not build"
			unbuilt[$k]=1
		fi
	done
fi
"$TOP/scripts/rootfs.sh" >/dev/null

# One boot per kernel.  The build lock keeps kernel builds off the two
# cores meanwhile, so that a starved guest does not set off the RCU stall
# or hung task detectors.  SIDE_BY_SIDE=1 boots two kernels at once (each
# QEMU runs on one host thread, the machine has two cores), KERNELS taken
# in pairs as listed.
fuzz_one() { # fuzz_one KERNEL
	local k=$1 out=$BUILD/$1

	rm -f "$out"/fuzz-syscalls.*
	if [ ! -f "$out/arch/x86/boot/bzImage" ] || [ -n "${unbuilt[$k]:-}" ]; then
		return 0
	fi
	progress "fuzzing $k for $MINUTES minutes (log: ${out#"$TOP"/}/fuzz-syscalls.log)"
	# debian-boot.sh's verdict fails on any report; the log is judged
	# below instead.
	env CONFIG="$k" CMD="guest-debian-trinity $MINUTES $SEED $SYSCALLS" \
		TIMEOUT=$((MINUTES * 60 + 1500)) APPEND="kunit.enable=0" \
		QEMU_ARGS="-accel tcg,thread=single ${QEMU_ARGS:-}" \
		RESULT="../$k/fuzz-syscalls.result" LOG="$out/fuzz-syscalls.log" \
		"$TOP/scripts/debian-boot.sh" >"$out/fuzz-syscalls.out" 2>&1 || true
}
at_once=1
[ "${SIDE_BY_SIDE:-0}" = 1 ] && at_once=2
exec 8>"${MODSLAB_BUILD_LOCK:-/tmp/modslab-build.lock}"
for ((i = 0; i < ${#kernels[@]}; i += at_once)); do
	flock 8
	for k in "${kernels[@]:i:at_once}"; do
		fuzz_one "$k" &
	done
	wait
	flock -u 8
done
exec 8>&-

# count LOG: the run's figures and its kernel reports, as shell
# assignments (minutes, runs, syscalls, finished, reports, kinds) and
# "report: <kind> | <title> | seed <seed>" lines on stderr.
count() {
	python3 - "$1" <<'PY'
import re, sys

ts = re.compile(r'^\[ *[0-9]+\.[0-9]+\] ')
# Report headers, most specific first: (kind, pattern).
headers = [
    ('KASAN', re.compile(r'BUG: KASAN: .*|BUG: KFENCE: .*')),
    ('lockdep', re.compile(r'WARNING: (possible .*(locking|dependency|lock).*|'
                           r'inconsistent lock state|suspicious RCU usage|'
                           r'held lock freed!|bad unlock balance detected!|'
                           r'lock held when returning to user space!|'
                           r'Nested lock was not taken|'
                           r'.*lock held.*)')),
    ('UBSAN', re.compile(r'UBSAN: .*')),
    ('kernel BUG', re.compile(r'kernel BUG at .*')),
    ('general protection', re.compile(r'general protection fault.*')),
    ('Oops', re.compile(r'Oops: .*')),
    ('BUG', re.compile(r'BUG: .*')),
    ('WARNING', re.compile(r'WARNING: .*')),
    ('hung task', re.compile(r'INFO: task .* blocked for more than .*')),
    ('RCU stall', re.compile(r'rcu: INFO: .*detected stalls.*|'
                             r'INFO: rcu_.* self-detected stall.*')),
]
# What prints a stack trace without being a kernel bug.
benign = re.compile(r'invoked oom-killer|page allocation failure|'
                    r'vmalloc error|Out of memory')
state = {'seconds': 0, 'run_seconds': 0, 'runs': 0, 'syscalls': 0, 'finished': 0}
reports = []  # (kind, title, seed)
seed = '-'
open_report = None  # lines left in the report being read, or None
benign_left = 0
before = ''  # the last line before a stack dump's CPU: line
with open(sys.argv[1], errors='replace') as f:
    for raw in f:
        raw = raw.rstrip('\n')
        m = re.match(r'^trinity: run (\d+) seed (\d+)$', raw)
        if m:
            seed = m.group(2)
            continue
        m = re.match(r'^trinity: run \d+ seed \d+ syscalls (\d+) exit \d+ seconds (\d+)', raw)
        if m:
            state['runs'] += 1
            state['syscalls'] += int(m.group(1))
            state['run_seconds'] += int(m.group(2))
            continue
        m = re.match(r'^trinity: total runs \d+ syscalls \d+ seconds (\d+)', raw)
        if m:
            state['seconds'] = int(m.group(1))
            state['finished'] = 1
            continue
        if not ts.match(raw):
            continue
        line = ts.sub('', raw).strip()
        if not re.match(r'(CPU: |Hardware name: |Call Trace:|Tainted: |</?TASK>)', line):
            before = line
        # A report ends with its stack trace or its end marker.
        if open_report is not None:
            if (line.startswith('</TASK>') or line.startswith('---[ end trace')
                    or line.startswith('=====')):
                open_report = None
            else:
                open_report -= 1
                if open_report <= 0:
                    open_report = None
            continue
        if benign.search(line):
            benign_left = 100
            continue
        if benign_left:
            benign_left -= 1
            if line.startswith('</TASK>'):
                benign_left = 0
            continue
        for kind, pat in headers:
            m = pat.search(line)
            if m:
                break
        else:
            if line.startswith('Call Trace:'):
                kind, m = 'Call Trace', None
            else:
                continue
        # A stack dump of none of these is named by what printed it.
        title = m.group(0) if m else 'Call Trace after "%s"' % before[:80]
        # Addresses, CPUs, PIDs and offsets vary from run to run.
        title = re.sub(r'CPU: \d+ PID: \d+ at ', 'at ', title)
        title = re.sub(r'\+0x[0-9a-f]+/0x[0-9a-f]+', '', title)
        title = re.sub(r'(code|process|task) \S+', r'\1 X', title)
        title = re.sub(r'(code|process|task): \S+', r'\1: X', title)
        title = re.sub(r'0x[0-9a-f]+|\b[0-9a-f]{8,}\b|pfn:[0-9a-f]+', 'X', title)
        title = re.sub(r'\[#\d+\].*', '', title).strip()
        reports.append((kind, title[:120], seed))
        open_report = 400

# The runs that ended when the guest did not finish.
seconds = state['seconds'] if state['finished'] else state['run_seconds']
kinds = sorted({r[0] for r in reports})
print('runs=%d syscalls=%d finished=%d reports=%d' %
      (state['runs'], state['syscalls'], state['finished'], len(reports)))
print('minutes=%.1f' % (seconds / 60))
print("kinds='%s'" % ','.join(kinds))
seen = {}
for r in reports:
    seen.setdefault(r[:2], []).append(r[2])
for (kind, title), seeds in seen.items():
    print('report: %s | %s | %dx, seed %s' % (kind, title, len(seeds), seeds[0]),
          file=sys.stderr)
PY
}

declare -A kinds_of=() failed_k=()
rows=() details=() bad=()
fail() { # fail KERNEL WHY
	failed_k[$1]=1
	bad+=("$1: $2")
}
for k in "${kernels[@]}"; do
	log=$BUILD/$k/fuzz-syscalls.log
	if [ ! -s "$log" ]; then
		rows+=("| $k | - | - | - | - | not fuzzed |")
		fail "$k" "not fuzzed (its kernel did not build, or the boot did not start; build/$k/fuzz-syscalls.out)"
		continue
	fi
	minutes=- runs=0 syscalls=0 finished=0 reports=0 kinds=
	eval "$(count "$log" 2>"$BUILD/$k/fuzz-syscalls.reports")"
	kinds_of[$k]=$kinds
	rows+=("| $k | $minutes | $runs | $syscalls | $reports | ${kinds:-none} |")
	while IFS= read -r r; do
		details+=("$k: ${r#report: }")
	done <"$BUILD/$k/fuzz-syscalls.reports"
	# A boot that ended on a kernel report stopped the fuzzing early.
	if [ "$syscalls" -eq 0 ] && [ "$reports" -eq 0 ]; then
		fail "$k" "trinity made no system call (${log#"$TOP"/}; build/$k/fuzz-syscalls.out)"
	elif [ "$finished" -eq 0 ] && [ "$reports" -eq 0 ]; then
		fail "$k" "the guest did not finish and the kernel reported nothing (timeout? ${log#"$TOP"/})"
	fi
done

# MODSLAB against SLUB: the kinds of report MODSLAB has and SLUB has not.
verdict() { # verdict KERNEL: why KERNEL fails on its reports, if it does
	local k=$1 partner=${1//modslab/slub} extra=() ks kind

	grep -q '^CONFIG_MODSLAB=y' "$BUILD/$k/.config" 2>/dev/null || return 0
	[ -n "${kinds_of[$k]:-}" ] || return 0
	if [ "$partner" != "$k" ] && [ -n "${kinds_of[$partner]+set}" ]; then
		IFS=, read -r -a ks <<<"${kinds_of[$k]}"
		for kind in "${ks[@]}"; do
			[[ ,${kinds_of[$partner]}, == *",$kind,"* ]] || extra+=("$kind")
		done
		[ ${#extra[@]} -eq 0 ] ||
			echo "reports of a kind $partner does not have: $(IFS=,; echo "${extra[*]}")"
	else
		echo "kernel reports (${kinds_of[$k]}), and no SLUB kernel fuzzed beside it"
	fi
}
for k in "${kernels[@]}"; do
	[ -n "${kinds_of[$k]+set}" ] || continue
	v=$(verdict "$k")
	[ -z "$v" ] || fail "$k" "$v"
done

{
	echo "## System call fuzzing (trinity)"
	echo
	echo "The Debian guest, $MINUTES minutes a kernel, trinity as an unprivileged user,"
	echo "seeds from $SEED, at most $SYSCALLS system calls a run, no sockets among its"
	echo "file descriptors, QEMU TCG on one host thread."
	echo
	echo "| kernel | minutes | runs | syscalls | reports | kinds |"
	echo "| --- | ---: | ---: | ---: | ---: | --- |"
	printf '%s\n' "${rows[@]}"
	if [ ${#details[@]} -gt 0 ]; then
		echo
		echo "Reports (kind | title | how many, first seed):"
		echo
		printf -- '- %s\n' "${details[@]}"
	fi
} >"$report"
cat "$report"
echo

for k in "${kernels[@]}"; do
	if [ -n "${failed_k[$k]:-}" ]; then
		echo "0 1" >"$BUILD/results/fuzz-syscalls-$k"
	else
		echo "1 0" >"$BUILD/results/fuzz-syscalls-$k"
	fi
done
progress "fuzz-syscalls finished (build/report/fuzz-syscalls.md)"
if [ ${#bad[@]} -gt 0 ]; then
	printf 'fuzz-syscalls failed: %s\n' "${bad[@]}" >&2
	exit 1
fi
