"""Every occurrence of a fixed set of short strings (character n-grams, cue terms) in many texts, in
a few numpy passes over all the texts at once instead of a Python loop over each text's n-grams.

A string of characters c1…cL is the number (id(c1)·B + id(c2))·B + … + id(cL), with ids 1…B−1 for
the characters of the set's strings and 0 for every other character; strings of different lengths
never share a number, and an n-gram with a character outside the set is never found.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse

__all__ = ["GramIndex", "count_matrix"]

_MAX_KEY = np.iinfo(np.int64).max


class GramIndex:
    """The strings ``grams`` ({string: column}) as sorted numbers, for :meth:`occurrences`."""

    def __init__(self, grams: dict):
        alphabet = sorted({char for gram in grams for char in gram})
        self.base = len(alphabet) + 1
        self.lengths = sorted({len(gram) for gram in grams if gram})
        # Too many characters or too long strings for one int64: the caller counts another way.
        self.usable = bool(self.lengths) and self.base ** self.lengths[-1] < _MAX_KEY
        if not self.usable:
            return
        # sorted code points rather than a table of all 1.1 million: 8 MB less in every process
        self.alphabet = np.array([ord(char) for char in alphabet], dtype=np.uint32)
        self.id_of = {char: number for number, char in enumerate(alphabet, 1)}
        keys = np.array([self._key(gram) for gram in grams], dtype=np.int64)
        columns = np.fromiter(grams.values(), dtype=np.int64, count=len(grams))
        order = np.argsort(keys, kind="stable")
        self.keys, self.columns = keys[order], columns[order]

    def _key(self, gram):
        key = 0
        for char in gram:
            key = key * self.base + self.id_of[char]
        return key

    def _ids(self, codes):
        """The id of each code point: 1 … base-1 for the alphabet's characters, else 0."""
        at = np.searchsorted(self.alphabet, codes)
        at[at == len(self.alphabet)] = 0
        return np.where(self.alphabet[at] == codes, at + 1, 0).astype(np.int64)

    def occurrences(self, texts, lengths=None):
        """(rows, columns): for every occurrence of a string of the set in ``texts`` (overlapping
        ones too), the text's position and the string's column; only strings of ``lengths`` (default
        all) are looked for."""
        sizes = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
        ids = self._ids(codes)
        row_of = np.repeat(np.arange(len(texts), dtype=np.int64), sizes)
        rows, columns = [], []
        key = np.zeros(len(ids), dtype=np.int64)
        known = np.ones(len(ids), dtype=bool)
        for length in range(1, self.lengths[-1] + 1):
            starts = len(ids) - length + 1
            if starts <= 0:
                break
            # n-grams of this length starting at 0 … starts-1, built from those one shorter
            key = key[:starts] * self.base + ids[length - 1:]
            known = known[:starts] & (ids[length - 1:] != 0)
            if lengths is not None and length not in lengths or length not in self.lengths:
                continue
            candidate = known & (row_of[:starts] == row_of[length - 1:])
            at = np.flatnonzero(candidate)
            found = np.searchsorted(self.keys, key[at])
            found[found == len(self.keys)] = 0
            hit = self.keys[found] == key[at]
            rows.append(row_of[at[hit]])
            columns.append(self.columns[found[hit]])
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(rows), np.concatenate(columns)


def count_matrix(rows, columns, shape, dtype=np.float32):
    """CSR matrix of how often each (row, column) pair occurs, indices sorted within each row (as
    scikit-learn's ``CountVectorizer`` leaves them), int32 indices."""
    n_rows, n_columns = shape
    pairs, counts = np.unique(rows * n_columns + columns, return_counts=True)
    indptr = np.zeros(n_rows + 1, dtype=np.int32)
    np.cumsum(np.bincount(pairs // n_columns, minlength=n_rows), out=indptr[1:])
    return sparse.csr_matrix((counts.astype(dtype), (pairs % n_columns).astype(np.int32), indptr),
                             shape=shape)
