#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install, with apt-get, the Debian packages the other targets need.
# Quiet and quick when everything is there already.
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	linux-source-6.12 gcc libc6-dev make bc flex bison libelf-dev libssl-dev dwarves
	cpio python3 qemu-system-x86 busybox-static sparse ccache xz-utils
	git rsync kmod perl util-linux gnuplot-nox python3-ply python3-git
	clang-14 libclang-rt-14-dev llvm-14
	mmdebstrap e2fsprogs qemu-utils
)

missing=()
for p in "${PACKAGES[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
	command -v sudo >/dev/null || die "packages missing (${missing[*]}) and not root; install them with apt-get as root"
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
log=$BUILD/deps.log
mkdir -p "$BUILD"
if ! $SUDO apt-get update -qq >"$log" 2>&1 ||
   ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
	tail -n 20 "$log" >&2
	die "apt-get could not install ${missing[*]} (log: $log); check the Debian archive is reachable and run 'make deps' again"
fi
echo "installed: ${missing[*]}"
