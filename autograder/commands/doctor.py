"""`python -m autograder doctor`: the protections for student code on this machine, and a sandbox from the inside."""

from autograder import sandbox


def add_parser(subparsers):
    parser = subparsers.add_parser("doctor", help="report which protections for student code work on this machine")
    parser.set_defaults(run=lambda args: doctor())  # its result is the exit status


def doctor():
    """Print each protection and the tool behind it, and a sandbox seen from the inside.

    Returns the exit status: 0, or 1 where student code cannot be isolated (Gradescope's setup.sh then fails).
    """
    try:
        protections = sandbox.report()
    except sandbox.Unavailable as error:
        print(f"Student code cannot be isolated on this machine: {error}.\n`grade` refuses to grade here "
              "(unless given --unsafe-no-sandbox).")
        return 1
    print("Protections for student code on this machine:\n" + sandbox.protections_text(protections))
    inside = sandbox.inspect()
    seen = [f"uid {inside['uid']}", f"pid {inside['pid']}",
            f"{inside['processes']} process(es) visible" if inside["processes"] is not None else "/proc unreadable",
            f"capabilities {inside['cap_eff']}", f"no_new_privs {inside['no_new_privs']}",
            f"seccomp mode {inside['seccomp']}"]
    seen += [f"Landlock ABI {inside['landlock']}"] if inside["landlock"] else []
    root = f"its / holds: {' '.join(inside['root'])}" if inside["root"] is not None else "its / cannot be listed"
    print(f"A sandbox seen from the inside ({protections['layer']}): {', '.join(seen)}; {root}.")
    return 0
