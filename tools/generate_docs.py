#!/usr/bin/env python3
"""Regenerates the references in docs/ from the engine's schemas.

- docs/scenarios.md: the parameter and event references (`parameter_schema`, `event_schema`);
- docs/outputs.md: the output variables and statuses (`output_schema`, `status_schema`).

The text between each pair of GENERATED markers is owned by this script; the rest of each file is
hand-written. `--check` exits 1 if a file is out of date (used by the test suite).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

import migsim

DOCS = Path(__file__).resolve().parents[1] / "docs"
# Per file, its generated sections: marker name -> the Markdown the engine renders.
FILES: dict[Path, dict[str, Callable[[], str]]] = {
    DOCS / "scenarios.md": {
        "PARAMETERS": lambda: migsim._core.parameter_reference_markdown(),
        "EVENTS": lambda: migsim._core.event_reference_markdown(),
    },
    DOCS / "outputs.md": {
        "OUTPUTS": lambda: migsim._core.output_reference_markdown(),
    },
}


def render_section(path: Path, text: str, name: str, body: str) -> str:
    begin = f"<!-- BEGIN GENERATED {name}: tools/generate_docs.py -->"
    end = f"<!-- END GENERATED {name} -->"
    before, _, rest = text.partition(begin)
    _, _, after = rest.partition(end)
    if not rest:
        raise SystemExit(f"{path}: markers {begin!r} and {end!r} not found")
    return f"{before}{begin}\n{body}{end}{after}"


def render(path: Path, text: str) -> str:
    for name, body in FILES[path].items():
        text = render_section(path, text, name, body())
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a generated file is out of date")
    args = parser.parse_args()
    stale = []
    for path in FILES:
        current = path.read_text()
        wanted = render(path, current)
        if args.check:
            if current != wanted:
                stale.append(path)
        elif current != wanted:
            path.write_text(wanted)
            print(f"wrote {path}")
        else:
            print(f"{path} is current")
    for path in stale:
        print(f"{path} is out of date: run `make docs`", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
