"""The error-analysis notebook runs top to bottom on the shared corpus and shows its results;
the committed copy carries no outputs (they would quote report text)."""
import os
import re
import time

import nbformat
import pytest

from conftest import CORPUS, LABELS, ROOT

NOTEBOOK = os.path.join(ROOT, "notebooks", "error_analysis.ipynb")


def _kernel_available(name="python3"):
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(name)
        return True
    except NoSuchKernel:
        return False


@pytest.fixture
def python3_kernel(tmp_path, monkeypatch):
    """Make sure a ``python3`` kernel spec exists; when none does, register one running this
    interpreter in a temporary Jupyter path (the user's own set-up is left alone)."""
    if not _kernel_available():
        from ipykernel.kernelspec import install

        install(prefix=str(tmp_path / "jupyter"), kernel_name="python3")
        share = tmp_path / "jupyter" / "share" / "jupyter"
        monkeypatch.setenv("JUPYTER_PATH", os.pathsep.join(filter(None, [str(share), os.environ.get("JUPYTER_PATH")])))
        assert _kernel_available(), "could not register a python3 kernel"
    return "python3"


def _text_outputs(cell):
    texts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            texts.append(output.get("text", ""))
        elif "data" in output:
            texts.append(output["data"].get("text/markdown", "") or output["data"].get("text/plain", ""))
    return "".join(texts)


def test_committed_notebook_has_no_outputs_and_no_report_text():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "clear the outputs before committing"
        # Report text is Chinese: none of it belongs in the notebook's own cells.
        assert not re.search(r"[\u4e00-\u9fff]", cell.source), cell.source[:80]
        if cell.cell_type == "markdown":
            assert not re.search(r"\d\.\d", cell.source), "numbers belong in computed outputs, not markdown"


@pytest.mark.slow
def test_notebook_runs_top_to_bottom(python3_kernel, monkeypatch):
    from nbclient import NotebookClient

    assert os.path.exists(LABELS), f"the notebook needs the shared corpus at {CORPUS}"
    monkeypatch.setenv("CLASSIFIER_CORPUS", CORPUS)
    monkeypatch.setenv("MPLBACKEND", "Agg")  # no display: figures are rendered through display(fig)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(nb, kernel_name=python3_kernel, timeout=900,
                            resources={"metadata": {"path": os.path.dirname(NOTEBOOK)}})
    started = time.time()
    client.execute()  # raises CellExecutionError, with the cell and traceback, if any cell fails
    print(f"notebook executed in {time.time() - started:.0f} s")

    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code), "every code cell ran"
    errors = [o for cell in code for o in cell.outputs if o.get("output_type") == "error"]
    assert not errors
    text = "\n".join(_text_outputs(cell) for cell in code)
    assert re.search(r"out-of-fold macro-F1 0\.\d{3}", text)
    assert "| civilization |" in text and "| theory |" in text  # per-label and confusion tables
    assert "confidence" in text and "true_proba" in text  # the confident mistakes table
    assert "false alarms" in text  # per-label mistake patterns
    assert "training reports" in text  # the learning-curve table
    assert re.search(r"Predicted macro-F1 with all \d+ reports: 0\.\d{3}; with twice as many \(\d+\): "
                     r"0\.\d{3}, a gain of [+-]0\.\d{3}", text)
    assert re.search(r"More labelled reports would", text)
    images = [o for cell in code for o in cell.outputs if "image/png" in o.get("data", {})]
    assert len(images) == 2, "the confusion heatmap and the learning curve"
