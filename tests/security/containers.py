"""Real Docker containers for the tests: Gradescope's route and a JupyterHub-like one, graded inside them.

The daemon and the base image come from .ci/docker: course-kit/bookworm:1, a
minimal Debian bookworm (python3 3.11, python3-venv, ca-certificates) made
with debootstrap, so that no container registry is needed. Every container
runs with ``--network none``; the pinned requirements come from a wheelhouse
(`wheelhouse()`, downloaded once per requirements.txt with the host's pip and
its configured indexes) bind-mounted read-only at /wheelhouse.

Two routes, each an image built once per content and cached by the daemon
under a tag named by a hash of what went into it:

- Gradescope (`gradescope_image`, `grade_upload`): the bundle unpacked into
  /autograder/source, its setup.sh run as root (pip offline:
  PIP_NO_INDEX=1, PIP_FIND_LINKS=/wheelhouse) and the container committed,
  as Gradescope builds its image. Each upload is then graded in a fresh
  container with Docker's default options (root, the default capabilities
  and seccomp profile, nothing added), by /autograder/run_autograder.
- JupyterHub-like (`jupyterhub_image`, `grade_class`): a venv at /opt/venv
  with the requirements, the course kit at /home/jovyan/kit (the files git
  knows, tracked or not ignored, and release/), owned by uid 1000, and a
  ``course-kit.pth`` naming it, as `make venv` does on a host. A course
  directory is copied in (owned by uid 1000) and graded by
  `python -m autograder grade` as uid 1000, with every capability dropped
  and no_new_privs.

What a student's code leaves behind must not change a grade after the
grader has finished, so each run waits SETTLE seconds after the grader
exits before its results are read (and keeps a copy of them taken the
moment the grader exited, to compare): a leftover process that rewrites a
results.json is caught.

Durations of the expensive steps are recorded in TIMINGS (and printed to
stderr as they happen).
"""

import contextlib
import fcntl
import hashlib
import io
import json
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BASE_IMAGE = "course-kit/bookworm:1"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "course-kit"
ENABLE_VARIABLE = "GRADER_TEST_DOCKER"
SETTLE = 3  # seconds between the grader's exit and reading its results
JOVYAN = 1000  # the JupyterHub user's uid and gid
HOME = "/home/jovyan"
KIT = f"{HOME}/kit"
COURSE = f"{HOME}/course"
VENV = "/opt/venv"
BUILD_TIMEOUT = 1200  # seconds for one image build (setup.sh installs the requirements)
RUN_TIMEOUT = 900  # seconds for one grading run
FIXED_MTIME = 1_700_000_000  # archives are the same bytes for the same files, so their hash can key a cache
# Docker's options for the JupyterHub-like route: an ordinary user with nothing extra (as a spawner's default).
JUPYTERHUB_OPTIONS = ("--user", f"{JOVYAN}:{JOVYAN}", "--cap-drop", "ALL", "--security-opt", "no-new-privileges")
LABEL = "course-kit.role"  # label of the images built here, by role, so that older ones can be removed

TIMINGS = []  # (what, seconds), in the order the steps ran


class DockerError(RuntimeError):
    """A docker command failed: the message holds the command and the end of its output."""


# ---------------------------------------------------------------------------
# Plumbing
# ---------------------------------------------------------------------------

@contextlib.contextmanager
def timed(what):
    """Record how long the block takes in TIMINGS, and say it on stderr."""
    start = time.monotonic()
    print(f"containers: {what}...", file=sys.stderr, flush=True)
    try:
        yield
    finally:
        seconds = time.monotonic() - start
        TIMINGS.append((what, seconds))
        print(f"containers: {what}: {seconds:.1f} s", file=sys.stderr, flush=True)


@contextlib.contextmanager
def locked(name):
    """An exclusive lock (a file in the cache), so that concurrent test sessions build a thing once."""
    folder = CACHE / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _tail(text, lines=40):
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return "\n".join((text or "").splitlines()[-lines:])


