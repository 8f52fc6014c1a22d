"""Write labelled reports as a terminal table, JSON Lines or CSV (HTML lives in :mod:`html_report`)."""
from __future__ import annotations

import csv
import json
import os

from .errors import InputError
from .labels import display_name, in_guide_order
from .segment import display_width
from .tables import fit_width as _fit

__all__ = ["write_table", "write_table_part", "write_jsonl", "write_csv", "spreadsheet_text", "write_summary_table", "write_train",
           "train_docs", "FORMATS", "output_format", "plural"]


def plural(number: int, noun: str) -> str:
    """``noun`` as it stands after ``number``: 1 paragraph, 2 paragraphs."""
    return noun if number == 1 else noun + "s"


def _one_line(text: str) -> str:
    return " ".join(text.split())


# Columns of paragraph text a table row shows (--width); 0 shows the whole text.
TEXT_COLUMNS = 60


def text_cell(text: str, text_columns: int) -> str:
    """A paragraph on one line, cut to ``text_columns`` (0: whole)."""
    return _fit(_one_line(text), text_columns).rstrip() if text_columns else _one_line(text)


def write_table(report, out, text_columns: int = TEXT_COLUMNS) -> None:
    """One report for a person: a row a paragraph (its label, the secondary label ``also`` when
    it has one, the confidence, the text cut to ``text_columns``, 0 for all), then the share each
    area takes."""
    label_columns = max(display_width(display_name(label)) for label in report.labels) + 2
    out.write(f"== {report.name}: {_counts(report)} ==\n")
    _table_rows(report, out, text_columns, label_columns, head=True)
    write_summary_table(report, out, label_columns)


def _counts(report) -> str:
    paragraphs, characters = sum(entry["paragraphs"] for entry in report.summary.values()), report.characters
    return f"{paragraphs} {plural(paragraphs, 'paragraph')}, {characters} {plural(characters, 'character')}"


def write_table_part(report, out, text_columns: int, totalled=None) -> None:
    """A window of a long text (:attr:`report.LabelledReport.part`) in the table: the first says
    that the counts come at the end, each writes its rows, the last (``totalled``: the report
    without paragraphs, carrying the summary of all its parts) the counts and the shares."""
    label_columns = max(display_width(display_name(label)) for label in report.labels) + 2
    if report.part == 0:
        out.write(f"== {report.name}: read in windows, counted at the end ==\n")
    _table_rows(report, out, text_columns, label_columns, head=report.part == 0)
    if totalled is not None:
        out.write(f"== {report.name}: {_counts(totalled)} ==\n")
        write_summary_table(totalled, out, label_columns)


def _table_rows(report, out, text_columns, label_columns, head) -> None:
    also_columns = max(display_width(label) for label in report.labels) + 2
    if head:
        out.write(f"{'#':>4}  {_fit('label', label_columns)}{_fit('also', also_columns)}{'conf':>5}  text\n")
    for p in report.paragraphs:
        out.write(f"{p.index + 1:>4}  {_fit(display_name(p.label), label_columns)}"
                  f"{_fit(p.label2 or '', also_columns)}{p.confidence:5.2f}  {text_cell(p.text, text_columns)}\n")
        if p.explanation:
            words = explanation_text(p.explanation)
            out.write(f"{'':>4}  {'':{label_columns + also_columns}}{'':5}  ↳ {words}\n")


def write_summary_table(report, out, label_columns: int | None = None) -> None:
    """The share of characters and the paragraphs each area takes, with a bar."""
    if label_columns is None:
        label_columns = max(display_width(display_name(label)) for label in report.labels) + 2
    out.write("share of the report by area:\n")
    for label in in_guide_order(report.labels):
        entry = report.summary[label]
        bar = "█" * round(entry["share"] * 30)
        out.write(f"  {_fit(display_name(label), label_columns)}{entry['share'] * 100:5.1f}%  "
                  f"{entry['paragraphs']:>3} {plural(entry['paragraphs'], 'paragraph'):<10} "
                  f"{entry['characters']:>6} {plural(entry['characters'], 'char'):<5}  {bar}\n")
    if report.untouched:
        out.write("  not covered: " + ", ".join(display_name(label) for label in report.untouched) + "\n")
    out.write("\n")


