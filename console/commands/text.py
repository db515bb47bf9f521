"""Text that is safe to print: nothing from the CIB may drive the operator's terminal.

The sanitizer itself lives in `console.model.text_safety`, where the console uses it too.
"""

from __future__ import annotations

import json
import sys

from console.model.text_safety import json_inert, printable

__all__ = ["printable", "write_json"]


def write_json(document: object) -> None:
    """Print a JSON document: indented for a person at a terminal, compact for scripts.

    Control, format and bidi characters are written as ``\\u`` escapes: the data stays exact,
    and a terminal never interprets them. Python's C encoder is used only without indent; on a
    big cluster's document it is several times faster, which `hacon status --json` in a
    monitoring loop notices.
    """
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json_inert(json.dumps(document, indent=indent, ensure_ascii=False)))
    sys.stdout.write("\n")
