"""The accuracy-experiments script still runs against the current package (it patches module
internals, which move as the package changes), and writes its table."""
import os
import subprocess
import sys

import pytest

from conftest import CORPUS, ROOT


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
