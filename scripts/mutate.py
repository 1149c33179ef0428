#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Mutation testing of the fast paths (make mutate; scripts/mutate.sh).

    mutate.py list   [--files F,...] [--limit N] [--seed N] [--all]
    mutate.py show   ID
    mutate.py run    --workers DIR,... --out FILE [--files ...] [--limit N] [--seed N]
    mutate.py report --results FILE --out DIR

'list' prints the mutants of the files, one a line (file:line operator id
and the changed line); 'show' prints one as a diff.  'run' tests them in
the worker directories that scripts/mutate.sh prepared (a copy of
build/linux each, with its own KUnit build directory, and a user-space
fuzz build of the core), one thread a worker, and writes every result as
one JSON line to --out as it comes.  'report' turns those results into
mutate.md and mutate.json.

The mutants are made from the C source by a small lexer: comments,
string and character literals and preprocessor lines (with their
continuations) are blanked first, so that only code is mutated, and only
inside function bodies.  The operators:

    stmt-del    an expression statement that is a call or an assignment
                (not a declaration, return, goto, a compile-time or
                run-time assertion, nor logging: pr_*, printk, trace_*,
                whose loss no test reads) becomes the empty statement ';'
    lock-drop   a lock call (spin_lock*, raw_spin_lock*, local_lock*,
                mutex_lock) is deleted, its unlock kept; unlock calls are
                not deleted on their own
    hook-drop   a call to slab_hook_*, kasan_*, kmemleak_*, memset,
                sf_add_partial, sf_remove_partial, list_add*, list_del*
                is deleted (also as the value of an assignment)
    cmp-flip    == <-> !=, < <-> >=, > <-> <=
    cmp-bound   < <-> <=, > <-> >=
    cond-neg    if (x) -> if (!(x))
    const       an integer literal 0 <-> 1
    plus-one    a '+ 1' or '- 1' removed

A mutant is tested in the order that costs least: a file of the fuzz
build (slabifier.c, slabifier.h, derive_debug.c) is first compiled in
user space and fuzzed from the seeds with a fixed seed (a sanitizer or
invariant finding, a crash or a timeout kills it); then the worker's UML
KUnit kernel is rebuilt incrementally, and if the objects below mm/ come
out as those of the unmutated kernel the mutant is "same code" (an empty
stub in these configurations; not run, not scored); else the suites run,
and a failed or crashed case, a kernel report (WARNING, BUG) that the
unmutated kernel does not print, or a timeout kills it.  A mutant that
UML leaves alive (or that UML builds to the same code) goes on to an
x86_64 KUnit kernel under QEMU, with the ZONE_DMA, NUMA and SMP that UML
lacks, and is judged there the same way.

