"""`hacon trust` writes to the operator's own known_hosts, never to the global one.

With only `GlobalKnownHostsFile` in the ssh config (a file root manages for every user), 0.1
appended the trusted key there. OpenSSH keeps reading ~/.ssh/known_hosts in that case, and so
does hacon: the key goes there, and the node then works.
"""

from __future__ import annotations

from pathlib import Path

from console.transport.local_server import LocalSshServer
from console.transport.ssh import SshCluster
from console.transport.trust import add_to_known_hosts, fetch_host_key
from tests.transport.helpers import settings_for


async def test_with_only_a_global_known_hosts_file_trust_writes_the_users_file(
        tmp_path: Path, fake_nodes: LocalSshServer) -> None:
    files = fake_nodes.write_client_files(tmp_path, trusted=["node-b"])
    config = files.config.read_text().replace("UserKnownHostsFile", "GlobalKnownHostsFile")
    files.config.write_text(config)
    global_before = files.known_hosts.read_text()
    settings = settings_for(files)
    offer = await fetch_host_key("node-a", settings)
    assert offer.known_hosts_file == Path.home() / ".ssh" / "known_hosts"
    add_to_known_hosts(offer)
    assert files.known_hosts.read_text() == global_before
    async with SshCluster(["node-a", "node-b"], settings) as cluster:
        assert (await cluster.run("node-a", ["true"], timeout=5)).ok
        assert (await cluster.run("node-b", ["true"], timeout=5)).ok
