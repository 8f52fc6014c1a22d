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
_EMPTY = -1  # no key is negative
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_PROBES = 3  # rounds of probing the hash table before a binary search finds the rest
_TABLE_CODES = 0x10000  # ids of code points below this come from a table (256 KB at most), else a search


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
        # sorted code points rather than a table of all 1.1 million: 8 MB less in every process;
        # a table for the code points below the alphabet's (and below 65 536) looks most of them up
        self.alphabet = np.array([ord(char) for char in alphabet], dtype=np.uint32)
        below = [code for code in self.alphabet.tolist() if code < _TABLE_CODES]
        self.id_below = np.zeros((max(below) + 2) if below else 1, dtype=np.int64)
        self.id_below[below] = np.arange(1, len(below) + 1)
        self.id_of = {char: number for number, char in enumerate(alphabet, 1)}
        keys = np.array([self._key(gram) for gram in grams], dtype=np.int64)
        columns = np.fromiter(grams.values(), dtype=np.int64, count=len(grams))
        order = np.argsort(keys, kind="stable")
        self.keys, self.columns = keys[order], columns[order]
        self._hash_table()

    def _hash_table(self):
        """An open-addressing table of the keys (linear probing, at most a quarter full): one
        lookup is a multiplication and a probe or two, where a binary search takes 16."""
        size = 1 << max(4, (4 * len(self.keys) - 1).bit_length())
        self.shift, self.mask = np.uint64(65 - size.bit_length()), size - 1
        self.table_keys = np.full(size, _EMPTY, dtype=np.int64)
        self.table_columns = np.zeros(size, dtype=np.int64)
        slot = self._slots(self.keys)
        pending = np.arange(len(self.keys))
        while pending.size:  # each round, the first key aiming at each free slot takes it
            aimed, first = np.unique(slot[pending], return_index=True)
            free = self.table_keys[aimed] == _EMPTY
            placed = pending[first[free]]
            self.table_keys[aimed[free]] = self.keys[placed]
            self.table_columns[aimed[free]] = self.columns[placed]
            taken = np.zeros(len(self.keys), dtype=bool)
            taken[placed] = True
            pending = pending[~taken[pending]]
            slot[pending] = (slot[pending] + 1) & self.mask

    def _slots(self, keys):
        """Fibonacci hashing: the top bits of key × 2⁶⁴/φ."""
        return ((keys.view(np.uint64) * _GOLDEN) >> self.shift).astype(np.int64)

    def _columns_of(self, keys):
        """The column of each key, or -1 for a key not in the set."""
        slot = self._slots(keys)
        found = np.full(len(keys), -1, dtype=np.int64)
        todo = np.arange(len(keys))
        for _ in range(_PROBES):
            held = self.table_keys[slot]
            hit = held == keys
            found[todo[hit]] = self.table_columns[slot[hit]]
            going = (held != _EMPTY) & ~hit
            todo, keys, slot = todo[going], keys[going], (slot[going] + 1) & self.mask
            if not todo.size:
                return found
        # the few keys still in a run of taken slots: a binary search rather than a round each
        at = np.searchsorted(self.keys, keys)
        at[at == len(self.keys)] = 0
        hit = self.keys[at] == keys
        found[todo[hit]] = self.columns[at[hit]]
        return found

    def _key(self, gram):
        key = 0
        for char in gram:
            key = key * self.base + self.id_of[char]
        return key

    def _ids(self, codes):
        """The id of each code point: 1 … base-1 for the alphabet's characters, else 0."""
        last = len(self.id_below) - 1  # the table's last entry is 0: no id below it is that high
        ids = self.id_below[np.minimum(codes, last)]
        beyond = np.flatnonzero(codes >= last)
        if beyond.size and self.alphabet[-1] >= last:
            far = codes[beyond]
            at = np.searchsorted(self.alphabet, far)
            at[at == len(self.alphabet)] = 0
            ids[beyond] = np.where(self.alphabet[at] == far, at + 1, 0)
        return ids

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
            found = self._columns_of(key[at])
            hit = found >= 0
            rows.append(row_of[at[hit]])
            columns.append(found[hit])
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
