#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# DIGLIM - check reStructuredText the way the kernel's Sphinx build would,
# without Sphinx: parse with docutils (every warning counts), and check what
# Sphinx resolves itself: :doc: and :ref: targets, toctree entries, every
# document in some toctree, and each kernel-doc directive run through
# scripts/kernel-doc with the options Sphinx's kerneldoc extension passes.
#
#   rstcheck.py --ktree DIR [--kernel-doc SCRIPT] [--toctree-root RST]...
#               [--generated NAME:PATH]... FILE...
#
# FILEs are paths relative to the current directory, which must be the root
# of a tree laid out like the kernel's (the DIGLIM repository is). DIR is a
# kernel tree: targets that are not in the current tree are looked up there.
# --generated parses PATH as if it were NAME (rst generated elsewhere, e.g.
# by get_abi.pl; no toctree or reference checks). --toctree-root names documents
# that the kernel tree's own toctrees include (Documentation/security/
# diglim/index.rst, say), whose toctree is then checked to include every
# other FILE of its directory. Prints one line per problem and exits 1 if
# there is any.

import argparse
import glob
import io
import os
import re
import subprocess
import sys

try:
    import docutils.core
    import docutils.nodes
    from docutils.parsers.rst import Directive, directives, roles
except ImportError:
    print('rstcheck: python3-docutils is not installed (make deps)',
          file=sys.stderr)
    sys.exit(2)

# Debian 12's Sphinx: kernel-doc adapts its C-domain output to the version.
SPHINX = '5.3.0'

problems = []
refs = []        # (file, line, role, target)
toctrees = {}    # file -> [entries]
kerneldocs = []  # (file, line, argument, options)
current = {'file': None}
generated = []   # paths of the --generated rst: their labels count


def problem(path, line, msg):
    problems.append(f'{path}:{line or "?"}: {msg}')


class Recorder(Directive):
    """A Sphinx directive docutils does not know: accept, maybe record."""
    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = None

    def run(self):
        return []


class AnyOptions(dict):
    """Accepts every option (docutils skips option parsing if empty)."""
    def __missing__(self, key):
        return directives.unchanged

    def __bool__(self):
        return True


class TocTree(Recorder):
    option_spec = AnyOptions()

    def run(self):
        entries = []
        for line in self.content:
            line = line.strip()
            if not line:
                continue
            m = re.match(r'^.*<(.+)>$', line)
            entries.append((self.lineno, m.group(1) if m else line))
        toctrees.setdefault(current['file'], []).extend(entries)
        return []


class KernelDoc(Recorder):
    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = False
    has_content = False
    option_spec = AnyOptions()

    def run(self):
        kerneldocs.append((current['file'], self.lineno, self.arguments[0],
                           dict(self.options)))
        return []


class CFunction(Recorder):
    """A Sphinx C-domain or similar directive: its body is still rst."""
    option_spec = AnyOptions()

    def run(self):
        node = docutils.nodes.container()
        if self.content:
            self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


def xref_role(name, rawtext, text, lineno, inliner, options=None,
              content=None):
    m = re.match(r'^(.*?)\s*<(.+)>$', text, re.S)
    target = m.group(2) if m else text
    refs.append((current['file'], lineno, name, target.strip()))
    return [docutils.nodes.literal(rawtext, text)], []


def register():
    for name in ('toctree',):
        directives.register_directive(name, TocTree)
    directives.register_directive('kernel-doc', KernelDoc)
    for name in ('only', 'tabularcolumns', 'kernel-abi', 'kernel-feat',
                 'kernel-include', 'index', 'highlight', 'c:function',
                 'c:type', 'c:macro', 'c:struct', 'c:union', 'c:enum',
                 'c:enumerator', 'c:member', 'c:var', 'c:namespace',
                 'c:namespace-push', 'c:namespace-pop', 'seealso',
                 'versionadded', 'versionchanged', 'deprecated'):
        directives.register_directive(name, CFunction)
    for name in ('ref', 'doc', 'c:func', 'c:type', 'c:macro', 'c:data',
                 'c:member', 'c:expr', 'c:struct', 'c:union', 'c:enum',
                 'c:enumerator', 'c:var', 'manpage', 'abbr', 'command',
                 'file', 'envvar', 'kbd', 'program', 'samp', 'term'):
        roles.register_local_role(name, xref_role)


