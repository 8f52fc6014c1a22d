"""Read old Word (.doc) and WPS (.wps) files through a converter on the machine: LibreOffice
(to .docx, then read as one) or, for .doc, antiword (to text)."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile

from .errors import InputError

__all__ = ["convert_office", "CONVERT_TIMEOUT"]

# Seconds a conversion may take: LibreOffice starts in a few, converts a report in one more.
CONVERT_TIMEOUT = 120
_INSTALL = {
    ".doc": "install LibreOffice (apt-get install libreoffice-writer) or antiword (apt-get install antiword)",
    ".wps": "install LibreOffice (apt-get install libreoffice-writer)",
}


def _office():
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_office(path: str, name: str):
    """``path`` (.doc or .wps) converted: ("docx", path of a .docx in a temporary folder the
    caller removes, that folder) with LibreOffice, or ("text", text, None) with antiword."""
    suffix = os.path.splitext(path)[1].lower()
    office = _office()
    if office:
        folder = tempfile.mkdtemp(prefix="classifier-convert-")
        try:
            # A profile of its own: a user's running LibreOffice (or another conversion) would
            # otherwise take the request or lock the profile.
            profile = "file://" + os.path.join(folder, "profile")
            output = os.path.join(folder, "out")
            _run([office, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                  "--convert-to", "docx:MS Word 2007 XML", "--outdir", output, os.path.abspath(path)], name, "LibreOffice")
            converted = os.path.join(output, os.path.splitext(os.path.basename(path))[0] + ".docx")
            if not os.path.exists(converted):
                raise InputError(name, f"LibreOffice could not convert this {suffix} file (damaged, or not a document?)")
            return "docx", converted, folder
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    antiword = shutil.which("antiword") if suffix == ".doc" else None
    if antiword:
        out = _run([antiword, "-m", "UTF-8.txt", "-w", "0", path], name, "antiword")
        return "text", out.decode("utf-8", errors="replace"), None
    raise InputError(name, f"reading {suffix} files needs a converter, and none is on this machine: {_INSTALL[suffix]}; "
                           "or save the file as .docx")


def _run(command: list, name: str, tool: str) -> bytes:
    """Run ``command`` in a process group of its own and return its output; on a timeout the whole
    group is killed (LibreOffice starts helpers), so a stuck converter neither hangs the tool nor stays."""
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, start_new_session=True)
    except OSError as err:
        raise InputError(name, f"{tool} could not be started ({err.strerror or err})") from None
    try:
        out, err = process.communicate(timeout=CONVERT_TIMEOUT)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise InputError(name, f"{tool} took more than {CONVERT_TIMEOUT} s to convert it and was stopped") from None
    except BaseException:  # Ctrl-C: leave no converter behind
        _kill_group(process)
        raise
    _kill_group(process)  # helpers a converter left behind when it exited
    if process.returncode != 0:
        message = err.decode("utf-8", errors="replace").strip().splitlines()
        detail = f": {message[-1][:100]}" if message else ""
        raise InputError(name, f"{tool} could not convert it (exit {process.returncode}{detail})")
    return out


def _kill_group(process) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.communicate()
