#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make rootfs: the Debian guest's root file system, an ext4 image made by
# mmdebstrap from Debian's packages with the machine's apt sources, with
# systemd as PID 1 and the unit that runs a test command and powers off
# (scripts/guest/debian/).  Prints the image's path on its last line.
#
# The image is cached in $MODSLAB_CACHE (~/.cache/modslab) under a key that
# hashes the Debian release, the package list and the files put into the
# image, and is made again only when one of them changes.  The downloaded
# .debs are kept there too (mmdebstrap's sync-in/sync-out of
# /var/cache/apt/archives), so that a fresh checkout neither downloads nor,
# with the image cached, builds again.  The image is never written to: a
# boot runs on a throwaway overlay of it (scripts/debian-boot.sh).
. "$(dirname "$0")/lib.sh"

# The guest's packages: systemd as init, the workloads (stress-ng,
# hackbench of rt-tests), the system call fuzzer of make fuzz-syscalls
# (trinity) and the tools that read the slab allocator (slabtop, free and
# vmstat of procps).
DEBIAN_PACKAGES=(
	systemd-sysv udev procps stress-ng rt-tests trinity util-linux e2fsprogs iproute2
)
ROOTFS_SIZE=${ROOTFS_SIZE:-2G}

command -v mmdebstrap >/dev/null && command -v mkfs.ext4 >/dev/null ||
	die "mmdebstrap or mkfs.ext4 is missing; run 'make deps'"
# shellcheck source=/dev/null
release=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$release" ] || die "no VERSION_CODENAME in /etc/os-release; the Debian guest needs a Debian host"

# The machine's apt sources for that release (not third-party ones).
sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	grep -q -E "^(Suites:.*[[:space:]]$release([[:space:]]|\$)|deb[[:space:]].*[[:space:]]$release[[:space:]])" "$f" &&
		grep -q -E '(^|[[:space:]]|/)(deb\.debian\.org|security\.debian\.org|ftp\.[a-z.]*debian\.org|debian)' "$f" &&
		sources+=("$f")
done
[ ${#sources[@]} -gt 0 ] ||
	die "no apt source for Debian $release in /etc/apt/sources.list{,.d}; add the Debian archive there"

# What goes into the image besides the packages (the guest's scripts come
# on the command disk of each run instead).
guest=$TOP/scripts/guest/debian
image_files=(modslab-guest.service modslab-guest-run customize)
key=$( {
	echo "$release"
	printf '%s\n' "${DEBIAN_PACKAGES[@]}" | sort
	echo "$ROOTFS_SIZE"
	(cd "$guest" && sha256sum "${image_files[@]}")
} | sha256sum | cut -c1-16)
cache=${MODSLAB_CACHE:-$HOME/.cache/modslab}
debs=$cache/debs/$release
image=$cache/rootfs/debian-$release-$key.img
if [ -f "$image" ]; then
	echo "$image"
	exit 0
fi
# mmdebstrap's root mode chroots and mounts; mkfs.ext4 -d must read
# root's files.
[ "$(id -u)" -eq 0 ] ||
	die "making the root file system needs root (mmdebstrap --mode=root); run 'make rootfs' as root once, the image is cached"

mkdir -p "$debs" "$cache/rootfs"
work=$(mktemp -d "$cache/rootfs/.new-XXXXXX")
trap 'rm -rf "$work"' EXIT
log=$BUILD/rootfs.log
mkdir -p "$BUILD"
progress "making the Debian $release root file system (${DEBIAN_PACKAGES[*]}; log: build/rootfs.log)" >&2
# Root mode into a directory; the cached .debs go in before apt runs and the
# new ones come out after.
if ! mmdebstrap --mode=root --variant=minbase --format=directory \
	--include="$(IFS=,; echo "${DEBIAN_PACKAGES[*]}")" \
	--skip=essential/unlink \
	--setup-hook='mkdir -p "$1"/var/cache/apt/archives' \
	--setup-hook="sync-in $debs /var/cache/apt/archives/" \
	--customize-hook="sync-out /var/cache/apt/archives $debs" \
	--customize-hook="copy-in $guest/modslab-guest.service /etc/systemd/system" \
	--customize-hook="copy-in $guest/modslab-guest-run /usr/local/sbin" \
	--customize-hook="$guest/customize" \
	"$release" "$work/root" "${sources[@]}" >"$log" 2>&1; then
	tail -n 20 "$log" >&2
	die "mmdebstrap failed (log: build/rootfs.log); check that the Debian archive is reachable and run again"
fi
rm -f "$work"/root/var/cache/apt/archives/*.deb
progress "writing the ext4 image ($ROOTFS_SIZE, sparse)" >&2
truncate -s "$ROOTFS_SIZE" "$work/root.img"
if ! mkfs.ext4 -q -F -L modslab-root -d "$work/root" "$work/root.img" >>"$log" 2>&1; then
	tail -n 5 "$log" >&2
	die "mkfs.ext4 -d failed (log: build/rootfs.log)"
fi
chmod a-w "$work/root.img"
mv "$work/root.img" "$image"
# Images of other keys are stale.
find "$cache/rootfs" -maxdepth 1 -name "debian-$release-*.img" ! -name "${image##*/}" -delete
progress "root file system: ${image/#$HOME/\~} ($(du -sh "$image" | cut -f1) used)" >&2
echo "$image"
