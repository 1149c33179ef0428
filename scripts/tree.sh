#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make tree: the base kernel in build/linux (a git repo whose first commit is
# the pristine base, tagged modslab-base), patches/series applied as one
# commit each on branch "modslab", and the files of kernel/ linked in place.
# Re-running only rewrites what changed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/series.sh"

base=$(cat "$TOP/BASE")
[ -f "$BASE_TARBALL" ] ||
	die "the base package $BASE_PACKAGE is missing ($BASE_TARBALL); run 'make deps' (apt-get install $BASE_PACKAGE)"
installed=$(dpkg-query -W -f='${Version}' "$BASE_PACKAGE" 2>/dev/null || echo unknown)
[ "$installed" = "$base" ] ||
	warn "base mismatch: BASE says $base but $BASE_PACKAGE $installed is installed; building on $installed (patches were tested on $base)"

# 1. The pristine base, extracted again only when the package changed.
if [ ! -f "$LINUX/.modslab-tree" ] || [ "$(cat "$LINUX/.modslab-tree")" != "$installed" ]; then
	progress "extracting $BASE_PACKAGE $installed into build/linux"
	new=$BUILD/linux.new
	rm -rf "$new"
	mkdir -p "$new"
	tar -xJf "$BASE_TARBALL" -C "$new" --strip-components=1
	(
		cd "$new"
		git init -q -b modslab
		git config user.name modslab
		git config user.email modslab@localhost
		git config gc.auto 0
		# Debian's top-level .gitignore hides everything; the base is all of it.
		git add -f -A .
		GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
			git commit -q -m "Linux $(make -s kernelversion) (Debian $BASE_PACKAGE $installed)"
		git tag modslab-base
	)
	echo "$installed" >"$new/.modslab-tree"
	rm -rf "$LINUX"
	mv "$new" "$LINUX"
fi

# 2. The series, as commits on top of the base; check out only what differs.
progress "applying patches/series"
want=$(apply_series modslab-base)
if [ "$(git -C "$LINUX" rev-parse 'HEAD^{tree}')" != "$(git -C "$LINUX" rev-parse "$want^{tree}")" ]; then
	if ! git -C "$LINUX" checkout -q -B modslab "$want" 2>"$BUILD/tree.err"; then
		cat "$BUILD/tree.err" >&2
		die "build/linux has edits that the new series would overwrite; keep them with 'make save-patches' or drop them with 'git -C build/linux checkout -- FILE'"
	fi
else
	git -C "$LINUX" update-ref refs/heads/modslab "$want"
	git -C "$LINUX" symbolic-ref HEAD refs/heads/modslab
fi

# 3. kernel/ files, linked at their in-tree paths.
(cd "$TOP/kernel" && find . -type f -printf '%P\n') | sort >"$BUILD/kernel-files.new"
while read -r f; do
	dst=$LINUX/$f
	if git -C "$LINUX" cat-file -e "modslab-base:$f" 2>/dev/null; then
		die "kernel/$f would replace a file of the base kernel; change that file with a patch instead"
	fi
	if [ ! -L "$dst" ] || [ "$(readlink -f "$dst")" != "$TOP/kernel/$f" ]; then
		mkdir -p "$(dirname "$dst")"
		rm -f "$dst"
		ln -sr "$TOP/kernel/$f" "$dst"
	fi
done <"$BUILD/kernel-files.new"
# Links to files that left kernel/.
if [ -f "$BUILD/kernel-files" ]; then
	comm -23 "$BUILD/kernel-files" "$BUILD/kernel-files.new" | while read -r f; do
		rm -f "$LINUX/$f"
	done
fi
mv "$BUILD/kernel-files.new" "$BUILD/kernel-files"
progress "tree ready: build/linux ($(git -C "$LINUX" rev-list --count modslab-base..HEAD) patches, $(wc -l <"$BUILD/kernel-files") new files)"
