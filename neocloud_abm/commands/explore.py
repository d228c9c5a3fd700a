"""``abm explore``: runs, timelines and experiments in the browser.

It checks every folder given (a run folder, an experiment folder or
``EXPERIMENT_DIR:RUN_ID``; a missing or unreadable one is one line and exit 2), then serves
them read-only on 127.0.0.1 at a free port and prints the address.
"""

from __future__ import annotations

import argparse

_PORT_RANGE = (0, 65535)
HELP = "runs and experiments in the browser (a local web app)"
DESCRIPTION = ("Serve run folders and experiment folders (also EXPERIMENT_DIR:RUN_ID) in the "
               "browser: paths, timelines and cause chains of runs; fan charts, summaries and "
               "analyses of experiments. Read-only; it binds to 127.0.0.1 by default.")


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 0 (a free one) to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not _PORT_RANGE[0] <= value <= _PORT_RANGE[1]:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {value}")
    return value


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``abm explore``."""
    explore = sub.add_parser("explore", help=HELP, description=DESCRIPTION)
    explore.add_argument("paths", nargs="+", metavar="PATH",
                         help="a run folder, an experiment folder, or EXPERIMENT_DIR:RUN_ID")
    explore.add_argument("--host", default="127.0.0.1",
                         help="address to listen on (default 127.0.0.1: this machine only)")
    explore.add_argument("--port", type=port_number, default=0,
                         help="port to listen on (default 0: a free port, printed)")
    explore.add_argument("--verbose", action="store_true", help="log every request")
    explore.set_defaults(handler=handle_explore)


def handle_explore(args: argparse.Namespace) -> int:
    """Open the folders, then serve them until Ctrl-C."""
    from neocloud_abm.explore.catalog import open_catalog
    from neocloud_abm.explore.server import serve

    catalog = open_catalog(args.paths)
    return serve(catalog, args.host, args.port, verbose=args.verbose)
