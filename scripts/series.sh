# SPDX-License-Identifier: GPL-2.0
# Build commits from patches/series without touching a work tree: each patch
# is applied to a private index, so files whose content does not change keep
# their timestamps and the kernel build stays incremental.  Source it.

PATCHES=$TOP/patches

# series_list: the patch file names of patches/series, in order.
series_list() {
	[ -f "$PATCHES/series" ] || return 0
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$PATCHES/series"
}

# commit_patch PARENT PATCHFILE INDEX: apply one mail-formatted patch to
# INDEX (already holding PARENT's tree) and print the new commit.
commit_patch() {
	local parent=$1 file=$2 index=$3 tmp msg

	tmp=$(mktemp -d)
	git -C "$LINUX" mailinfo "$tmp/msg" "$tmp/diff" <"$file" >"$tmp/info"
	if ! GIT_INDEX_FILE=$index git -C "$LINUX" apply --cached \
	     "$tmp/diff" 2>"$tmp/err"; then
		sed 's/^/  /' "$tmp/err" >&2
		rm -rf "$tmp"
		return 1
	fi
	info() { sed -n "s/^$1: //p" "$tmp/info"; }
	msg=$(info Subject; echo; cat "$tmp/msg")
	GIT_AUTHOR_NAME=$(info Author) GIT_AUTHOR_EMAIL=$(info Email) \
	GIT_AUTHOR_DATE=$(info Date) GIT_COMMITTER_NAME=modslab \
	GIT_COMMITTER_EMAIL=modslab@localhost GIT_COMMITTER_DATE=$(info Date) \
		git -C "$LINUX" commit-tree \
		"$(GIT_INDEX_FILE=$index git -C "$LINUX" write-tree)" \
		-p "$parent" -m "$msg"
	rm -rf "$tmp"
}

# apply_series START: apply every patch of the series on top of commit START;
# print the last commit.  Fails naming the patch that does not apply.
apply_series() {
	local head=$1 index p

	index=$(mktemp)
	rm -f "$index"
	GIT_INDEX_FILE=$index git -C "$LINUX" read-tree "$head"
	for p in $(series_list); do
		[ -f "$PATCHES/$p" ] ||
			{ rm -f "$index"; die "patches/series names $p, which is not in patches/"; }
		if ! head=$(commit_patch "$head" "$PATCHES/$p" "$index"); then
			rm -f "$index"
			die "patches/$p does not apply to the base ($(cat "$TOP/BASE")); refresh it: fix build/linux by hand, then 'make save-patches'"
		fi
	done
	rm -f "$index"
	echo "$head"
}
