"""The command line: predict's contract on every shared document, its answers to bad input (run
in-process through ``main``; a few runs of ``python -m classifier`` check the real process), and
the shape of the ``classifier.cli`` package."""
import json
import os
import subprocess
import sys

import pytest

from conftest import DOCS, ROOT, doc_text, run_cli

EXAMPLE = os.path.join(ROOT, "examples", "town_report.txt")
LABELS = {"theory", "ideology", "media", "civilization", "culture", "other"}


@pytest.mark.slow
def test_jsonl_contract_holds_on_every_shared_document():
    names = sorted(os.listdir(DOCS))
    result = run_cli("predict", "--format", "jsonl", *[os.path.join(DOCS, n) for n in names])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    by_file = {}
    for row in rows:
        by_file.setdefault(row["file"], []).append(row)
    assert len(by_file) == len(names)
    for path, file_rows in by_file.items():
        text = doc_text(os.path.basename(path)[:-4])
        assert [r["index"] for r in file_rows] == list(range(len(file_rows)))
        for row in file_rows:
            assert {"file", "index", "start", "end", "text", "heading", "label", "confidence", "scores"} <= set(row)
            assert text[row["start"]:row["end"]] == row["text"]
            assert row["label"] in LABELS
            assert set(row["scores"]) == LABELS
            assert abs(sum(row["scores"].values()) - 1) < 0.01
            assert row["confidence"] == pytest.approx(max(row["scores"].values()), abs=1e-4)
            assert row["heading"] is None or isinstance(row["heading"], str)


def test_table_lists_paragraphs_and_the_summary(cli):
    result = cli("predict", EXAMPLE)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "理论学习" in out and "share of the report by area" in out
    lines = [line for line in out.splitlines() if line[:4].strip().isdigit()]
    with open(EXAMPLE, encoding="utf-8") as handle:
        jsonl = cli("predict", "--format", "jsonl", EXAMPLE).stdout.splitlines()
    assert len(lines) == len(jsonl) > 10


def test_example_report_areas_are_found(cli):
    """The shipped example names all five areas in its headings; the model must find each."""
    rows = [json.loads(line) for line in cli("predict", "--format", "jsonl", EXAMPLE).stdout.splitlines()]
    headings = {r["text"][:2]: r["label"] for r in rows if r["text"][:2] in ("一、", "二、", "三、", "四、", "五、")}
    assert headings == {"一、": "theory", "二、": "ideology", "三、": "media", "四、": "civilization",
                        "五、": "culture"}


def test_stdin_reads_like_a_file():
    with open(EXAMPLE, encoding="utf-8") as handle:
        text = handle.read()
    from_stdin = run_cli("predict", "--format", "jsonl", "-", stdin=text)
    from_file = run_cli("predict", "--format", "jsonl", EXAMPLE)
    strip = lambda out: [{k: v for k, v in json.loads(l).items() if k != "file"} for l in out.splitlines()]
    assert from_stdin.returncode == 0
    assert strip(from_stdin.stdout) == strip(from_file.stdout)
    assert json.loads(from_stdin.stdout.splitlines()[0])["file"] == "<stdin>"


def _assert_clean_error(result, *fragments):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_missing_file(tmp_path, cli):
    missing = str(tmp_path / "nope.txt")
    _assert_clean_error(cli("predict", missing), missing, "no such file")


@pytest.mark.parametrize("args", [("predict", "x.txt", "--out", ""), ("train", "x.jsonl", "--out", " "),
                                  ("predict", "x.txt", "--model", "")])
def test_an_empty_file_name_is_refused_in_one_line(cli, args):
    result = cli(*args)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"classifier {args[0]}: error: argument {args[2]}: an empty file name (see classifier {args[0]} --help)"]


def test_empty_file(tmp_path, cli):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    _assert_clean_error(cli("predict", str(path)), str(path), "empty")
    path.write_text(" \n\n\u3000\n", encoding="utf-8")
    _assert_clean_error(cli("predict", str(path)), str(path), "empty")


# White space and characters that show nothing: a file of only these holds no report.
INVISIBLE = " \t\n\u3000\xa0\u200b\u200c\u200d\u2060\ufeff"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030"])
def test_file_of_only_invisible_characters_is_empty(tmp_path, encoding, cli):
    from classifier import InputError, read_document

    path = tmp_path / "blank.txt"
    path.write_bytes((INVISIBLE * 3).encode(encoding))
    with pytest.raises(InputError, match="empty"):
        read_document(str(path))
    if encoding == "utf-8":
        _assert_clean_error(cli("predict", str(path)), str(path), "empty")
        _assert_clean_error(run_cli("predict", "-", stdin=INVISIBLE), "<stdin>", "empty")


