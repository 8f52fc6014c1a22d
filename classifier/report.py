"""Label a whole report: segment it, classify every paragraph, summarise the areas it covers."""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
from collections import deque
from dataclasses import dataclass, field

from .blank import SPACE
from .context import slices
from .labels import in_guide_order
from .mixed import secondary_labels
from .read import Document
from .windows import TextWindows, window_paragraphs
from .script import to_simplified
from .segment import segment

__all__ = ["LabelledParagraph", "LabelledReport", "label_report", "label_reports", "iter_labelled_reports", "whole",
           "whole_reports", "added", "with_summary"]


@dataclass
class LabelledParagraph:
    """A paragraph with its label: ``text == report_text[start:end]``."""

    index: int
    start: int
    end: int
    text: str
    heading: str | None
    label: str
    confidence: float
    scores: dict
    explanation: list | None = None
    # The area that takes a real part of the paragraph besides its label (None: none does); last,
    # so that the JSON lines keep the order of the fields they had before it.
    label2: str | None = None

    def to_dict(self, name=None) -> dict:
        row = {"file": name} if name is not None else {}
        row.update(vars(self))  # as dataclasses.asdict, without its deep copy of every number
        row["scores"] = dict(self.scores)
        if self.explanation is None:
            del row["explanation"]
        else:
            row["explanation"] = list(self.explanation)
        return row


@dataclass
class LabelledReport:
    """All paragraphs of one report with their labels, and the share each area takes."""

    name: str
    text: str
    paragraphs: list
    labels: tuple
    encoding: str = "utf-8"
    # The label of text no area claims (the model's ``fallback_label_``): not an area to cover.
    fallback_label: str | None = "other"
    summary: dict = field(init=False)
    # A long text read in windows (:mod:`windows`) comes as parts, one a window: ``part`` is its
    # number (None: a whole report), ``last`` whether it ends the report.  A part holds no text
    # (its paragraphs' offsets index the whole text) and its summary counts its own paragraphs.
    part: int | None = None
    last: bool = True

    def __post_init__(self):
        self.summary = summarise(self.paragraphs, self.labels)

    @property
    def characters(self) -> int:
        """Characters of the report's paragraphs."""
        return sum(entry["characters"] for entry in self.summary.values())

    @property
    def untouched(self) -> list:
        """Areas (all labels but :attr:`fallback_label`) that no paragraph of the report is about,
        in the guide's order."""
        return [label for label in in_guide_order(self.labels)
                if label != self.fallback_label and self.summary[label]["paragraphs"] == 0]


def whole(parts) -> LabelledReport:
    """The parts of a report (:attr:`LabelledReport.part`) as one report, all paragraphs held."""
    parts = list(parts)
    first = parts[0]
    return LabelledReport(first.name, "", [p for part in parts for p in part.paragraphs], first.labels,
                          first.encoding, first.fallback_label)


def whole_reports(reports):
    """``reports`` with the parts of each long one joined (:func:`whole`), as they come."""
    parts = []
    for report in reports:
        if report.part is None:
            yield report
            continue
        parts.append(report)
        if report.last:
            yield whole(parts)
            parts = []


def added(summary, more) -> dict:
    """Two reports' (or parts') summaries (:func:`summarise`) added up: paragraphs, characters, shares."""
    return _with_shares({label: {"paragraphs": summary[label]["paragraphs"] + more[label]["paragraphs"],
                                 "characters": summary[label]["characters"] + more[label]["characters"]}
                         for label in summary})


def with_summary(report, summary) -> LabelledReport:
    """``report`` (a part, say) without its paragraphs, carrying ``summary`` (all of its parts')."""
    totalled = dataclasses.replace(report, paragraphs=[])
    totalled.summary = summary
    return totalled


def summarise(paragraphs, labels) -> dict:
    """Per label: paragraphs, characters, and the share of the report's characters."""
    summary = {label: {"paragraphs": 0, "characters": 0} for label in labels}
    for paragraph in paragraphs:
        entry = summary[paragraph.label]
        entry["paragraphs"] += 1
        entry["characters"] += len(paragraph.text)
    return _with_shares(summary)


def _with_shares(summary) -> dict:
    """``summary`` with each label's share of the characters of all labels."""
    total = sum(entry["characters"] for entry in summary.values()) or 1
    for entry in summary.values():
        entry["share"] = entry["characters"] / total
    return summary


