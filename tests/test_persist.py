"""The data-only model format: round trips, the shipped model, and refusals of hostile files."""
import hashlib
import io
import json
import os
import pickle
import struct
import zipfile

import numpy as np
import pytest

from classifier import ParagraphClassifier, persist
from classifier.errors import InputError

from conftest import DEFAULT_MODEL, ROOT, run_cli, shared_paragraphs

# Short paragraphs written for these tests: three made-up areas.
OWN = [
    ("组织读书会，交流读书心得。", "reading"), ("开展读书分享，推荐好书十本。", "reading"),
    ("读书月活动吸引读者参与。", "reading"), ("举办读书沙龙，品读经典。", "reading"),
    ("开展消防演练，排查隐患。", "safety"), ("检查消防设施，整改隐患五处。", "safety"),
    ("组织安全培训，演练疏散。", "safety"), ("排查安全隐患，落实消防责任。", "safety"),
    ("社区合唱团排练新歌。", "music"), ("举办音乐会，合唱经典歌曲。", "music"),
    ("组织歌手演唱，排练合唱。", "music"), ("音乐节吸引居民参与演唱。", "music"),
]
PROBE = ["读书交流，分享心得。", "消防安全检查。", "合唱排练。", "未知的一段话。"]


class _Marker:
    """Unpickled, creates a file: what a hostile model file does, harmlessly."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return open, (self.path, "w")


@pytest.fixture(scope="module")
def small_model():
    return ParagraphClassifier(min_df=1, heading_weight=0.5, lead_weight=0.5).fit(
        [t for t, _ in OWN], [l for _, l in OWN], headings=["读书"] * 4 + ["安全"] * 4 + [None] * 4)


@pytest.fixture()
def saved(tmp_path, small_model):
    path = str(tmp_path / "small.model")
    persist.save_model(small_model, path, {"trained": "today", "seed": 0})
    return path


def _members(path):
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _rewrite(path, members, names=None):
    """Write ``members`` ({name: bytes}, or (name, bytes) pairs) as a zip at ``path``."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in (members.items() if isinstance(members, dict) else members):
            archive.writestr(name, data)


def _edit_json(path, edit):
    members = _members(path)
    document = json.loads(members["model.json"])
    edit(document)
    members["model.json"] = json.dumps(document, ensure_ascii=False).encode("utf-8")
    _rewrite(path, members)


