"""jieba 0.42's accurate mode with HMM, re-implemented as one tight loop (same words, faster).

Mirrors, from jieba 0.42 (``jieba/__init__.py`` and ``jieba/finalseg/__init__.py``):

* ``Tokenizer.cut(sentence, cut_all=False, HMM=True)``: the split into runs of Han characters
  (``re_han_default``) and the rest, cut into single characters;
* ``Tokenizer.get_DAG`` and ``Tokenizer.calc``: the word graph and the best route through it, in
  one backward pass with the same sums and ties (``max`` over (score, end): the longest word);
* ``Tokenizer.__cut_DAG``: the route's words, runs of single characters handed to the HMM;
* ``finalseg.__cut`` and ``finalseg.viterbi``: the B/M/E/S Viterbi for runs of unknown
  characters, with the same sums and ties, and force-split words cut into characters.

Only the jieba versions in :data:`MIRRORED_VERSIONS` are mirrored; :mod:`tokenize` uses jieba's
own ``lcut`` for any other.  ``tests/test_jieba_mirror.py`` compares the two on the corpus and on
random text.
"""
from __future__ import annotations

from math import log

__all__ = ["MIRRORED_VERSIONS", "mirrors", "mirrors_hmm", "cut_tokens", "hmm_cut"]

# jieba versions whose Tokenizer.cut the loop below reproduces.
MIRRORED_VERSIONS = ("0.42", "0.42.1")
# finalseg's HMM: the states each state can follow; hmm_cut is written for exactly these.
PREVIOUS_STATES = {"B": "ES", "M": "MB", "S": "SE", "E": "BM"}
_STATE = {"B": 0, "M": 1, "E": 2, "S": 3}
_missing = object()


def mirrors(jieba) -> bool:
    """Whether :func:`cut_tokens` reproduces this jieba's ``Tokenizer.cut``."""
    return jieba.__version__ in MIRRORED_VERSIONS


def mirrors_hmm(jieba) -> bool:
    """Whether :func:`hmm_cut` reproduces this jieba's ``finalseg.cut``."""
    return mirrors(jieba) and getattr(jieba.finalseg, "PrevStatus", None) == PREVIOUS_STATES


_hmm_tables = None


def hmm_cut(buf, force_split=frozenset()):
    """``list(jieba.finalseg.cut(buf))`` with ``force_split`` as its force-split words: the same
    Viterbi over B/M/E/S with the same sums and the same ties (``max`` over (score, state) prefers
    the later letter), 3-4 × faster."""
    from jieba import finalseg

    global _hmm_tables
    if _hmm_tables is None:
        trans, minimum = finalseg.trans_P, finalseg.MIN_FLOAT
        _hmm_tables = (finalseg.start_P, finalseg.emit_P, minimum,
                       [trans[a].get(b, minimum) for a, b in ("EB", "SB", "MM", "BM", "SS", "ES", "BE", "ME")])
    words = []
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


def _viterbi_words(sentence, start, emit, minimum, transitions):
    """finalseg's ``__cut`` of a run of Han characters (``viterbi``, then the words of the states)."""
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


def cut_tokens(text, instance, hmm, known, normalise):
    """The tokens of jieba's ``instance.cut(text, cut_all=False, HMM=True)``: each word ``w`` taken
    as ``known.get(w)`` if there, else ``normalise(w)``, and left out when that is None.  ``hmm`` is
    the cut of a run of single characters (:func:`hmm_cut` or jieba's ``finalseg.cut``)."""
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
    tokens = []
    append = tokens.append
    lookup = known.get

    def emit(word):
        token = lookup(word, _missing)
        if token is _missing:
            token = normalise(word)
        if token is not None:
            append(token)

    def flush(buf):  # a run of single characters: jieba's rule for it
        if len(buf) == 1:
            emit(buf)
        elif not freq.get(buf):
            for word in hmm(buf):
                emit(word)
        else:
            for char in buf:
                emit(char)

    # re_han_default.split: odd pieces are the runs jieba cuts with its word graph; the others
    # are cut into single characters (white space included, which normalise drops).
    for number, piece in enumerate(jieba.re_han_default.split(text)):
        if not piece:
            continue
        if not number & 1:
            for char in piece:
                token = lookup(char, _missing)
                if token is _missing:
                    token = normalise(char)
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
                    token = normalise(word)
                if token is not None:
                    append(token)
                start = y
            x = y
        if start < n:
            flush(piece[start:n])
    return tokens
