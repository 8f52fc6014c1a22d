"""The one place that renders tables: score tables for the terminal and for Markdown, and
Markdown tables of any rows."""
from __future__ import annotations

from .labels import display_name
from .segment import display_width

__all__ = ["fit_width", "write_scores", "markdown_scores", "markdown_table"]


def fit_width(text: str, columns: int) -> str:
    """Cut ``text`` to ``columns`` terminal columns (with … when cut) and pad it to that width."""
    if display_width(text) > columns:
        kept, used = [], 0
        for ch in text:
            if used + display_width(ch) > columns - 1:
                break
            kept.append(ch)
            used += display_width(ch)
        text = "".join(kept) + "…"
    return text + " " * max(0, columns - display_width(text))


def write_scores(block: dict, out, title: str) -> None:
    """A :func:`classifier.evaluate.scores` block for the terminal: per label, macro-F1,
    accuracy, calibration when measured, and the confusion matrix."""
    labels = block["labels"]
    column = max([display_width(display_name(label)) for label in labels] + [len("macro-F1")]) + 2
    out.write(f"{title}\n")
    out.write(f"  {fit_width('label', column)}{'precision':>10}{'recall':>8}{'F1':>8}{'support':>9}\n")
    for label in labels:
        s = block["per_label"][label]
        out.write(f"  {fit_width(display_name(label), column)}{s['precision']:>10.3f}{s['recall']:>8.3f}"
                  f"{s['f1']:>8.3f}{s['support']:>9}\n")
    out.write(f"  {fit_width('macro-F1', column)}{'':>10}{'':>8}{block['macro_f1']:>8.3f}{block['n']:>9}\n")
    out.write(f"  accuracy {block['accuracy']:.3f}")
    if block.get("macro_f1_runs"):
        out.write("; macro-F1 per repeat: " + ", ".join(f"{r:.3f}" for r in block["macro_f1_runs"]))
    if block.get("calibration"):
        c = block["calibration"]
        out.write(f"\n  confidence: mean {c['mean_confidence']:.3f} against accuracy {c['accuracy']:.3f}, "
                  f"calibration error {c['ece']:.3f}")
    repeats = block.get("confusion_repeats", 1)
    if repeats > 1:  # cross-validation: support is per repeat, the confusion counts add the repeats up
        out.write(f"\n  support: paragraphs of each label, each counted once; confusion: counts summed over "
                  f"{repeats} repeats ({block['n'] * repeats} predictions)")
    out.write("\n  confusion (rows: true, columns: predicted" + (f", summed over {repeats} repeats" if repeats > 1 else "")
              + ")\n")
    short = [label[:6] for label in labels]
    out.write("  " + " " * column + "".join(f"{s:>8}" for s in short) + "\n")
    for label, row in zip(labels, block["confusion"]):
        out.write(f"  {fit_width(display_name(label), column)}" + "".join(f"{v:>8}" for v in row) + "\n")
    out.write("\n")


def markdown_table(rows, columns, floats="{:.3f}", width=None) -> str:
    """A Markdown table of ``rows`` (dicts) with ``columns``; long text cut to ``width`` chars."""
    def cell(value):
        if isinstance(value, float):
            value = floats.format(value)
        value = "" if value is None else str(value)
        value = value.replace("|", "\\|").replace("\n", " ")
        if width and len(value) > width:
            value = value[:width - 1] + "…"
        return value

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row.get(column)) for column in columns) + " |" for row in rows]
    return "\n".join(lines)


def markdown_scores(block: dict) -> list:
    """A :func:`classifier.evaluate.scores` block as Markdown lines (the model card's tables)."""
    columns = ["label", "precision", "recall", "F1", "support"]
    rows = [{"label": label, "precision": s["precision"], "recall": s["recall"], "F1": s["f1"],
             "support": s["support"]} for label, s in ((label, block["per_label"][label]) for label in block["labels"])]
    lines = markdown_table(rows, columns).split("\n")
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
    corner = "true \\ predicted"
    confusion = [{corner: label, **dict(zip(block["labels"], row))}
                 for label, row in zip(block["labels"], block["confusion"])]
    lines += markdown_table(confusion, [corner, *block["labels"]]).split("\n")
    return lines
