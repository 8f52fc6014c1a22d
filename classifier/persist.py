"""Save and load models as data only: a zip of ``model.json`` and ``.npy`` arrays, never a pickle.

Why not pickle (joblib): unpickling a file runs whatever code the file names, and model files
travel between offices.  Why not skops: it still stores a pickle-like object graph and trusts a
list of types, and scikit-learn's TF-IDF vectorizer holds our tokenizing function, which skops
would have to be told to trust by name.  Our model is a few vocabularies, idf vectors and
coefficients: stored as JSON lists and ``numpy.load(..., allow_pickle=False)`` arrays, loading
creates the estimators itself from checked values, so nothing in the file is ever executed.

Layout (``FORMAT`` version ``VERSION``): ``model.json`` (parameters, class labels, vocabularies
in column order, block layout, training metadata) and, per TF-IDF block, ``<block>.idf.npy``,
plus ``coef.npy`` and ``intercept.npy``.  Old joblib models load only with ``trust_pickle``.
"""
from __future__ import annotations

import hashlib
import inspect
import io
import json
import os
import re
import struct
import zipfile
import zlib

import numpy as np

from .errors import InputError
from .files import atomic_writer

__all__ = ["save_model", "load_model", "load_model_with_metadata", "default_model_path", "model_info",
           "format_model_info", "file_sha256", "model_bytes", "FORMAT", "VERSION", "EXTENSION", "PICKLE_FORMAT"]

FORMAT = "classifier.paragraph-model"
VERSION = 2  # version 1 was the joblib pickle below
PICKLE_FORMAT = "classifier.paragraph-model/1"  # the tag inside an old joblib model
EXTENSION = ".model"

MAX_FILE_BYTES = 256 << 20
MAX_MEMBER_BYTES = 512 << 20  # uncompressed, as the archive declares it, checked before reading
MAX_TOTAL_BYTES = 1 << 30
MAX_MEMBERS = 16

# TF-IDF blocks in column order, each present when its vectorizer parameter is set.
_TFIDF_BLOCKS = (("words", None), ("chars", "char_ngram_range"), ("heading_words", "heading_weight"),
                 ("lead_words", "lead_weight"))
_TOP_FIELDS = {"format", "version", "libraries", "classifier", "vectorizer", "blocks", "linear",
               "classes", "fallback_label", "metadata"}
_REQUIRED = _TOP_FIELDS - {"libraries", "metadata"}
_FLOATS = (np.dtype("<f4"), np.dtype("<f8"))
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so one model gives one file byte for byte
_PICKLE_STARTS = (b"\x80", b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda", b"\x1f\x8b", b"BZh",
                  b"\xfd7zXZ", b"]\x00\x00", b"ZF")  # pickle, joblib's zlib/gzip/bz2/xz/lzma
_ANALYZERS = ("identity", "word", "char", "char_wb")


class _Refused(Exception):
    """Why a file is not a model; becomes ``InputError(path, reason)``."""


def default_model_path() -> str:
    """The shipped model: ``models/default.model`` beside the package (override: CLASSIFIER_MODEL)."""
    override = os.environ.get("CLASSIFIER_MODEL")
    if override:
        return override
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(os.path.dirname(here), "models", "default" + EXTENSION)


def file_sha256(path: str) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------- saving

def save_model(model, path: str, metadata: dict | None = None, force: bool = False) -> None:
    """Write a fitted ``model`` to ``path`` atomically in the data-only format; an existing file is
    replaced only with ``force``.  The same model and metadata always give the same bytes."""
    data = model_bytes(model, metadata)
    with atomic_writer(path, force, binary=True) as out:
        out.write(data)


