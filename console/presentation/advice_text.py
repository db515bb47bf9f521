"""Advisories for `hacon status`: its text section and its JSON, in the same words and
next steps as the console's Failures & advisories rows."""

from __future__ import annotations

from console.model.cluster import ClusterSnapshot
from console.model.live.advisories import Advisory, cluster_advisories
from console.presentation.advice import next_step


def file_advisories(snapshot: ClusterSnapshot) -> tuple[Advisory, ...]:
    """The advisories of a CIB read on its own (a file, `hacon status`): exactly what the
    console shows for the same file (no node was asked, so corosync's two_node is unknown)."""
    return cluster_advisories(snapshot, two_node=None)


def advisory_text_lines(snapshot: ClusterSnapshot,
                        advisories: tuple[Advisory, ...] | None = None) -> list[str]:
    """`hacon status`'s Advisories section: severity, the sentence, the command that resolves
    it (the console's rows say the same sentence with the key). Without `advisories`, those
    of the CIB alone (a file)."""
    lines: list[str] = []
    for advisory in file_advisories(snapshot) if advisories is None else advisories:
        lines.append(f"{advisory.severity.value:<8}  {advisory.text}")
        lines.append(f"{'':<8}  next: {next_step(advisory, snapshot).command}")
    return lines


def advisories_document(snapshot: ClusterSnapshot,
                        advisories: tuple[Advisory, ...] | None = None
                        ) -> list[dict[str, str | None]]:
    """The advisories as JSON: code, severity, subject, text, the console keys, the command.
    Without `advisories`, those of the CIB alone (a file)."""
    document: list[dict[str, str | None]] = []
    for advisory in file_advisories(snapshot) if advisories is None else advisories:
        step = next_step(advisory, snapshot)
        document.append({"code": advisory.code, "severity": advisory.severity.value,
                         "subject": advisory.subject, "text": advisory.text,
                         "keys": step.keys, "command": step.command})
    return document
