"""When a submission was handed in: nbgrader's timestamp.txt, checked against what the student cannot write.

nbgrader's submit writes timestamp.txt in the student's own process, and the
file stays the student's to rewrite in the exchange: it is a claim, not
evidence. check() compares it with what the student cannot set:

- when the notebook reached submitted/: its change time (ctime), which no
  user can set. A submission is handed in before it is collected, so a
  timestamp later than this is wrong.
- when the notebook was last saved: its modification time, when it was kept
  from the student's side (nbgrader's submit and collect copy it along; a
  time older than its arrival by more than TOLERANCE). Nothing is handed in
  before it was saved, so a timestamp earlier than this is wrong.
- the folder of nbgrader's exchange it came from, when the course's
  nbgrader_config.py names an exchange whose inbound folder holds this very
  notebook (same size and modification time: submit and collect keep both).
  submit names that folder with the timestamp it writes, and the file system
  records when the folder was last written (its ctime, again no user's to
  set), a moment after the timestamp.

A disagreement of more than TOLERANCE (clock skew between the student's
server and the exchange's, a slow copy) is flagged, and the gradebook is
given the latest of the times involved: a late penalty, computed by
nbgrader's plugin from that time, can only be too large, never too small. A
missing or unparseable timestamp.txt, when the assignment has a due date, is
flagged and recorded as handed in when the notebook reached submitted/, the
latest it can have been: nbgrader's own autograde refuses an unparseable
timestamp and takes a missing one as on time; here the scores are kept and
the penalty fails closed. The flags say what to do: put the right time in
timestamp.txt, or `touch` the collected notebook to drop its times as
evidence, and grade again. They go into results.json, grades.csv, the
exports and the run's summary.

What is still trusted: a student who backdates both timestamp.txt and the
notebook's modification time, in a submission that did not come through an
exchange the grader can read, is believed.
"""

import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path

from autograder.coursedir import nbgrader_config
from autograder.errors import UsageError
from autograder.grading.submissions import read_submitted, stat_submitted

TOLERANCE = datetime.timedelta(minutes=2)
DEFAULT_EXCHANGE_ROOT = "/srv/nbgrader/exchange"  # nbgrader's Exchange.root when the configuration sets none
# Each Flag's id: stable, for counting and filtering (the class report, a spreadsheet).
MISSING, UNPARSEABLE = "timestamp-missing", "timestamp-unparseable"
AGAINST_FILES, AGAINST_EXCHANGE = "timestamp-disagrees-with-files", "timestamp-disagrees-with-exchange"
FIX = ("If you know when it was handed in, write that time into its timestamp.txt; if you trust its timestamp, "
       "`touch` the collected notebook (its times are then no evidence); then grade it again.")


def submitted_text(course, student_id, assignment, name):
    """A small text file of a submission (nbgrader's timestamp.txt, submission_secret.txt), read as the notebook
    is (read_submitted: no links, at most 4 KB); None when there is no such readable file."""
    try:
        return read_submitted(course, student_id, assignment, name, 4096).decode("utf-8", errors="replace")
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
    except (ValueError, OverflowError, TypeError):
        return None


@dataclass(frozen=True)
class Flag:
    """Something about a submission for the instructor to look at.

    id -- one of MISSING, UNPARSEABLE, AGAINST_FILES, AGAINST_EXCHANGE
    message -- what was found, what grading recorded and what to do
    """
    id: str
    message: str


@dataclass(frozen=True)
class SubmissionTime:
    """When a submission was handed in, as grading records it.

    text -- timestamp.txt's text (stripped, at most 100 characters), or None when there is none
    claimed -- that text as nbgrader parses it (naive UTC), or None
    recorded -- the time the gradebook is given (naive UTC), from which nbgrader's plugin computes the late
                penalty; None: no time (and no due date to be late for)
    status -- "given" (the timestamp, agreeing with the evidence), "none" (no timestamp, no due date), "missing",
              "unparseable" or "disagrees"
    flags -- the Flags, for the instructor
    """
    text: str | None
    claimed: datetime.datetime | None
    recorded: datetime.datetime | None
    status: str
    flags: tuple = field(default_factory=tuple)

    def as_json(self):
        """results.json's "timestamp": {"text", "claimed", "recorded", "status"} (times in ISO format, UTC)."""
        return {"text": self.text, "claimed": _iso(self.claimed), "recorded": _iso(self.recorded),
                "status": self.status}


def _iso(when):
    return None if when is None else when.isoformat(" ")


def _shown(when):
    return f"{when:%Y-%m-%d %H:%M:%S} UTC"


def _utc(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).replace(tzinfo=None)


@dataclass
class Exchange:
    """The inbound folder of nbgrader's exchange for one assignment, listed once for a run.

    inbound -- <Exchange.root>/<course_id>/inbound, where nbgrader's submit puts
               <student_id>+<assignment>+<timestamp>[+<random>] folders
    """
    inbound: Path
    assignment: str
    _folders: dict | None = None

    def folders(self, student_id):
        """[(the timestamp in its name, or None; its path)] of the student's folders for the assignment."""
        if self._folders is None:
            self._folders = {}
            marker = f"+{self.assignment}+"
            try:
                entries = list(os.scandir(self.inbound))
            except OSError:
                entries = []
            for entry in entries:
                student, found, rest = entry.name.rpartition(marker)
                if found and entry.is_dir(follow_symlinks=False):
                    # nbgrader's timestamps hold no "+" (a zone name, not an offset); the random part follows one.
                    self._folders.setdefault(student, []).append((parse_timestamp(rest.split("+")[0]),
                                                                  Path(entry.path)))
        return sorted(self._folders.get(student_id, []), key=lambda pair: str(pair[1]))


