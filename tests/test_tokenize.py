"""The public tokenizer: jieba's cut with the domain dictionary, from a dictionary cache of our
own, leaving jieba as it found it for other code; and start-up that loads nothing heavy."""
import json
import os
import random
import re
import subprocess
import sys

import pytest

from conftest import DOCS, ROOT, doc_text

NAMES = sorted(n[:-4] for n in os.listdir(DOCS) if n.endswith(".txt"))


def _python(code, **env):
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": ROOT, **env})


def _jieba_tokens(tokenizer, text):
    """What tokenize gave before it had its own loop: jieba's lcut, then the same normalisation."""
    tokens = []
    for word in tokenizer.lcut(text, HMM=True):
        if re.match(r"^[\s\W_]+$", word):
            continue
        tokens.append("0" if re.match(r"^[\d.%％,，]+$", word) else word.lower())
    return tokens


@pytest.mark.slow
def test_tokenize_is_jiebas_cut_on_every_shared_document():
    from classifier.tokenize import tokenize, tokenizer

    instance = tokenizer()
    texts = [doc_text(n) for n in NAMES]
    lines = [line for text in texts for line in text.splitlines()]
    for text in texts + lines:
        assert tokenize(text) == _jieba_tokens(instance, text)


def test_tokenize_is_jiebas_cut_on_random_text():
    from classifier.tokenize import tokenize, tokenizer

    instance = tokenizer()
    texts = [doc_text(n) for n in NAMES[:20]]
    rng = random.Random(5)
    alphabet = ("".join(texts)[:5000] + "abcXYZ0123456789.%％,，#&+-_ \t\r\n\u3000１２Ａ〇々①（）《》🙂"
                "\u3400\u9fd5\u9fd6")
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert tokenize(text) == _jieba_tokens(instance, text), text


def test_loading_leaves_jiebas_force_split_words_alone_and_keeps_ours(tmp_path, monkeypatch):
    """A word of frequency 0 in the domain dictionary is cut into characters where jieba's HMM
    finds it, in our tokens only: jieba's process-wide force-split set is as it was, whether the
    dictionary is built or read from the cache."""
    import jieba

    from classifier import tokenize as module

    text = "老郑挺忙"
    assert module.tokenize(text) == ["老", "郑挺忙"]  # the HMM's word, with the shipped dictionary
    userdict = tmp_path / "userdict.txt"
    with open(module.USER_DICT, encoding="utf-8") as handle:
        userdict.write_text(handle.read() + "\n郑挺忙 0\n", encoding="utf-8")
    monkeypatch.setattr(module, "USER_DICT", str(userdict))
    monkeypatch.setenv("CLASSIFIER_CACHE_DIR", str(tmp_path / "cache"))
    before = set(jieba.finalseg.Force_Split_Words)
    for _ in ("built", "from the cache"):
        monkeypatch.setattr(module, "_tokenizer", None)
        monkeypatch.setattr(module, "_cut", None)
        assert module.tokenize(text) == ["老", "郑", "挺", "忙"]
        assert jieba.finalseg.Force_Split_Words == before
    assert len(os.listdir(tmp_path / "cache")) == 1


@pytest.mark.slow
def test_the_dictionary_cache_is_built_once_and_gives_the_same_tokens(tmp_path):
    code = ("import json, os, jieba\n"
            "from classifier.tokenize import tokenize, tokenizer\n"
            "text = open(os.path.join(%r, 'seed_000.txt'), encoding='utf-8').read()\n"
            "reference = jieba.Tokenizer(); reference.initialize(); reference.load_userdict(%r)\n"
            "print(json.dumps([tokenize(text), reference.lcut(text), tokenizer().total == reference.total,"
            " tokenizer().FREQ == reference.FREQ], ensure_ascii=False))"
            % (DOCS, os.path.join(ROOT, "classifier", "resources", "userdict.txt")))
    cache = tmp_path / "cache"
    first = _python(code, CLASSIFIER_CACHE_DIR=str(cache))
    assert first.returncode == 0, first.stderr
    files = os.listdir(cache)
    assert len(files) == 1 and files[0].endswith(".marshal")
    second = _python(code, CLASSIFIER_CACHE_DIR=str(cache))
    assert second.returncode == 0, second.stderr
    assert os.listdir(cache) == files
    tokens, reference, same_total, same_freq = json.loads(second.stdout)
    assert same_total and same_freq
    assert json.loads(first.stdout)[0] == tokens and len(tokens) > 100
    # A damaged cache is rebuilt, not trusted.
    (cache / files[0]).write_bytes(b"not a cache")
    third = _python(code, CLASSIFIER_CACHE_DIR=str(cache))
    assert third.returncode == 0, third.stderr
    assert json.loads(third.stdout)[0] == tokens


@pytest.mark.slow
def test_an_unwritable_cache_folder_is_not_an_error(tmp_path):
    """The cache then goes to a folder of the user's own in the temporary folder."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    for _ in range(2):
        result = _python("from classifier.tokenize import tokenize; print(tokenize('组织党委中心组专题学习'))",
                         CLASSIFIER_CACHE_DIR=str(blocker / "cache"), TMPDIR=str(temporary))
        assert result.returncode == 0, result.stderr
        assert "中心组" in result.stdout
        [folder] = [name for name in os.listdir(temporary) if name.startswith("classifier")]
        assert len(os.listdir(temporary / folder)) == 1


@pytest.mark.parametrize("code", [
    "import classifier",
    "from classifier.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass",
    "from classifier.cli import main\ntry:\n    main(['predict', '--help'])\nexcept SystemExit:\n    pass",
])
def test_start_up_loads_nothing_heavy(code):
    result = _python(code + "\nimport sys\nprint(sorted(m for m in ('numpy', 'sklearn', 'scipy', 'jieba', 'joblib')"
                            " if m in sys.modules))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
