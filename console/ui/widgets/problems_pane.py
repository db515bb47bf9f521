"""ProblemsPane: failed operations, then advisories by severity."""

from __future__ import annotations

from console.ui.widgets.keyed_table import KeyedTable


class ProblemsPane(KeyedTable):
    """Failures and advisories: what an experienced operator would warn about."""

    COLUMNS = (("severity", "Severity"), ("text", "Finding"))
    PANE_TITLE = "Failures & advisories"
