#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - data generator and report of "make bench" (run in the guest by
# guest-bench.sh).
#
#   bench.py files DIR N SEED           N files of realistic sizes in DIR,
#                                       their sha256 digests on stdout
#   bench.py lists DIR PREFIX NLISTS TOTAL SEED [DIGESTS]
#                                       TOTAL sha256 file digests in NLISTS
#                                       compact lists (the digests read from
#                                       the file DIGESTS first, then random)
#   bench.py duplist FILE N MODIFIERS   a compact list of one block (sha256,
#                                       COMPACT_FILE, the modifiers given)
#                                       holding one fixed digest N times
#   bench.py scan DIR                   what a directory of compact lists
#                                       holds (appended signatures skipped):
#                                       "key value" lines for the results
#   bench.py table RESULTS              the table of every figure
#
# Everything is deterministic for a given SEED: the same files, digests and
# lists in every run.
import hashlib
import math
import os
import random
import re
import struct
import sys

HASH_ALGO_SHA256 = 4
COMPACT_FILE = 1
PAGE = 4096

# File sizes: log-normal, the usual model of file sizes in a distribution,
# with the median and spread of the ELF executables and shared libraries of
# a Debian or Fedora install (median about 20 KiB, a tail of a few MiB).
SIZE_MEDIAN = 20 * 1024
SIZE_SIGMA = 1.5
SIZE_MIN = 64
SIZE_MAX = 8 * 1024 * 1024


def file_sizes(n, rnd):
    return [int(min(SIZE_MAX, max(SIZE_MIN, rnd.lognormvariate(
        math.log(SIZE_MEDIAN), SIZE_SIGMA)))) for _ in range(n)]


def cmd_files(d, n, seed):
    rnd = random.Random(seed)
    os.makedirs(d, exist_ok=True)
    out = []
    for i, size in enumerate(file_sizes(n, rnd)):
        data = rnd.randbytes(size)
        with open(os.path.join(d, 'f%05d' % i), 'wb') as f:
            f.write(data)
        out.append(hashlib.sha256(data).hexdigest())
    sys.stdout.write('\n'.join(out) + '\n')


def list_counts(nlists, total, rnd):
    # Packages hold very different numbers of files: log-normal weights,
    # at least one digest per list, exactly TOTAL in all.
    w = [rnd.lognormvariate(0, 1.3) for _ in range(nlists)]
    s = sum(w)
    counts = [max(1, int(x / s * total)) for x in w]
    i = 0
    while sum(counts) != total:
        j = i % nlists
        if sum(counts) < total:
            counts[j] += 1
        elif counts[j] > 1:
            counts[j] -= 1
        i += 1
    return counts


def cmd_lists(d, prefix, nlists, total, seed, digests_file=None):
    rnd = random.Random(seed)
    digests = []
    if digests_file:
        with open(digests_file) as f:
            digests = [bytes.fromhex(x) for x in f.read().split()]
    digests = digests[:total]
    digests += [rnd.randbytes(32) for _ in range(total - len(digests))]
    rnd.shuffle(digests)
    os.makedirs(d, exist_ok=True)
    pos = 0
    size = 0
    for i, c in enumerate(list_counts(nlists, total, rnd)):
        # One compact block: version 1, type FILE, no modifier, sha256.
        hdr = struct.pack('<BBHHHII', 1, 0, COMPACT_FILE, 0,
                          HASH_ALGO_SHA256, c, c * 32)
        data = hdr + b''.join(digests[pos:pos + c])
        pos += c
        with open(os.path.join(d, '%s-%04d' % (prefix, i)), 'wb') as f:
            f.write(data)
        size += len(data)
    print('%d %d %d' % (nlists, total, size))


# The digest of every duplicate list (bench.py duplist): the same in each.
DUP_DIGEST = hashlib.sha256(b'diglim bench: duplicate digest').digest()


def cmd_duplist(path, n, modifiers):
    # Lists with other modifiers hold the same digests in other bytes:
    # another list digest, another list.
    hdr = struct.pack('<BBHHHII', 1, 0, COMPACT_FILE, modifiers,
                      HASH_ALGO_SHA256, n, n * 32)
    with open(path, 'wb') as f:
        f.write(hdr + DUP_DIGEST * n)


# The kernel's trailer of an appended signature (modsig, as diglim-sign
# writes it): the PKCS#7 message, struct module_signature (12 bytes, the
# length big-endian in its last 4) and this marker.
MODSIG_MAGIC = b'~Module signature appended~\n'
DIGEST_SIZE = {0: 16, 1: 20, 2: 16, 3: 20, 4: 32, 5: 48, 6: 64, 7: 28,
               17: 32, 18: 48, 19: 64}


