"""classifier: label the paragraphs of Chinese propaganda work reports by work area.

    >>> from classifier import load_model, label_report
    >>> model = load_model()                      # the shipped default model
    >>> model.predict(["组织党委中心组专题学习"])   # paragraph texts → labels
    >>> report = label_report(model, text)        # a whole report → labelled paragraphs with spans
    >>> report.summary, report.untouched          # share each area takes; areas not covered

Names are imported on first use, so ``import classifier`` stays cheap.
"""
__version__ = "0.1.0"

_EXPORTS = {
    "load_model": "persist",
    "save_model": "persist",
    "ParagraphClassifier": "model",
    "label_report": "report",
    "label_reports": "report",
    "iter_labelled_reports": "report",
    "label_frame": "frame",
    "LabelledReport": "report",
    "LabelledParagraph": "report",
    "segment": "segment",
    "Paragraph": "segment",
    "tokenize": "tokenize",
    "read_document": "read",
    "Document": "read",
    "write_html": "html_report",
    "iter_documents": "read",
    "read_labelled": "data",
    "scores": "evaluate",
    "cross_validate": "evaluate",
    "train_from_files": "training",
    "TrainingRun": "training",
    "default_estimator": "training",
    "InputError": "errors",
    "DEFAULT_LABELS": "labels",
}

__all__ = sorted(_EXPORTS)


def __dir__():  # the names __getattr__ gives, as if imported already
    return sorted(set(globals()) | set(_EXPORTS))


def __getattr__(name):
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'classifier' has no attribute {name!r}")
