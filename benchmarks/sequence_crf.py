"""Read a report as a sequence: a linear-chain CRF over the tool's own paragraphs, against today's
hand-set report context, scored as ``evaluate --cv`` scores end to end.

    python benchmarks/sequence_crf.py --repeats 1
    python benchmarks/sequence_crf.py --repeats 3 --variants full --c1 0.05 --c2 0.01

Same grouped folds as :func:`classifier.evaluate.cross_validate` (same --seed).  For each outer fold
the paragraph model is fitted on the training reports; the held-out documents are segmented as
``predict`` segments them and read (a) with the hand-set context (``predict_report``, the baseline:
``evaluate --cv``'s end-to-end score) and (b) by a CRF decoding the paragraph model's own
probabilities (``predict_proba``, no context) plus what a reader sees (heading, level, length,
position, the title's area, boilerplate, structural headings, neighbours).  The CRF is trained on
the training documents segmented the same way, each segment taking its gold label by character
overlap, with out-of-fold probabilities from an inner grouped CV over the training documents (so
they look like the probabilities of unseen text).  Every gold paragraph then takes the label of the
segments covering most of its characters, as in ``cross_validate``.

The probabilities are cached (--cache) so CRF variants re-run in seconds.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import pickle
import re
import tempfile
import time

import numpy as np

from cv_bench import SHARED, ROOT, read_corpus, write_table

from classifier.context import sections
from classifier.evaluate import _fold_splits, _pool, grouped, label_by_overlap, scores, segment_docs
from classifier.model import ParagraphClassifier
from classifier.segment import ENUMERATOR, heading_level, is_report_title
from classifier.theme import report_title_areas, title_area

FLOOR = np.log(1e-6)  # log-probabilities below this say nothing more


def scaled_log(p):
    """log-probabilities mapped onto [0, 1] (FLOOR → 0, certainty → 1): crfsuite drops an
    (attribute, label) feature whose values sum to less than zero in training, so a raw
    log-probability (always negative) would never become a feature."""
    return (np.maximum(np.log(np.clip(p, 1e-12, None)), FLOOR) - FLOOR) / -FLOOR

# Web-page furniture around a copied report (navigation, bylines, download prompts).
BOILERPLATE = re.compile(
    r"首页|当前位置|您的位置|所在位置|位置[：:]|下载|上一篇|下一篇|上一页|下一页|责任编辑|编辑[：:]|小编|来源[：:]"
    r"|发布时间|发布日期|浏览次数|点击(?:查看|下载|进入|这里)|点击数[：:]|阅读[数次]?[：:]|打印|关闭|收藏|分享|字号"
    r"|扫一扫|版权|相关推荐|相关阅读|延伸阅读|热门|猜你|为大家整理|网友|本文|免费查看|作者[：:]|【|】|返回|登录|注册"
    r"|二维码|Copyright|©")
# Headings that name a part of a report, not a work area (LABELS.md: these are `other`).
STRUCTURAL = re.compile(
    r"指导思想|总体要求|工作目标|目标任务|主要目标|基本原则|主要做法|主要工作|工作措施|具体措施|主要措施|工作举措"
    r"|主要成效|工作成效|取得的成[绩效]|主要成绩|基本情况|工作情况|总体情况|存在的?问题|问题[和与及]不足|不足之处"
    r"|困难[和与及]问题|下一步|今后|工作打算|工作思路|工作计划|工作安排|工作重点|重点任务|主要任务|保障措施|组织领导"
    r"|实施步骤|工作要求|时间安排|经验|体会|启示|一年来|回顾|展望|结束语|附件")
LIST_ITEM = re.compile(r"\s*(?:\d{1,2}\s*[、．.]|[（(]\s*\d{1,2}\s*[）)]|[①-⑳])")
ITEM_LEAD = re.compile(r"\s*(?:[一二三四五六七八九十]{1,2}[是要抓]|第[一二三四五六七八九十]{1,2}[,，、是])")
DATE_LINE = re.compile(r"^[\s\d〇零一二三四五六七八九十○年月日.\-/（）()]+$")

FEATURE_SETS = {
    # own probabilities only: what the CRF adds through transitions alone
    "own": ("own",),
    "own+nb": ("own", "nb"),
    "reader": ("own", "nb", "head", "shape", "title", "marks"),
    "full": ("own", "nb", "head", "shape", "title", "marks", "gated"),
    "full+ctx": ("own", "nb", "head", "shape", "title", "marks", "gated", "ctx"),
    "ctx": ("ctx",),
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--inner-folds", type=int, default=5)
    parser.add_argument("--corrections", default=os.path.join(ROOT, "models", "corrections.jsonl"))
    parser.add_argument("--corpus", default=os.path.join(SHARED, "corpus"))
    parser.add_argument("--cache", default="/tmp/e2_crf_cache")
    parser.add_argument("--variants", default="own,own+nb,reader,full,full+ctx",
                        help="feature sets, comma-separated: " + ", ".join(FEATURE_SETS))
    parser.add_argument("--c1", default="0.05", help="L1 strengths, comma-separated")
    parser.add_argument("--c2", default="0.01", help="L2 strengths, comma-separated")
    parser.add_argument("--check-export", action="store_true",
                        help="decode with the CRF's weights exported as arrays (numpy Viterbi) and "
                             "count disagreements with crfsuite's tagger")
    parser.add_argument("--train-on", choices=("inner", "outer"), default="inner",
                        help="CRF training probabilities: inner out-of-fold ones (honest), or the other outer "
                             "folds' held-out ones (same distribution as the test probabilities, but the "
                             "models that made them saw this fold's test reports: a diagnostic only)")
    parser.add_argument("--probabilities-only", action="store_true",
                        help="fill the cache (stage 1) and stop")
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "out", "sequence_crf.md"))
    return parser.parse_args(argv)


# ---------------------------------------------------------------- stage 1: probabilities (cached)

def load(corpus, corrections):
    data, groups = grouped(read_corpus(corpus, corrections), False, "sequence CRF")
    return data, groups, segment_docs(os.path.join(corpus, "docs"), sorted(set(data.docs)))


def read_doc(model, paragraphs):
    """The model's own, context and heading probabilities of a document's segments."""
    texts = [p.text for p in paragraphs]
    headings = [p.heading for p in paragraphs]
    own = model.predict_proba(texts, headings=headings)
    ctx = model.predict_report_proba(texts, headings=headings)
    unique = sorted({h for h in headings if h})
    head = np.full_like(own, np.nan)
    if unique:
        by_heading = dict(zip(unique, model.predict_proba(unique)))
        for position, heading in enumerate(headings):
            if heading:
                head[position] = by_heading[heading]
    return {"own": own, "ctx": ctx, "head": head}


def segment_gold(paragraphs, members, data, train_set):
    """Gold label of each segment by character overlap with the doc's labelled paragraphs; None
    where no paragraph covers it or the paragraph covering most of it is held out."""
    gold = [(data.spans[m][0], data.spans[m][1], (m in train_set, data.labels[m])) for m in members]
    result = []
    for found in label_by_overlap([(p.start, p.end) for p in paragraphs], gold):
        result.append(found[1] if found is not None and found[0] else None)
    return result


def probabilities(data, groups, paragraphs, folds, repeat, seed, inner_folds, log):
    """Per outer fold: probabilities of the held-out documents' segments (model on the training
    reports) and inner out-of-fold probabilities of the training documents' segments."""
    from sklearn.model_selection import GroupKFold

    result = []
    for fold, (train, test) in enumerate(_fold_splits(groups, folds, repeat, seed)):
        started = time.time()
        train_set = set(int(t) for t in train)
        model = ParagraphClassifier(random_state=seed).fit(
            [data.texts[t] for t in train], [data.labels[t] for t in train],
            headings=[data.headings[t] for t in train])
        test_docs = sorted({data.docs[t] for t in test})
        held_out = {doc: read_doc(model, paragraphs[doc]) for doc in test_docs}
        train_docs = sorted({data.docs[t] for t in train})
        rng = np.random.RandomState(1000 + seed + repeat * 100 + fold)
        order = {doc: k for k, doc in enumerate(rng.permutation(train_docs))}
        inner = {}
        splitter = GroupKFold(n_splits=inner_folds)
        doc_ids = [order[d] for d in train_docs]
        for _, inner_test in splitter.split(np.zeros(len(train_docs)), groups=doc_ids):
            out_docs = {train_docs[k] for k in inner_test}
            fit_on = [t for t in train if data.docs[t] not in out_docs]
            inner_model = ParagraphClassifier(random_state=seed).fit(
                [data.texts[t] for t in fit_on], [data.labels[t] for t in fit_on],
                headings=[data.headings[t] for t in fit_on])
            for doc in out_docs:
                inner[doc] = read_doc(inner_model, paragraphs[doc])
        members = {}
        for m, doc in enumerate(data.docs):
            members.setdefault(doc, []).append(m)
        gold = {doc: segment_gold(paragraphs[doc], members[doc], data, train_set) for doc in train_docs}
        result.append({"train": list(map(int, train)), "test": list(map(int, test)), "classes": list(model.classes_),
                       "fallback": model.fallback_label_, "held_out": held_out, "inner": inner, "gold": gold})
        log(f"repeat {repeat} fold {fold}: {time.time() - started:.0f} s")
    return result


