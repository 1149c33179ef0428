#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make run [CONFIG=…] [APPEND=…]: build and boot the default kernel, MODSLAB,
# and show in the guest its slab caches, their allocator chains, and one
# cache whose chain was composed at boot (slab_debug= puts the debug
# deriver on top of it).
. "$(dirname "$0")/lib.sh"

CONFIG=${CONFIG:-modslab}
"$TOP/scripts/tree.sh"
CONFIG=$CONFIG "$TOP/scripts/kernel.sh"
CONFIG=$CONFIG CMD=${CMD:-guest-demo} APPEND=${APPEND:-slab_debug=FZP,filp} \
	"$TOP/scripts/boot.sh"
