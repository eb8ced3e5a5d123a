"""Disks that refuse a write: the one-line error for a full, read-only or forbidden folder."""

from __future__ import annotations

import errno
from pathlib import Path

_OS_CAUSES = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "the file system is read-only",
    errno.ENOTDIR: "part of the path is a file, not a folder",
    errno.EEXIST: "a file is in the way",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EISDIR: "a folder is in the way",
}


class StorageError(Exception):
    """A working or output folder that cannot be written; str() is the one-line message."""


def storage_error(err: OSError, path: Path | None = None) -> StorageError | None:
    """The one-line error for an OSError writing `path` (the full disk, a read-only mount...).

    None for other errors (they are bugs, not the user's disk). The path named is the one the
    system names, else `path`.
    """
    cause = _OS_CAUSES.get(err.errno) if isinstance(err, OSError) else None
    if cause is None:
        return None
    where = err.filename if err.filename is not None else path
    prefix = f"{where}: " if where is not None else ""
    return StorageError(f"{prefix}cannot write ({cause}; errno {errno.errorcode[err.errno]})")
