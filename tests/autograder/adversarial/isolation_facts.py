"""Not an attack: a submission that measures its own confinement from inside the worker (uid, capabilities,
no-new-privileges, every rlimit, hidden answer key, network, private /tmp, private /proc). When the grader runs as root every
layer must be in force, otherwise count_quadratic_terms raises naming the missing layers (and would score 0)."""

INSERT_AFTER = {
    'sigmoid': """\
import os, resource
MISSING = []
if @ROOT@:
    st = open('/proc/self/status').read()
    if os.getuid() < 61000 or os.getuid() == 65534 or os.getgid() != os.getuid() or os.getgroups():
        MISSING.append(f'uid {os.getuid()} gid {os.getgid()} groups {os.getgroups()}')
    if 'CapEff:\\t0000000000000000' not in st:
        MISSING.append('capabilities')
    if 'NoNewPrivs:\\t1' not in st:
        MISSING.append('no_new_privs')
    want = {resource.RLIMIT_NPROC: 64, resource.RLIMIT_AS: 1024 * 2**20, resource.RLIMIT_CORE: 0,
            resource.RLIMIT_FSIZE: 64 * 2**20, resource.RLIMIT_NOFILE: 256, resource.RLIMIT_CPU: 35}
    for which, value in want.items():
        if resource.getrlimit(which) != (value, value):
            MISSING.append(f'rlimit {which}: {resource.getrlimit(which)}')
    try:
        if os.listdir(@COURSE_LIB@):
            MISSING.append('answer key visible')
    except OSError:
        pass
    if os.path.exists(@PROJECT@ + '/notebooks') and os.listdir(@PROJECT@ + '/notebooks'):
        MISSING.append('source notebooks visible')
    ifaces = [l.split(':')[0].strip() for l in open('/proc/net/dev').read().splitlines()[2:]]
    if ifaces != ['lo']:
        MISSING.append(f'network interfaces {ifaces}')
    # /tmp is private: the submission, plus only the top folder of a project or environment that itself lives
    # under /tmp (a CI clone), which the grader mounts back with everything but the public checker hidden
    import sys
    allowed = {'submission'} | {p.split('/')[2] for p in (@PROJECT@, sys.prefix) if p.startswith('/tmp/')}
    if set(os.listdir('/tmp')) != allowed:
        MISSING.append(f'/tmp holds {sorted(os.listdir("/tmp"))[:5]}')
    others = [p for p in os.listdir('/proc') if p.isdigit() and os.stat('/proc/' + p).st_uid != os.getuid()]
    if others:
        MISSING.append(f'{len(others)} processes of other users visible')
    if not os.getcwd().startswith('/tmp/submission/'):
        MISSING.append(f'cwd {os.getcwd()}')
""",
}
SOLUTIONS = {
    'count_quadratic_terms': "def count_quadratic_terms(n_features):\n    if n_features < 0:\n        raise ValueError(n_features)\n    if MISSING:\n        raise ValueError(f'layers missing: {MISSING}')\n    return n_features * (n_features + 1) // 2\n",
}

EXPECTED = {}
