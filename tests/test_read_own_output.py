"""The tool's own output given back as a report: left out of a folder with a warning, refused by name."""
import pytest

REPORT = "一、理论学习\n我们组织党员干部深入学习党的创新理论，开展专题读书班和集中研讨。\n"


@pytest.mark.parametrize("out", ["out.txt", "out.html", "out.csv", "out.jsonl"])
def test_output_written_into_the_folder_is_skipped_then_refused_by_name(tmp_path, cli, out):
    (tmp_path / "report.txt").write_text(REPORT, encoding="utf-8")
    written = cli("predict", str(tmp_path), "--out", str(tmp_path / out))
    assert written.returncode == 0
    again = cli("predict", str(tmp_path), "--format", "jsonl")
    assert again.returncode == 0 and again.stdout.count("\n") == 2  # report.txt alone
    if out.endswith((".txt", ".html")):  # the kinds a folder holds for reports
        assert again.stderr.count("\n") == 1 and out in again.stderr and "own output" in again.stderr
    named = cli("predict", str(tmp_path / out))
    assert named.returncode == 2 and named.stderr.count("\n") == 1
    assert out in named.stderr and "this tool's own output" in named.stderr


def test_the_page_names_its_generator(tmp_path, cli):
    (tmp_path / "report.txt").write_text(REPORT, encoding="utf-8")
    cli("predict", str(tmp_path / "report.txt"), "--out", str(tmp_path / "page.html"))
    assert '<meta name="generator" content="classifier">' in (tmp_path / "page.html").read_text(encoding="utf-8")


def test_a_report_that_quotes_a_table_header_is_still_a_report(tmp_path, cli):
    (tmp_path / "report.txt").write_text("file,index,start\n" + REPORT, encoding="utf-8")
    assert cli("predict", str(tmp_path / "report.txt")).returncode == 0
