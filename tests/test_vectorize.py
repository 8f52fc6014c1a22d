"""Feature pieces: cue counts, the opening clause, the text features see."""
import numpy as np
import pytest

from classifier.resources import cues as load_cues
from classifier.vectorize import _cue_counts, lead, unwrap


def test_cue_counts_equal_counting_every_term():
    texts = ["组织中心组理论学习，开展理论宣讲。", "创建文明城市，志愿服务，文明实践。", "", "无关的文字"]
    cues = load_cues()
    expected = np.log1p(np.array([[sum(t.count(term) for term in cues[area]) for area in sorted(cues)]
                                  for t in texts], dtype=np.float32))
    assert np.array_equal(_cue_counts(texts), expected)
    areas = sorted(cues)
    assert _cue_counts(texts)[0, areas.index("theory")] > 0
    assert _cue_counts(texts)[1, areas.index("civilization")] > _cue_counts(texts)[1, areas.index("theory")]


def test_lead_is_the_opening_clause():
    assert lead("一是加强学习。全年学习十次。") == "一是加强学习"
    assert len(lead("长" * 100)) == 40


def test_unwrap_joins_lines_and_folds_numbers_and_placeholders():
    assert unwrap("开展活动１２次，\n  覆盖xx村") == "开展活动0次,覆盖某村"
    # Any line break a segment can hold is a wrap: CR, CRLF, U+2028, with spaces around it.
    for line_break in ("\r", "\r\n", "\u2028", "\u3000\u2029\xa0"):
        assert unwrap(f"开展理论\n学习{line_break}活动") == "开展理论学习活动"


def test_in_a_pipeline_the_labels_do_not_become_headings():
    """scikit-learn's Pipeline passes y to fit_transform: it must not land in ``headings``."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from classifier.vectorize import ParagraphVectorizer

    texts = ["组织理论学习", "开展理论宣讲", "学习理论著作", "举办文艺演出", "开展文艺汇演", "举办文艺活动"]
    labels = ["理论", "理论", "理论", "文艺", "文艺", "文艺"]
    pipeline = make_pipeline(ParagraphVectorizer(heading_weight=0.5, min_df=1), LogisticRegression())
    pipeline.fit(texts, labels)
    vectorizer = pipeline[0]
    assert not [name for name in vectorizer.feature_names() if name.startswith("h:") and name[2:] in labels]
    alone = ParagraphVectorizer(heading_weight=0.5, min_df=1).fit(texts)
    assert (vectorizer.transform(texts) != alone.transform(texts)).nnz == 0
    assert list(pipeline.predict(["开展文艺演出"])) == ["文艺"]


def test_headings_are_a_keyword_of_the_vectorizer():
    from classifier.vectorize import ParagraphVectorizer

    texts, headings = ["组织理论学习", "开展理论宣讲"], ["理论学习", "理论学习"]
    vectorizer = ParagraphVectorizer(heading_weight=0.5, min_df=1).fit(texts, headings=headings)
    assert "h:理论" in set(vectorizer.feature_names())
    with pytest.raises(TypeError):
        vectorizer.transform(texts, headings)
    assert vectorizer.transform(texts, headings=headings).shape[0] == 2


# ---------------------------------------------------------------- the fast TF-IDF blocks

INVENTED = ["组织中心组理论学习，开展理论宣讲。", "", "Ａ", "  多个  空格\n\n换行\t\t制表 ", "ABC abc İstanbul ΣΑΣ",
            "𠀀罕见字𠀁和表情😀", "文明文明文明实践实践", "一", "x" * 5 + "新时代文明实践中心" * 3]


def _same_matrix(fast, slow):
    """Exactly equal CSR matrices: shape, index arrays, and every value bit for bit."""
    fast, slow = fast.tocsr(), slow.tocsr()
    assert fast.shape == slow.shape
    assert np.array_equal(fast.indptr, slow.indptr)
    assert np.array_equal(fast.indices, slow.indices)
    assert fast.data.dtype == slow.data.dtype
    assert fast.data.tobytes() == slow.data.tobytes()


def _blocks_equal(model, texts):
    from classifier.tokenize import tokenize
    from classifier.vectorize import _texts, _word_ngrams, char_tfidf, word_bigram_tfidf, word_tfidf

    vectorizer = model.vectorizer_
    texts = _texts(texts)
    _same_matrix(char_tfidf(vectorizer.chars_, texts), vectorizer.chars_.transform(texts))
    grams = [_word_ngrams(tokenize(t), vectorizer.word_ngrams) for t in texts]
    _same_matrix(word_tfidf(vectorizer.words_, grams), vectorizer.words_.transform(grams))
    if vectorizer.word_ngrams == 2:
        _same_matrix(word_bigram_tfidf(vectorizer.words_, [tokenize(t) for t in texts]),
                     vectorizer.words_.transform(grams))


def _split_at_bars(text):
    return text.split("|")


def test_bigram_lookups_equal_joined_ones_when_tokens_hold_spaces():
    """A tokenizer of the user's may give words with spaces: "a b" + "c" and "a" + "b c" are then one
    bigram string, as scikit-learn counts it."""
    from classifier.vectorize import ParagraphVectorizer, _word_ngrams, word_bigram_tfidf

    texts = ["a b|c", "a|b c", "a b c", "a|b|c|a b", "c|a b||p q r|", "", "p q|r"]
    vectorizer = ParagraphVectorizer(char_ngram_range=None, min_df=1, tokenizer=_split_at_bars).fit(texts)
    assert {"a b c", "a b", "b c", "p q r"} <= set(vectorizer.words_.vocabulary_)
    tokens = [_split_at_bars(t) for t in texts + ["b c|a", "a b c|a b c"]]
    _same_matrix(word_bigram_tfidf(vectorizer.words_, tokens),
                 vectorizer.words_.transform([_word_ngrams(t, 2) for t in tokens]))


def _cue_counts_by_term(texts):
    """The counts as every term's ``str.count`` gives them (what _cue_counts did before)."""
    cues = load_cues()
    return np.log1p(np.array([[sum(t.count(term) for term in cues[area]) for area in sorted(cues)]
                              for t in texts], dtype=np.float32).reshape(len(texts), len(cues)))


