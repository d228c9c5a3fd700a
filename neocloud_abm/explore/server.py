"""Serving the explorer: a local web server on a free port, its address printed.

The server is Werkzeug's threaded WSGI server (Flask's, which Dash runs on) bound to
127.0.0.1 unless ``--host`` says otherwise; port 0 asks the system for a free port, and
the address printed is the one bound. Requests are not logged (``--verbose`` logs them).
"""

from __future__ import annotations

import logging
import socket
import sys
from typing import TextIO

from abm.config import ConfigError
from neocloud_abm.explore.catalog import Catalog

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def url_of(host: str, port: int) -> str:
    """The address a browser opens for ``host`` and ``port``."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host``:``port`` (0: a free port); a ConfigError if it cannot.

    Made here, not by Werkzeug, whose own answer to a busy port is several lines and an exit.
    """
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise ConfigError("--host", host, f"cannot listen there ({exc.strerror or exc})") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ConfigError("--port" if port else "--host", f"{host}:{port}",
                          f"cannot listen there ({exc.strerror or exc})") from None
    return sock


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
    listening = listen(host, port)
    server = make_server(host, port, app.server, threaded=True, fd=listening.fileno())
    runs, experiments = len(catalog.runs), len(catalog.experiments)
    stream.write(f"explorer: {url_of(host, int(listening.getsockname()[1]))} ({runs} run"
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
        listening.close()
    return 0
