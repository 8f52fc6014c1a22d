"""Read paragraphs as parts of reports: a paragraph leans towards its neighbours, its section
heading, the paragraphs under it (for a heading the model is unsure of) and its report's title area.

Plain functions of a fitted :class:`~classifier.model.ParagraphClassifier` (its weights are its
parameters); :meth:`~classifier.model.ParagraphClassifier.predict_report_proba` and the ``explain``
methods call them.
"""
from __future__ import annotations

import numpy as np

from .blank import SPACE

__all__ = ["report_proba", "sliced_proba", "in_report", "slices", "SLICE_CHARS", "with_report_terms", "heading_proba", "section_leans", "title_theme", "sections"]


def report_proba(model, texts, features, headings, themes, reports):
    """(probabilities, :func:`section_leans`) of paragraphs read as parts of reports, from their
    ``features`` and the title ``themes`` (:func:`title_theme`)."""
    own, heading_probabilities = _own_and_headings(model, _wanted_headings(model, headings), texts, [(0, features)])
    return in_report(model, texts, own, heading_probabilities, headings, themes, reports)


def sliced_proba(model, texts, headings, each_slice=None):
    """(own probabilities, heading probabilities) of :func:`in_report`, computed on slices of about
    :data:`SLICE_CHARS` characters of paragraphs: only a slice's features are held at a time, and
    the rows of the paragraphs whose text is a heading are read while their slice is.  The same
    numbers as :func:`report_proba` gets from the whole feature matrix (rows are independent).
    ``each_slice(features)``, if given, is shown each slice's feature matrix in turn."""

    def featurised():
        for start, end in slices(texts):
            features = model.transform(texts[start:end], headings=None if headings is None else headings[start:end])
            if each_slice:
                each_slice(features)
            yield start, features

    return _own_and_headings(model, _wanted_headings(model, headings), texts, featurised())


def _own_and_headings(model, headings, texts, feature_slices):
    """(own probabilities of ``texts``, those of ``headings`` or None for none) from the feature
    rows of consecutive slices of ``texts``, (start, rows) each.  A heading's probabilities reuse
    the row of the first paragraph whose text it is (most headings are paragraphs of the same
    chunk), without its own heading's columns; only headings no paragraph spells out are
    featurised again."""
    index = {heading: number for number, heading in enumerate(headings)}
    own, found = [], {}
    for start, features in feature_slices:
        own.append(model.linear_.predict_proba(features))
        first = {}
        for position, text in enumerate(texts[start:start + features.shape[0]]):
            if text in index and text not in found:
                first.setdefault(text, position)
        if first:
            reused = model.linear_.predict_proba(model.vectorizer_.without_heading(features[list(first.values())]))
            found.update(zip(first, reused))
    own = own[0] if len(own) == 1 else np.vstack(own)
    if not headings:
        return own, None
    if not found:
        return own, model.predict_proba(headings)
    probabilities = np.empty((len(headings), own.shape[1]), dtype=own.dtype)  # float32 as predict_proba's
    for heading, row in found.items():
        probabilities[index[heading]] = row
    missing = [heading for heading in headings if heading not in found]
    if missing:
        probabilities[[index[heading] for heading in missing]] = model.predict_proba(missing)
    return own, probabilities


# Characters of paragraph text :func:`sliced_proba` featurises at a time: as report._CHUNK_CHARS,
# big enough that the vectorisers' cost per call vanishes.  The feature matrix takes about 24
# bytes a character, so a slice holds a few MB however long the report.
SLICE_CHARS = 50_000


def slices(texts):
    """(start, end) of runs of ``texts`` holding :data:`SLICE_CHARS` characters or a little more
    (one run for no texts)."""
    start, size = 0, 0
    for position, text in enumerate(texts):
        size += len(text)
        if size >= SLICE_CHARS and position + 1 < len(texts):
            yield start, position + 1
            start, size = position + 1, 0
    yield start, len(texts)


def _wanted_headings(model, headings) -> list:
    """The distinct headings, sorted, whose probabilities :func:`in_report` needs (none when the
    model does not weigh headings)."""
    if not model.heading_context_weight or headings is None:
        return []
    return sorted({h for h in headings if h})