Each mutant has a stable id, a hash of the file, the operator, the text
of the changed line and the change (and which of several identical ones
it is), so that it survives edits elsewhere in the file; the equivalent
mutants (tools/testing/modslab/mutants-equivalent.txt) are listed by it.
The set is sorted by file, line, column and operator; --limit takes a
sample of N a file, chosen by --seed, from it.
"""

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = 'kernel/mm/allocators'
EQUIVALENT = 'tools/testing/modslab/mutants-equivalent.txt'
# Survivors that no test of these stages can kill, and why (still counted
# as survived): the same format as EQUIVALENT.
UNKILLED = 'tools/testing/modslab/mutants-unkilled.txt'

# The files, in report order, and how a mutant of each is tested: the
# KUnit configuration (configs/kunit-NAME.config) whose suites exercise
# it, and whether the user-space fuzz build of the core compiles it
# (tools/testing/modslab/Makefile: allocator.c, page.c, slabifier.c and
# the derivers; slabifier.h through slabifier.c).  The slabifier and the
# debug deriver are built by both KUnit configurations, but only MODSLAB
# runs the kmem_cache API and kmalloc on them (slabifier.h's fast paths
# inline in slabulator_objects.h), and its suites are a superset of the
# SLUB kernel's framework suites; slab_hooks.h, slabulator_objects.h and
# kmalloc.c are built only under MODSLAB (Makefile: ifdef CONFIG_MODSLAB).
#
# Every file also has paths that UML cannot build (ZONE_DMA and its caches
# made on demand, NUMA nodes, two CPUs, hardened usercopy): a mutant that
# the UML suites leave alive, or that leaves UML's objects as they were,
# is built a second time into an x86_64 KUnit kernel ('x86') and its
# suites run under QEMU.
X86 = 'modslab-x86_64'
FILES = {
    'slabifier.h': {'kconfig': 'modslab', 'fuzz': True, 'x86': X86},
    'slabifier.c': {'kconfig': 'modslab', 'fuzz': True, 'x86': X86},
    'slab_hooks.h': {'kconfig': 'modslab', 'fuzz': False, 'x86': X86},
    'slabulator_objects.h': {'kconfig': 'modslab', 'fuzz': False,
                             'x86': X86},
    'kmalloc.c': {'kconfig': 'modslab', 'fuzz': False, 'x86': X86},
    'derive_debug.c': {'kconfig': 'modslab', 'fuzz': True, 'x86': X86},
}

# The KUnit kernels: architecture, configuration fragments (configs/),
# kernel arguments and QEMU arguments.  The MODSLAB kernels are tested
# with init_on_free=1, as scripts/kunit.sh does (the free hooks write to
# the object then, which is what the checks before them protect).
STAGES = {
    'modslab': {'arch': 'um', 'configs': ['kunit-modslab'],
                'args': ['init_on_free=1'], 'qemu': ''},
    'slub': {'arch': 'um', 'configs': ['kunit-slub'], 'args': [],
             'qemu': ''},
    # Allocation profiling off, as in the distribution profile (UML runs
    # the profiling cases)
    'modslab-x86_64': {'arch': 'x86_64',
                       'configs': ['kunit-modslab', 'kunit-x86_64',
                                   'kunit-mutate-x86_64'],
                       'args': ['init_on_free=1', 'numa=fake=2',
                                'sysctl.vm.mem_profiling=0'],
                       'qemu': '-smp 2 -m 1024'},
}

LOCK_CALL = re.compile(r'^(raw_spin_lock|spin_lock|local_lock|mutex_lock)'
                       r'(?!_init)\w*$')
UNLOCK_CALL = re.compile(r'^(raw_spin_unlock|spin_unlock|local_unlock|'
                         r'mutex_unlock)\w*$')
HOOK_CALL = re.compile(r'^(slab_hook_\w+|kasan_\w+|kmemleak_\w+|memset|'
                       r'sf_add_partial|sf_remove_partial|list_add\w*|'
                       r'list_del\w*)$')
# Calls that are no statement to delete: checks, compile-time or not, and
# macros that declare.
NOT_A_STATEMENT = re.compile(r'^(static_assert|BUILD_BUG_ON\w*|BUG_ON|'
                             r'VM_BUG_ON\w*|VM_WARN_ON\w*|WARN\w*|'
                             r'lockdep_assert\w*|DEFINE_\w+|DECLARE_\w+|'
                             r'LIST_HEAD|'
                             r'pr_\w+|printk\w*|dump_stack|print_hex_dump\w*|'
                             r'trace_\w+)$')
KEYWORDS = {'return', 'goto', 'break', 'continue', 'if', 'else', 'for',
            'while', 'do', 'switch', 'case', 'default', 'sizeof'}
TYPE_WORDS = {'struct', 'union', 'enum', 'const', 'static', 'unsigned',
              'signed', 'int', 'long', 'short', 'char', 'bool', 'void',
              'volatile', 'register', 'extern', 'typeof', '__typeof__',
              'auto', 'float', 'double'}
OPS = ['stmt-del', 'lock-drop', 'hook-drop', 'cmp-flip', 'cmp-bound',
       'cond-neg', 'const', 'plus-one']
CMP_FLIP = {'==': '!=', '!=': '==', '<': '>=', '>=': '<', '>': '<=',
            '<=': '>'}
CMP_BOUND = {'<': '<=', '<=': '<', '>': '>=', '>=': '>'}


# ---------------------------------------------------------------- lexing

def mask_code(text):
    """TEXT with comments, literals and preprocessor lines blanked.

    The result has the length of TEXT and its newlines, so that offsets
    and line numbers are those of TEXT; what is not code is spaces.
    """
    out = list(text)
    n = len(text)
    i = 0
    line_start = True
    while i < n:
        c = text[i]
        if line_start and c in ' \t':
            i += 1
            continue
        if line_start and c == '#':
            # A preprocessor line, with its backslash continuations.
            while i < n:
                if text[i] == '\n':
                    if i > 0 and text[i - 1] == '\\':
                        i += 1
                        continue
                    break
                out[i] = ' '
                i += 1
            continue
        line_start = False
        if c == '\n':
            line_start = True
            i += 1
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                if out[k] != '\n':
                    out[k] = ' '
            i = j
        elif text.startswith('//', i):
            while i < n and text[i] != '\n':
                out[i] = ' '
                i += 1
        elif c in '"\'':
            # Keep the quotes (a string is an operand), blank what is in.
            j = i + 1
            while j < n and text[j] != c:
                if text[j] == '\\':
                    out[j] = ' '
                    j += 1
                if j < n and text[j] != '\n':
                    out[j] = ' '
                j += 1
            i = j + 1
        else:
            i += 1
    return ''.join(out)


def match_paren(code, i):
    """Offset of the parenthesis closing the one at I, or -1."""
    depth = 0
    for j in range(i, len(code)):
        if code[j] == '(':
            depth += 1
        elif code[j] == ')':
            depth -= 1
            if depth == 0:
                return j
    return -1


def body_ranges(code):
    """Function bodies: (start, end) offsets inside their outer braces,
    and the statements found in them: (start, end) of the text before
    each ';' of block level, end at the ';'.
    """
    bodies = []
    statements = []
    stack = []          # kinds of the open braces: 'func', 'block', 'other'
    depth = 0           # parentheses
    stmt_start = 0
    i = 0
    n = len(code)
    while i < n:
        c = code[i]
        if c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
        elif c == '{' and depth == 0:
            prev = code[:i].rstrip()
            last = prev[-1:] if prev else ''
            word = re.search(r'(\w+)\s*$', prev)
            in_func = any(k == 'func' for k in stack)
            if not stack and last == ')':
                kind = 'func'
                bodies.append([i + 1, None])
            elif in_func and stack[-1] != 'other' and \
                    (last in (')', ';', '{', '}', ':') or
                     (word and word.group(1) in ('else', 'do'))):
                kind = 'block'
            else:
                kind = 'other'
            stack.append(kind)
            stmt_start = i + 1
        elif c == '}' and depth == 0:
            kind = stack.pop() if stack else 'other'
            if kind == 'func':
                bodies[-1][1] = i
            stmt_start = i + 1
        elif c == ';' and depth == 0:
            if stack and stack[-1] == 'block' or stack and stack[-1] == 'func':
                statements.append((stmt_start, i))
            stmt_start = i + 1
        i += 1
    return [tuple(b) for b in bodies if b[1] is not None], statements


HEADER = re.compile(r'(if|for|while|switch|\w*for_each\w*)\s*\(')


def strip_prefixes(code, s, e):
    """Offset where the statement in CODE[S:E] begins, past labels,
    'else' and the headers of braceless if/for/while/for_each bodies."""
    while True:
        while s < e and code[s].isspace():
            s += 1
        rest = code[s:e]
        m = re.match(r'else\b', rest)
        if m:
            s += m.end()
            continue
        m = re.match(r'(case\b[^:]*|default\s*|[A-Za-z_]\w*\s*):(?!:)', rest)
        if m and not re.match(r'\w+\s*:\s*$', rest):
            s += m.end()
            continue
        m = HEADER.match(rest)
        if m:
            close = match_paren(code, s + m.end() - 1)
            if 0 <= close < e:
                s = close + 1
                continue
        return s


def top_level(expr):
    """EXPR with everything inside parentheses and brackets blanked."""
    out = []
    depth = 0
    for c in expr:
        if c in '([':
            depth += 1
            out.append(c if depth == 1 else ' ')
        elif c in ')]':
            depth -= 1
            out.append(c if depth == 0 else ' ')
        else:
            out.append(c if depth == 0 else ' ')
    return ''.join(out)


ASSIGN = re.compile(r'(?<![=!<>+\-*/%&|^])(=)(?!=)|(\+\+|--)|'
                    r'([+\-*/%&|^]|<<|>>)=')


def classify_statement(stmt):
    """('call'|'assign', callee or None) for an expression statement
    worth deleting, or None."""
    flat = ' '.join(stmt.split())
    if not flat:
        return None
    first = re.match(r'[A-Za-z_]\w*', flat)
    if first and (first.group(0) in KEYWORDS or
                  first.group(0) in TYPE_WORDS):
        return None
    top = top_level(flat)
    if ASSIGN.search(top):
        lhs_rhs = re.split(r'(?<![=!<>])=(?!=)', top, maxsplit=1)
        if len(lhs_rhs) == 2:
            lhs = lhs_rhs[0].strip()
            # A declaration with an initialiser: 'type name =', 'type *name ='
            if re.match(r'^[A-Za-z_]\w*(\s+|\s*\*+\s*)\**[A-Za-z_]\w*'
                        r'(\s*\[[^]]*\])?$', lhs):
                return None
            rhs = flat[len(lhs_rhs[0]) + 1:].strip()
            m = re.match(r'^(\(\w[\w\s*]*\)\s*)?([A-Za-z_]\w*)\s*\(', rhs)
            callee = m.group(2) if m and rhs.endswith(')') else None
            return ('assign', callee)
        return ('assign', None)
    # A declaration without an initialiser: 'type name', 'type *a, *b'
    if re.match(r'^[A-Za-z_]\w*(\s+|\s*\*+\s*)\**[A-Za-z_]\w*'
                r'(\s*\[[^]]*\])?(\s*,.*)?$', flat):
        return None
    m = re.match(r'^(\(void\)\s*)?([A-Za-z_][\w.>\-\[\]]*?)\s*\(', flat)
    if m and flat.endswith(')'):
        callee = re.search(r'(\w+)$', m.group(2)).group(1)
        if NOT_A_STATEMENT.match(callee):
            return None
        return ('call', callee)
    return None


# ---------------------------------------------------------------- mutants

def line_of(text, off):
    return text.count('\n', 0, off) + 1


def line_span(text, s, e):
    """Offsets of the whole lines holding TEXT[S:E]."""
    ls = text.rfind('\n', 0, s) + 1
    le = text.find('\n', e)
    return ls, len(text) if le < 0 else le


def mutants_of(name, text):
    """Every mutant of the file NAME whose content is TEXT, sorted."""
    code = mask_code(text)
    bodies, statements = body_ranges(code)

    def in_body(off):
        return any(s <= off < e for s, e in bodies)

    # Compile-time checks are not mutated at all.
    skip = []
    for m in re.finditer(r'\b(static_assert|BUILD_BUG_ON\w*)\s*\(', code):
        close = match_paren(code, m.end() - 1)
        skip.append((m.start(), close if close >= 0 else m.end()))

    def usable(off):
        return in_body(off) and not any(s <= off <= e for s, e in skip)

    raw = []    # (start, end, replacement, op)

    for s, e in statements:
        s = strip_prefixes(code, s, e)
        if s >= e or not usable(s):
            continue
        kind = classify_statement(code[s:e])
        if not kind:
            continue
        callee = kind[1]
        if kind[0] == 'call' and callee and UNLOCK_CALL.match(callee):
            continue
        if kind[0] == 'call' and callee and LOCK_CALL.match(callee):
            op = 'lock-drop'
        elif callee and HOOK_CALL.match(callee):
            op = 'hook-drop'
        else:
            op = 'stmt-del'
        raw.append((s, e + 1, ';', op))

    for m in re.finditer(r'==|!=|<<=?|>>=?|->|<=|>=|<|>', code):
        tok = m.group(0)
        if tok not in CMP_FLIP or not usable(m.start()):
            continue
        raw.append((m.start(), m.end(), CMP_FLIP[tok], 'cmp-flip'))
        if tok in CMP_BOUND:
            raw.append((m.start(), m.end(), CMP_BOUND[tok], 'cmp-bound'))

    for m in re.finditer(r'\bif\s*\(', code):
        if not usable(m.start()):
            continue
        open_ = m.end() - 1
        close = match_paren(code, open_)
        if close < 0:
            continue
        cond = text[open_ + 1:close]
        raw.append((open_ + 1, close, '!(' + cond + ')', 'cond-neg'))

    plus_one = set()
    for m in re.finditer(r'(?<=[\w)\]])(\s*[+-]\s*)1(?![\w.])', code):
        if not usable(m.start()):
            continue
        # binary only: not '++', '--', nor an exponent
        before = code[:m.start()].rstrip()
        if before.endswith(('++', '--')) or \
                re.search(r'\d[eE]$', before):
            continue
        raw.append((m.start(), m.end(), '', 'plus-one'))
        plus_one.add(m.end() - 1)

    for m in re.finditer(r'(?<![\w.])([01])([uUlL]{0,3})(?![\w.])', code):
        if not usable(m.start()) or m.start() in plus_one:
            continue
        raw.append((m.start(), m.start() + 1,
                    '1' if m.group(1) == '0' else '0', 'const'))

    seen = set()
    count = {}
    result = []
    for s, e, rep, op in sorted(raw, key=lambda r: (r[0], OPS.index(r[3]),
                                                    r[1], r[2])):
        mutated = text[:s] + rep + text[e:]
        digest = hashlib.sha1(mutated.encode()).hexdigest()
        if digest in seen or mutated == text:
            continue
        seen.add(digest)
        ls, le = line_span(text, s, e)
        orig = text[ls:le]
        new = text[ls:s] + rep + text[e:le]
        key = (op, orig.strip(), s - ls, rep)
        k = count.get(key, 0)
        count[key] = k + 1
        ident = hashlib.sha1('\0'.join([name, op, ' '.join(orig.split()),
                                        str(s - ls), rep, str(k)])
                             .encode()).hexdigest()[:10]
        result.append({
            'id': ident, 'file': name, 'line': line_of(text, s),
            'col': s - ls + 1, 'op': op,
            'start': s, 'end': e, 'replacement': rep,
            'orig': orig.split('\n'), 'new': new.split('\n'),
        })
    result.sort(key=lambda m: (m['line'], m['col'], OPS.index(m['op']),
                               m['id']))
    return result


def apply_mutant(text, m):
    return text[:m['start']] + m['replacement'] + text[m['end']:]


# Where the sources are read from: the checkout, or (mutate.py --src)
# the snapshot of it that scripts/mutate.sh takes for a run.
SOURCE_ROOT = TOP


def read_source(name):
    with open(os.path.join(SOURCE_ROOT, SRC, name)) as f:
        return f.read()


def file_list(arg):
    if not arg:
        return list(FILES)
    names = [os.path.basename(f) for f in re.split(r'[,\s]+', arg) if f]
    for n in names:
        if n not in FILES:
            sys.exit('error: FILES: %s is not one of %s' %
                     (n, ' '.join(FILES)))
    return [n for n in FILES if n in names]


def load_equivalent(path=None):
    """{id: (where, operator, reason)} from the equivalent mutants file
    (or another file of its format)."""
    path = path or os.path.join(TOP, EQUIVALENT)
    eq = {}
    if not os.path.exists(path):
        return eq
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            parts = line.split(None, 3)
            if len(parts) < 4:
                sys.exit('error: %s: "%s": want "ID FILE:LINE OPERATOR '
                         'REASON"' % (EQUIVALENT, line))
            eq[parts[0]] = (parts[1], parts[2], parts[3])
    return eq


def select(files, limit, seed):
    """The mutants to test, per file: all, or a sample of LIMIT."""
    chosen = {}
    generated = {}
    for name in files:
        all_m = mutants_of(name, read_source(name))
        generated[name] = len(all_m)
        if limit and limit < len(all_m):
            rng = random.Random('%s:%s' % (seed, name))
            pick = set(m['id'] for m in rng.sample(all_m, limit))
            all_m = [m for m in all_m if m['id'] in pick]
        chosen[name] = all_m
    return chosen, generated


def diff_lines(m):
    return ['-' + l for l in m['orig']] + ['+' + l for l in m['new']]


def cmd_list(args):
    files = file_list(args.files)
    chosen, generated = select(files, None if args.all else args.limit,
                               args.seed)
    eq = load_equivalent()
    for name in files:
        ms = chosen[name]
        print('# %s: %d mutants%s' % (name, generated[name],
              '' if len(ms) == generated[name] else
              ', %d sampled' % len(ms)))
        for m in ms:
            print('%s:%d %-9s %s%s  %s' % (
                name, m['line'], m['op'], m['id'],
                ' (equivalent)' if m['id'] in eq else '',
                ' '.join(m['new'][0].split()) if m['new'] else ''))


def find_mutant(ident, files=None):
    for name in files or FILES:
        for m in mutants_of(name, read_source(name)):
            if m['id'] == ident:
                return m
    return None


def cmd_show(args):
    m = find_mutant(args.id)
    if not m:
        sys.exit('error: no mutant %s' % args.id)
    print('%s:%d %s %s' % (m['file'], m['line'], m['op'], m['id']))
    print('\n'.join(diff_lines(m)))


# ---------------------------------------------------------------- running

def now():
    return time.monotonic()


def progress(msg):
    t0 = int(os.environ.get('T0', '0') or 0)
    s = int(time.time()) - t0 if t0 else 0
    print('== %s … %dm%02ds' % (msg, s // 60, s % 60), flush=True)


def run_cmd(cmd, log, cwd=None, timeout=None, env=None):
    """(exit status, seconds); status None when TIMEOUT ran out (the whole
    process group is killed).  Output goes to the file LOG."""
    t = now()
    with open(log, 'w') as out:
        p = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, env=env,
                             start_new_session=True)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
            rc = None
    return rc, now() - t


def write_file(path, text):
    """Replace PATH by a new file (never write through a hard link)."""
    tmp = path + '.mutate-tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


def tail(path, n=15):
    try:
        with open(path, errors='replace') as f:
            return ''.join(f.readlines()[-n:])
    except OSError:
        return ''


FUZZ_FINDINGS = re.compile(r'ERROR: (AddressSanitizer|LeakSanitizer|'
                           r'libFuzzer)|runtime error:|'
                           r'^modslab (fuzz|shim):|deadly signal')
KERNEL_REPORT = re.compile(r'^(\[ *[0-9.]+\] )?(WARNING: .*|BUG: .*|'
                           r'kernel BUG at .*|Oops.*|Kernel panic.*|'
                           r'Unexpected gfp: .*)$')
KUNIT_SUMMARY = re.compile(r'Testing complete\. Ran \d+ tests: (.*)')


def kernel_reports(path):
    """The kernel's own reports in a UML console log, without what
    changes from build to build (addresses, line numbers, CPU and PID)."""
    found = set()
    try:
        with open(path, errors='replace') as f:
            for line in f:
                m = KERNEL_REPORT.match(line.rstrip())
                if m:
                    r = re.sub(r'CPU: \d+ PID: \d+ ', '', m.group(2))
                    r = re.sub(r':\d+ ', ' ', r)
                    found.add(re.sub(r'\+0x[0-9a-f]+/0x[0-9a-f]+', '', r))
    except OSError:
        pass
    return found


class Worker:
    """A worker directory of scripts/mutate.sh: linux/ (its own copy of
    build/linux, with a KUnit build directory .mutate-CONFIG in it),
    src/ (the snapshot: kernel/, tools/testing/modslab/, configs/) and
    fuzz/ (the user-space build)."""

    def __init__(self, root, opts):
        self.root = root
        self.name = os.path.basename(root)
        self.linux = os.path.join(root, 'linux')
        self.src = os.path.join(root, 'src')
        self.fuzz = os.path.join(root, 'fuzz')
        self.logs = os.path.join(root, 'logs')
        self.opts = opts
        os.makedirs(self.logs, exist_ok=True)
        self.env = dict(os.environ, CCACHE_BASEDIR=TOP)
        self.fuzz_env = dict(self.env,
                             ASAN_OPTIONS='detect_leaks=1:'
                             'allocator_may_return_null=1',
                             UBSAN_OPTIONS='print_stacktrace=1:'
                             'halt_on_error=1')
        self.baseline_reports = {}
        self.base_fuzz_objects = None
        self.base_kunit_objects = {}
        self.fuzz_execs = 0

    def log(self, what):
        return os.path.join(self.logs, what + '.log')

    # -- the user-space fuzz build
    def fuzz_build(self):
        return run_cmd(['make', '-s', '-C',
                        os.path.join(self.src, 'tools/testing/modslab'),
                        'O=' + self.fuzz, 'CC=ccache clang-14', '-j1'],
                       self.log('fuzz-build'), env=self.env, timeout=900)

    def fuzz_run(self, timeout):
        corpus = os.path.join(self.fuzz, 'corpus-mutant')
        shutil.rmtree(corpus, ignore_errors=True)
        os.makedirs(corpus)
        crashes = os.path.join(self.fuzz, 'crashes') + '/'
        os.makedirs(crashes, exist_ok=True)
        cmd = [os.path.join(self.fuzz, 'modslab-fuzz'),
               '-runs=%d' % self.opts.fuzz_runs,
               '-seed=%d' % self.opts.fuzz_seed, '-timeout=20',
               '-rss_limit_mb=4096', '-max_len=4096',
               '-artifact_prefix=' + crashes, corpus,
               os.path.join(self.fuzz, 'seeds')]
        rc, secs = run_cmd(cmd, self.log('fuzz-run'), env=self.fuzz_env,
                           timeout=timeout)
        finding = None
        self.fuzz_execs = 0
        with open(self.log('fuzz-run'), errors='replace') as f:
            for line in f:
                m = re.match(r'#(\d+)\s', line)
                if m:
                    self.fuzz_execs = int(m.group(1))
                if FUZZ_FINDINGS.search(line):
                    finding = line.strip()
                    break
        return rc, secs, finding

    def fuzz_seeds(self):
        seeds = os.path.join(self.fuzz, 'seeds')
        shutil.rmtree(seeds, ignore_errors=True)
        os.makedirs(seeds)
        rc, _ = run_cmd([os.path.join(self.fuzz, 'gen-corpus'), seeds],
                        self.log('gen-corpus'))
        if rc != 0:
            return False
        reg = os.path.join(self.src, 'tools/testing/modslab/regressions')
        for f in sorted(os.listdir(reg)):
            shutil.copy(os.path.join(reg, f), seeds)
        return True

    def fuzz_forget(self, name):
        """The fuzz Makefile knows no header dependencies but the shared
        ones: drop the objects of the core files that include NAME."""
        if not name.endswith('.h'):
            return
        d = os.path.join(self.src, SRC)
        for c in os.listdir(d):
            if not c.endswith('.c'):
                continue
            with open(os.path.join(d, c)) as f:
                if '#include "%s"' % name in f.read():
                    try:
                        os.remove(os.path.join(self.fuzz, 'obj',
                                               c[:-2] + '.o'))
                    except FileNotFoundError:
                        pass

    def fuzz_objects(self):
        return objects_digest(os.path.join(self.fuzz, 'obj'))

    # -- the UML KUnit build
    def kunit_dir(self, cfg):
        return '.mutate-' + cfg

    def kunit_config(self, cfg):
        st = STAGES[cfg]
        return ['python3', 'tools/testing/kunit/kunit.py', 'build',
                '--build_dir=' + self.kunit_dir(cfg), '--arch=' + st['arch'],
                '--jobs=%d' % self.opts.make_jobs,
                '--kunitconfig=mm/allocators'] + \
            ['--kunitconfig=' + os.path.join(self.src, 'configs/%s.config' % c)
             for c in st['configs']] + ['--make_options=CC=ccache gcc']

    def kunit_build(self, cfg, first=False):
        if first:
            cmd = self.kunit_config(cfg)
        else:
            # The configuration is made: only make, as kunit.py would.
            cmd = ['make', 'ARCH=' + STAGES[cfg]['arch'],
                   'O=' + self.kunit_dir(cfg),
                   '--jobs=%d' % self.opts.make_jobs, 'CC=ccache gcc', 'all']
        return run_cmd(cmd, self.log('kunit-build-' + cfg), cwd=self.linux,
                       env=self.env, timeout=3600 if first else 900)

    def kunit_exec(self, cfg, timeout, baseline=False):
        """(verdict, seconds, why): verdict 'pass' or 'fail'.  Kernel
        reports count only if the baseline run did not print them."""
        log = self.log('kunit-exec-' + cfg)
        st = STAGES[cfg]
        cmd = ['python3', 'tools/testing/kunit/kunit.py', 'exec',
               '--build_dir=' + self.kunit_dir(cfg), '--arch=' + st['arch'],
               '--timeout=%d' % timeout]
        if st['qemu']:
            cmd.append('--qemu_args=' + st['qemu'])
        rc, secs = run_cmd(cmd + ['--kernel_args=' + a for a in st['args']],
                           log, cwd=self.linux, env=self.env,
                           timeout=timeout + 60)
        if rc is None:
            return 'fail', secs, 'timed out after %ds' % timeout
        text = open(log, errors='replace').read()
        m = KUNIT_SUMMARY.findall(text)
        failed = re.findall(r'\[(FAILED|CRASHED)\] (\S+)', text)
        names = [n for k, n in failed if not n.startswith('=')]
        if 'timed out' in text.lower() and not m:
            return 'fail', secs, 'timed out'
        if rc != 0 or not m or failed:
            why = 'KUnit: ' + (m[-1] if m else 'no results (rc %s)' % rc)
            if names:
                why += '; ' + ', '.join(dict.fromkeys(names))
            return 'fail', secs, why
        if re.search(r'failed: [1-9]|crashed: [1-9]|errors: [1-9]', m[-1]):
            return 'fail', secs, 'KUnit: ' + m[-1]
        new = kernel_reports(os.path.join(self.linux, self.kunit_dir(cfg),
                                          'test.log')) - \
            self.baseline_reports.get(cfg, set())
        if new and not baseline:
            return 'fail', secs, 'kernel report: ' + sorted(new)[0]
        return 'pass', secs, m[-1]

    def kunit_stage(self, cfg, res, secs, suffix):
        """Build the mutant into the KUnit kernel CFG and run its suites;
        RES says what came of it.  A later stage that builds the same code
        as unmutated keeps an earlier stage's 'survived'."""
        earlier = res.get('status')
        rc, secs['kunit_build' + suffix] = self.kunit_build(cfg)
        if rc != 0:
            res.update(status='did-not-build', by='kunit build ' + cfg,
                       reason=last_error(self.log('kunit-build-' + cfg)))
            return
        if self.kunit_objects(cfg) == self.base_kunit_objects[cfg]:
            if earlier != 'survived':
                res.update(status='same-code', by='kunit build ' + cfg,
                           reason='the objects of mm/ are those of the '
                           'unmutated kernel')
            return
        verdict, secs['kunit_exec' + suffix], why = \
            self.kunit_exec(cfg, self.opts.kunit_timeouts[cfg])
        if verdict == 'fail':
            res.update(status='killed', by='kunit ' + cfg, reason=why)
        else:
            res.update(status='survived', by='', reason=why)

    def kunit_objects(self, cfg):
        return objects_digest(os.path.join(self.linux, self.kunit_dir(cfg),
                                           'mm'))

    # -- mutants
    def paths(self, name):
        p = [os.path.join(self.linux, 'mm/allocators', name)]
        if FILES[name]['fuzz'] and not self.opts.no_fuzz:
            p.append(os.path.join(self.src, SRC, name))
        return p

    def put(self, name, text):
        for p in self.paths(name):
            write_file(p, text)
        if FILES[name]['fuzz'] and not self.opts.no_fuzz:
            self.fuzz_forget(name)

    def test(self, m, original):
        """The result of mutant M, a dict."""
        info = FILES[m['file']]
        res = {k: m[k] for k in ('id', 'file', 'line', 'col', 'op')}
        res['diff'] = diff_lines(m)
        res['worker'] = self.name
        secs = res['seconds'] = {}
        t = now()
        self.put(m['file'], apply_mutant(original, m))
        try:
            if info['fuzz'] and not self.opts.no_fuzz:
                rc, secs['fuzz_build'] = self.fuzz_build()
                if rc != 0:
                    res.update(status='did-not-build', by='fuzz build',
                               reason=last_error(self.log('fuzz-build')))
                    return res
                # The same code as unmutated: nothing to fuzz
                if self.fuzz_objects() != self.base_fuzz_objects:
                    rc, secs['fuzz_run'], finding = \
                        self.fuzz_run(self.opts.fuzz_timeout)
                    res['fuzz_execs'] = self.fuzz_execs
                    if rc is None or rc != 0 or finding:
                        why = finding or ('timed out after %ds' %
                                          self.opts.fuzz_timeout
                                          if rc is None else 'exit %d' % rc)
                        res.update(status='killed', by='fuzz', reason=why)
                        return res
            self.kunit_stage(info['kconfig'], res, secs, '')
            if res['status'] in ('survived', 'same-code') and \
                    info.get('x86'):
                self.kunit_stage(info['x86'], res, secs, '_x86')
            return res
        finally:
            self.put(m['file'], original)
            secs['total'] = round(now() - t, 1)
            for k in secs:
                secs[k] = round(secs[k], 1)


