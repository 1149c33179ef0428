#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make kernel CONFIG=<name>: an x86_64 bzImage from tinyconfig +
# configs/base.config + configs/<name>.config, built in build/<name>/.
# CONFIG=<a>+<b> merges configs/<a>.config then configs/<b>.config into
# build/<a>+<b>/.
. "$(dirname "$0")/lib.sh"
need_tree

CONFIG=${CONFIG:?CONFIG=<name> is required}
frag_list=$(config_path "$CONFIG")
mapfile -t frags <<<"$frag_list"
out=$BUILD/$CONFIG
mk=(make -C "$LINUX" O="$out" ARCH=x86_64 -j"$JOBS" CC="ccache gcc" -s)
mkdir -p "$out"

# Configure again only when a fragment changed.
sum=$(cat "$TOP/configs/base.config" "${frags[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$out/.config" ] || [ "$(cat "$out/.modslab-config" 2>/dev/null)" != "$sum" ]; then
	progress "configuring x86_64/$CONFIG"
	rm -f "$out/.modslab-config"
	"${mk[@]}" tinyconfig >"$out/config.log" 2>&1
	"$LINUX/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		"$TOP/configs/base.config" "${frags[@]}" >>"$out/config.log" 2>&1
	"${mk[@]}" olddefconfig >>"$out/config.log" 2>&1
	# Every option the fragments ask for (the last one saying, as in
	# merge_config.sh) must have survived Kconfig.
	bad=0
	declare -A want=()
	while IFS= read -r line; do
		want[${line%%=*}]=${line#*=}
	done < <(grep -h '^CONFIG_' "$TOP/configs/base.config" "${frags[@]}")
	for opt in "${!want[@]}"; do
		val=${want[$opt]}
		if [ "$val" = n ]; then
			grep -q "^$opt=" "$out/.config" && { echo "  $opt is set, wanted n" >&2; bad=1; }
		else
			grep -qx "$opt=$val" "$out/.config" || { echo "  $opt=$val did not survive Kconfig (dependencies?)" >&2; bad=1; }
		fi
	done
	[ $bad -eq 0 ] || die "configs/${CONFIG//+/.config + configs/}.config asks for options Kconfig refused (see above; log: build/$CONFIG/config.log)"
	echo "$sum" >"$out/.modslab-config"
fi

progress "building kernel x86_64/$CONFIG"
if ! with_build_lock "${mk[@]}" bzImage modules >"$out/build.log" 2>&1; then
	grep -E -B2 -A8 'error:|Error [0-9]' "$out/build.log" | head -n 60 >&2
	die "building x86_64/$CONFIG failed (log: build/$CONFIG/build.log)"
fi
progress "built build/$CONFIG/arch/x86/boot/bzImage"
