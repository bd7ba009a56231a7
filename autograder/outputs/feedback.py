"""The feedback page of a submission: each graded function's score and messages (or a section in nbgrader's page)."""

import html
import re
from pathlib import Path

from autograder import templates
from autograder.coursedir import CourseDirectory
from autograder.outputs.files import number, write_atomically
from autograder.outputs.timestamps import submitted_text

NBGRADER_FILES = ("timestamp.txt", "submission_secret.txt")  # what release_feedback needs beside a page
GENERATOR = "autograder of the regularisation course kit"  # marks the pages this module writes whole
BEGIN, END = "<!-- autograder: begin -->", "<!-- autograder: end -->"  # its section in another tool's page


def feedback_section(student_id, assignment, notebook, items, failure=None):
    """The grader's feedback as one HTML section: each function's score and messages (no hidden test code)."""
    rows, sections = [], []
    for item in items:
        colour = "#1a7f37" if item.score == item.max_score else "#b42318"
        rows.append(f'<tr><td style="padding: 0.3em 1em;"><code>{html.escape(item.name)}</code></td>'
                    f'<td style="padding: 0.3em 1em; color: {colour};">{number(item.score)} / '
                    f'{number(item.max_score)}</td></tr>')
        messages = "\n\n".join(item.messages) or "No message."
        sections.append(f"<h2><code>{html.escape(item.name)}</code></h2>\n"
                        f'<pre style="background: #f6f8fa; padding: 0.8em; white-space: pre-wrap;">'
                        f"{html.escape(messages)}</pre>")
    failure = (f'<p style="color: #b42318;"><b>This submission could not be graded</b>: {html.escape(failure)}. '
               "It is recorded with 0 points until it is graded again; tell your instructor.</p>") if failure else ""
    return templates.render("feedback-section.html", begin=BEGIN, end=END,
                            title=html.escape(f"{assignment}: {notebook}"), student=html.escape(student_id),
                            failure=failure, score=number(sum(i.score for i in items)),
                            max_score=number(sum(i.max_score for i in items)), rows="\n".join(rows),
                            sections="\n".join(sections))


def feedback_page(student_id, assignment, notebook, items, failure=None):
    """A readable HTML page with each function's score and messages (no hidden test code)."""
    return templates.render("feedback-page.html", generator=GENERATOR, title=html.escape(f"{assignment}: {notebook}"),
                            section=feedback_section(student_id, assignment, notebook, items, failure))


def merged(page, section):
    """Another tool's page (nbgrader's generate_feedback) with the grader's section in it: in place of the
    section an earlier run put there, else at the start of its body."""
    if BEGIN in page and END in page.split(BEGIN, 1)[1]:
        before, rest = page.split(BEGIN, 1)
        return before + section + rest.split(END, 1)[1]
    body = re.search(r"<body[^>]*>", page, re.IGNORECASE)
    at = body.end() if body else 0
    return page[:at] + "\n" + section + "\n" + page[at:]


def write_feedback(course, student_id, assignment, notebook, items, failure=None):
    """Write the feedback page at nbgrader's place for it, feedback/<student>/<assignment>/<notebook>.html.

    A page there that another tool wrote (nbgrader's generate_feedback) is kept, with the grader's section added
    in it. The submission's timestamp.txt and submission_secret.txt (from nbgrader's collect) are copied beside
    the page, where nbgrader's release_feedback reads them.
    """
    folder = CourseDirectory(course).feedback(student_id, assignment)
    path = folder / (Path(notebook).stem + ".html")
    page = feedback_page(student_id, assignment, notebook, items, failure)
    if path.exists():
        existing = path.read_text(encoding="utf-8", errors="replace")
        if f'content="{GENERATOR}"' not in existing:
            page = merged(existing, feedback_section(student_id, assignment, notebook, items, failure))
    write_atomically(path, page)
    for name in NBGRADER_FILES:
        text = submitted_text(course, student_id, assignment, name)
        if text is not None:
            write_atomically(folder / name, text)
    return path
