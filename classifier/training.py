"""Train a model from labelled files, measure it by grouped cross-validation, describe it in a card."""
from __future__ import annotations

import os
import platform
from dataclasses import dataclass, field
from datetime import datetime, timezone

from .data import LabelledData, apply_corrections, deduplicate, read_corrections, read_labelled, report_groups
from .errors import InputError
from .files import atomic_writer
from .labels import DEFAULT_LABELS
from .model import ParagraphClassifier
from .tables import markdown_scores

__all__ = ["load_training_data", "default_estimator", "train", "cross_validate_default", "TrainingRun",
           "train_from_files", "metadata", "model_card", "write_card"]


def load_training_data(paths, labels=None, corrections=None):
    """Read and join labelled files, apply corrections, drop repeated paragraphs.

    Returns (data, info) where info records the files' SHA-256, counts, corrections applied and
    those that name no paragraph of the data (``doc#i``).
    """
    data = LabelledData()
    for path in paths:
        data.extend(read_labelled(path, labels=labels))
    digests = dict(data.sources)
    corrected, unmatched = 0, []  # unmatched: doc#i of corrections naming no paragraph
    if corrections:
        # A label neither the data nor the guide has is more likely a typo than a new area.
        applied = read_corrections(corrections, labels=labels or sorted(set(data.labels) | set(DEFAULT_LABELS)))
        corrected = apply_corrections(data, applied)
        present = set(data.ids)
        unmatched = [f"{doc}#{i}" for doc, i in applied if (doc, i) not in present]
        digests[corrections] = applied.sha256
    read_count = len(data)
    data = deduplicate(data)
    info = {
        "files": digests,
        "paragraphs_read": read_count,
        "paragraphs": len(data),
        "duplicates_dropped": read_count - len(data),
        "corrections_applied": corrected,
        "corrections_unmatched": unmatched,
        "documents": len({d for d in data.docs if d is not None}),
        "reports": len(set(report_groups(data))),
        "label_counts": {label: data.labels.count(label) for label in sorted(set(data.labels))},
    }
    return data, info


def default_estimator(seed: int = 0, **params) -> ParagraphClassifier:
    """The default model, unfitted: what ``train`` and every cross-validation of it build."""
    return ParagraphClassifier(random_state=seed, **params)


def train(data: LabelledData, seed: int = 0, **params) -> ParagraphClassifier:
    """Fit the default estimator on ``data`` (deterministic for a given seed)."""
    return default_estimator(seed, **params).fit(data.texts, data.labels, headings=data.headings)


class Notes(list):
    """Notes and warnings for the user, in order; ``notify`` (when given) hears each as it is made."""

    def __init__(self, notify=None):
        super().__init__()
        self.notify = notify

    def append(self, note: str) -> None:
        super().append(note)
        if self.notify is not None:
            self.notify(note)


def cross_validate_default(data: LabelledData, source: str, *, folds=5, repeats=3, seed=0, docs=None,
                           notes=None) -> dict:
    """Cross-validate the default model on ``data`` (already deduplicated), as ``train`` and
    ``evaluate --cv`` do; notes for the user go to ``notes`` (a list). A problem with the data
    (too few reports, a fold with one label) is the user's: an InputError naming ``source``."""
    from .evaluate import cross_validate

    notes = [] if notes is None else notes
    if docs and not os.path.isdir(docs):
        raise InputError(docs, "is not a folder of documents (--docs)")
    if docs and any(span is None for span in data.spans):
        notes.append("note: --docs ignored: the data gives no start/end spans, so no end-to-end scores")
        docs = None
    elif docs and any(doc is None for doc in data.docs):
        # A span without its document cannot be found in any file of the folder.
        notes.append("note: --docs ignored: some paragraphs name no doc, so no end-to-end scores")
        docs = None
    if any(doc is None for doc in data.docs):
        notes.append("note: paragraphs without a doc are held out one by one; paragraphs of one report share "
                     "names and phrases, so give each its doc or the scores come out too high")
    try:
        return cross_validate(lambda: default_estimator(seed), data, folds=folds, repeats=repeats, seed=seed,
                              docs_dir=docs, dedupe=False)
    except ValueError as err:
        raise InputError(source, f"cannot be cross-validated: {err} (--repeats 0 trains without "
                                 f"cross-validation)") from None


@dataclass
class TrainingRun:
    """What :func:`train_from_files` made: the fitted model, its metadata (for ``save_model`` and
    :func:`model_card`), the cross-validation result (None when skipped), the data's ``info``
    (:func:`load_training_data`) and the notes and warnings for the user, in order."""

    model: ParagraphClassifier
    metadata: dict
    cv: dict | None
    info: dict
    notes: list = field(default_factory=list)