def compact_digests(data, name):
    """(type, algo, digest) of every digest of a compact list."""
    if data.endswith(MODSIG_MAGIC):
        end = len(data) - len(MODSIG_MAGIC) - 12
        siglen = struct.unpack('>I', data[end + 8:end + 12])[0]
        data = data[:end - siglen]
    pos = 0
    while pos < len(data):
        if len(data) - pos < 16:
            raise ValueError('%s: truncated header at %d' % (name, pos))
        ver, _, typ, _, algo, count, datalen = struct.unpack_from(
            '<BBHHHII', data, pos)
        pos += 16
        size = DIGEST_SIZE.get(algo)
        if ver != 1 or size is None or datalen != count * size or \
                pos + datalen > len(data):
            raise ValueError('%s: bad block at %d' % (name, pos - 16))
        for i in range(count):
            yield typ, algo, data[pos + i * size:pos + (i + 1) * size]
        pos += datalen


def cmd_scan(d):
    lists = digests = nbytes = 0
    seen = {}
    for name in sorted(os.listdir(d)):
        with open(os.path.join(d, name), 'rb') as f:
            data = f.read()
        lists += 1
        nbytes += len(data)
        for typ, algo, dig in compact_digests(data, name):
            digests += 1
            key = (typ, algo, dig)
            seen[key] = seen.get(key, 0) + 1
    top = max(seen.items(), key=lambda x: x[1]) if seen else (
        (0, 0, b''), 0)
    print('lists %d' % lists)
    print('bytes %d' % nbytes)
    print('digests %d' % digests)
    print('distinct %d' % len(seen))
    print('dup_max %d' % top[1])
    print('dup_max_digest %s' % top[0][2].hex())
    print('dup_digests %d' % sum(1 for v in seen.values() if v > 1))


# Results: "key value" lines written by guest-bench.sh, plus snapshots of
# /proc/slabinfo, /proc/meminfo and /proc/vmallocinfo and of
# /sys/kernel/debug/diglim_bench/memory named <dir>/<tag>.{slab,mem,vm,dmem}.

def read_kv(path):
    kv = {}
    try:
        with open(path) as f:
            for line in f:
                p = line.split(None, 1)
                if len(p) == 2:
                    kv[p[0]] = p[1].strip()
    except OSError:
        pass
    return kv


def slabinfo(path):
    caches = {}
    with open(path) as f:
        for line in f:
            if line.startswith(('slabinfo', '#')):
                continue
            p = line.split()
            # name active_objs num_objs objsize objperslab pagesperslab :
            # tunables ... : slabdata active_slabs num_slabs sharedavail
            name, active, _, objsize, _, pps = p[0], *map(int, p[1:6])
            nslabs = int(p[p.index('slabdata') + 2])
            caches[name] = (active * objsize, nslabs * pps * PAGE, active)
    return caches


def meminfo(path):
    m = {}
    with open(path) as f:
        for line in f:
            k, v = line.split(':', 1)
            m[k] = int(v.split()[0]) * 1024
    return m


def vmallocinfo(path):
    # Pages of each area, by the function that allocated it.
    by = {}
    with open(path) as f:
        for line in f:
            pm = re.search(r' pages=(\d+)', line)
            if not pm:
                continue
            p = line.split()
            caller = p[2].split('+')[0] if len(p) > 2 else '?'
            by[caller] = by.get(caller, 0) + int(pm.group(1)) * PAGE
    return by


def delta(a, b):
    return {k: b.get(k, 0) - a.get(k, 0) for k in set(a) | set(b)}


def mem_delta(d, before, after):
    """Kernel memory gained between two snapshots."""
    sa, sb = slabinfo(os.path.join(d, before + '.slab')), \
        slabinfo(os.path.join(d, after + '.slab'))
    ma, mb = meminfo(os.path.join(d, before + '.mem')), \
        meminfo(os.path.join(d, after + '.mem'))
    va, vb = vmallocinfo(os.path.join(d, before + '.vm')), \
        vmallocinfo(os.path.join(d, after + '.vm'))
    caches = {}
    for k in set(sa) | set(sb):
        a, b = sa.get(k, (0, 0, 0)), sb.get(k, (0, 0, 0))
        caches[k] = (b[0] - a[0], b[1] - a[1], b[2] - a[2])
    slab_pages = sum(v[1] for v in caches.values())
    dm = delta(ma, mb)
    res = {
        'caches': caches,
        'slab_objs': sum(v[0] for v in caches.values()),
        'slab_pages': slab_pages,
        # Slab in meminfo also counts kmalloc() blocks above 8 KiB, which
        # come from the page allocator and are not in /proc/slabinfo.
        'meminfo_slab': dm['Slab'],
        'large_kmalloc': dm['Slab'] - slab_pages,
        'vmalloc': dm['VmallocUsed'],
        'vmalloc_by': delta(va, vb),
        'memfree': -dm['MemFree'],
    }
    res['total'] = res['meminfo_slab'] + res['vmalloc']
    return res


