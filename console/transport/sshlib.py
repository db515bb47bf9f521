"""asyncssh, imported in one place with its dependency's deprecation noise silenced.

asyncssh still references DSA keys at import time, and `cryptography` (from 48 on) warns about
DSA with a `CryptographyDeprecationWarning` on every such reference: a screen of warnings on
stderr above whatever hacon prints. Those warnings are about asyncssh's code, not hacon's, and an
operator can do nothing about them. So exactly that category, raised from asyncssh's modules,
is ignored while asyncssh is first imported; every other warning still shows. Every transport
module takes asyncssh from here (`from console.transport.sshlib import asyncssh`), so whichever
of them is imported first, the import is the quiet one.
"""

from __future__ import annotations

import warnings

from cryptography.utils import CryptographyDeprecationWarning

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", category=CryptographyDeprecationWarning,
                            module=r"asyncssh(\.|$)")
    import asyncssh

__all__ = ["asyncssh"]
