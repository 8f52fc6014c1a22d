"""jieba word tokens for report paragraphs, quiet and with the domain dictionary loaded.

jieba's dictionary takes most of a second to load, so it is loaded on first use, not at import.
"""
from __future__ import annotations

import logging
import os
import re
import threading

__all__ = ["tokenize", "tokenizer"]

USER_DICT = os.path.join(os.path.dirname(__file__), "resources", "userdict.txt")

_lock = threading.Lock()
_tokenizer = None
# Digits, ASCII letters and placeholders (x, X, ____) carry no area: one token stands for all.
_NUMBER = re.compile(r"^[\d.%％,，]+$")
_SKIP = re.compile(r"^[\s\W_]+$")


def tokenizer():
    """The shared jieba tokenizer, loaded once with the domain dictionary and no log output."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                instance = jieba.Tokenizer()
                instance.initialize()
                instance.load_userdict(USER_DICT)
                _tokenizer = instance
    return _tokenizer


def tokenize(text: str) -> list[str]:
    """Word tokens of ``text``: punctuation and white space dropped, numbers folded to ``0``."""
    tokens = []
    for word in tokenizer().lcut(text, HMM=True):
        if _SKIP.match(word):
            continue
        tokens.append("0" if _NUMBER.match(word) else word.lower())
    return tokens
