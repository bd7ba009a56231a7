"""Run a command as it would run in a container, without one: for the tests and the benchmark.

    python -m tools.container_like MODE -- COMMAND...

MODE is "root" (root with Docker's default capabilities, under a seccomp filter that denies namespaces as
Docker's default profile does: a Gradescope container) or "user" (an ordinary user, uid USER_UID, with no
capability under the same filter: a Kubernetes JupyterHub's server). Both get no_new_privs. A mount namespace
(bubblewrap's, made before the filter applies) shows the Python installation to every user where it lives
under a private folder (/root/.pyenv on some development machines), as it is on any machine users run it on.
Real containers are tested by tests/test_containers.py; this is the cheap emulation every run has.
"""

import os
import shutil
import sys
from pathlib import Path

from autograder import sandbox

# Docker's default capabilities (moby's oci/caps/defaults.go): what root keeps in a default container.
from autograder.inside import seccomp

DOCKER_CAPABILITIES = ("CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID", "SETFCAP",
                       "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE")
USER_UID = 54321
MODES = ("root", "user", "user-no-filter")


def wrap(command, mode):
    """(the command run as in mode, the file descriptors to pass to it); the caller closes the descriptors.

    mode -- "root", "user" (both under the container-like filter) or "user-no-filter" (an ordinary user only)
    """
    if mode not in MODES:
        raise ValueError(f"mode {mode!r}: one of {', '.join(MODES)}")
    python_home = os.path.realpath(sys.base_prefix)
    outer = [sandbox.bwrap(), "--dev-bind", "/", "/"]
    if python_home.startswith("/root/"):
        outer += ["--perms", "0755", "--tmpfs", "/root"]
        for parent in reversed(Path(python_home).parents[:-2]):  # bwrap makes missing folders private
            outer += ["--perms", "0755", "--dir", str(parent)]
        outer += ["--ro-bind", python_home, python_home]
    descriptors = ()
    if mode != "user-no-filter":
        descriptor = os.memfd_create("container-like-seccomp", 0)
        os.write(descriptor, seccomp.program(sandbox=False))
        os.lseek(descriptor, 0, os.SEEK_SET)
        descriptors = (descriptor,)
        outer += ["--seccomp", str(descriptor)]
    if mode == "root":
        outer += ["--cap-drop", "ALL", *[part for name in DOCKER_CAPABILITIES for part in ("--cap-add", f"CAP_{name}")]]
        return outer + ["--", *command], descriptors
    return outer + ["--", shutil.which("setpriv"), f"--reuid={USER_UID}", f"--regid={USER_UID}", "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", "/usr/bin/env", "HOME=/tmp", *command], descriptors


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 3 or argv[1] != "--" or argv[0] not in MODES:
        sys.exit(f"usage: python -m tools.container_like {{{','.join(MODES)}}} -- COMMAND...")
    command, descriptors = wrap(argv[2:], argv[0])
    for descriptor in descriptors:
        os.set_inheritable(descriptor, True)
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
