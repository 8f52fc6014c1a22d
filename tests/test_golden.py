"""``predict`` writes byte-identical output for every shared document (digests in tests/golden).

The digests were recorded with the shipped model by tests/golden/make_golden.py.  A change
meant to alter the outputs (a retrained model, a new output format) re-runs that script on purpose
and says so in its commit; any other change must leave every digest as it is.
"""
import importlib.util
import json
import os

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


def _golden():
    spec = importlib.util.spec_from_file_location("make_golden", os.path.join(HERE, "golden", "make_golden.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_predict_outputs_match_the_recorded_digests():
    golden = _golden()
    with open(golden.GOLDEN, encoding="utf-8") as handle:
        expected = json.load(handle)
    actual = golden.compute()
    changed = sorted(name for name in expected["documents"] | actual["documents"]
                     if expected["documents"].get(name) != actual["documents"].get(name))
    formats = sorted(form for form in expected["batch"] if expected["batch"][form] != actual["batch"].get(form))
    model = "" if expected["model"] == actual["model"] else (
        " (the model file changed since the digests were recorded: if that is meant, re-run "
        "tests/golden/make_golden.py on purpose)")
    assert not changed, f"predict's jsonl output changed for {len(changed)} documents{model}: {changed[:20]}"
    assert not formats, f"predict's output with --explain changed as {formats}{model}"
