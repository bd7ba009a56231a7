"""Landlock: an unprivileged process limits what it, and everything it starts, may touch (Linux 5.13 and later).

Where no namespace can be made (Docker's default seccomp profile, a Kubernetes
pod, a JupyterHub user server), Landlock still works: a process builds a
ruleset, adds the paths it may use, and restricts itself; the restriction is
inherited by its children and can only be tightened, never undone. This
module is the small part of the kernel's interface the sandbox needs, called
through ctypes (PyPI's ``landlock`` has file rules only; nothing else fits).

The kernel's ABI versions and what each adds (``landlock_create_ruleset(NULL,
0, LANDLOCK_CREATE_RULESET_VERSION)`` returns the highest one):

====  ======  =====================================================================
ABI   Linux   adds
====  ======  =====================================================================
1     5.13    files: execute, read and write files, read folders, make and remove
              files, folders, links, sockets, FIFOs and devices
2     5.19    REFER: moving or linking a file between folders
3     6.2     TRUNCATE: truncate(2), open(2) with O_TRUNC
4     6.7     network: bind(2) and connect(2) on TCP ports
5     6.10    IOCTL_DEV: ioctl(2) on device files
6     6.12    scopes: abstract unix sockets and signals, to processes outside the
              domain (the restricted process and what it starts)
7     6.15    audit logging flags (nothing to restrict)
====  ======  =====================================================================

A domain never reaches out of itself for ptrace or /proc/<pid>/{mem,fd,environ}
of processes outside it (any ABI). What Landlock does not restrict: stat(2)
and path lookup (a file's existence, size and times can be seen, not its
content), reading /proc entries that need no ptrace access, UDP and pathname
unix sockets (the seccomp filter denies socket(2) for those), and resources
(rlimits and control groups do).

The system call numbers 444-446 are the same on every architecture.
"""

import ctypes
import os
import stat

CREATE_RULESET, ADD_RULE, RESTRICT_SELF = 444, 445, 446
CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH, RULE_NET_PORT = 1, 2

# Access rights on files (struct landlock_path_beneath_attr.allowed_access), with the ABI that adds each.
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
FS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1, 5: (1 << 16) - 1}
FILE_ONLY = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV  # the rights a rule on a file may hold
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1

READ = EXECUTE | READ_FILE | READ_DIR
WRITE = (READ | WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_DIR | MAKE_REG | MAKE_FIFO | MAKE_SYM | REFER
         | TRUNCATE)  # no devices and no socket files


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def _call(number, *arguments):
    result = _libc.syscall(ctypes.c_long(number), *arguments)
    if result < 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))
    return result


def abi():
    """The kernel's Landlock ABI version (0 when Landlock is not built in, disabled at boot or blocked)."""
    try:
        return _call(CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(CREATE_RULESET_VERSION))
    except OSError:
        return 0


def holds(version):
    """What a domain restricted by this module holds at an ABI version: {name: bool}."""
    return {"files": version >= 1, "tcp": version >= 4, "signals": version >= 6, "abstract_sockets": version >= 6}


def restrict(read=(), write=(), devices=()):
    """Restrict this thread, and all it starts from now on, to the paths given; returns the ABI used.

    read -- folders and files that may be read and executed (not written)
    write -- folders whose contents may be read, written, made and removed
    devices -- device files that may be read, written and given ioctls (/dev/null)
    Every other file access is denied, TCP bind and connect too (ABI 4), and signals and abstract unix sockets
    to processes outside the domain (ABI 6). The caller must have set no_new_privs (or hold CAP_SYS_ADMIN).
    Paths that do not exist are skipped. Raises OSError when Landlock is missing or a call fails.
    """
    version = abi()
    if version < 1:
        raise OSError("Landlock is not available in this kernel (built without it, left out of the lsm= boot list, "
                      "or blocked by a seccomp profile)")
    handled = FS_BY_ABI[min(version, 5)]
    attr = _RulesetAttr(handled, NET_BIND_TCP | NET_CONNECT_TCP if version >= 4 else 0,
                        SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if version >= 6 else 0)
    size = ctypes.sizeof(_RulesetAttr) if version >= 6 else (16 if version >= 4 else 8)
    ruleset = _call(CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    try:
        for paths, rights in ((read, READ), (write, WRITE), (devices, READ_FILE | WRITE_FILE | IOCTL_DEV)):
            for path in paths:
                _add_path(ruleset, path, rights & handled)
        _call(RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0))
    finally:
        os.close(ruleset)
    return version


def _add_path(ruleset, path, rights):
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except FileNotFoundError:
        return
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            rights &= FILE_ONLY
        rule = _PathBeneathAttr(rights, fd)
        _call(ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(RULE_PATH_BENEATH), ctypes.byref(rule),
              ctypes.c_uint32(0))
    finally:
        os.close(fd)
