#!/usr/bin/env python3
"""Regenerates the parameter reference in docs/scenarios.md from the engine's schema.

The text between the two GENERATED markers is owned by this script; the rest of the file is
hand-written. `--check` exits 1 if the file is out of date (used by the test suite).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import migsim

DOC = Path(__file__).resolve().parents[1] / "docs" / "scenarios.md"
BEGIN = "<!-- BEGIN GENERATED PARAMETERS: tools/generate_docs.py -->"
END = "<!-- END GENERATED PARAMETERS -->"


def render(text: str) -> str:
    before, _, rest = text.partition(BEGIN)
    _, _, after = rest.partition(END)
    if not rest:
        raise SystemExit(f"{DOC}: markers {BEGIN!r} and {END!r} not found")
    table = migsim._core.parameter_reference_markdown()
    return f"{before}{BEGIN}\n{table}{END}{after}"


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
