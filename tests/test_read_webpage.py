"""Saved web pages (.html, .htm): the visible text, a block a line, in the page's own charset."""
import pytest

from classifier.read import read_document

BODY = ["一、理论学习", "我们组织党员干部深入学习党的创新理论，开展专题读书班和集中研讨。",
        "二、文明创建", "全年举办道德讲堂二十场，评选表彰身边好人三十名。"]


def page(charset_meta='<meta charset="utf-8">', extra=""):
    return f"""<!DOCTYPE html><html><head>{charset_meta}<title>页面标题不显示</title>
<style>p {{ color: red }}</style><script>var shown = "脚本不显示";</script></head>
<body><div class="nav">首页 &gt; 工作总结</div>
<h1>{BODY[0]}</h1>
<p>{BODY[1][:10]}<b>{BODY[1][10:20]}</b>
{BODY[1][20:]}</p>
<div hidden>隐藏的段落</div><p style="color:red; display : none">样式隐藏</p><span aria-hidden="true">读屏隐藏</span>
<template><p>模板不显示</p></template><noscript>请启用脚本</noscript><!-- 注释不显示 -->
<h2>{BODY[2]}</h2><div>{BODY[3][:12]}<br>{BODY[3][12:]}</div>{extra}
</body></html>"""


def test_visible_text_a_block_a_line_hidden_parts_dropped(tmp_path):
    path = tmp_path / "report.html"
    path.write_text(page(), encoding="utf-8")
    lines = read_document(str(path)).text.split("\n")
    assert lines == ["首页 > 工作总结", BODY[0], BODY[1][:20] + " " + BODY[1][20:], BODY[2], BODY[3][:12], BODY[3][12:]]


@pytest.mark.parametrize("meta", ['<meta charset="gbk">',
                                  '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', ""])
def test_charset_from_the_meta_tag_or_detected(tmp_path, meta):
    path = tmp_path / "report.htm"
    path.write_bytes(page(meta).encode("gb18030"))
    document = read_document(str(path))
    assert BODY[0] in document.text and document.encoding == "gb18030"


def test_a_byte_order_mark_wins_over_a_wrong_meta(tmp_path):
    path = tmp_path / "report.html"
    path.write_bytes(b"\xef\xbb\xbf" + page('<meta charset="gbk">').encode("utf-8"))
    assert BODY[2] in read_document(str(path)).text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_a_utf16_or_utf32_page_with_its_byte_order_mark(tmp_path, codec):
    """UTF-32's little-endian mark begins with UTF-16's: it is looked for first."""
    import codecs

    marks = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
             "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}
    path = tmp_path / "report.html"
    path.write_bytes(marks[codec] + page('<meta charset="utf-8">').encode(codec))
    assert read_document(str(path)).text.split("\n")[1] == BODY[0]


def test_a_saved_page_is_labelled_like_web_copy(tmp_path, cli):
    (tmp_path / "a.html").write_text(page(), encoding="utf-8")
    (tmp_path / "b.txt").write_text("\n".join(BODY), encoding="utf-8")
    result = cli("predict", str(tmp_path), "--format", "jsonl")
    assert result.returncode == 0
    rows = [line for line in result.stdout.splitlines() if "a.html" in line]
    assert len(rows) == 6 and '"首页 > 工作总结"' in rows[0] and '"label": "other"' in rows[0]


@pytest.mark.parametrize("content", [b"", b"<html><body><script>x()</script></body></html>"])
def test_a_page_without_text_is_one_line_error(tmp_path, cli, content):
    path = tmp_path / "empty.html"
    path.write_bytes(content)
    result = cli("predict", str(path))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "empty.html" in result.stderr
