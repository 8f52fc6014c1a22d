"""The public tokenizer: jieba's cut with the domain dictionary, from a dictionary cache of our
own, leaving jieba as it found it for other code; and start-up that loads nothing heavy."""
import importlib.util
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

    from classifier import rjieba_path
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
        monkeypatch.setattr(module, "_loaded", None)
        assert module.tokenize(text) == ["老", "郑", "挺", "忙"]
        assert jieba.finalseg.Force_Split_Words == before
        if importlib.util.find_spec("rjieba"):  # the rjieba cut cuts them too
            fast = rjieba_path.load(*module._loaded, module._cut)
            assert fast is not None and fast(text + "，" + text) == ["老", "郑", "挺", "忙"] * 2
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


@pytest.fixture(scope="module")
def cuts():
    """(today's cut, the rjieba cut) over the same loaded dictionary."""
    pytest.importorskip("rjieba")
    from classifier import rjieba_path
    from classifier import tokenize as module

    module.tokenizer()
    instance, jieba, force_split = module._loaded
    today = module._cutter(instance, jieba, force_split)
    fast = rjieba_path.load(instance, jieba, force_split, today)
    assert fast is not None, "rjieba is installed but failed its check"
    return instance, today, fast


@pytest.mark.slow
def test_the_rjieba_cut_is_todays_and_jiebas_on_every_shared_paragraph(cuts):
    instance, today, fast = cuts
    texts = [doc_text(n) for n in NAMES]
    for text in texts + [line for text in texts for line in text.splitlines()]:
        assert fast(text) == today(text) == _jieba_tokens(instance, text)


def _random_texts(count, seed, pure_han=False, ascii_words=False):
    with open(os.path.join(ROOT, "classifier", "resources", "userdict.txt"), encoding="utf-8") as handle:
        domain = "".join(line.split(" ")[0] for line in handle)
    # Common characters, the domain dictionary's, characters jieba's HMM has never seen, and the
    # edges of jieba's Han range; then what rjieba must not be given.
    han = "的一是在不了有和人这中大为上们个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方" + domain + "丂丄丅丆鿔鿕"
    other = "abcXYZ0123456789.%％,，#&+-_ \t\r\n\u3000１２Ａ〇々①（）《》🙂\u3400\u9fd6"
    rng = random.Random(seed)
    alphabet = han if pure_han else han + other * 3
    if ascii_words:  # Han characters, letters, digits and punctuation: texts rjieba cuts whole
        alphabet = han + "abcXYZICUT0123456789" * 3 + "卡盘恤股超" + "，。“”（） \r\n,;" * 2
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(count)]


def test_the_rjieba_cut_is_todays_and_jiebas_on_random_text(cuts):
    instance, today, fast = cuts
    for kind in ({}, {"pure_han": True}, {"ascii_words": True}):
        for text in _random_texts(2000, 7, **kind):
            assert fast(text) == today(text) == _jieba_tokens(instance, text), text


def test_han_characters_normalise_to_themselves():
    """The rjieba cut appends its words as they are: no Han character is case, digit or punctuation."""
    from classifier.tokenize import normalise

    text = "".join(chr(c) for c in range(0x4E00, 0x9FD6))
    assert all(normalise(char) == char for char in text)


def _fresh_switch(monkeypatch, module, after=0):
    module.tokenizer()
    today = module._cut
    monkeypatch.setattr(module, "_cut", today)
    monkeypatch.setattr(module, "_fast_tried", False)
    monkeypatch.setattr(module, "_seen", 0)
    monkeypatch.setattr(module, "FAST_AFTER", after)
    return today


def test_a_batch_switches_to_the_rjieba_cut_and_one_report_does_not(monkeypatch, cuts):
    from classifier import tokenize as module

    today = _fresh_switch(monkeypatch, module, after=1000)
    text = "我们认真学习贯彻新时代中国特色社会主义思想，理论学习中心组开展理论宣讲。"
    expected = today(text)
    assert module.tokenize(text) == expected and module._cut is today
    while not module._fast_tried:
        assert module.tokenize(text) == expected
    assert module._seen > 1000 and module._cut is not today and module.tokenize(text) == expected


def test_without_rjieba_todays_cut_stays(monkeypatch):
    from classifier import tokenize as module

    monkeypatch.setitem(sys.modules, "rjieba", None)  # makes ``import rjieba`` raise ImportError
    today = _fresh_switch(monkeypatch, module)
    assert module.tokenize("老郑挺忙，学习强国") == ["老", "郑挺忙", "学习强国"]
    assert module._fast_tried and module._cut is today


def test_an_rjieba_cut_that_fails_its_check_is_not_used(monkeypatch, cuts):
    from classifier import rjieba_path
    from classifier import tokenize as module

    instance, jieba, force_split = module._loaded
    assert rjieba_path.load(instance, jieba, force_split, lambda text: ["不同"]) is None
    assert rjieba_path.load(instance, jieba, force_split, cuts[1]) is not None


def test_one_report_does_not_load_rjieba():
    result = _python("import sys\nfrom classifier.tokenize import tokenize\n"
                     "tokenize('组织党委中心组专题学习' * 1000)\nprint('rjieba' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_a_batch_that_says_its_size_switches_at_once(monkeypatch, cuts, tmp_path):
    from classifier import tokenize as module

    today = _fresh_switch(monkeypatch, module, after=1000)
    (tmp_path / "batch").mkdir()
    (tmp_path / "batch" / "a.txt").write_text("学习" * 200, encoding="utf-8")  # 1 200 bytes: 400 at least
    (tmp_path / "batch" / "b.docx").write_bytes(b"x" * 10_000)  # not counted: its size says little
    module.expect_files([str(tmp_path / "batch"), str(tmp_path / "missing.txt")])
    assert not module._fast_tried and module._cut is today
    module.expect_characters(999)
    assert not module._fast_tried
    (tmp_path / "c.txt").write_text("学习" * 500, encoding="utf-8")  # 3 000 bytes: 1 000 at least
    module.expect_files([str(tmp_path / "batch"), str(tmp_path / "c.txt")])
    assert module._fast_tried and module._cut is not today and module._seen == 0


def test_a_folder_without_reports_is_left_for_reading_to_report(monkeypatch, tmp_path):
    from classifier import tokenize as module

    today = _fresh_switch(monkeypatch, module, after=0)
    module.expect_files([str(tmp_path)])
    assert not module._fast_tried and module._cut is today


def test_the_rjieba_cut_loads_no_default_rjieba_dictionary():
    pytest.importorskip("rjieba")
    result = _python("import sys\nfrom classifier import tokenize\ntokenize.tokenizer()\ntokenize._try_fast()\n"
                     "print(tokenize._cut.__name__, 'rjieba' in sys.modules)\n"
                     "import rjieba\nprint(rjieba.Jieba is sys.modules['rjieba.rjieba'].Jieba, ''.join(rjieba.cut('学习强国')))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["tokens_of False", "True 学习强国"]
