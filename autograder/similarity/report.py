"""The report's files, similarity.json and similarity.html (`python -m autograder similarity` writes them:
autograder.commands.similarity)."""

import json
from pathlib import Path

from autograder.similarity.page import render


def write_report(analysis, output_dir):
    """Write similarity.json and similarity.html into output_dir (created); returns their two paths."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = output_dir / "similarity.json", output_dir / "similarity.html"
    json_path.write_text(json.dumps(analysis.entries, indent=1) + "\n", encoding="utf-8")
    html_path.write_text(render(analysis), encoding="utf-8")
    return json_path, html_path

