"""The isolation layers one by one: Landlock and the seccomp filter as a process sees them, the interpreter's link
chain of a Debian venv, and the example class graded under each layer with Debian's own Python.

A stock Debian or Ubuntu machine runs the README's `make` with /usr/bin/python3, whose venv's bin/python is a
link to /usr/bin/python3, itself a link to python3.11: the namespace sandbox must hold every link. Under the
layer without namespaces (Gradescope's and Kubernetes' containers), the same grades must come out.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from conftest import REPO, make_venv

from autograder import sandbox
from autograder.inside import landlock

DEBIAN_PYTHON = "/usr/bin/python3.11"
needs_landlock = pytest.mark.skipif(landlock.abi() < 1, reason="this kernel has no Landlock")


def run_python(code, **options):
    """Run code in a fresh interpreter with the kit importable; the finished process."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": str(REPO)}, **options)


@needs_landlock
def test_landlock_allows_the_list_and_denies_the_rest(tmp_path):
    allowed, scratch, secret = tmp_path / "allowed", tmp_path / "scratch", tmp_path / "secret.txt"
    allowed.mkdir()
    scratch.mkdir()
    (allowed / "data.txt").write_text("public")
    secret.write_text("hidden")
    listener = socket.create_server(("127.0.0.1", 0))
    result = run_python(f"""
        import ctypes, os, socket, sys
        from autograder.inside import landlock
        ctypes.CDLL(None).prctl(38, 1, 0, 0, 0)  # no_new_privs
        version = landlock.restrict(read=[sys.base_prefix, sys.prefix, "/usr/lib", "/lib", "/lib64", {str(allowed)!r}],
                                    write=[{str(scratch)!r}], devices=["/dev/null"])
        seen = {{"version": version, "public": open({str(allowed / 'data.txt')!r}).read()}}
        open({str(scratch / 'out.txt')!r}, "w").write("written")
        for name, attempt in (("secret", lambda: open({str(secret)!r}).read()),
                              ("list", lambda: os.listdir({str(tmp_path)!r})),
                              ("write", lambda: open({str(allowed / 'new.txt')!r}, "w")),
                              ("proc", lambda: open("/proc/self/status").read()),
                              ("tcp", lambda: socket.create_connection(("127.0.0.1", {listener.getsockname()[1]}), 2)),
                              ("signal", lambda: os.kill(os.getppid(), 0))):
            try:
                attempt()
                seen[name] = "allowed"
            except OSError as error:
                seen[name] = type(error).__name__
        print(__import__("json").dumps(seen))
    """)
    listener.close()
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["public"] == "public" and (scratch / "out.txt").read_text() == "written"
    for name in ("secret", "list", "write", "proc"):
        assert seen[name] == "PermissionError", (name, seen)
    held = landlock.holds(seen["version"])
    assert (seen["tcp"] != "allowed") == held["tcp"]
    assert (seen["signal"] != "allowed") == held["signals"]


def test_the_filter_denies_sockets_and_namespaces_but_not_a_socket_pair():
    result = run_python("""
        import ctypes, json, os, socket
        from autograder.inside import seccomp
        ctypes.CDLL(None).prctl(seccomp.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        seccomp.install(seccomp.program())
        libc = ctypes.CDLL(None, use_errno=True)

        def unshare():  # a user namespace (os.unshare is Python 3.12's)
            if libc.unshare(0x10000000) != 0:
                raise OSError(ctypes.get_errno(), "unshare")

        def shared_memory():  # a System V segment, which would outlive the process
            if libc.shmget(0, 4096, 0o1600) < 0:
                raise OSError(ctypes.get_errno(), "shmget")

        seen = {"pair": len(socket.socketpair())}
        for name, attempt in (("inet", lambda: socket.socket(socket.AF_INET)),
                              ("unix", lambda: socket.socket(socket.AF_UNIX)), ("unshare", unshare),
                              ("shm", shared_memory)):
            try:
                attempt()
                seen[name] = "allowed"
            except OSError as error:
                seen[name] = error.errno
        print(json.dumps(seen))
    """)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"pair": 2, "inet": 1, "unix": 1, "unshare": 1, "shm": 1}  # EPERM