def parse(path, text, linemap=None, suffix=''):
    """Parses @text as document @path; @linemap maps its lines to @path's."""
    current['file'] = path
    stream = io.StringIO()
    settings = {
        'report_level': 2,          # warnings and above
        'halt_level': 5,            # never stop
        'warning_stream': stream,
        'file_insertion_enabled': False,
        'raw_enabled': False,
        'input_encoding': 'utf-8',
    }
    docutils.core.publish_doctree(text, source_path=path,
                                  settings_overrides=settings)
    for line in stream.getvalue().splitlines():
        m = re.match(r'^(.*?):(\d+): (\(\w+/\d\).*)$', line)
        if m and m.group(1) == path:
            n = int(m.group(2))
            if linemap:
                n = linemap[min(n, len(linemap)) - 1]
            problems.append(f'{path}:{n}: {m.group(3)}{suffix}')
        elif line.startswith(path):
            problems.append(line + suffix)
        elif problems and line.strip():
            problems[-1] += ' ' + line.strip()
        elif line.strip():
            problems.append(f'{path}: {line}{suffix}')


def strip_lineno(text):
    """Eats kernel-doc's ".. LINENO n" lines as kerneldoc.py does, and
    returns the text and, for each line left, its line in the source."""
    lines, linemap, src = [], [], 0
    for line in text.split('\n'):
        m = re.match(r'^\.\. LINENO ([0-9]+)$', line)
        if m:
            src = int(m.group(1))
            continue
        lines.append(line)
        linemap.append(src)
        src += 1
    return '\n'.join(lines), linemap


def labels_in(paths):
    found = set()
    for p in paths:
        try:
            with open(p, errors='replace') as f:
                for line in f:
                    m = re.match(r'^\.\.\s+_([^:]+):\s*$', line)
                    if m:
                        found.add(m.group(1).strip().lower())
        except OSError:
            pass
    return found


def doc_exists(name, ktree):
    for root in ('.', ktree):
        if os.path.isfile(os.path.join(root, name + '.rst')):
            return True
    return False


def resolve_doc(src, target):
    """Sphinx :doc: and toctree semantics: absolute from Documentation/."""
    if target.startswith('/'):
        return os.path.normpath('Documentation' + target)
    return os.path.normpath(os.path.join(os.path.dirname(src), target))


def check_refs(files, ktree):
    own = labels_in(files + generated)
    kernel = None
    for src, line, role, target in refs:
        if role == 'doc':
            if not doc_exists(resolve_doc(src, target), ktree):
                problem(src, line, f'unknown document :doc:`{target}`')
        elif role == 'ref':
            label = target.lower()
            if label in own:
                continue
            if kernel is None:
                out = subprocess.run(
                    ['grep', '-rhoE', r'^\.\.\s+_[^:]+:\s*$',
                     '--include=*.rst', os.path.join(ktree, 'Documentation')],
                    capture_output=True, text=True).stdout
                kernel = {re.sub(r'^\.\.\s+_|:\s*$', '', s).strip().lower()
                          for s in out.splitlines()}
            if label not in kernel:
                problem(src, line, f'undefined label :ref:`{target}`')


def check_toctrees(files, ktree, roots):
    included = set()
    for src, entries in toctrees.items():
        for line, entry in entries:
            if entry == 'self' or re.match(r'^[a-z]+://', entry):
                continue
            doc = resolve_doc(src, entry)
            if not doc_exists(doc, ktree):
                problem(src, line, f'toctree names a missing document {entry}')
            included.add(doc)
    for f in files:
        doc = os.path.normpath(f[:-4]) if f.endswith('.rst') else None
        if not doc or doc in included:
            continue
        if f in roots:
            continue
        problem(f, 1, "document isn't included in any toctree")


