"""The accuracy-experiments script still runs against the current package (it patches module
internals, which move as the package changes), and writes its table."""
import os
import subprocess
import sys

import pytest

from conftest import CORPUS, ROOT


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["+cues", "no domain dictionary"])
def test_accuracy_experiments_run_and_write_their_table(tmp_path, variant):
    out = tmp_path / "EXPERIMENTS.md"
    done = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "accuracy_experiments.py"),
                           "--corpus", CORPUS, "--only", variant, "--repeats", "1", "--folds", "2",
                           "--out", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    rows = [line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith(f"| {variant}")
            or line.startswith(f"| default, {variant}")]
    assert len(rows) == 1
    end_to_end = float(rows[0].split("|")[4].split("±")[0])
    assert 0.5 < end_to_end <= 1.0


def test_run_together_moves_spans_with_the_text():
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    from run_together import run_together

    text = "标题\r\n\r\n  第一段。\n第二段。"
    joined, offsets = run_together(text, " ")
    assert joined == "标题 第一段。 第二段。"
    for part in ("标题", "第一段。", "第二段。"):
        start = text.index(part)
        assert joined[offsets[start]:offsets[start + len(part)]] == part
    assert run_together(text, "")[0] == "标题第一段。第二段。"


@pytest.mark.slow
def test_run_together_benchmark_runs_and_writes_its_table(tmp_path):
    out = tmp_path / "run_together.md"
    done = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "run_together.py"),
                           "--corpus", CORPUS, "--repeats", "1", "--folds", "2", "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    rows = {line.split("|")[1].strip(): float(line.split("|")[2]) for line in
            out.read_text(encoding="utf-8").splitlines() if line.startswith("| line breaks") or line.startswith("| as they")}
    assert len(rows) == 4
    assert all(0.5 < score <= 1.0 for score in rows.values())


def test_baseline_keywords_come_from_the_guides_cue_column():
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    from baselines import KeywordCount, guide_cues

    guide = "\n".join([
        "| id | 中文 | what | typical cues |",
        "|---|---|---|---|",
        "| `theory` | 理论 | study | 中心组学习, 读原著/学原文, 课 |",
        "| `media` | 新闻 | news | 新闻报道, 稿件/刊发 |",
        "| `other` | 其他 | rest | 下载, 上一篇 |",
        "| not a row | `media` | 报道 | 刊发 |",
    ])
    cues = guide_cues(guide)
    assert cues == {"theory": ["中心组学习", "读原著", "学原文"], "media": ["新闻报道", "稿件", "刊发"]}
    model = KeywordCount(cues).fit(["甲", "乙", "丙"], ["theory", "media", "other"])
    assert list(model.predict_report(["今天刊发稿件两篇，读原著一本。", "食堂开饭。"])) == ["media", "other"]


@pytest.mark.slow
def test_baselines_benchmark_runs_and_writes_its_table(tmp_path):
    out = tmp_path / "baselines.md"
    done = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "baselines.py"),
                           "--shared", os.path.dirname(CORPUS), "--repeats", "1", "--folds", "2",
                           "--out", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    rows = {line.split("|")[1].strip(): float(line.split("|")[2]) for line in
            out.read_text(encoding="utf-8").splitlines()[6:] if line.startswith("| ")}
    assert len(rows) == 4
    assert all(0.3 < score <= 1.0 for score in rows.values())
    assert rows["the default model"] > rows["keyword counting (the guide's typical cues)"]
