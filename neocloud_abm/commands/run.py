"""``abm run``: run a world once, print IREN's year-end table and key events, save it."""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
from pathlib import Path

from abm.config import ConfigError
from abm.files import storage_error
from experiments.one_run.report import key_events_table, year_end_table
from neocloud_abm.commands.options import RunOptions, add_run_options, run_options


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``abm run``."""
    parser = sub.add_parser("run", help="run a world once and write a run folder")
    add_run_options(parser)
    parser.add_argument("--out", type=Path, default=None,
                        help="run folder (default: runs/WORLD-sSEED-TIMESTAMP)")
    parser.add_argument("--force", action="store_true", help="write into a non-empty folder")
    parser.set_defaults(handler=handle)


def out_folder(out: Path | None, default_name: str, force: bool) -> Path:
    """The folder to write: refuses a file, or a non-empty folder without ``force``."""
    if out is None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        out = Path("runs") / f"{default_name}-{stamp}"
    if out.exists() and not out.is_dir():
        raise ConfigError("--out", str(out), "expected a folder, found a file")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ConfigError("--out", str(out), "folder is not empty; pass --force to overwrite")
    return out


def model_failed(exc: Exception, opts: RunOptions, out: Path) -> int:
    """Write the traceback into the run folder and say in one line what broke (exit 1)."""
    from experiments.many.specs import rerun_command
    from worlds.failures import failure_of, traceback_text

    failure = failure_of(exc)
    path = out / "traceback.txt"
    try:
        out.mkdir(parents=True, exist_ok=True)
        path.write_text(traceback_text(exc, failure))
    except OSError as err:
        raise ConfigError("--out", str(out), str(storage_error(err, err.filename or out))) from None
    rerun = rerun_command(opts.world, opts.seed, opts.until, opts.scenarios, opts.overrides)
    sys.stderr.write(f"abm: the run failed inside the model: "
                     f"{failure.line(opts.seed, path, rerun)}\n")
    return 1


def handle(args: argparse.Namespace) -> int:
    """Run, print, save."""
    from worlds.run import run_world

    opts = run_options(args)
    out = out_folder(args.out, f"{Path(opts.world).stem}-s{opts.seed}", args.force)
    try:
        result = run_world(opts.world, opts.seed, opts.until, opts.overrides,
                           scenarios=opts.scenarios)
    except ConfigError:
        raise
    except Exception as exc:  # a bug in the model, not a mistake of the user's
        return model_failed(exc, opts, out)
    focus = result.meta["focus"]
    print(f"{result.meta['world']} seed {opts.seed}, {result.meta['start_date']} to "
          f"{result.meta['until']}: {len(result.events)} events\n")
    print(year_end_table(result.path, focus))
    print()
    print(key_events_table(result.events, focus))
    from experiments.one_run.plots import write_run_plots  # lazy: the cli sits on top of the layers

    fresh = not out.exists()
    try:
        result.save(out)
        print(f"\nrun folder: {out}")
        for picture in write_run_plots(result, out):
            print(f"picture: {picture}")
    except OSError as exc:  # a full disk, a read-only folder: one line naming the file
        detail = storage_error(exc, exc.filename or out)
        if fresh:  # a half-written run folder of ours: gone, so the same command can rerun
            shutil.rmtree(out, ignore_errors=True)
        raise ConfigError("--out", str(out), str(detail)) from None
    return 0
