"""The protections around a child that runs student code (Linux), applied right after the fork.

- limits: CPU time, address space, file size (so output is bounded), no core files;
  and, once the uid is dropped, the number of processes;
- no network: a new, empty network namespace (needs root, or unprivileged user namespaces);
- hidden files: a new mount namespace in which the course directory's grading files and the
  kit's source/, autograder/ and tests/ are covered by empty, read-only mounts (needs root);
- an unprivileged user: when the grader runs as root, the child switches to a uid and gid of the
  grading run's own, which no account uses.

``probe()`` tries each one in a throw-away child and says which are available; the worker
applies those that are (``enter``). Where one is not, grading still works and the report says so.
"""

import ctypes
import json
import os
import resource
import shutil
import signal
import sys
import tempfile
import time

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 1
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
# The uid and gid for student code, one per worker process (this module is imported by the worker
# before it forks): above the 16-bit range that accounts use, and distinct between grading runs,
# so that killing every process of this uid kills a child's leftovers and nothing else.
SANDBOX_ID = 100_000 + os.getpid() % 100_000

MEMORY_BYTES = 2**30  # on top of what the worker already maps
FILE_BYTES = 16 * 2**20
PROCESSES = 64

PROTECTIONS = {
    "limits": "CPU time, memory, file size and output limits",
    "network": "no network (a new network namespace)",
    "hidden_files": "gradebook, submissions, source/ and hidden tests hidden (a new mount namespace)",
    "unprivileged": "student code runs as an unprivileged user of its own, not as the grader's",
}

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _unshare(flags, what):
    _check(_libc.unshare(flags), what)


def _mount(source, target, fstype, flags, data=None):
    _check(_libc.mount(source.encode() if source else None, target.encode(), fstype.encode() if fstype else None,
                       flags, data.encode() if data else None), f"mount on {target}")


def limit_resources(cpu_seconds, processes=False):
    """Limits for the calling process (a child about to run student code)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writing past the limit fails with an error instead
    resource.setrlimit(resource.RLIMIT_CPU, (int(cpu_seconds) + 1, int(cpu_seconds) + 2))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_BYTES, FILE_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    with open("/proc/self/statm") as handle:
        mapped = int(handle.read().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (mapped + MEMORY_BYTES, mapped + MEMORY_BYTES))
    if processes:
        resource.setrlimit(resource.RLIMIT_NPROC, (PROCESSES, PROCESSES))


def isolate_network():
    if os.geteuid() == 0:
        _unshare(CLONE_NEWNET, "new network namespace")
    else:
        _unshare(CLONE_NEWUSER | CLONE_NEWNET, "new user and network namespaces")


def hide(paths, scratch):
    """Cover each existing path with an empty read-only mount, in a new mount namespace.

    Also makes the Python installation reachable by any user when it sits in a private folder
    (e.g. /root/.pyenv): that folder is covered by an empty one holding only the installation.
    scratch -- an empty folder of the caller's, used as a mount point on the way
    """
    _unshare(CLONE_NEWNS, "new mount namespace")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _expose_python(scratch)
    for path in paths:
        if os.path.isdir(path):
            _mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=4k,mode=0555")
        elif os.path.exists(path):
            _mount("/dev/null", path, None, MS_BIND)
            _mount(None, path, None, MS_BIND | MS_REMOUNT | MS_RDONLY)


def _expose_python(scratch):
    prefix = os.path.realpath(sys.base_prefix)
    parts = prefix.strip("/").split("/")
    for depth in range(1, len(parts)):
        private = "/" + "/".join(parts[:depth])
        if not os.stat(private).st_mode & 0o001:
            kept = "/" + "/".join(parts[:depth + 1])
            keep = os.path.join(scratch, ".python")
            os.mkdir(keep)
            _mount(kept, keep, None, MS_BIND | MS_REC)
            _mount("tmpfs", private, "tmpfs", 0, "size=64k,mode=0755")
            os.mkdir(kept, 0o755)
            _mount(keep, kept, None, MS_BIND | MS_REC)
            return


def drop_privileges():
    os.setgroups([])
    os.setgid(SANDBOX_ID)
    os.setuid(SANDBOX_ID)


def enter(available, folder, hidden_paths, cpu_seconds):
    """Apply the available protections to the calling child, in an order that works.

    available -- set of protection names from probe()
    folder -- the child's own folder (given to the sandbox's uid when privileges are dropped)
    """
    unprivileged = "unprivileged" in available
    if unprivileged:  # before any mount: a mount point inside the folder must keep its owner
        for path in [folder, *(os.path.join(folder, name) for name in os.listdir(folder))]:
            os.chown(path, SANDBOX_ID, SANDBOX_ID)
    if "network" in available:
        isolate_network()
    if "hidden_files" in available:
        hide(hidden_paths, folder)
    elif unprivileged:
        try:
            hide([], folder)  # for the Python installation only
        except OSError:
            pass
    if unprivileged:
        drop_privileges()
    if "limits" in available:
        limit_resources(cpu_seconds, processes=unprivileged)


def _sandbox_processes():
    """Pids of the live (not zombie) processes of the sandbox's uid.

    Read from /proc/<pid>/status, not from the owner of /proc/<pid>, which is root for a
    process that made itself non-dumpable.
    """
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", "rb") as status:
                fields = dict(line.split(b":", 1) for line in status if line.startswith((b"State:", b"Uid:")))
            if int(fields[b"Uid"].split()[0]) == SANDBOX_ID and not fields[b"State"].strip().startswith(b"Z"):
                found.append(int(entry.name))
        except (OSError, KeyError, ValueError, IndexError):
            pass  # it ended meanwhile
    return found


def kill_leftovers():
    """Kill every process of the sandbox's uid (what a child left behind, even in another group)."""
    for _ in range(50):  # a process may fork while the others are killed: bounded rounds
        if not _sandbox_processes():
            return
        pid = os.fork()
        if pid == 0:
            try:
                # kill(-1) as the sandbox's uid: all its processes, and no pid that was reused meanwhile.
                os.setgid(SANDBOX_ID)
                os.setuid(SANDBOX_ID)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        time.sleep(0.001)


