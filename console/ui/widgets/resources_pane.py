"""ResourcesPane: groups and clones as a tree, with role, nodes, problems and failcounts."""

from __future__ import annotations

from console.ui.widgets.keyed_table import KeyedTable


class ResourcesPane(KeyedTable):
    """Every configured resource; the VIP and the services colocated with it are marked."""

    COLUMNS = (("resource", "Resource"), ("role", "Role"), ("nodes", "Node"),
               ("status", "Status"), ("fails", "Failcount"), ("vip", "VIP"), ("type", "Type"))
    PANE_TITLE = "Resources"
