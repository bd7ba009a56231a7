"""Package each assignment's student release for download: `make dist`.

    python -m tools.dist [ASSIGNMENT ...]     (default: every folder of source/)

Writes dist/<assignment>.zip, holding one folder <assignment>/ with the files
of release/<assignment>/ only (the stubbed notebook, the visible tests, the
helpers and the dataset): what a student downloads, and nothing else of this
repository. Before a zip is written, its content is checked: no file that
students must never get (autograder.assignments.PRIVATE), no hidden-test or
grader code, and nothing of the solutions of any assignment (tools/leaks.py: a
distinctive solution line, most of a graded function's body, a function with a
graded function's arguments, an unstubbed solution region). A zip that fails a
check is not written, and the command says which file holds what, where.

The zips are byte-for-byte deterministic (fixed timestamps, sorted entries,
mode 0644), so that a course can publish their checksums.
"""

import argparse
import sys
from pathlib import Path

from autograder import assignments, errors
from autograder.errors import LeakError
from autograder.outputs.files import write_zip
from tools import leaks

REPO = Path(__file__).resolve().parents[1]
RELEASE, DIST = REPO / "release", REPO / "dist"
GRADER_TEXT = ("BEGIN HIDDEN TESTS", "hidden.test(", "import autograder", "from autograder", "HiddenTests",
               "MUTANTS")


def check(name, files):
    """Raise LeakError if the release's files (path inside the release -> bytes) hold what students must not get.

    name -- the assignment, whose folder the zip holds (the leaks are named by their path in the zip)
    """
    private = sorted(path for path in files if Path(path).name in assignments.PRIVATE)
    if private:
        raise LeakError(f"{', '.join(private)} must never reach students")
    for path, data in sorted(files.items()):
        text = data.decode("utf-8", errors="ignore")
        grader = [marker for marker in GRADER_TEXT if marker in text]
        if grader:
            raise LeakError(f"{path} holds grader or hidden-test code ({', '.join(grader)})")
    leaks.check_files(files, prefix=f"{name}/")


def release_files(name, release=RELEASE):
    """{path inside the release folder: bytes} of release/<name>/, symbolic links refused."""
    folder = release / name
    if not folder.is_dir():
        raise LeakError(f"no release at {folder}: run `make release` first")
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            raise LeakError(f"{path.relative_to(folder)} is a symbolic link: a release holds real files only")
        if path.is_file() and "__pycache__" not in path.parts and ".ipynb_checkpoints" not in path.parts:
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def build(name, release=RELEASE, dist=DIST):
    """Check and write dist/<name>.zip; returns its path. Raises LeakError, errors.AssignmentError."""
    assignment = assignments.load(name)
    files = release_files(name, release)
    if assignment.notebook not in files:
        raise LeakError(f"release/{name}/ has no {assignment.notebook}: run `make release` first")
    check(name, files)
    dist.mkdir(parents=True, exist_ok=True)
    return write_zip(dist / f"{name}.zip", {f"{name}/{inside}": (data, 0o644) for inside, data in files.items()})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", help="default: every assignment in source/")
    parser.add_argument("--release-dir", type=Path, default=RELEASE, help="default: release/")
    parser.add_argument("--dist-dir", type=Path, default=DIST, help="default: dist/")
    args = parser.parse_args(argv)
    for name in args.assignments or assignments.names():
        try:
            path = build(name, args.release_dir, args.dist_dir)
        except (LeakError, errors.AssignmentError) as error:
            sys.exit(f"error: {name}: {error}. Nothing was written for it.")
        print(f"Wrote {path} (give students this file, or publish release/{name}/ as it is)")


if __name__ == "__main__":
    main()
