"""Unpacking the CIB the way Pacemaker's unpack.c does.

Node states (`nodes`), each node's operation history (`history`, `ops`, `outcomes`,
`migrations`, `onfail`), where resources run (`placement`, `freeze`), failcounts and failures,
bundles, tickets, the resource configuration and its meta-attributes (`resources_config`,
`properties`, `setrules`), and the mutable working state they share (`runtime`, `world`).
`derive` drives the walk; `console.model.snapshot.parse_cib` freezes the result.
"""
