"""How much one input may hold before it is refused: bytes read, a .docx part unpacked, paragraphs.

The defaults stand far above any real report and far below what would exhaust a machine; each can
be raised by an option (``predict --max-mb``, ``--max-paragraphs``), an environment variable
(``CLASSIFIER_MAX_MB``, ``CLASSIFIER_MAX_PARAGRAPHS``) or the library functions' parameters.
"""
from __future__ import annotations

import os

__all__ = ["MAX_MB", "MAX_PARAGRAPHS", "max_bytes", "max_paragraphs", "megabytes", "too_large"]

MAX_MB = 50
MAX_PARAGRAPHS = 200_000


def _from_environment(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        from .errors import InputError

        raise InputError(name, f"must be a whole number, 1 or more, not {value!r}")
    return number


def max_bytes(megabytes_given: int | None = None) -> int:
    """The byte limit of a file (or of a .docx part once unpacked): ``megabytes_given`` MB, else
    ``$CLASSIFIER_MAX_MB``, else :data:`MAX_MB`."""
    return (megabytes_given or _from_environment("CLASSIFIER_MAX_MB", MAX_MB)) * 1_000_000


def max_paragraphs(given: int | None = None) -> int:
    """The paragraph limit of a report: ``given``, else ``$CLASSIFIER_MAX_PARAGRAPHS``, else
    :data:`MAX_PARAGRAPHS`."""
    return given or _from_environment("CLASSIFIER_MAX_PARAGRAPHS", MAX_PARAGRAPHS)


def megabytes(limit: int) -> str:
    """A byte limit as people read it: ``50 MB``."""
    value = limit / 1_000_000
    shown = f"{value:.1f}".removesuffix(".0") if value >= 1 else f"{value:.3g}"
    return f"{shown} MB"


def too_large(name: str, limit: int):
    """The :class:`errors.InputError` refusing ``name``, larger than ``limit`` bytes."""
    from .errors import InputError

    return InputError(name, f"is larger than the limit of {megabytes(limit)} (--max-mb or $CLASSIFIER_MAX_MB raises it)")
