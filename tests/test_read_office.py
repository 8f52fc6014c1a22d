"""Old Word (.doc) and WPS (.wps) files, read through LibreOffice or antiword when one is installed;
refused in one line saying what to install when none is."""
import os
import shutil
import subprocess
import sys
import time

import pytest

from classifier import convert
from classifier.read import read_document

# Long enough for antiword, which refuses a document of a few sentences.
PARAGRAPHS = ["一、理论学习", "我们组织党员干部深入学习党的创新理论，开展专题读书班和集中研讨，全年举办读书班十二期。"
              "各支部坚持“三会一课”制度，把理论学习纳入年度考核。组建宣讲团深入村社开展宣讲八十场，受众一万余人次。",
              "二、文明创建", "全年举办道德讲堂二十场，评选表彰身边好人三十名，文明新风不断养成。"
              "深化新时代文明实践中心建设，组织志愿服务活动三百余场。推进移风易俗，修订村规民约四十份。",
              "三、文化惠民", "实施文化惠民工程，送戏下乡四十场，建成农家书屋和文化广场十二处。"
              "举办非遗展演六场，扶持群众文艺团队十五支，全年开展群众文化活动一百余场。"]
OFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def doc_file(tmp_path_factory):
    """A .doc that LibreOffice made from a .docx the test wrote (Word 97 format, as old Word saves)."""
    if not OFFICE:
        pytest.fail("LibreOffice is not installed: .ci/run installs libreoffice-writer-nogui")
    import docx

    folder = tmp_path_factory.mktemp("doc")
    document = docx.Document()
    for number, text in enumerate(PARAGRAPHS):
        (document.add_heading(text, 1) if number % 2 == 0 else document.add_paragraph(text))
    document.save(folder / "report.docx")
    subprocess.run([OFFICE, f"-env:UserInstallation=file://{folder}/profile", "--headless",
                    "--convert-to", "doc", "--outdir", str(folder / "out"), str(folder / "report.docx")],
                   check=True, capture_output=True, timeout=180)
    return folder / "out" / "report.doc"


def hide_converters(monkeypatch, keep=()):
    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: real(name, *a, **k) if name in keep else None)


@pytest.mark.slow  # LibreOffice starts in a few seconds a file
def test_a_doc_is_read_through_libreoffice(doc_file):
    document = read_document(str(doc_file))
    assert document.text.split("\n") == PARAGRAPHS and document.encoding == "doc"
    assert document.headings  # its Heading styles come through the .docx


@pytest.mark.slow
def test_a_wps_is_read_through_libreoffice(doc_file, tmp_path):
    # WPS Writer's .wps is Word's binary format under its own name; LibreOffice tells by content.
    wps = tmp_path / "report.wps"
    shutil.copy(doc_file, wps)
    assert read_document(str(wps)).text.split("\n") == PARAGRAPHS


@pytest.mark.slow
def test_a_doc_is_read_through_antiword_without_libreoffice(doc_file, monkeypatch):
    if not shutil.which("antiword"):
        pytest.fail("antiword is not installed: .ci/run installs it")
    hide_converters(monkeypatch, keep=("antiword",))
    document = read_document(str(doc_file))
    assert [line.strip() for line in document.text.split("\n") if line.strip()] == PARAGRAPHS


@pytest.mark.parametrize("suffix, install", [(".doc", "apt-get install antiword"), (".wps", "apt-get install libreoffice-writer")])
def test_without_a_converter_the_file_is_refused_saying_what_to_install(tmp_path, monkeypatch, cli, suffix, install):
    hide_converters(monkeypatch)
    path = tmp_path / ("old" + suffix)
    path.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(600))
    result = cli("predict", str(path))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert str(path) in result.stderr and install in result.stderr


def test_a_converter_that_hangs_is_stopped_with_its_children(tmp_path, monkeypatch):
    """A stand-in soffice that starts a child and sleeps: the timeout kills both, one error line."""
    fake = tmp_path / "soffice"
    pids = tmp_path / "pids"
    fake.write_text(f"#!{sys.executable}\nimport os, subprocess, time\n"
                    f"child = subprocess.Popen(['sleep', '60'])\n"
                    f"open({str(pids)!r}, 'w').write(f'{{os.getpid()}} {{child.pid}}')\n"
                    "time.sleep(60)\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(convert, "CONVERT_TIMEOUT", 2)
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(600))
    started = time.monotonic()
    with pytest.raises(convert.InputError, match="took more than 2 s"):
        read_document(str(path))
    assert time.monotonic() - started < 20
    for pid in map(int, pids.read_text().split()):
        for _ in range(50):
            if not _alive(pid):
                break
            time.sleep(0.1)
        assert not _alive(pid)


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"  # a zombie is gone, not yet reaped
    except FileNotFoundError:
        return False


def test_a_broken_doc_is_one_line_error(tmp_path, monkeypatch, cli):
    # antiword (when present) refuses it fast; LibreOffice is hidden to keep the test quick.
    if not shutil.which("antiword"):
        pytest.fail("antiword is not installed: .ci/run installs it")
    hide_converters(monkeypatch, keep=("antiword",))
    path = tmp_path / "broken.doc"
    path.write_bytes(b"not a word file at all")
    result = cli("predict", str(path))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "broken.doc" in result.stderr
