"""An embedded demo cluster for `hacon demo`: a pure state machine behind fake SSH nodes.

No Textual and no asyncssh here except in `serve` (import contract in pyproject.toml): the rest
is the "cluster" an in-process SSH server (console.transport.local_server) serves to the real
console, exactly as real nodes serve it.

    config      the CIB configuration (lab-shaped, VIP on TEST-NET-1), immutable per CIB copy
    state       each node's executor: operation history, transient attributes, call-ids
    partition   a corosync membership with its DC, quorum and own CIB copy and version
    scheduler   where ClusterIP and OSIPS should run, and the actions to get there
    executor    one action's outcome recorded as the controller records it
    timings     the lab's timings (standby ~1.5 s, token loss ~5 s, heal ~10 s)
    timeline    injectable clock and events due later (tests jump from event to event)
    cluster     DemoCluster: the state machine and every change and fault
    cib         each node's own `cibadmin -Q`, shaped like the lab's
    membership  each node's `corosync-quorumtool -s`
    handler     DemoHandler: argv in, (exit, stdout, stderr) out, for the SSH server
    tools       crm_attribute and crm_resource on a demo node
    patch       cibadmin --patch with Pacemaker's compare-and-swap
    simulate    crm_simulate previews through the local Pacemaker, when installed
    scenarios   scripted faults for the demo menu and `--scenario`
    serve       the servers, client files, SshCluster and poller; the console launcher
"""

from __future__ import annotations
