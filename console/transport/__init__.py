"""Reaching cluster nodes: the only package that uses SSH (asyncssh). Never Textual.

Nothing is imported eagerly, so `console.transport.base` (the contract) stays importable
without asyncssh. The modules:

- `base`: the contract: `CommandRunner`, `CommandResult`, `NodeUnreachable` (+ `FailureKind`,
  `CommandTimedOut`, `HostKeyRefused`), the connection states the UI shows.
- `commands`: argv builders and `remote_command()` (`env LC_ALL=C`, `shlex.join`, a node-side
  `timeout`).
- `batch`: several commands in one SSH session, split back per command (`run_batch`).
- `ssh`: `NodeSession` (one connection per node: keepalive, session cap, backoff, streams) and
  `SshCluster` (a `CommandRunner` over all nodes, with the shared `-J` chain).
- `ssh_config`, `connector`, `ssh_errors`, `stream`: settings from OpenSSH's config, opening a
  connection, one-line reasons for failures, long-running command output.
- `trust`: `hacon trust HOST` (fetch a host key, show its SHA256 fingerprint, record it).
- `local_server` (+ `local_sessions`): fake nodes over real SSH on 127.0.0.1, for `hacon demo`
  and the tests.
- `poller`, `probes`, `file_source`: live polling built on the above (see those modules).
"""