# json.dumps(..., ensure_ascii=False) builds this encoder anew at every call: one for all lines.
_JSON_LINE = json.JSONEncoder(ensure_ascii=False).encode


def write_jsonl(report, out) -> None:
    """A JSON object a paragraph: file, index, start, end, text, heading, label, confidence, scores,
    (explanation,) label2."""
    name = report.name
    out.write("".join([_JSON_LINE(p.to_dict(name)) + "\n" for p in report.paragraphs]))


def explanation_text(explanation) -> str:
    """The terms that decided a label, for a person: ``w:学习 +0.41, c:宣讲 +0.21``."""
    # A character term may be white space: shown as ␠ so that the term can be seen.
    return ", ".join(f"{name.replace(' ', '␠').replace(chr(0x3000), '␣')} {weight:+.2f}"
                     for name, weight in explanation)


CSV_FIELDS = ("file", "index", "start", "end", "label", "confidence", "heading", "text")


def csv_header(labels, explain: bool = False) -> list:
    # label2 after the columns it came after, so that their positions stay as they were.
    return (list(CSV_FIELDS) + [f"score_{label}" for label in labels] + ["label2"]
            + (["explanation"] if explain else []))


# What makes a spreadsheet read a cell as a formula (OWASP's list): a text cell opening with one
# gets a leading apostrophe, which Excel and LibreOffice show as text and do not display.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet will not run: ``=1+1`` → ``'=1+1``."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_csv(report, out, header: bool, explain: bool = False) -> None:
    """Rows of a spreadsheet, a paragraph a row, with every label's score in its own column and,
    with ``explain``, a last column of the terms that decided the label: the JSON lines'
    ``explanation``, a JSON array of [term, weight] pairs (terms may hold ``;`` or ``,``).
    Text cells that a spreadsheet would take for a formula start with an apostrophe."""
    writer = csv.writer(out, lineterminator="\r\n")
    if header:
        writer.writerow([spreadsheet_text(name) for name in csv_header(report.labels, explain)])
    name = spreadsheet_text(report.name)
    for p in report.paragraphs:
        writer.writerow([name, p.index, p.start, p.end, spreadsheet_text(p.label), f"{p.confidence:.4f}",
                         spreadsheet_text(p.heading or ""), spreadsheet_text(p.text)]
                        + [f"{p.scores[label]:.4f}" for label in report.labels]
                        + [spreadsheet_text(p.label2 or "")]
                        + ([spreadsheet_text(json.dumps(p.explanation or [], ensure_ascii=False))]
                           if explain else []))


def train_docs(reports) -> list:
    """Each report's ``doc`` in --format train, unique in the batch: its file name without the
    extension (:func:`train_doc`); with it where two files differ only by extension (a.txt, a.pdf);
    the whole path where two folders hold the same name (``doc`` keeps reports apart)."""
    names = [report.name.strip("<>") for report in reports]
    for spell in (train_doc, os.path.basename, lambda n: n):
        docs = [spell(name) for name in names]
        if len(set(docs)) == len(docs):
            return docs
    return docs


def train_doc(name: str) -> str:
    """A report's ``doc`` in --format train when no other file of the batch has it: its file name
    without the extension (``<stdin>`` is ``stdin``)."""
    return os.path.splitext(os.path.basename(name))[0].strip("<>")


def write_train(report, out, doc: str) -> None:
    """JSON Lines that ``train`` reads back: doc, i, start, end, text, label, label2, heading; a
    person corrects a label in an editor and trains on the file."""
    for p in report.paragraphs:
        row = {"doc": doc, "i": p.index, "start": p.start, "end": p.end, "text": p.text, "label": p.label,
               "label2": p.label2, "heading": p.heading}
        out.write(_JSON_LINE(row) + "\n")


