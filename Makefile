# SPDX-License-Identifier: GPL-2.0
# modslab: every target is a script in scripts/; see README.md.

SHELL := /bin/bash
S := scripts
CONFIG ?= modslab

# CMD, APPEND and QEMU_ARGS reach the scripts as typed on the command line:
# make would expand a '$' in them ('echo $?') when it exports them.
$(foreach v,CMD APPEND QEMU_ARGS,$(if $(filter command line,$(origin $(v))),\
	$(eval override $(v) := $$(value $(v)))$(eval export $(v))))

.PHONY: distro-config help deps tree save-patches kunit kernel boot rootfs debian-boot lint fuzz check check-full run bench bench-debian stress fuzz-syscalls mutate patches clean distclean

help:
	@sed -n 's/^## //p' README.md

deps:
	@$(S)/deps.sh

tree: deps
	@$(S)/tree.sh

save-patches: deps
	@$(S)/save-patches.sh

kunit: tree
	@$(S)/kunit.sh

kernel: tree
	@CONFIG=$(CONFIG) $(S)/kernel.sh

boot: deps
	@CONFIG=$(CONFIG) $(S)/boot.sh

rootfs: deps
	@$(S)/rootfs.sh

debian-boot: tree
	@CONFIG=$(if $(filter file,$(origin CONFIG)),modslab+distro,$(CONFIG)) $(S)/debian-boot.sh

lint: tree
	@$(S)/lint.sh

fuzz: deps
	@$(S)/fuzz.sh

distro-config: deps
	@$(S)/distro-config.sh

check: deps
	@$(S)/check.sh

check-full: tree
	@$(S)/check-full.sh

run: deps
	@$(S)/run.sh

bench: deps
	@$(S)/bench.sh

bench-debian: tree
	@$(S)/bench-debian.sh

stress: deps
	@$(S)/stress.sh

mutate: tree
	@$(S)/mutate.sh

fuzz-syscalls: tree
	@$(S)/fuzz-syscalls.sh

patches: tree
	@$(S)/patches.sh

clean:
	rm -rf build/results build/kunit-* build/patches $(filter-out build/linux build/ccache,$(wildcard build/*/))

distclean:
	rm -rf build
