"""The pairs and their scores, found with the inverted index of the rare features (step 5 of the method and
"Candidate pairs" in the package's docstring), and the Analysis of a whole class.
"""

import itertools
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from autograder.similarity.baseline import kept_names, references
from autograder.similarity.submissions import read_submission, submitted

THRESHOLD = 0.3  # pairs scoring less are left out of similarity.json and the page


@dataclass
class Analysis:
    """Everything the report shows.

    entries -- [{"a", "b", "function", "score"}], highest score first, scores >= threshold
    skipped -- [(student, reason)]: submissions left out entirely
    shared_code -- {function: Counter {code key: number of submissions with exactly that normalised code}}
    solution_keys -- {function: code key of the instructor's solution}
    """
    assignment: object
    submissions: list
    skipped: list
    entries: list
    common_limit: int
    threshold: float
    shared_code: dict
    solution_keys: dict
    boilerplate: dict  # {function: set of feature hashes of the release and the solution}
    common: dict  # {function: set of features more than common_limit submissions have}
    kept: frozenset  # names written as they are (kept_names)
    stubs: dict  # {function: placeholder forms of the release's statements}
    seconds: float = 0.0


def common_limit(count):
    """The number of submissions above which shared code counts as the obvious solution (an int)."""
    return max(10, count // 100)


def rarity(df, limit):
    """The weight of a feature that df submissions have: 1 for two, falling linearly to 0 past limit."""
    return max(0.0, 1.0 - (df - 2) / (limit - 1))


def compare(submissions, functions, limit, threshold=THRESHOLD):
    """Score every pair of submissions that shares a rare feature, per function and for the whole submission.

    Returns:
    entries -- [{"a", "b", "function", "score"}] with score >= threshold, highest first (then whole submission
               first, then by ids); a < b
    common -- {function: set of the features that more than limit submissions have}
    """
    entries, common = [], {}
    sizes = [defaultdict(int) for _ in submissions]  # per submission: {function: number of rare features}
    shared_all = defaultdict(float)  # (i, j) -> summed rarity over all functions
    count_all = defaultdict(int)  # (i, j) -> number of shared rare features over all functions
    for function in functions:
        index = defaultdict(list)
        for number, submission in enumerate(submissions):
            code = submission.codes.get(function)
            if code is not None:
                for feature in code.features.tolist():
                    index[feature].append(number)
        common[function] = {feature for feature, owners in index.items() if len(owners) > limit}
        shared, counted = defaultdict(float), defaultdict(int)
        for feature, owners in index.items():
            if len(owners) > limit:
                continue
            for owner in owners:
                sizes[owner][function] += 1
            if len(owners) < 2:
                continue
            weight = rarity(len(owners), limit)
            for pair in itertools.combinations(owners, 2):
                shared[pair] += weight
                counted[pair] += 1
        for (i, j), weight in shared.items():
            shared_all[(i, j)] += weight
            count_all[(i, j)] += counted[(i, j)]
            union = sizes[i][function] + sizes[j][function] - counted[(i, j)]
            entries.append(_entry(submissions, i, j, function, weight / union))
    for (i, j), weight in shared_all.items():
        union = sum(sizes[i].values()) + sum(sizes[j].values()) - count_all[(i, j)]
        entries.append(_entry(submissions, i, j, None, weight / union))
    entries = [e for e in entries if e["score"] >= threshold]
    entries.sort(key=lambda e: (-e["score"], e["function"] is not None, e["a"], e["b"], e["function"] or ""))
    return entries, common


def _entry(submissions, i, j, function, score):
    """One line of similarity.json (a dict), its two ids in order."""
    a, b = sorted((submissions[i].student, submissions[j].student))
    return {"a": a, "b": b, "function": function, "score": round(min(1.0, score), 4)}


def analyse(assignment, course, threshold=THRESHOLD, progress=None):
    """Read and compare every submission of an assignment in a course directory.

    progress -- None, or a callable given (number read, total) now and then

    Returns an Analysis. Raises UsageError when there is no submission or no release.
    """
    start = time.perf_counter()
    students = submitted(course, assignment)
    kept = kept_names(assignment)
    stubs, boilerplate, solution_keys = references(assignment)
    submissions, skipped, memo = [], [], {}
    for number, student in enumerate(students):
        try:
            submission, reason = read_submission(assignment, course, student, kept, stubs, boilerplate, memo)
        except Exception as error:  # a bug of ours on an odd file: that submission is left out, the rest goes on
            submission, reason = None, f"could not be read ({type(error).__name__}: {str(error)[:200]})"
        if submission is None:
            skipped.append((student, reason))
        else:
            submissions.append(submission)
        if progress is not None and (number + 1) % 200 == 0:
            progress(number + 1, len(students))
    limit = common_limit(len(submissions))
    entries, common = compare(submissions, assignment.functions, limit, threshold)
    shared_code = {function: Counter(s.codes[function].key for s in submissions if function in s.codes)
                   for function in assignment.functions}
    return Analysis(assignment, submissions, skipped, entries, limit, threshold, shared_code, solution_keys,
                    boilerplate, common, kept, stubs, time.perf_counter() - start)
