"""Scores into nbgrader's gradebook (SQLite or PostgreSQL), with nbgrader's late-penalty plugin."""

import os
import sys
import threading
import warnings
from pathlib import Path

import sqlalchemy
from sqlalchemy.exc import SAWarning

from autograder.coursedir import nbgrader_config
from autograder.outputs.timestamps import parse_timestamp


class GradebookWriter:
    """Scores into nbgrader's gradebook, under the grade_ids of the notebook's test cells.

    Opened once for the whole run: open() there and then, or start() to open it in a background thread while the
    workers start (importing nbgrader and its alembic subprocess take seconds), then wait() before the first
    record(); close() at the end.
    """

    def __init__(self, db_url, assignment, course=None):
        """db_url -- an SQLAlchemy URL: sqlite:///path/gradebook.db, postgresql://user:password@host/db, ...
        course -- the course directory, whose nbgrader_config.py sets the late-submission plugin (default: none)
        """
        self.db_url = db_url
        self.assignment = assignment
        self.notebook_id = Path(assignment.notebook).stem
        self.course = course
        self.gradebook = self.late = None
        self._opening, self._error = None, None

    def open(self):
        add_interpreter_to_path()
        from nbgrader.api import Gradebook
        self.late = late_submission_plugin(self.course)
        self.gradebook = Gradebook(self.db_url)
        self._register()

    def start(self):
        """Open the gradebook in a background thread; wait() returns when it is open."""
        def opening():
            try:
                self.open()
            except BaseException as error:  # raised again by wait(), in the thread that records
                self._error = error
        self._opening = threading.Thread(target=opening, name="open-gradebook", daemon=True)
        self._opening.start()

    def started(self):
        """True once open() or start() was called."""
        return self._opening is not None or self.gradebook is not None

    def opened(self):
        """True when the gradebook is open, or failed to open in start()'s thread (wait() then raises why)."""
        if self._opening is None:
            return self.gradebook is not None
        return not self._opening.is_alive()

    def settled(self):
        """Return when no thread of this writer runs (its gradebook is open, or failed to open)."""
        if self._opening is not None:
            self._opening.join()

    def wait(self):
        """Return when the gradebook that start() opens is open; raise what opening it raised."""
        self.settled()
        if self._error is not None:
            raise self._error

    def close(self):
        self.settled()
        if self.gradebook is not None:
            self.gradebook.close()

    def _register(self):
        """Record the assignment's cells as nbgrader's generate_assignment would (once)."""
        import nbformat  # here, not above: with jsonschema, it takes a second to import
        from nbgrader.api import MissingEntry
        from nbgrader.preprocessors import ComputeChecksums, SaveCells
        try:
            self.gradebook.find_notebook(self.notebook_id, self.assignment.name)
            return
        except MissingEntry:
            self.gradebook.update_or_create_assignment(self.assignment.name)
        notebook = nbformat.read(self.assignment.source_notebook, as_version=4)
        resources = {"nbgrader": {"notebook": self.notebook_id, "assignment": self.assignment.name,
                                  "db_url": self.db_url}}
        notebook, resources = ComputeChecksums().preprocess(notebook, resources)
        SaveCells().preprocess(notebook, resources)

    def due_date(self):
        """The assignment's due date in the gradebook (naive UTC, as nbgrader stores it; extensions aside), or None.

        Read with SQLAlchemy alone, before the gradebook is opened (opening it imports nbgrader, which takes
        seconds): grading needs it for every result, from the first. Nothing is created: a gradebook that does
        not exist yet, or has no such assignment, has no due date.
        """
        url = sqlalchemy.engine.make_url(self.db_url)
        if url.get_backend_name() == "sqlite" and not (url.database and Path(url.database).is_file()):
            return None
        table = sqlalchemy.Table("assignment", sqlalchemy.MetaData(), sqlalchemy.Column("name", sqlalchemy.String),
                                 sqlalchemy.Column("duedate", sqlalchemy.DateTime))
        engine = sqlalchemy.create_engine(url)
        try:
            with engine.connect() as connection:
                if not sqlalchemy.inspect(connection).has_table("assignment"):
                    return None
                return connection.execute(sqlalchemy.select(table.c.duedate)
                                          .where(table.c.name == self.assignment.name)).scalar()
        finally:
            engine.dispose()

    def record(self, student_id, items, timestamp=None):
        """Record a submission's scores, when it was handed in and, when that is after the due date, the late
        penalty that nbgrader's plugin gives, as nbgrader's autograde does.

        timestamp -- the time to record: a naive UTC datetime (timestamps.SubmissionTime.recorded), a timestamp.txt's
                     text, or None (no time: never late)

        Returns:
        penalty -- the late penalty in points (0 when on time)
        """
        gradebook = self.gradebook
        with warnings.catch_warnings():
            # nbgrader's add_submission triggers SQLAlchemy autoflush warnings that are harmless.
            warnings.simplefilter("ignore", SAWarning)
            gradebook.update_or_create_student(student_id)
            when = parse_timestamp(timestamp) if isinstance(timestamp, str) else timestamp
            submission = gradebook.update_or_create_submission(
                self.assignment.name, student_id, **({"timestamp": when} if when else {}))
        for item in items:
            grade = gradebook.find_grade(f"test_{item.name}", self.notebook_id, self.assignment.name, student_id)
            grade.auto_score = item.score
        gradebook.db.commit()
        notebook = gradebook.find_submission_notebook(self.notebook_id, self.assignment.name, student_id)
        penalty = None
        if submission.total_seconds_late > 0:
            penalty = self.late.late_submission_penalty(student_id, notebook.score, submission.total_seconds_late)
            penalty = None if penalty is None else min(max(float(penalty), 0.0), notebook.score)
        notebook.late_submission_penalty = penalty
        gradebook.db.commit()
        return penalty or 0.0


def add_interpreter_to_path():
    """nbgrader's Gradebook runs `alembic` from PATH: put the one installed beside this interpreter first."""
    bin_folder = str(Path(sys.executable).parent)
    if bin_folder not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = f"{bin_folder}{os.pathsep}{os.environ.get('PATH', '')}"


def late_submission_plugin(course):
    """nbgrader's late-submission plugin as the course's nbgrader_config.py sets it (default: no penalty)."""
    from nbgrader.preprocessors import AssignLatePenalties
    from traitlets.config import Config
    preprocessor = AssignLatePenalties(config=Config() if course is None else nbgrader_config(course))
    return preprocessor.plugin_class(parent=preprocessor)
