"""jieba word tokens for report paragraphs, quiet and with the domain dictionary loaded.

Tokenising is most of the cost of labelling a report, so this module does two things faster than
jieba does them itself, with the same result (``tests/test_tokenize.py`` and
``tests/test_jieba_mirror.py`` check it):

* the dictionary (jieba's prefix dictionary with ``resources/userdict.txt`` already added) is read
  from a cache file of our own in one piece.  ``marshal.loads`` over the file's bytes takes a third
  of the time of jieba's ``marshal.load`` on a file object, and the domain words need no adding.
  The cache lives in ``$CLASSIFIER_CACHE_DIR``, else ``$XDG_CACHE_HOME/classifier`` or
  ``~/.cache/classifier``, else the temporary folder; it is rebuilt when jieba, its dictionary or
  the domain dictionary change, and the tool works (slower) where none can be written.
* :func:`tokenize` cuts with :mod:`jieba_mirror`, jieba 0.42's accurate mode with HMM as one
  tight loop; any other jieba version uses ``Tokenizer.lcut``.
* once a process has tokenised :data:`FAST_AFTER` characters (a batch, never one report), or at
  once when a batch says it holds more (:func:`expect_files`), the runs jieba cuts with its word
  graph go through rjieba (jieba-rs) with the same dictionary when it is installed and gives the
  same tokens on a fixed check (:mod:`rjieba_path`), about three times as fast again.

The domain dictionary's force-split words (frequency 0) stay ours: jieba keeps such words in one
process-wide set, which this module leaves as it found it.  Nothing is loaded at import: jieba and
its dictionary come on first use.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import marshal
import os
import re
import sys
import tempfile
import threading

from .errors import InputError
from .files import atomic_writer

__all__ = ["tokenize", "tokenizer", "normalise", "cache_dir", "expect_characters", "expect_files"]

USER_DICT = os.path.join(os.path.dirname(__file__), "resources", "userdict.txt")
_CACHE_FORMAT = "classifier.jieba-prefix-dict/1"

_lock = threading.Lock()
_tokenizer = None
_cut = None  # text -> tokens with the loaded tokenizer, set before it
_loaded = None  # (instance, jieba, force-split words), for the rjieba cut
# Characters tokenised before the rjieba cut is tried (rjieba_path): its dictionary takes 0.3-0.5 s
# to load and saves about 1 µs a character, so only a batch pays for it, never one report.
FAST_AFTER = 400_000
_seen = 0
_fast_tried = False
# Digits, ASCII letters and placeholders (x, X, ____) carry no area: one token stands for all.
_NUMBER = re.compile(r"^[\d.%％,，]+$")
_SKIP = re.compile(r"^[\s\W_]+$")


def _import_jieba():
    """``import jieba`` without pkg_resources.

    jieba 0.42 imports pkg_resources only to find its own files and falls back to plain paths
    when that import fails; importing it costs a tenth of a second at every start (and a
    deprecation warning with recent setuptools)."""
    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    hide = "pkg_resources" not in sys.modules
    if hide:
        sys.modules["pkg_resources"] = None  # makes ``import pkg_resources`` raise ImportError
    try:
        import jieba
    finally:
        if hide and sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]
    return jieba


def cache_dir() -> str:
    """Where the dictionary cache is kept (it may not exist yet)."""
    folder = os.environ.get("CLASSIFIER_CACHE_DIR")
    if folder:
        return folder
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "classifier")


def _cache_name(jieba) -> str:
    """A file name that changes with jieba, its dictionary, the domain dictionary and marshal."""
    digest = hashlib.sha256()
    jieba_dict = os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME)
    stat = os.stat(jieba_dict)
    digest.update(f"{_CACHE_FORMAT}|{jieba.__version__}|{jieba_dict}|{stat.st_size}|{stat.st_mtime_ns}|"
                  f"{marshal.version}|{sys.version_info[:2]}|".encode())
    with open(USER_DICT, "rb") as handle:
        digest.update(handle.read())
    return f"jieba-{digest.hexdigest()[:20]}.marshal"


def _read_cache(path):
    """(FREQ, total, force_split) from a cache file, or None when it is missing or not ours."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        tag, freq, total, force_split = marshal.loads(data)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if tag != _CACHE_FORMAT or not isinstance(freq, dict) or not isinstance(total, int):
        return None
    return freq, total, force_split


def _write_cache(path, freq, total, force_split) -> bool:
    """Write the cache atomically; a folder that cannot be written is not an error (False)."""
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with atomic_writer(path, force=True, binary=True) as out:
            marshal.dump((_CACHE_FORMAT, freq, total, sorted(force_split)), out)
    except (OSError, InputError):
        return False
    return True


