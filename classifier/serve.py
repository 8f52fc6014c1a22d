"""The web page and its API (``python -m classifier serve``): upload reports or paste text in a
browser, get back the labelled page the tool draws, with CSV and JSON Lines to download.

Starlette (an ASGI toolkit) with python-multipart for the uploads; uvicorn runs it (see
:mod:`classifier.cli.serve`).  Uploads are read in memory (Starlette spools a file of more than
1 MB to an unnamed temporary file, closed before the answer); nothing is written anywhere else.
"""
from __future__ import annotations

import io
import os
import re

from .errors import InputError

__all__ = ["create_app", "label_uploads", "pasted_document", "PASTED_NAME", "STATIC"]

STATIC = os.path.join(os.path.dirname(__file__), "static")
# The name results give a pasted text ("the pasted text").
PASTED_NAME = "粘贴的文本"
_MB = 1_000_000  # as the limits of files read (limits.max_bytes): one megabyte everywhere
# Explanations asked for with a bare "on"/"true" from a check box: predict --explain's default.
_EXPLAIN_DEFAULT = 5
_EXPLAIN_MAX = 20
# What the page's own files may do: scripts and styles from this server only (the reports' inline
# styles aside), requests to this server only, nothing framed from elsewhere, no plug-ins.
_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
_HEADERS = {"Content-Security-Policy": _CSP, "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


class _TooLarge(Exception):
    """The request body went past the upload limit while it was read."""


def _limited(receive, limit: int):
    """``receive`` counting the body's bytes: a chunked upload that passes ``limit`` stops there."""
    seen = 0

    async def counting():
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
        return message
    return counting


def _upload_name(filename) -> str:
    """An upload's file name as the person saw it: without any folder a browser sent with it (old
    browsers send C:\\…), and with the quote browsers send as %22 (HTML's form encoding) put back."""
    name = re.split(r"[\\/]", filename or "")[-1].strip().replace("%22", '"')
    return name or "upload.txt"


def _distinct_names(names) -> list:
    """``names`` with a number added to each repeat (``r1 (2).txt``): two files of one name, from
    two folders, stay apart in the page and in the CSV and JSON Lines rows."""
    seen, distinct = set(names), []
    counts = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
        if counts[name] == 1:
            distinct.append(name)
            continue
        stem, suffix = os.path.splitext(name)
        number = counts[name]
        while f"{stem} ({number}){suffix}" in seen:
            number += 1
        distinct.append(f"{stem} ({number}){suffix}")
        seen.add(distinct[-1])
    return distinct


def _explain_count(value) -> int:
    """The ``explain`` field: a number of terms, or a check box's on/true for the default; else 0."""
    if value is None:
        return 0
    value = str(value).strip().lower()
    if value in ("", "0", "false", "off", "no"):
        return 0
    if value.isdigit():
        return min(int(value), _EXPLAIN_MAX)
    if value in ("on", "true", "yes"):
        return _EXPLAIN_DEFAULT
    raise InputError("explain", f"must be a number of terms or on/off, not {value[:20]!r}")


def pasted_document(text: str):
    """A pasted text as a report named :data:`PASTED_NAME`; the line ends a browser's form adds (CRLF) as typed."""
    from .blank import is_blank
    from .read import Document

    text = text.replace("\r\n", "\n")
    if is_blank(text):
        raise InputError(PASTED_NAME, "is empty (only white space)")
    return Document(PASTED_NAME, text)


def label_uploads(model, uploads, pasted, explain: int = 0) -> dict:
    """The API's answer for ``uploads`` ((file name, bytes) pairs) and a ``pasted`` text (or None):
    each report's file, summary and paragraphs (the fields ``predict --format jsonl`` writes), and
    the same results as the HTML page, CSV (without its BOM) and JSON Lines the command writes."""
    from .html_report import write_html
    from .output import write_csv, write_jsonl
    from .read import document_from_bytes
    from .report import label_reports

    documents = [document_from_bytes(name, data) for name, data in uploads]
    if pasted is not None and pasted.strip():
        documents.append(pasted_document(pasted))
    if not documents:
        raise InputError("upload", "no file or text given: choose report files (.txt, .docx, .pdf, .html, .doc, .wps), or paste a report")
    reports = label_reports(model, documents, explain=explain)
    page, csv, jsonl = io.StringIO(), io.StringIO(), io.StringIO()
    write_html(reports, page)
    for number, report in enumerate(reports):
        write_csv(report, csv, header=number == 0, explain=bool(explain))
        write_jsonl(report, jsonl)
    return {"reports": [{"file": report.name, "summary": report.summary, "untouched": report.untouched,
                         "paragraphs": [p.to_dict(report.name) for p in report.paragraphs]}
                        for report in reports],
            "html": page.getvalue(), "csv": csv.getvalue(), "jsonl": jsonl.getvalue()}


def create_app(model=None, max_upload_mb: float = 20, workers: int = 1, model_path: str | None = None,
               trust_pickle: bool = False):
    """The Starlette app: ``/`` (the page), ``POST /api/label``, ``GET /api/health``, ``GET /api/labels``.

    ``model`` is used as it is (else the one at ``model_path``, else the shipped one, loaded now,
    once).  At most ``workers`` requests are labelled at a time, on threads off the event loop;
    the others wait their turn.  A request body over ``max_upload_mb`` is refused with 413.
    """
    import anyio
    from starlette.applications import Starlette
    from starlette.responses import FileResponse, JSONResponse
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    from . import __version__
    from .html_report import label_colour
    from .read import COMMAND_LINE_INPUTS
    from .labels import CHINESE_NAMES

    if model is None:
        from .persist import load_model

        model = load_model(model_path, trust_pickle=trust_pickle)
    limit = int(max_upload_mb * _MB)
    labels = [str(label) for label in model.classes_]
    # One model, scored on at most ``workers`` threads at once: anyio queues the rest.  One is the
    # default: on a GIL-bound process more threads add no speed, and one never shares the model.
    limiter = anyio.CapacityLimiter(workers)

    def answer(body, status=200):
        return JSONResponse(body, status_code=status, headers=_HEADERS)

    def refuse(status, message):
        return answer({"error": message}, status)

    async def page(request):
        return FileResponse(os.path.join(STATIC, "index.html"), headers=_HEADERS)

    async def health(request):
        return answer({"status": "ok", "version": __version__, "labels": labels,
                       "max_upload_mb": max_upload_mb})

    async def label_set(request):
        return answer({"labels": [{"label": label, "name": CHINESE_NAMES.get(label, label),
                                   "colour": label_colour(label)} for label in labels]})

    async def label(request):
        from starlette.requests import Request

        too_large = f"the upload is larger than the limit of {max_upload_mb:g} MB (--max-upload-mb)"
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            return refuse(413, too_large)
        counted = Request(request.scope, _limited(request.receive, limit))
        try:
            async with counted.form(max_files=1000, max_fields=1000, max_part_size=limit) as form:
                explain = _explain_count(form.get("explain"))
                if len(form.getlist("text")) > 1:
                    raise InputError("text", "is given more than once: send one pasted text (or files)")
                pasted = form.get("text")
                if pasted is not None and not isinstance(pasted, str):
                    raise InputError("text", "must be a text field, not a file")
                uploads = []
                for upload in form.getlist("files"):
                    if isinstance(upload, str):
                        raise InputError("files", "must be files, not text: send pasted text as the field text")
                    uploads.append((_upload_name(upload.filename), await upload.read()))
        except _TooLarge:
            return refuse(413, too_large)
        except InputError as err:
            return refuse(400, str(err))
        except Exception as err:  # a malformed multipart body: Starlette says what
            if type(err).__name__ in ("MultiPartException", "HTTPException"):
                return refuse(400, f"upload: {getattr(err, 'message', None) or getattr(err, 'detail', err)}")
            raise
        uploads = list(zip(_distinct_names([name for name, _ in uploads]), (data for _, data in uploads)))
        try:
            result = await anyio.to_thread.run_sync(label_uploads, model, uploads, pasted, explain,
                                                    limiter=limiter)
        except InputError as err:  # what the command line also takes is no help on the page
            return refuse(400, str(err).replace(COMMAND_LINE_INPUTS, ""))
        return answer(result)

    async def no_icon(request):  # browsers ask for one: an empty answer, not a 404 in the log
        from starlette.responses import Response

        return Response(status_code=204)

    routes = [
        Route("/", page),
        Route("/api/health", health),
        Route("/api/labels", label_set),
        Route("/api/label", label, methods=["POST"]),
        Route("/favicon.ico", no_icon),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes)
    app.state.model = model
    return app
