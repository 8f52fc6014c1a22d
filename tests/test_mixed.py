"""The pieces a paragraph is read in for its secondary label, and the label guide's share rule."""
from classifier.mixed import pieces, share_label

LABELS = ["media", "other", "theory"]


def _texts(text, **kwargs):
    return [text[a:b] for a, b in pieces(text, **kwargs)]


def test_sentences_and_semicolons_end_pieces_that_cover_the_text():
    text = "党委中心组开展专题学习十二次；班子成员撰写心得体会。在县报刊发新闻稿件二十篇！"
    assert _texts(text) == ["党委中心组开展专题学习十二次；", "班子成员撰写心得体会。", "在县报刊发新闻稿件二十篇！"]
    assert "".join(_texts(text)) == text


def test_list_items_inside_a_sentence_are_pieces_and_short_ones_join_a_neighbour():
    text = "全年做好两项工作：一是抓好理论学习，组织中心组学习十二次，二是抓好新闻宣传，刊发稿件三十篇。"
    assert _texts(text) == ["全年做好两项工作：一是抓好理论学习，组织中心组学习十二次，", "二是抓好新闻宣传，刊发稿件三十篇。"]
    assert _texts("短句。也短。这是一个比较长的句子内容。") == ["短句。也短。这是一个比较长的句子内容。"]
    assert _texts("短句。也短。这是一个比较长的句子内容。", min_piece=0) == ["短句。", "也短。", "这是一个比较长的句子内容。"]


def test_the_area_of_a_third_of_the_characters_is_second_when_its_pieces_are_sure():
    rows = [[0.05, 0.05, 0.9], [0.8, 0.1, 0.1]]
    assert share_label(rows, [60, 40], LABELS, {"theory", "other"}, share=0.33) == "media"
    assert share_label(rows, [80, 20], LABELS, {"theory", "other"}, share=0.33) is None
    assert share_label(rows, [60, 40], LABELS, {"theory", "other"}, share=0.33, confidence=0.85) is None
    # the fallback label is never second, however much text it holds
    assert share_label([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1]], [50, 50], LABELS, {"media", "other"}, 0.3) is None


def test_runners_up_are_those_of_max_over_value_then_first_column():
    import random

    from classifier.mixed import _runners_up

    rng = random.Random(3)
    labels = ["a", "b", "other", "d"]
    rows = [[rng.choice([0.0, 0.1, 0.25, 0.4, rng.random()]) for _ in labels] for _ in range(2000)]
    for fallback in ("other", None, "a"):
        expected = []
        for number, row in enumerate(rows):
            best = max(range(len(row)), key=lambda k: (row[k], -k))
            rest = [k for k in range(len(row)) if k != best and labels[k] != fallback]
            runner = max(rest, key=lambda k: (row[k], -k))
            if row[runner] >= 0.25:
                expected.append((number, best, runner))
        assert list(_runners_up(rows, labels, fallback, 0.25)) == expected
    assert list(_runners_up([], labels, "other", 0.25)) == []
    assert list(_runners_up([[0.5, 0.5]], ["x", "other"], "other", 0.0)) == []
