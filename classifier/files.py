"""Write a user's output file atomically, never replacing an existing one unless asked."""
from __future__ import annotations

import contextlib
import errno
import os
import stat
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
    """Yield a stream to a temporary file beside ``path``, published under ``path`` only on success,
    so a crash or an error never leaves a half-written file or loses the old one.  Without
    ``force`` the publishing fails if ``path`` has come to exist meanwhile; with it, the replaced
    file's mode is kept."""
    check_writable(path, force)
    folder, name = os.path.split(os.path.abspath(path))
    _remove_stale_temporaries(folder, name)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".tmp-{name}-{os.getpid()}-", dir=folder)
    except OSError as err:
        raise InputError(path, f"cannot be written ({err.strerror or err})") from None
    # Everything after mkstemp sits in the try, so any exception (SIGTERM's too, raised by the
    # command's handler) removes the temporary file.
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual mode
        with (os.fdopen(handle, "wb") if binary else
              open(handle, "w", encoding=encoding, newline="")) as stream:
            yield stream
        _publish(temporary, path, force)
    except BaseException as err:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        # The user knows their path, not the temporary file (a full disk names no file at all).
        if isinstance(err, OSError) and err.filename in (None, temporary, path):
            raise InputError(path, f"cannot be written ({err.strerror or err})") from None
        raise


def _remove_stale_temporaries(folder: str, name: str) -> None:
    """Remove the temporary files of ``name`` that a killed run left (SIGKILL, a power cut): ours
    are ``.tmp-<name>-<pid>-<random>``, and one whose process is gone is no one's."""
    prefix = f".tmp-{name}-"
    try:
        entries = [entry for entry in os.listdir(folder) if entry.startswith(prefix)]
    except OSError:
        return
    for entry in entries:
        pid = entry[len(prefix):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, entry))


def _alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (one of another user counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _publish(temporary: str, path: str, force: bool) -> None:
    """Give the finished ``temporary`` file the name ``path``: replacing a file there only with
    ``force`` (keeping its mode), and otherwise with an operation that fails if the name exists,
    so a file created after :func:`check_writable` is never overwritten."""
    if force:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise InputError(path, "already exists (use --force to replace it)") from None
    except OSError as err:
        if err.errno not in _NO_HARD_LINKS:
            raise
        _claim(path)  # a file system without hard links: take the name, then rename over it
        try:
            os.replace(temporary, path)
        except BaseException:
            os.unlink(path)  # our empty placeholder
            raise
    else:
        os.unlink(temporary)


# What link() says where a file system has no hard links (FAT, some network and FUSE mounts).
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EMLINK, errno.EXDEV,
                  errno.EACCES}


def _claim(path: str) -> None:
    """Create ``path`` empty, failing if it exists."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        raise InputError(path, "already exists (use --force to replace it)") from None
