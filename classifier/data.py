"""Labelled paragraphs for training and evaluation: JSON Lines or CSV with ``text`` and ``label``.

Optional fields: ``doc`` (which report a paragraph came from; cross-validation never splits one),
``heading`` (the section heading above it; derived from the paragraphs of its ``doc`` in file
order when absent), ``label2`` (a secondary label, kept but not trained on) and ``i``.
"""
from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import os
import re
from dataclasses import dataclass, field

from .errors import InputError
from .labels import DEFAULT_LABELS
from .read import decode
from .segment import assign_headings, is_report_title

__all__ = ["LabelledData", "read_labelled", "read_corrections", "apply_corrections", "deduplicate",
           "report_groups"]


_FIELDS = ("texts", "labels", "docs", "headings", "ids", "spans")
_SUPPORTED_DATA = "labelled paragraphs are JSON Lines or CSV text (UTF-8, GB18030/GBK, UTF-16)"


@dataclass
class LabelledData:
    """Paragraph texts with their labels, in the order read, and what else the files gave."""

    texts: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    docs: list = field(default_factory=list)
    headings: list = field(default_factory=list)
    ids: list = field(default_factory=list)  # (doc, i) where the data has ``i``, else (file, line)
    spans: list = field(default_factory=list)  # (start, end) in the doc's text, where given
    sources: dict = field(default_factory=dict)  # file path → SHA-256 of the bytes read

    def __len__(self):
        return len(self.texts)

    def subset(self, indices):
        return LabelledData(*([getattr(self, name)[i] for i in indices] for name in _FIELDS),
                            sources=dict(self.sources))

    def extend(self, other):
        for name in _FIELDS:
            getattr(self, name).extend(getattr(other, name))
        self.sources.update(other.sources)


def _read_file(path: str) -> bytes:
    if os.path.isdir(path):
        raise InputError(path, "is a directory, expected a .jsonl or .csv file")
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as err:
        raise InputError(path, f"cannot be read ({err.strerror or err})") from None


def _rows_jsonl(text: str, path: str):
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(path, f"line {number}: not valid JSON ({err.msg})") from None
        if not isinstance(row, dict):
            raise InputError(path, f"line {number}: expected a JSON object with text and label")
        yield number, row


def _rows_csv(text: str, path: str):
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "text" not in reader.fieldnames or "label" not in reader.fieldnames:
        raise InputError(path, "line 1: the CSV header must name the columns text and label")
    repeated = next((name for number, name in enumerate(reader.fieldnames) if name in reader.fieldnames[:number]), None)
    if repeated is not None:  # DictReader would silently keep the last column of that name
        raise InputError(path, f"line 1: the CSV header names the column {repeated!r} twice")
    try:
        for row in reader:
            if None in row:
                raise InputError(path, f"line {reader.line_num}: more fields than the header names")
            if any(value is None for value in row.values()):
                raise InputError(path, f"line {reader.line_num}: fewer fields than the header names")
            yield reader.line_num, row
    except csv.Error as err:
        raise InputError(path, f"line {reader.line_num}: malformed CSV ({err})") from None


def _is_jsonl(path: str, text: str) -> bool:
    suffix = os.path.splitext(path)[1].lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        return True
    if suffix in (".csv", ".tsv"):
        return False
    return text.lstrip().startswith("{")