def objects_digest(top):
    """{path: sha1} of the object files below TOP."""
    d = {}
    for root, _, names in os.walk(top):
        for n in names:
            if n.endswith('.o'):
                p = os.path.join(root, n)
                with open(p, 'rb') as f:
                    d[os.path.relpath(p, top)] = \
                        hashlib.sha1(f.read()).hexdigest()
    return d


def last_error(log):
    lines = [l.strip() for l in tail(log, 60).splitlines()]
    errs = [l for l in lines if 'error:' in l]
    return (errs[0] if errs else (lines[-1] if lines else ''))[:300]


def baseline(w, cfgs, fuzz, out):
    """Build the unmutated tree in worker W and check that it passes."""
    b = out[w.name] = {}
    # The fuzz build only spares kernel builds: when the unmutated core
    # does not build or fails there, the run goes on under UML alone.
    if fuzz:
        # A header mutated when a run was stopped is back, but the fuzz
        # Makefile would not rebuild what includes it
        for name in FILES:
            if FILES[name]['fuzz']:
                w.fuzz_forget(name)
        rc, secs = w.fuzz_build()
        if rc != 0:
            b['fuzz_error'] = 'the fuzz build fails: %s (%s)' % (
                last_error(w.log('fuzz-build')), w.log('fuzz-build'))
        elif not w.fuzz_seeds():
            b['fuzz_error'] = 'gen-corpus fails (%s)' % w.log('gen-corpus')
        else:
            w.base_fuzz_objects = w.fuzz_objects()
            rc, secs, finding = w.fuzz_run(None)
            b['fuzz_run'] = round(secs, 1)
            if rc != 0 or finding:
                b['fuzz_error'] = ('the unmutated core fails the fuzz run: '
                                   '%s (%s)' % (finding or 'exit %s' % rc,
                                                w.log('fuzz-run')))
    for cfg in cfgs:
        rc, secs = w.kunit_build(cfg, first=True)
        b['kunit_build_' + cfg] = round(secs, 1)
        if rc != 0:
            b['error'] = ('the unmutated tree does not build (%s)' %
                          w.log('kunit-build-' + cfg))
            return
        verdict, secs, why = w.kunit_exec(cfg, 600, baseline=True)
        b['kunit_exec_' + cfg] = round(secs, 1)
        if verdict != 'pass':
            b['error'] = ('the unmutated tree fails KUnit (%s): %s' %
                          (cfg, why))
            return
        w.base_kunit_objects[cfg] = w.kunit_objects(cfg)
        w.baseline_reports[cfg] = kernel_reports(
            os.path.join(w.linux, w.kunit_dir(cfg), 'test.log'))


