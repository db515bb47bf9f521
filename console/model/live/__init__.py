"""What hacon sees live, across every node at once.

`snapshot` holds the types (each node's own view, the verdict, the kernel's truth about VIPs);
`node_view` builds one node's own view from its probe output; `verdict` compares the views;
`events` diffs successive snapshots; `advisories` are the warnings an operator should read;
`export` is the live part of `hacon status --json`.
"""