def docker(*arguments, input=None, timeout=120, check=True, text=True):
    """Run `docker <arguments>`; the finished process. Raises DockerError if check and it fails or times out."""
    command = ["docker", *arguments]
    try:
        result = subprocess.run(command, input=input, capture_output=True, text=text, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        raise DockerError(f"`{shlex.join(command)}` did not finish within {timeout} s:\n{_tail(error.stdout)}\n"
                          f"{_tail(error.stderr)}") from None
    except FileNotFoundError:
        raise DockerError("there is no docker command: run .ci/docker") from None
    if check and result.returncode != 0:
        raise DockerError(f"`{shlex.join(command)}` failed (exit status {result.returncode}):\n"
                          f"{_tail(result.stdout)}\n{_tail(result.stderr)}")
    return result


def unavailable():
    """Why the container tests cannot run here (a sentence), or None when they can.

    They run only when GRADER_TEST_DOCKER=1 (.ci/run sets it after .ci/docker succeeded), a Docker daemon
    answers and the base image exists.
    """
    if os.environ.get(ENABLE_VARIABLE) != "1":
        return (f"container tests run only with {ENABLE_VARIABLE}=1 and a Docker daemon (.ci/run starts one with "
                ".ci/docker and sets it)")
    if shutil.which("docker") is None:
        return "there is no docker command (.ci/docker installs docker.io)"
    try:
        info = docker("info", "--format", "{{.ServerVersion}}", timeout=30, check=False)
    except DockerError as error:
        return f"the Docker daemon does not answer ({error})"
    if info.returncode != 0:
        return f"the Docker daemon does not answer: {_tail(info.stderr, 3).strip()} (.ci/docker starts one)"
    if not image_id(BASE_IMAGE):
        return f"the base image {BASE_IMAGE} does not exist: run .ci/docker, which builds it"
    return None


def image_id(tag):
    """The image's id, or None when there is no image of that tag."""
    result = docker("image", "inspect", "--format", "{{.Id}}", tag, check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def _digest(*parts):
    hasher = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode()
        hasher.update(len(data).to_bytes(8, "big") + data)
    return hasher.hexdigest()


KEEP_IMAGES = 3  # images of each role kept (the newest), so that sessions of a few checkouts share the machine


def _remove_older(role, keep):
    """Remove the images of this role built from older files, all but the KEEP_IMAGES newest (keep among them),
    to bound the disk used. An image a container still uses stays (docker refuses, and that is ignored)."""
    listed = docker("image", "ls", "--filter", f"label={LABEL}={role}", "--format", "{{.Repository}}:{{.Tag}}",
                    check=False)  # newest first
    tags = [tag for tag in listed.stdout.split() if not tag.endswith(":<none>") and tag != keep]
    for tag in tags[KEEP_IMAGES - 1:]:
        docker("image", "rm", tag, check=False)


def _container(image, command, options=(), timeout=60):
    """Create (not start) a container; its id."""
    return docker("create", *options, image, *command, timeout=timeout).stdout.strip()


def _remove(container):
    docker("rm", "--force", container, check=False, timeout=120)


# ---------------------------------------------------------------------------
# Archives: what is copied into containers (docker cp - keeps the archive's owners and modes)
# ---------------------------------------------------------------------------

@dataclass
class Entry:
    """One member of an archive: a file (data), a folder (data None, link None) or a symbolic link (link)."""
    name: str
    data: bytes | None = None
    mode: int | None = None  # default: 0755 for a folder, 0644 for a file
    link: str | None = None
    owner: int = 0


def archive(entries):
    """The bytes of a tar archive of entries (a list of Entry), with a fixed time: the same entries, the same bytes."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for entry in entries:
            info = tarfile.TarInfo(entry.name)
            info.mtime = FIXED_MTIME
            info.uid = info.gid = entry.owner
            info.uname = info.gname = "jovyan" if entry.owner == JOVYAN else "root" if entry.owner == 0 else ""
            info.mode = entry.mode if entry.mode is not None else 0o755 if entry.data is None else 0o644
            if entry.link is not None:
                info.type, info.linkname, info.mode = tarfile.SYMTYPE, entry.link, 0o777
                tar.addfile(info)
            elif entry.data is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = len(entry.data)
                tar.addfile(info, io.BytesIO(entry.data))
    return buffer.getvalue()


def folders_of(names, prefix="", owner=0, mode=0o755):
    """Entries for every folder that holds one of names (paths relative to the archive), below prefix."""
    found = set()
    for name in names:
        parts = Path(name).parts[:-1]
        found.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    return [Entry(f"{prefix}{folder}", mode=mode, owner=owner) for folder in sorted(found)
            if f"{prefix}{folder}" not in ("", prefix.rstrip("/"))]


def files_from_archive(data):
    """{name: bytes} of the regular files of a tar archive (what `docker cp CONTAINER:PATH -` writes)."""
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return {member.name: tar.extractfile(member).read() for member in tar.getmembers() if member.isfile()}


def copy_in(container, entries, destination="/"):
    """Copy entries (a list of Entry, names relative to destination) into a container, owners and modes kept.

    (A tar archive on docker cp's standard input keeps its owners as they are; --archive would make Docker 20.10
    look the container's USER up by name, which fails for a numeric uid:gid.)
    """
    docker("cp", "-", f"{container}:{destination}", input=archive(entries), text=False, timeout=300)


def copy_out(container, path):
    """{name: bytes} of the files at path in a container (stopped or not), names starting with path's last part;
    {} when there is nothing at path."""
    result = docker("cp", f"{container}:{path}", "-", text=False, check=False, timeout=300)
    if result.returncode != 0:
        if b"No such container:path" in result.stderr or b"Could not find the file" in result.stderr:
            return {}
        raise DockerError(f"`docker cp {container}:{path} -` failed: {_tail(result.stderr)}")
    return files_from_archive(result.stdout)


# ---------------------------------------------------------------------------
# The wheelhouse
# ---------------------------------------------------------------------------

def host_python():
    """The host's venv interpreter (its pip reads the machine's pip configuration: the local indexes)."""
    venv = REPO / ".venv" / "bin" / "python"
    return venv if venv.exists() else Path(sys.executable)


def image_python(image=BASE_IMAGE):
    """The version of an image's python3 (e.g. 3.11.2), which the wheels must accept (Requires-Python)."""
    return docker("run", "--rm", "--network", "none", image, "python3", "-c",
                  "import platform; print(platform.python_version())").stdout.strip()


def wheelhouse(python_version=None, requirements=REPO / "requirements.txt"):
    """A folder holding a wheel of every pinned requirement and its dependencies, for the base image's Python.

    Downloaded once per content of requirements.txt and target Python (python_version, default the base
    image's: `image_python()`), with the host's pip and its configured indexes, wheels only, for that exact
    version (`--python-version`: a package may require a newer 3.11.x than Debian's), into
    CACHE/wheelhouse-<hash> (written to a temporary folder, then renamed: a folder there is complete). The
    platform tags are the host's, so the host must be a Linux of the image's architecture with no newer glibc
    than the image's (.ci/docker builds the image of the host's Debian). Returns its path; raises DockerError
    when pip fails.
    """
    python_version = python_version or image_python()
    python = host_python()
    key = _digest(Path(requirements).read_bytes(), python_version)[:16]
    folder = CACHE / f"wheelhouse-{key}"
    if folder.is_dir():
        return folder
    with locked(f"wheelhouse-{key}"):
        if folder.is_dir():
            return folder
        partial = CACHE / f"wheelhouse-{key}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        command = [str(python), "-m", "pip", "download", "--disable-pip-version-check", "--no-input", "--quiet",
                   "--only-binary", ":all:", "--python-version", python_version, "--implementation", "cp",
                   "-r", str(requirements), "-d", str(partial)]
        with timed(f"downloading the wheelhouse for Python {python_version} (pip download -r requirements.txt)"):
            result = subprocess.run(command, capture_output=True, text=True, timeout=1800)
        if result.returncode != 0:
            shutil.rmtree(partial, ignore_errors=True)
            raise DockerError(f"`{shlex.join(command)}` failed:\n{_tail(result.stdout)}\n{_tail(result.stderr)}")
        partial.rename(folder)
    return folder


def _wheelhouse_key(folder):
    """A digest of a wheelhouse's file names (wheel names carry versions and tags)."""
    return _digest(*sorted(path.name for path in folder.iterdir()))


# ---------------------------------------------------------------------------
# Gradescope's route
# ---------------------------------------------------------------------------

GRADESCOPE_BUILD = """set -e
mkdir -p /autograder/submission /autograder/results
# Gradescope's harness runs its own copy of run_autograder, at /autograder/run_autograder.
cp /autograder/source/run_autograder /autograder/run_autograder
chmod 755 /autograder/run_autograder
cd /autograder/source
./setup.sh 2>&1 | tee /autograder/setup.log
exit "${PIPESTATUS[0]}"
"""


def gradescope_image(bundle, wheels):
    """The image Gradescope would build from a bundle (the zip at path bundle): its tag.

    A container of the base image gets the bundle unpacked into /autograder/source (the zip's modes kept) and
    runs setup.sh as root, offline (PIP_NO_INDEX=1, PIP_FIND_LINKS=/wheelhouse, wheels mounted there read-only);
    then it is committed. Cached by the bundle's sha256, the base image, the wheelhouse and the build script: a
    session builds it once, and so does the next session while nothing changed. The setup log is in the image at
    /autograder/setup.log. Raises DockerError when setup.sh fails (with its log's end).
    """
    data = Path(bundle).read_bytes()
    base = image_id(BASE_IMAGE)
    tag = f"course-kit/gradescope:{_digest(data, base, _wheelhouse_key(wheels), GRADESCOPE_BUILD)[:20]}"
    if image_id(tag):
        return tag
    with locked(tag.replace("/", "_").replace(":", "_")):
        if image_id(tag):
            return tag
        entries = []
        with zipfile.ZipFile(io.BytesIO(data)) as bundle_zip:
            for info in bundle_zip.infolist():
                if not info.is_dir():
                    entries.append(Entry(f"autograder/source/{info.filename}", bundle_zip.read(info),
                                         mode=(info.external_attr >> 16) & 0o777 or 0o644))
        entries = folders_of([entry.name for entry in entries]) + entries
        container = _container(BASE_IMAGE, ["bash", "-c", GRADESCOPE_BUILD],
                               ["--network", "none", "--volume", f"{wheels}:/wheelhouse:ro",
                                "--env", "PIP_NO_INDEX=1", "--env", "PIP_FIND_LINKS=/wheelhouse"])
        try:
            copy_in(container, entries)
            with timed(f"building {tag} (setup.sh)"):
                result = docker("start", "--attach", container, timeout=BUILD_TIMEOUT, check=False)
            if result.returncode != 0:
                raise DockerError(f"setup.sh failed in the Gradescope image (exit status {result.returncode}):\n"
                                  f"{_tail(result.stdout, 60)}\n{_tail(result.stderr)}")
            with timed(f"committing {tag}"):
                docker("commit", "--change", f"LABEL {LABEL}=gradescope", "--change", "WORKDIR /autograder",
                       "--change", 'CMD ["/autograder/run_autograder"]', container, tag, timeout=600)
        finally:
            _remove(container)
        _remove_older("gradescope", tag)
    return tag


def setup_log(image):
    """What setup.sh printed when the Gradescope image was built."""
    return docker("run", "--rm", "--network", "none", image, "cat", "/autograder/setup.log").stdout


@dataclass
class Upload:
    """One submission graded on the Gradescope route."""
    results: dict | None  # /autograder/results/results.json, read SETTLE seconds after run_autograder exited
    at_exit: dict | None  # the same file, copied the moment run_autograder exited
    returncode: int  # run_autograder's exit status
    stdout: str  # what run_autograder printed (the instructor's log on Gradescope)
    stderr: str
    seconds: float = 0.0

    @property
    def text(self):
        """Everything the student sees: results.json, as text."""
        return json.dumps(self.results)


def grade_upload(image, files, timeout=RUN_TIMEOUT):
    """Grade one upload as Gradescope does, in a fresh container of image (gradescope_image's): an Upload.

    files -- {name: bytes}, what the student uploaded, placed in /autograder/submission/

    The container runs with Docker's default options: root, the default capabilities and seccomp profile, no
    network (nothing privileged, added or relaxed). It runs /autograder/run_autograder, copies results.json
    aside, waits SETTLE seconds (a process the submission left could act then) and ends; results.json is
    then copied out of the stopped container.
    """
    command = ("/autograder/run_autograder; status=$?; mkdir -m 700 /harness; "
               "cp /autograder/results/results.json /harness/at-exit.json 2>/dev/null; "
               f"sleep {SETTLE}; exit $status")
    entries = [Entry(f"autograder/submission/{name}", data) for name, data in files.items()]
    entries = folders_of([entry.name for entry in entries]) + entries
    done = run(image, "gradescope", command, entries, ["/autograder/results/results.json", "/harness/at-exit.json"],
               what=f"grading {', '.join(files) or 'an empty upload'} in {image}", timeout=timeout)
    return Upload(results=_json(done.files["/autograder/results/results.json"].get("results.json")),
                  at_exit=_json(done.files["/harness/at-exit.json"].get("at-exit.json")),
                  returncode=done.returncode, stdout=done.stdout, stderr=done.stderr, seconds=done.seconds)


def _json(data):
    """Parsed JSON, or {'unreadable': the text} when it is not JSON (a forged file, say), or None for no file."""
    if data is None:
        return None
    try:
        return json.loads(data.decode("utf-8"))
    except ValueError:
        return {"unreadable": data.decode("utf-8", "replace")}


# ---------------------------------------------------------------------------
# The JupyterHub-like route
# ---------------------------------------------------------------------------

JUPYTERHUB_ENVIRONMENT = f"""set -e
python3 -m venv {VENV}
{VENV}/bin/python -m pip install --disable-pip-version-check --no-input --no-index --find-links /wheelhouse \
    -r /opt/requirements.txt
# As `make venv` does: the kit on the venv's path (an editable install's effect).
{VENV}/bin/python -c 'import pathlib, sys, sysconfig
pathlib.Path(sysconfig.get_path("purelib"), "course-kit.pth").write_text(sys.argv[1] + "\\n")' {KIT}
echo 'jovyan:x:{JOVYAN}:{JOVYAN}:jovyan:{HOME}:/bin/bash' >> /etc/passwd
echo 'jovyan:x:{JOVYAN}:' >> /etc/group
mkdir -p {HOME}
chown {JOVYAN}:{JOVYAN} {HOME}
chmod 755 {HOME}
"""


def kit_files():
    """Paths (relative to the repository) of the course kit as a JupyterHub user would have it: every file git
    knows of (tracked, or new and not ignored, as in the working tree now) and release/; no .venv, no .git."""
    listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=True).stdout.decode().split("\0")
    names = {name for name in listed if name}
    names.update(str(path.relative_to(REPO)) for path in (REPO / "release").rglob("*")
                 if path.is_file() or path.is_symlink())
    kept = []
    for name in sorted(names):
        parts = Path(name).parts
        if parts[0] in (".venv", ".git") or "__pycache__" in parts:
            continue
        if (REPO / name).is_symlink() or (REPO / name).is_file():  # not a file deleted in the working tree
            kept.append(name)
    return kept


