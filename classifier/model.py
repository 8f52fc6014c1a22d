"""The paragraph classifier: features from :mod:`vectorize` and a linear model (saved by :mod:`persist`).

Follows scikit-learn's conventions: parameters in ``__init__``, ``fit`` / ``predict`` /
``predict_proba``, fitted state in attributes ending in ``_`` (:mod:`estimator`); scikit-learn
itself is imported to fit, never to predict (:mod:`fitted`).  Texts are paragraph strings;
``headings`` (the section heading each sits under, or None) is an optional keyword input.
Reading paragraphs as parts of reports is :mod:`context`'s.
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from . import context
from .estimator import Classifier, check_is_fitted
from .fitted import FittedLogistic
from .vectorize import DefaultsForNewParams, ParagraphVectorizer

__all__ = ["ParagraphClassifier"]

# The label a model falls back on when its classes have it (see ``fallback_label``).
OTHER = "other"
# The defaults of the secondary-label rule (:mod:`mixed`), chosen by benchmarks/label2_rule.py (see README).
LABEL2_THRESHOLD = 0.05
LABEL2_SHARE = 0.25
LABEL2_CONFIDENCE = 0.6
LEGACY_LABEL2 = {"label2_threshold": LABEL2_THRESHOLD, "label2_share": LABEL2_SHARE,
                 "label2_confidence": LABEL2_CONFIDENCE}


class ParagraphClassifier(DefaultsForNewParams, Classifier):
    """Label paragraphs of propaganda work reports by work area.

    Parameters
    ----------
    C : inverse regularisation strength of the logistic regression.
    class_weight : "balanced" gives rare areas the weight of common ones; None does not.
    word_ngrams, char_ngram_range, heading_weight, min_df, lead_weight, cue_weight, tokenizer :
        see :class:`ParagraphVectorizer`.
    neighbour_weight, heading_context_weight : how much a paragraph's neighbours and its section
        heading count when paragraphs are read as a report (:meth:`predict_report_proba`).
    section_weight, section_threshold : how much a heading the model is unsure of (its own top
        probability below ``section_threshold``) leans towards the paragraphs directly under it.
    title_weight, theme_weight : when a report's title names one area (:mod:`theme`), how far the
        title itself and every paragraph of the report lean towards that area (added to the
        log-probabilities; 0 turns it off).
    temperature : divides the combined log-probabilities of :meth:`predict_report_proba`
        (below 1 sharpens).  0.8 calibrates best in grouped cross-validation on the shared corpus
        (expected calibration error 0.021 at 0.8, 0.031 at 0.7, 0.043 at 1.0, with C=20;
        models/EXPERIMENTS_CORPUS2.md); it changes the confidence, never the label.
    fallback_label : the label of text no area claims (``fallback_label_`` once fitted); None is
        "other" when the training labels have it, else the most frequent training label.
    label2_threshold, label2_share, label2_confidence : the secondary label (``label2`` in
        :mod:`report`, by :func:`mixed.secondary_labels`): the area of a paragraph's second-highest
        score in its report (the fallback label aside) when that score reaches ``label2_threshold``
        and the paragraph's sentences and list items that the model gives to that area with at least
        ``label2_confidence`` hold at least ``label2_share`` of its characters.  Chosen on grouped
        cross-validation on the shared corpus (``benchmarks/label2_rule.py``).  They change no score
        and no label.
    random_state : seed for anything random in fitting.
    """

    # A model saved before these parameters existed: fitted without lead or cue features and
    # with jieba, and read as reports as a model of today is (the weights it gets are today's).
    LEGACY_DEFAULTS = {"lead_weight": 0.0, "cue_weight": 0.0, "tokenizer": None, "fallback_label": None,
                       "neighbour_weight": 0.2, "heading_context_weight": 0.3, "section_weight": 0.5,
                       "section_threshold": 0.7, "title_weight": 3.0, "theme_weight": 0.75,
                       "temperature": 0.7, **LEGACY_LABEL2}

    def __init__(self, C=20.0, class_weight="balanced", word_ngrams=2, char_ngram_range=(1, 3),
                 heading_weight=0.0, min_df=2, lead_weight=0.0, cue_weight=0.15, neighbour_weight=0.2,
                 heading_context_weight=0.3, section_weight=0.5, section_threshold=0.7, title_weight=3.0,
                 theme_weight=0.75, temperature=0.8, max_iter=2000, random_state=0, tokenizer=None,
                 fallback_label=None, label2_threshold=LABEL2_THRESHOLD, label2_share=LABEL2_SHARE,
                 label2_confidence=LABEL2_CONFIDENCE):
        self.label2_threshold = label2_threshold
        self.label2_share = label2_share
        self.label2_confidence = label2_confidence
        self.section_weight = section_weight
        self.section_threshold = section_threshold
        self.title_weight = title_weight
        self.theme_weight = theme_weight
        self.temperature = temperature
        self.neighbour_weight = neighbour_weight
        self.heading_context_weight = heading_context_weight
        self.lead_weight = lead_weight
        self.cue_weight = cue_weight
        self.C = C
        self.class_weight = class_weight
        self.word_ngrams = word_ngrams
        self.char_ngram_range = char_ngram_range
        self.heading_weight = heading_weight
        self.min_df = min_df
        self.max_iter = max_iter
        self.random_state = random_state
        self.tokenizer = tokenizer
        self.fallback_label = fallback_label

    def __setstate__(self, state):
        super().__setstate__(state)
        if "classes_" in self.__dict__ and "fallback_label_" not in self.__dict__:
            # Saved before the fallback label existed: "other" if it has it, else the label of a
            # paragraph no feature speaks for (the training counts are not kept).
            nothing = np.zeros((1, self.linear_.coef_.shape[1]))
            self.fallback_label_ = OTHER if OTHER in self.classes_ else str(self.linear_.predict(nothing)[0])

    def fit(self, X, y, *, headings=None):
        texts = _texts(X)
        y = np.asarray(list(y), dtype=object)
        if len(texts) != len(y):
            raise ValueError(f"{len(texts)} texts but {len(y)} labels")
        if len(set(y)) < 2:
            raise ValueError("training needs at least two different labels")
        if self.fallback_label is not None and self.fallback_label not in set(y):
            raise ValueError(f"fallback_label {self.fallback_label!r} is not one of the training labels")
        self.vectorizer_ = ParagraphVectorizer(
            word_ngrams=self.word_ngrams, char_ngram_range=self.char_ngram_range,
            heading_weight=self.heading_weight, min_df=self.min_df, lead_weight=self.lead_weight,
            cue_weight=self.cue_weight, tokenizer=self.tokenizer)
        features = self.vectorizer_.fit_transform(texts, headings=headings)
        from sklearn.linear_model import LogisticRegression
        from threadpoolctl import threadpool_limits

        linear = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter,
                                    random_state=self.random_state)
        # One BLAS thread: L-BFGS's small dense steps gain nothing from more, and on a busy
        # machine OpenBLAS threads waiting for cores make fitting several times slower.
        with threadpool_limits(1, user_api="blas"):
            linear.fit(features, y)
        # Predicting needs the coefficients only, not scikit-learn (see fitted.py).
        self.linear_ = FittedLogistic.from_sklearn(linear)
        self.classes_ = self.linear_.classes_
        self.fallback_label_ = self.fallback_label if self.fallback_label is not None else _fallback(y)
        return self

    def transform(self, X, *, headings=None):
        """The feature matrix of paragraphs, as the linear model sees it."""
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.transform(_texts(X), headings=headings)

    # Features first: an unfitted model then raises NotFittedError (from transform), not AttributeError.
    def decision_function(self, X, *, headings=None):
        features = self.transform(X, headings=headings)
        return self.linear_.decision_function(features)

    def predict_proba(self, X, *, headings=None):
        features = self.transform(X, headings=headings)
        return self.linear_.predict_proba(features)

    def predict(self, X, *, headings=None):
        probabilities = self.predict_proba(X, headings=headings)
        return self.classes_[np.argmax(probabilities, axis=1)]

    def predict_report_proba(self, X, *, headings=None, reports=None):
        """Probabilities for paragraphs read in order as parts of reports (:mod:`context`).

        A paragraph's label leans towards its neighbours' and its section heading's: the scores
        are a weighted geometric mean of its own probabilities, its neighbours' (within the same
        report; ``reports`` gives a report id per paragraph, default one report) and its heading's,
        and for a heading the model is unsure of, the mean of the paragraphs directly under it;
        then they lean towards the area the report's title names, if it names one.
        """
        texts = _texts(X)
        headings = None if headings is None else list(headings)
        # Featurised a slice at a time (context.sliced_proba): a long report never holds its
        # whole feature matrix, and the numbers are those of featurising it at once.
        own, heading_probabilities = context.sliced_proba(self, texts, headings)
        return context.in_report(self, texts, own, heading_probabilities, headings,
                                 context.title_theme(self, texts, reports), reports)[0]

    def explain_report(self, X, *, headings=None, reports=None, top=5):
        """:meth:`predict_report_proba` and, for each paragraph's label, :meth:`explain` with
        ``in_report``, from one pass over the paragraphs' features."""
        texts = _texts(X)
        if sum(map(len, texts)) <= 8 * context.SLICE_CHARS:  # a few MB of features: held whole
            features = self.transform(texts, headings=headings)
            themes = context.title_theme(self, texts, reports)
            probabilities, leans = context.report_proba(self, texts, features, headings, themes, reports)
            labels = self.classes_[np.argmax(probabilities, axis=1)] if len(texts) else []
            return probabilities, self._explanations(features, labels, themes, top, leans)
        # A long report, a slice at a time: the labels are known only at the end, so each slice
        # keeps every label's terms (a few a paragraph), and its report's leans join them after.
        headings = None if headings is None else list(headings)
        terms = []

        def keep(features):
            rows = features.shape[0]
            terms.extend(zip(*(self._explanations(features, [label] * rows, None, top) for label in self.classes_)))

        own, heading_probabilities = context.sliced_proba(self, texts, headings, each_slice=keep)
        themes = context.title_theme(self, texts, reports)
        probabilities, leans = context.in_report(self, texts, own, heading_probabilities, headings, themes, reports)
        best = np.argmax(probabilities, axis=1)
        return probabilities, context.with_report_terms(self, [found[k] for found, k in zip(terms, best)],
                                                        self.classes_[best], themes, top, leans)

    def predict_report(self, X, *, headings=None, reports=None):
        """Labels of paragraphs read in order as parts of reports (see :meth:`predict_report_proba`)."""
        probabilities = self.predict_report_proba(X, headings=headings, reports=reports)
        return self.classes_[np.argmax(probabilities, axis=1)]

    def explain(self, X, *, headings=None, top=5, labels=None, reports=None, in_report=False):
        """For each paragraph, the ``top`` features that pushed it most towards a label.

        ``labels`` gives the label to explain per paragraph (default: the predicted one).
        Returns lists of (feature, contribution) pairs, largest first; a feature reads
        ``w:词`` (word n-gram), ``c:字`` (characters), ``h:词`` (heading word), ``l:词`` (word of
        the opening clause), or ``cues:<area>``, ``lead-cues:<area>``, ``heading-cues:<area>`` (cue
        words of an area in the paragraph, its opening clause, its heading).  With
        ``in_report``, paragraphs are read in order as parts of reports (``reports`` as in
        :meth:`predict_report_proba`), and the leans of a report compete too: towards the area the
        report's title names, as ``title:<area>`` (its weight in log-score), and of a heading the
        model is unsure of towards the area of the paragraphs under it, as ``section:<area>``
        (``section_weight``).
        """
        texts = _texts(X)
        features = self.transform(texts, headings=headings)
        own = self.linear_.predict_proba(features) if labels is None or in_report else None
        if labels is None:
            labels = self.classes_[np.argmax(own, axis=1)]
        if not in_report:
            return self._explanations(features, labels, None, top)
        return self._explanations(features, labels, context.title_theme(self, texts, reports), top,
                                  context.section_leans(self, texts, own, headings, reports))

    def _explanations(self, features, labels, themes, top, leans=None):
        names = self.vectorizer_.feature_names()
        coef = self.linear_.coef_
        if coef.shape[0] == 1:  # two labels: one row of weights for the second
            coef = np.vstack([-coef[0], coef[0]])
        rows = {label: i for i, label in enumerate(self.classes_)}
        terms = []
        for position, label in enumerate(labels):
            start, end = features.indptr[position], features.indptr[position + 1]
            indices = features.indices[start:end]
            contributions = features.data[start:end] * coef[rows[label], indices]
            # The ``top`` largest, ties in column order; the report's leans (if they count) then
            # take their place among them, after features of equal weight.
            order = np.argsort(-contributions, kind="stable")[:top]
            terms.append([(str(names[indices[k]]), float(contributions[k])) for k in order])
        return context.with_report_terms(self, terms, labels, themes, top, leans)


def _fallback(labels) -> str:
    """"other" when ``labels`` hold it, else the most frequent label (the first in sorted order
    among equally frequent ones)."""
    counts = Counter(labels)
    return OTHER if OTHER in counts else max(sorted(counts), key=counts.__getitem__)


def _texts(X):
    if isinstance(X, str):
        raise TypeError("expected a list of paragraph texts, got a single string")
    return [str(x) for x in X]
