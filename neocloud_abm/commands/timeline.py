"""Timeline commands of ``abm``: ``timeline``, ``why`` and ``diff``.

``timeline`` reads a run's events, ``why`` walks the causes (or consequences) of one event
and ``diff`` shows where two runs part.

RUN is a run folder from ``abm run --out DIR``, or one run of an experiment as
``EXPERIMENT_DIR:RUN_ID`` or ``EXPERIMENT_DIR --run RUN_ID``.
"""

from __future__ import annotations

import argparse
import sys

from abm.config import ConfigError
from neocloud_abm.commands.options import whole_number

MAX_MATCHES = 10  # chains printed by ``abm why --kind`` before asking to narrow
RUN_HELP = "a run folder (abm run --out DIR), or EXPERIMENT_DIR:RUN_ID"


_width = whole_number(60)
_positive = whole_number(1)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``abm timeline``, ``abm why`` and ``abm diff``."""
    timeline = sub.add_parser("timeline", help="print a run's events, filtered",
                              description="Print a run's events (dates, company, what "
                              "happened, key figures), filtered by agent, kind and date.")
    timeline.add_argument("run", metavar="RUN", help=RUN_HELP)
    timeline.add_argument("--run", dest="run_id", metavar="RUN_ID", default=None,
                          help="the run of an experiment folder")
    timeline.add_argument("--agent", action="append", default=[], metavar="A",
                          help="events by or about agent A (patterns, comma-separated; "
                          "repeatable)")
    timeline.add_argument("--kind", action="append", default=[], metavar="PATTERN",
                          help="event kinds: 'contract.*', '*.issued', a family such as "
                          "'gpu', '!contract.prepaid' to exclude (comma-separated; repeatable)")
    timeline.add_argument("--since", default=None, metavar="DATE",
                          help="first date, YYYY-MM-DD, YYYY-MM or YYYY (inclusive)")
    timeline.add_argument("--until", default=None, metavar="DATE",
                          help="last date, YYYY-MM-DD, YYYY-MM or YYYY (inclusive)")
    timeline.add_argument("--format", dest="fmt", default="table", metavar="FORMAT",
                          help="table (default), csv or json")
    timeline.add_argument("--limit", type=_positive, default=None, metavar="N",
                          help="print at most N events")
    timeline.add_argument("--width", type=_width, default=100, help="table width (default 100)")
    timeline.set_defaults(handler=handle_timeline)

    why = sub.add_parser("why", help="why an event happened (or, --forward, what it led to)",
                         description="Walk the cause graph from an event back to its root, "
                         "or forward to everything it led to.")
    why.add_argument("run", metavar="RUN", help=RUN_HELP)
    why.add_argument("event", metavar="EVENT_ID", nargs="?", default=None,
                     help="the event id (see abm timeline); or use --kind and --date")
    why.add_argument("--run", dest="run_id", metavar="RUN_ID", default=None,
                     help="the run of an experiment folder")
    why.add_argument("--forward", action="store_true", help="print what the event led to")
    why.add_argument("--depth", type=_positive, default=6, help="--forward: levels (default 6)")
    why.add_argument("--max-events", type=_positive, default=60,
                     help="--forward: events shown (default 60)")
    why.add_argument("--kind", default=None, metavar="PATTERN",
                     help="instead of EVENT_ID: every event of this kind (with --date)")
    why.add_argument("--date", default=None, metavar="DATE",
                     help="with --kind: YYYY-MM-DD, YYYY-MM or YYYY")
    why.add_argument("--width", type=_width, default=100, help="table width (default 100)")
    why.set_defaults(handler=handle_why)

    diff = sub.add_parser("diff", help="where two runs first differ, and by how much",
                          description="The first event where two runs diverge, event counts "
                          "by kind, and the focus company's key metrics at the end.")
    diff.add_argument("run_a", metavar="RUN_A", help=RUN_HELP)
    diff.add_argument("run_b", metavar="RUN_B", help=RUN_HELP)
    diff.add_argument("--width", type=_width, default=100, help="table width (default 100)")
    diff.set_defaults(handler=handle_diff)


def _emit(text: str) -> None:
    """Print, ending quietly if the reader (``head``, ``less``) has gone away."""
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        sys.stderr.close()


def handle_timeline(args: argparse.Namespace) -> int:
    """Print the filtered timeline of a run."""
    from experiments.one_run.folder import resolve_run
    from experiments.one_run.timeline import FORMATS, render, select_events

    if args.fmt not in FORMATS:
        raise ConfigError("--format", args.fmt, f"expected one of {', '.join(FORMATS)}")
    result = resolve_run(args.run, args.run_id)
    chosen = select_events(result.events, agents=args.agent, kinds=args.kind,
                           since=args.since, until=args.until)
    if args.limit is not None:
        chosen = chosen.head(args.limit)
    _emit(render(chosen, args.fmt, width=args.width))
    return 0


def handle_why(args: argparse.Namespace) -> int:
    """Print the causes (or consequences) of one event, or of every event matched."""
    from experiments.one_run.causes import find_events, format_forward, format_why, parse_event_id
    from experiments.one_run.folder import resolve_run

    if args.event is None and args.kind is None:
        raise ConfigError("EVENT_ID", "", "expected an event id, or --kind PATTERN [--date DATE]")
    if args.event is not None and (args.kind or args.date):
        raise ConfigError("EVENT_ID", str(args.event), "expected either an event id or "
                          "--kind/--date, not both")
    if args.date and not args.kind:
        raise ConfigError("--date", args.date, "expected --kind with --date")
    result = resolve_run(args.run, args.run_id)
    events = result.events
    if args.event is not None:
        ids = [parse_event_id(args.event, events)]
    else:
        ids = find_events(events, args.kind, args.date)
        if not ids:
            raise ConfigError("--kind", args.kind, "no event of this kind"
                              + (f" in {args.date}" if args.date else "") + " in this run")
    blocks = []
    for event_id in ids[:MAX_MATCHES]:
        if args.forward:
            blocks.append(format_forward(events, event_id, max_depth=args.depth,
                                         max_events=args.max_events, width=args.width))
        else:
            blocks.append(format_why(events, event_id, width=args.width))
    if len(ids) > MAX_MATCHES:
        blocks.append(f"... and {len(ids) - MAX_MATCHES} more events of this kind; narrow "
                      "with --date or name one EVENT_ID")
    _emit("\n\n".join(blocks))
    return 0


def handle_diff(args: argparse.Namespace) -> int:
    """Print where two runs diverge, counts by kind and the end metrics of the focus."""
    from experiments.one_run.diff import format_diff
    from experiments.one_run.folder import resolve_run, run_label

    a = resolve_run(args.run_a, source="RUN_A")
    b = resolve_run(args.run_b, source="RUN_B")
    _emit(format_diff(a, b, run_label(a, args.run_a), run_label(b, args.run_b),
                      width=args.width))
    return 0
