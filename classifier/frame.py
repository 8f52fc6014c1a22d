"""Label the reports of a pandas DataFrame (one report a row): one row per paragraph back.

A module of its own, importable on every Dask worker, so that :mod:`classifier.dask` ships
:func:`label_frame` by reference and each worker loads a model once (:func:`cached_model`).
"""
from __future__ import annotations

import functools
import importlib
import os
import warnings

__all__ = ["label_frame", "cached_model", "COLUMNS", "empty_result", "need"]

# The columns of the result, as predict --format jsonl names them (doc is the row's id).
COLUMNS = ("doc", "index", "start", "end", "text", "heading", "label", "label2", "confidence")


def need(module: str, extra: str, what: str):
    """``module`` imported, or ImportError saying in one line what to install for ``what``."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f"{what} needs {module.split('.')[0]}: pip install 'classifier[{extra}]'") from None


@functools.lru_cache(maxsize=4)
def _load(path):
    from .persist import load_model

    return load_model(path)


def cached_model(model=None):
    """``model`` itself if it is a model, else the model of that file (None: the shipped one),
    loaded once per process and path."""
    if model is None or isinstance(model, (str, os.PathLike)):
        return _load(None if model is None else os.fspath(model))
    return model


def empty_result(id_dtype="object"):
    """The result of no reports: the columns of :func:`label_frame` with their types (Dask's ``meta``)."""
    pandas = need("pandas", "parquet", "classifier.label_frame")
    return pandas.DataFrame({name: pandas.Series([], dtype=dtype) for name, dtype in _types(id_dtype).items()})


def _types(id_dtype) -> dict:
    """Column types of the result: text as pandas strings (missing: <NA>), so that Parquet writers
    (Dask's to_parquet among them) know the columns' types even from an empty frame."""
    text = "string"
    return {"doc": text if str(id_dtype) in ("object", "str") else id_dtype, "index": "int64",
            "start": "int64", "end": "int64", "text": text, "heading": text, "label": text,
            "label2": text, "confidence": "float64"}


def label_frame(frame, text: str = "text", id: str = "doc", model=None):
    """One row per paragraph of the reports in ``frame`` (a report's text in column ``text``, its id
    in column ``id``): doc, index, start, end, text, heading, label, label2, confidence, with the
    values ``predict --format jsonl`` gives for the same texts.  ``model``: a model, a model file,
    or None for the shipped model (files are loaded once per process)."""
    pandas = need("pandas", "parquet", "classifier.label_frame")
    from .read import Document
    from .report import label_reports

    for column in (text, id):
        if column not in frame.columns:
            raise KeyError(f"label_frame: the frame has no column {column!r} (columns: {list(frame.columns)})")
    ids, texts = frame[id].tolist(), frame[text].tolist()
    missing = frame[id].isna()
    if missing.any():
        raise ValueError(f"label_frame: report {frame.index[missing.to_numpy()][0]!r} (the frame's index) "
                         f"has no {id!r}: each report needs an id that tells its rows apart")
    repeated = frame[id].duplicated()
    if repeated.any():
        raise ValueError(f"label_frame: {id!r} {frame[id][repeated].iloc[0]!r} names more than one report: "
                         f"their rows could not be told apart")
    wrong = next((k for k, value in enumerate(texts) if not isinstance(value, str)), None)
    if wrong is not None:
        raise TypeError(f"label_frame: the {text!r} of report {ids[wrong]!r} is "
                        f"{type(texts[wrong]).__name__}, not text")
    blank = [doc for doc, body in zip(ids, texts) if not body.strip()]
    if blank:  # as predict skips an empty file, with a warning
        warnings.warn(f"label_frame: {len(blank)} report(s) with no text, no rows for them: "
                      f"{', '.join(map(repr, blank[:5]))}{' …' if len(blank) > 5 else ''}", stacklevel=2)
    reports = label_reports(cached_model(model), [Document(str(doc), body) for doc, body in zip(ids, texts)])
    columns = {name: [] for name in COLUMNS}
    for doc, report in zip(ids, reports):
        for p in report.paragraphs:
            columns["doc"].append(doc)
            for name in COLUMNS[1:]:
                columns[name].append(getattr(p, name))
    if not columns["doc"]:
        return empty_result(frame[id].dtype)
    result = pandas.DataFrame(columns, columns=list(COLUMNS))
    return result.astype(_types(frame[id].dtype))
