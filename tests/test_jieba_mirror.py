"""jieba_mirror reproduces jieba 0.42's cut: the HMM for runs of unknown characters, ties and all."""
import random

import pytest


def test_the_hmm_for_unknown_runs_is_jiebas():
    """Characters the HMM has no emission for tie at jieba's MIN_FLOAT: ties must break as jieba's."""
    from jieba import finalseg

    from classifier.jieba_mirror import hmm_cut
    from classifier.tokenize import tokenizer

    tokenizer()
    emit = finalseg.emit_P
    han = [chr(c) for c in range(0x4E00, 0x9FD6)]
    known = [ch for ch in han if all(ch in emit[s] for s in "BMES")][:300]
    partly = [ch for ch in han if 0 < sum(ch in emit[s] for s in "BMES") < 4][:300]
    unknown = [ch for ch in han if not any(ch in emit[s] for s in "BMES")][:300]
    pools = [known, partly, unknown, known + unknown, partly + unknown + list("ab12.5%x")]
    rng = random.Random(11)
    for number in range(6000):
        pool = pools[number % len(pools)]
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 12)))
        assert hmm_cut(text) == list(finalseg.cut(text)), text


def test_force_split_words_are_cut_into_characters_as_jieba_cuts_them():
    from jieba import finalseg

    from classifier.jieba_mirror import hmm_cut

    words = hmm_cut("老郑挺忙")
    assert words == list(finalseg.cut("老郑挺忙")) and "郑挺忙" in words
    assert hmm_cut("老郑挺忙", force_split=frozenset({"郑挺忙"})) == ["老", "郑", "挺", "忙"]


def test_cut_tokens_gives_jiebas_words_through_the_given_normalisation():
    import jieba

    from classifier import jieba_mirror
    from classifier.tokenize import normalise, tokenize, tokenizer

    instance = tokenizer()
    if not jieba_mirror.mirrors(jieba):
        pytest.skip(f"jieba {jieba.__version__} is not mirrored: tokenize uses jieba's lcut")
    text = "组织党委中心组专题学习12次，老郑挺忙。Hello world"
    raw = jieba_mirror.cut_tokens(text, instance, jieba_mirror.hmm_cut, {}, lambda word: word)
    assert raw == instance.lcut(text, HMM=True)
    kept = jieba_mirror.cut_tokens(text, instance, jieba_mirror.hmm_cut, {"中心组": "LEARN"},
                                   lambda word: None if not word.strip("，。 ") else word.lower())
    # Known words come from the table, the others through the function; None drops a word.
    expected = [{"中心组": "LEARN"}.get(w, w.lower()) for w in raw if w.strip("，。 ")]
    assert kept == expected and "LEARN" in kept
    assert jieba_mirror.cut_tokens(text, instance, jieba_mirror.hmm_cut, {}, normalise) == tokenize(text)
