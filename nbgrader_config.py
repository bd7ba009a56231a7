"""nbgrader configuration of the course kit (the course root is this folder)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from nbgrader.preprocessors import (  # noqa: E402
    CheckCellMetadata, ClearHiddenTests, ClearMarkScheme, ClearOutput, ComputeChecksums,
    IncludeHeaderFooter, InstantiateTests, LockCells, SaveCells)

from autograder.assignments import PRIVATE  # noqa: E402
from tools.stubs import StubSolutions  # noqa: E402

c = get_config()  # noqa: F821 (provided by traitlets)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "regularization-course"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
# Each source/<assignment>/ holds its hidden tests and mutants: never copied into the release.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", *PRIVATE]
# The gradebook: SQLite in the course directory by default. For a shared server, set the same
# URL here (for nbgrader's export and formgrader) and in the AUTOGRADER_DB_URL environment variable
# for `python -m autograder grade` (which refuses a password on its command line):
# c.CourseDirectory.db_url = "postgresql://user:password@host:5432/gradebook"

# nbgrader's default pipeline, with StubSolutions in place of ClearSolutions.
c.GenerateAssignment.preprocessors = [
    IncludeHeaderFooter, InstantiateTests, LockCells, StubSolutions, ClearOutput,
    CheckCellMetadata, ComputeChecksums, SaveCells, ClearHiddenTests, ClearMarkScheme,
    ComputeChecksums, CheckCellMetadata,
]
