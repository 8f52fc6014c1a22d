"""GramIndex finds every occurrence of its strings, as counting each string in each text does."""
import random
from collections import Counter

import numpy as np
import pytest

from classifier import grams as grams_module
from classifier.grams import GramIndex


@pytest.fixture(autouse=True, params=[3, 0, 100])
def probes(request, monkeypatch):
    """Rounds of hash probing before the binary search: as shipped, none (all searched), all."""
    monkeypatch.setattr(grams_module, "_PROBES", request.param)


def occurrences_by_hand(grams, texts, lengths):
    found = Counter()
    for row, text in enumerate(texts):
        for length in lengths:
            for start in range(len(text) - length + 1):
                piece = text[start:start + length]
                if piece in grams:
                    found[row, grams[piece]] += 1
    return found


def test_occurrences_equal_counting_by_hand_with_wide_and_far_characters():
    rng = random.Random(16)
    # Han, ASCII, one character beyond 65 536 in the set (🙂) and others beyond it that are not
    alphabet = list("中文化建设学习宣传工作理论abc12") + ["\U0001F642"]
    outside = list("xyz，。") + ["\U0001F600", "\U00020000"]
    grams = {}
    while len(grams) < 3000:
        gram = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 4)))
        grams.setdefault(gram, len(grams) % 700)  # columns shared by several strings, as the cue terms' are
    index = GramIndex(grams)
    texts = ["".join(rng.choice(alphabet + outside) for _ in range(rng.randrange(0, 60))) for _ in range(300)]
    for lengths in ({1, 2, 3}, {2}, None):
        rows, columns = index.occurrences(texts, lengths=lengths)
        assert Counter(zip(rows.tolist(), columns.tolist())) == occurrences_by_hand(
            grams, texts, lengths or {1, 2, 3})


def test_every_string_of_a_large_set_is_found_and_no_other():
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 1500)]
    grams = {}
    while len(grams) < 40_000:
        grams.setdefault("".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 4))), len(grams))
    index = GramIndex(grams)
    strings = list(grams)
    rows, columns = index.occurrences(strings, lengths={len(s) for s in strings})
    whole = np.array([len(s) for s in strings])[rows] == np.array([len(strings[c]) for c in columns])
    assert sorted(zip(rows[whole].tolist(), columns[whole].tolist())) == [(c, c) for c in range(len(strings))]
    absent = ["".join(rng.choice(alphabet) for _ in range(3)) for _ in range(5000)]
    absent = [s for s in absent if s not in grams]
    rows, columns = index.occurrences(absent, lengths={3})
    assert rows.size == 0


def test_characters_at_the_edge_of_the_id_table():
    grams = {"\uffff": 0, "\U00010000": 1, "\uffff\U00010000": 2, "a": 3}
    index = GramIndex(grams)
    texts = ["\uffff\U00010000a", "\U00010000\uffff", "\ufffe\U00010001"]
    rows, columns = index.occurrences(texts)
    assert Counter(zip(rows.tolist(), columns.tolist())) == occurrences_by_hand(grams, texts, {1, 2})
