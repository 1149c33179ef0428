#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make save-patches [PATCH=name.patch [SUBJECT='subsys: what it does']]:
# turn edits of base files in build/linux back into patches/.  Each edited
# file goes into the last patch of the series that touches it, or into PATCH
# when given (a new PATCH is appended to the series and needs SUBJECT).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/series.sh"
need_tree

PATCH=${PATCH:-}
SUBJECT=${SUBJECT:-}
git=(git -C "$LINUX")
mapfile -t edited < <("${git[@]}" diff --name-only HEAD)
[ ${#edited[@]} -gt 0 ] || { echo "no edits to base files in build/linux"; exit 0; }
mapfile -t names < <(series_list)
mapfile -t commits < <("${git[@]}" rev-list --reverse modslab-base..HEAD)
[ ${#names[@]} -eq ${#commits[@]} ] ||
	die "build/linux is not at the series (${#commits[@]} commits, ${#names[@]} patches); run 'make tree' first"

# Which patch (index into names) each edited file belongs to.
declare -A owner
new=-1
if [ -n "$PATCH" ]; then
	for i in "${!names[@]}"; do [ "${names[$i]}" = "$PATCH" ] && new=$i; done
	if [ $new -lt 0 ]; then
		[ -n "$SUBJECT" ] || die "PATCH=$PATCH is a new patch; give it a SUBJECT='subsys: what it does'"
		new=${#names[@]}
		names+=("$PATCH")
	fi
fi
for f in "${edited[@]}"; do
	last=$("${git[@]}" log -1 --format=%H modslab-base..HEAD -- "$f")
	lasti=-1
	for i in "${!commits[@]}"; do [ "${commits[$i]}" = "$last" ] && lasti=$i; done
	if [ $new -ge 0 ]; then
		# Folding into an earlier patch would move later patches' lines too.
		[ $lasti -le $new ] ||
			die "$f is changed again by patches/${names[$lasti]}, after $PATCH; save it there, or reorder the commits with git rebase -i in build/linux"
		owner[$f]=$new
		continue
	fi
	[ $lasti -ge 0 ] || die "$f is in no patch yet; name one: make save-patches PATCH=name.patch SUBJECT='…'"
	owner[$f]=$lasti
done

# Rebuild the commits with the edits folded in, then rewrite the patch files.
index=$(mktemp)
rm -f "$index"
prev=$("${git[@]}" rev-parse modslab-base)
for i in "${!names[@]}"; do
	if [ "$i" -lt ${#commits[@]} ]; then
		GIT_INDEX_FILE=$index "${git[@]}" read-tree "${commits[$i]}"
	else
		GIT_INDEX_FILE=$index "${git[@]}" read-tree "$prev"
	fi
	for f in "${!owner[@]}"; do
		[ "${owner[$f]}" -le "$i" ] || continue
		if [ -e "$LINUX/$f" ]; then
			blob=$("${git[@]}" hash-object -w -- "$f")
			mode=$(stat -c %a "$LINUX/$f" | grep -q 7 && echo 100755 || echo 100644)
			GIT_INDEX_FILE=$index "${git[@]}" update-index --add --cacheinfo "$mode,$blob,$f"
		else
			GIT_INDEX_FILE=$index "${git[@]}" update-index --force-remove -- "$f"
		fi
	done
	tree=$(GIT_INDEX_FILE=$index "${git[@]}" write-tree)
	if [ "$i" -lt ${#commits[@]} ]; then
		c=${commits[$i]}
		prev=$(GIT_AUTHOR_NAME="$("${git[@]}" log -1 --format=%an "$c")" \
		       GIT_AUTHOR_EMAIL="$("${git[@]}" log -1 --format=%ae "$c")" \
		       GIT_AUTHOR_DATE="$("${git[@]}" log -1 --format=%aD "$c")" \
		       GIT_COMMITTER_NAME=modslab GIT_COMMITTER_EMAIL=modslab@localhost \
		       GIT_COMMITTER_DATE="$("${git[@]}" log -1 --format=%aD "$c")" \
		       "${git[@]}" commit-tree "$tree" -p "$prev" -m "$("${git[@]}" log -1 --format=%B "$c")")
	else
		d=$(date -R)
		prev=$(GIT_AUTHOR_DATE="$d" GIT_COMMITTER_DATE="$d" \
		       "${git[@]}" commit-tree "$tree" -p "$prev" -m "$SUBJECT" \
		       -m "Signed-off-by: modslab <modslab@localhost>")
		echo "${names[$i]}" >>"$PATCHES/series"
	fi
	"${git[@]}" format-patch -q --stdout --no-signature -1 "$prev" >"$PATCHES/${names[$i]}"
done
rm -f "$index"
"${git[@]}" reset -q "$prev"
for f in "${!owner[@]}"; do echo "saved $f into patches/${names[${owner[$f]}]}"; done
