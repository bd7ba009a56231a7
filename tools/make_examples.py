"""Generate the example submissions of examples/submissions/ (deterministic): `make examples`.

    python -m tools.make_examples [--output DIR]

Each example is an assignment's student release with its graded cells filled
in: the instructor's solutions, edited by variants. The recipe is the
assignment's own, EXAMPLES in source/<assignment>/mutants.py. The same four
students hand in every assignment:
- ada: the complete solutions;
- ben: three typical mistakes;
- cleo: the release as downloaded, nothing done;
- dev: right, but written differently.
"""

import argparse
from pathlib import Path

import nbformat

from autograder import assignments
from tools.variants import submission

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "examples" / "submissions"


def examples():
    """(student_id, assignment, notebook) triples, for every assignment and student of its EXAMPLES."""
    for name in assignments.names():
        source = assignments.load(name).source_notebook
        release = REPO / "release" / name / source.name
        for student, variants in assignments.module(name, "mutants").EXAMPLES.items():
            notebook = submission(release, source, variants or (), filled=variants is not None)
            yield student, name, notebook


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help="default: examples/submissions/")
    args = parser.parse_args(argv)
    for student, name, notebook in examples():
        folder = args.output / student / name
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / assignments.load(name).notebook
        nbformat.write(notebook, path)
        print(f"Wrote {path}")


if __name__ == "__main__":
    main()
