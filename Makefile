# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - the driver: build the DIGLIM kernel, boot it under QEMU with a
# software TPM, run the tests, export the patch series.
#
#   make run            boot the DIGLIM kernel (debug flavour) with swtpm:
#                       an interactive root shell, or CMD='...' to run one
#   make check          build everything, run every KUnit suite and kselftest
#                       in the VM, end with "N passed, N failed, N skipped"
#   make help           everything else
#
# Variables: BUILD (build directory, default ./build), KSRC (use this kernel
# tree instead of /usr/src/linux-source-6.12.tar.xz), FLAVOUR (debug|bench),
# KVM (auto|0|1), JOBS, CMD, TIMEOUT, APPEND, POLICY.

REPO      := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
BUILD     ?= $(REPO)/build
override BUILD := $(abspath $(BUILD))
KSRC      ?=
KTAR      ?= /usr/src/linux-source-6.12.tar.xz
FLAVOUR   ?= debug
JOBS      ?= $(shell nproc)
KVM       ?= auto
TIMEOUT   ?= 1200
CMD       ?=
APPEND    ?=
POLICY    ?=

T         := $(REPO)/tools/testing/diglim
OBJ       := $(BUILD)/obj-$(FLAVOUR)
BZIMAGE   := $(OBJ)/arch/x86/boot/bzImage
KSELFTEST := $(BUILD)/kselftest-$(FLAVOUR)/install

export REPO BUILD KSRC KTAR FLAVOUR JOBS KVM

.PHONY: help deps kernel selftests run check bench patches clean distclean

help:
	@echo 'DIGLIM: the Digest Lists Integrity Module, built and tested under QEMU'
	@echo
	@echo '  make demo         the demonstration on this system: the lists of every installed'
	@echo '                    package, three reboots, a secret sealed to PCR 11, the verifier'
	@echo '  make demo-quick   the short one: ten programs, PCR 11 across orders, appraisal'
	@echo '  make system-lists one signed digest list per installed package (made by make demo)'
	@echo '  make run          boot the DIGLIM kernel with a TPM 2.0 (swtpm): root shell'
	@echo "  make run CMD='…'  run a command in the guest and power off (its exit status)"
	@echo '  make check        the whole test suite (KUnit + kselftests in the VM)'
	@echo '  make bench        the benchmark against the 2021 evaluation: one table'
	@echo '  make stress       the concurrency stress kselftest alone, STRESS_SECONDS (300)'
	@echo '  make initramfs-test  the initramfs-tools hook: signed lists in an initramfs'
	@echo '                    made by mkinitramfs, loaded at boot (installs initramfs-tools)'
	@echo '  make fuzz         the list parser under libFuzzer+ASan+UBSan, FUZZ_SECONDS (300)'
	@echo '  make kernel       unpack, patch, configure and build the kernel'
	@echo '  make selftests    build tools/testing/selftests/diglim'
	@echo '  make tools        build diglim-gen, diglim-sign, diglimctl (tools/diglim)'
	@echo '  make patches      export the series (git format-patch) + checkpatch'
	@echo '  make bisect       build the debug kernel after each patch of the series (long)'
	@echo '  make doccheck     kernel-doc and docutils checks of the documentation'
	@echo '  make deps         install the Debian packages the project needs'
	@echo '  make clean        remove the kernel objects (keeps the unpacked tree)'
	@echo '  make distclean    remove the whole build directory'
	@echo
	@echo 'Variables: KSRC=<kernel tree>  BUILD=<dir>  FLAVOUR=debug|bench  KVM=auto|0|1'
	@echo '           TIMEOUT=<s>  APPEND=<kernel args>  POLICY=<IMA policy file>'

deps:
	@$(T)/deps.sh

# deps.sh runs again when it changes; the --check of each entry target
# catches a command removed since (one line: the command and its package).
$(BUILD)/.deps-ok: $(T)/deps.sh
	@$(T)/deps.sh
	@mkdir -p $(BUILD) && touch $@

$(BUILD)/.deps-tools-ok: $(T)/deps.sh
	@$(T)/deps.sh tools
	@mkdir -p $(BUILD) && touch $@

# initramfs-tools only for make initramfs-test: not in the default set.
$(BUILD)/.deps-initramfs-ok: $(T)/deps.sh
	@$(T)/deps.sh initramfs
	@mkdir -p $(BUILD) && touch $@

# What each entry target runs (groups of deps.sh): checked before anything
# else is built, so a missing command stops the run at once.
NEED_kernel    := kernel
NEED_selftests := kernel
NEED_tools     := tools
NEED_run       := kernel tools vm
NEED_demo      := kernel tools vm
NEED_demo-quick := kernel tools vm
NEED_system-lists := kernel tools
NEED_check     := kernel tools vm test
NEED_bench     := kernel tools vm bench
NEED_stress    := kernel vm
NEED_fuzz      := kernel test
NEED_patches   := kernel patches
NEED_bisect    := kernel patches
NEED_doccheck  := kernel patches
NEED_initramfs-test := kernel tools vm initramfs
NEED_GROUPS    := $(sort $(foreach g,$(MAKECMDGOALS),$(NEED_$(g))))