FORMATS = ("table", "jsonl", "csv", "html", "train", "parquet")
# What an --out file's name says it holds; any other name (.txt, none) gets the table unless told.
# .ndjson is JSON Lines by another name, as train reads it.
SUFFIX_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".html": "html", ".htm": "html",
                  ".parquet": "parquet"}


# Extensions of data formats predict does not write: a table in such a file would not open as its
# name says (and train would read a .tsv as a table of its own).
_OTHER_FORMATS = (".json", ".tsv", ".xlsx", ".xls", ".ods", ".docx", ".doc", ".wps", ".odt", ".rtf", ".pdf",
                  ".pptx", ".xml", ".yaml", ".yml", ".zip", ".gz", ".bz2", ".xz", ".tar", ".7z", ".rar",
                  ".png", ".jpg", ".jpeg")


def output_format(given: str | None, out: str | None) -> str:
    """The format to write: ``given`` (--format), else the one --out's extension names, else the table.
    A format that contradicts the extension is refused: the file would not open as its name says."""
    suffix = os.path.splitext(out)[1].lower() if out else ""
    if suffix in _OTHER_FORMATS and not given:
        raise InputError(out, f"predict does not write {suffix} files: name the output .csv (opens in "
                              f"Excel), .jsonl, .html, .parquet or .txt (the table)")
    named = SUFFIX_FORMATS.get(suffix)
    if given == "train" and named == "jsonl":  # training data is JSON Lines too
        named = "train"
    if given and named and given != named:
        raise InputError(out, f"a {suffix} file cannot hold --format {given}: "
                              f"name it otherwise or leave out --format")
    return given or named or "table"


def parquet_schema(labels, explain: bool = False):
    """The columns of :func:`write_parquet`: the JSON lines' fields in their order, ``scores`` a
    struct of one number a label, ``explanation`` JSON text (as in the CSV)."""
    import pyarrow

    fields = [("file", pyarrow.string()), ("index", pyarrow.int64()), ("start", pyarrow.int64()),
              ("end", pyarrow.int64()), ("text", pyarrow.string()), ("heading", pyarrow.string()),
              ("label", pyarrow.string()), ("confidence", pyarrow.float64()),
              ("scores", pyarrow.struct([(label, pyarrow.float64()) for label in labels]))]
    if explain:
        fields.append(("explanation", pyarrow.string()))
    return pyarrow.schema(fields + [("label2", pyarrow.string())])


# Rows a Parquet row group holds at most (or fewer, when their text reaches _ROW_GROUP_CHARS):
# a batch is written a row group at a time, never held whole.  Fewer rows than that make one row
# group, the file pyarrow.parquet.write_table makes of them, byte for byte.
_ROW_GROUP_ROWS = 65_536
_ROW_GROUP_CHARS = 16_000_000


def write_parquet(reports, out, labels, explain: bool = False) -> None:
    """Every paragraph of ``reports`` (any iterable, read once) as one row of a Parquet file
    (binary stream ``out``), with the fields and values of :func:`write_jsonl`: for outputs too big
    to read back line by line."""
    import pyarrow
    import pyarrow.parquet

    schema = parquet_schema(labels, explain)
    rows, size, groups = [], 0, 0
    with pyarrow.parquet.ParquetWriter(out, schema) as writer:
        for report in reports:
            for p in report.paragraphs:
                row = p.to_dict(report.name)
                if explain:
                    row["explanation"] = json.dumps(row.get("explanation") or [], ensure_ascii=False)
                rows.append(row)
                size += len(p.text)
                if len(rows) >= _ROW_GROUP_ROWS or size >= _ROW_GROUP_CHARS:
                    writer.write_table(pyarrow.Table.from_pylist(rows, schema=schema))
                    rows, size, groups = [], 0, groups + 1
        if rows or not groups:  # no rows at all: what write_table writes of an empty table
            writer.write_table(pyarrow.Table.from_pylist(rows, schema=schema))
