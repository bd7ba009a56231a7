"""Every error the kit reports to its user, under one base class: what went wrong and what to do.

The command line turns a KitError into `error: <message>` and exit status 2 (a GradingFailed is recorded with
the submission instead). What runs in the sandbox (autograder/inside/wire.py's WireError) imports nothing from here.
"""


class KitError(Exception):
    """A failure the kit explains to its user (the message says what went wrong and what to do)."""


class UsageError(KitError):
    """A mistake in how the kit was called (unknown assignment, missing folder, bad file...)."""


class AssignmentError(UsageError):
    """An assignment of source/ that is missing or not declared as the kit expects."""


class GradingFailed(KitError):
    """A submission could not be graded (its sandbox stopped answering, or could not start): the reason."""


class BundleError(KitError):
    """A Gradescope bundle could not be built (a broken link among its files)."""


class LeakError(KitError):
    """A student release or zip that holds what students must not receive."""
