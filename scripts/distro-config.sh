#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make distro-config: compare configs/distro.config with the amd64 kernel
# configuration of the linux-config-6.12 package in the apt sources, and
# print every option of the fragment whose value Debian has changed.
# Exits non-zero when one differs, so that a new point release is noticed.
# An option built in here that Debian builds as a module agrees (the Debian
# guest boots without an initramfs); it is listed as such.
. "$(dirname "$0")/lib.sh"

dir=$BUILD/distro-config
frag=$TOP/configs/distro.config
mkdir -p "$dir"
rm -f "$dir"/*.deb
(cd "$dir" && apt-get download -qq linux-config-6.12 >/dev/null 2>&1) ||
	die "apt-get could not download linux-config-6.12; check the Debian archive is reachable"
deb=$(ls "$dir"/linux-config-6.12_*.deb)
rm -rf "$dir/pkg"
dpkg-deb -x "$deb" "$dir/pkg"
xz -dc "$dir"/pkg/usr/src/linux-config-6.12/config.amd64_none_amd64.xz >"$dir/debian.config"
version=$(dpkg-deb -f "$deb" Version)
echo "linux-config-6.12 $version against configs/distro.config"

differ=0
builtin=()
while IFS= read -r line; do
	opt=${line%%=*}
	want=${line#*=}
	have=$(sed -n "s/^$opt=//p" "$dir/debian.config")
	grep -q "^# $opt is not set" "$dir/debian.config" && have=n
	if [ "$want" = y ] && [ "$have" = m ]; then
		builtin+=("${opt#CONFIG_}")
	elif [ "$have" != "$want" ]; then
		echo "  $opt: distro.config ${want}, Debian ${have:-absent}"
		differ=1
	fi
done < <(grep '^CONFIG_' "$frag")
[ ${#builtin[@]} -eq 0 ] || echo "  built in here, modules in Debian: ${builtin[*]}"
[ $differ -eq 0 ] && echo "  every option agrees"
exit $differ