def probe():
    """Which protections work here: {name: "active" or the reason it is not}.

    The environment variable AUTOGRADER_WITHOUT (names separated by commas) turns protections
    off, for a machine where one misbehaves.
    """
    report = {}
    without = {name.strip() for name in os.environ.get("AUTOGRADER_WITHOUT", "").split(",") if name.strip()}
    for name in PROTECTIONS:
        if name in without:
            report[name] = "not available: turned off by AUTOGRADER_WITHOUT"
            continue
        scratch = tempfile.mkdtemp(prefix="probe-")
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            try:
                if name == "limits":
                    limit_resources(1)
                elif name == "network":
                    isolate_network()
                elif name == "hidden_files":
                    hide([], scratch)
                elif name == "unprivileged":
                    if os.geteuid() != 0:
                        raise ValueError("the grader does not run as root, so it cannot switch to another user")
                    try:
                        hide([], scratch)  # which makes the Python installation readable, where it can
                    except OSError:
                        pass
                    drop_privileges()
                    if not os.access(os.path.dirname(os.__file__), os.R_OK | os.X_OK):
                        raise ValueError(f"an unprivileged user cannot read the Python installation {sys.base_prefix}")
                message = "active"
            except (OSError, ValueError) as error:
                message = f"not available: {error.strerror if getattr(error, 'strerror', None) else error}"
            os.write(write, json.dumps(message).encode())
            os._exit(0)
        os.close(write)
        with os.fdopen(read) as handle:
            text = handle.read()
        os.waitpid(pid, 0)
        shutil.rmtree(scratch, ignore_errors=True)
        report[name] = json.loads(text) if text else "not available: the probe crashed"
    return report


def describe(report):
    """The report as lines of text, one per protection."""
    return "\n".join(f"  {'[on] ' if status == 'active' else '[off]'} {PROTECTIONS[name]}"
                     + ("" if status == "active" else f" ({status})") for name, status in report.items())
