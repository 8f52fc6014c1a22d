"""Traditional Chinese characters turned simplified for the model, one character for one, so that
spans found on the simplified text hold on the user's own."""
from __future__ import annotations

import functools
import os

__all__ = ["is_traditional", "to_simplified"]

# A report is read as traditional when this share of its Chinese characters exists only in the
# traditional script: a simplified report has next to none (a quoted name at most).
_TRADITIONAL_SHARE = 0.02


@functools.lru_cache(maxsize=1)
def _characters() -> dict:
    """OpenCC's table of traditional characters → their simplified form (its first, usual one)."""
    import opencc

    table = {}
    path = os.path.join(os.path.dirname(opencc.__file__), "dictionary", "TSCharacters.txt")
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            traditional, _, simplified = line.rstrip("\n").partition("\t")
            forms = simplified.split()
            if len(traditional) == 1 and forms and all(len(f) == 1 for f in forms):
                table[traditional] = forms[0]
    return table


@functools.lru_cache(maxsize=1)
def _traditional_only() -> frozenset:
    """Characters that are not also simplified ones (於 → 于 但 於 is one too: left out)."""
    import opencc

    path = os.path.join(os.path.dirname(opencc.__file__), "dictionary", "TSCharacters.txt")
    with open(path, encoding="utf-8") as lines:
        return frozenset(t for t, _, s in (line.rstrip("\n").partition("\t") for line in lines)
                         if len(t) == 1 and t not in s.split())


def is_traditional(text: str) -> bool:
    """Whether ``text`` is written in traditional characters."""
    traditional = _traditional_only()
    if traditional.isdisjoint(text):  # the usual answer, found in C
        return False
    found = sum(1 for ch in text if ch in traditional)
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return found >= _TRADITIONAL_SHARE * han


@functools.lru_cache(maxsize=1)
def _converter():
    from opencc import OpenCC

    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """``text`` in simplified characters, of the same length, character for character; ``text``
    itself when it is not traditional (simplified input is left exactly as it is).

    OpenCC's phrases choose the right form where a character has two (乾燥 → 干燥, 乾隆 stays); a
    phrase that would change a length, or a change at a character OpenCC's table does not convert,
    falls back to the table character by character, which keeps offsets one to one."""
    if not is_traditional(text):
        return text
    table = _characters()
    converted = _converter().convert(text)
    if len(converted) == len(text) and all(a == b or a in table for a, b in zip(text, converted)):
        return converted
    return "".join(table.get(ch, ch) for ch in text)
