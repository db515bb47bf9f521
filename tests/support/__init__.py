"""Helpers shared by the tests of every room: CIB builders, waiting, the status JSON schema."""
