#!/usr/bin/env python3
"""Render a doc template: @@FILE name ... @@END writes an example file and shows it;
@@HIDDENFILE name ... @@END writes it without showing; @@RUN cmd runs it and shows
`$ cmd` plus the merged output; @@RUNQ cmd runs it, shows only the command;
@@SH cmd runs it silently. Fails loudly on an unexpected exit status (@@RUN! expects non-zero)."""
import os, subprocess, sys

src, dst, workdir = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(workdir, exist_ok=True)
env = dict(os.environ)
env['PATH'] = os.environ['FOUNT_BIN_DIR'] + ':' + env['PATH']
env['LC_ALL'] = 'C.UTF-8'
out, lines, i = [], open(src).read().split('\n'), 0
fail = 0

def run(cmd, expect_fail):
    global fail
    p = subprocess.run(['bash', '-c', cmd], cwd=workdir, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    ok = (p.returncode != 0) if expect_fail else (p.returncode == 0)
    if not ok:
        print(f'UNEXPECTED exit {p.returncode}: {cmd}\n{p.stdout}', file=sys.stderr)
        fail = 1
    return p.stdout

while i < len(lines):
    l = lines[i]
    if l.startswith('@@FILE ') or l.startswith('@@HIDDENFILE '):
        name = l.split(None, 1)[1].strip()
        body = []
        i += 1
        while lines[i] != '@@END':
            body.append(lines[i]); i += 1
        text = '\n'.join(body) + '\n'
        open(os.path.join(workdir, name), 'w').write(text)
        if l.startswith('@@FILE '):
            lang = 'json' if name.endswith('.json') else ''
            out.append('```' + lang)
            out.extend(body)
            out.append('```')
    elif l.startswith('@@RUN') or l.startswith('@@SH '):
        tag, cmd = l.split(None, 1)
        expect_fail = tag.endswith('!')
        res = run(cmd, expect_fail)
        if tag.startswith('@@SH'):
            pass
        elif tag.startswith('@@RUNQ'):
            out.append('```console'); out.append('$ ' + cmd); out.append('```')
        else:
            out.append('```console'); out.append('$ ' + cmd)
            out.extend(res.rstrip('\n').split('\n') if res else [])
            out.append('```')
    else:
        out.append(l)
    i += 1
open(dst, 'w').write('\n'.join(out))
sys.exit(fail)
