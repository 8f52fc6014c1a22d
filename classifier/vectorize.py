"""Turn paragraphs into features: TF-IDF of jieba words, of characters, and of the section heading.

Each paragraph is tokenised once; word n-grams, character n-grams and heading words are three
blocks side by side, so the linear model weighs each kind of evidence on its own.
"""
from __future__ import annotations

import functools
import re
import unicodedata
import weakref
from itertools import chain, islice, repeat

import numpy as np
from scipy import sparse

from .blank import LINE_BREAK, LINE_BREAKS, SPACE
from .estimator import Transformer, check_is_fitted
from .fitted import FittedTfidf
from .grams import GramIndex, count_matrix
from .resources import cue_index, cues
from .tokenize import tokenize

__all__ = ["ParagraphVectorizer", "lead", "unwrap", "DefaultsForNewParams"]

_LEAD_END = re.compile(r"[。！？!?；;：:]")
LEAD_CHARS = 40


_WRAP = re.compile(rf"[{SPACE}]*[{LINE_BREAKS}]+[{SPACE}]*")


_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_PLACEHOLDER = re.compile(r"[xX*＊_]{2,}|(?<![A-Za-z])[xX](?![A-Za-z])")


def unwrap(text: str) -> str:
    """Paragraph text as features see it: hard-wrap line breaks taken out (words run across
    them), full-width forms folded (NFKC), numbers and placeholders (xx, **, ____) made one."""
    if LINE_BREAK.search(text):  # rare; a plain search is several times faster than the sub
        text = _WRAP.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    return _PLACEHOLDER.sub("某", _DIGITS.sub("0", text))


def lead(text: str) -> str:
    """The paragraph's opening clause, where reports state what a paragraph is about."""
    match = _LEAD_END.search(text, 0, LEAD_CHARS)
    return text[:match.start()] if match else text[:LEAD_CHARS]


def _cue_counts(texts):
    """Per text, log(1 + occurrences) of each area's cue terms: pooled evidence that generalises
    to reports whose exact words training never saw."""
    counts = np.zeros((len(texts), len(cues())), dtype=np.float32)
    index, scanned = _cue_search()
    if index is not None:
        rows, columns = index.occurrences(texts)
        # np.add.at's counts, summed by bincount in one pass (whole numbers: the same floats)
        counts += np.bincount(rows * counts.shape[1] + columns, minlength=counts.size).reshape(counts.shape)
    if not scanned:  # the shipped cue terms: none overlaps itself
        return np.log1p(counts)
    by_char = cue_index()
    for row, text in enumerate(texts):
        for char in scanned.keys() & set(text):
            for term, column in by_char[char]:
                if term in scanned[char]:
                    counts[row, column] += text.count(term)
    return np.log1p(counts)


@functools.lru_cache(maxsize=None)
def _cue_search():
    """(GramIndex of the cue terms counted by occurrence, or None; {first character: the terms
    counted with ``str.count``}).  The index finds overlapping occurrences, ``str.count`` does not:
    they differ only for a term that can overlap itself (its start is also its end, as 哈哈 in
    哈哈哈), and those few are counted as before.  Numbers rather than pyahocorasick or one
    alternation pattern: no new dependency, and a pattern finds one term per position where the
    counts need every term (文化 inside 文化建设)."""
    overlapping = {term for terms in cues().values() for term in terms
                   if any(term[:k] == term[-k:] for k in range(1, len(term)))}
    grams = {}
    for column, area in enumerate(sorted(cues())):
        for term in cues()[area]:
            if term not in overlapping:
                # a term listed under two areas counts in both: one column each, found twice
                grams.setdefault(term, []).append(column)
    single = {term: columns[0] for term, columns in grams.items() if len(columns) == 1}
    overlapping |= {term for term, columns in grams.items() if len(columns) > 1}
    index = GramIndex(single) if single else None
    if index is not None and not index.usable:
        index, overlapping = None, {term for terms in cues().values() for term in terms}
    scanned = {}
    for term in overlapping:
        scanned.setdefault(term[0], set()).add(term)
    return index, scanned


# A fitted TF-IDF vectorizer → (its vocabulary object, GramIndex of it), built on first transform.
_char_indexes = weakref.WeakKeyDictionary()


