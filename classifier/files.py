"""Write a user's output file atomically, never replacing an existing one unless asked."""
from __future__ import annotations

import contextlib
import os
import tempfile

from .errors import InputError

__all__ = ["atomic_writer", "check_writable", "same_file"]


def check_writable(path: str, force: bool) -> None:
    """Refuse early a path that is a folder, sits in a missing folder, or exists without force."""
    if os.path.isdir(path):
        raise InputError(path, "is a directory, expected a file path to write")
    if os.path.exists(path) and not force:
        raise InputError(path, "already exists (use --force to replace it)")
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise InputError(path, f"{folder} is a file, not a folder")
    if not os.path.isdir(folder):
        raise InputError(path, f"folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise InputError(path, f"folder {folder} cannot be written")


def same_file(a: str, b: str) -> bool:
    """Whether two paths name one existing file (through links or another spelling)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist
        return False


@contextlib.contextmanager
def atomic_writer(path: str, force: bool = False, binary: bool = False, encoding: str = "utf-8"):
    """Yield a stream to a temporary file beside ``path``, renamed over it only on success,
    so a crash or an error never leaves a half-written file or loses the old one."""
    check_writable(path, force)
    try:
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(os.path.abspath(path)))
    except OSError as err:
        raise InputError(path, f"cannot be written ({err.strerror or err})") from None
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual mode
    try:
        with (os.fdopen(handle, "wb") if binary else
              open(handle, "w", encoding=encoding, newline="")) as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException as err:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        # The user knows their path, not the temporary file (a full disk names no file at all).
        if isinstance(err, OSError) and err.filename in (None, temporary):
            raise InputError(path, f"cannot be written ({err.strerror or err})") from None
        raise
