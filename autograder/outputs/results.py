"""results.json: what grading recorded for one submission, at the course directory's place for it."""

import json

from autograder.coursedir import CourseDirectory
from autograder.outputs.files import number, write_atomically


def results(student_id, assignment, items, failure=None, submitted=None):
    """The content of results.json for one submission.

    failure -- why it could not be graded, or None
    submitted -- when it was handed in (a timestamps.SubmissionTime), or None when not checked: its facts go
                 under "timestamp", its flags under "flags" (a list of {"id", "message"}, empty when there is
                 nothing to look at)
    """
    return {
        "student_id": student_id, "assignment": assignment,
        "status": "failed" if failure else "graded", **({"reason": failure} if failure else {}),
        "score": number(sum(item.score for item in items)),
        "max_score": number(sum(item.max_score for item in items)),
        "items": [{"name": item.name, "score": number(item.score), "max_score": number(item.max_score),
                   "messages": item.messages, "cause": item.cause, "failed_cases": item.failed_cases}
                  for item in items],
        **({"timestamp": submitted.as_json()} if submitted is not None else {}),
        "flags": [{"id": flag.id, "message": flag.message} for flag in (submitted.flags if submitted else ())],
    }


def write_results(course, student_id, assignment, items, failure=None, submitted=None):
    path = CourseDirectory(course).results(student_id, assignment)
    write_atomically(path, json.dumps(results(student_id, assignment, items, failure, submitted), indent=2) + "\n")
    return path


def read_flags(course, student_id, assignment):
    """The flag ids results.json records for a submission ([] when it has none, or cannot be read)."""
    try:
        document = json.loads(CourseDirectory(course).results(student_id, assignment).read_text(encoding="utf-8"))
        return [str(flag["id"]) for flag in document.get("flags", [])]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return []
