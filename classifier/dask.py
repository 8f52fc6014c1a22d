"""Label a Dask DataFrame of reports on any Dask cluster (LocalCluster, dask-jobqueue, Kubernetes).

    >>> import dask.dataframe as dd
    >>> from classifier.dask import label_dask
    >>> labels = label_dask(dd.read_parquet("reports.parquet"), text="text", id="doc",
    ...                     model="models/default.model")
    >>> labels.to_parquet("labels/")

Each partition goes through :func:`classifier.frame.label_frame`, shipped by reference; a model
given as a file (or None, the shipped model) is loaded once per worker process, not once a task.
"""
from __future__ import annotations  # ``import dask`` below is the package, not this module

import os

from .frame import cached_model, empty_result, label_frame, need

__all__ = ["label_dask"]


def label_dask(ddf, text: str = "text", id: str = "doc", model=None):
    """:func:`classifier.frame.label_frame` over every partition of ``ddf`` (one report a row),
    lazily: a ``dask.dataframe.DataFrame`` of one row per paragraph.  Give ``model`` as a file
    path (or None): a model object travels with the task graph.  The columns and the model file are
    checked at once, on this machine: give a path that it and the workers both see."""
    need("dask.dataframe", "dask", "classifier.dask.label_dask")
    for column in (text, id):  # known without computing: said now, not by a worker's traceback
        if column not in ddf.columns:
            raise KeyError(f"label_dask: the frame has no column {column!r} (columns: {list(ddf.columns)})")
    if isinstance(model, os.PathLike):
        model = os.fspath(model)
    if isinstance(model, str):
        cached_model(model)  # a file that is missing or no model is refused here, once, by name
    meta = empty_result(ddf[id].dtype)
    return ddf.map_partitions(label_frame, text=text, id=id, model=model, meta=meta,
                              enforce_metadata=False, align_dataframes=False)