def kit_entries():
    """Archive entries of the kit at home/jovyan/kit/, owned by uid 1000 (links kept as links)."""
    entries = []
    for name in kit_files():
        path = REPO / name
        if path.is_symlink():
            entries.append(Entry(f"home/jovyan/kit/{name}", link=os.readlink(path), owner=JOVYAN))
        else:
            mode = 0o755 if os.access(path, os.X_OK) else 0o644
            entries.append(Entry(f"home/jovyan/kit/{name}", path.read_bytes(), mode=mode, owner=JOVYAN))
    return [Entry("home/jovyan/kit", owner=JOVYAN)] + \
        folders_of([e.name.removeprefix("home/jovyan/kit/") for e in entries], "home/jovyan/kit/", JOVYAN) + entries


def jupyterhub_image(wheels, requirements=REPO / "requirements.txt"):
    """The JupyterHub-like image with the kit as it is now: its tag.

    Two layers, cached apart: the environment (the venv at /opt/venv with the requirements from the wheelhouse,
    course-kit.pth naming /home/jovyan/kit, the user jovyan, uid 1000, and its home), keyed by the base image,
    requirements.txt, the wheelhouse and the script that builds it; then the kit copied in, keyed by the kit's
    archive. So a change of the kit costs a copy and a commit, not a reinstall.
    """
    base = image_id(BASE_IMAGE)
    requirements_data = Path(requirements).read_bytes()
    key = _digest(base, requirements_data, _wheelhouse_key(wheels), JUPYTERHUB_ENVIRONMENT)
    environment = f"course-kit/jupyterhub-env:{key[:20]}"
    with locked(environment.replace("/", "_").replace(":", "_")):
        if not image_id(environment):
            container = _container(BASE_IMAGE, ["bash", "-c", JUPYTERHUB_ENVIRONMENT],
                                   ["--network", "none", "--volume", f"{wheels}:/wheelhouse:ro"])
            try:
                copy_in(container, [Entry("opt", mode=0o755), Entry("opt/requirements.txt", requirements_data)])
                with timed(f"building {environment} (venv from the wheelhouse)"):
                    result = docker("start", "--attach", container, timeout=BUILD_TIMEOUT, check=False)
                if result.returncode != 0:
                    raise DockerError(f"the JupyterHub environment could not be built (exit status "
                                      f"{result.returncode}):\n{_tail(result.stdout, 60)}\n{_tail(result.stderr)}")
                with timed(f"committing {environment}"):
                    docker("commit", "--change", f"LABEL {LABEL}=jupyterhub-env", container, environment, timeout=600)
            finally:
                _remove(container)
            _remove_older("jupyterhub-env", environment)
    kit = archive(kit_entries())
    tag = f"course-kit/jupyterhub:{_digest(image_id(environment), kit)[:20]}"
    with locked(tag.replace("/", "_").replace(":", "_")):
        if image_id(tag):
            return tag
        container = _container(environment, ["true"])
        try:
            with timed(f"building {tag} (the kit copied in)"):
                docker("cp", "-", f"{container}:/", input=kit, text=False, timeout=300)
                docker("commit", "--change", f"LABEL {LABEL}=jupyterhub", "--change", f"USER {JOVYAN}:{JOVYAN}",
                       "--change", f"WORKDIR {HOME}", "--change", f"ENV HOME={HOME}", container, tag, timeout=600)
        finally:
            _remove(container)
        _remove_older("jupyterhub", tag)
    return tag


