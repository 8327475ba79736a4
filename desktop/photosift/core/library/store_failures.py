"""Storage failures in words a user can act on (issue 16): a full disk, a damaged or read-only
library file, a number too large for the library.

SQLite reports these as bare ``sqlite3.OperationalError`` / ``DatabaseError`` text; shown
raw they look like a crash and say nothing about the user's data. The facts behind the
wording: every indexed batch and every tag change is its own transaction, so when a write
fails, everything committed before it is still in the file ("nothing was lost"), and the next
run continues where this one stopped.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from photosift.core.errors import Remedy, StoreError

SQLITE_FULL = 13  # sqlite3.SQLITE_FULL exists from Python 3.11 only


class DiskFullError(StoreError):
    """The disk holding the library (or a sidecar) has no space left."""

    remedy = Remedy.FREE_SPACE_AND_RETRY


class DamagedLibraryError(StoreError):
    """The library file is corrupt."""

    remedy = Remedy.RECOVER_LIBRARY


class ReadOnlyLibraryError(StoreError):
    """The library file (or its folder) cannot be written."""

    remedy = Remedy.USE_WRITABLE_LIBRARY


def explain_failure(exc: BaseException, db_path: Path | None) -> StoreError | None:
    """The user-facing error for a storage failure, or None when `exc` is not one."""
    where = f" {db_path}" if db_path is not None else ""
    message = str(exc).lower()
    if _is_disk_full(exc, message, db_path):
        return DiskFullError(
            f"The disk holding the library{where} is full. Nothing was lost: everything saved "
            "before this point is kept."
        )
    # ("file is not a database" is a wrong --db, not a damaged library: Store says so.)
    if isinstance(exc, sqlite3.DatabaseError) and ("malformed" in message or "corrupt" in message):
        return DamagedLibraryError(
            f"The library file{where} is damaged ({_integrity(db_path)}).",
            path=str(db_path or "LIBRARY"),
        )
    if isinstance(exc, sqlite3.OperationalError) and (
        "readonly" in message or "read-only" in message
    ):
        return ReadOnlyLibraryError(
            f"The library{where} is read-only here, so it cannot be changed. Searching and "
            "listing still work."
        )
    if isinstance(exc, OverflowError):
        return StoreError(
            "A number in the command is too large (photo ids and counts are at most "
            f"{2**63 - 1:,}); check it and try again."
        )
    return None


def _is_disk_full(exc: BaseException, message: str, db_path: Path | None) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    code = getattr(exc, "sqlite_errorcode", None)
    if code == SQLITE_FULL or "database or disk is full" in message:
        return True
    # Growing the -shm/-wal file on a full disk surfaces as a bare "disk I/O error".
    return "disk i/o error" in message and db_path is not None and _free_bytes(db_path) < LOW_SPACE


LOW_SPACE = 1024 * 1024  # below this, an I/O error on the library is taken for a full disk


def _free_bytes(db_path: Path) -> int:
    try:
        return shutil.disk_usage(db_path.parent).free
    except OSError:
        return LOW_SPACE


def _integrity(db_path: Path | None) -> str:
    """The first problem `PRAGMA quick_check` finds, read-only, in a few words."""
    if db_path is None:
        return "the check could not run"
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as conn:
            row = conn.execute("PRAGMA quick_check(1)").fetchone()
        result = row[0] if row else "no answer"
    except sqlite3.DatabaseError as exc:
        result = str(exc)
    return "integrity check: " + " ".join(result.replace("*", "").split())[:120]