def cmd_run(args):
    global SOURCE_ROOT
    SOURCE_ROOT = args.src
    files = file_list(args.files)
    chosen, generated = select(files, args.limit, args.seed)
    eq = load_equivalent(os.path.join(args.src, EQUIVALENT))
    workers = [Worker(d, args) for d in args.workers.split(',')]
    done = {}
    if args.retest:
        args.resume = True
    if args.resume and os.path.exists(args.out):
        with open(args.out) as f:
            for line in f:
                r = json.loads(line)
                if r.get('id'):
                    done[r['id']] = r
    retested = 0
    if args.retest:
        # The last run's survivors, again, against the tests as they are
        # now; one whose line changed since is no mutant any more (the
        # report leaves it out).
        again = set(i for i, r in done.items() if r['status'] == 'survived')
        for name in files:
            chosen[name] = [m for m in mutants_of(name, read_source(name))
                            if m['id'] in again]
            retested += len(chosen[name])
            for m in chosen[name]:
                del done[m['id']]
    out = open(args.out, 'a' if args.resume else 'w')
    lock = threading.Lock()

    def emit(r):
        with lock:
            out.write(json.dumps(r) + '\n')
            out.flush()

    meta = {'meta': True, 'files': files, 'generated': generated,
            'limit': args.limit, 'seed': args.seed,
            'fuzz_runs': args.fuzz_runs, 'workers': len(workers),
            'started': time.strftime('%Y-%m-%d %H:%M:%S')}
    if args.retest:
        meta = {'meta': True, 'retested': retested,
                'retest_started': meta['started']}
    queue = []
    originals = {}
    for name in files:
        originals[name] = read_source(name)
        for m in chosen[name]:
            if m['id'] in done:
                continue
            if m['id'] in eq:
                emit({'id': m['id'], 'file': name, 'line': m['line'],
                      'col': m['col'], 'op': m['op'],
                      'diff': diff_lines(m), 'status': 'equivalent',
                      'by': '', 'reason': eq[m['id']][2], 'seconds': {}})
                continue
            queue.append(m)
    cfgs = sorted(set(FILES[n]['kconfig'] for n in files) |
                  set(FILES[n]['x86'] for n in files if FILES[n].get('x86')))
    fuzz = any(FILES[n]['fuzz'] for n in files)
    progress('mutate: %d mutants to test (%s), %d workers; building the '
             'unmutated tree in each' % (len(queue), ', '.join(
                 '%s %d/%d' % (n, len(chosen[n]), generated[n])
                 for n in files), len(workers)))
    base = {}
    t = now()
    threads = [threading.Thread(target=baseline, args=(w, cfgs, fuzz, base))
               for w in workers]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    meta['baseline'] = base
    meta['baseline_seconds'] = round(now() - t, 1)
    for b in base.values():
        if b.get('fuzz_error') and not args.no_fuzz:
            args.no_fuzz = True
            meta['fuzz_disabled'] = b['fuzz_error']
            print('warning: %s; every mutant is tested under UML' %
                  b['fuzz_error'], file=sys.stderr, flush=True)
    for w in workers:
        if 'error' in base.get(w.name, {'error': 'no baseline'}):
            emit(meta)
            sys.exit('error: %s: %s' % (w.name, base[w.name]['error']))
    # Timeouts from the baseline: a hung run costs this much
    args.kunit_timeouts = {}
    for c in cfgs:
        ex = max(b.get('kunit_exec_' + c, 0) for b in base.values())
        args.kunit_timeouts[c] = args.kunit_timeout or \
            int(max(60, 5 * ex + 30))
    fz = max(b.get('fuzz_run', 0) for b in base.values())
    if not args.fuzz_timeout:
        args.fuzz_timeout = int(max(60, 5 * fz + 30))
    meta.update(kunit_timeout=args.kunit_timeouts,
                fuzz_timeout=args.fuzz_timeout)
    emit(meta)
    progress('mutate: baseline passed in %ds (fuzz run %.0fs); timeouts '
             '%s (KUnit), %ds (fuzz)' %
             (meta['baseline_seconds'], fz, ', '.join(
                 '%ds %s' % (args.kunit_timeouts[c], c) for c in cfgs),
              args.fuzz_timeout))

    total = len(queue)
    counter = {'n': 0}
    qlock = threading.Lock()

    def work(w):
        while True:
            with qlock:
                if not queue:
                    return
                m = queue.pop(0)
                counter['n'] += 1
                n = counter['n']
            r = w.test(m, originals[m['file']])
            emit(r)
            progress('mutate %d/%d %s:%d %s %s: %s%s (%.0fs)' % (
                n, total, m['file'], m['line'], m['op'], m['id'],
                r['status'], ' by ' + r['by'] if r.get('by') else '',
                r['seconds']['total']))

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    out.write(json.dumps({'meta': True, 'finished':
                          time.strftime('%Y-%m-%d %H:%M:%S')}) + '\n')
    out.close()


