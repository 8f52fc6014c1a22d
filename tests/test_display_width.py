"""display_width: the columns unicodedata's East Asian width gives, on every code point, both ways."""
import functools
import random
import unicodedata

import pytest

from classifier import segment


def columns(text):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@pytest.fixture(params=["per character", "pattern"])
def width_way(request, monkeypatch):
    """display_width before the wide-run pattern is built (one report) and after (a batch)."""
    monkeypatch.setattr(segment, "_WIDTHS", segment._Widths())
    monkeypatch.setattr(segment, "_wide_runs", None)
    monkeypatch.setattr(segment, "_measured", 0)
    monkeypatch.setattr(segment, "_PATTERN_AFTER", 10**12 if request.param == "per character" else 0)
    return request.param


def test_every_code_point(width_way):
    for low in range(0, 0x110000, 97):
        chars = "".join(map(chr, range(low, min(low + 97, 0x110000))))
        assert segment.display_width(chars) == columns(chars), hex(low)
    assert (segment._wide_runs is None) == (width_way == "per character")


@functools.lru_cache(maxsize=None)
def by_class():
    """East Asian width class -> its characters."""
    classes = {}
    for code in range(0x110000):
        classes.setdefault(unicodedata.east_asian_width(chr(code)), []).append(chr(code))
    return classes


def test_random_text_of_every_width_class(width_way):
    classes = by_class()
    assert set(classes) == {"W", "F", "Na", "H", "A", "N"}
    pools = list(classes.values()) + [["中", "，", "。"], [" ", "a", "1"]]
    rng = random.Random(16)
    for _ in range(3000):
        text = "".join(rng.choice(rng.choice(pools)) for _ in range(rng.randrange(0, 40)))
        assert segment.display_width(text) == columns(text), ascii(text)