def _fallback_dir():
    """A folder of this user's own in the temporary folder, for when cache_dir() cannot be written;
    None if it exists but is not safely ours."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    folder = os.path.join(tempfile.gettempdir(), f"classifier-{uid if uid is not None else 'cache'}")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.stat(folder)
    except OSError:
        return None
    if uid is not None and (info.st_uid != uid or info.st_mode & 0o022):
        return None
    return folder


def _build(instance, jieba):
    """jieba's own start-up with our dictionary: (FREQ, total, the dictionary's force-split words).

    jieba adds a word of frequency 0 to ``finalseg.Force_Split_Words``, a set shared by every
    tokenizer of the process; while ours loads, a set of its own takes that set's place, so that
    the words are collected and jieba is left as it was for other code."""
    finalseg = jieba.finalseg
    shared, finalseg.Force_Split_Words = finalseg.Force_Split_Words, set()
    try:
        instance.initialize()
        instance.load_userdict(USER_DICT)
        force_split = finalseg.Force_Split_Words
    finally:
        finalseg.Force_Split_Words = shared
    return instance.FREQ, instance.total, force_split


def _load():
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    instance = jieba.Tokenizer()
    try:
        name = _cache_name(jieba)
    except OSError:  # jieba's dictionary or ours cannot be read: no cache, jieba says what is wrong
        name = None
    cached = None
    if name:
        primary = os.path.join(cache_dir(), name)
        cached = _read_cache(primary)
        if cached is None:
            fallback = _fallback_dir()
            fallback = os.path.join(fallback, name) if fallback else None
            cached = _read_cache(fallback) if fallback else None
            from_fallback = cached is not None
            if cached is None:
                cached = _build(instance, jieba)
            if not _write_cache(primary, *cached) and fallback and not from_fallback:
                _write_cache(fallback, *cached)
    if cached is None:
        cached = _build(instance, jieba)
    instance.FREQ, instance.total, force_split = cached
    instance.initialized = True
    return instance, jieba, frozenset(force_split)


def _cutter(instance, jieba, force_split):
    """text -> normalised tokens with ``instance``, the dictionary's ``force_split`` words cut into
    characters where jieba's HMM finds them (as jieba would with them in its shared set)."""
    from . import jieba_mirror

    def split_forced(words):
        return [part for word in words for part in (word if word in force_split else (word,))]

    if jieba_mirror.mirrors_hmm(jieba):
        hmm = functools.partial(jieba_mirror.hmm_cut, force_split=force_split)
    else:
        def hmm(buf):
            return split_forced(jieba.finalseg.cut(buf))
    if jieba_mirror.mirrors(jieba):
        return lambda text: jieba_mirror.cut_tokens(text, instance, hmm, _normal, normalise)
    # Force-split words come only from the HMM: the dictionary's words of frequency 0 are no
    # word of jieba's graph.
    return lambda text: [t for t in map(normalise, split_forced(instance.lcut(text, HMM=True))) if t is not None]


def tokenizer():
    """The shared jieba tokenizer, loaded once with the domain dictionary and no log output."""
    global _tokenizer, _cut, _loaded
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                instance, jieba, force_split = _load()
                _cut = _cutter(instance, jieba, force_split)
                _loaded = instance, jieba, force_split
                _tokenizer = instance
    return _tokenizer


# word → token (None: dropped).  Reports reuse few words, so this stays small; it is emptied
# if it ever grows past _NORMAL_MAX.
_normal = {}
_NORMAL_MAX = 500_000


_missing = object()


def normalise(word):
    """The token a jieba word stands for: None for punctuation and white space, ``0`` for a
    number, else the word in lower case."""
    token = _normal.get(word, _missing)
    if token is _missing:
        if _SKIP.match(word):
            token = None
        elif _NUMBER.match(word):
            token = "0"
        else:
            token = word.lower()
        if len(_normal) >= _NORMAL_MAX:
            _normal.clear()
        _normal[word] = token
    return token


def tokenize(text: str) -> list[str]:
    """Word tokens of ``text``: punctuation and white space dropped, numbers folded to ``0``."""
    global _seen
    if _tokenizer is None:
        tokenizer()
    if not _fast_tried:
        _seen += len(text)
        if _seen > FAST_AFTER:
            _try_fast()
    return _cut(text)


def expect_characters(count: int) -> None:
    """Say that ``count`` characters are about to be tokenised here or in workers forked after this:
    above :data:`FAST_AFTER` the rjieba cut is tried now (it would be on the way anyway), so the
    batch's first characters are cut fast too and forked workers do not each load it again."""
    if count > FAST_AFTER and not _fast_tried:
        tokenizer()
        _try_fast()


# Text files hold at least a character in so many bytes (UTF-8's Chinese characters; GB18030,
# UTF-16 and ASCII hold more); Word, PDF and web files are not counted, their size says too little.
_TEXT_BYTES_A_CHARACTER = 3


def expect_files(paths) -> None:
    """:func:`expect_characters` for the reports in ``paths`` (files or folders, as ``predict``
    takes them): the least number of characters their ``.txt`` files' sizes allow."""
    from .read import input_files

    try:
        files = input_files(paths)
    except InputError:  # said when the files are read
        return
    least = 0
    for path in files:
        if path.lower().endswith(".txt"):
            try:
                least += os.path.getsize(path) // _TEXT_BYTES_A_CHARACTER
            except OSError:
                pass
    expect_characters(least)


def _try_fast():
    """From now on cut with rjieba where it gives the same tokens (once; kept as is if not)."""
    global _cut, _fast_tried
    with _lock:
        if not _fast_tried:
            from . import rjieba_path

            fast = rjieba_path.load(*_loaded, _cut)
            if fast is not None:
                _cut = fast
            _fast_tried = True
