"""Not an attack: a submission that measures its own confinement from inside the worker, in both grader modes
(root, or an ordinary user). Every layer of the sandbox README's table is checked; a missing one makes
count_quadratic_terms raise naming it (and score 0), so full marks prove every layer is in force.

Measured: uid/gid (the slot uid as root; the grader's own uid, alone in its user namespace, otherwise), no
capabilities, no-new-privileges, every rlimit, the PID namespace (nothing outside it visible, its pid_max), the
bound on processes in force (a worker cgroup v2 of its own where the grader has a delegated one, else RLIMIT_NPROC),
no nested user namespace, the network (only lo), the read-only root, which folders are writable (only the
private tmpfs ones), what is visible (answer key, source notebooks, submissions, output folder, /root,
/home, /run), the private /tmp, the working directory.
"""

INSERT_AFTER = {
    'sigmoid': """\
import ctypes, errno, os, resource, sys
MISSING = []
ROOT = @ROOT@
status = dict(line.split(':', 1) for line in open('/proc/self/status').read().splitlines() if ':' in line)
uid_map = open('/proc/self/uid_map').read().split()
if ROOT:
    if os.getuid() < 61000 or os.getuid() == 65534 or os.getgid() != os.getuid() or os.getgroups():
        MISSING.append(f'uid {os.getuid()} gid {os.getgid()} groups {os.getgroups()}')
elif uid_map != [str(os.getuid()), str(os.getuid()), '1']:
    MISSING.append(f'user namespace (uid_map {uid_map})')
if status['CapEff'].strip() != '0000000000000000' or status['CapBnd'].strip() != '0000000000000000' and not ROOT:
    MISSING.append(f"capabilities {status['CapEff'].strip()} {status['CapBnd'].strip()}")
if status['NoNewPrivs'].strip() != '1':
    MISSING.append('no_new_privs')
want = {resource.RLIMIT_NPROC: 64, resource.RLIMIT_AS: 1024 * 2**20, resource.RLIMIT_CORE: 0,
        resource.RLIMIT_FSIZE: 64 * 2**20, resource.RLIMIT_NOFILE: 256, resource.RLIMIT_CPU: 35}
for which, value in want.items():
    if resource.getrlimit(which) != (value, value):
        MISSING.append(f'rlimit {which}: {resource.getrlimit(which)}')
pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())
if os.getpid() > 10 or max(pids) > 400:
    MISSING.append(f'PID namespace (my pid {os.getpid()}, visible {pids[:8]})')
if int(open('/proc/sys/kernel/pid_max').read()) > 400:
    MISSING.append('pid_max of the PID namespace')
# The bound in force: a worker cgroup of its own where the grader has a delegated cgroup v2 (CGROUP: whether it
# should; None when the test cannot tell for this grader), else RLIMIT_NPROC and pid_max above
own_cgroup = [line[3:] for line in open('/proc/self/cgroup').read().splitlines() if line.startswith('0::')]
in_worker_cgroup = bool(own_cgroup) and os.path.basename(own_cgroup[0]).startswith('autograder-worker-')
if @CGROUP@ is not None and in_worker_cgroup != @CGROUP@:
    MISSING.append(f'process bound: cgroup {own_cgroup} (a worker cgroup expected: {@CGROUP@})')
libc = ctypes.CDLL(None, use_errno=True)
if not ROOT and libc.unshare(0x10000000) == 0:  # (as root the learner has no user namespace to limit)
    MISSING.append('a nested user namespace could be created')
ifaces = [l.split(':')[0].strip() for l in open('/proc/net/dev').read().splitlines()[2:]]
if ifaces != ['lo']:
    MISSING.append(f'network interfaces {ifaces}')
for path in ('/', '/etc', '/usr', os.path.dirname(os.__file__)):
    try:
        open(os.path.join(path, '.autograder-probe'), 'w').close()
        MISSING.append(f'{path} is writable')
    except OSError:
        pass
# Only the private tmpfs folders may be written: every other mount is read-only (device nodes and /proc aside)
private = ('/tmp', '/var/tmp', '/dev/shm')
for line in open('/proc/self/mountinfo').read().splitlines():
    fields = line.split()
    point, options, fstype = fields[4], fields[5].split(','), fields[fields.index('-') + 1]
    if 'rw' in options and fstype != 'proc' and not point.startswith(private) and not point.startswith('/dev/'):
        MISSING.append(f'{point} ({fstype}) is mounted writable')
for path in ('/', '/dev', '/run', '/var', '/home', '/opt', '/srv'):
    if os.access(path, os.W_OK):
        MISSING.append(f'{path} is writable')
# Folders that hold the Python installation show the path to it, nothing else
needed = {p.split('/')[2] for p in (sys.prefix, sys.base_prefix, @PROJECT@) if p.count('/') >= 2}
for secret in (@COURSE_LIB@, @PROJECT@ + '/notebooks', @PROJECT@ + '/autograder/exercises', @SUBMITTED@, @OUT_DIR@,
               '/root', '/home', '/run', '/var/lock', '/run/lock', '/srv', '/mnt'):
    try:
        if set(os.listdir(secret)) - needed:
            MISSING.append(f'{secret} visible')
    except OSError:
        pass
allowed = {'submission'} | {p.split('/')[2] for p in (@PROJECT@, sys.prefix) if p.startswith('/tmp/')}
if not set(os.listdir('/tmp')) <= allowed:
    MISSING.append(f'/tmp holds {sorted(os.listdir("/tmp"))[:5]}')
if not os.getcwd().startswith('/tmp/submission/'):
    MISSING.append(f'cwd {os.getcwd()}')
""",
}
SOLUTIONS = {
    'count_quadratic_terms': "def count_quadratic_terms(n_features):\n    if n_features < 0:\n        raise ValueError(n_features)\n    if MISSING:\n        raise ValueError(f'layers missing: {MISSING}')\n    return n_features * (n_features + 1) // 2\n",
}

EXPECTED = {}
