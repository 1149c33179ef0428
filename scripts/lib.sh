# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the modslab scripts.  Source it; do not run it.

set -euo pipefail

# Debian's tools first: the python3 make deps installs (with ply and git for
# checkpatch) rather than one a user environment may put ahead of it.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$TOP/build
LINUX=$BUILD/linux
BASE_TARBALL=/usr/src/linux-source-6.12.tar.xz
BASE_PACKAGE=linux-source-6.12
JOBS=${JOBS:-$(nproc)}
# Paths below the checkout are hashed relative to it, so that two clones
# (and CI's fresh one) share ccache's results.
export CCACHE_BASEDIR=$TOP
T0=${T0:-$(date +%s)}
export T0

die() {
	echo "error: $*" >&2
	exit 1
}

warn() {
	echo "warning: $*" >&2
}

elapsed() {
	local s=$(($(date +%s) - T0))

	printf '%dm%02ds' $((s / 60)) $((s % 60))
}

# progress MESSAGE: one line with the time elapsed since the command began.
progress() {
	echo "== $* … $(elapsed)"
}

# with_build_lock CMD...: run a kernel build while holding the build lock,
# so that two builds never share the two cores of the machine, not even
# two from different checkouts (MODSLAB_BUILD_LOCK names another lock file).
with_build_lock() {
	flock "${MODSLAB_BUILD_LOCK:-/tmp/modslab-build.lock}" "$@"
}

# config_path NAME: the Kconfig fragment of a named configuration, one
# path a line.  NAME may join several fragments with '+' (modslab-debug+stress):
# their paths in that order, the later ones overriding the earlier.
config_path() {
	local name f names

	[ -n "$1" ] && [[ $1 != *++* ]] && [[ $1 != +* ]] && [[ $1 != *+ ]] ||
		die "CONFIG=$1: fragment names joined by '+', none empty"
	IFS=+ read -r -a names <<<"$1"
	for name in "${names[@]}"; do
		f=$TOP/configs/$name.config
		if [ ! -f "$f" ]; then
			echo "error: unknown CONFIG=$name; the configurations are:" \
				"$(cd "$TOP/configs" && ls *.config | sed 's/\.config$//' |
				   grep -v -x -e base -e 'uml-.*' -e 'kunit-.*' | tr '\n' ' ')" >&2
			exit 1
		fi
	done
	for name in "${names[@]}"; do
		echo "$TOP/configs/$name.config"
	done
}

# kunit_summary FILE: "<summary> ; <passed> <failed>" from the closing line
# of kunit.py's parsed output in FILE; crashed cases and errors count as
# failed.  Empty summary and "0 0" when there is no such line.
kunit_summary() {
	local summary n passed failed=0 k

	summary=$(sed -n 's/.*Testing complete\. Ran [0-9]* tests: \(.*\)/\1/p' "$1" | tail -n 1)
	passed=$(echo "$summary" | sed -n 's/.*passed: \([0-9]*\).*/\1/p')
	for k in failed crashed errors; do
		n=$(echo "$summary" | sed -n "s/.*$k: \([0-9]*\).*/\1/p")
		failed=$((failed + ${n:-0}))
	done
	echo "$summary ; ${passed:-0} $failed"
}

# need_tree: fail with the fix if build/linux has not been made.
need_tree() {
	[ -f "$LINUX/.modslab-tree" ] ||
		die "no kernel tree in build/linux; run 'make tree' first"
}
