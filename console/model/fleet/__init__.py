"""Many clusters at once, and what monitoring asks of one: pure functions over LiveSnapshots.

    check       the Monitoring Plugins verdict (OK/WARNING/CRITICAL/UNKNOWN) of one cluster
    failovers   VIP starts recorded in a CIB's status section (the check's failover count)
    rows        one overview row per cluster, worst first (its cells: console.presentation.fleet)
    prometheus  the Prometheus text exposition of every cluster's row
    changes     what changed between two snapshots of a cluster (for the notify hook)
"""

from __future__ import annotations
