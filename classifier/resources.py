"""The word lists in ``resources/`` (cue terms, title terms), each read once and cached."""
from __future__ import annotations

import functools
import os

__all__ = ["read_terms", "cues", "cue_index", "title_terms", "NO_AREA"]

FOLDER = os.path.join(os.path.dirname(__file__), "resources")
# The area of a title term that names no area of its own (廉洁文化 is not culture).
NO_AREA = "-"


@functools.lru_cache(maxsize=None)
def read_terms(name: str) -> tuple:
    """((label, term), ...) of ``resources/<name>``: one ``label<TAB>term`` a line, ``#`` comments."""
    with open(os.path.join(FOLDER, name), encoding="utf-8") as handle:
        return tuple(tuple(line.rstrip("\n").split("\t")) for line in handle
                     if line.strip() and not line.startswith("#"))


@functools.lru_cache(maxsize=None)
def cues() -> dict:
    """{area: [cue terms]} from resources/cues.tsv (shared: do not change it)."""
    found: dict = {}
    for label, term in read_terms("cues.tsv"):
        found.setdefault(label, []).append(term)
    return found


@functools.lru_cache(maxsize=None)
def cue_index() -> dict:
    """{first character: [(term, area column)]}, areas in sorted order: a text is searched only for
    the terms whose first character it holds, which gives the same counts at a fraction of the calls."""
    index: dict = {}
    areas = cues()
    for column, area in enumerate(sorted(areas)):
        for term in areas[area]:
            index.setdefault(term[0], []).append((term, column))
    return index


@functools.lru_cache(maxsize=None)
def title_terms() -> tuple:
    """((term, area), ...) from resources/title_terms.tsv, in the order they are matched: longest
    first, and at equal length the no-area compounds first (廉洁文化 before 文化建设)."""
    pairs = [(term, area) for area, term in read_terms("title_terms.tsv")]
    return tuple(sorted(pairs, key=lambda pair: (-len(pair[0]), pair[1] != NO_AREA)))
