"""--jobs: the same output as one process, and no worker left behind when interrupted."""
import json
import os
import subprocess
import sys

import pytest

from conftest import DOCS, ROOT, run_cli

sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
from faults import alive as _alive, children as _children  # noqa: E402  (what the fault table uses too)

NAMES = sorted(n[:-4] for n in os.listdir(DOCS) if n.endswith(".txt"))


@pytest.mark.slow
def test_jobs_give_the_same_jsonl_as_one_process():
    paths = [os.path.join(DOCS, f"{n}.txt") for n in NAMES]
    one = run_cli("predict", "--format", "jsonl", *paths)
    two = run_cli("predict", "--format", "jsonl", "--jobs", "2", *paths)
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    assert two.stderr == ""
    assert len(one.stdout.splitlines()) > 1000
    assert one.stdout == two.stdout


@pytest.mark.slow
def test_jobs_give_the_same_explanations_and_csv(tmp_path):
    paths = [os.path.join(DOCS, f"{n}.txt") for n in NAMES]
    outputs = []
    for jobs in ("1", "3"):
        out = tmp_path / f"jobs{jobs}.csv"
        result = run_cli("predict", "--format", "csv", "--explain", "2", "--jobs", jobs, "--out", str(out), *paths)
        assert result.returncode == 0, result.stderr
        explained = run_cli("predict", "--format", "jsonl", "--explain", "2", "--jobs", jobs, *paths[:20])
        assert explained.returncode == 0, explained.stderr
        outputs.append((out.read_bytes(), explained.stdout))
    assert outputs[0] == outputs[1]
    assert all("explanation" in json.loads(line) for line in outputs[0][1].splitlines())


def test_jobs_segment_and_score_in_the_workers_not_the_parent(default_model, monkeypatch):
    """With ``jobs`` > 1 the parent only reads and puts reports together: segmenting and scoring
    in it would leave a core idle (the workers would wait for it)."""
    from classifier import report as report_module
    from classifier.read import Document
    from classifier.report import label_reports

    parent = os.getpid()
    done_by = []

    def recorded(function):
        def where(*args, **kwargs):
            if os.getpid() == parent:
                done_by.append(function.__name__)
            return function(*args, **kwargs)
        return where

    monkeypatch.setattr(report_module, "segment", recorded(report_module.segment))
    monkeypatch.setattr(report_module, "_score", recorded(report_module._score))
    monkeypatch.setattr(report_module, "_CHUNK_CHARS", 40)
    paragraph = "组织党委中心组专题学习，开展理论宣讲进基层活动。"
    reports = [Document(f"r{i}", "\n".join([paragraph] * (1 + i % 3))) for i in range(8)]
    many = label_reports(default_model, reports, jobs=2)
    assert done_by == []
    assert [[p.to_dict(r.name) for p in r.paragraphs] for r in many] == \
        [[p.to_dict(r.name) for p in r.paragraphs] for r in label_reports(default_model, reports)]
    assert done_by  # the same functions, in one process


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_interrupted_jobs_leave_no_worker_behind(default_model, monkeypatch):
    """Ctrl-C while a report is being placed (not only while waiting for a worker): when
    label_reports gives up, its workers are gone, not idling or finishing their chunks."""
    import multiprocessing

    from classifier import report as report_module
    from classifier.read import Document
    from classifier.report import label_reports

    paragraph = "组织党委中心组专题学习，开展理论宣讲进基层活动，深入推进移风易俗。"
    reports = [Document(f"r{i}", "\n".join([paragraph] * 20)) for i in range(40)]
    monkeypatch.setattr(report_module, "_CHUNK_CHARS", 500)
    before = set(multiprocessing.active_children())
    children_before = set(_children(os.getpid()))
    workers = set()

    def interrupt_while_workers_run(done):
        workers.update(set(_children(os.getpid())) - children_before)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        label_reports(default_model, reports, jobs=2, progress=interrupt_while_workers_run)
    assert 1 <= len(workers) <= 2, workers  # the workers were there when Ctrl-C came
    assert not [pid for pid in workers if _alive(pid)]
    assert set(multiprocessing.active_children()) <= before


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_stops_jobs_workers_and_says_so_in_one_line(tmp_path):
    import signal
    import time

    lines = [f"第{i}项：组织党委中心组专题学习，开展理论宣讲进基层活动，深入推进移风易俗。" for i in range(12000)]
    paths = []
    for name in ("a", "b", "c"):  # long reports: a chunk each, seconds of work for a worker
        paths.append(str(tmp_path / f"{name}.txt"))
        with open(paths[-1], "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines))
    process = subprocess.Popen([sys.executable, "-m", "classifier", "predict", "--format", "jsonl", "--jobs", "2",
                                *paths], cwd=ROOT, env={**os.environ, "PYTHONPATH": ROOT}, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while len(_children(process.pid)) < 2 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = _children(process.pid)
        assert len(workers) == 2, "the workers did not start"
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert stderr.strip().splitlines() == ["classifier: interrupted"]
    assert not [pid for pid in workers if _alive(pid)]
