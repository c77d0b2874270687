#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - write the seed corpora and the dictionary of the parser fuzzers.
#
# Valid inputs of each entry point, plus the edge cases found so far, so that
# every run replays them before mutating: compact lists (every type, the
# immutable modifier, several algorithms, empty blocks, many blocks), lists
# with appended signature trailers (aligned and not), labels and queries for
# every algorithm of the kernel tree's crypto/hash_info.c.
"""Generate fuzz seeds: gen_seeds.py KSRC OUTDIR"""

import os
import random
import re
import struct
import sys

MAGIC = b'~Module signature appended~\n'


def kernel_algos(ksrc):
    """(enum value, name, digest size) from the kernel tree itself."""
    uapi = open(os.path.join(ksrc, 'include/uapi/linux/hash_info.h')).read()
    names = re.findall(r'^\s*(HASH_ALGO_\w+)\s*,', uapi, re.M)
    value = {n: i for i, n in enumerate(names)}
    src = open(os.path.join(ksrc, 'crypto/hash_info.c')).read()
    name = dict(re.findall(r'\[(HASH_ALGO_\w+)\]\s*=\s*"([^"]+)"', src))
    size_of = dict(re.findall(r'\[(HASH_ALGO_\w+)\]\s*=\s*(\w+_DIGEST_SIZE)',
                              src))
    sizes = {'MD5': 16, 'SHA1': 20, 'SHA224': 28, 'SHA256': 32, 'SHA384': 48,
             'SHA512': 64, 'RMD128': 16, 'RMD160': 20, 'RMD256': 32,
             'RMD320': 40, 'WP256': 32, 'WP384': 48, 'WP512': 64,
             'TGR128': 16, 'TGR160': 20, 'TGR192': 24, 'SM3256': 32,
             'STREEBOG256': 32, 'STREEBOG512': 64, 'SHA3_256': 32,
             'SHA3_384': 48, 'SHA3_512': 64}
    algos = []
    for n, v in value.items():
        if n == 'HASH_ALGO__LAST' or n not in name:
            continue
        algos.append((v, name[n], sizes[size_of[n][:-len('_DIGEST_SIZE')]]))
    return algos


def block(rng, algo, size, count, btype=1, mods=0):
    digests = bytes(rng.getrandbits(8) for _ in range(count * size))
    return struct.pack('<BBHHHII', 1, 0, btype, mods, algo, count,
                       count * size) + digests


def trailer(sig_len, written=None):
    written = sig_len if written is None else written
    return (b'\xaa' * written + struct.pack('>BBBBB3xI', 0, 0, 2, 0, 0, sig_len)
            + MAGIC)


def main():
    ksrc, out = sys.argv[1], sys.argv[2]
    rng = random.Random(0x6469676c696d)
    algos = kernel_algos(ksrc)
    by_name = {n: (v, s) for v, n, s in algos}
    sha256, sha1 = by_name['sha256'], by_name['sha1']
    seeds = {t: [] for t in ('parse_list', 'strip_sig', 'parse_label',
                             'parse_query')}

    lists = seeds['parse_list']
    for v, _, s in algos:
        lists.append(block(rng, v, s, 1 + v % 3, v % 3, v % 2))
    lists.append(block(rng, *sha256, 0))
    lists.append(block(rng, *sha256, 2, 0) + block(rng, *sha1, 1, 1, 1) +
                 block(rng, *by_name['sha512'], 0, 2) +
                 block(rng, *by_name['sha3-256'], 3, 1))
    lists.append(b''.join(block(rng, *sha1, 1, t % 3) for t in range(32)))

    sigs = seeds['strip_sig']
    one = block(rng, *sha256, 1)
    sigs += [one, one + trailer(0), one + trailer(10), one + trailer(566),
             # 59 bytes before the descriptor: unaligned (fixed bug).
             one + trailer(11), one + trailer(100, 10),
             one + trailer(0xffffffff, 10), trailer(4), MAGIC,
             b'\0' * 11 + MAGIC]

    labels = seeds['parse_label']
    labels += [b'parser', b'a', b'list\n', b'x' * 255, b'y' * 255 + b'\n',
               b'rpm-6.12.0-1.x86_64', b'~!@#$%^&*()_+{}:"<>?']

    queries = seeds['parse_query']
    for v, n, s in algos:
        hexd = bytes(rng.getrandbits(8) for _ in range(s)).hex().encode()
        q = n.encode() + b'-' + hexd
        queries += [q, q + b'\n', q + b'\n\0', q.upper()]

    for target, items in seeds.items():
        d = os.path.join(out, 'seeds', target)
        os.makedirs(d, exist_ok=True)
        for i, data in enumerate(items):
            with open(os.path.join(d, 'seed-%03d' % i), 'wb') as f:
                f.write(data)

    # libFuzzer dictionaries: the tokens of each format.
    def q(tok):
        return '"%s"' % ''.join(
            c if 32 <= ord(c) < 127 and c not in '"\\' else '\\x%02x' % ord(c)
            for c in tok)
    dicts = {
        'parse_list': ['\x01\x00', '\x00\x00\x00\x00'],
        'strip_sig': [MAGIC.decode(), '\x00\x00\x00\x00'],
        'parse_label': ['/', '\n', ' '],
        'parse_query': [n + '-' for _, n, _ in algos] + ['\n', '\x00'],
    }
    for target, toks in dicts.items():
        with open(os.path.join(out, 'seeds', target + '.dict'), 'w') as f:
            for tok in toks:
                f.write(q(tok) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