def fmt_bytes(n):
    if abs(n) >= 10 * 1024 * 1024:
        return '%.1f MiB' % (n / 1048576)
    if abs(n) >= 10 * 1024:
        return '%.1f KiB' % (n / 1024)
    return '%d B' % n


def kint(k, key):
    """An integer of diglim_bench/memory, None if the kernel lacks it."""
    try:
        return int(k[key])
    except (KeyError, ValueError):
        return None


def list_data(m, k):
    """The memory holding the list bytes: data_bytes, else what vmalloc
    kernel_read_file() kept."""
    v = kint(k, 'data_bytes')
    return v if v is not None else m['vmalloc_by'].get('kernel_read_file', 0)


def breakdown(row, m, k, nd, index):
    """The index memory by structure (ksize() of what DIGLIM allocated,
    from diglim_bench/memory) and what the measure has beyond it."""
    views = sum(m['caches'].get(c, (0, 0, 0))[1]
                for c in ('dentry', 'inode_cache'))
    parts = (('index tables (%s slots x 8 B)' % k.get('table_slots', '?'),
              kint(k, 'table_bytes') or 0),
             ('duplicate nodes (%s)' % k.get('dup_nodes', '?'),
              kint(k, 'dup_bytes') or 0),
             ('struct diglim_list (%s lists)' % k.get('lists', '?'),
              kint(k, 'list_struct_bytes') or 0),
             ('id map (id -> list, estimate)', kint(k, 'ids_bytes') or 0),
             ('securityfs views (dentry + inode_cache; made on demand)',
              views))
    for what, v in parts:
        row('  breakdown: ' + what, fmt_bytes(v),
            '%.1f B/digest' % (v / nd), '')
    known = sum(v for _, v in parts)
    row('  breakdown: other (measured - accounted)', fmt_bytes(index - known),
        '%.1f B/digest' % ((index - known) / nd), '')


