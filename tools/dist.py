"""Package each assignment's student release for download: `make dist`.

    python -m tools.dist [ASSIGNMENT ...]     (default: every folder of source/)

Writes dist/<assignment>.zip, holding one folder <assignment>/ with the files
of release/<assignment>/ only (the stubbed notebook, the visible tests, the
helpers and the dataset): what a student downloads, and nothing else of this
repository. Before a zip is written, its content is checked: no file that
students must never get (autograder.assignments.PRIVATE), no hidden-test or
grader code, and no line of the instructor's solutions. A zip that fails a check
is not written, and the command says which file holds what.

The zips are byte-for-byte deterministic (fixed timestamps, sorted entries,
mode 0644), so that a course can publish their checksums.
"""

import argparse
import json
import re
import sys
from pathlib import Path

from autograder import assignments, errors
from autograder.errors import LeakError
from autograder.inside.cells import MARKER
from autograder.notebook import read_cells
from autograder.outputs.files import write_zip

REPO = Path(__file__).resolve().parents[1]
RELEASE, DIST = REPO / "release", REPO / "dist"
GRADER_TEXT = ("BEGIN HIDDEN TESTS", "hidden.test(", "import autograder", "from autograder", "HiddenTests",
               "MUTANTS")
SOLUTION_REGION = re.compile(r"### START CODE HERE ###.*?\n(.*?)### END CODE HERE ###", re.DOTALL)




def solution_lines(assignment):
    """The code of the instructor's solutions: each line written between START and END CODE HERE in a graded
    cell, without its comment (the stubs keep the comments as hints); lines that the notebook also has
    elsewhere, or that the released Python files hold by design (a check may compute m_train = m - m_dev), are
    not secrets."""
    lines, elsewhere = set(), set()
    for cell in read_cells(assignment.source_notebook):
        regions = SOLUTION_REGION.findall(cell["source"]) if cell["source"].startswith(MARKER) else []
        for region in regions:
            lines.update(_code_lines(region))
        elsewhere.update(_code_lines(SOLUTION_REGION.sub("", cell["source"])))
    for path in assignment.source_notebook.parent.glob("*.py"):
        if path.name not in assignments.PRIVATE:
            elsewhere.update(_code_lines(path.read_text()))
    return {line for line in lines - elsewhere if not re.fullmatch(r"\w+ = None", line)}


def check(assignment, files):
    """Raise LeakError if the release's files (path inside the release -> bytes) hold what students must not get."""
    private = sorted(name for name in files if Path(name).name in assignments.PRIVATE)
    if private:
        raise LeakError(f"{', '.join(private)} must never reach students")
    solutions = solution_lines(assignment)
    for name, data in sorted(files.items()):
        text = data.decode("utf-8", errors="ignore")
        grader = [marker for marker in GRADER_TEXT if marker in text]
        if grader:
            raise LeakError(f"{name} holds grader or hidden-test code ({', '.join(grader)})")
        if name.endswith((".ipynb", ".py")):
            found = sorted(set(_released_code(name, data)) & solutions)
            if found:
                raise LeakError(f"{name} holds {len(found)} line(s) of the instructor's solution, e.g. {found[0]!r}")


def _code_lines(text):
    """The lines of code of a text, each without its comment."""
    return [code for line in text.splitlines() if (code := line.split("#", 1)[0].strip())]


def _released_code(name, data):
    """The lines of code of a released notebook's code cells, or of a released Python file."""
    if name.endswith(".ipynb"):
        sources = [cell["source"] for cell in json.loads(data)["cells"] if cell["cell_type"] == "code"]
        return _code_lines("\n".join("".join(source) if isinstance(source, list) else source for source in sources))
    return _code_lines(data.decode("utf-8"))


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
    check(assignment, files)
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
