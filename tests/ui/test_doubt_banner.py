"""The banner at the worst moments: the doubt in words, and holders from every partition."""

from __future__ import annotations

from console.presentation.banner import alert_lines, vip_lines
from console.model.live.verdict import build_live_snapshot
from tests.model.test_partitions import SEEN, cut_holder, fenced_node_a, standby_dc_cut


def texts(lines: list) -> list[str]:  # type: ignore[type-arg]
    return ["".join(cell.text for cell in line.text) for line in lines]


def test_the_doubt_is_said_in_words_on_the_alert_background() -> None:
    live = cut_holder()
    lines = alert_lines(live, now=SEEN + 22, stale_after=15)
    said = texts(lines)
    assert said[0] == "UNCERTAIN: a node hacon cannot reach may still hold a VIP"
    doubt = next(line for line in lines if texts([line])[0].startswith("DOUBT: "))
    assert doubt.alert
    assert texts([doubt])[0].endswith("it held 192.168.122.100 then; with fencing off it may "
                                      "still hold it: split brain cannot be ruled out")
    [vip] = texts(vip_lines(live))
    assert "ClusterIP on node-b" in vip and "MAY ALSO BE ON node-a (unreachable)" in vip


def test_a_fencing_since_turns_the_doubt_into_a_calm_resolved_line() -> None:
    live = cut_holder(fencing=(fenced_node_a("2026-12-06 12:01:10Z"),), stonith=True)
    lines = alert_lines(live, now=SEEN + 22, stale_after=15)
    resolved = [line for line in lines if texts([line])[0].startswith("RESOLVED: ")]
    assert len(resolved) == 1 and not resolved[0].alert
    assert "fenced by node-b at " in texts(resolved)[0]
    assert not any(text.startswith(("DOUBT", "UNCERTAIN")) for text in texts(lines))


def test_the_vip_line_names_the_serving_side_even_when_the_idle_side_is_shown() -> None:
    from dataclasses import replace

    views, cibs = standby_dc_cut()
    views["node-b"] = replace(views["node-b"], addresses=None)
    live = build_live_snapshot(views, cibs, 1.0)
    assert live.source_node == "node-a"
    [vip] = texts(vip_lines(live))
    assert "ClusterIP on node-b" in vip and "NO NODE" not in vip


def test_a_failed_fencing_nothing_replaced_is_an_alert_and_a_superseded_one_is_not() -> None:
    from dataclasses import replace

    from console.model.live.fencing import parse_fence_history
    from tests.model.test_fencing import HISTORY, fence_cluster
    from tests.support.live_views import view

    cluster = fence_cluster()
    failed, success = parse_fence_history(HISTORY)

    def alerts(*events: object) -> list[str]:
        views = {name: replace(view(name), fence_history=events) for name in ("node-a", "node-b")}
        live = build_live_snapshot(views, {"node-a": cluster, "node-b": cluster}, 100.0)
        return texts(alert_lines(live, now=100.0, stale_after=15))

    assert ("FENCING FAILED: reboot of node-b by node-a: failed at 2026-12-06 08:09:20Z "
            "(fence_lab: switch unreachable)") in alerts(failed)
    assert not any(text.startswith("FENCING FAILED") for text in alerts(failed, success))


def test_the_vip_line_says_who_answers_arp_and_how_many_sip_probes_were_answered() -> None:
    from console.model.live.client_view import ClientProbes, NodeClientProbe, SipAnswer
    from tests.model.test_client_view import CIBS, MAC_A, MAC_B

    views, _ = standby_dc_cut()
    ok = SipAnswer(True, "SIP/2.0 200 OK", "fake-opensips (node-b)", 1.0)
    probes = ClientProbes({"node-a": NodeClientProbe({"ClusterIP": (MAC_B,)}, {"ClusterIP": ok},
                                                     {"eth0": MAC_A}),
                           "node-b": NodeClientProbe({"ClusterIP": ()}, {"ClusterIP": ok},
                                                     {"eth0": MAC_B})})
    live = build_live_snapshot(views, {"node-b": CIBS["node-b"]}, 1.0, None, probes)
    [line] = vip_lines(live)
    assert texts([line])[0].endswith(" · LAN: ARP node-b · SIP 2/2")
