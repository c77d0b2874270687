#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Appends records to a synthetic IMA binary measurement log, in the format of
# /sys/kernel/security/ima/binary_runtime_measurements_sha256 (host byte
# order, little-endian here), for the tests of diglimctl verify.
#
# Usage: mklog.py LOG < records
#
# One record per line of standard input, fields separated by spaces:
#   file PCR PATH HEX         ima-ng: d-ng "sha256:\0" + digest, n-ng PATH
#   viol PCR PATH             ima-ng violation: zero digest, zero template
#                             digest (the PCR is extended with 0xff bytes)
#   diglim PCR NAME HEX       ima-buf in hash mode: buf = the list digest,
#                             d-ng = sha256(buf), n-ng = NAME
#   buf PCR NAME HEX          ima-buf with HEX as buf, d-ng = sha256(buf)
#   boot PCR                  ima-ng "boot_aggregate" of a zero digest
#
# For each record, prints "PCR HEX": what the PCR is extended with (the
# template digest, or ff..ff for a violation), for tpm2_pcrextend.

import hashlib
import struct
import sys


def field(data):
    return struct.pack('<I', len(data)) + data


def d_ng(digest):
    return field(b'sha256:\0' + digest)


def n_ng(name):
    return field(name.encode() + b'\0')


def record(pcr, template, data, digest):
    name = template.encode()
    return (struct.pack('<I', pcr) + digest + struct.pack('<I', len(name)) +
            name + field(data))


def main():
    out = open(sys.argv[1], 'ab')
    for line in sys.stdin:
        f = line.split()
        if not f:
            continue
        kind, pcr = f[0], int(f[1])
        if kind == 'file':
            data = d_ng(bytes.fromhex(f[3])) + n_ng(f[2])
            template = 'ima-ng'
        elif kind == 'viol':
            data = d_ng(bytes(32)) + n_ng(f[2])
            template = 'ima-ng'
        elif kind == 'boot':
            data = d_ng(bytes(32)) + n_ng('boot_aggregate')
            template = 'ima-ng'
        elif kind in ('diglim', 'buf'):
            buf = bytes.fromhex(f[3])
            data = (d_ng(hashlib.sha256(buf).digest()) + n_ng(f[2]) +
                    field(buf))
            template = 'ima-buf'
        else:
            sys.exit(f'mklog.py: unknown record kind {kind}')
        if kind == 'viol':
            digest, extend = bytes(32), b'\xff' * 32
        else:
            digest = extend = hashlib.sha256(data).digest()
        out.write(record(pcr, template, data, digest))
        print(pcr, extend.hex())
    out.close()


if __name__ == '__main__':
    main()