def test_fast_blocks_equal_scikit_learns_on_invented_texts(default_model):
    _blocks_equal(default_model, INVENTED)


def test_fast_blocks_equal_scikit_learns_for_a_model_fitted_here():
    from classifier.vectorize import ParagraphVectorizer

    texts = ["组织理论学习", "开展理论宣讲 活动", "学习理论著作", "举办文艺演出", "开展文艺汇演", "举办文艺活动"]
    vectorizer = ParagraphVectorizer(char_ngram_range=(2, 4), word_ngrams=3, min_df=1).fit(texts)
    from types import SimpleNamespace

    _blocks_equal(SimpleNamespace(vectorizer_=vectorizer), texts + INVENTED)


def test_cue_counts_count_as_str_count_does_for_overlapping_terms(monkeypatch):
    """A term whose end is its start (哈哈 in 哈哈哈: str.count finds one) and a term listed under
    two areas both count as ``str.count`` counts them."""
    from classifier import vectorize

    terms = {"a": ["哈哈", "文化", "文化建设"], "b": ["文化", "阿巴阿"]}
    monkeypatch.setattr(vectorize, "cues", lambda: terms)
    monkeypatch.setattr(vectorize, "cue_index", lambda: _index(terms))
    texts = ["哈哈哈", "文化建设文化", "阿巴阿巴阿", "", "哈哈哈哈"]
    expected = np.log1p(np.array([[sum(t.count(term) for term in terms[area]) for area in sorted(terms)]
                                  for t in texts], dtype=np.float32))
    vectorize._cue_search.cache_clear()  # built from the terms above, then forgotten
    try:
        assert np.array_equal(vectorize._cue_counts(texts), expected)
    finally:
        vectorize._cue_search.cache_clear()
    assert expected[0, 0] == np.log1p(np.float32(1))  # one 哈哈 in 哈哈哈, as str.count says


def _index(terms):
    index = {}
    for column, area in enumerate(sorted(terms)):
        for term in terms[area]:
            index.setdefault(term[0], []).append((term, column))
    return index


def test_cue_counts_on_invented_texts():
    assert np.array_equal(_cue_counts(INVENTED), _cue_counts_by_term(INVENTED))


@pytest.mark.slow
def test_fast_blocks_and_cues_equal_the_old_ones_on_every_shared_paragraph(default_model, corpus_rows):
    from classifier.vectorize import lead

    texts = [row["text"] for row in corpus_rows]
    for start in range(0, len(texts), 2000):
        _blocks_equal(default_model, texts[start:start + 2000])
    unwrapped = [unwrap(t) for t in texts]
    for group in (unwrapped, [lead(t) for t in unwrapped]):
        assert np.array_equal(_cue_counts(group), _cue_counts_by_term(group))