def cmd_table(d):
    r = read_kv(os.path.join(d, 'results'))
    rows = []
    smoke = r.get('smoke') == '1'

    def row(what, ours, base, ratio, target=''):
        rows.append((what, ours, base, ratio, target))

    def sec(title):
        # Also a note: a line of its own, outside the columns.
        rows.append((title,))

    def f(k, default=None):
        try:
            return float(r[k])
        except (KeyError, ValueError):
            return default

    def verdict(val, limit, le=True):
        # Tiny sizes measure fixed costs and noise, not the targets.
        if smoke:
            return 'not judged: smoke run'
        if val is None:
            return 'no figure'
        ok = val <= limit if le else val >= limit
        return 'met' if ok else 'MISSED'

    # 1. Loading
    sec('1. Load: one process (upload-lists) writes the path of every '
        'list, one write() each, on one open digest_list_add; no IMA rule')
    y2021 = {'full': (99100, 1423, 0.628), 'small': (5986, 1104, 0.062)}
    for s in ('full', 'small'):
        n, nl, t21 = y2021[s]
        t = f('load_%s_s' % s)
        if t is None or f('set_%s_digests' % s) is None:
            continue
        nd, nlists, size = f('set_%s_digests' % s), f('set_%s_lists' % s), \
            f('set_%s_bytes' % s)
        row('load %s set: %d digests, %d lists, %s' %
            (s, nd, nlists, fmt_bytes(size)),
            '%.3f s' % t, '%.3f s (2021)' % t21, '%.2f' % (t / t21))
        rate, rate21 = nd / t, n / t21
        row('  digests/s', '%.0f' % rate, '%.0f (2021)' % rate21,
            '%.3f' % (rate / rate21))
        dt = f('del_%s_s' % s)
        if dt is not None:
            row('  delete the same lists', '%.3f s' % dt, '', '')
        ts, tl = f('load_%s_shell_s' % s), f('shell_loop_%s_s' % s)
        if ts is not None:
            row('  the same with a bash loop (echo <path> > '
                'digest_list_add)', '%.3f s' % ts, '%.3f s (one open)' % t,
                '%.2f' % (ts / t), 'information')
        if tl is not None:
            row('    of which the loop alone (echo <path> > a tmpfs file)',
                '%.3f s' % tl, '', '', 'information')
    t = f('load_ima_s')
    if t is not None:
        row('load small set, lists measured+appraised (IMA, TPM)',
            '%.3f s' % t, '%.3f s (no IMA)' % f('load_small_s', 0),
            '%.2f' % (t / f('load_small_s', t)))

    g, h = f('ref_gzip_s'), f('host_ref_gzip_s')
    slow = None
    if g and h:
        slow = g / h
        row('CPU reference: gzip -1 of 16 MiB, guest vs host natively',
            '%.3f s' % g, '%.3f s (host)' % h, '%.1f' % slow)
    for s in ('full', 'small'):
        n, nl, t21 = y2021[s]
        t, nd = f('load_%s_s' % s), f('set_%s_digests' % s)
        if not t or nd is None:
            continue
        rate21 = n / t21
        if slow:
            rate = nd / t * slow
            row('  %s set digests/s, scaled by the guest slowdown' % s,
                '%.0f' % rate, '%.0f (2021)' % rate21,
                '%.2f' % (rate / rate21),
                '>= 2.00 (%s)' % verdict(rate / rate21, 2.0, le=False))
        else:
            row('  %s set digests/s, scaled by the guest slowdown' % s,
                'no host reference (make bench only)',
                '%.0f (2021)' % rate21, '',
                '>= 2.00 (%s)' % verdict(None, 2.0, le=False))
    sec('  (the scaled rate is a model: the gzip reference understates how '
        'much slower TCG makes syscalls and page-table work)')
    # t = a * lists + b * digests, from the two loads of this run (and of
    # 2021): the cost of a list and the cost of a digest.
    tf, ts = f('load_full_s'), f('load_small_s')
    lf, df = f('set_full_lists'), f('set_full_digests')
    ls_, ds = f('set_small_lists'), f('set_small_digests')

    def solve(tf, ts, lf, df, ls_, ds):
        det = lf * ds - ls_ * df
        if not det:
            return None
        return (tf * ds - ts * df) / det, (lf * ts - ls_ * tf) / det

    if None not in (tf, ts, lf, df, ls_, ds):
        ab = solve(tf, ts, lf, df, ls_, ds)
        ab21 = solve(0.628, 0.062, 1423, 99100, 1104, 5986)
        if ab:
            row('cost per list a (t = a * lists + b * digests, full and '
                'small set)', '%.1f us' % (ab[0] * 1e6),
                '%.1f us (2021)' % (ab21[0] * 1e6),
                '%.2f' % (ab[0] / ab21[0]), 'information')
            row('cost per digest b (same two equations)',
                '%.0f ns' % (ab[1] * 1e9), '%.0f ns (2021)' % (ab21[1] * 1e9),
                '%.2f' % (ab[1] / ab21[1]), 'information')
            sec('  (a and b: this guest, not scaled; 2021: its two loads '
                'solved alike)')

    # 2. Memory
    for s in ('full', 'small'):
        if not os.path.exists(os.path.join(d, 'after-%s.slab' % s)):
            continue
        m = mem_delta(d, 'before-%s' % s, 'after-%s' % s)
        k = read_kv(os.path.join(d, 'after-%s.dmem' % s))
        nd = f('set_%s_digests' % s)
        nl = f('set_%s_lists' % s)
        sec('2. Memory, %s set (%d digests in %d lists, duplicates '
            'included; %s occurrences; slab_nomerge)' %
            (s, nd, nl, k.get('occurrences', '?')))
        data = list_data(m, k)
        index = m['total'] - data
        # What DIGLIM holds by structure (ksize()): the measured delta can
        # be lower when the load reuses slab objects freed by an earlier
        # step; the verdicts take the larger of the two.
        acct = None
        if k:
            acct = sum(kint(k, x) or 0 for x in (
                'table_bytes', 'dup_bytes', 'list_struct_bytes',
                'ids_bytes'))
        if s == 'small':
            row('kernel memory gained: Slab + VmallocUsed (/proc/meminfo), '
                'lists included', fmt_bytes(m['total']),
                '764 KiB (2021: 208 + 556)',
                '%.2f' % (m['total'] / (764 * 1024)), 'information')
            if acct is not None:
                tot = max(m['total'], acct + data)
                row('  judged: the larger of the above and the list '
                    'bytes + index by structure (%s)' %
                    fmt_bytes(acct + data), fmt_bytes(tot),
                    '764 KiB (2021: 208 + 556)',
                    '%.2f' % (tot / (764 * 1024)),
                    '<= 764 KiB (%s)' % verdict(tot, 764 * 1024))
        else:
            row('kernel memory gained: Slab + VmallocUsed (/proc/meminfo), '
                'lists included', fmt_bytes(m['total']), '', '',
                'information')
        if any(v[1] for v in slabinfo(os.path.join(
                d, 'after-%s.slab' % s)).values()):
            row('  slab objects (/proc/slabinfo, all caches)',
                fmt_bytes(m['slab_objs']), '', '')
            row('  slab pages (/proc/slabinfo, all caches)',
                fmt_bytes(m['slab_pages']), '', '')
            row('  kmalloc > 8 KiB, page allocator (Slab - slab pages)',
                fmt_bytes(m['large_kmalloc']), '', '')
        else:
            row('  Slab (slab caches and kmalloc > 8 KiB; /proc/slabinfo '
                'is empty without CONFIG_SLUB_DEBUG)',
                fmt_bytes(m['meminfo_slab']), '', '')
        row('  vmalloc (VmallocUsed)', fmt_bytes(m['vmalloc']), '', '')
        top = sorted(((v, c) for c, v in m['vmalloc_by'].items() if v),
                     reverse=True)[:3]
        for v, c in top:
            row('    vmalloc by %s' % c, fmt_bytes(v), '', '')
        top = sorted(((v[1], c) for c, v in m['caches'].items() if v[1]),
                     reverse=True)[:6]
        for v, c in top:
            row('    slab cache %s (%+d objects)' % (c, m['caches'][c][2]),
                fmt_bytes(v), '', '')
        dlen = kint(k, 'data_len')
        if dlen is None:
            dlen = int(f('set_%s_bytes' % s, 0))
        lim = kint(k, 'data_limit_bytes')
        row('list bytes: memory holding them (data_bytes) / their size '
            '(data_len)', fmt_bytes(data), '%s (data_len)' % fmt_bytes(dlen),
            '%.2f' % (data / dlen) if dlen else '',
            '<= %s (%s)' %
            (fmt_bytes(lim) if lim is not None else '?',
             verdict(data if lim is not None else None, lim or 0)))
        sec('  (the target of data_bytes, data_limit_bytes: each list up to '
            '8 KiB in its kmalloc size class, no page rounding; each list '
            'beyond 8 KiB at its size plus at most one page)')
        if kint(k, 'data_vmalloc_bytes') is not None:
            row('  of which vmalloc (data_vmalloc_bytes)',
                fmt_bytes(kint(k, 'data_vmalloc_bytes')), '', '')
        row('  minus the stored list bytes (%s of lists)' % fmt_bytes(dlen),
            fmt_bytes(-data), '', '')
        if k:
            breakdown(row, m, k, nd, index)
        per = index / nd
        lim = 32 if s == 'full' else 64
        if acct is None:
            row('index memory per digest (measured, lists excluded)',
                '%.1f B' % per, '64 B (2021)', '%.2f' % (per / 64),
                '<= %d B (%s)' % (lim, verdict(per, lim)))
        else:
            row('index memory per digest, measured (lists excluded)',
                '%.1f B' % per, '64 B (2021)', '%.2f' % (per / 64),
                'information')
            row('index memory per digest, by structure (ksize)',
                '%.1f B' % (acct / nd), '64 B (2021)',
                '%.2f' % (acct / nd / 64), 'information')
            judged = max(per, acct / nd)
            row('index memory per digest, judged (the larger)',
                '%.1f B' % judged, '64 B (2021)', '%.2f' % (judged / 64),
                '<= %d B (%s)' % (lim, verdict(judged, lim)))
        if k:
            core = ((kint(k, 'table_bytes') or 0) +
                    (kint(k, 'dup_bytes') or 0)) / nd
            row('  of which index tables + duplicate nodes (ksize)',
                '%.1f B' % core, '64 B (2021)', '%.2f' % (core / 64),
                'information')

    # 3. Lookup
    sec('3. Lookup: diglim_store_lookup(), private store, random digests')
    hits = {}
    for e in (3, 5, 6, 7):
        h, mi = f('lookup_1e%d_hit_ns' % e), f('lookup_1e%d_miss_ns' % e)
        if h is None or mi is None:
            continue
        hits[e] = (h, mi)
        ref = hits.get(5)
        slots = r.get('lookup_1e%d_slots' % e)
        size = '%s slots, load %s' % (slots, r.get('lookup_1e%d_load' % e,
                                                   '?')) if slots else \
            '%s buckets' % r.get('lookup_1e%d_buckets' % e, '?')
        if e == 7:
            target = '<= 2 (%s)' % verdict(
                max(h / ref[0], mi / ref[1]) if ref else None, 2)
        elif e == 5:
            target = 'the reference of 10^7'
        else:
            target = 'information'
        row('10^%d digests (%s): hit / miss' % (e, size),
            '%.0f / %.0f ns' % (h, mi),
            '%.0f / %.0f ns (10^5)' % ref if ref and e > 5 else '',
            '%.2f / %.2f' % (h / ref[0], mi / ref[1])
            if ref and e > 5 else '', target)
        ml = f('lookup_1e%d_miss_lines' % e)
        if ml is not None:
            row("  miss: index cache lines read (expected, from the "
                "table's occupancy)", '%.3f' % ml,
                '1 line (ideal)', '%.2f' % ml,
                '<= 1.10 (%s)' % verdict(ml, 1.10))
        b = f('lookup_1e%d_build_ns' % e)
        if b is not None and e == 7:
            row('  index build at 10^7, per digest', '%.0f ns' % b, '', '',
                'information')
    if any(f('lookup_1e%d_miss_lines' % e) is not None for e in hits):
        sec('  (miss lines: 1 line unless the home bucket is full)')
    if hits and 7 not in hits:
        row('10^7 / 10^5: hit / miss', 'not run (sizes %s)' %
            ', '.join('10^%d' % e for e in sorted(hits)), '', '',
            '<= 2 (%s)' % verdict(None, 2))
    if 3 in hits and 7 in hits:
        row('10^7 / 10^3: hit / miss', '', '%.0f / %.0f ns (10^3)' % hits[3],
            '%.2f / %.2f' % (hits[7][0] / hits[3][0],
                             hits[7][1] / hits[3][1]), 'information')
        sec("  (10^7 / 10^3: information, not a target: under TCG the 10^3 "
            "probes run from caches and QEMU's soft TLB)")
    if not hits:
        row('lookup micro-benchmark', r.get('lookup_skip', 'not run'), '',
            '', '<= 2 (%s)' % verdict(None, 2))

    # 4. Deletion with duplicates
    sizes = r.get('dup_sizes', '').split()
    if sizes:
        sec('4. Deletion of list A while list B holds the same digest '
            '(each: one block, one digest N times)')
        tmo = f('dup_timeout_s', 600)

        def dtime(key):
            v = r.get(key)
            if v == 'timeout':
                late = f(key[:-2] + '_late_s')
                return None, 'timeout (> %.0f s%s)' % (
                    tmo, ', took %.1f s' % late if late is not None else '')
            v = f(key)
            return v, '%.3f s' % v if v is not None else 'not run'

        dels = {}
        for n in sizes:
            row('N = %s: add A (the digest N times)' % n,
                dtime('dup_add_a_%s_s' % n)[1], '', '')
            row('  add B (the same digest N times, modifiers 1)',
                dtime('dup_add_b_%s_s' % n)[1], '', '')
            dels[n] = dtime('dup_del_%s_s' % n)
            row('  delete A (B still holds the digest)', dels[n][1], '', '')
            row('  delete B', dtime('dup_del_b_%s_s' % n)[1], '', '')
            c = r.get('dup_%s_counts' % n)
            if c is not None:
                row('  File digests / lists: start, +A, +B, -A, -B', c,
                    '0/0,1/1,1/2,1/1,0/0', '',
                    'correct' if c == '0/0,1/1,1/2,1/1,0/0' else 'WRONG')
        if len(sizes) >= 2:
            n1, n2 = sizes[0], sizes[-1]
            (a, _), (b, _) = dels[n1], dels[n2]
            what = 'delete A: N = %s / N = %s' % (n2, n1)
            lin = '%.0f (linear)' % (float(n2) / float(n1))
            if smoke:
                row(what, '', lin, '%.2f' % (b / a) if a and b else '',
                    '<= 20 (%s)' % verdict(None, 20))
            elif r.get('dup_del_%s_s' % n1) == 'timeout' or \
                    r.get('dup_del_%s_s' % n2) == 'timeout':
                row(what, 'timeout', lin, '',
                    '<= 20 (MISSED: timed out after %.0f s)' % tmo)
            else:
                row(what, '', lin, '%.2f' % (b / a) if a and b else '',
                    '<= 20 (%s)' % verdict(b / a if a and b else None, 20))

    # 5. Workloads
    sec('5. IMA workloads: cat of %s files (%s) on tmpfs; floor and B: '
        'median of %s runs, interleaved' %
        (r.get('files', '?'), fmt_bytes(int(f('files_bytes', 0))),
         r.get('wl_reps', '1')))

    def runs(key):
        v = [r[k] for k in sorted((k for k in r if k.startswith(key + '_')
                                   and k[len(key) + 1:].isdigit()),
                                  key=lambda k: int(k[len(key) + 1:]))]
        if v:
            row('  runs', ', '.join('%.3f' % float(x) for x in v) + ' s',
                '', '')

    t0 = f('wl_noima_s')
    if t0 is not None:
        row('no IMA policy', '%.3f s' % t0, '0.155 s (2021)', '')
    fl = f('wl_floor_s')
    if fl is not None:
        row('hash-only floor: audit rule (IMA hashes the file, nothing '
            'else)', '%.3f s' % fl, '', '', 'the reference of B')
        runs('wl_floor_s')
        row('  log entries added by the floor', r.get('wl_floor_entries',
                                                      '?'), '', '')
    ma, mb = f('wl_measure_a_s'), f('wl_measure_b_s')
    if ma is not None:
        row('measurement A: measure every file (ima-sig, PCR 11)',
            '%.3f s' % ma, '8.273 s (2021)', '')
    if mb is not None:
        row('measurement B: use_diglim=allow, measured lists',
            '%.3f s' % mb, '%.3f s (floor)' % fl if fl else '',
            '%.3f' % (mb / fl) if fl else '',
            '<= 1.05 (%s)' % verdict(mb / fl if fl else None, 1.05))
        runs('wl_measure_b_s')
        if ma:
            row('  2021 target B/A (under TCG hashing dominates both sides)',
                '%.3f / %.3f s' % (mb, ma), '1.837 / 8.273 s = %.3f' %
                (1.837 / 8.273), '%.3f' % (mb / ma), '<= 0.15: information')
        row('  log entries added by A / by B',
            '%s / %s' % (r.get('wl_measure_a_entries', '?'),
                         r.get('wl_measure_b_entries', '?')), '', '')
    aa, ab = f('wl_appraise_a_s'), f('wl_appraise_b_s')
    if aa is not None:
        row('appraisal A: per-file RSA-2048 signatures (evmctl)',
            '%.3f s' % aa, '2.197 s (2021)', '')
    if ab is not None:
        row('appraisal B: use_diglim=allow, appraised lists',
            '%.3f s' % ab, '%.3f s (floor)' % fl if fl else '',
            '%.3f' % (ab / fl) if fl else '',
            '<= 1.05 (%s)' % verdict(ab / fl if fl else None, 1.05))
        runs('wl_appraise_b_s')
        if aa:
            row('  2021 target B/A (under TCG hashing dominates both sides)',
                '%.3f / %.3f s' % (ab, aa), '0.982 / 2.197 s = %.3f' %
                (0.982 / 2.197), '%.3f' % (ab / aa), '<= 0.35: information')
    if t0:
        for k, name in (('floor', 'hash-only floor'),
                        ('measure_b', 'measurement B'),
                        ('appraise_b', 'appraisal B')):
            v = f('wl_%s_s' % k)
            if v is not None:
                row('  %s over no IMA' % name, '%.3f s' % (v - t0),
                    '%.3f s (no IMA)' % t0, '%.2f' % (v / t0))

    # 6. Real scale
    if r.get('system_skip'):
        sec('6. Real scale: the lists of every installed package')
        row('skipped', r['system_skip'], '', '')
    elif f('system_lists') is not None:
        nl, nd, nu = f('system_lists'), f('system_digests'), \
            f('system_distinct')
        sec('6. Real scale: the lists of every installed Debian package '
            '(make system-lists, signed)')
        row('packages / lists', '%s / %d' % (r.get('system_packages', '?'),
                                             nl), '', '')
        row('digests in the lists / distinct (digests_count File: %s)' %
            r.get('system_digests_count', '?'), '%d / %d' % (nd, nu),
            '', '')
        row('  largest duplicate count (digest %s...)' %
            r.get('system_dup_max_digest', '?')[:16],
            r.get('system_dup_max', '?'),
            '%s digests in 2+ lists' % r.get('system_dup_digests', '?'), '')
        row('list bytes (with their appended signatures)',
            fmt_bytes(int(f('system_bytes', 0))), '', '')
        t, tf = f('load_system_s'), f('load_full_s')
        if t is not None:
            row('load, no IMA rule (one write per list, as in section 1)',
                '%.3f s' % t, '%.3f s (full set)' % tf if tf else '',
                '%.2f' % (t / tf) if tf else '')
            row('  digests/s', '%.0f' % (nd / t),
                '%.0f (full set)' % (f('set_full_digests') / tf)
                if tf else '',
                '%.3f' % (nd / t / (f('set_full_digests') / tf))
                if tf else '')
        dt = f('del_system_s')
        if dt is not None:
            row('  delete the same lists', '%.3f s' % dt, '', '')
        if os.path.exists(os.path.join(d, 'after-system.slab')):
            m = mem_delta(d, 'before-system', 'after-system')
            k = read_kv(os.path.join(d, 'after-system.dmem'))
            data = list_data(m, k)
            row('kernel memory gained: Slab + VmallocUsed (/proc/meminfo)',
                fmt_bytes(m['total']), '', '')
            row('  Slab', fmt_bytes(m['meminfo_slab']), '', '')
            row('  vmalloc (VmallocUsed: index tables, lists above 8 KiB)',
                fmt_bytes(m['vmalloc']), '', '')
            if kint(k, 'data_len') is not None:
                row('list bytes in memory (data_bytes) / their size, '
                    'signatures stripped (data_len)', fmt_bytes(data),
                    '%s (data_len)' % fmt_bytes(kint(k, 'data_len')),
                    '%.2f' % (data / kint(k, 'data_len')))
            index = m['total'] - data
            base = ''
            if os.path.exists(os.path.join(d, 'after-full.slab')):
                mf = mem_delta(d, 'before-full', 'after-full')
                kf = read_kv(os.path.join(d, 'after-full.dmem'))
                df = list_data(mf, kf)
                base = (mf['total'] - df) / f('set_full_digests')
            row('index memory (measured, lists excluded)',
                fmt_bytes(index), '', '')
            row('  per digest in the lists / per distinct digest',
                '%.1f / %.1f B' % (index / nd, index / nu),
                '%.1f B (full set)' % base if base else '',
                '%.2f' % (index / nd / base) if base else '')
            if k:
                # By structure (ksize()): independent of what the slab
                # caches kept from the synthetic sets loaded and deleted
                # before, which the load reuses (the measured delta can
                # then be below the sum: "other" is negative).
                breakdown(row, m, k, nd, index)
                acct = sum(kint(k, x) or 0 for x in (
                    'table_bytes', 'dup_bytes', 'list_struct_bytes',
                    'ids_bytes'))
                row('  by structure (ksize): per digest in the lists / per '
                    'distinct digest', '%.1f / %.1f B' % (acct / nd,
                                                         acct / nu),
                    '', '')
        ti = f('load_system_ima_s')
        if ti is not None:
            row('load, measured (PCR 11) + appraised (signature), actions 7 '
                'on %s' % r.get('system_actions7', '?'), '%.3f s' % ti,
                '%.3f s (no IMA)' % t if t else '',
                '%.2f' % (ti / t) if t else '')
            row('  log entries / bytes added by the load',
                '%s / %s' % (r.get('system_load_entries', '?'),
                             fmt_bytes(int(f('system_load_log_bytes', 0)))),
                '', '')
        if f('system_wl_a_entries') is not None:
            sec('6. Real scale, workload: the %s commands of '
                'system-workload, run once from copies of their %s files '
                '(programs + libraries)' %
                (r.get('system_workload_programs', '?'),
                 r.get('system_workload_files', '?')))
            ea, eb = f('system_wl_a_entries'), f('system_wl_b_entries')
            ba, bb = f('system_wl_a_log_bytes'), f('system_wl_b_log_bytes')
            row('log entries: use_diglim=allow / measure all',
                '%d / %d' % (eb, ea), '', '')
            row('log bytes (binary, sha256 bank): use_diglim=allow / '
                'measure all', '%s / %s' % (fmt_bytes(int(bb)),
                                            fmt_bytes(int(ba))), '', '')
            sa, sb = f('system_wl_a_s'), f('system_wl_b_s')
            if sa and sb:
                row('time: use_diglim=allow / measure all',
                    '%.3f / %.3f s' % (sb, sa), '', '%.3f' % (sb / sa))
            if f('system_log_total_entries') is not None:
                row('whole log at the end of the run (every step)',
                    '%d entries, %s' % (f('system_log_total_entries'),
                                        fmt_bytes(int(f(
                                            'system_log_total_bytes', 0)))),
                    '', '')

    w = [max(len(x[0]) for x in rows if len(x) > 1)]
    for i in range(1, 5):
        w.append(max([len(x[i]) for x in rows if len(x) > 1] +
                     [len(('this run', 'baseline', 'ratio', 'target')[i - 1])]))
    line = '  '.join('%%-%ds' % x for x in w)
    print(line % ('figure', 'this run', 'baseline', 'ratio', 'target'))
    print('  '.join('-' * x for x in w))
    for x in rows:
        if len(x) == 1:
            print(x[0])
        else:
            print(line % x)


def main():
    a = sys.argv[1:]
    if a[:1] == ['files'] and len(a) == 4:
        cmd_files(a[1], int(a[2]), int(a[3]))
    elif a[:1] == ['lists'] and len(a) in (6, 7):
        cmd_lists(a[1], a[2], int(a[3]), int(a[4]), int(a[5]),
                  a[6] if len(a) == 7 else None)
    elif a[:1] == ['duplist'] and len(a) == 4:
        cmd_duplist(a[1], int(a[2]), int(a[3]))
    elif a[:1] == ['scan'] and len(a) == 2:
        cmd_scan(a[1])
    elif a[:1] == ['table'] and len(a) == 2:
        cmd_table(a[1])
    else:
        sys.stderr.write(__doc__ if __doc__ else 'usage: see the header\n')
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