def read_labelled(path: str, labels=None) -> LabelledData:
    """Read one JSONL or CSV file of labelled paragraphs.

    ``labels``, when given, is the allowed label set: any other label is an error.
    """
    raw = _read_file(path)
    text, _ = decode(raw, path, _SUPPORTED_DATA)
    if not text.strip():
        raise InputError(path, "is empty")
    rows = _rows_jsonl(text, path) if _is_jsonl(path, text) else _rows_csv(text, path)
    result = LabelledData(sources={path: hashlib.sha256(raw).hexdigest()})
    missing_headings, lines, seconds = [], [], []
    for number, row in rows:
        paragraph = row.get("text")
        label = row.get("label")
        if paragraph is not None and not isinstance(paragraph, str):
            raise InputError(path, f"line {number}: 'text' must be a string, not {json.dumps(paragraph)[:40]}")
        if not isinstance(paragraph, str) or not paragraph.strip():
            raise InputError(path, f"line {number}: missing or empty 'text'")
        if isinstance(label, (int, float)) and not isinstance(label, bool):
            label = str(label)
        if not isinstance(label, str) or not label.strip() or label.strip().lower() in _MISSING:
            shown = f" ({label.strip()!r} stands for a missing value)" if isinstance(label, str) and label.strip() else ""
            raise InputError(path, f"line {number}: missing or empty 'label'{shown}")
        label = label.strip()
        if labels is not None and label not in labels:
            raise InputError(path, f"line {number}: unknown label {label!r} (known: {', '.join(labels)})")
        label2 = row.get("label2")
        if label2 not in (None, "") and not (isinstance(label2, str) and label2.strip().lower() in _MISSING):
            seconds.append((number, label2))
        doc = row.get("doc")
        doc = str(doc) if doc not in (None, "") else None
        heading = row.get("heading")
        if "heading" not in row:
            missing_headings.append(len(result.texts))
        lines.append(number)
        result.texts.append(paragraph)
        result.labels.append(label)
        result.docs.append(doc)
        result.headings.append(heading if isinstance(heading, str) and heading else None)
        index = row.get("i")
        result.ids.append((doc, int(index)) if doc is not None and str(index).isdigit()
                          else (path, number))
        start, end = row.get("start"), row.get("end")
        result.spans.append((int(start), int(end)) if isinstance(start, int) and isinstance(end, int)
                            else None)
    if not result.texts:
        raise InputError(path, "holds no labelled paragraphs")
    if labels is None:
        _check_guide_labels(path, result.labels, lines)
    # Without --labels, a label2 may be any label of the data or of the guide: predict's training
    # data of one report names secondary areas that no paragraph of it has as its label.
    _check_second_labels(path, seconds, sorted(labels) if labels is not None
                         else sorted(set(result.labels) | set(DEFAULT_LABELS)))
    _derive_headings(result, set(missing_headings))
    return result


# Labels that a spreadsheet or pandas writes for an empty cell: never a label of anyone's.
_MISSING = {"nan", "none", "null", "na", "n/a", "#n/a"}
# Data whose labels are at least this share the guide's is taken to use the guide's label set.
_GUIDE_SHARE = 0.9


def _check_second_labels(path: str, seconds: list, known) -> None:
    """Refuse a ``label2`` (not trained on, but a person's correction of it is data) that is none of
    the labels: a typo there would pass unseen."""
    for number, label2 in seconds:
        if not isinstance(label2, str) or label2.strip() not in known:
            near = difflib.get_close_matches(str(label2).replace(" ", "").lower(), list(known), n=1, cutoff=0.6)
            hint = f"did you mean {near[0]!r}? " if near else ""
            raise InputError(path, f"line {number}: label2 {label2!r} is none of the labels ({hint}known: "
                                   f"{', '.join(known)}; empty or null for none)")


def _check_guide_labels(path: str, labels: list, lines: list) -> None:
    """Refuse a label outside the guide's set in data that otherwise uses it: a typo (``i deology``)
    would become a class of its own.  Data with a label set of its own is left alone."""
    guide = set(DEFAULT_LABELS)
    strays = [position for position, label in enumerate(labels) if label not in guide]
    if not strays or len(strays) > len(labels) * (1 - _GUIDE_SHARE):
        return
    label, line = labels[strays[0]], lines[strays[0]]
    near = difflib.get_close_matches(label.replace(" ", "").lower(), DEFAULT_LABELS, n=1, cutoff=0.6)
    hint = f"did you mean {near[0]!r}? " if near else ""
    raise InputError(path, f"line {line}: label {label!r} is not one of the guide's labels "
                           f"({', '.join(DEFAULT_LABELS)}) that the other lines use; {hint}"
                           f"to train on it too, name every label with --labels")


