"""Reading what a student handed in: one reader for every file of a submission (no links, a size limit)."""

import contextlib
import os
import stat

from autograder.coursedir import CourseDirectory, shown
from autograder.grading.verdicts import Item

MAX_NOTEBOOK_BYTES = 8 * 2**20  # a real submission is well under 1 MB


class NotRegular(ValueError):
    """A submitted file that is not a regular file (a FIFO, a device...)."""


class TooLarge(ValueError):
    """A submitted file larger than its limit (size in bytes; grew: it grew while it was read)."""

    def __init__(self, size, grew=False):
        super().__init__(size)
        self.size, self.grew = size, grew


def read_regular(name, limit, dir_fd=None):
    """The bytes of a regular file of at most limit bytes, opened without following a symbolic link (relative to
    dir_fd when given). The one reader of a file a student handed in.

    Raises OSError (ELOOP: a link), NotRegular, or TooLarge beyond limit bytes (grew: while it was read).
    """
    handle = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):  # a folder, a FIFO, a device (checked before reading anything)
            raise NotRegular(name)
        if info.st_size > limit:
            raise TooLarge(info.st_size)
    except BaseException:
        os.close(handle)
        raise
    with os.fdopen(handle, "rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(len(data), grew=True)
    return data


@contextlib.contextmanager
def _submission_folder(course, student_id, assignment_name):
    """A descriptor of submitted/<student_id>/<assignment_name>/, opened without following symbolic links at any
    step below the course directory. Raises FileNotFoundError, or OSError (ELOOP or ENOTDIR: a link)."""
    descriptors = []
    try:
        folder = os.open(CourseDirectory(course).submitted_root, os.O_RDONLY | os.O_DIRECTORY)
        descriptors.append(folder)
        for part in (student_id, assignment_name):
            folder = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=folder)
            descriptors.append(folder)
        yield folder
    finally:
        for descriptor in descriptors:
            os.close(descriptor)


def read_submitted(course, student_id, assignment_name, name, limit):
    """The bytes of submitted/<student_id>/<assignment_name>/<name>, opened without following symbolic links at
    any step below the course directory (a link to another file, another student's or a system one, is refused).

    Raises FileNotFoundError, OSError (ELOOP or ENOTDIR: a link where a file or folder should be), NotRegular, or
    TooLarge beyond limit bytes.
    """
    with _submission_folder(course, student_id, assignment_name) as folder:
        return read_regular(name, limit, dir_fd=folder)


def stat_submitted(course, student_id, assignment_name, name):
    """The os.stat_result of submitted/<student_id>/<assignment_name>/<name> when it is a regular file (no
    symbolic link at any step), else None: its times are evidence of when it was handed in."""
    try:
        with _submission_folder(course, student_id, assignment_name) as folder:
            info = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except OSError:
        return None
    return info if stat.S_ISREG(info.st_mode) else None


def read_submission(assignment, course, student_id):
    """The submitted notebook of a student, as bytes, unless it cannot be graded (read_submitted: no links).

    Returns:
    data -- the notebook file's bytes, or None
    items -- None, or the Items of a submission that cannot be graded (no notebook, a link, too large)
    """
    try:
        return read_submitted(course, student_id, assignment.name, assignment.notebook, MAX_NOTEBOOK_BYTES), None
    except NotRegular:
        message = f"{assignment.notebook} is not a regular file: submit the notebook itself."
    except TooLarge as error:
        message = (f"{assignment.notebook} grew while it was read: submit it again." if error.grew else
                   f"{assignment.notebook} is {error.size / 2**20:.0f} MB, more than any submission needs "
                   f"({MAX_NOTEBOOK_BYTES // 2**20} MB at most): clear its outputs and submit it again.")
    except FileNotFoundError:
        folder = CourseDirectory(course).format_path("submitted", student_id, assignment.name)
        others = sorted(shown(p.name) for p in folder.glob("*.ipynb"))
        message = (f"no {assignment.notebook} in the submission"
                   + (f" (found: {', '.join(others)}); submit the notebook under its original name."
                      if others else "."))
    except OSError as error:  # ELOOP or ENOTDIR: a symbolic link where a file or folder should be
        message = (f"{assignment.notebook} could not be opened as a file of the submission ({error.strerror}): "
                   "a symbolic link is not a submission; submit the notebook itself.")
    return None, [Item(name, 0.0, assignment.points[name], [message]) for name in assignment.functions]