.PHONY: need
need:
	@$(if $(NEED_GROUPS),$(T)/deps.sh --check $(NEED_GROUPS))

# The kernel build is cheap to re-run: the tree is unpacked once, the series
# re-applied only when it changes, and kbuild rebuilds incrementally.
kernel: $(BUILD)/.deps-ok need
	@$(T)/kbuild.sh build

selftests: kernel
	@$(T)/kbuild.sh selftests

# The user-space tools, built where the guest can run them (the host's
# root file system is the guest's).
.PHONY: tools
tools: $(BUILD)/.deps-tools-ok need
	@$(MAKE) --no-print-directory -C $(REPO)/tools/diglim O=$(BUILD)/tools/diglim

run: $(BUILD)/.deps-ok need kernel tools
	@$(T)/vm.sh --kernel $(BZIMAGE) --timeout $(TIMEOUT) \
		$(if $(POLICY),--ima-policy $(POLICY)) \
		$(if $(APPEND),--append "$(APPEND)") \
		$(if $(CMD),-- '$(subst ','\'',$(CMD))')

# The demonstration (system-demo.sh): the signed lists of every installed
# package loaded at each boot under a use_diglim policy, three boots with
# one TPM, a secret sealed to PCR 11 with clevis, the verifier's verdicts.
# DEMO=quick (or make demo-quick): the first one, ten programs in one
# boot: PCR 11 unchanged across run orders, an unknown program measured
# and denied.
DEMO ?=
.PHONY: demo demo-quick system-lists
ifeq ($(DEMO),quick)
demo: demo-quick
else
demo: $(BUILD)/.deps-ok need kernel tools
	@$(T)/system-demo.sh --kernel $(BZIMAGE)
endif

demo-quick: $(BUILD)/.deps-ok need kernel tools
	@$(T)/vm.sh --kernel $(BZIMAGE) --timeout $(TIMEOUT) --append quiet \
		-- "DIGLIM_BUILD=$(BUILD) sh $(T)/demo.sh"

# Made again only when the dpkg database, the tools or the key changed.
system-lists: $(BUILD)/.deps-ok need kernel tools
	@$(T)/system-lists.sh

check: $(BUILD)/.deps-ok need selftests tools
	@$(T)/check.sh --kernel $(BZIMAGE) --kselftests $(KSELFTEST) \
		--timeout $(TIMEOUT)

# The benchmark always runs on the bench flavour (no debugging options), in
# one VM boot with slab_nomerge; see Documentation/security/diglim/evaluation.rst.
bench: $(BUILD)/.deps-ok need tools
	@$(MAKE) --no-print-directory FLAVOUR=bench kernel
	@APPEND='$(APPEND)' $(T)/bench.sh --kernel $(BUILD)/obj-bench/arch/x86/boot/bzImage

# A long run of the stress kselftest on the debug kernel (make check runs
# it for a few seconds).
STRESS_SECONDS ?= 300

.PHONY: stress
stress: $(BUILD)/.deps-ok need selftests
	@DIGLIM_STRESS_SECONDS=$(STRESS_SECONDS) $(T)/stress.sh \
		--kernel $(BZIMAGE) --kselftests $(KSELFTEST)

# The list parser under libFuzzer on the host (make check runs it briefly).
FUZZ_SECONDS ?= 300

.PHONY: fuzz
fuzz: $(BUILD)/.deps-ok need
	@$(T)/kbuild.sh src
	@FUZZ_SECONDS=$(FUZZ_SECONDS) $(T)/fuzz/fuzz.sh

patches: $(BUILD)/.deps-ok need
	@$(T)/kbuild.sh src
	@$(T)/export-patches.sh

# Every patch of the series builds on its own: one debug build per patch
# in $(BUILD)/bisect (long: not part of make check; nice -n 19 make bisect).
.PHONY: bisect doccheck
bisect: $(BUILD)/.deps-ok need
	@$(T)/kbuild.sh src
	@$(T)/bisect.sh

# What make htmldocs would warn about in the DIGLIM documentation and
# kernel-doc comments, without Sphinx (kernel-doc, get_abi.pl, docutils).
doccheck: $(BUILD)/.deps-ok need
	@$(T)/kbuild.sh src
	@$(T)/doccheck.sh

# The initramfs-tools hook (tools/diglim/initramfs) in an initramfs made by
# mkinitramfs with a private configuration directory, booted once: the
# kernel's loader must load its signed lists. Not part of make check.
.PHONY: initramfs-test
initramfs-test: $(BUILD)/.deps-ok $(BUILD)/.deps-initramfs-ok need kernel tools
	@$(T)/initramfs-test.sh --kernel $(BZIMAGE)

clean:
	rm -rf $(BUILD)/obj-* $(BUILD)/kselftest-* $(BUILD)/logs

distclean:
	rm -rf $(BUILD)
