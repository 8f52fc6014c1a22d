"""jieba word tokens for report paragraphs, quiet and with the domain dictionary loaded.

Tokenising is most of the cost of labelling a report, so this module does two things faster than
jieba does them itself, with the same result (``tests/test_speed_paths.py`` checks it):

* the dictionary (jieba's prefix dictionary with ``resources/userdict.txt`` already added) is read
  from a cache file of our own in one piece.  ``marshal.loads`` over the file's bytes takes a third
  of the time of jieba's ``marshal.load`` on a file object, and the domain words need no adding.
  The cache lives in ``$CLASSIFIER_CACHE_DIR``, else ``$XDG_CACHE_HOME/classifier`` or
  ``~/.cache/classifier``, else the temporary folder; it is rebuilt when jieba, its dictionary or
  the domain dictionary change, and the tool works (slower) where none can be written.
* :func:`tokenize` runs jieba 0.42's accurate mode with HMM (``Tokenizer.cut(text)``) as one tight
  loop: the same word graph, the same best route, ties broken the same way, and for runs of
  unknown characters the same HMM as ``jieba.finalseg`` (same sums, same ties).  Any other jieba
  version uses ``Tokenizer.lcut``.

Nothing is loaded at import: jieba and its dictionary come on first use.
"""
from __future__ import annotations

import hashlib
import logging
import marshal
import os
import re
import sys
import tempfile
import threading
from math import log

from .errors import InputError
from .files import atomic_writer

__all__ = ["tokenize", "tokenizer"]

USER_DICT = os.path.join(os.path.dirname(__file__), "resources", "userdict.txt")
# jieba versions whose Tokenizer.cut the fast loop below reproduces.
_FAST_JIEBA = ("0.42", "0.42.1")
_CACHE_FORMAT = "classifier.jieba-prefix-dict/1"

_lock = threading.Lock()
_tokenizer = None
_fast = _fast_hmm = False
# finalseg's HMM: the states each state can follow; _hmm_cut is written for exactly these.
_PREVIOUS_STATES = {"B": "ES", "M": "MB", "S": "SE", "E": "BM"}
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
    """jieba's own start-up with our dictionary: (FREQ, total, the force-split words it added)."""
    before = set(jieba.finalseg.Force_Split_Words)
    instance.initialize()
    instance.load_userdict(USER_DICT)
    return instance.FREQ, instance.total, set(jieba.finalseg.Force_Split_Words) - before


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
    for word in force_split:  # what add_word does for a word of frequency 0
        jieba.finalseg.add_force_split(word)
    return instance, jieba


def tokenizer():
    """The shared jieba tokenizer, loaded once with the domain dictionary and no log output."""
    global _tokenizer, _fast, _fast_hmm
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                instance, jieba = _load()
                _fast = jieba.__version__ in _FAST_JIEBA
                _fast_hmm = _fast and getattr(jieba.finalseg, "PrevStatus", None) == _PREVIOUS_STATES
                _tokenizer = instance
    return _tokenizer


# word → token (None: dropped).  Reports reuse few words, so this stays small; it is emptied
# if it ever grows past _NORMAL_MAX.
_normal = {}
_NORMAL_MAX = 500_000


_missing = object()


def _normalise(word):
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
    instance = tokenizer()
    if not _fast:
        return [t for t in map(_normalise, instance.lcut(text, HMM=True)) if t is not None]
    return _fast_tokens(text, instance)


_hmm_tables = None


def _hmm_cut(buf):
    """``list(jieba.finalseg.cut(buf))``: the same Viterbi over B/M/E/S with the same sums and the
    same ties (``max`` over (score, state) prefers the later letter), 3-4 × faster."""
    import jieba

    global _hmm_tables
    finalseg = jieba.finalseg
    if _hmm_tables is None:
        trans, minimum = finalseg.trans_P, finalseg.MIN_FLOAT
        _hmm_tables = (finalseg.start_P, finalseg.emit_P, minimum,
                       [trans[a].get(b, minimum) for a, b in ("EB", "SB", "MM", "BM", "SS", "ES", "BE", "ME")])
    words = []
    force_split = finalseg.Force_Split_Words
    for block in finalseg.re_han.split(buf):
        if finalseg.re_han.match(block):
            for word in _viterbi_words(block, *_hmm_tables):
                if word in force_split:
                    words.extend(word)
                else:
                    words.append(word)
        else:
            words.extend(x for x in finalseg.re_skip.split(block) if x)
    return words


_STATE = {"B": 0, "M": 1, "E": 2, "S": 3}


