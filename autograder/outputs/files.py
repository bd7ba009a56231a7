"""Writing files: atomically (a crash leaves the old file or the new one); zips, the same bytes for the same files."""

import os
import re
import stat
import tempfile
import zipfile
from pathlib import Path


def _umask():
    """The process's umask, read without changing it (another thread may be creating files)."""
    try:
        return int(re.search(r"^Umask:\s+([0-7]+)", Path("/proc/self/status").read_text(), re.M).group(1), 8)
    except (OSError, AttributeError):  # not Linux: read it by setting it, as POSIX allows
        mask = os.umask(0o022)
        os.umask(mask)
        return mask


def write_atomically(path, text):
    """Write text to path so that a reader never sees half a file, with the mode the umask gives a new file
    (0644 under the usual 022: feedback is copied to students as it is)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(handle.name, 0o666 & ~_umask())
    os.replace(handle.name, path)


def number(value):
    return int(value) if float(value).is_integer() else value


ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: the same for every build


def write_zip(output, entries):
    """Write a zip that is the same, byte for byte, for the same entries: {name in the zip: (bytes, mode)}, sorted,
    with fixed times; written to a temporary file and renamed, so a reader never sees half a zip."""
    output = Path(output)
    partial = output.with_name(f".{output.name}.partial")
    try:
        with zipfile.ZipFile(partial, "w") as archive:
            for name in sorted(entries):
                data, mode = entries[name]
                info = zipfile.ZipInfo(name, ZIP_TIME)
                info.create_system = 3  # Unix: the modes below count
                info.external_attr = (stat.S_IFREG | mode) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data, compresslevel=9)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return output
