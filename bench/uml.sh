#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bench/uml.sh 'MODULE PARAMS': the cache-level benchmark under UML (one
# CPU, kernel code at native speed).  Builds a UML kernel from tinyconfig +
# bench/uml.config in build/bench-uml/, the benchmark module against it, and
# runs it from a busybox initramfs; the console goes to
# build/report/raw/cache-uml.log.  Called by scripts/bench.sh.
. "$(dirname "$0")/../scripts/lib.sh"
need_tree

params=${1:-}
out=$BUILD/bench-uml
raw=$BUILD/report/raw
frag=$TOP/bench/uml.config
mk=(make -C "$LINUX" O="$out" ARCH=um -j"$JOBS" CC="ccache gcc" -s)
mkdir -p "$out" "$raw"

sum=$(sha256sum <"$frag" | cut -d' ' -f1)
if [ ! -f "$out/.config" ] || [ "$(cat "$out/.bench-config" 2>/dev/null)" != "$sum" ]; then
	progress "configuring um for the benchmark"
	rm -f "$out/.bench-config"
	"${mk[@]}" tinyconfig >"$out/config.log" 2>&1
	"$LINUX/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		"$frag" >>"$out/config.log" 2>&1
	"${mk[@]}" olddefconfig >>"$out/config.log" 2>&1
	for opt in CONFIG_MODULES CONFIG_MODSLAB_FRAMEWORK CONFIG_BLK_DEV_INITRD; do
		grep -qx "$opt=y" "$out/.config" || die "$opt did not survive Kconfig for um (build/bench-uml/config.log)"
	done
	echo "$sum" >"$out/.bench-config"
fi
progress "building um kernel for the benchmark"
with_build_lock "${mk[@]}" linux modules >"$out/build.log" 2>&1 ||
	{ tail -n 30 "$out/build.log"; die "um build failed (build/bench-uml/build.log)"; }

src=$BUILD/bench-module/um
rm -rf "$src"
mkdir -p "$src"
cp "$TOP/bench/Kbuild" "$TOP"/bench/*.c "$src/"
progress "building bench module against build/bench-uml"
with_build_lock make -C "$LINUX" O="$out" ARCH=um M="$src" CC="ccache gcc" \
	-s modules >"$src/build.log" 2>&1 ||
	{ tail -n 30 "$src/build.log"; die "bench module build for um failed"; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,guest,modules}
cp /bin/busybox "$root/bin/busybox"
cp "$TOP/scripts/guest/init" "$root/init"
cp "$TOP"/scripts/guest/guest-* "$root/guest/"
cp "$src/modslab_bench.ko" "$root/modules/"
# UML restarts on reboot; power off once the benchmark is done.
printf 'guest-bench %s\npoweroff -f\n' "$params" >"$root/cmd"
chmod +x "$root/init" "$root"/guest/*
(cd "$root" && find . | cpio -o -H newc --quiet) >"$out/initramfs.cpio"

progress "cache benchmark under UML: $params"
log=$raw/cache-uml.log
set +e
with_build_lock timeout -k 10 "${TIMEOUT:-900}" "$out/linux" mem=1024M \
	initrd="$out/initramfs.cpio" kunit.enable=0 loglevel=7 \
	</dev/null >"$log" 2>&1
rc=$?
set -e
grep -q 'bench: done status=0' "$log" ||
	die "the UML run did not finish (exit $rc; log: build/report/raw/cache-uml.log)"
progress "UML benchmark done"