def test_the_interpreter_chain_follows_every_link(tmp_path):
    (tmp_path / "bin").mkdir()
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "python3.11"
    real.write_text("")
    (tmp_path / "bin" / "python3").symlink_to(real)
    (tmp_path / "bin" / "python").symlink_to("python3")
    chain = sandbox.interpreter_chain(tmp_path / "bin" / "python")
    assert chain == [(str(tmp_path / "bin" / "python"), "python3"), (str(tmp_path / "bin" / "python3"), str(real)),
                     (str(real), None)]


@pytest.fixture(scope="module")
def debian_venv():
    """A venv made by Debian's own /usr/bin/python3.11 -m venv (the packages linked from this one), readable by
    every user as a venv of a Debian machine is; the course kit on its path, as `make venv` puts it."""
    if not os.path.exists(DEBIAN_PYTHON) or os.path.realpath(sys.base_prefix) == "/usr":
        pytest.skip(f"needs Debian's {DEBIAN_PYTHON} beside a development Python (install python3 and python3-venv)")
    folder = Path(tempfile.mkdtemp(prefix="debian-venv-"))
    folder.chmod(0o755)
    venv = folder / "venv"
    make_venv(venv, DEBIAN_PYTHON)
    next(venv.glob("lib/python3*/site-packages")).joinpath("course-kit.pth").write_text(f"{REPO}\n")
    yield venv
    shutil.rmtree(folder, ignore_errors=True)


def test_a_debian_venv_links_through_usr_bin(debian_venv):
    chain = [path for path, _ in sandbox.interpreter_chain(debian_venv / "bin" / "python")]
    assert chain[0] == str(debian_venv / "bin" / "python") and chain[-1] == os.path.realpath(DEBIAN_PYTHON)
    assert any(path.startswith("/usr/bin/") for path in chain)


@pytest.mark.parametrize("without, layer", [("", "namespaces"), ("namespaces", "landlock")])
def test_the_example_class_grades_alike_with_debians_python(debian_venv, tmp_path, without, layer):
    if layer == "landlock" and (landlock.abi() < 1 or os.geteuid() != 0 and landlock.abi() < 6):
        pytest.skip("no Landlock layer on this kernel")
    if layer == "namespaces" and os.geteuid() != 0:
        pytest.skip("the namespace layer as an ordinary user depends on the kernel's settings")
    shutil.copytree(REPO / "examples" / "submissions", tmp_path / "submitted")
    environment = {**os.environ, "AUTOGRADER_WITHOUT": without}
    doctor = subprocess.run([str(debian_venv / "bin" / "python"), "-m", "autograder", "doctor"], cwd=REPO,
                            capture_output=True, text=True, env=environment, timeout=120)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert f"layer: {layer} " in doctor.stdout and f"seen from the inside ({layer})" in doctor.stdout
    result = subprocess.run([str(debian_venv / "bin" / "python"), "-m", "autograder", "grade", "regularization",
                             "--course-dir", str(tmp_path), "--quiet", "--jobs", "2"], cwd=REPO, capture_output=True,
                            text=True, env=environment, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    totals = {student: json.loads((tmp_path / "autograded" / student / "regularization" / "results.json")
                                  .read_text())["score"] for student in ("ada", "ben", "cleo", "dev")}
    assert totals == {"ada": 10, "ben": 3, "cleo": 0, "dev": 10}


def test_a_failed_namespace_sandbox_says_what_failed():
    """Under a container's seccomp profile, the reason names the filter, not a sysctl."""
    from tools import container_like
    command, descriptors = container_like.wrap([sys.executable, "-m", "autograder", "doctor"], "user")
    try:
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120,
                                pass_fds=descriptors, env={**os.environ, "AUTOGRADER_WITHOUT": "landlock"})
    finally:
        for descriptor in descriptors:
            os.close(descriptor)
    assert result.returncode == 1, result.stdout
    assert "bubblewrap cannot make its namespaces here" in result.stdout
    assert "this process runs under a seccomp filter" in result.stdout  # beside what bwrap itself guesses
    assert "uid: needs root" in result.stdout
