"""label_frame (pandas) and predict --out x.parquet give the values of predict --format jsonl."""
import json
import math
import os
import sys

import pytest

from conftest import FIXTURE_DOCS

REPORT = ("宣传思想工作总结\n一、加强理论武装\n组织中心组专题学习十二次，开展理论宣讲进基层。\n"
          "二、繁荣文艺创作\n举办文艺演出六场，创作歌曲三首。\n")


def jsonl_rows(cli, paths):
    result = cli("predict", "--format", "jsonl", *paths)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def plain(value):
    """A value read back from pandas as JSON has it: NaN/None → None, numpy numbers → Python."""
    if value is None or repr(value) == "<NA>" or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value.item() if hasattr(value, "item") else value


def test_label_frame_gives_the_rows_predict_gives(cli, tmp_path, default_model):
    pandas = pytest.importorskip("pandas", reason="pip install 'classifier[parquet]'")
    from classifier import label_frame

    path = tmp_path / "r.txt"
    path.write_text(REPORT, encoding="utf-8")
    frame = pandas.DataFrame({"doc": [7, 9], "body": [REPORT, "无关的一句话。"]})
    result = label_frame(frame, text="body", model=default_model)
    assert list(result.columns) == ["doc", "index", "start", "end", "text", "heading", "label", "label2",
                                    "confidence"]
    expected = jsonl_rows(cli, [path])
    mine = result[result["doc"] == 7].to_dict("records")
    assert len(mine) == len(expected) > 3
    for row, line in zip(mine, expected):
        assert {k: plain(v) for k, v in row.items() if k != "doc"} == {k: line[k] for k in row if k != "doc"}
        assert REPORT[row["start"]:row["end"]] == row["text"]
    assert result["doc"].tolist().count(9) == 1 and str(result["doc"].dtype) == "int64"
    assert len(label_frame(frame.iloc[:0], text="body", model=default_model)) == 0


def test_label_frame_refuses_a_missing_column_and_non_text(default_model):
    pandas = pytest.importorskip("pandas", reason="pip install 'classifier[parquet]'")
    from classifier import label_frame

    with pytest.raises(KeyError, match="no column 'text'"):
        label_frame(pandas.DataFrame({"doc": [1], "body": ["x"]}), model=default_model)
    with pytest.raises(TypeError, match="report 2 is float"):
        label_frame(pandas.DataFrame({"doc": [1, 2], "text": ["文字", None]}), model=default_model)


def test_label_frame_refuses_ids_that_do_not_tell_reports_apart_and_warns_of_empty_texts(default_model):
    pandas = pytest.importorskip("pandas", reason="pip install 'classifier[parquet]'")
    from classifier import label_frame

    with pytest.raises(ValueError, match="report 1 .* has no 'doc'"):
        label_frame(pandas.DataFrame({"doc": ["a", None], "text": ["文字", "文字"]}), model=default_model)
    with pytest.raises(ValueError, match="'doc' 'a' names more than one report"):
        label_frame(pandas.DataFrame({"doc": ["a", "b", "a"], "text": ["文字"] * 3}), model=default_model)
    with pytest.warns(UserWarning, match="2 report\\(s\\) with no text, no rows for them: 'e', 'w'"):
        result = label_frame(pandas.DataFrame({"doc": ["e", "a", "w"], "text": ["", REPORT, " \n"]}),
                             model=default_model)
    assert set(result["doc"]) == {"a"}


def test_without_pandas_or_dask_the_error_says_what_to_install(monkeypatch):
    from classifier import label_frame
    from classifier.dask import label_dask

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"^classifier.label_frame needs pandas: pip install 'classifier\[parquet\]'$"):
        label_frame(object())
    monkeypatch.setitem(sys.modules, "dask.dataframe", None)
    with pytest.raises(ImportError, match=r"needs dask: pip install 'classifier\[dask\]'$"):
        label_dask(object())


def test_predict_out_parquet_reads_back_to_the_jsonl_rows(cli, tmp_path):
    pandas = pytest.importorskip("pandas", reason="pip install 'classifier[parquet]'")
    paths = sorted(os.path.join(FIXTURE_DOCS, name) for name in os.listdir(FIXTURE_DOCS))[:3]
    out = tmp_path / "labels.parquet"
    result = cli("predict", "--out", out, *paths)
    assert result.returncode == 0, result.stderr
    rows = [{k: plain(v) for k, v in row.items()} for row in pandas.read_parquet(out).to_dict("records")]
    expected = jsonl_rows(cli, paths)
    assert rows == expected and len(rows) > 10
    assert list(pandas.read_parquet(out).columns) == list(expected[0])


def test_parquet_needs_a_file_and_pyarrow(cli, tmp_path, monkeypatch):
    path = tmp_path / "r.txt"
    path.write_text(REPORT, encoding="utf-8")
    result = cli("predict", "--format", "parquet", path)
    assert result.returncode == 2 and "--out labels.parquet" in result.stderr
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    result = cli("predict", "--out", tmp_path / "x.parquet", path)
    assert result.returncode == 2 and "pip install 'classifier[parquet]'" in result.stderr
    assert not (tmp_path / "x.parquet").exists()