def exchange(course, assignment):
    """The Exchange of the course's nbgrader_config.py (Exchange.root, CourseDirectory.course_id), or None when it
    names no course id or its inbound folder cannot be read. Raises UsageError when that file cannot be run."""
    try:
        config = nbgrader_config(course)
    except Exception as error:  # the instructor's Python file: any error it raises
        raise UsageError(f"cannot read {Path(course) / 'nbgrader_config.py'} ({type(error).__name__}: {error}): fix "
                         "it, nothing was graded") from None
    course_id = config.CourseDirectory.get("course_id")
    root = config.Exchange.get("root") or DEFAULT_EXCHANGE_ROOT
    if not isinstance(course_id, str) or not course_id or not isinstance(root, str):
        return None
    inbound = Path(root, course_id, "inbound")
    return Exchange(inbound, assignment) if inbound.is_dir() else None


def _exchange_copies(exchange, student_id, notebook, info):
    """[(name's timestamp, when the folder was last written)] of the student's exchange folders holding this very
    notebook (the same size, and modification times within a second)."""
    copies = []
    for stamp, folder in exchange.folders(student_id):
        try:
            theirs = os.stat(folder / notebook, follow_symlinks=False)
            written = os.stat(folder, follow_symlinks=False).st_ctime
        except OSError:
            continue
        if theirs.st_size == info.st_size and abs(theirs.st_mtime - info.st_mtime) <= 1:
            copies.append((stamp, _utc(written), folder.name))
    return copies


def check(course, student_id, assignment, notebook, due_date=None, exchange=None):
    """The SubmissionTime of a submission: its timestamp.txt, checked against the evidence.

    assignment -- its name; notebook -- its notebook's file name
    due_date -- the assignment's due date (naive UTC), or None: without one, a missing timestamp is no matter
    exchange -- the course's Exchange (exchange()), or None
    """
    text = submission_timestamp(course, student_id, assignment)
    claimed = parse_timestamp(text)
    info = stat_submitted(course, student_id, assignment, notebook)
    arrived = None if info is None else _utc(info.st_ctime)
    if claimed is None:
        if text is None and due_date is None:
            return SubmissionTime(None, None, None, "none")
        status = "missing" if text is None else "unparseable"
        what = ("There is no readable timestamp.txt, and the assignment has a due date" if text is None else
                f"timestamp.txt holds {text!r}, which is not a time (nbgrader's autograde refuses such a submission)")
        if due_date is None:
            decided = "there is no due date, so no late penalty depends on it"
            recorded = None
        elif arrived is None:
            decided = "it has no notebook to tell when it arrived, and no points"
            recorded = None
        else:
            decided = (f"it is recorded as handed in when its notebook reached submitted/, {_shown(arrived)}: the "
                       "latest it can have been, so a late penalty is the largest it can be")
            recorded = arrived
        flag = Flag(MISSING if text is None else UNPARSEABLE, f"{what}: {decided}. {FIX}")
        return SubmissionTime(text, None, recorded, status, (flag,))

    flags, times = [], [claimed]
    saved = None if info is None else _utc(info.st_mtime)
    if saved is not None and arrived - saved > TOLERANCE and claimed < saved - TOLERANCE:
        flags.append(Flag(AGAINST_FILES, f"timestamp.txt says {_shown(claimed)}, but the notebook was last saved at "
                                         f"{_shown(saved)} (its modification time, which nbgrader's submit and "
                                         "collect keep): nothing is handed in before it is saved"))
        times.append(saved)
    if arrived is not None and claimed > arrived + TOLERANCE:
        flags.append(Flag(AGAINST_FILES, f"timestamp.txt says {_shown(claimed)}, later than the notebook reached "
                                         f"submitted/ ({_shown(arrived)}): nothing is handed in after it is "
                                         "collected"))
    copies = [] if exchange is None or info is None else _exchange_copies(exchange, student_id, notebook, info)
    if copies:
        named = [copy for copy in copies if copy[0] is not None and abs(copy[0] - claimed) <= TOLERANCE]
        if not named:
            names = ", ".join(name for _, _, name in copies)
            flags.append(Flag(AGAINST_EXCHANGE, f"timestamp.txt says {_shown(claimed)}, but the exchange's folder "
                                                f"of this notebook is named {names}, with another time (nbgrader's "
                                                "submit writes the same time in both)"))
            times += [stamp for stamp, _, _ in copies if stamp is not None] + [written for _, written, _ in copies]
        else:
            written = min(written for _, written, _ in named)
            if claimed < written - TOLERANCE:
                flags.append(Flag(AGAINST_EXCHANGE, f"timestamp.txt says {_shown(claimed)}, but the exchange's "
                                                    f"folder of this notebook, {named[0][2]}, was written at "
                                                    f"{_shown(written)} (nbgrader's submit writes it a moment "
                                                    "after the timestamp)"))
                times.append(written)
    if not flags:
        return SubmissionTime(text, claimed, claimed, "given")
    recorded = max(times)
    decided = (f" It is recorded as handed in at {_shown(recorded)}, the latest time the timestamp and the evidence "
               f"give, so a late penalty is the largest they allow. {FIX}")
    flags = tuple(Flag(flag.id, flag.message + "." + decided) for flag in flags)
    return SubmissionTime(text, claimed, recorded, "disagrees", flags)
