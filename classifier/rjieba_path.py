r"""Runs of ``re_han_default`` cut by rjieba (jieba-rs) loaded with our dictionary: jieba's words, faster.

jieba's accurate mode cuts each run of ``re_han_default`` (Han characters U+4E00–U+9FD5, ASCII
letters and digits, ``+#&._%-``) on its own.  jieba-rs cuts such a run the same way (the same word
graph, route, tie-breaks, runs of single characters and HMM) when its dictionary holds the same
words with the same frequencies and the same total (the route sums ``log(freq) - log(total)``):
jieba's ``total`` also counts the frequencies that later entries replaced, so the difference is
added as one word no run can contain.

One difference is left: how a run of single characters groups letters and digits with the
symbols.  jieba keeps them together with ``[a-zA-Z0-9]+(?:\.\d+)?%?``; jieba-rs 0.9's ``hmm.rs``
has ``(?:.\d+)?``, whose ``.`` is any character, and the jieba-rs 0.11 inside rjieba 0.2.2 also
joins letters and digits across ``-``, ``.`` and ``_``: "2020-2021" and "a.b.c" are three words for
jieba and one for jieba-rs.  So a run holding any of ``+#&._%-`` (:data:`_SYMBOLS`) keeps
today's cut, and so do the characters outside the runs.  A text made only of Han characters,
letters, digits and the punctuation of :data:`_BETWEEN` goes to rjieba in one call.  :func:`load`
builds the cutter and checks it against today's on fixed text; it returns None when rjieba is
missing or differs.
"""
from __future__ import annotations

import importlib.machinery
import importlib.util
import logging
import re
import sys

__all__ = ["load", "CHECK_TEXTS"]

log = logging.getLogger(__name__)

# jieba's Han range: a run of only these is jieba-rs's Han block and HMM block too.
_PURE_HAN = re.compile("[\u4e00-\u9fd5]+")
# A run holding one of these may be cut otherwise by jieba-rs (see above): today's cut takes it.
_SYMBOLS = re.compile(r"[+#&._%\-]")
# Characters normalise drops one by one (tokenize._SKIP): a piece of only these gives no token.
_DROPPED = re.compile(r"[\s\W_]+")
# A word no run of Han characters contains: it carries the frequency jieba's total has in excess.
_TOTAL_PAD = "\x00total"
# Punctuation and white space outside jieba's runs and jieba-rs's blocks alike, which the tokens
# drop: a text of only these, Han characters, letters and digits is given to rjieba whole (fewer
# calls); rjieba gives each of them as a word of its own ("\r\n" as one), all left out.
_BETWEEN = ("，。、；：？！“”‘’（）《》〈〉【】〔〕「」『』—–…·・～"
            ",;:?!'\"()[]{}<>/\\|@$^*=~`"
            " \t\n\r\u3000\xa0\f\v")
_WHOLE = re.compile("[\u4e00-\u9fd5a-zA-Z0-9" + re.escape(_BETWEEN) + "]*")
_LETTER_OR_DIGIT = re.compile("[a-zA-Z0-9]")

# Our own short text for the check at load: dictionary words, the domain dictionary's words,
# unknown names (the HMM), ties, rare characters, and the pieces rjieba must not see.
CHECK_TEXTS = (
    "我们认真学习贯彻新时代中国特色社会主义思想，理论学习中心组开展理论宣讲。",
    "老郑挺忙，小明硕士毕业于中国科学院计算所，后在日本京都大学深造。",
    "他来到了网易杭研大厦，结婚的和尚未结婚的都来了。",
    "全年举办各类培训班12期，培训3,000余人次，覆盖率达95.5%，ABC项目、5G网络与IPv6。",
    "他用IC卡和U盘拍X光片，穿T恤衫去4S店，A股B超abc123中文x2y3z第3季度2024年Q版。",
    "鿕鿔鿓丂丄丅丆 丏丐丑专且丕世丗丘丙业丛东丝丞丟丠両丢丣两严並丧丨丩个丫丬中丮丯丰丱串丳临丵",
    "学习强国平台上线以来，宣传部门、网信办和融媒体中心联合推出“学习强国”专栏。",
    "ＡＢＣ１２３　全角字符和〇々①《》（）🙂以及㐀䶵等扩展区汉字。",
    # Each character of _BETWEEN between Han characters, letters and digits.
    "".join(f"中{char}国a{char}1" for char in _BETWEEN) + "\r\n学习\r\n",
    "",
)


