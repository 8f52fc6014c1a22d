"""The package: names imported on first use."""


def test_dir_lists_the_names_imported_on_first_use():
    import classifier

    listed = dir(classifier)
    assert set(classifier.__all__) <= set(listed)
    assert "__version__" in listed


def test_the_readme_python_example_runs(tmp_path, monkeypatch):
    """The README's "In Python" lines, run as written on files of our own."""
    import os
    import re

    import classifier

    with open(os.path.join(os.path.dirname(os.path.dirname(classifier.__file__)), "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    block = re.search(r"\n    from classifier import Document.*?\n\n", readme, re.S).group(0)
    code = "\n".join(line[4:] for line in block.strip("\n").splitlines())
    (tmp_path / "a.txt").write_text("一、加强理论学习\n组织党委中心组专题学习十二次。\n", encoding="utf-8")
    from docx import Document as Word

    word = Word()
    word.add_paragraph("二、繁荣文化事业")
    word.add_paragraph("举办文艺演出二十场，建设农家书屋。")
    word.save(str(tmp_path / "b.docx"))
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert [r.name for r in namespace["reports"]] == ["a.txt", "b.docx", "mine"]
    assert (tmp_path / "report.html").stat().st_size > 1000
