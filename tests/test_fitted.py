"""The numpy fitted parts (classifier.fitted) compute what scikit-learn's fitted TfidfVectorizer and
LogisticRegression compute, bit for bit; predicting with a model file imports no scikit-learn."""
import copy
import os

import numpy as np
import pytest
from scipy import sparse

from conftest import DEFAULT_MODEL, FIXTURE_DOCS, FIXTURE_LABELS, ROOT, run_python, shared_paragraphs


def _same(a, b):
    """Equal bit for bit, of the same type and dtype (sparse: same structure too)."""
    assert type(a) is type(b) and a.dtype == b.dtype and a.shape == b.shape
    if sparse.issparse(a):
        for name in ("data", "indices", "indptr"):
            assert np.array_equal(getattr(a, name), getattr(b, name)), name
    else:
        assert np.array_equal(a, b)


def _sklearn_parts(model):
    """A copy of ``model`` whose fitted parts are scikit-learn's own objects (as in an old pickle)."""
    from sklearn.linear_model import LogisticRegression

    old = copy.copy(model)
    old.vectorizer_ = copy.copy(model.vectorizer_)
    for name in old.vectorizer_._tfidf_blocks():
        setattr(old.vectorizer_, name, getattr(model.vectorizer_, name).to_sklearn())
    linear = LogisticRegression(**model.linear_.get_params())
    linear.classes_, linear.coef_, linear.intercept_ = model.classes_, model.linear_.coef_, model.linear_.intercept_
    linear.n_features_in_, linear.n_iter_ = model.linear_.n_features_in_, model.linear_.n_iter_
    old.linear_ = linear
    return old


def test_the_tfidf_defaults_are_scikit_learns():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from classifier.fitted import TFIDF_DEFAULTS

    assert TFIDF_DEFAULTS == TfidfVectorizer().get_params()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("norm", ["l2", "l1"])
def test_rows_are_normalised_as_scikit_learn_adds_them_up(dtype, norm):
    """Rows spanning many orders of magnitude, where numpy's own sums round differently from
    scikit-learn's in-order sum; empty rows and a row of zeros stay as they are."""
    from sklearn.preprocessing import normalize

    from classifier.fitted import _normalize_rows, _sums_in_order

    random = np.random.default_rng(7)
    lengths = [0, 1, 3, 40, 0, 2000, 17, 5]
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    data = (10.0 ** random.uniform(-7, 7, indptr[-1]) * random.choice([-1, 1], indptr[-1])).astype(dtype)
    data[indptr[6]:indptr[7]] = 0
    indices = np.concatenate([np.sort(random.choice(3000, n, replace=False)) for n in lengths]).astype(np.int32)
    matrix = sparse.csr_matrix((data, indices, indptr), shape=(len(lengths), 3000))
    ours, theirs = matrix.copy(), matrix.copy()
    _normalize_rows(ours, norm)
    _same(ours, normalize(theirs, norm=norm, copy=False))
    # The sums themselves are scikit-learn's in-order ones, where numpy's pairwise sums differ.
    terms = (np.abs(data) if norm == "l1" else data * data).astype(np.float64)
    in_order = [_in_order(terms[start:end]) for start, end in zip(indptr[:-1], indptr[1:])]
    assert _sums_in_order(terms, indptr, 24 if dtype == np.float32 else 53).tolist() == in_order
    filled = np.diff(indptr) > 0
    assert not np.array_equal(np.add.reduceat(terms, indptr[:-1][filled]), np.asarray(in_order)[filled])


def _in_order(values):
    total = 0.0
    for value in values.tolist():
        total += value
    return total