def _jieba_class():
    """rjieba's ``Jieba`` class.  Unless ``rjieba`` is imported already, its compiled module is
    loaded on its own (and registered, so a later ``import rjieba`` uses it): the package's
    ``__init__`` builds a tokenizer with jieba-rs's own dictionary, 0.2 s that this module never uses."""
    if "rjieba" in sys.modules:
        from rjieba import Jieba  # ImportError where a test made sys.modules["rjieba"] None

        return Jieba
    if "rjieba.rjieba" in sys.modules:  # loaded here before
        return sys.modules["rjieba.rjieba"].Jieba
    package = importlib.util.find_spec("rjieba")
    if package is None or not package.submodule_search_locations:
        raise ImportError("rjieba is not installed")
    compiled = importlib.machinery.PathFinder.find_spec("rjieba", list(package.submodule_search_locations))
    if compiled is None or not isinstance(compiled.loader, importlib.machinery.ExtensionFileLoader):
        from rjieba import Jieba  # laid out otherwise than rjieba 0.2's wheels: imported as usual

        return Jieba
    spec = importlib.util.spec_from_file_location("rjieba.rjieba", compiled.origin)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules["rjieba.rjieba"] = module
    return module.Jieba


def _dictionary(jieba_rs_class, freq, total):
    """A jieba-rs tokenizer holding ``freq``'s words of positive frequency with jieba's ``total``.

    Words of frequency 0 are left out: jieba's word graph skips them (a prefix or a force-split
    word), and jieba-rs would take them at log(0)."""
    rust = jieba_rs_class.empty()
    add = rust.add_word
    kept = 0
    for word, frequency in freq.items():
        if frequency:
            add(word, frequency, None)
            kept += frequency
    if total < kept:
        return None
    if total > kept:
        add(_TOTAL_PAD, total - kept, None)
    return rust


def _run_cutter(rust, force_split, today, split, normalise):
    """text -> tokens: a text that :data:`_WHOLE` matches through ``rust`` at once; else the runs of
    ``split``'s through ``rust``, those where it differs (:data:`_SYMBOLS`) through ``today``
    (today's cut of one run), the rest a character at a time.  ``force_split`` words, all of Han
    characters, come only from the HMM, as in jieba."""
    cut = rust.cut
    pure = _PURE_HAN.fullmatch
    dropped = _DROPPED.fullmatch
    has_symbols = _SYMBOLS.search
    whole = _WHOLE.fullmatch
    letter_or_digit = _LETTER_OR_DIGIT.search
    between = dict.fromkeys(list(_BETWEEN) + ["\r\n"]).get  # -> None: a word left out

    def tokens_of(text):
        if whole(text):
            words = cut(text, True)
            if force_split.isdisjoint(words):
                if not letter_or_digit(text):  # Han words and the characters between them
                    return list(filter(None, map(between, words, words)))
                return [token for token in map(normalise, words) if token is not None]
        return by_runs(text)

    def by_runs(text):
        tokens = []
        append, extend = tokens.append, tokens.extend
        for number, piece in enumerate(split(text)):
            if not piece:
                continue
            if not number & 1:
                if dropped(piece):  # punctuation and white space only: no token (the common case)
                    continue
                for char in piece:
                    token = normalise(char)
                    if token is not None:
                        append(token)
            elif pure(piece):
                # Han words normalise to themselves (no letter case, no digit, no punctuation).
                words = cut(piece, True)
                if force_split.isdisjoint(words):
                    extend(words)
                else:  # jieba's HMM cuts these words into characters
                    for word in words:
                        if word in force_split:
                            extend(word)
                        else:
                            append(word)
            elif has_symbols(piece):
                extend(today(piece))
            else:  # Han characters with letters or digits: normalised
                for word in cut(piece, True):
                    if word in force_split:
                        extend(word)
                    else:
                        token = normalise(word)
                        if token is not None:
                            append(token)
        return tokens

    return tokens_of


def load(instance, jieba, force_split, today):
    """The faster cut (text -> tokens), or None when rjieba is missing or not exactly ``today``'s
    on :data:`CHECK_TEXTS` (``today``: the cut it stands in for)."""
    from . import jieba_mirror

    if not jieba_mirror.mirrors(jieba):  # the words of other jieba versions are not checked here
        return None
    try:
        Jieba = _jieba_class()
    except ImportError:
        log.debug("rjieba is not installed: tokenising with jieba's algorithm in Python")
        return None
    try:
        rust = _dictionary(Jieba, instance.FREQ, instance.total)
    except Exception as error:  # noqa: BLE001 - any failure of the extension means: not used
        log.debug("rjieba could not load the dictionary (%s): not used", error)
        return None
    if rust is None:
        log.debug("rjieba not used: the dictionary's total is below its words' frequencies")
        return None
    from .tokenize import normalise

    force_split = frozenset(force_split)
    if not all(_PURE_HAN.fullmatch(word) for word in force_split):  # jieba would not split those
        log.debug("rjieba not used: a force-split word is not all Han characters")
        return None
    cutter = _run_cutter(rust, force_split, today, jieba.re_han_default.split, normalise)
    try:
        differs = [text for text in CHECK_TEXTS if cutter(text) != today(text)]
    except Exception as error:  # noqa: BLE001
        log.debug("rjieba failed its check (%s): not used", error)
        return None
    if differs:
        log.debug("rjieba not used: its words differ from jieba's on %r", differs[0])
        return None
    return cutter
