"""cpss-tui: what is due for peer support specialists and their supervisors, at a glance."""

__version__ = "0.1.0"