def cached_probabilities(args, data, groups, paragraphs, repeat, log):
    os.makedirs(args.cache, exist_ok=True)
    path = os.path.join(args.cache, f"r{repeat}_f{args.folds}_s{args.seed}_k{args.inner_folds}.pkl")
    if os.path.exists(path):
        with open(path, "rb") as handle:
            return pickle.load(handle), 0.0
    started = time.time()
    result = probabilities(data, groups, paragraphs, args.folds, repeat, args.seed, args.inner_folds, log)
    with open(path + ".part", "wb") as handle:
        pickle.dump(result, handle)
    os.replace(path + ".part", path)
    return result, time.time() - started


# ---------------------------------------------------------------- stage 2: features and CRF

def length_bin(n):
    for edge in (6, 12, 20, 40, 80, 160, 320):
        if n <= edge:
            return edge
    return 999


def is_structural(text):
    """A short line naming a part of a report (主要做法, 存在的问题) and no work area, not a title."""
    return (len(text) <= 30 and bool(STRUCTURAL.search(text)) and title_area(text) is None
            and not is_report_title(text))


def kind_of(text, level):
    """What a reader takes a segment for: the groups the gated features condition on."""
    stripped = text.strip()
    if BOILERPLATE.search(stripped) and len(stripped) <= 80 or DATE_LINE.match(stripped):
        return "boiler"
    if is_structural(stripped):
        return "struct"
    if level is not None and level <= 2:
        return "heading"
    if LIST_ITEM.match(stripped) or ITEM_LEAD.match(stripped):
        return "item_short" if len(stripped) <= 40 else "item"
    if len(stripped) <= 15:
        return "short"
    return "body"


