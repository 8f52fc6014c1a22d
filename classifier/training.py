"""Train a model from labelled files, measure it by grouped cross-validation, describe it in a card."""
from __future__ import annotations

import platform
from datetime import datetime, timezone

from .data import LabelledData, apply_corrections, deduplicate, read_corrections, read_labelled, report_groups
from .labels import DEFAULT_LABELS
from .model import ParagraphClassifier

__all__ = ["load_training_data", "train", "model_card"]


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


def train(data: LabelledData, seed: int = 0, **params) -> ParagraphClassifier:
    """Fit the default estimator on ``data`` (deterministic for a given seed)."""
    model = ParagraphClassifier(random_state=seed, **params)
    return model.fit(data.texts, data.labels, headings=data.headings)


def environment() -> dict:
    import jieba
    import joblib
    import numpy
    import scipy
    import sklearn

    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
            "jieba": jieba.__version__, "joblib": joblib.__version__, "numpy": numpy.__version__,
            "scipy": scipy.__version__}


def metadata(model, info: dict, cv: dict | None, seed: int, command: str) -> dict:
    return {
        "trained": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "command": command,
        "seed": seed,
        "labels": [str(c) for c in model.classes_],
        "params": model.get_params(),
        "data": info,
        "environment": environment(),
        "cross_validation": cv,
    }


def _score_table(block: dict) -> list:
    lines = ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label in block["labels"]:
        s = block["per_label"][label]
        lines.append(f"| {label} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |")
    runs = ", ".join(f"{r:.3f}" for r in block.get("macro_f1_runs", []))
    lines.append(f"| **macro** | | | **{block['macro_f1']:.3f}** | {block['n']} |")
    lines.append("")
    lines.append(f"Accuracy {block['accuracy']:.3f}. Macro-F1 of each repeat: {runs}.")
    if "calibration" in block:
        c = block["calibration"]
        lines.append("")
        lines.append(f"Confidence: mean {c['mean_confidence']:.3f} against accuracy {c['accuracy']:.3f}; "
                     f"expected calibration error {c['ece']:.3f} (10 bins).")
    lines.append("")
    lines.append("Confusion (rows: true label, columns: predicted, summed over repeats):")
    lines.append("")
    lines.append("| true \\ predicted | " + " | ".join(block["labels"]) + " |")
    lines.append("|---" * (len(block["labels"]) + 1) + "|")
    for label, row in zip(block["labels"], block["confusion"]):
        lines.append(f"| {label} | " + " | ".join(str(v) for v in row) + " |")
    return lines


def model_card(meta: dict) -> str:
    """A Markdown model card from a model's metadata."""
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
        lines += _score_table(cv["paragraph"])
        if cv.get("end_to_end"):
            lines += ["", "### End-to-end scores (the tool's own segmentation of each held-out report; "
                      "a labelled paragraph takes the label covering most of its characters)", ""]
            lines += _score_table(cv["end_to_end"])
    return "\n".join(lines) + "\n"
