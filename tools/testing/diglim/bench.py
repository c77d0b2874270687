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


def cmd_table(d):
    r = read_kv(os.path.join(d, 'results'))
    rows = []

    def row(what, ours, base, ratio, target=''):
        rows.append((what, ours, base, ratio, target))

    def sec(title):
        rows.append((title,))

    def f(k, default=None):
        try:
            return float(r[k])
        except (KeyError, ValueError):
            return default

    def verdict(val, limit, le=True):
        # Tiny sizes measure fixed costs and noise, not the targets.
        if val is None or r.get('smoke') == '1':
            return 'not judged: smoke run' if val is not None else ''
        ok = val <= limit if le else val >= limit
        return 'met' if ok else 'MISSED'

    # 1. Loading
    sec('1. Load (echo <path> > digest_list_add, every list)')
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
    t = f('load_ima_s')
    if t is not None:
        row('load small set, lists measured+appraised (IMA, TPM)',
            '%.3f s' % t, '%.3f s (no IMA)' % f('load_small_s', 0),
            '%.2f' % (t / f('load_small_s', t)))

    g, h = f('ref_gzip_s'), f('host_ref_gzip_s')
    if g and h:
        slow = g / h
        row('CPU reference: gzip -1 of 16 MiB, guest vs host natively',
            '%.3f s' % g, '%.3f s (host)' % h, '%.1f' % slow)
        t, nd = f('load_full_s'), f('set_full_digests')
        if t:
            rate = nd / t * slow
            row('  full set digests/s, scaled by the guest slowdown',
                '%.0f' % rate, '%.0f (2021)' % (99100 / 0.628),
                '%.2f' % (rate / (99100 / 0.628)),
                '>= 2.00 (%s)' % verdict(rate / (99100 / 0.628), 2.0,
                                         le=False))

    # 2. Memory
    for s in ('full', 'small'):
        if not os.path.exists(os.path.join(d, 'after-%s.slab' % s)):
            continue
        m = mem_delta(d, 'before-%s' % s, 'after-%s' % s)
        k = read_kv(os.path.join(d, 'after-%s.dmem' % s))
        nd = f('set_%s_digests' % s)
        nl = f('set_%s_lists' % s)
        sec('2. Index memory, %s set (%d digests, %d lists; slab_nomerge)' %
            (s, nd, nl))
        data = int(k['data_bytes']) if 'data_bytes' in k else \
            m['vmalloc_by'].get('kernel_read_file', 0)
        index = m['total'] - data
        row('kernel memory gained: Slab + VmallocUsed (/proc/meminfo)',
            fmt_bytes(m['total']), '', '')
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
        row('  minus the stored list bytes (%s of lists)' %
            fmt_bytes(int(k.get('data_len', f('set_%s_bytes' % s, 0)))),
            fmt_bytes(-data), '', '')
        views = sum(m['caches'].get(c, (0, 0, 0))[1]
                    for c in ('dentry', 'inode_cache'))
        if k:
            known = int(k['entries_bytes']) + int(k['buckets_bytes']) + \
                int(k['list_structs_bytes']) + int(k['names_bytes'])
            row('  breakdown: entries (%s x %s B)' %
                (k['entries'], k['entry_size']),
                fmt_bytes(int(k['entries_bytes'])),
                '%.1f B/digest' % (int(k['entries_bytes']) / nd), '')
            row('  breakdown: hash buckets (%s)' % k['buckets'],
                fmt_bytes(int(k['buckets_bytes'])),
                '%.1f B/digest' % (int(k['buckets_bytes']) / nd), '')
            row('  breakdown: struct diglim_list + name',
                fmt_bytes(int(k['list_structs_bytes']) +
                          int(k['names_bytes'])),
                '%.1f B/digest' % ((int(k['list_structs_bytes']) +
                                    int(k['names_bytes'])) / nd), '')
            row('  breakdown: securityfs views (dentry + inode_cache)',
                fmt_bytes(views), '%.1f B/digest' % (views / nd), '')
            row('  breakdown: other (measured - accounted)',
                fmt_bytes(index - known - views),
                '%.1f B/digest' % ((index - known - views) / nd), '')
        per = index / nd
        row('index memory per digest (measured, lists excluded)',
            '%.1f B' % per, '64 B (2021)', '%.2f' % (per / 64),
            '<= 32 B (%s)' % verdict(per, 32))
        if k:
            core = (int(k['entries_bytes']) + int(k['buckets_bytes'])) / nd
            row('  of which entries + hash buckets', '%.1f B' % core,
                '64 B (2021)', '%.2f' % (core / 64),
                '<= 32 B (%s)' % verdict(core, 32))

    # 3. Lookup
    sec('3. Lookup: diglim_store_lookup(), private store, random digests')
    hits = {}
    for e in (3, 5, 6, 7):
        h, mi = f('lookup_1e%d_hit_ns' % e), f('lookup_1e%d_miss_ns' % e)
        if h is None:
            continue
        hits[e] = (h, mi)
        row('10^%d digests (%s buckets): hit / miss' %
            (e, r.get('lookup_1e%d_buckets' % e, '?')),
            '%.0f / %.0f ns' % (h, mi),
            '%.0f / %.0f ns (10^3)' % hits.get(3, (h, mi)),
            '%.2f / %.2f' % (h / hits.get(3, (h, mi))[0],
                             mi / hits.get(3, (h, mi))[1]),
            '<= 2 (%s)' % verdict(max(h / hits[3][0], mi / hits[3][1]), 2)
            if e == 7 and 3 in hits else '')
        b = f('lookup_1e%d_build_ns' % e)
        if b is not None and e == 7:
            row('  index build at 10^7, per digest', '%.0f ns' % b, '', '')
    if not hits:
        row('lookup micro-benchmark', r.get('lookup_skip', 'not run'), '',
            '')

    # 4. Workloads
    sec('4. IMA workloads: cat of %s files (%s) on tmpfs' %
        (r.get('files', '?'), fmt_bytes(int(f('files_bytes', 0)))))
    t0 = f('wl_noima_s')
    if t0 is not None:
        row('no IMA policy', '%.3f s' % t0, '0.155 s (2021)', '')
    ma, mb = f('wl_measure_a_s'), f('wl_measure_b_s')
    if ma is not None and mb is not None:
        row('measurement A: measure every file (ima-sig, PCR 11)',
            '%.3f s' % ma, '8.273 s (2021)', '')
        row('measurement B: use_diglim=allow, measured lists',
            '%.3f s' % mb, '%.3f s (A)' % ma, '%.3f' % (mb / ma),
            '<= 0.15 (%s)' % verdict(mb / ma, 0.15))
        row('  2021: B/A', '', '1.837 / 8.273 s', '%.3f' % (1.837 / 8.273))
        row('  log entries added by A / by B',
            '%s / %s' % (r.get('wl_measure_a_entries', '?'),
                         r.get('wl_measure_b_entries', '?')), '', '')
    aa, ab = f('wl_appraise_a_s'), f('wl_appraise_b_s')
    if aa is not None and ab is not None:
        row('appraisal A: per-file RSA-2048 signatures (evmctl)',
            '%.3f s' % aa, '2.197 s (2021)', '')
        row('appraisal B: use_diglim=allow, appraised lists',
            '%.3f s' % ab, '%.3f s (A)' % aa, '%.3f' % (ab / aa),
            '<= 0.35 (%s)' % verdict(ab / aa, 0.35))
        row('  2021: B/A', '', '0.982 / 2.197 s', '%.3f' % (0.982 / 2.197))
    if t0:
        for k, name in (('measure_b', 'measurement B'),
                        ('appraise_b', 'appraisal B')):
            v = f('wl_%s_s' % k)
            if v is not None:
                row('  %s over no IMA' % name, '%.3f s' % (v - t0),
                    '%.3f s (no IMA)' % t0, '%.2f' % (v / t0))

    # 5. Real scale
    if r.get('system_skip'):
        sec('5. Real scale: the lists of every installed package')
        row('skipped', r['system_skip'], '', '')
    elif f('system_lists') is not None:
        nl, nd, nu = f('system_lists'), f('system_digests'), \
            f('system_distinct')
        sec('5. Real scale: the lists of every installed Debian package '
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
            row('load, no IMA rule (echo <path> > digest_list_add)',
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
            data = int(k['data_bytes']) if 'data_bytes' in k else \
                m['vmalloc_by'].get('kernel_read_file', 0)
            row('kernel memory gained: Slab + VmallocUsed (/proc/meminfo)',
                fmt_bytes(m['total']), '', '')
            row('  Slab', fmt_bytes(m['meminfo_slab']), '', '')
            row('  vmalloc (VmallocUsed; the list bytes, page-rounded)',
                fmt_bytes(m['vmalloc']), '', '')
            index = m['total'] - data
            base = ''
            if os.path.exists(os.path.join(d, 'after-full.slab')):
                mf = mem_delta(d, 'before-full', 'after-full')
                kf = read_kv(os.path.join(d, 'after-full.dmem'))
                df = int(kf['data_bytes']) if 'data_bytes' in kf else \
                    mf['vmalloc_by'].get('kernel_read_file', 0)
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
                views = sum(m['caches'].get(c, (0, 0, 0))[1]
                            for c in ('dentry', 'inode_cache'))
                parts = (('entries (%s x %s B, one per digest of each '
                          'list)' % (k['entries'], k['entry_size']),
                          int(k['entries_bytes'])),
                         ('hash buckets (%s)' % k['buckets'],
                          int(k['buckets_bytes'])),
                         ('struct diglim_list + name',
                          int(k['list_structs_bytes']) +
                          int(k['names_bytes'])),
                         ('securityfs views (dentry + inode_cache)', views))
                for what, v in parts:
                    row('  breakdown: ' + what, fmt_bytes(v),
                        '%.1f B/digest' % (v / nd), '')
                known = sum(v for _, v in parts)
                row('  breakdown: other (measured - accounted)',
                    fmt_bytes(index - known),
                    '%.1f B/digest' % ((index - known) / nd), '')
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
            sec('5. Real scale, workload: the %s commands of '
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