def _npy(array, allow_pickle=False):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def _refused(path, *fragments):
    with pytest.raises(InputError) as caught:
        persist.load_model(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message, message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_round_trip_same_predictions_metadata_and_bytes(tmp_path, small_model, saved):
    model, metadata = persist.load_model_with_metadata(saved)
    assert metadata == {"trained": "today", "seed": 0}
    assert model.get_params() == small_model.get_params()
    headings = ["读书", None, "安全", None]
    assert np.array_equal(model.predict_report_proba(PROBE, headings=headings),
                          small_model.predict_report_proba(PROBE, headings=headings))
    assert model.explain(PROBE, headings=headings) == small_model.explain(PROBE, headings=headings)
    assert list(model.classes_) == ["music", "reading", "safety"]
    again = str(tmp_path / "again.model")
    persist.save_model(model, again, metadata)
    assert open(again, "rb").read() == open(saved, "rb").read()


def test_two_labels_round_trip(tmp_path):
    """Two classes: one row of coefficients."""
    two = ParagraphClassifier(min_df=1, cue_weight=0.0).fit([t for t, _ in OWN[:8]], [l for _, l in OWN[:8]])
    path = str(tmp_path / "two.model")
    persist.save_model(two, path)
    assert np.array_equal(persist.load_model(path).predict_proba(PROBE), two.predict_proba(PROBE))


def test_the_fallback_label_is_kept(tmp_path, small_model):
    path = str(tmp_path / "fallback.model")
    previous, small_model.fallback_label_ = small_model.fallback_label_, "music"
    try:
        persist.save_model(small_model, path)
    finally:
        small_model.fallback_label_ = previous
    assert persist.load_model(path).fallback_label_ == "music"
    assert persist.model_info(path)["fallback_label"] == "music"


def test_a_custom_tokenizer_cannot_be_saved(tmp_path, small_model):
    path = tmp_path / "tok.model"
    small_model.tokenizer = str.split
    try:
        with pytest.raises(ValueError, match="tokenizer"):
            persist.save_model(small_model, str(path))
    finally:
        small_model.tokenizer = None
    assert os.listdir(tmp_path) == []


def test_existing_file_needs_force(tmp_path, small_model, saved):
    with pytest.raises(InputError, match="already exists"):
        persist.save_model(small_model, saved)
    persist.save_model(small_model, saved, {"new": 1}, force=True)
    assert persist.load_model_with_metadata(saved)[1] == {"new": 1}


@pytest.mark.parametrize("how", ["joblib", "pickle", "pickle-protocol-0"])
def test_a_pickle_is_refused_without_running_it(tmp_path, how):
    marker = tmp_path / "ran"
    path = str(tmp_path / "shared.model")  # the extension says nothing: the content does
    payload = {"format": persist.PICKLE_FORMAT, "model": _Marker(str(marker))}
    if how == "joblib":
        import joblib

        joblib.dump(payload, path, compress=3)
    else:
        with open(path, "wb") as handle:
            pickle.dump(payload, handle, protocol=0 if how.endswith("0") else pickle.HIGHEST_PROTOCOL)
    _refused(path, "old pickle model", "run code", "--trust-pickle")
    with pytest.raises(InputError):
        persist.model_info(path)
    assert not marker.exists()
    # The file really is hostile: trusting it runs its code (and then it is no model).
    with pytest.raises(InputError, match="no fitted model"):
        persist.load_model(path, trust_pickle=True)
    assert marker.exists()


def test_the_command_refuses_a_hostile_model_in_one_line(tmp_path):
    import joblib

    marker = tmp_path / "ran"
    path = tmp_path / "model.joblib"
    joblib.dump({"format": persist.PICKLE_FORMAT, "model": _Marker(str(marker))}, path)
    example = os.path.join(ROOT, "examples", "town_report.txt")
    result = run_cli("predict", example, "--model", str(path))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert str(path) in result.stderr and "pickle" in result.stderr
    assert not marker.exists()


def test_trusted_old_joblib_model_loads_as_before(tmp_path, small_model):
    import joblib

    path = str(tmp_path / "old.joblib")
    joblib.dump({"format": persist.PICKLE_FORMAT, "model": small_model, "metadata": {"seed": 3}}, path)
    model, metadata = persist.load_model_with_metadata(path, trust_pickle=True)
    assert metadata == {"seed": 3}
    assert np.array_equal(model.predict_proba(PROBE), small_model.predict_proba(PROBE))


def test_not_a_zip_empty_and_not_a_regular_file(tmp_path):
    text = tmp_path / "notes.model"
    text.write_text("not a model", encoding="utf-8")
    _refused(str(text), "not a zip archive")
    empty = tmp_path / "empty.model"
    empty.write_bytes(b"")
    _refused(str(empty), "is empty")
    fifo = tmp_path / "pipe.model"
    os.mkfifo(fifo)
    _refused(str(fifo), "not a regular file")  # and does not block


def test_missing_file_directory_and_override(tmp_path, monkeypatch):
    _refused(str(tmp_path / "none.model"), "no such model file")
    _refused(str(tmp_path), "is a directory")
    monkeypatch.setenv("CLASSIFIER_MODEL", str(tmp_path / "elsewhere.model"))
    assert persist.default_model_path() == str(tmp_path / "elsewhere.model")
    with pytest.raises(InputError, match="no such model file$"):
        persist.load_model()
    monkeypatch.delenv("CLASSIFIER_MODEL")
    assert persist.default_model_path() == DEFAULT_MODEL


def test_a_tampered_member_is_refused(saved):
    data = bytearray(open(saved, "rb").read())
    start = data.index(b"coef.npy") + len(b"coef.npy") + 20  # inside the compressed array
    data[start] ^= 0xFF
    open(saved, "wb").write(bytes(data))
    _refused(saved, "damaged")


def test_unknown_and_missing_members_are_refused(saved):
    members = _members(saved)
    _rewrite(saved, {**members, "extra.npy": _npy(np.zeros(3))})
    _refused(saved, "unknown member 'extra.npy'")
    del members["coef.npy"]
    _rewrite(saved, members)
    _refused(saved, "missing member 'coef.npy'")


def test_duplicate_and_path_trick_member_names_are_refused(saved):
    members = _members(saved)
    with pytest.warns(UserWarning):
        _rewrite(saved, [*members.items(), ("coef.npy", members["coef.npy"])])
    _refused(saved, "appears twice")
    for name in ("../coef.npy", "/etc/coef.npy", "sub/coef.npy"):
        _rewrite(saved, [*members.items(), (name, b"")])
        _refused(saved, "path tricks")


def test_unknown_field_and_unknown_parameter_are_refused(saved):
    original = _members(saved)
    _edit_json(saved, lambda d: d.update(run="os.system('x')"))
    _refused(saved, "unknown field 'run'")
    _rewrite(saved, original)
    _edit_json(saved, lambda d: d["classifier"]["params"].update(hook="x"))
    _refused(saved, "unknown classifier parameter 'hook'")
    _rewrite(saved, original)
    _edit_json(saved, lambda d: d["blocks"][0]["tfidf"].update(analyzer="os.system"))
    _refused(saved, "unknown analyzer")
    _rewrite(saved, original)
    _edit_json(saved, lambda d: d["classifier"]["params"].update(C={"py/object": "os.system"}))
    _refused(saved, "not plain values")


def test_another_format_and_a_future_version_are_refused(saved):
    _edit_json(saved, lambda d: d.update(version=persist.VERSION + 1))
    _refused(saved, "newer classifier", f"version {persist.VERSION + 1}")
    _edit_json(saved, lambda d: d.update(format="something-else", version=persist.VERSION))
    _refused(saved, "another format")


def test_object_arrays_are_refused_without_unpickling(tmp_path, saved):
    marker = tmp_path / "ran"
    members = _members(saved)
    members["coef.npy"] = _npy(np.array([_Marker(str(marker))], dtype=object), allow_pickle=True)
    _rewrite(saved, members)
    _refused(saved, "coef.npy", "not a plain numeric array")
    assert not marker.exists()


@pytest.mark.parametrize("bad, why", [
    (lambda coef: coef.astype(np.int64), "expected float32 or float64"),
    (lambda coef: coef[:, :-1], "do not fit"),
    (lambda coef: np.where(coef == coef.flat[0], np.nan, coef), "not finite"),
])
def test_arrays_of_wrong_dtype_shape_or_values_are_refused(saved, bad, why):
    members = _members(saved)
    coef = np.load(io.BytesIO(members["coef.npy"]))
    members["coef.npy"] = _npy(bad(coef))
    _rewrite(saved, members)
    _refused(saved, why)


def test_a_huge_declared_size_is_refused_before_reading(saved):
    """A zip bomb announces its size in the central directory: that is checked first."""
    data = bytearray(open(saved, "rb").read())
    entry = data.index(b"PK\x01\x02")  # central directory entry of the first member
    data[entry + 24:entry + 28] = struct.pack("<I", 0xFFFFFFF0)  # its uncompressed size
    open(saved, "wb").write(bytes(data))
    _refused(saved, "zip bomb")


def test_too_many_members_are_refused(saved):
    _rewrite(saved, {f"m{i}.npy": b"" for i in range(persist.MAX_MEMBERS + 1)})
    _refused(saved, "is not a classifier model: a zip of 17 members")


def test_model_info_reads_the_card_without_building_a_model(monkeypatch, saved):
    def no_build(*args):
        raise AssertionError("model_info built an estimator")

    monkeypatch.setattr(persist, "_build", no_build)
    info = persist.model_info(saved)
    assert info["labels"] == ["music", "reading", "safety"]
    assert info["sha256"] == hashlib.sha256(open(saved, "rb").read()).hexdigest() == persist.file_sha256(saved)
    assert info["format"] == f"{persist.FORMAT}/{persist.VERSION}" and info["trained"] == "today"
    text = persist.format_model_info(info)
    assert "music, reading, safety" in text and info["sha256"] in text and "none recorded" in text


def test_model_info_of_the_shipped_model_has_its_card():
    info = persist.model_info(DEFAULT_MODEL)
    assert info["data_files"] and all(len(digest) == 64 for digest in info["data_files"].values())
    assert 0.5 < info["cross_validation"]["paragraph"]["macro_f1"] <= 1
    assert "scikit-learn" in info["environment"]
    text = persist.format_model_info(info)
    assert "macro-f1" in text and next(iter(info["data_files"].values())) in text


@pytest.mark.slow
def test_the_shipped_model_survives_a_save_and_load_exactly_on_every_shared_document(tmp_path):
    """Rebuilding the estimator from data gives the very numbers of the fitted one (when the
    format replaced the joblib pickle, the same test compared the two files: equal)."""
    old, metadata = persist.load_model_with_metadata(DEFAULT_MODEL)
    path = str(tmp_path / "again.model")
    persist.save_model(old, path, metadata)
    new, again = persist.load_model_with_metadata(path)
    assert again == metadata
    texts, headings, reports = shared_paragraphs()
    assert reports[-1] > 100 and len(texts) > 1000
    assert np.array_equal(new.predict_report_proba(texts, headings=headings, reports=reports),
                          old.predict_report_proba(texts, headings=headings, reports=reports))
    assert new.explain(texts[:200], headings=headings[:200]) == old.explain(texts[:200], headings=headings[:200])


def test_the_shipped_model_saved_again_is_the_same_bytes():
    """Its parameters are written in name order however the model came to hold them (fitted here
    or loaded): a model and its metadata give one file, whose SHA-256 the card can quote."""
    from classifier import persist
    from conftest import DEFAULT_MODEL

    model, metadata = persist.load_model_with_metadata(DEFAULT_MODEL)
    with open(DEFAULT_MODEL, "rb") as handle:
        assert persist.model_bytes(model, metadata) == handle.read()
