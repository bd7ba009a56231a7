"""The small files nbgrader's collect puts beside a submission (timestamp.txt, submission_secret.txt), read safely."""

from autograder import grading


def submitted_text(course, student_id, assignment, name):
    """A small text file of a submission (nbgrader's timestamp.txt, submission_secret.txt), read as the notebook
    is (grading.read_submitted: no links, at most 4 KB); None when there is no such readable file."""
    try:
        return grading.read_submitted(course, student_id, assignment, name, 4096).decode("utf-8", errors="replace")
    except (OSError, ValueError):
        return None


def submission_timestamp(course, student_id, assignment):
    """The text of the timestamp.txt that nbgrader's submit and collect put in a submission, or None."""
    return (submitted_text(course, student_id, assignment, "timestamp.txt") or "").strip()[:100] or None


def parse_timestamp(text):
    """A timestamp.txt's text as nbgrader reads it (a naive UTC datetime), or None when it is not one."""
    from nbgrader.utils import parse_utc
    try:
        return parse_utc(text).replace(tzinfo=None) if text else None
    except (ValueError, OverflowError):
        return None
