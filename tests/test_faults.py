"""Faults and hostile input from the outside: signals to a --jobs run, inputs past the limits,
FIFOs and devices, closed standard streams, file names that are not UTF-8."""
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from conftest import ROOT
from in_process import run_main
from test_workers import _alive, _children

LINE = "组织党委中心组专题学习，开展理论宣讲进基层活动，深入推进移风易俗。"
LINUX = sys.platform.startswith("linux")


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def _start_jobs(tmp_path):
    """``predict --jobs 2`` on long reports, in a session of its own; (process, its two workers)."""
    lines = [f"第{i}项：{LINE}" for i in range(12000)]
    paths = [_write(tmp_path / f"{name}.txt", "\n".join(lines)) for name in ("a", "b", "c")]
    process = subprocess.Popen([sys.executable, "-m", "classifier", "predict", "--format", "jsonl", "--jobs", "2",
                                *paths], cwd=ROOT, env={**os.environ, "PYTHONPATH": ROOT}, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(_children(process.pid)) < 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = _children(process.pid)
    if len(workers) != 2:
        process.kill()
        pytest.fail(f"the workers did not start: {process.communicate()[1]}")
    return process, workers


@pytest.mark.slow
@pytest.mark.skipif(not LINUX, reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_term_and_hangup_stop_jobs_and_their_workers(tmp_path, signum):
    process, workers = _start_jobs(tmp_path)
    try:
        os.kill(process.pid, signum)  # the parent alone, as `kill PID` or a closed ssh session does
        _, stderr = process.communicate(timeout=60)  # a caller reading stderr through a pipe
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 128 + signum
    assert stderr.strip().splitlines() == [f"classifier: stopped by {signal.Signals(signum).name}"]
    assert not [pid for pid in workers if _alive(pid)]


@pytest.mark.slow
@pytest.mark.skipif(not LINUX, reason="reads /proc")
def test_workers_die_with_a_parent_killed_outright(tmp_path):
    process, workers = _start_jobs(tmp_path)
    try:
        os.kill(process.pid, signal.SIGKILL)
        process.communicate(timeout=30)  # returns only once the workers let go of the stderr pipe
        deadline = time.monotonic() + 10
        while [pid for pid in workers if _alive(pid)] and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert process.returncode == -signal.SIGKILL
    assert not [pid for pid in workers if _alive(pid)]


@pytest.mark.slow
def test_a_text_past_the_limit_is_refused_named_or_skipped_in_a_folder(tmp_path, capsys):
    folder = tmp_path / "reports"
    folder.mkdir()
    small = _write(folder / "a.txt", LINE)
    big = _write(folder / "b.txt", LINE + "\n" * 1_100_000)  # 1.1 MB, quick to label: one paragraph
    code, _, err = run_main(capsys, "predict", big, "--max-mb", "1")
    assert code == 2 and err.strip().splitlines() == [
        f"classifier: error: {big}: is larger than the limit of 1 MB (--max-mb or $CLASSIFIER_MAX_MB raises it)"]
    code, out, err = run_main(capsys, "predict", str(folder), "--max-mb", "1", "--format", "jsonl")
    assert code == 1 and [json.loads(line)["file"] for line in out.splitlines()] == [small]
    assert err.strip().splitlines() == [f"classifier: warning: {big}: is larger than the limit of 1 MB "
                                        "(--max-mb or $CLASSIFIER_MAX_MB raises it); skipped"]
    code, out, _ = run_main(capsys, "predict", big, "--max-mb", "2", "--format", "jsonl")
    assert code == 0 and out


def test_the_environment_sets_the_limits(tmp_path, capsys, monkeypatch):
    # Thirty numbered items of different lengths: thirty paragraphs (equal lines would read as a
    # hard-wrapped paragraph).
    items = [f"{i + 1}、" + LINE[:10 + (i * 7) % 23] + "。" for i in range(30)]
    report = _write(tmp_path / "a.txt", "\n".join(items))
    monkeypatch.setenv("CLASSIFIER_MAX_PARAGRAPHS", "10")
    code, _, err = run_main(capsys, "predict", report)
    assert code == 2 and "has 30 paragraphs, more than the limit of 10" in err
    code, _, err = run_main(capsys, "predict", report, "--max-paragraphs", "30")
    assert code == 0, err
    monkeypatch.setenv("CLASSIFIER_MAX_MB", "lots")
    code, _, err = run_main(capsys, "predict", report, "--max-paragraphs", "30")
    assert code == 2 and err.strip() == "classifier: error: CLASSIFIER_MAX_MB: must be a whole number, 1 or more, not 'lots'"


def test_read_document_reads_no_more_than_its_limit(tmp_path):
    from classifier.errors import InputError
    from classifier.read import read_document

    with pytest.raises(InputError, match="larger than the limit of 0.001 MB"):
        read_document(_write(tmp_path / "a.txt", LINE * 100), max_bytes=1000)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_standard_input_stops_at_the_limit():
    started = time.monotonic()
    with open("/dev/zero", "rb") as zero:
        done = subprocess.run([sys.executable, "-m", "classifier", "predict", "-", "--max-mb", "2"], stdin=zero,
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": ROOT}, capture_output=True, text=True,
                              timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == ("classifier: error: <stdin>: is larger than the limit of 2 MB "
                                   "(--max-mb or $CLASSIFIER_MAX_MB raises it)")
    assert time.monotonic() - started < 60


def _docx_bomb(path, megabytes):
    """A .docx whose document part unpacks to ``megabytes`` MB of one repeated paragraph."""
    import docx

    document = docx.Document()
    document.add_paragraph(LINE)
    document.save(str(path))
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    body = parts["word/document.xml"].decode("utf-8")
    start = body.index("<w:p>") if "<w:p>" in body else body.index("<w:p ")
    end = body.index("</w:p>", start) + len("</w:p>")
    paragraph = body[start:end]
    copies = megabytes * 1_000_000 // len(paragraph.encode("utf-8")) + 1
    parts["word/document.xml"] = (body[:start] + paragraph * copies + body[end:]).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return str(path)


def test_a_docx_that_unpacks_past_the_limit_is_refused_before_it_is_unpacked(tmp_path, capsys, monkeypatch):
    bomb = _docx_bomb(tmp_path / "bomb.docx", 3)
    assert os.path.getsize(bomb) < 200_000
    import docx

    def never(*args, **kwargs):
        raise AssertionError("the package was opened")

    with monkeypatch.context() as patched:
        patched.setattr(docx, "Document", never)
        code, _, err = run_main(capsys, "predict", bomb, "--max-mb", "2")
    assert code == 2
    [line] = err.strip().splitlines()
    assert line.startswith(f"classifier: error: {bomb}: unpacks to 3") and "word/document.xml alone" in line
    assert line.endswith("more than the limit of 2 MB (--max-mb or $CLASSIFIER_MAX_MB raises it)")
    # The same bytes on standard input are held to the same limit.
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(open(bomb, "rb").read())))
    code, _, err = run_main(capsys, "predict", "-", "--max-mb", "2")
    assert code == 2 and err.startswith("classifier: error: <stdin>: unpacks to 3")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_never_opened(tmp_path, capsys):
    folder = tmp_path / "reports"
    folder.mkdir()
    report = _write(folder / "a.txt", LINE)
    fifo = str(folder / "p.txt")
    os.mkfifo(fifo)  # opening it for reading would block this test for good
    code, _, err = run_main(capsys, "predict", fifo)
    assert code == 2 and err.strip() == f"classifier: error: {fifo}: is not a regular file (a FIFO), so it is not read"
    code, out, err = run_main(capsys, "predict", str(folder), "--format", "jsonl")
    assert code == 1 and [json.loads(line)["file"] for line in out.splitlines()] == [report]
    assert err.strip() == f"classifier: warning: {fifo}: is not a regular file (a FIFO), so it is not read; skipped"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_named_as_a_report_is_refused(capsys):
    code, _, err = run_main(capsys, "predict", "/dev/zero")
    assert code == 2 and err.strip() == "classifier: error: /dev/zero: is not a regular file (a device), so it is not read"


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file systems refuse names that are not UTF-8")
@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".html", ".txt"])
def test_a_file_name_that_is_not_utf8_is_shown_escaped(tmp_path, capsys, suffix):
    folder = tmp_path / "reports"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"bad\xff.txt"), "w", encoding="utf-8") as handle:
        handle.write(LINE)
    out = str(tmp_path / f"out{suffix}")
    code, _, err = run_main(capsys, "predict", str(folder), "--out", out)
    assert code == 0, err
    written = open(out, encoding="utf-8-sig").read()
    if suffix == ".jsonl":
        assert json.loads(written)["file"] == os.path.join(str(folder), "bad\\xff.txt")
    else:
        assert "bad\\xff.txt" in written


def _run_with_closed(fd, *args):
    return subprocess.run([sys.executable, "-m", "classifier", *args], cwd=ROOT, capture_output=fd != 1,
                          stderr=subprocess.PIPE if fd == 1 else None, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": ROOT}, preexec_fn=lambda: os.close(fd))


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="closes descriptors in the child")
def test_closed_standard_input_and_output_are_one_line_errors(tmp_path):
    report = _write(tmp_path / "a.txt", LINE)
    done = _run_with_closed(0, "predict", "-")
    assert done.returncode == 2
    assert done.stderr.strip() == "classifier: error: -: standard input is closed: give the report as a file"
    done = _run_with_closed(1, "predict", report)
    assert done.returncode == 2
    assert done.stderr.strip() == ("classifier: error: standard output: is closed: redirect it to a file, "
                                   "or use --out FILE")
    out = tmp_path / "out.jsonl"
    done = _run_with_closed(1, "predict", report, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["text"] == LINE
