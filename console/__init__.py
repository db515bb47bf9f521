"""hacon: a keyboard-driven terminal console for Pacemaker/Corosync clusters."""

__version__ = "0.1.0"
