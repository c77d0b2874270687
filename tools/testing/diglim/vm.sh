#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - boot a kernel under QEMU with a software TPM 2.0 and run a payload.
#
# The guest sees the host root file system read-only over virtio-9p (the way
# virtme-ng does it), so host tools (tpm2-tools, evmctl, openssl, the
# selftests) run unchanged in the guest; /tmp and /run are tmpfs. A second,
# writable 9p share carries the payload in and the results out. swtpm keeps
# its state in a private temporary directory that is removed on exit, even
# on failure or Ctrl-C, so several runs can coexist; --tpm-state keeps it
# in a directory of the caller instead, so that the next run with the same
# directory is a reboot of the same machine (same seeds, same persistent
# keys and NV indexes, PCRs reset by the startup), not a new TPM.
#
# Usage: vm.sh [options] [-- command...]
#   --kernel FILE     bzImage to boot (required)
#   --append ARGS     extra kernel command line
#   --ima-policy FILE IMA policy written to securityfs before the payload
#   --timeout SEC     kill the guest after SEC seconds (default 600)
#   --out DIR         keep the guest's result directory here
#   --log FILE        console log (default: $BUILD/logs/vm-<time>.log)
#   --quiet           console to the log only (default: log and terminal)
#   --kunit           let built-in KUnit suites run at boot
#   --mem MB          guest memory (default 2048)
#   --tpm-state DIR   keep the swtpm state in DIR (created if missing)
#                     across runs instead of a new TPM for each
#   --persist DIR     share DIR (created if missing) writable with the
#                     guest at /run/diglim-persist ($DIGLIM_PERSIST there)
#   --initrd FILE     boot with this initramfs (QEMU -initrd); its /init
#                     runs instead of guest-init.sh, which it gets as init=
# QEMU_CPU sets the CPU model under TCG (default "max"); under KVM it is
# always "host".
# Without a command, an interactive root shell is started on the console.
# The exit status is the payload's; 124 when the guest timed out, 125 when
# it died before reporting a status.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
KERNEL= APPEND= POLICY= TIMEOUT=600 OUT= LOG= QUIET=0 KUNIT=0 MEM=2048
TPMSTATE= PERSIST= INITRD=
BUILD=${BUILD:-$HERE/../../../build}

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) KERNEL=$2; shift 2 ;;
	--append) APPEND="$APPEND $2"; shift 2 ;;
	--ima-policy) POLICY=$2; shift 2 ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	--log) LOG=$2; shift 2 ;;
	--quiet) QUIET=1; shift ;;
	--kunit) KUNIT=1; shift ;;
	--mem) MEM=$2; shift 2 ;;
	--tpm-state) TPMSTATE=$2; shift 2 ;;
	--persist) PERSIST=$2; shift 2 ;;
	--initrd) INITRD=$2; shift 2 ;;
	--) shift; break ;;
	*) echo "vm: unknown option $1" >&2; exit 2 ;;
	esac
done
[ -f "$KERNEL" ] || { echo "vm: no kernel at '$KERNEL' (run make kernel)" >&2; exit 2; }
[ -z "$INITRD" ] || [ -f "$INITRD" ] || { echo "vm: no initramfs at '$INITRD'" >&2; exit 2; }
for t in qemu-system-x86_64 swtpm; do
	command -v $t >/dev/null || { echo "vm: $t missing (run make deps)" >&2; exit 2; }
done

T=$(mktemp -d /tmp/diglim-vm.XXXXXX)
SWTPM_PID= QEMU_PID=
cleanup() {
	local rc=$?
	set +e
	[ -n "$QEMU_PID" ] && kill "$QEMU_PID" 2>/dev/null
	[ -n "$SWTPM_PID" ] && kill "$SWTPM_PID" 2>/dev/null
	wait 2>/dev/null
	if [ -n "$OUT" ] && [ -d "$T/out" ]; then
		mkdir -p "$OUT" && cp -a "$T/out/." "$OUT/"
	fi
	rm -rf "$T"
	exit $rc
}
trap cleanup EXIT
trap 'echo "vm: interrupted" >&2; exit 130' INT TERM

mkdir -p "$T/tpm" "$T/out" "$BUILD/logs"
if [ -n "$TPMSTATE" ]; then
	mkdir -p "$TPMSTATE"
	TPMSTATE=$(cd "$TPMSTATE" && pwd)
else
	TPMSTATE=$T/tpm
fi
if [ -n "$PERSIST" ]; then
	mkdir -p "$PERSIST"
	PERSIST=$(cd "$PERSIST" && pwd)
fi
LOG=${LOG:-$BUILD/logs/vm-$(date +%Y%m%d-%H%M%S)-$$.log}
ln -sfn "$LOG" "$BUILD/logs/latest.log"