def _derive_headings(data: LabelledData, positions: set) -> None:
    """Give paragraphs of a ``doc`` that name no heading the one their sequence implies."""
    by_doc: dict = {}
    for position in sorted(positions):
        if data.docs[position] is not None:
            by_doc.setdefault(data.docs[position], []).append(position)
    for members in by_doc.values():
        for position, (heading, _, _) in zip(members, assign_headings([data.texts[p] for p in members])):
            data.headings[position] = heading


class Corrections(dict):
    """{(doc, i): label}, with ``sha256`` of the file it was read from."""

    sha256 = None


def read_corrections(path: str, labels=None) -> Corrections:
    """Label corrections: JSON Lines ``{"doc", "i", "label", "reason"}`` → {(doc, i): label}.

    ``labels``, when given, is the allowed label set."""
    corrections = Corrections()
    raw = _read_file(path)
    corrections.sha256 = hashlib.sha256(raw).hexdigest()
    text, _ = decode(raw, path, _SUPPORTED_DATA)
    for number, row in _rows_jsonl(text, path):
        index = row.get("i")
        if "i" in row and (not isinstance(index, int) or isinstance(index, bool) or index < 0):
            # int() would make 1.7, "1" and true paragraph 1: a wrong paragraph relabelled in silence
            raise InputError(path, f"line {number}: \"i\" must be a paragraph number (0, 1, 2 ...), not {json.dumps(index)}")
        try:
            key, label = (str(row["doc"]), int(row["i"])), str(row["label"])
            if not str(row.get("reason", "")).strip():
                raise KeyError("reason")
        except (KeyError, TypeError, ValueError):
            raise InputError(path, f"line {number}: expected {{\"doc\", \"i\", \"label\", \"reason\"}}") from None
        if labels is not None and label not in labels:
            raise InputError(path, f"line {number}: unknown label {label!r} (known: {', '.join(labels)})")
        corrections[key] = label
    return corrections


def apply_corrections(data: LabelledData, corrections: dict) -> int:
    """Relabel the paragraphs named in ``corrections``; return how many were changed."""
    changed = 0
    for position, key in enumerate(data.ids):
        if key in corrections and data.labels[position] != corrections[key]:
            data.labels[position] = corrections[key]
            changed += 1
    return changed


_SPACES = re.compile(r"\s+")


def deduplicate(data: LabelledData) -> LabelledData:
    """Drop paragraphs whose text (white space aside) stood earlier: pasted-twice reports."""
    seen = set()
    keep = []
    for position, text in enumerate(data.texts):
        key = _SPACES.sub("", text)
        if key not in seen:
            seen.add(key)
            keep.append(position)
    return data.subset(keep)


def report_groups(data: LabelledData) -> list:
    """A group id per paragraph for grouped cross-validation: its ``doc``, split where a ``doc``
    holds several reports pasted together (a new report starts at a title line).  Titles are looked
    for in the doc's reading order (its spans or ``i`` where given, else its lines, when they come
    together); a doc whose paragraphs are scattered without either stays one group."""
    groups = [f"#{position}" for position in range(len(data))]  # no doc: each paragraph alone
    members = {}
    for position, doc in enumerate(data.docs):
        if doc is not None:
            members.setdefault(doc, []).append(position)
    for doc, positions in members.items():
        places = [_reading_place(data, doc, position) for position in positions]
        if None not in places:
            positions = [position for _, position in sorted(zip(places, positions))]
        in_order = None not in places or positions[-1] - positions[0] + 1 == len(positions)
        part = part_size = 0
        for position in positions:
            if in_order and part_size >= 3 and is_report_title(data.texts[position]):
                part += 1
                part_size = 0
            part_size += 1
            groups[position] = f"{doc}#{part}"
    return groups


def _reading_place(data: LabelledData, doc, position):
    """Where a paragraph sits in its doc: its span's start, else its ``i``, else None."""
    if data.spans[position] is not None:
        return data.spans[position][0]
    source, index = data.ids[position]
    return index if source == doc else None
