"""The fitted parts of a model in numpy alone: what scikit-learn's fitted ``TfidfVectorizer`` and
``LogisticRegression`` compute at prediction time, bit for bit, without importing scikit-learn
(over a second of start-up).  Fitting makes scikit-learn's objects and turns them into these
(:meth:`FittedTfidf.from_sklearn`, :meth:`FittedLogistic.from_sklearn`); :mod:`persist` builds
them from a model file.  Each step repeats scikit-learn 1.9's operations in the same order and
precision (tests/test_fitted.py compares them on every shared paragraph).
"""
from __future__ import annotations

import numpy as np
from scipy import sparse

__all__ = ["FittedTfidf", "FittedLogistic", "TfidfWeights", "TFIDF_DEFAULTS"]

# scikit-learn's TfidfVectorizer parameters and defaults: a parameter a model file leaves out
# has its default, as TfidfVectorizer(**params) gives it.
TFIDF_DEFAULTS = {
    "input": "content", "encoding": "utf-8", "decode_error": "strict", "strip_accents": None,
    "lowercase": True, "preprocessor": None, "tokenizer": None, "analyzer": "word", "stop_words": None,
    "token_pattern": r"(?u)\b\w\w+\b", "ngram_range": (1, 1), "max_df": 1.0, "min_df": 1,
    "max_features": None, "vocabulary": None, "binary": False, "dtype": np.float64, "norm": "l2",
    "use_idf": True, "smooth_idf": True, "sublinear_tf": False,
}


class TfidfWeights:
    """The fitted TF-IDF step (scikit-learn's ``TfidfTransformer``): counts → weights."""

    def __init__(self, idf, sublinear_tf=False, norm="l2"):
        if norm not in ("l1", "l2", None):
            raise ValueError(f"norm {norm!r} is not one of 'l1', 'l2', None")
        self.idf_, self.sublinear_tf, self.norm = idf, sublinear_tf, norm

    def transform(self, X, copy=True):
        """TF-IDF weights of a CSR count matrix: 1 + log(count) if ``sublinear_tf``, times idf,
        rows scaled to unit length (``norm``)."""
        X = sparse.csr_matrix(X, copy=copy)
        if X.dtype not in (np.float32, np.float64):
            X = X.astype(np.float64)
        if X.shape[1] != len(self.idf_):
            raise ValueError(f"X has {X.shape[1]} features, but the TF-IDF step expects {len(self.idf_)}")
        if self.sublinear_tf:
            np.log(X.data, X.data)
            X.data += 1.0
        X.data *= self.idf_[X.indices]
        if self.norm is not None:
            _normalize_rows(X, self.norm)
        return X


def _normalize_rows(X, norm):
    """Divide each row of CSR ``X`` in place by its l1 or l2 norm, as scikit-learn's Cython
    ``inplace_csr_row_normalize_l1/l2`` does: |x| or x·x (in the data's precision) added up in
    order in double precision, each value divided in double precision; rows summing to 0 kept."""
    data = X.data[:X.indptr[-1]]
    terms = (np.abs(data) if norm == "l1" else data * data).astype(np.float64)
    totals = _sums_in_order(terms, X.indptr, exact_bits=24 if data.dtype == np.float32 else 53)
    scale = np.sqrt(totals) if norm == "l2" else totals
    scale[totals == 0.0] = 1.0
    data[:] = data.astype(np.float64) / np.repeat(scale, np.diff(X.indptr))


def _sums_in_order(terms, indptr, exact_bits):
    """Per row, ``sum_ += term`` in order in double precision over non-negative ``terms`` of
    ``exact_bits`` significant bits.  numpy's sums add in another order; they give the same double
    where no partial sum rounds: when every term is a multiple of 2^L and the total is below
    2^(L+52) (float32 weights always are, in practice).  Other rows are added term by term."""
    lengths = np.diff(indptr)
    totals = np.zeros(len(lengths))
    filled = np.flatnonzero(lengths)
    if not len(filled):
        return totals
    totals[filled] = np.add.reduceat(terms, indptr[filled])
    exponents = np.where(terms > 0, np.frexp(terms)[1], 1 << 20)  # a zero term sets no lower bound
    lowest = np.minimum.reduceat(exponents, indptr[filled]) - exact_bits  # every term a multiple of 2^lowest
    rounded = filled[np.frexp(totals[filled])[1] > lowest + 52]
    if len(rounded):
        totals[rounded] = _sequential_sums(terms, indptr[rounded], lengths[rounded])
    return totals