def label_report(model, text: str, name: str = "<text>", explain: int = 0, encoding: str = "utf-8",
                 headings=(), join_wrapped: bool = True) -> LabelledReport:
    """Segment ``text`` and label every paragraph with ``model``.

    ``explain`` > 0 adds, per paragraph, that many features that pushed it to its label.
    ``headings`` are the (start, end, level) spans of the lines the source marks as headings, as
    :attr:`read.Document.headings` gives them for a .docx; ``join_wrapped`` is :func:`segment`'s.
    For a :class:`read.Document` ``d``, ``label_reports(model, [d])[0]`` is the same.
    """
    return label_reports(model, [Document(name, text, encoding, headings)], explain=explain,
                         join_wrapped=join_wrapped)[0]


def label_reports(model, documents, explain: int = 0, jobs: int = 1, progress=None,
                  join_wrapped: bool = True) -> list:
    """Label many reports at once: ``documents`` are :class:`read.Document` objects (what
    :func:`read.iter_documents` yields, or ``Document(name, text)``); one report a document.

    Paragraphs go through the model in chunks of whole reports of about ``_CHUNK_CHARS``
    characters, much faster than one call a report; ``jobs`` > 1 spreads the chunks over that many
    processes.  A paragraph's scores depend on its own report only (its neighbours, its headings),
    so they are the same whatever the chunks and ``jobs``.  ``progress(done)`` is told how many
    reports are done.  ``join_wrapped`` is :func:`segment`'s.  :func:`iter_labelled_reports` gives
    the same reports one by one, holding only those under way.
    """
    return list(iter_labelled_reports(model, _documents(documents), explain, jobs, progress, join_wrapped))


def iter_labelled_reports(model, documents, explain: int = 0, jobs: int = 1, progress=None,
                          join_wrapped: bool = True):
    """The reports of :func:`label_reports`, yielded in the order of ``documents`` as soon as each
    is labelled: ``documents`` (any iterable of :class:`read.Document`) is read only as far as the
    chunks under way need (about ``_CHUNK_CHARS`` characters, ``2 * jobs`` chunks with ``jobs`` > 1),
    so a batch of any length is held a few reports at a time."""
    if jobs > 1:
        yield from _labelled_in_runs(model, _checked(documents), explain, jobs, progress, join_wrapped)
        return
    labels = tuple(str(c) for c in model.classes_)
    fallback = getattr(model, "fallback_label_", "other" if "other" in labels else None)
    segmented = deque()  # (document, paragraphs) of reports cut and not yet placed, in order
    chunks = _chunks(_checked(documents), segmented, join_wrapped)
    scored = (_score(model, chunk, explain, fallback) for chunk in chunks)
    rows = _Rows()  # of paragraphs scored and not yet placed
    done = 0

    def place():
        """The reports whose paragraphs are all scored (reports with none, too)."""
        nonlocal done
        while segmented and len(rows) >= len(segmented[0][1]):
            document, paragraphs, window = segmented.popleft()
            if window is not None:  # a window of a long text: its context paragraphs are left out
                yield from place_window(document, paragraphs, window)
                continue
            for number, p in enumerate(paragraphs):  # in place: each Paragraph freed as it is replaced
                paragraphs[number] = _labelled(p, rows.take(), labels)
            report = LabelledReport(document.name, document.text, paragraphs, labels, document.encoding, fallback)
            done += 1
            if progress:
                progress(done)
            yield report

    def place_window(document, paragraphs, window):
        nonlocal done
        offset, keep, part, last, first_index = window
        kept = []
        for p, wanted in zip(paragraphs, keep):
            row = rows.take()
            if wanted:
                p = dataclasses.replace(p, index=first_index + len(kept), start=p.start + offset, end=p.end + offset)
                kept.append(_labelled(p, row, labels))
        paragraphs.clear()
        yield LabelledReport(document.name, "", kept, labels, document.encoding, fallback, part, last)
        if last:
            done += 1
            if progress:
                progress(done)

    # Closed on the way out, whatever stops the loop (Ctrl-C in ``progress``, an error, a caller
    # that stops reading): the workers of ``jobs`` > 1 stop then, not when it is collected.
    with contextlib.closing(scored):
        for probabilities, explanations, seconds in scored:
            rows.add(probabilities, explanations, seconds)
            yield from place()
        yield from place()


# Characters of paragraph text a model call takes: big enough that the per-call cost of the
# vectorisers vanishes, small enough to spread a few dozen reports over processes and keep memory
# flat.  A chunk holds whole reports (a longer report is a chunk of its own).
_CHUNK_CHARS = 50_000


def _documents(documents) -> list:
    """``documents`` as a list, refusing anything but :class:`read.Document` objects (:func:`_checked`)."""
    return list(_checked(documents))


def _one_or_many(documents):
    return [documents] if isinstance(documents, (str, Document)) else documents


