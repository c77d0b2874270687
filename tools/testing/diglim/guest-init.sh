#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - init for the test VM (see vm.sh).
#
# Runs as PID 1 on the host root shared read-only over 9p: mounts the pseudo
# file systems, the writable result share on /run/diglim, loads the IMA
# policy if one was given, runs the payload (or an interactive shell),
# records its exit status and powers off.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
HOME=/root
TERM=${TERM:-linux}
export PATH HOME TERM

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t securityfs securityfs /sys/kernel/security
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs -o mode=755 tmpfs /run
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mkdir -p /run/diglim
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=none diglimout /run/diglim
# vm.sh --persist: a writable share that outlives this boot (keys, sealed
# secrets, the evidence of earlier boots).
if [ -f /run/diglim/persist ]; then
	mkdir -p /run/diglim-persist
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=none \
		diglimpersist /run/diglim-persist &&
		export DIGLIM_PERSIST=/run/diglim-persist
fi

# Writable places the tests and tools expect: /tmp, /root and /var/tmp
# become tmpfs. The repository and the build directory may live below one
# of them on the host (a CI clone in /tmp, say): keep those visible by
# binding them back from the host's copy of the directory.
overlay_tmpfs() {
	dir=$1 mode=$2
	saved=/run/host$(echo "$dir" | tr / -)
	mkdir -p "$saved"
	mount --bind "$dir" "$saved"
	mount -t tmpfs -o mode="$mode" tmpfs "$dir"
	while read -r keep; do
		case "$keep" in
		"$dir"/*)
			mkdir -p "$keep"
			mount --bind "$saved/${keep#"$dir"/}" "$keep"
			;;
		esac
	done </run/diglim/keep
}
overlay_tmpfs /tmp 1777
overlay_tmpfs /root 700
overlay_tmpfs /var/tmp 1777
hostname diglim-vm 2>/dev/null
export TMPDIR=/tmp HOME=/tmp

out=/run/diglim
if [ -f $out/ima-policy ]; then
	if ! cat $out/ima-policy >/sys/kernel/security/ima/policy; then
		echo "diglim-vm: loading the IMA policy failed"
	fi
fi

poweroff() {
	sync
	if command -v busybox >/dev/null; then
		busybox poweroff -f
	fi
	echo o >/proc/sysrq-trigger
	sleep 10
}

echo "diglim-vm: up after $(cut -d' ' -f1 /proc/uptime)s"
if [ -f $out/payload ]; then
	cd /tmp
	sh $out/payload
	rc=$?
	echo "diglim-vm: payload exit status $rc"
else
	cat <<'EOF'

  DIGLIM VM: root shell on the DIGLIM kernel with a TPM 2.0 (swtpm).
    ls /sys/kernel/security/integrity/diglim/      the DIGLIM interface
    cat /sys/kernel/security/integrity/diglim/digests_count
    echo /path/to/list > .../digest_list_add     load a compact list
    tpm2_pcrread sha256:10,11                      PCRs through tpm2-tss
    head /sys/kernel/security/ima/ascii_runtime_measurements
  The host root file system is mounted read-only; /tmp is a tmpfs.
  Exit the shell to power off.

EOF
	setsid -c -w bash -l </dev/ttyS0 >/dev/ttyS0 2>&1 || setsid -c -w sh -l
	rc=0
fi
echo "$rc" >$out/rc
poweroff
