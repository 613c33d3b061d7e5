"""Safe output files, with the engine's rules (sim/src/output/output_file.cpp, docs/reliability.md).

Only a regular file or a new path is written; the data goes to a temporary file created exclusively
(``O_EXCL | O_NOFOLLOW``, an unpredictable name) in the target's folder and is renamed into place when
complete, so the target is either complete or untouched. Temporary files left by earlier, killed
writes are reported with a warning.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
import warnings
from pathlib import Path
from typing import Callable

from ._core import OutputError

__all__ = ["StaleTemporaryFileWarning", "check_output_target", "write_atomically"]

_NAME_ATTEMPTS = 100


class StaleTemporaryFileWarning(UserWarning):
    """Temporary files of earlier, interrupted writes of the same output were found beside it."""


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISLNK, "a symbolic link"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"))
    return next((name for test, name in kinds if test(mode)), "a special file")


def _check_kind(target: Path) -> None:
    """The target must be absent or a regular file (lstat: a symbolic link counts as one)."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror}") from exc
    if not stat.S_ISREG(mode):
        hint = ", or the path the link points to)" if stat.S_ISLNK(mode) else ")"
        raise OutputError(f"cannot write {target}: it is {_kind(mode)}; migsim only replaces regular files "
                          f"(give a new file name{hint}")


def _create_temporary(target: Path) -> tuple[Path, int]:
    """A new file beside `target`, made exclusively and never through a symbolic link."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _ in range(_NAME_ATTEMPTS):
        temporary = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
        try:
            return temporary, os.open(temporary, flags, 0o666)  # 0o666: the umask decides, like open()
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(f"cannot write {target}: cannot create a file in the folder {target.parent}: "
                              f"{exc.strerror}") from exc
    raise OutputError(f"cannot write {target}: no free temporary name in {target.parent}")


def _stale(target: Path) -> list[Path]:
    pattern = re.compile(re.escape(f".{target.name}.") + r"(?:[0-9a-f]+\.tmp|tmp-[0-9]+)")
    try:
        return sorted(entry for entry in target.parent.iterdir() if pattern.fullmatch(entry.name))
    except OSError:
        return []


def check_output_target(path: str | os.PathLike[str]) -> list[Path]:
    """Checks before any work that `path` can be written; warns about (and returns) stale temporary files.

    Raises:
        migsim.OutputError: the folder does not exist or no file can be created in it, or `path` is
            not a regular file (a device, FIFO, socket, folder or symbolic link).
    """
    target = Path(os.fspath(path))
    if not target.name:
        raise OutputError(f"cannot write {target!s}: expected a file path")
    if not target.parent.is_dir():
        raise OutputError(f"cannot write {target}: the folder {target.parent} does not exist")
    _check_kind(target)
    probe, descriptor = _create_temporary(target)
    os.close(descriptor)
    os.unlink(probe)
    stale = _stale(target)
    if stale:
        warnings.warn(f"{target}: temporary files of earlier, interrupted writes of the same output (or of a "
                      f"run writing it now): {', '.join(map(str, stale))}; remove them if no other run is "
                      "writing this file", StaleTemporaryFileWarning, stacklevel=3)
    return stale


def write_atomically(write: Callable[[Path], object], path: str | os.PathLike[str]) -> None:
    """Calls ``write(temporary)`` on a new, exclusively created temporary file beside `path`, fsyncs it
    and renames it over `path`; on any failure or interrupt the temporary file is removed.

    Raises:
        migsim.OutputError: the target is refused (see :func:`check_output_target`) or writing failed
            (the original error is chained).
    """
    target = Path(os.fspath(path))
    check_output_target(target)
    temporary, descriptor = _create_temporary(target)
    try:
        write(temporary)
        made, now = os.fstat(descriptor), os.lstat(temporary)
        if (made.st_dev, made.st_ino) != (now.st_dev, now.st_ino) or not stat.S_ISREG(now.st_mode):
            raise OutputError(f"cannot write {target}: the temporary file {temporary} was replaced while "
                              "being written")
        os.fsync(descriptor)
        _check_kind(target)
        os.replace(temporary, target)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {target}: {exc}") from exc
        raise
    finally:
        os.close(descriptor)
