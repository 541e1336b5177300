"""Subcommands of the `complaints` CLI; each module exposes ``command`` (see cli.COMMAND_MODULES)."""