def _sklearn_counting(tfidf, analyzer) -> bool:
    """Whether ``tfidf`` counts as this module's fast paths do: our analyser (or plain characters,
    lower-cased, white-space runs made one space), counts not binary, the fitted idf step present."""
    return (tfidf.analyzer == analyzer and not tfidf.binary and tfidf.input == "content"
            and hasattr(tfidf, "_tfidf") and tfidf.vocabulary_ is not None
            and (analyzer != "char" or (tfidf.preprocessor is None and tfidf.strip_accents is None)))


_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's, which its character analyser applies first


def char_tfidf(tfidf, texts):
    """``tfidf.transform(texts)`` of a fitted character n-gram TfidfVectorizer, bit for bit: the
    n-grams are looked up with :class:`grams.GramIndex`, then the fitted TF-IDF step weighs them."""
    if not _sklearn_counting(tfidf, "char"):
        return tfidf.transform(texts)
    cached = _char_indexes.get(tfidf)
    if cached is None or cached[0] is not tfidf.vocabulary_:
        cached = (tfidf.vocabulary_, GramIndex(tfidf.vocabulary_))
        _char_indexes[tfidf] = cached
    index = cached[1]
    if not index.usable:
        return tfidf.transform(texts)
    if tfidf.lowercase:
        texts = [text.lower() for text in texts]
    texts = [_WHITE_SPACES.sub(" ", text) for text in texts]
    low, high = tfidf.ngram_range
    rows, columns = index.occurrences(texts, lengths=set(range(low, high + 1)))
    return _weighed(tfidf, rows, columns, len(texts))


def _weighed(tfidf, rows, columns, count):
    """The fitted TF-IDF step of ``tfidf`` over the counts of (row, column) pairs in ``count`` texts."""
    counts = count_matrix(rows, columns, (count, len(tfidf.vocabulary_)), tfidf.dtype)
    return tfidf._tfidf.transform(counts, copy=False)


def _sizes(documents):
    return np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))


def _looked_up(lookup, terms, sizes):
    """(rows, columns) of the ``terms`` (every document's, in order; ``sizes``: how many each has)
    that ``lookup`` (term -> column, or -1) finds."""
    columns = np.fromiter(map(lookup, terms, repeat(-1)), dtype=np.int64, count=int(sizes.sum()))
    rows = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    known = columns >= 0
    return rows[known], columns[known]


def word_tfidf(tfidf, documents):
    """``tfidf.transform(documents)`` of a fitted TfidfVectorizer over lists of terms, bit for bit:
    one dictionary lookup a term, then the fitted TF-IDF step."""
    if not _sklearn_counting(tfidf, _identity):
        return tfidf.transform(documents)
    rows, columns = _looked_up(tfidf.vocabulary_.get, chain.from_iterable(documents), _sizes(documents))
    return _weighed(tfidf, rows, columns, len(documents))


_pair_indexes = weakref.WeakKeyDictionary()


def _pairs_of(tfidf) -> dict:
    """(word, next word) -> column of each word bigram in ``tfidf``'s vocabulary.  A term is entered
    at each of its spaces, so that the lookup of a pair is exactly that of its words joined by a
    space, without making that string."""
    cached = _pair_indexes.get(tfidf)
    if cached is None or cached[0] is not tfidf.vocabulary_:
        pairs = {}
        for term, column in tfidf.vocabulary_.items():
            space = term.find(" ")
            while space >= 0:
                pairs[(term[:space], term[space + 1:])] = column
                space = term.find(" ", space + 1)
        cached = (tfidf.vocabulary_, pairs)
        _pair_indexes[tfidf] = cached
    return cached[1]


def word_bigram_tfidf(tfidf, token_lists):
    """``word_tfidf(tfidf, [_word_ngrams(tokens, 2) for tokens in token_lists])``, bit for bit: the
    bigrams are looked up as pairs of words (:func:`_pairs_of`), not joined first."""
    if not _sklearn_counting(tfidf, _identity):
        return word_tfidf(tfidf, [_word_ngrams(tokens, 2) for tokens in token_lists])
    sizes = _sizes(token_lists)
    word_rows, words = _looked_up(tfidf.vocabulary_.get, chain.from_iterable(token_lists), sizes)
    next_words = map(islice, token_lists, repeat(1), repeat(None))
    pair_rows, pairs = _looked_up(_pairs_of(tfidf).get, chain.from_iterable(map(zip, token_lists, next_words)),
                                  np.maximum(sizes - 1, 0))
    return _weighed(tfidf, np.concatenate([word_rows, pair_rows]), np.concatenate([words, pairs]), len(token_lists))


def _identity(tokens):
    return tokens