@dataclass
class GradedClass:
    """One `python -m autograder grade` run in a JupyterHub-like container."""
    returncode: int
    stdout: str
    stderr: str
    course: dict = field(default_factory=dict)  # {path relative to the course directory: bytes}, after SETTLE s
    at_exit: dict = field(default_factory=dict)  # the same of autograded/, copied the moment the grader exited
    seconds: float = 0.0

    def results(self, student, assignment="regularization"):
        """A student's results.json (parsed; {'unreadable': text} if it is not JSON), or None if there is none."""
        return _json(self.course.get(f"autograded/{student}/{assignment}/results.json"))

    def results_at_exit(self, student, assignment="regularization"):
        return _json(self.at_exit.get(f"autograded/{student}/{assignment}/results.json"))

    def seen_by(self, student, assignment="regularization"):
        """Everything of the course directory that a student gets back: results.json and the feedback folder."""
        prefixes = (f"autograded/{student}/{assignment}/results.json", f"feedback/{student}/{assignment}/")
        return "\n".join(data.decode("utf-8", "replace") for name, data in sorted(self.course.items())
                         if name.startswith(prefixes))


def course_entries(files):
    """Archive entries of a course directory at home/jovyan/course/, owned by uid 1000.

    files -- {path relative to the course directory (submitted/<student>/<assignment>/<notebook>): bytes}
    """
    entries = [Entry(f"home/jovyan/course/{name}", data, owner=JOVYAN) for name, data in sorted(files.items())]
    return [Entry("home/jovyan/course", owner=JOVYAN)] + \
        folders_of(sorted(files), "home/jovyan/course/", JOVYAN) + entries


