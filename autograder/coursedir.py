"""A course directory in nbgrader's layout: the only code that builds its paths.

    <root>/submitted/<student_id>/<assignment>/<notebook>    what students handed in (nbgrader's collect)
    <root>/autograded/<student_id>/<assignment>/results.json what grading recorded, one file per submission
    <root>/feedback/<student_id>/<assignment>/<notebook stem>.html
    <root>/gradebook.db, <root>/grades.csv
    <root>/reports/<assignment>/                             the class report and the similarity report

Modelled on nbgrader's ``CourseDirectory.format_path(step, student_id, assignment)``.
"""

from dataclasses import dataclass
from pathlib import Path

from autograder.errors import UsageError

STEPS = ("submitted", "autograded", "feedback")


@dataclass(frozen=True)
class CourseDirectory:
    """The folders and files of one course directory (root: its path)."""
    root: Path

    def format_path(self, step, student_id, assignment, *parts):
        """<root>/<step>/<student_id>/<assignment>/<parts...>, step one of STEPS."""
        if step not in STEPS:
            raise ValueError(f"no step {step!r} in a course directory (the steps: {', '.join(STEPS)})")
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
    def lock(self):
        return Path(self.root, "autograded", ".grading.lock")

    def submitters(self, assignment):
        """{student_id: folder} of the submissions of an assignment, sorted by student id."""
        return {p.parent.name: p for p in sorted(self.submitted_root.glob(f"*/{assignment}")) if p.is_dir()}

    def recorded(self, assignment):
        """{student_id: results.json path} of the submissions of an assignment that grading recorded."""
        found = sorted(Path(self.root, "autograded").glob(f"*/{assignment}/results.json"))
        return {p.parent.parent.name: p for p in found}

    def require_submissions(self, assignment):
        """submitters(assignment), or UsageError saying where submissions are expected."""
        found = self.submitters(assignment)
        if not found:
            folder = self.submitted_root
            raise UsageError(f"no submissions of {assignment!r} in {folder}/ "
                             f"(expected folders {folder}/<student_id>/{assignment}/)")
        return found
