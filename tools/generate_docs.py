#!/usr/bin/env python3
"""Regenerates the parameter and event references in docs/scenarios.md from the engine's schemas.

The text between each pair of GENERATED markers is owned by this script; the rest of the file is
hand-written. `--check` exits 1 if the file is out of date (used by the test suite).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import migsim

DOC = Path(__file__).resolve().parents[1] / "docs" / "scenarios.md"
SECTIONS = {
    "PARAMETERS": lambda: migsim._core.parameter_reference_markdown(),
    "EVENTS": lambda: migsim._core.event_reference_markdown(),
}


def render_section(text: str, name: str, body: str) -> str:
    begin = f"<!-- BEGIN GENERATED {name}: tools/generate_docs.py -->"
    end = f"<!-- END GENERATED {name} -->"
    before, _, rest = text.partition(begin)
    _, _, after = rest.partition(end)
    if not rest:
        raise SystemExit(f"{DOC}: markers {begin!r} and {end!r} not found")
    return f"{before}{begin}\n{body}{end}{after}"


def render(text: str) -> str:
    for name, body in SECTIONS.items():
        text = render_section(text, name, body())
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if docs/scenarios.md is out of date")
    args = parser.parse_args()
    current = DOC.read_text()
    wanted = render(current)
    if args.check:
        if current != wanted:
            print(f"{DOC} is out of date: run `make docs`", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(wanted)
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