def model_bytes(model, metadata: dict | None = None) -> bytes:
    """The bytes :func:`save_model` writes: a zip of ``model.json`` and ``.npy`` arrays."""
    document, arrays = _model_data(model, metadata or {})
    members = [("model.json", json.dumps(document, ensure_ascii=False, separators=(",", ":"),
                                         default=_plain_json).encode("utf-8"))]
    for name, array in arrays.items():
        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
        members.append((name, buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()


def _plain_json(value):
    """numpy scalars and arrays in metadata as plain JSON values."""
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    raise TypeError(f"metadata value {value!r} of type {type(value).__name__} cannot be saved as JSON")


def _model_data(model, metadata):
    """(model.json as a dict, {member name: array}) of a fitted ParagraphClassifier."""
    if getattr(model, "tokenizer", None) is not None or getattr(
            getattr(model, "vectorizer_", None), "tokenizer", None) is not None:
        raise ValueError("a model with a custom tokenizer cannot be saved: a function is code, and "
                         "model files hold only data")
    if not hasattr(model, "linear_"):
        raise ValueError("only a fitted model can be saved")
    import sklearn

    vectorizer, linear = model.vectorizer_, model.linear_
    blocks, arrays = [], {}
    for name, _ in _expected_tfidf(vectorizer.get_params()):
        tfidf = getattr(vectorizer, name + "_")
        vocabulary = [None] * len(tfidf.vocabulary_)
        for term, column in tfidf.vocabulary_.items():
            vocabulary[column] = term
        blocks.append({"name": name, "tfidf": _tfidf_params(tfidf), "vocabulary": vocabulary})
        arrays[f"{name}.idf.npy"] = tfidf.idf_
    if vectorizer.cue_weight:
        from .resources import cues

        blocks.append({"name": "cues", "areas": sorted(cues())})
    arrays["coef.npy"] = linear.coef_
    arrays["intercept.npy"] = linear.intercept_
    document = {
        "format": FORMAT, "version": VERSION,
        "libraries": {"numpy": np.__version__, "scikit-learn": sklearn.__version__},
        "classifier": {"params": _params(model)},
        "vectorizer": {"params": _params(vectorizer)},
        "blocks": blocks,
        "linear": {"params": _params(linear), "n_iter": np.asarray(linear.n_iter_).tolist()},
        "classes": [_label(label) for label in model.classes_],
    }
    document["fallback_label"] = _label(model.fallback_label_)
    document["metadata"] = metadata
    return document, arrays


def _label(label):
    """A class label as JSON: str or int (numpy's too)."""
    if isinstance(label, np.generic):
        label = label.item()
    if isinstance(label, bool) or not isinstance(label, (str, int)):
        raise ValueError(f"label {label!r} cannot be saved: labels are strings or integers")
    return label


def _params(estimator) -> dict:
    """An estimator's parameters as JSON values."""
    return _plain_params(estimator.get_params(deep=False), type(estimator).__name__)


def _tfidf_params(tfidf) -> dict:
    """A TF-IDF vectorizer's parameters as JSON values, our word analyzer as ``"identity"``."""
    from .vectorize import _identity

    params = dict(tfidf.get_params(deep=False))
    if params["analyzer"] is _identity:
        params["analyzer"] = "identity"
    params["dtype"] = np.dtype(params["dtype"]).name
    return _plain_params(params, "TF-IDF")


def _plain_params(params: dict, owner: str) -> dict:
    """Parameters with tuples as lists, in name order (a model fitted here and one loaded from a
    file list them in different orders: the same model gives the same bytes); a function among
    them cannot be saved."""
    plain = {}
    for name, value in sorted(params.items()):
        value = list(value) if isinstance(value, tuple) else value
        if not _is_plain(value):
            raise ValueError(f"{owner} parameter {name}={value!r} cannot be saved: model files hold only data")
        plain[name] = value
    return plain


def _is_plain(value) -> bool:
    """JSON data a parameter may hold: a scalar, a list of scalars, or {str: number} (class_weight)."""
    scalar = (type(None), bool, int, float, str)
    if isinstance(value, scalar):
        return True
    if isinstance(value, list):
        return all(isinstance(item, scalar) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool)
                   for k, v in value.items())
    return False


def _expected_tfidf(vectorizer_params: dict):
    """[(block name, parameter)] of the TF-IDF blocks a vectorizer with these parameters has."""
    return [(name, switch) for name, switch in _TFIDF_BLOCKS
            if switch is None or vectorizer_params.get(switch)]


# ---------------------------------------------------------------- loading

def load_model(path: str | None = None, trust_pickle: bool = False):
    """Load a model written by :func:`save_model`; without ``path``, the shipped default model.
    An old joblib (pickle) model loads only with ``trust_pickle``: opening it can run code."""
    model, _ = load_model_with_metadata(path, trust_pickle)
    return model


def load_model_with_metadata(path: str | None = None, trust_pickle: bool = False):
    """(model, training metadata) of a model file; see :func:`load_model`."""
    path = _existing_model_path(path)
    if trust_pickle and not _is_zip(path):
        return _load_pickle(path)
    document, arrays = _read(path, with_arrays=True)
    try:
        return _build(document, arrays), document.get("metadata", {})
    except _Refused as err:
        raise InputError(path, str(err)) from None


def _existing_model_path(path):
    shipped = path is None and not os.environ.get("CLASSIFIER_MODEL")
    if path is None:
        path = default_model_path()
    if os.path.isdir(path):
        raise InputError(path, "is a directory, expected a model file")
    if not os.path.exists(path):
        # models/ sits beside the package in a clone; `pip install .` copies the package alone.
        how = (f"; the default model is the clone's models/default{EXTENSION}: install from a clone "
               "with `pip install -e .`, or give a model file with --model (load_model(path) in Python)")
        raise InputError(path, "no such model file" + (how if shipped else ""))
    if not os.path.isfile(path):  # a FIFO or a device would block or never end
        raise InputError(path, "is not a regular file, expected a model file")
    return path


def _is_zip(path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(4) in (b"PK\x03\x04", b"PK\x05\x06")


def _load_pickle(path):
    """The old joblib format, exactly as earlier versions loaded it: only for trusted files."""
    import joblib

    try:
        payload = joblib.load(path)
    except Exception as err:  # joblib raises many kinds for a file that is not one of its own
        raise InputError(path, f"is not a classifier model ({type(err).__name__})") from None
    if not isinstance(payload, dict) or payload.get("format") != PICKLE_FORMAT:
        raise InputError(path, "is not a classifier model (unknown format)")
    model = payload.get("model")
    if not (hasattr(model, "classes_") and hasattr(model, "predict_report_proba")):
        raise InputError(path, "is not a classifier model (no fitted model inside)")
    return model, payload.get("metadata", {})


def _read(path, with_arrays):
    """(checked model.json, {member: array}) of a model archive, or InputError naming ``path``."""
    try:
        return _read_archive(path, with_arrays)
    except _Refused as err:
        raise InputError(path, str(err)) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as err:
        raise InputError(path, f"is a damaged model archive ({err})") from None
    except OSError as err:
        raise InputError(path, f"cannot be read ({err.strerror or err})") from None


def _read_archive(path, with_arrays):
    size = os.path.getsize(path)
    if size == 0:
        raise _Refused("is empty, not a classifier model")
    if size > MAX_FILE_BYTES:
        raise _Refused(f"is {size} bytes, over the {MAX_FILE_BYTES >> 20} MiB a model file may have")
    with open(path, "rb") as handle:
        start = handle.read(8)
        if start[:4] not in (b"PK\x03\x04", b"PK\x05\x06"):
            raise _Refused(_not_zip_reason(handle, start))
        _check_entry_count(handle, size)
        with zipfile.ZipFile(handle) as archive:
            infos = _checked_members(archive)
            document = _checked_document(_member(archive, infos, "model.json"))
            expected = {"model.json", *_array_names(document)}
            _check_names(infos, expected, expected, "member", "the model archive")
            arrays = {name: _array(name, _member(archive, infos, name))
                      for name in sorted(expected - {"model.json"})} if with_arrays else {}
    return document, arrays


def _not_zip_reason(handle, start) -> str:
    handle.seek(-1, os.SEEK_END)
    text_pickle = start[:1] in (b"c", b"(", b"]", b"}") and handle.read(1) == b"."  # protocols 0-1 end in STOP
    if start.startswith(_PICKLE_STARTS) or text_pickle:
        return ("is an old pickle model, which can run code when opened: not opened (--trust-pickle "
                "opens it, if you trust where the file came from)")
    return "is not a classifier model (not a zip archive)"


def _check_entry_count(handle, size):
    """Refuse an archive whose central directory announces too many members, before zipfile
    reads them all into memory."""
    tail = min(size, 65536 + 22)
    handle.seek(size - tail)
    data = handle.read(tail)
    end = data.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(data):
        raise _Refused("is a damaged model archive (no end of central directory)")
    entries = struct.unpack("<H", data[end + 10:end + 12])[0]
    if entries > MAX_MEMBERS:  # 0xFFFF (zip64) included: a model never needs it
        raise _Refused(f"is not a classifier model: a zip of {entries} members, more than a model has "
                       f"(at most {MAX_MEMBERS})")
    handle.seek(0)


_SAFE_NAME = re.compile(r"[A-Za-z0-9_.-]+")


def _checked_members(archive) -> dict:
    """{name: ZipInfo}, after checking names, sizes, compression and encryption."""
    infos, total = {}, 0
    for info in archive.infolist():
        name = info.filename
        if not _SAFE_NAME.fullmatch(name) or name.startswith(".") or ".." in name:
            raise _Refused(f"member name {name!r} is not a plain file name (path tricks?)")
        if name in infos:
            raise _Refused(f"member {name!r} appears twice in the model archive (tampered?)")
        if info.flag_bits & 0x1:
            raise _Refused(f"member {name!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _Refused(f"member {name!r} uses an unsupported compression")
        if info.file_size > MAX_MEMBER_BYTES:
            raise _Refused(f"member {name!r} declares {info.file_size} bytes uncompressed, over the "
                           f"{MAX_MEMBER_BYTES >> 20} MiB limit (a zip bomb?)")
        total += info.file_size
        infos[name] = info
    if total > MAX_TOTAL_BYTES:
        raise _Refused(f"members declare {total} bytes uncompressed, over the "
                       f"{MAX_TOTAL_BYTES >> 20} MiB limit (a zip bomb?)")
    if "model.json" not in infos:
        raise _Refused("is not a classifier model (no model.json in the archive)")
    return infos


def _member(archive, infos, name) -> bytes:
    info = infos[name]
    with archive.open(info) as stream:
        data = stream.read(info.file_size + 1)  # never more than declared (and checked)
    if len(data) != info.file_size:
        raise _Refused(f"member {name!r} is not the size the archive declares (tampered?)")
    return data


def _checked_document(data: bytes) -> dict:
    """model.json parsed and its structure checked (not yet its parameters' meaning)."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise _Refused(f"model.json is not valid JSON ({type(err).__name__})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _Refused("is not a classifier model (model.json names another format)")
    version = document.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise _Refused("model.json has no format version")
    if version > VERSION:
        raise _Refused(f"was written by a newer classifier (model format version {version}; this "
                       f"one reads up to {VERSION}): upgrade classifier to read it")
    if version < VERSION:
        raise _Refused(f"model format version {version} is not a data-only format")
    _check_names(document, _TOP_FIELDS, _REQUIRED, "field", "model.json")
    _expect(document, "classifier", dict, {"params"})
    _expect(document, "vectorizer", dict, {"params"})
    _expect(document, "linear", dict, {"params", "n_iter"})
    for where in ("classifier", "vectorizer", "linear"):
        params = document[where]["params"]
        if not isinstance(params, dict) or not all(_is_plain(v) for v in params.values()):
            raise _Refused(f"{where} parameters in model.json are not plain values")
    if not isinstance(document.get("metadata", {}), dict):
        raise _Refused("metadata in model.json is not an object")
    libraries = document.get("libraries", {})
    if not isinstance(libraries, dict) or not all(isinstance(v, str) for v in libraries.values()):
        raise _Refused("libraries in model.json are not name: version pairs")
    classes = document["classes"]
    if (not isinstance(classes, list) or len(classes) < 2 or len(set(map(repr, classes))) != len(classes)
            or not all(isinstance(c, (str, int)) and not isinstance(c, bool) for c in classes)):
        raise _Refused("classes in model.json are not two or more distinct labels")
    if document["fallback_label"] not in classes:
        raise _Refused("the fallback label in model.json is not one of its classes")
    _check_blocks(document)
    return document


def _check_names(found, allowed, required, kind, where):
    """Refuse a name outside ``allowed`` or a ``required`` one absent, naming the first."""
    unknown = sorted(set(found) - set(allowed))
    if unknown:
        raise _Refused(f"unknown {kind} {unknown[0]!r} in {where}")
    missing = sorted(set(required) - set(found))
    if missing:
        raise _Refused(f"missing {kind} {missing[0]!r} in {where}")


def _expect(document, field, kind, keys):
    value = document[field]
    if not isinstance(value, kind) or set(value) != keys:
        raise _Refused(f"field {field!r} in model.json does not have exactly {sorted(keys)}")


def _check_blocks(document):
    blocks = document["blocks"]
    names = [name for name, _ in _expected_tfidf(document["vectorizer"]["params"])]
    if document["vectorizer"]["params"].get("cue_weight"):
        names.append("cues")
    if not isinstance(blocks, list) or [b.get("name") if isinstance(b, dict) else None for b in blocks] != names:
        raise _Refused(f"the feature blocks in model.json are not the ones its parameters make ({', '.join(names)})")
    for block in blocks:
        if block["name"] == "cues":
            if set(block) != {"name", "areas"} or not isinstance(block["areas"], list) or not all(
                    isinstance(area, str) for area in block["areas"]):
                raise _Refused("the cue block in model.json is malformed")
            continue
        if set(block) != {"name", "tfidf", "vocabulary"}:
            raise _Refused(f"block {block['name']!r} in model.json does not have exactly name, tfidf, vocabulary")
        vocabulary = block["vocabulary"]
        if (not isinstance(vocabulary, list) or not all(isinstance(term, str) for term in vocabulary)
                or len(set(vocabulary)) != len(vocabulary)):
            raise _Refused(f"the vocabulary of block {block['name']!r} is not a list of distinct strings")
        if not isinstance(block["tfidf"], dict) or not all(_is_plain(v) for v in block["tfidf"].values()):
            raise _Refused(f"the TF-IDF parameters of block {block['name']!r} are not plain values")


def _array_names(document) -> list:
    return [f"{block['name']}.idf.npy" for block in document["blocks"] if block["name"] != "cues"] + [
        "coef.npy", "intercept.npy"]


def _array(name, data: bytes):
    """A float array from .npy bytes; object arrays and pickles are refused by numpy itself."""
    try:
        array = np.load(io.BytesIO(data), allow_pickle=False)
    except (ValueError, OSError, EOFError) as err:
        raise _Refused(f"member {name!r} is not a plain numeric array ({err})") from None
    if not isinstance(array, np.ndarray) or array.dtype not in _FLOATS:
        raise _Refused(f"member {name!r} holds {getattr(array, 'dtype', 'no')} values, expected float32 or float64")
    if not np.isfinite(array).all():
        raise _Refused(f"member {name!r} holds values that are not finite")
    return array


def _build(document, arrays):
    """A fitted ParagraphClassifier from checked data: every object made here, none read; its
    fitted parts are numpy's (:mod:`fitted`), so that loading and predicting import no scikit-learn."""
    from .fitted import FittedLogistic
    from .model import ParagraphClassifier
    from .vectorize import ParagraphVectorizer

    model = _construct(ParagraphClassifier, document["classifier"]["params"], "classifier")
    vectorizer = _construct(ParagraphVectorizer, document["vectorizer"]["params"], "vectorizer")
    columns = 0
    for block in document["blocks"]:
        if block["name"] == "cues":
            from .resources import cues

            if block["areas"] != sorted(cues()):
                raise _Refused("its cue areas are not the ones in this version's resources/cues.tsv")
            columns += 3 * len(block["areas"])
            continue
        tfidf = _tfidf(block, arrays[f"{block['name']}.idf.npy"])
        setattr(vectorizer, block["name"] + "_", tfidf)
        columns += len(block["vocabulary"])
    classes = np.asarray(document["classes"], dtype=object)
    coef, intercept = arrays["coef.npy"], arrays["intercept.npy"]
    rows = 1 if len(classes) == 2 else len(classes)
    if coef.shape != (rows, columns) or intercept.shape != (rows,):
        raise _Refused(f"coefficients of shape {coef.shape} and intercepts of shape {intercept.shape} "
                       f"do not fit {len(classes)} classes and {columns} features")
    n_iter = document["linear"]["n_iter"]
    if not (isinstance(n_iter, list) and all(isinstance(n, int) and not isinstance(n, bool) for n in n_iter)):
        raise _Refused("n_iter in model.json is not a list of integers")
    # The linear model's parameters are a record of its fit: predicting reads the arrays alone.
    linear = FittedLogistic(classes, coef, intercept, document["linear"]["params"], n_iter)
    model.vectorizer_, model.linear_, model.classes_ = vectorizer, linear, classes
    model.fallback_label_ = document["fallback_label"]
    return model


def _construct(kind, params, what):
    """``kind(**params)``, each name one of its parameters; tuples back from JSON lists."""
    signature = inspect.signature(kind.__init__).parameters
    unknown = sorted(set(params) - set(signature) - {"self"})
    if unknown:
        raise _Refused(f"unknown {what} parameter {unknown[0]!r} in model.json")
    if params.get("tokenizer") is not None:
        raise _Refused(f"{what} parameter 'tokenizer' in model.json is not empty")
    values = {name: tuple(value) if isinstance(signature[name].default, tuple) and isinstance(value, list)
              else value for name, value in params.items()}
    try:
        return kind(**values)
    except (TypeError, ValueError) as err:
        raise _Refused(f"{what} parameters in model.json are not valid ({err})") from None


def _tfidf(block, idf):
    """A fitted TF-IDF vectorizer (:class:`fitted.FittedTfidf`) from a vocabulary in column order
    and its idf vector."""
    from .fitted import FittedTfidf
    from .vectorize import _identity

    params = dict(block["tfidf"])
    analyzer = params.get("analyzer")
    if analyzer not in _ANALYZERS:
        raise _Refused(f"block {block['name']!r} has an unknown analyzer {analyzer!r}")
    params["analyzer"] = _identity if analyzer == "identity" else analyzer
    if params.get("dtype") not in ("float32", "float64"):
        raise _Refused(f"block {block['name']!r} has dtype {params.get('dtype')!r}, expected float32 or float64")
    params["dtype"] = np.dtype(params["dtype"]).type
    for name in ("preprocessor", "tokenizer", "vocabulary", "stop_words"):
        if params.get(name) is not None:
            raise _Refused(f"block {block['name']!r} has a {name}, which a data-only model cannot hold")
    if params.get("input", "content") != "content":
        raise _Refused(f"block {block['name']!r} reads {params['input']!r}; a model reads text only")
    if isinstance(params.get("ngram_range"), list):
        params["ngram_range"] = tuple(params["ngram_range"])
    vocabulary = {term: column for column, term in enumerate(block["vocabulary"])}
    try:
        return FittedTfidf(params, vocabulary, idf)
    except ValueError as err:  # an unknown parameter, an idf vector that does not fit
        raise _Refused(f"block {block['name']!r} in model.json is not valid: {err}") from None


# ---------------------------------------------------------------- the card

def model_info(path: str | None = None) -> dict:
    """The essentials of a model file's card, from model.json alone: no estimator is built."""
    path = _existing_model_path(path)
    document, _ = _read(path, with_arrays=False)
    metadata = document.get("metadata", {})
    data = metadata.get("data", {}) if isinstance(metadata.get("data"), dict) else {}
    scores, folds = {}, {}
    cross_validation = metadata.get("cross_validation")
    if isinstance(cross_validation, dict):
        for kind, result in cross_validation.items():
            if isinstance(result, dict) and "macro_f1" in result:
                scores[kind] = {key: result[key] for key in ("macro_f1", "accuracy", "n") if key in result}
        folds = {key: cross_validation[key] for key in ("folds", "repeats", "groups") if key in cross_validation}
    return {
        "path": path, "sha256": file_sha256(path), "format": f"{document['format']}/{document['version']}",
        "labels": document["classes"], "fallback_label": document.get("fallback_label"),
        "trained": metadata.get("trained"), "seed": metadata.get("seed"), "command": metadata.get("command"),
        "data_files": data.get("files", {}), "paragraphs": data.get("paragraphs"),
        "documents": data.get("documents"), "environment": metadata.get("environment", {}),
        "libraries": document.get("libraries", {}), "cross_validation": scores,
        "cross_validation_setup": folds if scores else {},
        "params": document["classifier"]["params"],
    }


def format_model_info(info: dict) -> str:
    """:func:`model_info` as aligned lines for a terminal."""
    rows = [("model", info["path"]), ("sha256", info["sha256"]), ("format", info["format"])]
    labels = ", ".join(map(str, info["labels"]))
    if info.get("fallback_label") is not None:
        labels += f" (fallback: {info['fallback_label']})"
    rows.append(("labels", labels))
    if info.get("trained"):
        rows.append(("trained", str(info["trained"]) + (f", seed {info['seed']}" if info.get("seed") is not None else "")))
    if info.get("command"):
        rows.append(("command", str(info["command"])))
    for position, (name, digest) in enumerate(sorted(info.get("data_files", {}).items())):
        rows.append(("data" if position == 0 else "", f"{name}  sha256 {digest}"))
    if info.get("paragraphs") is not None:
        rows.append(("paragraphs", f"{info['paragraphs']}" + (
            f" from {info['documents']} documents" if info.get("documents") is not None else "")))
    environment = info.get("environment") or info.get("libraries") or {}
    if environment:
        rows.append(("libraries", ", ".join(f"{name} {version}" for name, version in environment.items())))
    setup = info.get("cross_validation_setup") or {}
    for position, (kind, result) in enumerate(info.get("cross_validation", {}).items()):
        scores = ", ".join(f"{key.replace('_', '-')} {value:.3f}" if isinstance(value, float) else f"{key} {value}"
                           for key, value in result.items())
        rows.append(("cross-validation" if position == 0 else "", f"{kind}: {scores}"))
    if setup:
        rows.append(("", ", ".join(f"{key} {value}" for key, value in setup.items())))
    if not info.get("cross_validation"):
        rows.append(("cross-validation", "none recorded"))
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}".rstrip() for name, value in rows)
