"""Similarity of the submissions of an assignment: evidence for a person to look at, never a verdict.

    python -m autograder similarity <assignment> [--course-dir DIR] [--output-dir DIR2]

reads every submitted/<student_id>/<assignment>/<notebook> of the course
directory (nothing is run: the cells are only parsed as JSON and tokenised),
and writes to DIR2 (default: <course_dir>/reports/<assignment>/):

- similarity.json: a list of {"a": id, "b": id, "function": name or null,
  "score": 0..1}, highest score first; "function": null is the whole
  submission (all its graded functions together). Only scores of at least
  THRESHOLD (0.3) are listed.
- similarity.html: one offline page (no script, no external resource) with
  the top pairs side by side, the shared code highlighted, how many
  submissions wrote exactly the same normalised code, and the submissions
  that could not be compared, with the reason.

How a function is compared
--------------------------
1. The code: the last cell marked ``# GRADED FUNCTION: <name>`` (the one the
   grader takes), cut into statements with Python's tokenize (comments, blank
   lines, indentation and docstrings dropped; ``;`` and one-line ``if x: y``
   split as if written on separate lines). Cells that do not tokenise (a
   syntax error) are cut by a plain regular expression instead.
2. Two normal forms of each statement. The placeholder form writes every
   name as ``V`` except keywords, builtins, attributes (``np.sum``), keyword
   arguments (``axis=``) and the names the assignment's setup provides (``np``,
   ``relu``, ``compute_cost``); numbers and strings by value. The role form
   writes each name as its role: a hash of the first statement that binds it
   (assigns it, or has it as a parameter or loop variable; written with the
   roles known so far) and of its place there: ``W2 = parameters["W2"]`` gives
   W2 its role; names not bound yet are written V. Roles survive renaming and
   reordering, yet tell ``W2`` from ``W3``: without them two students who each
   left out a different layer would look identical.
3. The student's statements: the cell's statements less the release's
   (given lines, the signature and the ``x = None`` stubs; matched by
   placeholder form, as a multiset, so moved given lines are still given).
4. Features: the k-grams (K tokens, with start and end markers) of each
   student statement, in both forms. Statement-local k-grams make reordered
   statements match exactly. Features of the release's cell and of the
   instructor's solution are dropped (MOSS's base file, copydetect's
   boilerplate): matching the expected answer is no evidence.
5. Score of a pair, per function and for the whole submission (the features
   of all functions together)::

       score = sum over shared features of rarity(df) / |features of a or b|

   where df is the number of submissions that have the feature, rarity(2) = 1
   and rarity falls to 0 at df > common_limit(n) = max(10, n // 100)
   (MOSS's -m): code that many submissions share is the obvious solution, not
   a copy, and features that common are left out altogether. A renamed,
   reformatted or reordered copy scores 1; two students who made the same
   one-token change score at most 1 too, which is why the page shows the code.

Candidate pairs (why not datasketch's MinHashLSH)
-------------------------------------------------
Pairs are found with an inverted index from each rare feature (2 <= df <=
common_limit) to the submissions that have it, as MOSS does: only pairs that
share a rare feature are ever touched, each feature giving at most
common_limit**2 / 2 of them, and the shared weights are summed in the same
pass, so the scores come out exact. MinHashLSH would also avoid comparing
all pairs (the score is at most the Jaccard index of the rare features, so an
LSH tuned below THRESHOLD is a sound filter), but it is probabilistic: near the
threshold it misses a share of the pairs, and a missed copy is the one error
this report must not make; at the sizes of a course (2,000 submissions: a
few seconds here) the exact index costs no more. No dependency is added.

Winnowing (why every k-gram is kept, and why not copydetect)
-------------------------------------------------------------
Winnowing keeps about 2/(w+1) of the k-grams to make the index of long
documents small. A graded function's own code is 10 to 200 tokens, and what
sets a student apart is often a one-token change, which yields only K new
k-grams: winnowing would drop some or all of them. Every k-gram is kept (a
winnowing window of 1). copydetect (0.5.0) implements winnowing on characters
of code normalised by Pygments, but (a) its normaliser writes every name and
attribute as V, so ``np.sum`` and ``np.mean`` look the same and so do ``W2`` and
``W3``; (b) it compares every pair of files, read from disk (2 million pairs
per function at 2,000 submissions); (c) it has no discount for code many
submissions share. Its winnowing, the one part that fits, is a few lines.

Submissions are untrusted: a file that is not a notebook, too large, without
the graded cells or with cells that do not parse is recorded with the reason
and left out (or that function only), never a crash.

The package's modules, in the order of the work: tokens (a cell cut into tokens and statements), forms (the
statements' placeholder and role forms), features (the student's statements and their k-grams: a Cell, a Code),
baseline (what every submission is compared against: the names kept, the release's and the solution's code),
submissions (a student's notebook read), analysis (the pairs and their scores: the Analysis of a class), page (the
HTML page, from the template similarity/page.html), report (the two files written). Their public names are here too,
as `similarity.<name>`; the command is autograder.commands.similarity.
"""

from autograder.similarity.analysis import THRESHOLD, Analysis, analyse, common_limit, compare, rarity
from autograder.similarity.baseline import MODULES, kept_names, references, release_notebook
from autograder.similarity.features import EMPTY, K, Cell, Code, mark_given, read_cell, read_code, statement_features
from autograder.similarity.forms import Statement, normalise
from autograder.similarity.page import EVIDENCE, TOP_PAIRS, render
from autograder.similarity.report import write_report
from autograder.similarity.submissions import MAX_CELL_CHARS, Submission, read_submission, submitted
from autograder.similarity.tokens import MAX_STATEMENT_TOKENS

__all__ = ["EMPTY", "EVIDENCE", "K", "MAX_CELL_CHARS", "MAX_STATEMENT_TOKENS", "MODULES", "THRESHOLD", "TOP_PAIRS",
           "Analysis", "Cell", "Code", "Statement", "Submission", "analyse", "common_limit", "compare",
           "kept_names", "mark_given", "normalise", "rarity", "read_cell", "read_code", "read_submission",
           "references", "release_notebook", "render", "statement_features", "submitted", "write_report"]
