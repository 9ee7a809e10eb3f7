#!/usr/bin/env python3
"""Rewrites the allowlist tables of docs/security.md from src/sandbox_rules.c,
so that the page says exactly what the sandbox allows (a unit test checks
it). Run after a change to the rules, with `make sandbox-filter`."""
import os
import re
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
s=open('src/sandbox_rules.c').read()
def table(name):
    body=s[s.index(name+'[] = {'):]
    return body[:body.index('};')]
rules=re.findall(r'\{ "([a-z0-9_]+)", (SANDBOX_[A-Z_]+), "([^"]*)" \}',table('sandbox_rules'))
san=re.findall(r'\{ "([a-z0-9_]+)", (SANDBOX_[A-Z_]+), "([^"]*)" \}',table('sandbox_sanitizer_rules'))
ioc=re.findall(r'\{ ([A-Z_]+), "([A-Z_]+)", "([^"]*)" \}',table('sandbox_ioctls'))
lim={'SANDBOX_ANY':'any arguments','SANDBOX_IOCTL_LISTED':'only the requests below','SANDBOX_THREADS_ONLY':'only with CLONE_THREAD (a thread, never a process)','SANDBOX_OWN_PROCESS':'only to kvm-vmm itself (its pid)','SANDBOX_NOT_EXEC':'never PROT_EXEC','SANDBOX_FAILS_ENOSYS':'fails with ENOSYS'}
out=['| Call | Allowed with | Why |','|---|---|---|']
for n,l,w in rules: out.append('| `%s` | %s | %s |'%(n,lim[l],w))
out+=['','### ioctl requests','','| Request | Why |','|---|---|']
for _,n,w in ioc: out.append('| `%s` | %s |'%(n,w))
out+=['','### Sanitizer builds only','','| Call | Why |','|---|---|']
for n,l,w in san: out.append('| `%s` | %s |'%(n,w))
tbl='\n'.join(out)+'\n'
d=open('docs/security.md').read()
a=d.index('### The allowlist\n\n')+len('### The allowlist\n\n')
b=d.index('\nThe sanitizer builds (ASan+UBSan, TSan)')
d=d[:a]+tbl+d[b:]
open('docs/security.md','w').write(d)
print(len(rules),len(ioc),len(san))
