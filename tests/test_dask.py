"""classifier.dask.label_dask on a two-worker LocalCluster gives predict --format jsonl's labels."""
import json
import math
import os

import pytest

from conftest import DEFAULT_MODEL, DOCS


@pytest.mark.slow
def test_a_local_cluster_labels_the_shared_documents_as_predict_does(cli):
    dd = pytest.importorskip("dask.dataframe", reason="pip install 'classifier[dask]'")
    distributed = pytest.importorskip("distributed", reason="pip install 'classifier[dask]'")
    import pandas

    from classifier.dask import label_dask
    from classifier.read import read_document

    paths = sorted(os.path.join(DOCS, name) for name in os.listdir(DOCS) if name.endswith(".txt"))
    result = cli("predict", "--format", "jsonl", *paths)
    assert result.returncode == 0, result.stderr
    expected = [json.loads(line) for line in result.stdout.splitlines()]
    frame = pandas.DataFrame({"doc": paths, "text": [read_document(p).text for p in paths]})
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        labelled = label_dask(dd.from_pandas(frame, npartitions=6), model=DEFAULT_MODEL).compute()
    fields = ["index", "start", "end", "text", "heading", "label", "label2", "confidence"]

    def plain(value):
        return None if value is None or repr(value) == "<NA>" or (isinstance(value, float) and math.isnan(value)) \
            else value

    got = [[str(row["doc"])] + [plain(row[k]) for k in fields] for row in labelled.to_dict("records")]
    want = [[row["file"]] + [row[k] for k in fields] for row in expected]
    assert len(got) == len(want) > 1000
    assert sorted(got, key=lambda r: (r[0], r[1])) == want


def test_label_dask_checks_the_columns_and_the_model_file_at_once(tmp_path):
    """Before anything is computed: not later, from a worker's traceback."""
    pandas = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    from classifier.dask import label_dask
    from classifier.errors import InputError

    reports = dd.from_pandas(pandas.DataFrame({"doc": ["a"], "body": ["组织学习。"]}), npartitions=1)
    with pytest.raises(KeyError, match="no column 'text'"):
        label_dask(reports)
    missing = str(tmp_path / "missing.model")
    with pytest.raises(InputError, match="missing.model"):
        label_dask(reports, text="body", model=missing)
    not_a_model = tmp_path / "notes.model"
    not_a_model.write_text("not a model", encoding="utf-8")
    with pytest.raises(InputError, match="is not a classifier model"):
        label_dask(reports, text="body", model=str(not_a_model))
