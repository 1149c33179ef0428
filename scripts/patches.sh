#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make patches: the whole work as a git format-patch series with a cover
# letter in build/patches/, checked to apply with git am onto the pristine
# base.  The new files come first, so every step of the series builds.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/series.sh"
need_tree

git=(git -C "$LINUX")
index=$(mktemp)
rm -f "$index"
export GIT_INDEX_FILE=$index
"${git[@]}" read-tree modslab-base
while read -r f; do
	blob=$("${git[@]}" hash-object -w "$TOP/kernel/$f")
	"${git[@]}" update-index --add --cacheinfo "100644,$blob,$f"
done < <(cd "$TOP/kernel" && find . -type f -printf '%P\n' | sort)
head=modslab-base
if [ -n "$(cd "$TOP/kernel" && find . -type f | head -n 1)" ]; then
	head=$(GIT_AUTHOR_NAME=modslab GIT_AUTHOR_EMAIL=modslab@localhost \
	       "${git[@]}" commit-tree "$("${git[@]}" write-tree)" -p modslab-base \
	       -m "mm: add the modslab allocator framework" \
	       -m "$(sed -n '3,$p' "$PATCHES/cover-letter")" \
	       -m "Signed-off-by: modslab <modslab@localhost>")
fi
rm -f "$index"
unset GIT_INDEX_FILE
head=$(apply_series "$head")

out=$BUILD/patches
rm -rf "$out"
"${git[@]}" format-patch -q --cover-letter --no-signature -o "$out" "modslab-base..$head"
cover=$(ls "$out"/0000-*)
subject=$(head -n 1 "$PATCHES/cover-letter")
blurb=$(sed -n '3,$p' "$PATCHES/cover-letter")
python3 - "$cover" "$subject" "$blurb" <<'PY'
import sys
path, subject, blurb = sys.argv[1:]
s = open(path).read()
s = s.replace('*** SUBJECT HERE ***', subject).replace('*** BLURB HERE ***', blurb)
open(path, 'w').write(s)
PY

# The series must apply with git am onto the pristine base.
check=$BUILD/patches-check
rm -rf "$check"
"${git[@]}" worktree prune
"${git[@]}" worktree add -q --detach "$check" modslab-base 2>/dev/null ||
	die "could not make a work tree to check the series"
if ! git -C "$check" am -q $(ls "$out"/*.patch | grep -v /0000-cover-letter) >/dev/null 2>&1 ||
   [ "$(git -C "$check" rev-parse 'HEAD^{tree}')" != "$("${git[@]}" rev-parse "$head^{tree}")" ]; then
	"${git[@]}" worktree remove --force "$check"
	die "the series in build/patches does not apply with git am onto modslab-base"
fi
"${git[@]}" worktree remove --force "$check"
progress "build/patches: $(ls "$out" | wc -l) files (cover letter included); git am onto the base checked"