def in_report(model, texts, own, heading_probabilities, headings, themes, reports):
    """(probabilities, :func:`section_leans`) of paragraphs read as parts of reports, from their
    ``own`` probabilities, those of their distinct headings (:func:`_wanted_headings`, in its order;
    None when there are none) and the title ``themes`` (:func:`title_theme`)."""
    if own.shape[0] == 0:
        return own, {}
    log_own = np.log(np.clip(own, 1e-9, None))
    combined = log_own.copy()
    weights = np.ones(len(own))
    if model.neighbour_weight:
        same = np.ones(len(own) - 1, dtype=bool) if reports is None else (
            np.asarray(reports[1:], dtype=object) == np.asarray(reports[:-1], dtype=object))
        link = model.neighbour_weight * same[:, None]
        combined[1:] += link * log_own[:-1]
        combined[:-1] += link * log_own[1:]
        weights[1:] += link[:, 0]
        weights[:-1] += link[:, 0]
    if heading_probabilities is not None:
        heading_log = dict(zip(_wanted_headings(model, headings), np.log(np.clip(heading_probabilities, 1e-9, None))))
        for position, heading in enumerate(headings):
            if heading:
                combined[position] += model.heading_context_weight * heading_log[heading]
                weights[position] += model.heading_context_weight
    leans = section_leans(model, texts, own, headings, reports)
    for position, lean in leans.items():
        combined[position] += model.section_weight * lean
        weights[position] += model.section_weight
    # Dividing by the total weight keeps a geometric mean: the argmax is unchanged and the
    # confidence does not grow just because context agreed.
    combined /= weights[:, None]
    combined += themes
    combined /= model.temperature
    combined -= combined.max(axis=1, keepdims=True)
    probabilities = np.exp(combined)
    return probabilities / probabilities.sum(axis=1, keepdims=True), leans


def with_report_terms(model, terms, labels, themes, top, leans):
    """Each paragraph's explanation: its ``terms`` for its label (its strongest features, strongest
    first) joined by the leans of its report that speak for that label, as
    ``explain(..., in_report=True)`` ranks them: the title's area (``themes``, None for none) and a
    section's (``leans``), after features of equal weight; the ``top`` strongest that are positive."""
    rows = {label: i for i, label in enumerate(model.classes_)}
    explanations = []
    for position, (found, label) in enumerate(zip(terms, labels)):
        found = list(found)
        if themes is not None and themes[position, rows[label]]:
            found.append((f"title:{label}", float(themes[position, rows[label]])))
        if leans and position in leans and model.classes_[np.argmax(leans[position])] == label:
            found.append((f"section:{label}", float(model.section_weight)))
        found.sort(key=lambda term: -term[1])
        explanations.append([term for term in found[:top] if term[1] > 0])
    return explanations


def heading_proba(model, headings, texts, features):
    """``model.predict_proba(headings)``, reusing the rows of ``features`` of the paragraphs
    (``texts``) that spell the headings out (:func:`_own_and_headings`)."""
    headings = list(headings)
    return _own_and_headings(model, headings, texts, [(0, features)])[1] if headings else model.predict_proba(headings)


def section_leans(model, texts, own, headings, reports) -> dict:
    """{position of a heading whose own top probability (``own``) is below the model's
    ``section_threshold``: the mean log-probabilities of the paragraphs directly under it}."""
    if not model.section_weight or headings is None:
        return {}
    log_own = np.log(np.clip(own, 1e-9, None))
    return {position: log_own[members].mean(axis=0)
            for position, members in sections(texts, headings, reports).items()
            if own[position].max() < model.section_threshold}


def title_theme(model, texts, reports):
    """Log-score added, per paragraph, to the area its report title names (:mod:`theme`)."""
    boost = np.zeros((len(texts), len(model.classes_)))
    if not (model.title_weight or model.theme_weight):
        return boost
    from .theme import report_title_areas

    column = {label: i for i, label in enumerate(model.classes_)}
    areas, is_title = report_title_areas(texts, reports, labels=column)
    for position, (area, title) in enumerate(zip(areas, is_title)):
        if area is not None:
            boost[position, column[area]] = model.title_weight if title else model.theme_weight
    return boost


def sections(texts, headings, reports) -> dict:
    """{position of a heading: positions of the paragraphs directly under it}.  A paragraph is
    under the nearest paragraph before it, within the same run of report ids, whose text is its
    ``heading`` (white space around either aside)."""
    latest: dict = {}
    found: dict = {}
    for position, (text, heading) in enumerate(zip(texts, headings)):
        if reports is not None and position and reports[position] != reports[position - 1]:
            latest = {}  # a new report: the last one's headings no longer apply
        parent = latest.get(heading.strip(SPACE)) if heading else None
        if parent is not None:
            found.setdefault(parent, []).append(position)
        latest[text.strip(SPACE)] = position
    return found
