"""A course directory in nbgrader's layout: the only code that builds its paths.

    <root>/submitted/<student_id>/<assignment>/<notebook>    what students handed in (nbgrader's collect)
    <root>/autograded/<student_id>/<assignment>/results.json what grading recorded, one file per submission
    <root>/feedback/<student_id>/<assignment>/<notebook stem>.html
    <root>/gradebook.db, <root>/grades.csv
    <root>/reports/<assignment>/                             the class report and the similarity report

Modelled on nbgrader's ``CourseDirectory.format_path(step, student_id, assignment)``.

Student ids are the names of the folders of submitted/, as the file system
gives them: whoever unzipped the submissions chose them. They are checked
once, here, where submissions are found (id_problem): a folder whose name is
not valid UTF-8 (an unzip with a legacy code page), holds a control
character, a slash, starts with a dot or is empty is not a student id. It is
left out of every command (SkippedFolder), which says which folder, why and
what to do, rather than crash on it or write it into a result.
"""

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from autograder.errors import UsageError

STEPS = ("submitted", "autograded", "feedback")
# Characters that change how the text around them is displayed (bidirectional controls): a name holding one can
# show as another student's.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def id_problem(name):
    """Why a folder name of submitted/ cannot be a student id (a phrase: "is not valid UTF-8 ..."), or None when
    it can. name -- the name as Python reads it from the file system (surrogate escapes for bytes that are not
    UTF-8)."""
    if not name:
        return "is empty"
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return (f"is not valid UTF-8 (its bytes: {os.fsencode(name)!r}; an unzip with a legacy code page "
                "gives such names)")
    if name.startswith("."):
        return "starts with a dot (a hidden folder, or . or ..)"
    if "/" in name or "\\" in name:
        return "holds a slash"
    odd = next((c for c in name if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") or c in BIDI_CONTROLS),
               None)
    if odd is not None:
        return f"holds the control character U+{ord(odd):04X}"
    return None


def shown(name):
    """A name as it can be printed and written anywhere: itself when it is a valid student id, else with escapes
    (ascii())."""
    return name if id_problem(name) is None else ascii(name)


@dataclass(frozen=True)
class SkippedFolder:
    """A folder submitted/<name>/<assignment>/ whose name cannot be a student id: it is not graded, reported,
    compared or exported.

    name -- the folder's name as the file system gives it (may hold surrogate escapes: never write it as it is)
    reason -- why it is not a student id (id_problem's phrase)
    """
    name: str
    assignment: str
    reason: str

    @property
    def shown(self):
        """The name with escapes, safe to print (ascii())."""
        return ascii(self.name)

    def warning(self):
        """The line every command prints about it: which folder, why, what to do."""
        return (f"warning: submitted/{self.shown}/{self.assignment}/ is left out: the folder name {self.reason}, "
                "so it cannot be a student id. Rename the folder to the student's id (valid UTF-8, no control "
                "character or slash, not starting with a dot; in a shell, `mv` with a wildcard for the odd "
                "characters) and grade again.")


@dataclass(frozen=True)
class CourseDirectory:
    """The folders and files of one course directory (root: its path)."""
    root: Path

    def format_path(self, step, student_id, assignment, *parts):
        """<root>/<step>/<student_id>/<assignment>/<parts...>, step one of STEPS; student_id a valid one
        (id_problem), so that no path leaves its step's folder."""
        if step not in STEPS:
            raise ValueError(f"no step {step!r} in a course directory (the steps: {', '.join(STEPS)})")
        problem = id_problem(student_id)
        if problem is not None:
            raise ValueError(f"{ascii(student_id)} is not a student id: it {problem}")
        return Path(self.root, step, student_id, assignment, *parts)

    def results(self, student_id, assignment):
        return self.format_path("autograded", student_id, assignment, "results.json")

    def feedback(self, student_id, assignment):
        return self.format_path("feedback", student_id, assignment)

    def reports(self, assignment):
        """Where the class report and the similarity report of an assignment go (the kit's own folder)."""
        return Path(self.root, "reports", assignment)

    @property
    def submitted_root(self):
        return Path(self.root, "submitted")

    @property
    def gradebook(self):
        return Path(self.root, "gradebook.db")

    @property
    def grades_csv(self):
        return Path(self.root, "grades.csv")

    @property
    def nbgrader_config(self):
        """The course's nbgrader_config.py (its late-submission plugin, its exchange), which may not exist."""
        return Path(self.root, "nbgrader_config.py")

    @property
    def lock(self):
        return Path(self.root, "autograded", ".grading.lock")

    def scan(self, assignment):
        """The submitted/<name>/<assignment>/ folders, each name checked once (id_problem).

        Returns:
        found -- {student_id: folder} of the valid ones, sorted by student id
        skipped -- the SkippedFolders of the others, sorted by name
        """
        found, skipped = {}, []
        for path in sorted(self.submitted_root.glob(f"*/{assignment}")):
            if not path.is_dir():
                continue
            problem = id_problem(path.parent.name)
            if problem is None:
                found[path.parent.name] = path
            else:
                skipped.append(SkippedFolder(path.parent.name, assignment, problem))
        return found, skipped

    def submitters(self, assignment):
        """{student_id: folder} of the submissions of an assignment, sorted by student id (valid ids only: see
        skipped)."""
        return self.scan(assignment)[0]

    def skipped(self, assignment):
        """The SkippedFolders of an assignment: submissions whose folder name cannot be a student id."""
        return self.scan(assignment)[1]

    def recorded(self, assignment):
        """{student_id: results.json path} of the submissions of an assignment that grading recorded."""
        found = sorted(Path(self.root, "autograded").glob(f"*/{assignment}/results.json"))
        return {p.parent.parent.name: p for p in found if id_problem(p.parent.parent.name) is None}

    def require_submissions(self, assignment):
        """submitters(assignment), or UsageError saying where submissions are expected."""
        found, skipped = self.scan(assignment)
        if not found:
            folder = self.submitted_root
            left_out = (f"; {len(skipped)} folder(s) are left out because their names cannot be student ids "
                        f"({', '.join(s.shown for s in skipped)}): rename them to the students' ids"
                        if skipped else "")
            raise UsageError(f"no submissions of {assignment!r} in {folder}/ "
                             f"(expected folders {folder}/<student_id>/{assignment}/){left_out}")
        return found


def nbgrader_config(root):
    """The traitlets Config of the course directory's nbgrader_config.py, as nbgrader's apps read it (an empty
    Config when there is none): the one reader of it. Runs that file, which is the instructor's."""
    from traitlets.config import Config, PyFileConfigLoader
    path = CourseDirectory(Path(root)).nbgrader_config
    if not path.is_file():
        return Config()
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
