"""Constraints and the rules inside them.

`parse` reads the constraints section (with `resource_refs` resolving templates and tags, and
`targets` naming what a constraint applies to); `rules` and `dates` evaluate rule expressions as
Pacemaker does; `rule_nodes` and `bans` turn location constraints into crm_mon's bans.
"""
