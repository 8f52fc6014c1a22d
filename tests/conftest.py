import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
CORPUS = os.path.join(SHARED, "corpus")
LABELS = os.path.join(CORPUS, "labels.jsonl")
DOCS = os.path.join(CORPUS, "docs")
DEFAULT_MODEL = os.path.join(ROOT, "models", "default.model")
# The tests' own corpus (tests/fixtures/make_corpus.py wrote it): eight short invented reports.
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "corpus")
FIXTURE_LABELS = os.path.join(FIXTURE, "labels.jsonl")
FIXTURE_DOCS = os.path.join(FIXTURE, "docs")


def run_cli(*args, stdin=None, cwd=None):
    """Run ``python -m classifier`` as a user would; return the completed process (text)."""
    return subprocess.run([sys.executable, "-m", "classifier", *args], input=stdin, cwd=cwd or ROOT,
                          capture_output=True, text=stdin is None or isinstance(stdin, str),
                          env={**os.environ, "PYTHONPATH": ROOT})


def run_python(code, **env):
    """Run ``python -c code`` from the repository root with the package importable (``env``: extra
    environment variables); return the completed process (text)."""
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": ROOT, **env})


def shared_paragraphs():
    """(texts, headings, report numbers) of every shared document's paragraphs, as predict segments them."""
    from classifier.read import read_document
    from classifier.segment import segment

    texts, headings, reports = [], [], []
    for number, name in enumerate(sorted(os.listdir(DOCS))):
        document = read_document(os.path.join(DOCS, name))
        for paragraph in segment(document.text, document.headings):
            texts.append(paragraph.text)
            headings.append(paragraph.heading)
            reports.append(number)
    return texts, headings, reports


@pytest.fixture
def cli(capsys):
    """Run ``classifier`` in this process (:func:`in_process.run_main`); return what ``run_cli``
    returns: ``returncode``, ``stdout`` and ``stderr``."""
    from types import SimpleNamespace

    from in_process import run_main

    def run(*args):
        code, out, err = run_main(capsys, *args)
        return SimpleNamespace(returncode=code, stdout=out, stderr=err)
    return run


@pytest.fixture(scope="session")
def tiny_corpus():
    """The tests' own corpus: ``labels`` (a JSON Lines file with spans) and ``docs`` (its reports)."""
    from types import SimpleNamespace

    return SimpleNamespace(labels=FIXTURE_LABELS, docs=FIXTURE_DOCS)


@pytest.fixture(scope="session")
def default_model():
    from classifier import load_model

    return load_model(DEFAULT_MODEL)


@pytest.fixture(scope="session")
def corpus_rows():
    import json

    with open(LABELS, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def doc_text(doc):
    with open(os.path.join(DOCS, f"{doc}.txt"), encoding="utf-8") as handle:
        return handle.read()