def _checked(documents):
    """``documents`` one by one, refusing anything but :class:`read.Document` objects in one line
    that says what to pass instead."""
    for document in _one_or_many(documents):
        if not isinstance(document, (Document, TextWindows)):
            shown = repr(document[:20] if isinstance(document, str) else document)
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            raise TypeError(f"label_reports takes classifier.read.Document objects, not {type(document).__name__}s "
                            f"like {shown}: give [Document(name, text), ...] (read_document(path) reads a file), "
                            "or label_report(model, text) for one text")
        yield document


def _chunks(documents, segmented, join_wrapped=True):
    """Cut the documents' paragraphs into chunks of (texts, headings, report numbers), appending
    each (document, paragraphs) to ``segmented`` as it goes."""
    texts, headings, numbers, size = [], [], [], 0
    for number, (document, paragraphs, scored, window) in enumerate(_segmented(documents, join_wrapped)):
        segmented.append((document, paragraphs, window))
        for p in scored:
            texts.append(p.text)
            headings.append(p.heading)
            numbers.append(number)
            size += len(p.text)
        if size >= _CHUNK_CHARS:
            yield texts, headings, numbers
            texts, headings, numbers, size = [], [], [], 0
    if texts:
        yield texts, headings, numbers


def _segmented(documents, join_wrapped=True):
    """(document, its paragraphs, the same as scored, None) for each document; for a long text read
    in windows (:class:`windows.TextWindows`), (document, the paragraphs of a window and its
    context, the same as scored, (offset, which are kept, part number, whether last, index of the
    first kept)) for each window."""
    for document in documents:
        if not isinstance(document, TextWindows):
            yield (document, *_own_and_scored(document.text, document.headings, join_wrapped), None)
            continue
        try:
            windows = window_paragraphs(document, lambda text: _own_and_scored(text, (), join_wrapped))
            index = 0
            for part, ((offset, (paragraphs, scored), keep), last) in enumerate(_with_last(windows)):
                yield document, paragraphs, scored, (offset, keep, part, last, index)
                index += sum(keep)
        finally:
            document.close()


def _with_last(items):
    """(item, whether it is the last) for each of ``items``, read one ahead."""
    items = iter(items)
    previous = next(items, _NONE)
    for item in items:
        yield previous, False
        previous = item
    if previous is not _NONE:
        yield previous, True


_NONE = object()


def _own_and_scored(text, headings, join_wrapped):
    """(the paragraphs of ``text``, the same as scored).  The model knows simplified characters: a
    traditional report is segmented and scored in simplified ones (of the same length), and keeps
    its own characters in the results."""
    simplified = to_simplified(text)
    paragraphs = segment(simplified, headings, join_wrapped=join_wrapped)
    return (_in_own_characters(paragraphs, text) if simplified is not text else paragraphs), paragraphs


def _in_own_characters(paragraphs, text):
    """``paragraphs`` found on a simplified copy of ``text``, with ``text``'s own characters."""
    # Headings are paragraph texts stripped of white space, which both scripts share.
    own = {p.text.strip(SPACE): text[p.start:p.end].strip(SPACE) for p in paragraphs}
    return [dataclasses.replace(p, text=text[p.start:p.end], heading=own.get(p.heading, p.heading),
                                headings=tuple(own.get(h, h) for h in p.headings)) for p in paragraphs]


class _Rows:
    """The rows of scored chunks, taken one by one in order as (probabilities, best, explanation,
    label2): a row becomes Python numbers only when its paragraph is placed."""

    def __init__(self):
        self._chunks = deque()  # (probabilities, best, explanations, label2s), the first from _at on
        self._at = 0
        self._left = 0

    def __len__(self) -> int:
        return self._left

    def add(self, probabilities, explanations, seconds) -> None:
        self._chunks.append((probabilities, probabilities.argmax(axis=1), explanations, seconds))
        self._left += len(probabilities)

    def take(self) -> tuple:
        probabilities, best, explanations, seconds = self._chunks[0]
        at = self._at
        row = (probabilities[at].tolist(), int(best[at]), None if explanations is None else explanations[at],
               seconds[at])
        self._at, self._left = at + 1, self._left - 1
        if self._at == len(probabilities):
            self._chunks.popleft()
            self._at = 0
        return row


_FOUR = itertools.repeat(4)  # round's digits, for map


def _labelled(p, row, labels):
    probabilities, best, explanation, label2 = row
    return LabelledParagraph(
        index=p.index, start=p.start, end=p.end, text=p.text, heading=p.heading,
        label=labels[best], confidence=round(probabilities[best], 4),
        scores=dict(zip(labels, map(round, probabilities, _FOUR))),
        explanation=None if explanation is None else [(term, round(weight, 4)) for term, weight in explanation],
        label2=label2)