def grade_class(image, files, arguments=(), assignment="regularization", timeout=RUN_TIMEOUT):
    """Grade a course directory in a fresh JupyterHub-like container (jupyterhub_image's): a GradedClass.

    files -- {path relative to the course directory: bytes}, e.g. submitted/<student>/regularization/...
    arguments -- more arguments for `grade` (e.g. --unsafe-no-sandbox)

    The container runs as uid 1000 with every capability dropped, no_new_privs and no network; the course
    directory is copied in (owned by uid 1000) and `/opt/venv/bin/python -m autograder grade <assignment>
    --course-dir /home/jovyan/course --quiet` runs in /home/jovyan. autograded/ is copied aside when it exits,
    SETTLE seconds pass, and the whole course directory is copied out of the stopped container.
    """
    grade = shlex.join([f"{VENV}/bin/python", "-m", "autograder", "grade", assignment, "--course-dir", COURSE,
                        "--quiet", *arguments])
    command = (f"{ROUTES['jupyterhub']['prefix']}{grade}; status=$?; mkdir -m 700 {HOME}/.harness; "
               f"cp -R {COURSE}/autograded {HOME}/.harness/ 2>/dev/null; sleep {SETTLE}; exit $status")
    done = run(image, "jupyterhub", command, course_entries(files), [COURSE, f"{HOME}/.harness"],
               what=f"grading a class of {len(files)} in {image}", timeout=timeout)
    course = {name.removeprefix("course/"): data for name, data in done.files[COURSE].items()}
    at_exit = {name.removeprefix(".harness/"): data for name, data in done.files[f"{HOME}/.harness"].items()}
    return GradedClass(done.returncode, done.stdout, done.stderr, course, at_exit, done.seconds)