def _word_ngrams(tokens, n_max):
    grams = list(tokens)
    for n in range(2, n_max + 1):
        grams.extend(map(" ".join, zip(*(tokens[i:] for i in range(n)))))  # tokens[i:i + n], joined
    return grams


class DefaultsForNewParams:
    """Mixin for estimators saved to disk: one saved by an earlier version, which lacked some of
    today's parameters, loads with the values the class's ``LEGACY_DEFAULTS`` gives them.

    ``LEGACY_DEFAULTS`` names every parameter added after the first saved version, with the value
    that reproduces how a model without it behaves; it is kept apart from ``__init__``'s defaults,
    which are what a new model gets.
    """

    LEGACY_DEFAULTS: dict = {}

    def __setstate__(self, state):
        super().__setstate__(state)
        for name, value in self.LEGACY_DEFAULTS.items():
            if name not in self.__dict__:
                setattr(self, name, value)


class ParagraphVectorizer(DefaultsForNewParams, Transformer):
    """Sparse features of (text, heading) pairs.

    Parameters (defaults: those of :class:`~classifier.model.ParagraphClassifier`)
    ----------
    word_ngrams : longest jieba word n-gram (1 = words only).
    char_ngram_range : character n-gram lengths, or None for no character block.
    heading_weight : scale of the heading block (0 drops it).
    min_df : a feature must occur in this many training paragraphs.
    sublinear_tf : use 1 + log(tf), so a term repeated in a long paragraph does not dominate.
    lead_weight : scale of the block of the opening clause's words (0 drops it).
    cue_weight : scale of the counts of each area's cue terms (resources/cues.tsv) in the
        paragraph, its opening clause and its heading (0 drops them).
    tokenizer : a function text -> list of word tokens; None is :func:`classifier.tokenize.tokenize`
        (jieba with the domain dictionary).  A model to be saved or run with ``jobs`` > 1 needs one
        that pickles: a function defined at the top of a module, not a lambda.
    """

    # Vectorizers saved before these parameters existed had no lead or cue block and used jieba.
    LEGACY_DEFAULTS = {"lead_weight": 0.0, "cue_weight": 0.0, "tokenizer": None}

    def __init__(self, word_ngrams=2, char_ngram_range=(1, 3), heading_weight=0.0, min_df=2,
                 sublinear_tf=True, lead_weight=0.0, cue_weight=0.15, tokenizer=None):
        self.lead_weight = lead_weight
        self.cue_weight = cue_weight
        self.word_ngrams = word_ngrams
        self.char_ngram_range = char_ngram_range
        self.heading_weight = heading_weight
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.tokenizer = tokenizer

    def _words(self, min_df=None):
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(analyzer=_identity, min_df=self.min_df if min_df is None else min_df,
                               sublinear_tf=self.sublinear_tf, dtype=np.float32)

    def _tokens(self):
        return self.tokenizer if self.tokenizer is not None else tokenize

    def _word_grams(self, texts, tokens):
        return [_word_ngrams(tokens(text), self.word_ngrams) for text in texts]

    def fit(self, X, y=None, *, headings=None):
        """Learn the vocabularies of paragraphs ``X`` (``y`` is ignored: features do not see labels)."""
        self.fit_transform(X, headings=headings)
        return self

    def fit_transform(self, X, y=None, *, headings=None):
        """:meth:`fit`, then :meth:`transform` of the same paragraphs, in one pass."""
        texts = _texts(X)
        headings = list(headings) if headings is not None else [None] * len(texts)
        tokens = self._tokens()
        self.words_ = self._words()
        try:
            blocks = [self.words_.fit_transform(self._word_grams(texts, tokens))]
        except ValueError:  # scikit-learn's "no terms remain" names a parameter users never set
            raise ValueError(f"too little text to learn from: no word occurs in {self.min_df} or more "
                             f"of the {len(texts)} paragraphs") from None
        if self.char_ngram_range:
            from sklearn.feature_extraction.text import TfidfVectorizer

            self.chars_ = TfidfVectorizer(analyzer="char", ngram_range=tuple(self.char_ngram_range),
                                          min_df=self.min_df, sublinear_tf=self.sublinear_tf,
                                          dtype=np.float32)
            blocks.append(self.chars_.fit_transform(texts))
        if self.heading_weight:
            heading_tokens = [tokens(h) if h else [] for h in headings]
            try:
                self.heading_words_ = self._words().fit(heading_tokens)
            except ValueError:  # no heading term often enough: a placeholder vocabulary
                self.heading_words_ = self._words(min_df=1).fit([["<none>"]])
            blocks.append(self.heading_words_.transform(heading_tokens) * self.heading_weight)
        if self.lead_weight:
            self.lead_words_ = self._words(min_df=1)
            blocks.append(self.lead_words_.fit_transform([tokens(lead(t)) for t in texts]) * self.lead_weight)
        blocks.extend(self._cue_blocks(texts, headings))
        # Predicting needs the fitted vocabularies and idf only, not scikit-learn (see fitted.py).
        for name in self._tfidf_blocks():
            setattr(self, name, FittedTfidf.from_sklearn(getattr(self, name)))
        return sparse.hstack(blocks, format="csr")

    def _tfidf_blocks(self):
        """Names of the fitted TF-IDF blocks these parameters make, in column order."""
        return ["words_"] + [name for name, on in (("chars_", self.char_ngram_range), (
            "heading_words_", self.heading_weight), ("lead_words_", self.lead_weight)) if on]

    def _cue_blocks(self, texts, headings):
        if not self.cue_weight:
            return []
        return [sparse.csr_matrix(np.hstack([_cue_counts(texts), _cue_counts([lead(t) for t in texts]),
                                             _cue_counts([h or "" for h in headings])]) * self.cue_weight)]

    def transform(self, X, *, headings=None):
        """The feature matrix of paragraphs ``X`` under ``headings`` (one per paragraph, or None)."""
        check_is_fitted(self, "words_")
        texts = _texts(X)
        headings = list(headings) if headings is not None else [None] * len(texts)
        tokens = self._tokens()
        if self.word_ngrams == 2:  # the default: no bigram string made
            blocks = [word_bigram_tfidf(self.words_, [tokens(text) for text in texts])]
        else:
            blocks = [word_tfidf(self.words_, self._word_grams(texts, tokens))]
        if self.char_ngram_range:
            blocks.append(char_tfidf(self.chars_, texts))
        if self.heading_weight:
            heading_tokens = [tokens(h) if h else [] for h in headings]
            blocks.append(word_tfidf(self.heading_words_, heading_tokens) * self.heading_weight)
        if self.lead_weight:
            blocks.append(word_tfidf(self.lead_words_, [tokens(lead(t)) for t in texts]) * self.lead_weight)
        blocks.extend(self._cue_blocks(texts, headings))
        return sparse.hstack(blocks, format="csr")

    def without_heading(self, features):
        """Rows of ``features`` (this vectorizer's) as :meth:`transform` gives them with no heading:
        the columns that come from the heading (its words, its cue terms) taken out."""
        check_is_fitted(self, "words_")
        start = len(self.words_.vocabulary_) + (len(self.chars_.vocabulary_) if self.char_ngram_range else 0)
        spans = []
        if self.heading_weight:
            spans.append((start, start + len(self.heading_words_.vocabulary_)))
        if self.cue_weight:
            spans.append((features.shape[1] - len(cues()), features.shape[1]))
        features = sparse.csr_matrix(features)
        if not spans:
            return features
        keep = np.ones(len(features.indices), dtype=bool)
        for low, high in spans:
            keep &= (features.indices < low) | (features.indices >= high)
        rows = np.repeat(np.arange(features.shape[0]), np.diff(features.indptr))
        indptr = np.zeros_like(features.indptr)
        np.cumsum(np.bincount(rows[keep], minlength=features.shape[0]), out=indptr[1:])
        return sparse.csr_matrix((features.data[keep], features.indices[keep], indptr), shape=features.shape)

    def feature_names(self):
        """Readable names of the columns: ``w:词``, ``c:字符``, ``h:标题词``."""
        check_is_fitted(self, "words_")
        names = ["w:" + n for n in self.words_.get_feature_names_out()]
        if self.char_ngram_range:
            names += ["c:" + n for n in self.chars_.get_feature_names_out()]
        if self.heading_weight:
            names += ["h:" + n for n in self.heading_words_.get_feature_names_out()]
        if self.lead_weight:
            names += ["l:" + n for n in self.lead_words_.get_feature_names_out()]
        if self.cue_weight:
            names += [f"{where}:{area}" for where in ("cues", "lead-cues", "heading-cues") for area in sorted(cues())]
        return np.asarray(names, dtype=object)


def _texts(X):
    """Paragraph texts as features see them (:func:`unwrap`); one string alone is refused."""
    if isinstance(X, str):
        raise TypeError("expected a list of paragraph texts, got a single string")
    return [unwrap(str(x)) for x in X]
