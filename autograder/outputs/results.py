"""results.json: what grading recorded for one submission, at the course directory's place for it."""

import json

from autograder.coursedir import CourseDirectory
from autograder.outputs.files import number, write_atomically


def results(student_id, assignment, items, failure=None):
    """The content of results.json for one submission (failure: why it could not be graded, or None)."""
    return {
        "student_id": student_id, "assignment": assignment,
        "status": "failed" if failure else "graded", **({"reason": failure} if failure else {}),
        "score": number(sum(item.score for item in items)),
        "max_score": number(sum(item.max_score for item in items)),
        "items": [{"name": item.name, "score": number(item.score), "max_score": number(item.max_score),
                   "messages": item.messages, "cause": item.cause, "failed_cases": item.failed_cases}
                  for item in items],
    }


def write_results(course, student_id, assignment, items, failure=None):
    path = CourseDirectory(course).results(student_id, assignment)
    write_atomically(path, json.dumps(results(student_id, assignment, items, failure), indent=2) + "\n")
    return path