def kernel_doc_cmd(script, arg, options):
    """The command Sphinx's kerneldoc.py runs for a kernel-doc directive."""
    cmd = [script, '-rst', '-enable-lineno', '-sphinx-version', SPHINX]
    export_files = []
    if 'functions' in options:
        options['identifiers'] = options['functions']
    if 'export' in options:
        cmd += ['-export']
        export_files = (options['export'] or '').split()
    elif 'internal' in options:
        cmd += ['-internal']
        export_files = (options['internal'] or '').split()
    elif 'doc' in options:
        cmd += ['-function', options['doc'] or '']
    elif 'identifiers' in options:
        names = (options['identifiers'] or '').split()
        for n in names:
            cmd += ['-function', n]
        if not names:
            cmd += ['-no-doc-sections']
    for n in (options.get('no-identifiers') or '').split():
        cmd += ['-nosymbol', n]
    for pattern in export_files:
        for f in sorted(glob.glob(pattern)):
            cmd += ['-export-file', f]
    return cmd + [arg]


def c_declarations(text):
    """The names kernel-doc's output declares in Sphinx's C domain."""
    names = []
    for m in re.finditer(r'^\.\. c:(function|macro|struct|union|enum|type|'
                         r'var)::\s*(.*)$', text, re.M):
        decl = m.group(2)
        if m.group(1) in ('function', 'macro'):
            decl = decl.split('(')[0]
        words = re.findall(r'[A-Za-z_]\w*', decl)
        if words:
            names.append((m.group(1), words[-1]))
    return names


def check_kerneldocs(script):
    declared = {}
    for src, line, arg, options in kerneldocs:
        if not os.path.isfile(arg):
            problem(src, line, f'kernel-doc:: {arg}: no such file')
            continue
        r = subprocess.run(kernel_doc_cmd(script, arg, options),
                           capture_output=True, text=True)
        for w in r.stderr.splitlines():
            problem(src, line, f'kernel-doc:: {arg}: {w}')
        if r.returncode and not r.stderr:
            problem(src, line, f'kernel-doc:: {arg}: exit status {r.returncode}')
        if not r.stdout.strip():
            problem(src, line, f'kernel-doc:: {arg} {options}: produces nothing')
            continue
        # What Sphinx then parses: the comments' text is rst too.
        text, linemap = strip_lineno(r.stdout)
        parse(arg, text, linemap,
              f' [kernel-doc:: at {src}:{line}]')
        # Sphinx: "Duplicate C declaration".
        for kind, name in c_declarations(text):
            if (kind, name) in declared:
                problem(src, line, f'kernel-doc:: {arg}: {kind} {name} '
                        f'already declared at {declared[(kind, name)]}')
            else:
                declared[(kind, name)] = f'{src}:{line}'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ktree', required=True)
    ap.add_argument('--kernel-doc')
    ap.add_argument('--toctree-root', action='append', default=[])
    ap.add_argument('--generated', action='append', default=[],
                    metavar='NAME:PATH')
    ap.add_argument('files', nargs='*')
    args = ap.parse_args()
    register()
    for g in args.generated:
        name, _, path = g.partition(':')
        with open(path, errors='replace') as f:
            parse(name, f.read())
        generated.append(path)
    files = []
    for path in args.files:
        with open(path, errors='replace') as f:
            parse(path, f.read())
        files.append(os.path.normpath(path))
    check_refs(files, args.ktree)
    check_toctrees(files, args.ktree,
                   [os.path.normpath(r) for r in args.toctree_root])
    if args.kernel_doc:
        check_kerneldocs(args.kernel_doc)
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == '__main__':
    main()
