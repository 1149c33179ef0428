#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make run [CONFIG=…]: build and boot the default kernel and show, in the
# guest, what the allocator does.
. "$(dirname "$0")/lib.sh"

CONFIG=${CONFIG:-slub}
"$TOP/scripts/tree.sh"
CONFIG=$CONFIG "$TOP/scripts/kernel.sh"
CONFIG=$CONFIG CMD=${CMD:-guest-demo} "$TOP/scripts/boot.sh"
