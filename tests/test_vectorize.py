"""Feature pieces: cue counts, the opening clause, the text features see."""
import numpy as np

from classifier.vectorize import _cue_counts, lead, load_cues, unwrap


def test_cue_counts_equal_counting_every_term():
    texts = ["组织中心组理论学习，开展理论宣讲。", "创建文明城市，志愿服务，文明实践。", "", "无关的文字"]
    cues = load_cues()
    expected = np.log1p(np.array([[sum(t.count(term) for term in cues[area]) for area in sorted(cues)]
                                  for t in texts], dtype=np.float32))
    assert np.array_equal(_cue_counts(texts), expected)
    areas = sorted(cues)
    assert _cue_counts(texts)[0, areas.index("theory")] > 0
    assert _cue_counts(texts)[1, areas.index("civilization")] > _cue_counts(texts)[1, areas.index("theory")]


def test_lead_is_the_opening_clause():
    assert lead("一是加强学习。全年学习十次。") == "一是加强学习"
    assert len(lead("长" * 100)) == 40


def test_unwrap_joins_lines_and_folds_numbers_and_placeholders():
    assert unwrap("开展活动１２次，\n  覆盖xx村") == "开展活动0次,覆盖某村"
    # Any line break a segment can hold is a wrap: CR, CRLF, U+2028, with spaces around it.
    for line_break in ("\r", "\r\n", "\u2028", "\u3000\u2029\xa0"):
        assert unwrap(f"开展理论\n学习{line_break}活动") == "开展理论学习活动"
