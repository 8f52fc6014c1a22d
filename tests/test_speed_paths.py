"""The fast paths give the same answers as the slow ones: --jobs, the tokenizer, the dictionary cache,
and start-up that loads nothing a command does not need."""
import json
import os
import random
import re
import subprocess
import sys

import pytest

from conftest import DOCS, ROOT, doc_text, run_cli

NAMES = sorted(n[:-4] for n in os.listdir(DOCS) if n.endswith(".txt"))


def _python(code, **env):
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": ROOT, **env})


def test_jobs_give_the_same_jsonl_as_one_process():
    paths = [os.path.join(DOCS, f"{n}.txt") for n in NAMES]
    one = run_cli("predict", "--format", "jsonl", *paths)
    two = run_cli("predict", "--format", "jsonl", "--jobs", "2", *paths)
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    assert two.stderr == ""
    assert len(one.stdout.splitlines()) > 1000
    assert one.stdout == two.stdout


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


def _interrupt(done):
    raise KeyboardInterrupt


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_interrupted_jobs_leave_no_worker_behind(default_model, monkeypatch):
    """Ctrl-C while a report is being placed (not only while waiting for a worker): when
    label_reports gives up, its workers are gone, not idling or finishing their chunks."""
    import multiprocessing

    from classifier import report as report_module
    from classifier.report import label_reports

    paragraph = "组织党委中心组专题学习，开展理论宣讲进基层活动，深入推进移风易俗。"
    reports = [(f"r{i}", "\n".join([paragraph] * 20)) for i in range(40)]
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


def _children(pid):
    """Live (not zombie) processes whose parent is ``pid``, from /proc."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as handle:
                state, parent = handle.read().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue
        if int(parent) == pid and state != "Z":
            found.append(int(entry))
    return found


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


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


def test_label_reports_is_independent_of_chunks_and_jobs(default_model, monkeypatch):
    """Small chunks, empty reports among full ones, several processes: the same results, in order,
    as labelling each report on its own."""
    from classifier import report as report_module
    from classifier.report import label_report, label_reports

    reports = [(n, doc_text(n)) for n in NAMES[:12]]
    reports.insert(3, ("empty", ""))
    reports.append(("blank", "  \n\n "))
    monkeypatch.setattr(report_module, "_CHUNK_CHARS", 1500)
    seen = []
    many = label_reports(default_model, reports, jobs=2, progress=seen.append)
    single = label_reports(default_model, reports, jobs=1)
    alone = [label_report(default_model, text, name=name) for name, text in reports]
    assert seen == list(range(1, len(reports) + 1))
    assert [r.name for r in many] == [name for name, _ in reports]
    assert many[3].paragraphs == [] and many[-1].paragraphs == []

    def rows(results):
        return [[p.to_dict(r.name) for p in r.paragraphs] for r in results]
    assert rows(many) == rows(single) == rows(alone)
    assert [r.summary for r in many] == [r.summary for r in alone]


def _jieba_tokens(tokenizer, text):
    """What tokenize gave before it had its own loop: jieba's lcut, then the same normalisation."""
    tokens = []
    for word in tokenizer.lcut(text, HMM=True):
        if re.match(r"^[\s\W_]+$", word):
            continue
        tokens.append("0" if re.match(r"^[\d.%％,，]+$", word) else word.lower())
    return tokens


def test_tokenize_is_jiebas_cut():
    from classifier.tokenize import tokenize, tokenizer

    instance = tokenizer()
    texts = [doc_text(n) for n in NAMES]
    lines = [line for text in texts for line in text.splitlines()]
    for text in texts + lines:
        assert tokenize(text) == _jieba_tokens(instance, text)
    rng = random.Random(5)
    alphabet = ("".join(texts)[:5000] + "abcXYZ0123456789.%％,，#&+-_ \t\r\n\u3000１２Ａ〇々①（）《》🙂"
                "\u3400\u9fd5\u9fd6")
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert tokenize(text) == _jieba_tokens(instance, text), text


def test_the_hmm_for_unknown_runs_is_jiebas():
    """Characters the HMM has no emission for tie at jieba's MIN_FLOAT: ties must break as jieba's."""
    from jieba import finalseg

    from classifier.tokenize import _hmm_cut, tokenizer

    tokenizer()
    emit = finalseg.emit_P
    han = [chr(c) for c in range(0x4E00, 0x9FD6)]
    known = [ch for ch in han if all(ch in emit[s] for s in "BMES")][:300]
    partly = [ch for ch in han if 0 < sum(ch in emit[s] for s in "BMES") < 4][:300]
    unknown = [ch for ch in han if not any(ch in emit[s] for s in "BMES")][:300]
    pools = [known, partly, unknown, known + unknown, partly + unknown + list("ab12.5%x")]
    rng = random.Random(11)
    for number in range(6000):
        pool = pools[number % len(pools)]
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 12)))
        assert _hmm_cut(text) == list(finalseg.cut(text)), text


def test_the_dictionary_cache_is_built_once_and_gives_the_same_tokens(tmp_path):
    code = ("import json, os, jieba\n"
            "from classifier.tokenize import tokenize, tokenizer\n"
            "text = open(os.path.join(%r, 'seed_000.txt'), encoding='utf-8').read()\n"
            "reference = jieba.Tokenizer(); reference.initialize(); reference.load_userdict(%r)\n"
            "print(json.dumps([tokenize(text), reference.lcut(text), tokenizer().total == reference.total,"
            " tokenizer().FREQ == reference.FREQ], ensure_ascii=False))"
            % (DOCS, os.path.join(ROOT, "classifier", "resources", "userdict.txt")))
    cache = tmp_path / "cache"
    first = _python(code, CLASSIFIER_CACHE_DIR=str(cache))
    assert first.returncode == 0, first.stderr
    files = os.listdir(cache)
    assert len(files) == 1 and files[0].endswith(".marshal")
    second = _python(code, CLASSIFIER_CACHE_DIR=str(cache))
    assert second.returncode == 0, second.stderr
    assert os.listdir(cache) == files
    tokens, reference, same_total, same_freq = json.loads(second.stdout)
    assert same_total and same_freq
    assert json.loads(first.stdout)[0] == tokens and len(tokens) > 100
    # A damaged cache is rebuilt, not trusted.
    (cache / files[0]).write_bytes(b"not a cache")
    third = _python(code, CLASSIFIER_CACHE_DIR=str(cache))
    assert third.returncode == 0, third.stderr
    assert json.loads(third.stdout)[0] == tokens


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path):
    """The cache then goes to a folder of the user's own in the temporary folder."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    for _ in range(2):
        result = _python("from classifier.tokenize import tokenize; print(tokenize('组织党委中心组专题学习'))",
                         CLASSIFIER_CACHE_DIR=str(blocker / "cache"), TMPDIR=str(temporary))
        assert result.returncode == 0, result.stderr
        assert "中心组" in result.stdout
        [folder] = [name for name in os.listdir(temporary) if name.startswith("classifier")]
        assert len(os.listdir(temporary / folder)) == 1


@pytest.mark.parametrize("code", [
    "import classifier",
    "from classifier.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass",
    "from classifier.cli import main\ntry:\n    main(['predict', '--help'])\nexcept SystemExit:\n    pass",
])
def test_start_up_loads_nothing_heavy(code):
    result = _python(code + "\nimport sys\nprint(sorted(m for m in ('numpy', 'sklearn', 'scipy', 'jieba', 'joblib')"
                            " if m in sys.modules))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
