"""Grade one submitted notebook: only the graded functions run, in the submission's own sandbox.

From the student's notebook the grader takes only the cells marked
``# GRADED FUNCTION: <name>``, and from those only imports and function
definitions (a leftover training call or print is not run). Everything else
the functions need (the imports and helpers of the locked cells) comes from
the instructor's source notebook. Each submission gets a sandbox of its own
(autograder.sandbox), whose worker reads the notebook and runs each function
on its hidden cases' inputs in a child process (autograder.inside.worker). The
results come back as plain data and are checked here, where student code
cannot reach; every wait for the sandbox has a deadline.

The package's modules: verdicts (a function's Problems and Item, from its cases' outcomes), session (the sandbox
of one submission and the exchange with its worker), submissions (reading a submitted file safely). Their public
names are here too, as `grading.<name>`.
"""

from autograder.grading.session import Channel, Session, grade_notebook
from autograder.grading.submissions import (
                                            MAX_NOTEBOOK_BYTES,
                                            NotRegular,
                                            TooLarge,
                                            read_regular,
                                            read_submission,
                                            read_submitted,
)
from autograder.grading.verdicts import Item, Outcome, error_problem, judge, likely_cause, verdict

__all__ = ["MAX_NOTEBOOK_BYTES", "Channel", "Item", "NotRegular", "Outcome", "Session", "TooLarge", "error_problem",
           "grade_notebook", "judge", "likely_cause", "read_regular", "read_submission", "read_submitted", "verdict"]
