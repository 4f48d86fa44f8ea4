"""``inl-desktop demo``: realistic demonstration data, the same for the same seed."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from inl_desktop.cli.common import EXIT_OK, opened, user_of

if TYPE_CHECKING:
    from inl_desktop.cli.common import Commands


def add_parser(commands: Commands, common: argparse.ArgumentParser) -> None:
    """The ``demo`` command's arguments."""
    demo = commands.add_parser(
        "demo", parents=[common], help="fill the database with realistic demonstration data"
    )
    demo.add_argument(
        "--seizures",
        type=non_negative,
        default=1000,
        metavar="N",
        help="seizure drug items to add (in events of 1 to 4 items)",
    )
    demo.add_argument(
        "--trainings",
        type=non_negative,
        default=100,
        metavar="M",
        help="training sessions to add (with about 10 persons per session)",
    )
    demo.add_argument(
        "--post",
        metavar="CODE",
        help="post code to set up when the database has none (default PK-ISB)",
    )
    demo.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")


def non_negative(text: str) -> int:
    """A count as typed ("10_000" and "10,000" too); argparse says why one is refused."""
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative")
    return value


def run(args: argparse.Namespace) -> int:
    """Add the data, showing progress on stderr, and say what was added."""
    import time

    from inl_desktop.services.demo import generate_demo
    from inl_desktop.services.setup import set_up_post

    with opened(args.db, "demo", user=user_of(args)) as database:
        ctx = database.ctx
        if ctx.post_or_none() is None:
            code = (args.post or "PK-ISB").upper()
            set_up_post(ctx, code, code.split("-")[0])
        started = time.perf_counter()

        def progress(done: int, total: int, what: str) -> None:
            print(f"\r{what}: {done:,} of {total:,}", end="", file=sys.stderr, flush=True)

        result = generate_demo(
            ctx,
            seizure_items=args.seizures,
            trainings=args.trainings,
            seed=args.seed,
            progress=progress,
        )
    print(file=sys.stderr)
    print(
        f"Added {result.seizure_events:,} seizure events with {result.seizure_items:,} items, "
        f"{result.trainings:,} training sessions, {result.persons:,} persons and "
        f"{result.enrollments:,} enrollments in {time.perf_counter() - started:.1f} s."
    )
    return EXIT_OK
