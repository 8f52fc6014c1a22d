"""Secondary labels by the label guide's rule: the second area of a mixed paragraph is the one that
takes a substantial share of its text, read piece by piece (sentences, list items)."""
from __future__ import annotations

import re

import numpy as np

__all__ = ["pieces", "share_label"]

# A piece ends after a sentence end or a semicolon (with any closing quotes or brackets after it).
_END = re.compile(r"[。；;！!？?…]+[”’\"'）)】」』]*")
# List items inside a sentence: 一是…，二是…; 其一…，其二…; （一）…（二）…; ①…②….
_ITEM = re.compile(r"(?<=[，,：:])\s*(?=(?:[一二三四五六七八九十]+是|其[一二三四五六七八九十]|"
                   r"[（(][一二三四五六七八九十\d]+[）)]|[①②③④⑤⑥⑦⑧⑨⑩]))")
# Shorter pieces join the one before them (or after, at the start): a short clause says too little
# for the model to tell its area.
MIN_PIECE = 10


def pieces(text: str, min_piece: int = MIN_PIECE) -> list:
    """The (start, end) spans of ``text``'s sentences and list items, in order, covering every
    non-blank character; pieces shorter than ``min_piece`` characters join a neighbour."""
    cuts = {0, len(text)}
    cuts.update(m.end() for m in _END.finditer(text))
    cuts.update(m.start() for m in _ITEM.finditer(text))
    bounds = sorted(cuts)
    spans = [(a, b) for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]
    merged = []
    for start, end in spans:
        if merged and (_size(text, *merged[-1]) < min_piece or _size(text, start, end) < min_piece):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _size(text, start, end) -> int:
    return len(text[start:end].strip())


def share_label(piece_probabilities, sizes, labels, exclude, share, confidence=0.0):
    """The area (not one of ``exclude``) whose pieces hold at least ``share`` of the characters
    (``sizes``), counting the pieces whose best label it is with at least ``confidence``; the
    largest such share wins (ties: the first label), None when no area reaches ``share``."""
    total = sum(sizes) or 1
    held = {}
    for row, size in zip(piece_probabilities, sizes):
        best = max(range(len(row)), key=lambda k: (row[k], -k))
        if row[best] >= confidence and labels[best] not in exclude:
            held[best] = held.get(best, 0) + size
    if not held:
        return None
    best = max(held, key=lambda k: (held[k], -k))
    return labels[best] if held[best] / total >= share else None


def _runners_up(probabilities, labels, fallback, gate):
    """(row, best column, runner-up column) of the rows whose runner-up (the best column aside, and
    ``fallback``'s) reaches ``gate``; ties go to the first column, as ``max`` over (value, -column)."""
    rows = np.asarray(probabilities, dtype=np.float64).reshape(len(probabilities), len(labels))
    if not rows.size:
        return []
    everywhere = np.arange(len(rows))
    best = rows.argmax(axis=1)
    others = rows.copy()
    others[everywhere, best] = -np.inf
    if fallback in labels:
        others[:, labels.index(fallback)] = -np.inf
    runner = others.argmax(axis=1)
    value = others[everywhere, runner]
    chosen = np.flatnonzero((value > -np.inf) & (value >= gate))
    return zip(chosen.tolist(), best[chosen].tolist(), runner[chosen].tolist())


def secondary_labels(model, texts, headings, probabilities, fallback=None) -> list:
    """``label2`` of each paragraph (or None): the runner-up of its report-read ``probabilities``
    (a row per text, in ``model.classes_`` order; the label and ``fallback`` aside) when it reaches
    ``model.label2_threshold`` and the paragraph's pieces confirm it (:func:`share_label` with
    ``model.label2_share`` and ``model.label2_confidence``).  The pieces of all candidates go
    through ``model.predict_proba`` in one call."""
    from .model import LEGACY_LABEL2

    labels = [str(label) for label in model.classes_]
    # A model object made before these parameters existed (an old pickle) gets today's defaults.
    gate, share, confidence = (getattr(model, name, LEGACY_LABEL2[name]) for name in LEGACY_LABEL2)
    found = [None] * len(texts)
    wanted, piece_texts, piece_headings = [], [], []
    for number, best, runner in _runners_up(probabilities, labels, fallback, gate):
        text, heading = texts[number], headings[number]
        spans = pieces(text)
        if len(spans) < 2:  # a paragraph of one piece has no second area by the guide's rule
            continue
        wanted.append((number, best, runner, [end - start for start, end in spans]))
        piece_texts.extend(text[start:end] for start, end in spans)
        piece_headings.extend([heading] * len(spans))
    if not wanted:
        return found
    piece_probabilities = model.predict_proba(piece_texts, headings=piece_headings).tolist()
    at = 0
    for number, best, runner, sizes in wanted:
        rows = piece_probabilities[at:at + len(sizes)]
        at += len(sizes)
        second = share_label(rows, sizes, labels, {labels[best], fallback}, share, confidence)
        # The pieces' area must be the paragraph's own runner-up: both readings agree.
        found[number] = second if second == labels[runner] else None
    return found
