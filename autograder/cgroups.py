"""Limits for everything one submission starts, together: a control group per sandbox (Linux cgroups v2 or v1).

Resource limits (rlimits) bound each process; a submission that starts many
processes, or keeps both cores busy, is bounded only as a whole. A control
group holds the sandbox's processes and all they start: its memory (tmpfs
files included), its number of processes and its CPU time (one core at most,
so concurrent submissions share the machine fairly).

The groups are made under the grader's own control group: with cgroups v2
where its controllers are delegated (root, or a systemd user slice with
Delegate=yes), with v1's memory, pids and cpu hierarchies otherwise (root).
``Hierarchy.find()`` says which one works, or why none does.
"""

import itertools
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

CONTROLLERS = ("memory", "pids", "cpu")


@dataclass(frozen=True)
class Limits:
    memory: int = 2 * 2**30  # bytes, the sandbox's processes and files together
    processes: int = 64
    cpus: float = 1.0  # at most this many cores' worth of CPU time


def _mounts():
    """(mount point, fstype, super options) of each cgroup file system."""
    found = []
    with open("/proc/self/mountinfo") as mountinfo:
        for line in mountinfo:
            before, after = line.split(" - ", 1)
            fstype, _, options = after.split()[:3]
            if fstype in ("cgroup", "cgroup2"):
                found.append((before.split()[4], fstype, set(options.split(","))))
    return found


def _own_paths():
    """This process's control group path, per v1 controller, and under "" for v2."""
    paths = {}
    with open("/proc/self/cgroup") as cgroup:
        for line in cgroup:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            for controller in controllers.split(",") if controllers else [""]:
                paths[controller] = path
    return paths


_names = itertools.count()


class Hierarchy:
    """Where the grader makes its control groups: {controller: folder} (v1), or one folder (v2)."""

    def __init__(self, version, folders):
        self.version, self.folders = version, folders

    def summary(self):
        return (f"cgroups v{self.version} "
                f"({', '.join(sorted({str(folder) for folder in self.folders.values()}))})")

    @classmethod
    def find(cls):
        """The hierarchy to use; raises OSError saying why there is none."""
        mounts, own = _mounts(), _own_paths()
        reasons = []
        for point, fstype, options in mounts:
            if fstype == "cgroup2" and "" in own:
                folder = Path(point) / own[""].lstrip("/")
                try:
                    available = set((folder / "cgroup.controllers").read_text().split())
                    if not set(CONTROLLERS) <= available:
                        raise OSError(f"controllers {', '.join(sorted(set(CONTROLLERS) - available))} "
                                      "are not delegated to the grader")
                    return cls._checked(2, {c: folder for c in CONTROLLERS})
                except OSError as error:
                    reasons.append(f"v2 at {folder}: {error.strerror or error}")
        folders = {}
        for point, fstype, options in mounts:
            for controller in CONTROLLERS:
                if fstype == "cgroup" and controller in options and controller in own:
                    folders[controller] = Path(point) / own[controller].lstrip("/")
        if set(folders) == set(CONTROLLERS):
            try:
                return cls._checked(1, folders)
            except OSError as error:
                reasons.append(f"v1: {error.strerror or error}")
        elif not reasons:
            reasons.append("no cgroup file system with the memory, pids and cpu controllers is mounted")
        raise OSError("; ".join(reasons))

    @classmethod
    def _checked(cls, version, folders):
        hierarchy = cls(version, folders)
        hierarchy.sweep()
        group = hierarchy.create(Limits())  # raises if this process may not make groups here
        group.remove()
        return hierarchy

    def sweep(self):
        """Remove the empty groups that graders killed before they could clean up left behind."""
        for folder in dict.fromkeys(self.folders.values()):
            for group in folder.glob("autograder-*-*"):
                pid = group.name.split("-")[1]
                if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                    try:
                        group.rmdir()  # fails, harmlessly, while processes are still in it
                    except OSError:
                        pass

    def create(self, limits):
        """A new control group with these limits (empty: put processes in with Group.entry_files)."""
        name = f"autograder-{os.getpid()}-{next(_names)}"
        group = Group(self.version, {c: folder / name for c, folder in self.folders.items()})
        try:
            group.make(limits)
        except OSError:
            group.remove()
            raise
        return group


class Group:
    """One sandbox's control group."""

    def __init__(self, version, folders):
        self.version, self.folders = version, folders

    def _write(self, controller, name, value):
        (self.folders[controller] / name).write_text(str(value))

    def make(self, limits):
        if self.version == 2:
            folder = self.folders["memory"]
            parent = folder.parent
            enabled = set((parent / "cgroup.subtree_control").read_text().split())
            if not set(CONTROLLERS) <= enabled:
                (parent / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in CONTROLLERS))
            folder.mkdir()
            self._write("memory", "memory.max", limits.memory)
            self._write("memory", "memory.swap.max", 0)
            self._write("pids", "pids.max", limits.processes)
            self._write("cpu", "cpu.max", f"{int(limits.cpus * 100_000)} 100000")
        else:
            for folder in dict.fromkeys(self.folders.values()):
                folder.mkdir()
            self._write("memory", "memory.limit_in_bytes", limits.memory)
            swap = self.folders["memory"] / "memory.memsw.limit_in_bytes"
            if swap.exists():
                swap.write_text(str(limits.memory))
            self._write("pids", "pids.max", limits.processes)
            self._write("cpu", "cpu.cfs_period_us", 100_000)
            self._write("cpu", "cpu.cfs_quota_us", int(limits.cpus * 100_000))

    def entry_files(self):
        """Open files whose writing of "0" moves the writing process into the group (for a forked child)."""
        return [os.open(folder / "cgroup.procs", os.O_WRONLY | os.O_CLOEXEC)
                for folder in dict.fromkeys(self.folders.values())]

    def processes(self):
        try:
            return [int(pid) for pid in (self.folders["pids"] / "cgroup.procs").read_text().split()]
        except OSError:
            return []

    def kill(self):
        """Kill every process in the group (cgroup.kill on v2; one by one, in rounds, on v1)."""
        kill_file = self.folders["pids"] / "cgroup.kill"
        if self.version == 2 and kill_file.exists():
            try:
                kill_file.write_text("1")
            except OSError:
                pass
        for _ in range(50):
            pids = self.processes()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.002)

    def peak_memory(self):
        """The group's peak memory in bytes, or None where the kernel does not say."""
        name = "memory.peak" if self.version == 2 else "memory.max_usage_in_bytes"
        try:
            return int((self.folders["memory"] / name).read_text())
        except (OSError, ValueError):
            return None

    def remove(self):
        """Remove the group (killing what is left in it), within a second."""
        self.kill()
        for folder in dict.fromkeys(self.folders.values()):
            deadline = time.monotonic() + 1.0
            while folder.exists():
                try:
                    folder.rmdir()
                except FileNotFoundError:
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.005)
