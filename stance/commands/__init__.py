"""Subcommands of the ``stance`` CLI, one module each (see ``stance.cli``)."""