@pytest.mark.parametrize("labels", [["a", "b"], ["a", "b", "c", "d"]])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_linear_model_predicts_as_logistic_regression(labels, dtype):
    from sklearn.linear_model import LogisticRegression

    from classifier.fitted import FittedLogistic

    random = np.random.default_rng(3)
    X = sparse.random(60, 25, density=0.3, format="csr", random_state=4, dtype=dtype)
    y = np.asarray([labels[i % len(labels)] for i in range(60)], dtype=object)
    theirs = LogisticRegression(C=5.0, max_iter=500).fit(X, y)
    theirs.coef_, theirs.intercept_ = theirs.coef_.astype(dtype), theirs.intercept_.astype(dtype)
    ours = FittedLogistic.from_sklearn(theirs)
    for rows in (X, X.toarray(), sparse.random(7, 25, density=0.5, format="csr", random_state=random.integers(99))):
        for method in ("decision_function", "predict_proba", "predict"):
            _same(getattr(ours, method)(rows), getattr(theirs, method)(rows))
    with pytest.raises(ValueError, match="25 features"):
        ours.predict_proba(np.zeros((1, 24)))


def test_a_fitted_model_holds_numpy_parts_that_predict_as_scikit_learns(tiny_corpus):
    from classifier.data import read_labelled
    from classifier.fitted import FittedLogistic, FittedTfidf
    from classifier.model import ParagraphClassifier

    data = read_labelled(tiny_corpus.labels)
    model = ParagraphClassifier(min_df=1, heading_weight=0.5, lead_weight=0.5).fit(data.texts, data.labels)
    assert isinstance(model.linear_, FittedLogistic)
    assert all(isinstance(getattr(model.vectorizer_, name), FittedTfidf) for name in model.vectorizer_._tfidf_blocks())
    old = _sklearn_parts(model)
    texts = data.texts + ["没有任何词语在词表中", "组织理论学习，开展文艺演出"]
    headings = [None if i % 2 else "一、理论学习" for i in range(len(texts))]
    _same(model.transform(texts, headings=headings), old.transform(texts, headings=headings))
    _same(model.predict_proba(texts, headings=headings), old.predict_proba(texts, headings=headings))
    assert model.vectorizer_.feature_names().tolist() == old.vectorizer_.feature_names().tolist()


def test_an_old_pickle_holding_scikit_learns_parts_predicts_as_before(tmp_path, default_model):
    """A joblib model of version 0.1 holds scikit-learn's TfidfVectorizer and LogisticRegression:
    with --trust-pickle it loads and labels as the same model in today's file format."""
    import joblib

    from classifier.persist import PICKLE_FORMAT, load_model
    from classifier.report import label_report

    path = tmp_path / "old.joblib"
    joblib.dump({"format": PICKLE_FORMAT, "model": _sklearn_parts(default_model)}, path)
    old = load_model(str(path), trust_pickle=True)
    assert type(old.linear_).__name__ == "LogisticRegression"
    with open(os.path.join(ROOT, "examples", "town_report.txt"), encoding="utf-8") as handle:
        text = handle.read()
    assert label_report(old, text) == label_report(default_model, text)


@pytest.mark.slow
def test_the_shipped_model_predicts_as_scikit_learn_on_every_shared_paragraph():
    from classifier.persist import load_model

    model = load_model(DEFAULT_MODEL)
    old = _sklearn_parts(model)
    texts, headings, reports = shared_paragraphs()
    assert reports[-1] > 100 and len(texts) > 1000
    _same(model.transform(texts, headings=headings), old.transform(texts, headings=headings))
    _same(model.predict_proba(texts), old.predict_proba(texts))
    ours = model.explain_report(texts, headings=headings, reports=reports)
    theirs = old.explain_report(texts, headings=headings, reports=reports)
    _same(ours[0], theirs[0])
    assert ours[1] == theirs[1]


def test_predict_info_labels_evaluate_and_serve_import_no_scikit_learn():
    """The commands that only read a model run without scikit-learn (its import alone takes
    longer than the rest of predict's start-up)."""
    example = os.path.join(ROOT, "examples", "town_report.txt")
    code = ("import sys\nfrom classifier.cli import main\n"
            f"for argv in ({['predict', example, '--explain', '2']!r}, ['info'], ['labels'],\n"
            f"             {['evaluate', FIXTURE_LABELS, '--docs', FIXTURE_DOCS]!r}):\n"
            "    assert main(argv) == 0, argv\n"
            "from classifier.serve import create_app\ncreate_app()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn'), file=sys.stderr)")
    done = run_python(code)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"