# ---------------------------------------------------------------- report

STATUSES = ['killed', 'survived', 'did-not-build', 'equivalent',
            'same-code']


def mean(xs):
    return sum(xs) / len(xs) if xs else 0.0


def duration(secs):
    if secs < 5400:
        return 'about %d minutes' % round(secs / 60)
    return 'about %.1f hours' % (secs / 3600)


def timeouts_text(t):
    """The KUnit timeouts of a run: one number (older runs, UML alone)
    or one per kernel."""
    if not isinstance(t, dict):
        return '%ss (UML)' % t
    return ', '.join('%ss (%s, %s)' % (t[c], c, STAGES[c]['arch'])
                     for c in sorted(t))


def cmd_report(args):
    global SOURCE_ROOT
    if args.src:
        SOURCE_ROOT = args.src
    meta = {}
    results = {}
    with open(args.results) as f:
        for line in f:
            r = json.loads(line)
            if r.get('meta'):
                meta.update(r)
            else:
                results[r['id']] = r
    files = meta.get('files', list(FILES))
    generated = meta.get('generated', {})
    workers = meta.get('workers', 1)
    eq_file = os.path.join(SOURCE_ROOT, EQUIVALENT)
    eq = load_equivalent(eq_file)
    known = set()
    for name in files:
        known.update(m['id'] for m in mutants_of(name, read_source(name)))
    stale = sorted(i for i in eq if i not in known)
    # A survivor of an earlier run whose line has changed since is no
    # mutant of today's source: it is left out of the counts, and named.
    gone = sorted(i for i, r in results.items()
                  if r['status'] == 'survived' and i not in known)
    for i in gone:
        del results[i]
    # A mutant listed as equivalent after it ran counts as equivalent
    for i, r in list(results.items()):
        if i in eq and r['status'] != 'equivalent':
            results[i] = dict(r, status='equivalent', by='',
                              reason=eq[i][2], listed_after_run=True)

    rows = []
    per_file = {}
    for name in files:
        rs = sorted((r for r in results.values() if r['file'] == name),
                    key=lambda r: (r['line'], r['col'], r['op']))
        c = {k: sum(1 for r in rs if r['status'] == k) for k in STATUSES}
        total = len(rs)
        denom = total - c['did-not-build'] - c['equivalent'] - \
            c['same-code']
        score = c['killed'] / denom if denom else None
        by_fuzz = sum(1 for r in rs if r.get('by') == 'fuzz')
        secs = [r['seconds'].get('total', 0) for r in rs
                if r['status'] != 'equivalent']
        per_file[name] = {
            'generated': generated.get(name, total), 'total': total,
            'killed': c['killed'], 'killed_by_fuzz': by_fuzz,
            'survived': c['survived'], 'did_not_build': c['did-not-build'],
            'equivalent': c['equivalent'], 'same_code': c['same-code'],
            'score': None if score is None else round(score, 4),
            'seconds_per_mutant': round(mean(secs), 1),
            'survivors': [{k: r[k] for k in ('id', 'line', 'op', 'diff')}
                          for r in rs if r['status'] == 'survived'],
            'mutants': rs,
        }
        rows.append(name)

    tested = [r for r in results.values() if r['status'] != 'equivalent']
    fuzz_path = [r['seconds'].get('fuzz_build', 0) +
                 r['seconds'].get('fuzz_run', 0)
                 for r in tested if 'fuzz_run' in r['seconds']]
    uml_path = [r['seconds'].get('kunit_build', 0) +
                r['seconds'].get('kunit_exec', 0)
                for r in tested if 'kunit_exec' in r['seconds']]
    x86_path = [r['seconds'].get('kunit_build_x86', 0) +
                r['seconds'].get('kunit_exec_x86', 0)
                for r in tested if 'kunit_build_x86' in r['seconds']]
    overall = mean([r['seconds'].get('total', 0) for r in tested])
    estimate = 0.0
    for name in files:
        spm = per_file[name]['seconds_per_mutant'] or overall
        estimate += spm * per_file[name]['generated']
    estimate /= max(1, workers)
    timing = {
        'fuzz_path_seconds_per_mutant': round(mean(fuzz_path), 1),
        'fuzz_path_mutants': len(fuzz_path),
        'uml_path_seconds_per_mutant': round(mean(uml_path), 1),
        'uml_path_mutants': len(uml_path),
        'x86_path_seconds_per_mutant': round(mean(x86_path), 1),
        'x86_path_mutants': len(x86_path),
        'seconds_per_mutant': round(overall, 1),
        'baseline_seconds': meta.get('baseline_seconds'),
        'all_mutants_estimate_seconds': round(estimate),
        'workers': workers,
    }
    all_c = {k: sum(per_file[n][k] for n in files)
             for k in ('generated', 'total', 'killed', 'killed_by_fuzz',
                       'survived', 'did_not_build', 'equivalent',
                       'same_code')}
    d = all_c['total'] - all_c['did_not_build'] - all_c['equivalent'] - \
        all_c['same_code']
    all_c['score'] = round(all_c['killed'] / d, 4) if d else None

    os.makedirs(args.out, exist_ok=True)
    doc = {'run': {k: meta.get(k) for k in
                   ('started', 'finished', 'limit', 'seed', 'fuzz_runs',
                    'kunit_timeout', 'fuzz_timeout', 'workers',
                    'fuzz_disabled')},
           'timing': timing, 'all': all_c, 'files': per_file,
           'stale_equivalent_ids': stale}
    with open(os.path.join(args.out, 'mutate.json'), 'w') as f:
        json.dump(doc, f, indent=1)

    def pct(x):
        return '-' if x is None else '%.1f%%' % (100 * x)

    md = ['# Mutation testing of the fast paths', '',
          'make mutate%s%s, %s: %d worker%s; the fuzz target ran %s '
          'executions a mutant (fixed seed, from the seeds); KUnit timed '
          'out after %s.' % (
              ' LIMIT=%s' % meta.get('limit') if meta.get('limit') else
              ' LIMIT=0', ' SEED=%s' % meta.get('seed'),
              meta.get('started', '?'), workers, 's' if workers > 1 else '',
              meta.get('fuzz_runs'), timeouts_text(meta.get('kunit_timeout'))),
          '',
          ] + ([
          'The survivors of that run were then tested again (RETEST=1, '
          '%s: %d of them still mutants of the sources) against the '
          'tests of that time; their results replace the first ones.' % (
              meta.get('retest_started', '?'), meta.get('retested', 0)),
          ''] if meta.get('retest_started') else []) + [
          'Score = killed / (total - did not build - equivalent).  '
          '"Generated" is every mutant of the file, "total" those tested '
          '(the sample); "equivalent" counts the mutants listed in %s '
          'and those whose kernel objects came out the same as the '
          'unmutated ones ("same code", not run: no test can tell them '
          'apart in these builds).' % EQUIVALENT, '',
          '| file | generated | total | killed (by fuzz) | survived | '
          'did not build | equivalent (same code) | score | s/mutant |',
          '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |']
    for name in rows + ['all']:
        c = per_file[name] if name != 'all' else all_c
        md.append('| %s | %d | %d | %d (%d) | %d | %d | %d (%d) | %s | %s |' % (
            name, c['generated'], c['total'], c['killed'],
            c['killed_by_fuzz'], c['survived'], c['did_not_build'],
            c['equivalent'] + c['same_code'], c['same_code'],
            pct(c['score']),
            c.get('seconds_per_mutant', '%.1f' % overall)))
    md += ['', 'Seconds per mutant: %.1f on the fuzz path (user-space '
           'build and fuzz run, %d mutants), %.1f on the UML path '
           '(incremental kernel build and KUnit run, %d mutants), %.1f '
           'on the x86_64 path (incremental build and KUnit run under '
           'QEMU, %d mutants), %.1f '
           'overall; the baseline builds took %ss.  All %d generated '
           'mutants would take %s on %d worker%s.' % (
               timing['fuzz_path_seconds_per_mutant'], len(fuzz_path),
               timing['uml_path_seconds_per_mutant'], len(uml_path),
               timing['x86_path_seconds_per_mutant'], len(x86_path),
               overall, meta.get('baseline_seconds'),
               all_c['generated'], duration(estimate), workers,
               's' if workers > 1 else '')]
    if meta.get('fuzz_disabled'):
        md += ['', '**The fuzz path was off**: %s; every mutant ran under '
               'UML.' % meta['fuzz_disabled']]
    unkilled = load_equivalent(os.path.join(TOP, UNKILLED))
    md += ['', '## Survivors', '',
           'No test noticed these changes: each is a test to write (or, '
           'if the change cannot alter behaviour, an entry for %s, with '
           'the reason).  Those no test of these stages can reach say why '
           '(%s).' % (EQUIVALENT, UNKILLED)]
    for name in rows:
        sv = per_file[name]['survivors']
        if not sv:
            continue
        md += ['', '### %s' % name, '']
        for r in sv:
            md.append('- `%s:%d` %s `%s`' % (name, r['line'], r['op'],
                                             r['id']))
            md += ['', '  ```diff'] + ['  ' + l for l in r['diff']] + \
                ['  ```', '']
            if r['id'] in unkilled:
                md += ['  Not killed here: ' + unkilled[r['id']][2], '']
    md += ['', '## Killed, did not build, equivalent', '',
           '| mutant | operator | status | by | reason |',
           '| --- | --- | --- | --- | --- |']
    for name in rows:
        for r in per_file[name]['mutants']:
            if r['status'] == 'survived':
                continue
            md.append('| `%s:%d` `%s` | %s | %s | %s | %s |' % (
                name, r['line'], r['id'], r['op'], r['status'],
                r.get('by', ''),
                r.get('reason', '').replace('|', '\\|')[:160]))
    if stale:
        md += ['', 'Entries of %s that match no mutant any more (the '
               'line changed): %s.' % (EQUIVALENT, ', '.join(stale))]
    if gone:
        md += ['', 'Survivors of the earlier run whose line changed since '
               '(no mutant of the source any more; not counted): %s.' %
               ', '.join(gone)]
    with open(os.path.join(args.out, 'mutate.md'), 'w') as f:
        f.write('\n'.join(md) + '\n')
    for name in rows + ['all']:
        c = per_file[name] if name != 'all' else all_c
        print('mutate: %-22s %3d tested of %4d: %3d killed (%d by fuzz), '
              '%2d survived, %2d did not build, %2d equivalent (%d same '
              'code), score %s' % (
                  name, c['total'], c['generated'], c['killed'],
                  c['killed_by_fuzz'], c['survived'], c['did_not_build'],
                  c['equivalent'] + c['same_code'], c['same_code'],
                  pct(c['score'])))
    print('mutate: %.1f s a mutant on the fuzz path, %.1f s on the UML '
          'path; all %d mutants: %s on %d worker%s' % (
              timing['fuzz_path_seconds_per_mutant'],
              timing['uml_path_seconds_per_mutant'], all_c['generated'],
              duration(estimate), workers, 's' if workers > 1 else ''))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('list')
    p.add_argument('--files', default='')
    p.add_argument('--limit', type=int, default=0)
    p.add_argument('--seed', default='0')
    p.add_argument('--all', action='store_true')
    p.set_defaults(func=cmd_list)
    p = sub.add_parser('run')
    p.add_argument('--src', required=True)
    p.add_argument('--workers', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--files', default='')
    p.add_argument('--limit', type=int, default=0)
    p.add_argument('--seed', default='0')
    p.add_argument('--fuzz-runs', type=int, default=2000)
    p.add_argument('--fuzz-seed', type=int, default=1)
    p.add_argument('--fuzz-timeout', type=int, default=0)
    p.add_argument('--kunit-timeout', type=int, default=0)
    p.add_argument('--make-jobs', type=int, default=1)
    p.add_argument('--resume', action='store_true')
    p.add_argument('--retest', action='store_true')
    p.add_argument('--no-fuzz', action='store_true')
    p.set_defaults(func=cmd_run)
    p = sub.add_parser('report')
    p.add_argument('--results', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--src', default='')
    p.set_defaults(func=cmd_report)
    p = sub.add_parser('show')
    p.add_argument('id')
    p.set_defaults(func=cmd_show)
    args = ap.parse_args()
    args.func(args)


if __name__ == '__main__':
    main()