def _score(model, chunk, explain, fallback=None):
    """Probabilities of one chunk of paragraphs, with ``explain`` what led to each label (else
    None), and each paragraph's secondary label (:func:`mixed.secondary_labels`)."""
    texts, headings, numbers = chunk
    if explain:
        probabilities, explanations = model.explain_report(texts, headings=headings, reports=numbers, top=explain)
    else:
        probabilities, explanations = model.predict_report_proba(texts, headings=headings, reports=numbers), None
    rows = probabilities.tolist()
    # A slice at a time, as the model featurises them: each paragraph's pieces are its own.
    seconds = [label2 for start, end in slices(texts)
               for label2 in secondary_labels(model, texts[start:end], headings[start:end], rows[start:end], fallback)]
    return probabilities, explanations, seconds


def _labelled_in_runs(model, documents, explain, jobs, progress=None, join_wrapped=True):
    """:func:`iter_labelled_reports` with ``jobs`` > 1: each run of documents goes to the workers
    (:func:`_labelled_in_workers`); a long text read in windows (:class:`windows.TextWindows`) is
    labelled in this process, a window at a time, so that its parts come in order and only one
    window is held."""
    done = 0
    last = []  # the document groupby read last: it reads one past a run, which may be a spooled stdin

    def remembered(documents):
        for document in documents:
            last[:] = [document]
            yield document

    try:
        for windowed, run in itertools.groupby(remembered(documents), key=lambda d: isinstance(d, TextWindows)):
            before = done
            told = None if progress is None else (lambda number: progress(before + number))
            reports = iter_labelled_reports(model, run, explain, 1, told, join_wrapped) if windowed else \
                _labelled_in_workers(model, run, explain, jobs, told, join_wrapped)
            for report in reports:
                done += report.last  # a whole report, or the last part of one
                yield report
    finally:  # stopped early: a text read ahead and never labelled removes its spooled copy too
        for document in last:
            if isinstance(document, TextWindows):
                document.close()


def _labelled_in_workers(model, documents, explain, jobs, progress=None, join_wrapped=True):
    """:func:`iter_labelled_reports` on ``jobs`` processes (:func:`workers.ordered_map`): the workers,
    forked with the model and the jieba dictionary, get whole documents in chunks of about
    ``_CHUNK_CHARS`` characters and segment, score and label them; the parent only reads, and puts
    each report together from its document and the labelled paragraphs that come back."""
    sent = deque()  # the chunks of documents under way, in order
    chunks = _document_chunks(documents, sent)
    head = [chunk for chunk in (next(chunks, None), next(chunks, None)) if chunk is not None]
    if len(head) < 2:  # one chunk: not worth a process
        yield from iter_labelled_reports(model, itertools.chain.from_iterable(head), explain, 1, progress, join_wrapped)
        return
    from .tokenize import tokenizer
    from .workers import ordered_map

    label = functools.partial(_label_documents, model, explain=explain, join_wrapped=join_wrapped)
    labelled = ordered_map(label, itertools.chain(head, chunks), jobs, prepare=tokenizer)
    labels = tuple(str(c) for c in model.classes_)
    fallback = getattr(model, "fallback_label_", "other" if "other" in labels else None)
    done = 0
    # Closed on the way out, whatever stops the loop (Ctrl-C in ``progress``, an error, a caller
    # that stops reading): the workers stop then, not when it is collected.
    with contextlib.closing(labelled):
        for reports in labelled:
            for document, paragraphs in zip(sent.popleft(), reports):
                report = LabelledReport(document.name, document.text, paragraphs, labels, document.encoding, fallback)
                done += 1
                if progress:
                    progress(done)
                yield report


def _document_chunks(documents, sent):
    """``documents`` in lists of about ``_CHUNK_CHARS`` characters of text, each appended to
    ``sent`` as it is yielded."""
    chunk, size = [], 0
    for document in documents:
        chunk.append(document)
        size += len(document.text)
        if size >= _CHUNK_CHARS:
            sent.append(chunk)
            yield chunk
            chunk, size = [], 0
    if chunk:
        sent.append(chunk)
        yield chunk


def _label_documents(model, documents, explain=0, join_wrapped=True):
    """Each document's labelled paragraphs, as :func:`iter_labelled_reports` gives them in one process."""
    return [report.paragraphs for report in iter_labelled_reports(model, documents, explain, 1, None, join_wrapped)]