def doc_features(paragraphs, probs, classes, parts):
    """One feature dict (name → value) per segment of a document."""
    n = len(paragraphs)
    texts = [p.text for p in paragraphs]
    headings = [p.heading for p in paragraphs]
    own = scaled_log(probs["own"])
    ctx = scaled_log(probs["ctx"])
    head = probs["head"]
    column = {label: i for i, label in enumerate(classes)}
    areas, is_title = report_title_areas(texts, None, labels=column)
    children = sections(texts, headings, None)
    kinds = [kind_of(p.text, heading_level(p.text)) for p in paragraphs]
    rows = []
    for i, p in enumerate(paragraphs):
        f = {"bias": 1.0}
        stripped = p.text.strip()
        kind = kinds[i]
        if "own" in parts:
            for k, label in enumerate(classes):
                f[f"lp:{label}"] = own[i, k]
            f[f"top={classes[int(np.argmax(own[i]))]}"] = 1.0
            top2 = np.sort(own[i])[-2:]
            f["margin"] = float(top2[1] - top2[0])
        if "ctx" in parts:
            for k, label in enumerate(classes):
                f[f"clp:{label}"] = ctx[i, k]
            f[f"ctop={classes[int(np.argmax(ctx[i]))]}"] = 1.0
        if "nb" in parts:
            for offset, name in ((-1, "prev"), (1, "next"), (-2, "prev2"), (2, "next2")):
                j = i + offset
                if 0 <= j < n:
                    for k, label in enumerate(classes):
                        f[f"{name}:{label}"] = own[j, k]
                else:
                    f[f"{name}:none"] = 1.0
        if "head" in parts:
            if headings[i] and not np.isnan(head[i, 0]):
                hl = scaled_log(head[i])
                for k, label in enumerate(classes):
                    f[f"hlp:{label}"] = hl[k]
                f[f"htop={classes[int(np.argmax(hl))]}"] = 1.0
                f["hstruct"] = float(is_structural(headings[i].strip()))
            else:
                f["nohead"] = 1.0
            if i in children:
                lean = own[children[i]].mean(axis=0)
                for k, label in enumerate(classes):
                    f[f"sec:{label}"] = lean[k]
        if "shape" in parts:
            level = heading_level(p.text)
            f[f"level={level}"] = 1.0
            f[f"len={length_bin(len(stripped))}"] = 1.0
            f[f"pos={min(i, 5)}"] = 1.0
            f[f"fromend={min(n - 1 - i, 3)}"] = 1.0
            f[f"rel={int(10 * i / max(n, 1))}"] = 1.0
            f[f"kind={kind}"] = 1.0
            f[f"end={stripped[-1:] in '。；;！!？?'}"] = 1.0
        if "title" in parts:
            if is_title[i]:
                f["is_title"] = 1.0
                f[f"title_area={areas[i]}"] = 1.0
            elif areas[i] is not None:
                f[f"area={areas[i]}"] = 1.0
            else:
                f["area=none"] = 1.0
        if "marks" in parts:
            f["boiler"] = float(bool(BOILERPLATE.search(stripped)))
            f["struct"] = float(is_structural(stripped))
            f["date"] = float(bool(DATE_LINE.match(stripped)))
            f["enum"] = float(bool(ENUMERATOR.match(stripped)))
        if "gated" in parts:
            # Context by kind of segment: whether a heading, a boilerplate line, a short fragment
            # or a list item takes its neighbours' or its heading's area is learned per kind.
            for k, label in enumerate(classes):
                for j, name in ((i - 1, "prev"), (i + 1, "next")):
                    if 0 <= j < n:
                        f[f"{kind}:{name}:{label}"] = own[j, k]
                if headings[i] and not np.isnan(head[i, 0]):
                    f[f"{kind}:hlp:{label}"] = float(scaled_log(head[i, k]))
                f[f"{kind}:lp:{label}"] = own[i, k]
                if areas[i] is not None:
                    f[f"{kind}:area={areas[i]}"] = 1.0
        rows.append({key: float(value) for key, value in f.items()})
    return rows


