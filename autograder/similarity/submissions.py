"""The submissions of an assignment in a course directory, read from the notebooks' bytes (nothing is run).

Submissions are untrusted: what cannot be compared is recorded with the reason and left out, never a crash.
"""

from dataclasses import dataclass, field
from pathlib import Path

from autograder import grading
from autograder.coursedir import CourseDirectory
from autograder.inside import cells
from autograder.similarity.features import read_code

MAX_CELL_CHARS = 50_000  # a graded cell is a few thousand characters; longer ones are not compared


@dataclass
class Submission:
    """The graded functions of one student that could be compared, and notes on the others."""
    student: str
    codes: dict  # {function: Code}
    notes: list = field(default_factory=list)  # why a function was left out, or read another way


def submitted(course, assignment):
    """The student ids with a submitted/<id>/<assignment>/ folder, sorted; raises UsageError when there is none."""
    return sorted(CourseDirectory(Path(course)).require_submissions(assignment.name))


def read_submission(assignment, course, student, kept, stubs, boilerplate, memo):
    """One student's graded functions, read from the notebook's bytes (nothing is run).

    memo -- {(function, source): Code}, shared between submissions (a cell many students left as it was is
            read once)

    Returns:
    submission -- a Submission, or None when nothing in it can be compared
    reason -- None, or why the submission is left out
    """
    data, failed = grading.read_submission(assignment, Path(course), student)
    if data is None:
        return None, failed[0].messages[0]
    try:
        graded = cells.graded_cells(cells.code_cells(data))
    except cells.Unreadable as error:
        return None, f"{assignment.notebook} could not be read as a notebook: {error}"
    submission = Submission(student, {})
    for function in assignment.functions:
        copies = graded.get(function)
        if not copies:
            submission.notes.append(f"{function}: no cell marked `{cells.MARKER}{function}`")
            continue
        source = copies[-1]
        if len(source) > MAX_CELL_CHARS:
            submission.notes.append(f"{function}: its cell is {len(source):,} characters long, more than "
                                    f"{MAX_CELL_CHARS:,}; not compared")
            continue
        code = memo.get((function, source))
        if code is None:
            code = memo[(function, source)] = read_code(function, source, kept, stubs[function],
                                                        boilerplate[function])
        if not code.tokenised:
            submission.notes.append(f"{function}: its cell is not valid Python; compared as plain tokens")
        submission.codes[function] = code
    if not any(function in graded for function in assignment.functions):
        return None, (f"{assignment.notebook} has none of the graded cells (a code cell whose first line is "
                      f"`{cells.MARKER}<name>`, for {', '.join(assignment.functions)}): was another notebook "
                      "submitted, or were the cells' first lines changed?")
    if not submission.codes:
        return None, "none of its graded cells could be compared: " + "; ".join(submission.notes)
    return submission, None
