"""``classifier labels``: the six work areas, their Chinese names, what each covers and typical cues,
from the description the package ships (``resources/labels.json``)."""
from __future__ import annotations

import json
import sys


def add_parser(subparsers) -> None:
    """The ``labels`` command's arguments."""
    labels = subparsers.add_parser("labels", help="describe the work areas the default labels stand for",
                                   description="Print the six work areas: label, Chinese name, what "
                                               "belongs there and typical cue words.")
    labels.add_argument("--format", choices=("table", "json"), default="table")


def areas() -> list:
    """[{id, chinese, definition, cues}] of ``resources/labels.json``, in the README's order."""
    import os

    from ..resources import FOLDER

    with open(os.path.join(FOLDER, "labels.json"), encoding="utf-8") as handle:
        return json.load(handle)["areas"]


def run(args) -> int:
    """Print the areas as text or JSON."""
    import textwrap

    described = areas()
    if args.format == "json":
        print(json.dumps(described, ensure_ascii=False, indent=2))
        return 0
    for area in described:
        sys.stdout.write(f"{area['id']} {area['chinese']}\n")
        sys.stdout.write(textwrap.fill(area["definition"], 88, initial_indent="  ", subsequent_indent="  ") + "\n")
        sys.stdout.write("  cues: " + "、".join(area["cues"]) + "\n\n")
    return 0