def train_crf(sequences, c1, c2, path):
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for xseq, yseq in sequences:
        trainer.append(xseq, yseq)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": 300, "feature.possible_transitions": True,
                        # every (attribute, label) pair, not only those seen together in training
                        "feature.possible_states": True})
    trainer.train(path)
    tagger = pycrfsuite.Tagger()
    tagger.open(path)
    return tagger


def labelled_runs(rows, gold):
    """Maximal runs of segments with a gold label (crfsuite needs a label for every item)."""
    run_x, run_y = [], []
    for row, label in zip(rows, gold):
        if label is None:
            if run_x:
                yield run_x, run_y
            run_x, run_y = [], []
        else:
            run_x.append(row)
            run_y.append(label)
    if run_x:
        yield run_x, run_y


class ExportedCRF:
    """The CRF's weights as arrays (what a data-only model file would hold), decoded by numpy Viterbi."""

    def __init__(self, tagger):
        info = tagger.info()
        self.labels = sorted(info.labels.keys(), key=info.labels.get)
        index = {label: k for k, label in enumerate(self.labels)}
        self.transition = np.zeros((len(self.labels), len(self.labels)))
        for (a, b), weight in info.transitions.items():
            self.transition[index[a], index[b]] = weight
        self.state = {}
        for (attribute, label), weight in info.state_features.items():
            self.state.setdefault(attribute, np.zeros(len(self.labels)))[index[label]] = weight

    def tag(self, rows):
        zero = np.zeros(len(self.labels))
        emit = np.array([sum((value * self.state.get(name, zero) for name, value in row.items()), zero.copy())
                         for row in rows])
        score, back = emit[0].copy(), []
        for t in range(1, len(rows)):
            total = score[:, None] + self.transition
            back.append(total.argmax(axis=0))
            score = total.max(axis=0) + emit[t]
        path = [int(score.argmax())]
        for pointers in reversed(back):
            path.append(int(pointers[path[-1]]))
        return [self.labels[k] for k in reversed(path)]


def outer_training(folds, number, data, paragraphs):
    """(probabilities, gold) of the documents the other outer folds held out, for fold ``number``."""
    train_set = set(folds[number]["train"])
    members = {}
    for m, doc in enumerate(data.docs):
        members.setdefault(doc, []).append(m)
    probs = {}
    for other, fold in enumerate(folds):
        if other != number:
            probs.update({doc: p for doc, p in fold["held_out"].items() if doc in folds[number]["gold"]})
    return probs, {doc: segment_gold(paragraphs[doc], members[doc], data, train_set) for doc in probs}


