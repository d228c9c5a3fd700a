"""Serving the explorer: a local web server on a free port, its address printed.

The server is Werkzeug's threaded WSGI server (Flask's, which Dash runs on) bound to
127.0.0.1 unless ``--host`` says otherwise; port 0 asks the system for a free port, and
the address printed is the one bound. Requests are not logged (``--verbose`` logs them).
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from abm.config import ConfigError
from neocloud_abm.explore.catalog import Catalog

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def url_of(host: str, port: int) -> str:
    """The address a browser opens for ``host`` and ``port``."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(catalog: Catalog, host: str = "127.0.0.1", port: int = 0, *,
          verbose: bool = False, out: TextIO | None = None) -> int:
    """Serve ``catalog`` until interrupted; the address goes to ``out`` (stdout) first.

    A port in use or a host that cannot be bound is a one-line ConfigError.
    """
    from werkzeug.serving import make_server

    from neocloud_abm.explore.app import make_app

    stream = out if out is not None else sys.stdout
    logging.getLogger("werkzeug").setLevel(logging.INFO if verbose else logging.WARNING)
    app = make_app(catalog)
    try:
        server = make_server(host, port, app.server, threaded=True)
    except (OSError, SystemExit) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or "cannot bind"
        raise ConfigError("--port" if port else "--host", f"{host}:{port}",
                          f"cannot listen there ({reason})") from None
    runs, experiments = len(catalog.runs), len(catalog.experiments)
    stream.write(f"explorer: {url_of(host, server.server_port)} ({runs} run"
                 f"{'s' if runs != 1 else ''}, {experiments} experiment"
                 f"{'s' if experiments != 1 else ''}; Ctrl-C to stop)\n")
    if host not in LOCAL_HOSTS:
        stream.write(f"note: listening on {host}, so other machines may reach it; the "
                     "explorer has no login\n")
    stream.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        stream.write("explorer stopped\n")
    finally:
        server.server_close()
    return 0