def train_from_files(paths, *, labels=None, corrections=None, docs=None, folds=5, repeats=1, seed=0,
                     command=None, notify=None) -> TrainingRun:
    """Read labelled files, check their labels, cross-validate the default model (``repeats`` 0
    skips it) and fit it on all the data; ``notify`` hears each note as it is made. Saving the
    model and its card is the caller's (``save_model``, :func:`model_card`)."""
    paths = list(paths)
    notes = Notes(notify)
    data, info = load_training_data(paths, labels=labels, corrections=corrections)
    present = set(data.labels)
    if len(present) < 2:
        raise InputError(paths[0], "training needs at least two different labels")
    if labels is None and not present <= set(DEFAULT_LABELS):
        notes.append(f"note: training on your own label set: {', '.join(sorted(present))}")
    unused = [label for label in labels or () if label not in present]
    if unused:
        notes.append(f"warning: no paragraph is labelled {', '.join(unused)}: the model cannot give "
                     f"{'that label' if len(unused) == 1 else 'those labels'}")
    unmatched = info["corrections_unmatched"]
    if unmatched:
        shown = ", ".join(unmatched[:5]) + (", …" if len(unmatched) > 5 else "")
        notes.append(f"warning: {corrections}: {len(unmatched)} correction(s) name no paragraph of the data: {shown}")
    notes.append(f"training on {info['paragraphs']} paragraphs ({info['duplicates_dropped']} repeated paragraphs "
                 f"dropped, {info['corrections_applied']} corrections applied) from {info['documents']} documents")
    cv = None
    if repeats > 0:
        if info["reports"] < 2:
            notes.append("note: no cross-validation: the data names fewer than two reports (doc)")
        else:
            cv = cross_validate_default(data, paths[0], folds=folds, repeats=repeats, seed=seed, docs=docs,
                                        notes=notes)
    try:
        model = train(data, seed=seed)
    except ValueError as err:  # data the model cannot learn from (too little text)
        raise InputError(paths[0], str(err)) from None
    if command is None:
        command = "python -m classifier train " + " ".join(paths)
    meta = metadata(model, info, cv, seed, command)
    return TrainingRun(model=model, metadata=meta, cv=cv, info=info, notes=list(notes))


def environment() -> dict:
    """The versions of Python and of the libraries a model depends on."""
    import jieba
    import joblib
    import numpy
    import scipy
    import sklearn

    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
            "jieba": jieba.__version__, "joblib": joblib.__version__, "numpy": numpy.__version__,
            "scipy": scipy.__version__}


def metadata(model, info: dict, cv: dict | None, seed: int, command: str) -> dict:
    """What a model file records of its training: date, command, seed, labels, parameters, data,
    library versions and cross-validated scores, as plain JSON values (what a model file keeps, so
    the card made now reads as the one made later from the file)."""
    import json

    return json.loads(json.dumps({
        "trained": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "command": command,
        "seed": seed,
        "labels": [str(c) for c in model.classes_],
        "params": model.get_params(),
        "data": info,
        "environment": environment(),
        "cross_validation": cv,
    }, default=str))


def write_card(meta: dict, path: str, force: bool = False, model_sha256: str | None = None) -> None:
    """Write :func:`model_card` of ``meta`` to ``path`` atomically (replacing it only with ``force``)."""
    with atomic_writer(path, force, encoding="utf-8") as out:
        out.write(model_card(meta, model_sha256))


def model_card(meta: dict, model_sha256: str | None = None) -> str:
    """A Markdown model card from a model's metadata (and the SHA-256 of the model file, if given)."""
    info = meta["data"]
    lines = [
        "# Model card: paragraph classifier",
        "",
        "Labels each paragraph of a Chinese propaganda work report by work area "
        + ("(labels as defined in `../shared/LABELS.md`)." if set(meta["labels"]) <= set(DEFAULT_LABELS)
           else "(the training data's own label set)."),
        "",
        "## Model",
        "",
        f"- Labels: {', '.join('`%s`' % label for label in meta['labels'])}",
        *([f"- Model file SHA-256: `{model_sha256}` (`python -m classifier info MODEL` prints it)"]
          if model_sha256 else []),
        "- Features: TF-IDF of jieba word 1–2-grams (with the domain dictionary `classifier/resources/userdict.txt`) "
        "and of character 1–3-grams, and counts of each area's cue terms (`classifier/resources/cues.tsv`) in the "
        "paragraph, its opening clause and its heading; a multinomial logistic regression with balanced class weights.",
        "- Reading a report: each paragraph's probabilities are combined (weighted geometric mean) with its "
        "neighbours' and its section heading's, so that short items and headings take their section's area; "
        "and when a report's title names one area (社区文化工作总结), the title and, less strongly, every "
        "paragraph of that report lean towards it (`classifier/theme.py`); a heading the model is unsure of "
        "(its own top probability below `section_threshold`) leans towards the paragraphs directly under it.",
        "- What each step is worth: `models/EXPERIMENTS.md`.",
        "- Parameters: " + ", ".join(f"`{k}={v!r}`" for k, v in sorted(meta["params"].items())),
        f"- Seed: {meta['seed']}; trained {meta['trained']} with `{meta['command']}`",
        "",
        "## Training data",
        "",
    ]
    for path, digest in info["files"].items():
        lines.append(f"- `{path}`: SHA-256 `{digest}`")
    lines += [
        f"- {info['paragraphs']} paragraphs after dropping {info['duplicates_dropped']} repeated ones "
        f"({info['paragraphs_read']} read), {info['documents']} documents, {info['reports']} reports "
        "(one document can hold several pasted reports)",
        f"- Corrections applied: {info['corrections_applied']}"
        + (" (each with its document, paragraph, new label and reason in the corrections file)"
           if info["corrections_applied"] else ""),
        "- Paragraphs per label: " + ", ".join(f"{k} {v}" for k, v in info["label_counts"].items()),
        "",
        "## Library versions",
        "",
        ", ".join(f"{k} {v}" for k, v in meta["environment"].items()),
        "",
    ]
    cv = meta.get("cross_validation")
    if cv:
        lines += [
            "## Cross-validated scores",
            "",
            f"{cv['folds']}-fold cross-validation grouped by report ({cv['groups']} reports, never one "
            f"report on both sides), repeated {cv['repeats']} times with different folds.",
            "",
            "### Paragraph scores (the labelled paragraphs as they are)",
            "",
        ]
        lines += markdown_scores(cv["paragraph"])
        if cv.get("end_to_end"):
            lines += ["", "### End-to-end scores (the tool's own segmentation of each held-out report; "
                      "a labelled paragraph takes the label covering most of its characters)", ""]
            lines += markdown_scores(cv["end_to_end"])
    return "\n".join(lines) + "\n"
