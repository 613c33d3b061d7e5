"""What the Python programs behind `migsim table` and `migsim report` share: their exit codes."""

from __future__ import annotations

import sys
from typing import Callable, TextIO

from ._core import ArgumentError, MigsimError


def exit_code(program: str, action: Callable[[], str], summary: TextIO | None = None) -> int:
    """Runs ``action`` and prints the line it returns to ``summary`` (standard error when the result itself goes
    to standard output): 0 done, 2 bad input (the message says what was expected and found), 1 any other
    failure."""
    try:
        done = action()
    except ArgumentError as exc:
        print(f"{program}: error: {exc}", file=sys.stderr)
        return 2
    except (MigsimError, OSError) as exc:
        print(f"{program}: failed: {exc}", file=sys.stderr)
        return 1
    print(done, file=summary or sys.stdout)
    return 0
