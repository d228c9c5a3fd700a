"""The ``abm`` command's subcommands, one module per group."""