def test_docx_of_only_invisible_characters_is_empty(tmp_path):
    import docx

    from classifier import InputError, read_document

    document = docx.Document()
    document.add_paragraph("\u200b\u2060")
    document.add_paragraph("\ufeff\u3000\xa0\u200c\u200d")
    document.save(tmp_path / "blank.docx")
    with pytest.raises(InputError, match="empty"):
        read_document(str(tmp_path / "blank.docx"))


def _run_with_open_stdin(*args, timeout=60):
    """Run ``python -m classifier`` with a standard input that stays open and empty: a command
    that reads it waits until ``timeout``, then fails the test."""
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-m", "classifier", *args], cwd=ROOT, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": ROOT})
    try:
        process.wait(timeout=timeout)  # stdin neither written nor closed meanwhile
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"{args} still waiting on standard input after {timeout} s")
    process.stdin.close()
    return subprocess.CompletedProcess(process.args, process.returncode, process.stdout.read(),
                                       process.stderr.read())


def test_stdin_named_twice_is_refused_before_reading(tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("一、理论学习\n组织党委中心组专题学习。\n", encoding="utf-8")
    for args in (["-", "-"], ["-", str(other), "-"]):
        result = _run_with_open_stdin("predict", *args)
        _assert_clean_error(result, "standard input", "once")
        assert result.returncode == 2 and result.stdout == ""


def test_binary_file(tmp_path, cli):
    path = tmp_path / "blob.txt"
    path.write_bytes(bytes(range(256)) * 8)
    _assert_clean_error(cli("predict", str(path)), str(path), "binary")


def test_undecodable_text(tmp_path, cli):
    path = tmp_path / "bad.txt"
    # Valid neither as UTF-8 nor as GB18030: a lead byte followed by an invalid trail byte.
    path.write_bytes("正文。".encode("utf-8") + b"\x81\x20\xff\xfe\x81")
    _assert_clean_error(cli("predict", str(path)), str(path), "offset")


def _docx_with_bad_number(path):
    """A Word file that opens but whose list counts from ``abc``: Word itself would refuse it."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="901"><w:lvl w:ilvl="0">'
                                  '<w:start w:val="abc"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>'
                                  '</w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="901"><w:abstractNumId w:val="901"/></w:num>'))
    number = document.add_paragraph("举办文艺演出。")._p.get_or_add_pPr().get_or_add_numPr()
    number.get_or_add_ilvl().val = 0
    number.get_or_add_numId().val = 901
    document.save(path)


def _folder_with_bad_files(root):
    """Two readable reports and five that cannot be read, in a folder and a subfolder."""
    (root / "sub").mkdir(parents=True)
    (root / "a_good.txt").write_text("一、理论学习\n组织党委中心组专题学习。\n", encoding="utf-8")
    (root / "sub" / "z_good.txt").write_bytes("二、文明创建\n开展志愿服务活动。\n".encode("gbk"))
    (root / "b_empty.txt").write_bytes(b"")
    (root / "c_blob.txt").write_bytes(bytes(range(256)) * 8)
    (root / "d_broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (root / "e_invisible.txt").write_text("\u200b\u3000\n", encoding="utf-8")
    _docx_with_bad_number(root / "f_bad_number.docx")
    return [str(root / "a_good.txt"), str(root / "sub" / "z_good.txt")], {
        str(root / "b_empty.txt"): "empty", str(root / "c_blob.txt"): "binary",
        str(root / "d_broken.docx"): "not a readable .docx", str(root / "e_invisible.txt"): "empty",
        str(root / "f_bad_number.docx"): "not a readable .docx"}


@pytest.mark.parametrize("out", [False, True])
def test_unreadable_files_in_a_folder_are_skipped_with_a_warning(tmp_path, out, cli):
    good, bad = _folder_with_bad_files(tmp_path / "reports")
    args = ["predict", "--format", "jsonl", str(tmp_path / "reports")]
    if out:
        args += ["--out", str(tmp_path / "labels.jsonl")]
    result = cli(*args)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == len(bad), result.stderr
    for line, (path, problem) in zip(warnings, sorted(bad.items())):
        assert path in line and problem in line and "skipped" in line, line
    rows = (tmp_path / "labels.jsonl").read_text(encoding="utf-8") if out else result.stdout
    files = [json.loads(line)["file"] for line in rows.splitlines()]
    assert sorted(set(files)) == good and files == sorted(files, key=good.index)


def test_a_folder_where_no_file_can_be_read_is_an_error(tmp_path, cli):
    _, bad = _folder_with_bad_files(tmp_path / "reports")
    for path in (tmp_path / "reports" / "a_good.txt", tmp_path / "reports" / "sub" / "z_good.txt"):
        path.unlink()
    result = cli("predict", str(tmp_path / "reports"))
    assert result.returncode == 2 and result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == len(bad) + 1
    assert str(tmp_path / "reports") in lines[-1] and "error" in lines[-1] and "could be read" in lines[-1]


def test_a_bad_file_named_directly_still_stops_the_batch(tmp_path, cli):
    good, bad = _folder_with_bad_files(tmp_path / "reports")
    empty = next(path for path, problem in bad.items() if path.endswith("b_empty.txt"))
    _assert_clean_error(cli("predict", good[0], empty), empty, "empty")


def test_directory_without_reports(tmp_path, cli):
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    _assert_clean_error(cli("predict", str(tmp_path)), str(tmp_path), "holds no report files")


@pytest.mark.parametrize("suffix", [".rtf", ".xls", ".png"])
def test_unsupported_kinds_are_refused(tmp_path, suffix, cli):
    path = tmp_path / f"report{suffix}"
    path.write_bytes(b"%PDF-1.4 whatever")
    _assert_clean_error(cli("predict", str(path)), str(path), "not supported", ".docx")


def test_model_that_is_not_a_model(tmp_path, cli):
    fake = tmp_path / "model.joblib"
    fake.write_text("not a model", encoding="utf-8")
    _assert_clean_error(cli("predict", EXAMPLE, "--model", str(fake)), str(fake), "not a classifier model")
    missing = str(tmp_path / "missing.joblib")
    _assert_clean_error(cli("predict", EXAMPLE, "--model", missing), missing, "no such model file")
    _assert_clean_error(cli("predict", EXAMPLE, "--model", str(tmp_path)), str(tmp_path), "directory")


def test_out_file_is_not_overwritten_without_force(tmp_path, cli):
    out = tmp_path / "result.jsonl"
    out.write_text("keep me", encoding="utf-8")
    _assert_clean_error(cli("predict", EXAMPLE, "--format", "jsonl", "--out", str(out)), str(out), "--force")
    assert out.read_text(encoding="utf-8") == "keep me"
    assert cli("predict", EXAMPLE, "--format", "jsonl", "--out", str(out), "--force").returncode == 0
    assert out.read_text(encoding="utf-8").startswith("{")


def test_usage_errors_exit_non_zero():
    assert run_cli().returncode == 2
    assert run_cli("predict", EXAMPLE, "--format", "xml").returncode == 2


@pytest.mark.parametrize("args", [["frobnicate"], ["train", "data.jsonl"], ["predict", "a.txt", "--width", "-3"],
                                  ["predict", "a.txt", "--format", "xml"]])
def test_usage_errors_are_one_line(args, capsys):
    from classifier.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(args)
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert len(err.strip().splitlines()) == 1 and "error:" in err and "--help" in err, err


def test_white_space_terms_of_an_explanation_can_be_seen():
    from classifier.output import explanation_text

    assert explanation_text([("c: ", 0.39), ("w:学习", 0.2)]) == "c:␠ +0.39, w:学习 +0.20"


SHORT_REPORT = "一、理论学习\n组织党委中心组专题学习。\n二、文明创建\n开展志愿服务活动。\n"


def test_out_that_is_an_input_is_refused_even_with_force(tmp_path, cli):
    report = tmp_path / "report.txt"
    report.write_text(SHORT_REPORT, encoding="utf-8")
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    inner = folder / "sub" / "inner.txt"
    inner.write_text(SHORT_REPORT, encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(report)
    cases = [([str(report)], str(report)),                       # the very file
             ([str(report)], str(tmp_path / "." / "report.txt")),  # spelled another way
             ([str(link)], str(report)), ([str(report)], str(link)),  # through a link
             ([EXAMPLE, str(folder)], str(inner))]               # a file of a folder given
    for inputs, out in cases:
        for format_args in ([], ["--format", "jsonl"]):
            result = cli("predict", *inputs, *format_args, "--out", out, "--force")
            _assert_clean_error(result, out, "input")
            assert result.returncode == 2
    assert report.read_text(encoding="utf-8") == SHORT_REPORT
    assert inner.read_text(encoding="utf-8") == SHORT_REPORT


def test_explain_without_a_number_before_the_files(tmp_path, cli):
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(SHORT_REPORT, encoding="utf-8")
    second.write_text("三、新闻宣传\n在县融媒体中心开设专栏。\n", encoding="utf-8")
    after = cli("predict", "--format", "jsonl", str(first), "--explain")
    assert after.returncode == 0, after.stderr
    before = cli("predict", "--format", "jsonl", "--explain", str(first))
    assert before.returncode == 0, before.stderr
    assert before.stdout == after.stdout
    rows = [json.loads(line) for line in before.stdout.splitlines()]
    assert all(1 <= len(row["explanation"]) <= 5 for row in rows)  # the default N, 5
    both = cli("predict", "--format", "jsonl", "--explain", str(first), str(second))
    assert both.returncode == 0, both.stderr
    assert [json.loads(line)["file"] for line in both.stdout.splitlines()] == \
        [str(first)] * len(rows) + [str(second)] * 2
    split = cli("predict", "--format", "jsonl", str(first), "--explain", str(second))
    assert split.stdout == both.stdout
    stdin = run_cli("predict", "--format", "jsonl", "--explain", "-", stdin=SHORT_REPORT)
    assert stdin.returncode == 0 and "explanation" in stdin.stdout
    two = cli("predict", "--format", "jsonl", "--explain", "2", str(first))  # a number is still N
    assert max(len(json.loads(line)["explanation"]) for line in two.stdout.splitlines()) == 2
    for args, said in ((["--explain", "0", str(first)], "1 or more"), (["--explain"], "FILE")):
        result = cli("predict", *args)  # usage errors: argparse's usage, then the error
        assert result.returncode == 2 and said in result.stderr.splitlines()[-1], result.stderr


def test_version():
    import classifier

    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"classifier {classifier.__version__}"


def test_out_that_cannot_be_replaced_is_named_not_the_temporary_file(tmp_path, cli):
    out = tmp_path / "labels.jsonl"
    out.write_text("keep me", encoding="utf-8")
    if subprocess.run(["chattr", "+i", str(out)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here (needs root and a file system that has it)")
    try:
        result = cli("predict", EXAMPLE, "--out", str(out), "--force")
    finally:
        subprocess.run(["chattr", "-i", str(out)], check=True)
    _assert_clean_error(result, str(out), "cannot be written")
    assert ".tmp-" not in result.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    assert os.listdir(tmp_path) == ["labels.jsonl"]  # no temporary file left behind


@pytest.mark.parametrize("where", ["replace", "write"])
def test_atomic_writer_names_the_users_file_when_it_fails(tmp_path, monkeypatch, where):
    import errno

    from classifier import files
    from classifier.errors import InputError

    out = tmp_path / "labels.csv"
    out.write_text("keep me", encoding="utf-8")

    def refuse(source, target):
        raise OSError(errno.EPERM, "Operation not permitted", source, None, target)

    monkeypatch.setattr(files.os, "replace", refuse)
    with pytest.raises(InputError) as caught:
        with files.atomic_writer(str(out), force=True) as stream:
            if where == "write":  # what a full disk does: an error that names no file
                raise OSError(errno.ENOSPC, "No space left on device")
            stream.write("new")
    assert str(caught.value).startswith(f"{out}: cannot be written (")
    assert ".tmp-" not in str(caught.value)
    assert out.read_text(encoding="utf-8") == "keep me" and os.listdir(tmp_path) == ["labels.csv"]


def test_missing_default_model_says_how_to_get_it(tmp_path):
    """Installed without the clone's models/ folder (pip install . copies only the package)."""
    import shutil

    shutil.copytree(os.path.join(ROOT, "classifier"), tmp_path / "site" / "classifier",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {k: v for k, v in os.environ.items() if k != "CLASSIFIER_MODEL"}
    result = subprocess.run([sys.executable, "-m", "classifier", "predict", EXAMPLE], capture_output=True,
                            text=True, cwd=tmp_path, env={**env, "PYTHONPATH": str(tmp_path / "site")})
    _assert_clean_error(result, "no such model file", "pip install -e .", "--model")


def test_help_is_cheap_and_the_commands_do_not_import_the_package_init():
    """--help imports neither scikit-learn nor jieba; a command module takes what it shares from
    ``_shared``, never from the package that imports it (no import cycle)."""
    code = ("import sys\nfrom classifier.cli import main\n"
            "for argv in (['--help'], ['predict', '--help'], ['train', '--help'], ['evaluate', '--help']):\n"
            "    try:\n        main(argv)\n    except SystemExit as exit:\n        assert exit.code == 0\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'jieba', 'numpy')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": ROOT})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    import ast

    folder = os.path.join(ROOT, "classifier", "cli")
    for name in os.listdir(folder):
        if name.endswith(".py") and name != "__init__.py":
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                tree = ast.parse(handle.read())
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.level == 1:
                    assert node.module, f"{name} imports the cli package itself"


def test_the_console_script_names_main_and_the_package_ships_the_cli():
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as handle:
        project = handle.read()
    assert 'classifier = "classifier.cli:main"' in project
    assert '"classifier.cli"' in project  # setuptools installs only the packages listed
    from classifier.cli import main

    assert callable(main)
