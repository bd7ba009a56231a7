"""A seccomp filter for the sandbox: system calls that student code never needs fail with EPERM.

bubblewrap loads a compiled classic-BPF program (``bwrap --seccomp FD``);
this module writes that program, for x86-64 and aarch64. Denied: making
namespaces (unshare, setns, clone with a CLONE_NEW* flag; clone3, whose flags
a filter cannot read, answers ENOSYS so that the C library falls back to
clone), ptrace (so no process of a submission can steer its worker), mounts,
kernel keyrings, BPF, perf events, userfaultfd, io_uring, kernel modules and
kexec; every system call of another ABI (32-bit x86 via int 0x80, x32),
whose numbers differ and would slip past the list. And, what a container's
own profile allows (``program(sandbox=False)`` leaves them out): socket(2),
so that no network socket, pathname or abstract unix socket can be made
(socketpair(2), a connected pair of the process's own, still works), and
System V IPC and POSIX message queues (objects that outlive a process and
that another submission could open), which holds where there are no network
and IPC namespaces.

bubblewrap loads it in the namespace sandbox (``descriptor()``); in the
sandbox without namespaces the worker loads it into itself (``install()``),
after no_new_privs.
"""

import ctypes
import os
import platform
import struct

# Classic BPF and seccomp constants (linux/filter.h, linux/seccomp.h, linux/audit.h).
LOAD_WORD, JUMP_EQUAL, JUMP_GREATER_EQUAL, JUMP_SET, RETURN = 0x20, 0x15, 0x35, 0x45, 0x06
ALLOW, ERRNO = 0x7FFF0000, 0x00050000
EPERM, ENOSYS = 1, 38
NR, ARCH, ARG0 = 0, 4, 16  # offsets in struct seccomp_data (arg0's low 32 bits: little-endian machines)
CLONE_NEW_ANY = 0x80 | 0x20000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000

ARCHITECTURES = {
    "x86_64": {"audit": 0xC000003E, "clone": 56, "clone3": 435, "x32": 0x40000000, "denied": {
        "unshare": 272, "setns": 308, "ptrace": 101, "mount": 165, "umount2": 166, "pivot_root": 155,
        "keyctl": 250, "add_key": 248, "request_key": 249, "bpf": 321, "perf_event_open": 298,
        "userfaultfd": 323, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
        "init_module": 175, "finit_module": 313, "delete_module": 176, "kexec_load": 246, "kexec_file_load": 320,
        "open_by_handle_at": 304, "fsopen": 430, "fsmount": 432, "move_mount": 429, "open_tree": 428},
    "sandbox_only": {"socket": 41, "shmget": 29, "shmat": 30, "shmctl": 31, "shmdt": 67, "semget": 64,
        "semop": 65, "semctl": 66, "semtimedop": 220, "msgget": 68, "msgsnd": 69, "msgrcv": 70, "msgctl": 71,
        "mq_open": 240}},
    "aarch64": {"audit": 0xC00000B7, "clone": 220, "clone3": 435, "x32": None, "denied": {
        "unshare": 97, "setns": 268, "ptrace": 117, "mount": 40, "umount2": 39, "pivot_root": 41,
        "keyctl": 219, "add_key": 217, "request_key": 218, "bpf": 280, "perf_event_open": 241,
        "userfaultfd": 282, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
        "init_module": 105, "finit_module": 273, "delete_module": 106, "kexec_load": 104, "kexec_file_load": 294,
        "open_by_handle_at": 265, "fsopen": 430, "fsmount": 432, "move_mount": 429, "open_tree": 428},
    "sandbox_only": {"socket": 198, "shmget": 194, "shmat": 196, "shmctl": 195, "shmdt": 197, "semget": 190,
        "semop": 193, "semctl": 191, "semtimedop": 192, "msgget": 186, "msgsnd": 189, "msgrcv": 188, "msgctl": 187,
        "mq_open": 180}},
}


def _instruction(code, k, jump_true=0, jump_false=0):
    return struct.pack("=HBBI", code, jump_true, jump_false, k)


def program(machine=None, sandbox=True):
    """The filter as bytes (struct sock_filter[]), or None on an architecture this module does not know.

    sandbox -- deny sockets and IPC too (False: a filter like a container runtime's default, for the tests)
    """
    table = ARCHITECTURES.get(machine or platform.machine())
    if table is None:
        return None
    denied = sorted([*table["denied"].values(), *(table["sandbox_only"].values() if sandbox else [])])
    # Layout: checks, then the four returns at the end; jumps count the instructions they skip.
    checks = [("load", ARCH), ("arch", table["audit"]), ("load", NR)]
    if table["x32"] is not None:
        checks.append(("x32", table["x32"]))
    checks += [("deny", number) for number in denied]
    checks += [("clone3", table["clone3"]), ("clone", table["clone"])]
    tail = ["allow", "eperm", "enosys", "clone_flags", "clone_check", "allow_clone"]
    size = len(checks) + len(tail)
    position = {name: len(checks) + index for index, name in enumerate(tail)}
    code = []
    for index, (kind, value) in enumerate(checks):
        def to(label):
            return position[label] - index - 1
        if kind == "load":
            code.append(_instruction(LOAD_WORD, value))
        elif kind == "arch":
            code.append(_instruction(JUMP_EQUAL, value, 0, to("eperm")))
        elif kind == "x32":
            code.append(_instruction(JUMP_GREATER_EQUAL, value, to("eperm"), 0))
        elif kind == "deny":
            code.append(_instruction(JUMP_EQUAL, value, to("eperm"), 0))
        elif kind == "clone3":
            code.append(_instruction(JUMP_EQUAL, value, to("enosys"), 0))
        elif kind == "clone":
            code.append(_instruction(JUMP_EQUAL, value, to("clone_flags"), to("allow")))
    code += [_instruction(RETURN, ALLOW), _instruction(RETURN, ERRNO | EPERM), _instruction(RETURN, ERRNO | ENOSYS),
             _instruction(LOAD_WORD, ARG0), _instruction(JUMP_SET, CLONE_NEW_ANY, 0, 1),
             _instruction(RETURN, ERRNO | EPERM), _instruction(RETURN, ALLOW)]
    assert len(code) == size + 1
    return b"".join(code)


def descriptor():
    """A file descriptor holding the program, for bwrap --seccomp (the caller closes it), or None."""
    filter_program = program()
    if filter_program is None:
        return None
    fd = os.memfd_create("autograder-seccomp", 0)
    os.write(fd, filter_program)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


class _Program(ctypes.Structure):  # struct sock_fprog
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]


PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2


def install(filter_program):
    """Load a filter (bytes from program()) into this thread and all it starts; no_new_privs must be set first
    (or the caller hold CAP_SYS_ADMIN). Raises OSError."""
    libc = ctypes.CDLL(None, use_errno=True)
    fprog = _Program(len(filter_program) // 8, filter_program)
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"loading the seccomp filter: {os.strerror(error)}")