def _sequential_sums(terms, starts, lengths):
    """Sums of ``terms[start:start + length]``, each added in order: one step per position,
    all rows at once (the longest first, so the rows still adding are a prefix)."""
    order = np.argsort(-lengths, kind="stable")
    starts, lengths = starts[order], lengths[order]
    sums = np.zeros(len(starts))
    for position in range(int(lengths[0])):
        active = int(np.searchsorted(-lengths, -position, side="left"))  # rows longer than position
        sums[:active] += terms[starts[:active] + position]
    result = np.empty_like(sums)
    result[order] = sums
    return result


class FittedTfidf:
    """A fitted TF-IDF vectorizer: its parameters (as attributes, as scikit-learn's), vocabulary
    ``vocabulary_`` ({term: column}) and ``idf_``.  :mod:`vectorize` counts the terms itself
    (``char_tfidf``, ``word_tfidf``) and weighs them with ``_tfidf`` (:class:`TfidfWeights`);
    :meth:`transform` is scikit-learn's own, for analysers those functions do not cover."""

    def __init__(self, params: dict, vocabulary: dict, idf):
        unknown = sorted(set(params) - set(TFIDF_DEFAULTS))
        if unknown:
            raise ValueError(f"unknown TF-IDF parameter {unknown[0]!r}")
        self._params = {**TFIDF_DEFAULTS, **params}
        if not self._params["use_idf"] or np.shape(idf) != (len(vocabulary),):
            raise ValueError("the idf vector does not fit the vocabulary")
        self.__dict__.update(self._params)
        self.vocabulary_, self.idf_ = vocabulary, idf
        self._tfidf = TfidfWeights(idf, sublinear_tf=self.sublinear_tf, norm=self.norm)

    @classmethod
    def from_sklearn(cls, tfidf):
        """The fitted parts of a fitted scikit-learn ``TfidfVectorizer``."""
        return cls(tfidf.get_params(deep=False), tfidf.vocabulary_, tfidf.idf_)

    def get_params(self, deep=True):
        """The TfidfVectorizer parameters it was fitted with."""
        return dict(self._params)

    def get_feature_names_out(self):
        """The terms in column order."""
        names = [None] * len(self.vocabulary_)
        for term, column in self.vocabulary_.items():
            names[column] = term
        return np.asarray(names, dtype=object)

    def to_sklearn(self):
        """The same fitted vectorizer as a scikit-learn ``TfidfVectorizer``."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        tfidf = TfidfVectorizer(**self._params)
        tfidf.vocabulary_ = self.vocabulary_
        tfidf.fixed_vocabulary_ = False
        tfidf.idf_ = self.idf_
        tfidf._tfidf.n_features_in_ = len(self.vocabulary_)
        return tfidf

    def transform(self, documents):
        """The TF-IDF matrix of raw documents, by scikit-learn (imported here)."""
        return self.to_sklearn().transform(documents)


class FittedLogistic:
    """A fitted logistic regression: ``classes_``, ``coef_``, ``intercept_``, and the parameters
    and iterations of its fit (kept for the model file); predicts as scikit-learn's does."""

    def __init__(self, classes, coef, intercept, params=None, n_iter=None):
        self.classes_, self.coef_, self.intercept_ = np.asarray(classes), coef, intercept
        self.n_features_in_ = coef.shape[1]
        self.params = dict(params or {})
        self.n_iter_ = np.asarray(n_iter if n_iter is not None else [0], dtype=np.int32)

    @classmethod
    def from_sklearn(cls, linear):
        """The fitted parts of a fitted scikit-learn ``LogisticRegression``."""
        return cls(linear.classes_, linear.coef_, linear.intercept_, linear.get_params(deep=False),
                   linear.n_iter_)

    def get_params(self, deep=True):
        """The LogisticRegression parameters it was fitted with."""
        return dict(self.params)

    def decision_function(self, X):
        """Per row, X·coefᵀ + intercept (one column for two classes: a 1-D array)."""
        X = sparse.csr_matrix(X) if sparse.issparse(X) else np.asarray(X)
        if X.dtype == object:
            X = X.astype(np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has shape {X.shape}, but the model expects {self.n_features_in_} features")
        scores = X @ self.coef_.T + self.intercept_
        return scores.reshape(-1) if scores.shape[1] == 1 else scores

    def predict_proba(self, X):
        """Class probabilities: the softmax of the scores, or for two classes the logistic function."""
        scores = self.decision_function(X)
        if len(self.classes_) <= 2:
            from scipy.special import expit

            positive = expit(scores, out=scores)
            return np.stack([1 - positive, positive], axis=1)
        scores -= np.max(scores, axis=1).reshape(-1, 1)
        np.exp(scores, out=scores)
        scores /= np.sum(scores, axis=1).reshape(-1, 1)
        return scores

    def predict(self, X):
        """The class of the highest score."""
        scores = self.decision_function(X)
        best = (scores > 0).astype(np.intp) if scores.ndim == 1 else np.argmax(scores, axis=1)
        return self.classes_.take(best, axis=0)