def _viterbi_words(sentence, start, emit, minimum, transitions):
    """finalseg's ``__cut`` of a run of Han characters."""
    e_b, e_m, e_e, e_s = emit["B"], emit["M"], emit["E"], emit["S"]
    t_eb, t_sb, t_mm, t_bm, t_ss, t_es, t_be, t_me = transitions
    char = sentence[0]
    v_b, v_m = start["B"] + e_b.get(char, minimum), start["M"] + e_m.get(char, minimum)
    v_e, v_s = start["E"] + e_e.get(char, minimum), start["S"] + e_s.get(char, minimum)
    back = []
    for char in sentence[1:]:
        # Each state from its two possible predecessors, summed in jieba's order.
        em = e_b.get(char, minimum)
        a, b = v_e + t_eb + em, v_s + t_sb + em
        n_b, p_b = (b, "S") if b >= a else (a, "E")
        em = e_m.get(char, minimum)
        a, b = v_m + t_mm + em, v_b + t_bm + em
        n_m, p_m = (a, "M") if a >= b else (b, "B")
        em = e_s.get(char, minimum)
        a, b = v_s + t_ss + em, v_e + t_es + em
        n_s, p_s = (a, "S") if a >= b else (b, "E")
        em = e_e.get(char, minimum)
        a, b = v_b + t_be + em, v_m + t_me + em
        n_e, p_e = (b, "M") if b >= a else (a, "B")
        back.append((p_b, p_m, p_e, p_s))
        v_b, v_m, v_e, v_s = n_b, n_m, n_e, n_s
    state = "S" if v_s >= v_e else "E"
    states = [state]
    for pointers in reversed(back):
        state = pointers[_STATE[state]]
        states.append(state)
    states.reverse()
    words = []
    begin = after = 0
    for i, state in enumerate(states):
        if state == "B":
            begin = i
        elif state == "E":
            words.append(sentence[begin:i + 1])
            after = i + 1
        elif state == "S":
            words.append(sentence[i])
            after = i + 1
    if after < len(sentence):
        words.append(sentence[after:])
    return words


# log(frequency) - log(total) by frequency, as jieba's ``calc`` computes it, for _weights_total.
_weights = {}
_weights_total = None


def _fast_tokens(text, instance):
    """jieba's ``Tokenizer.cut(text, cut_all=False, HMM=True)``, normalised as :func:`tokenize` says."""
    global _weights, _weights_total
    import jieba

    freq = instance.FREQ
    get = freq.get
    if _weights_total != instance.total:
        _weights, _weights_total = {}, instance.total
    weights = _weights
    weight_of = weights.get
    log_total = log(instance.total)
    unknown = log(1) - log_total
    hmm_cut = _hmm_cut if _fast_hmm else jieba.finalseg.cut
    tokens = []
    append = tokens.append

    lookup = _normal.get

    def emit(word):
        token = lookup(word, _missing)
        if token is _missing:
            token = _normalise(word)
        if token is not None:
            append(token)

    def flush(buf):  # a run of single characters: jieba's rule for it
        if len(buf) == 1:
            emit(buf)
        elif not freq.get(buf):
            for word in hmm_cut(buf):
                emit(word)
        else:
            for char in buf:
                emit(char)

    # re_han_default.split: odd pieces are the runs jieba cuts with its word graph; the others
    # are cut into single characters (white space included, which _normalise drops).
    for number, piece in enumerate(jieba.re_han_default.split(text)):
        if not piece:
            continue
        if not number & 1:
            for char in piece:
                token = lookup(char, _missing)
                if token is _missing:
                    token = _normalise(char)
                if token is not None:
                    append(token)
            continue
        n = len(piece)
        # get_DAG and calc in one backward pass: the dictionary words starting at k end at k..n-1,
        # whose best routes onwards are known by then.  jieba takes max((score, end)), so among
        # equal scores the longest word; ends come in increasing order, hence ">=".
        score = [0.0] * (n + 1)
        best = [0] * n
        for k in range(n - 1, -1, -1):
            top_score = top_end = None
            i = k
            frequency = get(piece[k])
            while frequency is not None:
                if frequency:
                    weight = weight_of(frequency)
                    if weight is None:
                        weight = weights[frequency] = log(frequency) - log_total
                    value = weight + score[i + 1]
                    if top_end is None or value >= top_score:
                        top_score, top_end = value, i
                i += 1
                if i >= n:
                    break
                frequency = get(piece[k:i + 1])
            if top_end is None:  # no dictionary word starts here: the character alone
                top_score, top_end = unknown + score[k + 1], k
            score[k] = top_score
            best[k] = top_end
        # __cut_DAG: words of the route; runs of single characters go through flush.
        x = start = 0
        while x < n:
            y = best[x] + 1
            if y - x > 1:
                if start < x:
                    flush(piece[start:x])
                word = piece[x:y]
                token = lookup(word, _missing)
                if token is _missing:
                    token = _normalise(word)
                if token is not None:
                    append(token)
                start = y
            x = y
        if start < n:
            flush(piece[start:n])
    return tokens
