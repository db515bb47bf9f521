"""An embedded demo cluster for `hacon demo`: a pure state machine behind fake SSH nodes.

No Textual and no asyncssh here: the package is the "cluster" that an in-process SSH server
(console.transport.local_server) serves to the real console.
"""

from __future__ import annotations
