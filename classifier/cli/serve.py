"""``classifier serve``: the web page for people who do not use a terminal (:mod:`classifier.serve`)."""
from __future__ import annotations

import argparse
import socket
import sys

from ..errors import InputError
from ._shared import PROG, add_model_options, positive_int, say

# Addresses only this computer can reach: binding elsewhere opens the page to the network.
_LOCAL = ("127.0.0.1", "localhost", "::1")
_NEEDS = ("needs starlette, uvicorn and python-multipart: pip install -e '.[serve]' in the clone "
          "(or pip install starlette uvicorn python-multipart)")


def _megabytes(value):
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of megabytes") from None
    if not number > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {value}")
    return number


def _port(value):
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"must be 0 to 65535, not {number}")
    return number


def add_parser(subparsers) -> None:
    """The ``serve`` command's arguments."""
    serve = subparsers.add_parser(
        "serve", help="a web page to label reports in a browser",
        description="Start a web page on this computer where reports (.txt, .docx, .pdf, .html, .doc, .wps) can be uploaded or "
                    "pasted and come back labelled, with CSV and JSON Lines to download. Open the "
                    "address it prints in a browser; Ctrl-C stops it.")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1: this computer only; 0.0.0.0 opens "
                            "the page to every machine that can reach this one)")
    serve.add_argument("--port", type=_port, default=8000, help="port (default 8000; 0 picks a free one)")
    add_model_options(serve)
    serve.add_argument("--max-upload-mb", type=_megabytes, default=20, metavar="MB",
                       help="largest upload, all files together, in megabytes (default 20)")
    serve.add_argument("--workers", type=positive_int, default=1, metavar="N",
                       help="requests labelled at a time; the others wait their turn (default 1)")


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port``, or an InputError saying why not in one line."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as err:
        raise InputError(f"--host {host}", f"is not an address of this computer ({err.strerror})") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as err:
        sock.close()
        where = f"--port {port}" if err.errno in (98, 48, 10048) else f"--host {host}"  # EADDRINUSE
        raise InputError(where, f"cannot be used ({err.strerror or err}); "
                                f"try another port, or --port 0 for a free one") from None
    sock.listen(128)
    return sock


def run(args) -> int:
    """Load the model, listen, and serve until interrupted."""
    try:
        import python_multipart  # noqa: F401  (Starlette parses uploads with it)
        import starlette  # noqa: F401
        import uvicorn
    except ImportError:
        raise InputError("serve", _NEEDS) from None
    from ..serve import create_app
    from ..tokenize import tokenizer

    app = create_app(max_upload_mb=args.max_upload_mb, workers=args.workers, model_path=args.model,
                     trust_pickle=args.trust_pickle)
    tokenizer()  # the dictionary loaded now, not on the first upload
    sock = _listen(args.host, args.port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    if args.host not in _LOCAL:
        say(f"{PROG}: warning: listening on {args.host}: the page, and the reports people upload to it, "
            "can be reached from other machines; use the default --host 127.0.0.1 to keep it on this one")
        if host in ("0.0.0.0", "::"):
            shown = "127.0.0.1" if host == "0.0.0.0" else "[::1]"
    say(f"{PROG}: open http://{shown}:{port}/ in a browser (Ctrl-C stops the server)")
    sys.stderr.flush()
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0
