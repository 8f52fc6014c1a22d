"""The default label set of ../shared/LABELS.md, with the Chinese names shown to people."""

DEFAULT_LABELS = ("theory", "ideology", "media", "civilization", "culture", "other")

CHINESE_NAMES = {
    "theory": "理论学习",
    "ideology": "意识形态",
    "media": "新闻宣传",
    "civilization": "精神文明",
    "culture": "文化建设",
    "other": "其他",
}


def display_name(label: str) -> str:
    """``theory`` → ``theory 理论学习``; a user's own label is shown as it is."""
    name = CHINESE_NAMES.get(label)
    return f"{label} {name}" if name else label


def in_guide_order(labels) -> list:
    """The default areas in the guide's order (other last), then a user's own labels as given."""
    labels = list(dict.fromkeys(labels))
    return ([label for label in DEFAULT_LABELS if label in labels]
            + [label for label in labels if label not in DEFAULT_LABELS])
