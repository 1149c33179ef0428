#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make lint: checkpatch --strict and kernel-doc on our files and patches;
# with LINT_BUILD='<config> …' also sparse (C=2) and W=1 on mm/allocators/
# in those configurations' builds.  One TAP line per check.
. "$(dirname "$0")/lib.sh"
need_tree

LINT_BUILD=${LINT_BUILD:-}
n=0 passed=0 failed=0
report() { # report DESCRIPTION OUTPUT-FILE
	n=$((n + 1))
	if [ -s "$2" ]; then
		echo "not ok $n - $1"
		sed 's/^/    /' "$2" | head -n 40
		failed=$((failed + 1))
	else
		echo "ok $n - $1"
		passed=$((passed + 1))
	fi
}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
cp=("$LINUX/scripts/checkpatch.pl" --strict --terse --no-summary --show-types)

mapfile -t files < <(cd "$TOP/kernel" && find . -type f \( -name '*.[ch]' \) -printf '%P\n' | sort)
params=$LINUX/Documentation/admin-guide/kernel-parameters.txt
for f in "${files[@]}"; do
	# checkpatch -f cannot see the documentation patch; check it below.
	(cd "$LINUX" && "${cp[@]}" --ignore UNDOCUMENTED_SETUP -f "$f") >"$tmp" 2>&1 || true
	# (names a macro pastes together end in "_" here and are skipped)
	for opt in $(sed -n 's/.*__setup\(_param\)\{0,1\}("\([^"=]*[^_"=]\)=\{0,1\}".*/\2/p' "$TOP/kernel/$f"); do
		grep -q "^	$opt\b" "$params" ||
			echo "$f: boot option $opt is not in kernel-parameters.txt" >>"$tmp"
	done
	report "checkpatch --strict $f" "$tmp"
	(cd "$LINUX" && scripts/kernel-doc -none -Wall "$f") >"$tmp" 2>&1 || true
	report "kernel-doc $f" "$tmp"
done
for p in $(sed -e 's/#.*//' -e '/^$/d' "$TOP/patches/series" 2>/dev/null); do
	# New files come with the series, so MAINTAINERS is not this patch's job.
	(cd "$LINUX" && "${cp[@]}" --ignore FILE_PATH_CHANGES "$TOP/patches/$p") >"$tmp" 2>&1 || true
	report "checkpatch --strict patches/$p" "$tmp"
done

for b in $LINT_BUILD; do
	command -v sparse >/dev/null || die "sparse is missing; run 'make deps'"
	out=$BUILD/$b
	[ -f "$out/.config" ] || die "no build/$b to lint in; run 'make kernel CONFIG=$b'"
	with_build_lock make -C "$LINUX" O="$out" ARCH=x86_64 -j"$JOBS" CC="ccache gcc" \
		C=2 W=1 mm/allocators/ >"$tmp.log" 2>&1 || true
	grep -E '^(\.\./)*[^ ]*mm/allocators/[^ :]*:[0-9]+:[0-9]*:? *(warning|error)' "$tmp.log" >"$tmp" || true
	if grep -q -E 'Error [0-9]' "$tmp.log"; then
		grep -E -B3 'Error [0-9]' "$tmp.log" >>"$tmp"
	fi
	report "sparse (C=2) and W=1 on mm/allocators/ in x86_64/$b" "$tmp"
	rm -f "$tmp.log"
done
mkdir -p "$BUILD/results"
echo "$passed $failed" >"$BUILD/results/lint"
progress "lint: $passed passed, $failed failed"
[ $failed -eq 0 ]