# ---------------------------------------------------------------------------
# Any command, as a route's grader runs; doctor
# ---------------------------------------------------------------------------

# How each route's grader runs: Docker's options (Gradescope's: Docker's defaults), its Python, and how
# `python -m autograder` finds the kit there (the bundle's PYTHONPATH, as setup.sh and run_autograder set it; the
# venv's course-kit.pth).
ROUTES = {
    "gradescope": dict(options=("--network", "none"), python="/autograder/venv/bin/python",
                       prefix="cd /autograder/source && PYTHONPATH=/autograder/source "),
    "jupyterhub": dict(options=("--network", "none", *JUPYTERHUB_OPTIONS), python=f"{VENV}/bin/python",
                       prefix=f"cd {HOME} && "),
}


@dataclass
class Run:
    """A finished container: its command's exit status and output, and the files copied out of it at the end."""
    returncode: int
    stdout: str
    stderr: str
    files: dict  # {path asked for: {name: bytes}} (names start with the path's last part; {} if nothing was there)
    seconds: float


def run(image, route, command, entries=(), collect=(), what=None, timeout=RUN_TIMEOUT):
    """Run a shell command in a fresh container of image, as the route's grader runs (ROUTES): a Run.

    entries -- Entry list copied in before it starts (names relative to /, owners and modes kept)
    collect -- paths copied out of the stopped container (a leftover process is gone by then)
    """
    container = _container(image, ["sh", "-c", command], ROUTES[route]["options"])
    try:
        if entries:
            copy_in(container, list(entries))
        start = time.monotonic()
        with timed(what or f"running a command in {image}"):
            result = docker("start", "--attach", container, timeout=timeout, check=False)
        seconds = time.monotonic() - start
        files = {path: copy_out(container, path) for path in collect}
    finally:
        _remove(container)
    return Run(result.returncode, result.stdout, result.stderr, files, seconds)


def python(route):
    """The Python of a route's grader, in its image."""
    return ROUTES[route]["python"]


def doctor(image, route):
    """`python -m autograder doctor` in a fresh container of image, as that route's grader would run it.

    route -- "gradescope" (root, Docker's defaults, the bundle's venv and PYTHONPATH, as setup.sh runs it) or
    "jupyterhub" (uid 1000, no capabilities, no_new_privs, /opt/venv's python). Returns a Run.
    """
    if route not in ROUTES:
        raise ValueError(f"no route {route!r}: {' or '.join(ROUTES)}")
    command = f"{ROUTES[route]['prefix']}exec {shlex.quote(python(route))} -m autograder doctor"
    return run(image, route, command, what=f"doctor in {image}", timeout=300)