# The payload runs as a script in the guest.
if [ $# -gt 0 ]; then
	printf '%s\n' "$*" >"$T/out/payload"
	INTERACTIVE=0
else
	INTERACTIVE=1
	QUIET=0
fi
[ -n "$POLICY" ] && cp "$POLICY" "$T/out/ima-policy"
echo "$(id -u) $(id -g)" >"$T/out/owner"
# Host paths the guest must see even below the directories it turns into
# tmpfs (/tmp, /root, /var/tmp): the repository and the build directory.
printf '%s\n' "$(cd "$HERE/../../.." && pwd)" "$(cd "$BUILD" && pwd)" >"$T/out/keep"

# The control socket stays in $T: a kept state directory may be on any
# file system, and two runs must not share a socket.
swtpm socket --tpm2 --tpmstate dir="$TPMSTATE" \
	--ctrl type=unixio,path="$T/swtpm.sock" \
	--log file="$T/swtpm.log",level=1 --flags not-need-init,startup-clear &
SWTPM_PID=$!
for _ in $(seq 50); do [ -S "$T/swtpm.sock" ] && break; sleep 0.1; done
[ -S "$T/swtpm.sock" ] || { echo "vm: swtpm did not start" >&2; cat "$T/swtpm.log" >&2; exit 2; }

# TCG by default: /dev/kvm exists on some machines but hangs at boot. KVM is
# used only after a probe boot succeeded once (cached in the build dir);
# KVM=0 forces TCG, KVM=1 forces KVM.
accel=tcg
case "${KVM:-auto}" in
1) accel=kvm ;;
auto)
	if [ -w /dev/kvm ] && [ -z "${DIGLIM_KVM_PROBING:-}" ]; then
		if [ ! -f "$BUILD/kvm-probe" ]; then
			echo "vm: probing KVM (once)"
			if DIGLIM_KVM_PROBING=1 KVM=1 timeout 60 "$0" --kernel "$KERNEL" \
				--quiet --timeout 45 --log "$BUILD/logs/kvm-probe.log" \
				-- true >/dev/null 2>&1; then
				echo ok >"$BUILD/kvm-probe"
			else
				echo fail >"$BUILD/kvm-probe"
			fi
		fi
		[ "$(cat "$BUILD/kvm-probe")" = ok ] && accel=kvm
	fi
	;;
esac
cpu=${QEMU_CPU:-max}
[ $accel = kvm ] && cpu=host

cmdline="console=ttyS0 root=hostroot rootfstype=9p"
cmdline="$cmdline rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose ro"
# pci=noacpi: evaluating _PRT in ACPICA under KASAN+lockdep and TCG takes
# tens of seconds (AE_AML_LOOP_TIMEOUT, RCU stalls); the BIOS PIRQ table works.
cmdline="$cmdline init=$HERE/guest-init.sh panic=-1 printk.devkmsg=on pci=noacpi"
[ $KUNIT = 1 ] || cmdline="$cmdline kunit.enable=0"
# An interactive shell should not drown in boot messages; warnings still
# reach the console.
[ $INTERACTIVE = 1 ] && cmdline="$cmdline quiet"
cmdline="$cmdline $APPEND"

serial="-serial mon:stdio"
qemu=(qemu-system-x86_64 -accel $accel -cpu $cpu -smp 2 -m "$MEM"
	-nodefaults -nographic -no-reboot
	-kernel "$KERNEL" -append "$cmdline"
	-chardev socket,id=chrtpm,path="$T/swtpm.sock"
	-tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=root,mount_tag=hostroot
	-fsdev local,id=out,path="$T/out",security_model=none,multidevs=remap
	-device virtio-9p-pci,fsdev=out,mount_tag=diglimout)
# The third share exists only when asked for; guest-init.sh mounts it when
# the result share says so.
if [ -n "$PERSIST" ]; then
	qemu+=(-fsdev local,id=persist,path="$PERSIST",security_model=none,multidevs=remap
		-device virtio-9p-pci,fsdev=persist,mount_tag=diglimpersist)
	echo persist >"$T/out/persist"
fi
if [ -n "$INITRD" ]; then qemu+=(-initrd "$INITRD"); fi

echo "vm: booting $(basename "$KERNEL") ($accel, ${MEM}M, cpu $cpu), console log $LOG" >&2
start=$(date +%s)
set +e
if [ $INTERACTIVE = 1 ]; then
	"${qemu[@]}" $serial 2>&1 | tee "$LOG"
	rc=${PIPESTATUS[0]}
else
	if [ $QUIET = 1 ]; then
		timeout -k 5 "$TIMEOUT" "${qemu[@]}" -serial file:"$LOG" </dev/null >/dev/null 2>&1
		rc=$?
	else
		timeout -k 5 "$TIMEOUT" "${qemu[@]}" -serial stdio </dev/null 2>&1 | tee "$LOG"
		rc=${PIPESTATUS[0]}
	fi
fi
set -e
elapsed=$(( $(date +%s) - start ))
if [ $rc = 124 ] || [ $rc = 137 ]; then
	echo "vm: guest timed out after ${TIMEOUT}s and was killed (log: $LOG)" >&2
	exit 124
fi
if [ ! -f "$T/out/rc" ]; then
	[ $INTERACTIVE = 1 ] && exit 0
	echo "vm: guest died before the payload reported a status (qemu exit $rc, log: $LOG)" >&2
	exit 125
fi
rc=$(cat "$T/out/rc")
echo "vm: payload exit status $rc after ${elapsed}s" >&2
exit "$rc"
