"""Execute a notebook top to bottom and save it with its outputs.

    python -m tools.execute NOTEBOOK --output OUT.ipynb [--print-tag TAG]

The kernel runs in the notebook's own folder, as it does in Jupyter. The
output is written only when every cell succeeded, so a failed run never
replaces a good notebook. With --print-tag, the text printed by the cells
carrying that tag is shown at the end.
"""

import argparse
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from traitlets.config import Config


def tagged_text(notebook, tag):
    """Text printed by the cells that carry a tag, joined in order."""
    return "".join(
        output.get("text", "")
        for cell in notebook.cells if tag in cell.get("metadata", {}).get("tags", [])
        for output in cell.get("outputs", []) if output.get("output_type") == "stream")


def kernel_config(sockets):
    """Config for kernels talking over local sockets in the folder sockets, instead of TCP.

    The sockets are private to this user, and the kernel has no warning to print.
    """
    return Config({"KernelManager": {"transport": "ipc", "ip": f"{sockets}/kernel"}})


def run(path, timeout=600, allow_errors=False):
    """Execute the notebook at path in its folder and return it with its outputs.

    Raises CellExecutionError at the first failing cell, unless allow_errors.
    """
    notebook = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as sockets:
        client = NotebookClient(notebook, config=kernel_config(sockets), kernel_name="python3",
                                timeout=timeout, record_timing=False, allow_errors=allow_errors,
                                resources={"metadata": {"path": str(Path(path).parent.resolve())}})
        client.execute()
    return notebook


def execute(path, output, timeout=600):
    """Execute the notebook at path and write it, with its outputs, to output."""
    notebook = run(path, timeout)
    output.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, output)
    return notebook


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--output", type=Path, required=True, help="where to write the executed notebook")
    parser.add_argument("--print-tag", help="print the text output of the cells with this tag")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    args = parser.parse_args(argv)

    if not args.notebook.is_file():
        sys.exit(f"error: no notebook at {args.notebook}")
    try:
        notebook = execute(args.notebook, args.output, args.timeout)
    except CellExecutionError as error:
        sys.exit(f"error: {args.notebook} failed while executing; {args.output} was not written.\n{error}")
    except nbformat.reader.NotJSONError as error:
        sys.exit(f"error: {args.notebook} is not a readable notebook: {error}")
    print(f"Executed {args.notebook} -> {args.output}")
    if args.print_tag:
        print(tagged_text(notebook, args.print_tag), end="")


if __name__ == "__main__":
    main()
