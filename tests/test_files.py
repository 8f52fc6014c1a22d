"""atomic_writer: publish only complete files, never over one that appeared meanwhile, clean up always."""
import errno
import os
import signal
import stat

import pytest

from classifier import files
from classifier.errors import InputError


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def _usual_mode():
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def test_writes_the_file_with_the_usual_mode_and_leaves_no_temporary(tmp_path):
    out = tmp_path / "out.txt"
    with files.atomic_writer(str(out)) as stream:
        stream.write("新的")
    assert out.read_text(encoding="utf-8") == "新的"
    assert _mode(out) == _usual_mode()
    assert os.listdir(tmp_path) == ["out.txt"]


def test_a_file_created_while_writing_is_not_overwritten(tmp_path):
    out = tmp_path / "out.txt"
    with pytest.raises(InputError, match="already exists"):
        with files.atomic_writer(str(out)) as stream:
            out.write_text("someone else's", encoding="utf-8")  # after the early check, before publishing
            stream.write("mine")
    assert out.read_text(encoding="utf-8") == "someone else's"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_two_writers_of_one_name_one_wins_the_other_is_refused(tmp_path):
    out = str(tmp_path / "out.txt")
    first, second = files.atomic_writer(out), files.atomic_writer(out)
    first.__enter__().write("first")
    second.__enter__().write("second")
    first.__exit__(None, None, None)
    with pytest.raises(InputError, match="already exists"):
        second.__exit__(None, None, None)
    assert open(out, encoding="utf-8").read() == "first"
    assert os.listdir(tmp_path) == ["out.txt"]


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o444])
def test_force_replaces_and_keeps_the_mode_of_the_replaced_file(tmp_path, mode):
    out = tmp_path / "secret.txt"
    out.write_text("old", encoding="utf-8")
    os.chmod(out, mode)
    with files.atomic_writer(str(out), force=True) as stream:
        stream.write("new")
    assert out.read_text(encoding="utf-8") == "new"
    assert _mode(out) == mode
    assert os.listdir(tmp_path) == ["secret.txt"]


def test_force_replaces_a_file_created_while_writing(tmp_path):
    out = tmp_path / "out.txt"
    with files.atomic_writer(str(out), force=True) as stream:
        out.write_text("someone else's", encoding="utf-8")
        stream.write("mine")
    assert out.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("error", [ValueError("bad data"), KeyboardInterrupt(), SystemExit(143)])
def test_any_exception_removes_the_temporary_file(tmp_path, error):
    out = tmp_path / "out.txt"
    out.write_text("keep me", encoding="utf-8")
    with pytest.raises(type(error)):
        with files.atomic_writer(str(out), force=True) as stream:
            stream.write("half")
            raise error
    assert out.read_text(encoding="utf-8") == "keep me"
    assert os.listdir(tmp_path) == ["out.txt"]


def test_sigterm_while_writing_removes_the_temporary_file(tmp_path):
    """The command's SIGTERM handler raises; the writer's cleanup runs on the way out."""
    def raise_exit(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, raise_exit)
    try:
        with pytest.raises(SystemExit):
            with files.atomic_writer(str(tmp_path / "out.txt")) as stream:
                stream.write("half")
                os.kill(os.getpid(), signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert os.listdir(tmp_path) == []


def _no_hard_links(monkeypatch):
    def refuse(source, target):
        raise OSError(errno.EPERM, "Operation not permitted", source, None, target)

    monkeypatch.setattr(files.os, "link", refuse)


def test_without_hard_links_the_name_is_claimed_exclusively(tmp_path, monkeypatch):
    _no_hard_links(monkeypatch)
    out = tmp_path / "out.txt"
    with files.atomic_writer(str(out)) as stream:
        stream.write("mine")
    assert out.read_text(encoding="utf-8") == "mine" and _mode(out) == _usual_mode()
    assert os.listdir(tmp_path) == ["out.txt"]
    other = tmp_path / "other.txt"
    with pytest.raises(InputError, match="already exists"):
        with files.atomic_writer(str(other)) as stream:
            other.write_text("someone else's", encoding="utf-8")
            stream.write("mine")
    assert other.read_text(encoding="utf-8") == "someone else's"
    assert sorted(os.listdir(tmp_path)) == ["other.txt", "out.txt"]


def test_without_hard_links_a_failed_rename_leaves_neither_placeholder_nor_temporary(tmp_path, monkeypatch):
    _no_hard_links(monkeypatch)

    def refuse(source, target):
        raise OSError(errno.EIO, "Input/output error", source, None, target)

    monkeypatch.setattr(files.os, "replace", refuse)
    with pytest.raises(InputError, match="cannot be written"):
        with files.atomic_writer(str(tmp_path / "out.txt")) as stream:
            stream.write("mine")
    assert os.listdir(tmp_path) == []


def test_an_unwritable_folder_is_a_one_line_error(tmp_path, monkeypatch):
    def refuse(source, target):
        raise OSError(errno.EACCES, "Permission denied", source, None, target)

    def no_create(path, *args):
        raise PermissionError(errno.EACCES, "Permission denied", path)

    monkeypatch.setattr(files.os, "link", refuse)
    with pytest.raises(InputError) as caught:
        with files.atomic_writer(str(tmp_path / "out.txt")) as stream:
            stream.write("mine")
            monkeypatch.setattr(files.os, "open", no_create)  # after the temporary file is made
    assert str(caught.value) == f"{tmp_path / 'out.txt'}: cannot be written (Permission denied)"
    assert os.listdir(tmp_path) == []


def test_temporary_files_a_killed_run_left_are_removed_and_live_ones_kept(tmp_path):
    """A run killed with SIGKILL cannot remove its temporary file: the next write of the same
    output removes it, when the process that made it is gone, and leaves a running one's alone."""
    import subprocess
    import sys

    from classifier.files import atomic_writer

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stale = tmp_path / f".tmp-out.jsonl-{gone.pid}-abc123"
    live = tmp_path / f".tmp-out.jsonl-{os.getpid()}-def456"
    other = tmp_path / f".tmp-other.jsonl-{gone.pid}-abc123"
    for leftover in (stale, live, other):
        leftover.write_text("half", encoding="utf-8")
    with atomic_writer(str(tmp_path / "out.jsonl")) as out:
        out.write("{}\n")
    assert not stale.exists()
    assert live.exists() and other.exists()
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == "{}\n"