def run_variant(data, paragraphs, cached_repeats, parts, c1, c2, check_export=False, train_on="inner"):
    """End-to-end scores of the CRF (pooled per repeat) and, once, of the hand-set context."""
    labels = sorted(set(data.labels))
    crf_runs, base_runs, disagreements, started = [], [], 0, time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for folds in cached_repeats:
            crf_pred, base_pred = [None] * len(data), [None] * len(data)
            for number, fold in enumerate(folds):
                classes = fold["classes"]
                sequences = []
                inputs, gold = (fold["inner"], fold["gold"]) if train_on == "inner" else outer_training(
                    folds, number, data, paragraphs)
                for doc, probs in inputs.items():
                    rows = doc_features(paragraphs[doc], probs, classes, parts)
                    sequences.extend(labelled_runs(rows, gold[doc]))
                tagger = train_crf(sequences, c1, c2, os.path.join(tmp, "crf.model"))
                exported = ExportedCRF(tagger) if check_export else None
                test = fold["test"]
                for doc, probs in fold["held_out"].items():
                    segs = paragraphs[doc]
                    rows = doc_features(segs, probs, classes, parts)
                    predicted = tagger.tag(rows)
                    if exported is not None:
                        disagreements += sum(a != b for a, b in zip(predicted, exported.tag(rows)))
                    handset = [classes[k] for k in np.argmax(probs["ctx"], axis=1)]
                    members = [m for m in test if data.docs[m] == doc]
                    spans = [data.spans[m] for m in members]
                    for target, labels_of in ((crf_pred, predicted), (base_pred, handset)):
                        triples = [(p.start, p.end, label) for p, label in zip(segs, labels_of)]
                        for m, label in zip(members, label_by_overlap(spans, triples)):
                            target[m] = label if label is not None else fold["fallback"]
            crf_runs.append(scores(data.labels, crf_pred, labels))
            base_runs.append(scores(data.labels, base_pred, labels))
    return _pool(crf_runs), _pool(base_runs), disagreements, time.time() - started


def row_text(name, pooled, labels):
    runs = ", ".join(f"{r:.4f}" for r in pooled["macro_f1_runs"])
    cells = " | ".join(f"{pooled['per_label'][label]['f1']:.3f}" for label in labels)
    return f"| {name} | **{pooled['macro_f1']:.4f}** | {runs} | {cells} |"


def main(argv=None):
    args = parse_args(argv)
    log = lambda message: print(message, flush=True)  # noqa: E731
    data, groups, paragraphs = load(args.corpus, args.corrections)
    labels = sorted(set(data.labels))
    cached, stage1 = [], []
    for repeat in range(args.repeats):
        result, seconds = cached_probabilities(args, data, groups, paragraphs, repeat, log)
        cached.append(result)
        stage1.append(seconds)
    if args.probabilities_only:
        log("stage 1 seconds per repeat: " + ", ".join(f"{s:.0f}" for s in stage1))
        return
    header = [f"# Sequence CRF vs hand-set context ({args.repeats} repeat(s), {args.folds} folds, seed {args.seed}, "
              f"inner folds {args.inner_folds})", "",
              "| reading | e2e macro-F1 | runs | " + " | ".join(labels) + " |",
              "|---|---|---|" + "---|" * len(labels)]
    lines, baseline = list(header), None
    for variant in args.variants.split(","):
        for c1, c2 in itertools.product([float(c) for c in args.c1.split(",")], [float(c) for c in args.c2.split(",")]):
            crf, base, disagreements, seconds = run_variant(data, paragraphs, cached, FEATURE_SETS[variant], c1, c2,
                                                            args.check_export, args.train_on)
            if baseline is None:
                baseline = base
                lines.append(row_text("hand-set context (today)", base, labels))
                log(lines[-1])
            lines.append(row_text(f"CRF {variant} c1={c1:g} c2={c2:g}"
                                  + (" (trained on outer probabilities)" if args.train_on == "outer" else ""),
                                  crf, labels))
            log(lines[-1] + f"  ({seconds:.0f} s" + (f", export disagreements {disagreements}" if args.check_export
                                                     else "") + ")")
            log(json.dumps({"variant": variant, "c1": c1, "c2": c2, "macro_f1": crf["macro_f1"],
                            "runs": crf["macro_f1_runs"], "seconds": round(seconds, 1),
                            "export_disagreements": disagreements if args.check_export else None}))
    lines += ["", "stage 1 (fits and probabilities) seconds per repeat: "
              + ", ".join(f"{s:.0f}" for s in stage1) + " (0 = read from the cache)"]
    write_table(args.out, lines)


if __name__ == "__main__":
    main()
