"""The ``nbgate`` command. Subcommands are imported only when invoked: start-up time counts.

Errors nbgate understands (``NbgateError``) print one line and exit with their code;
anything else prints one line too (set ``NBGATE_DEBUG=1`` for the traceback) and exits 2.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from nbgate.errors import ExitCode, NbgateError

__all__ = ["cli", "main"]

# name -> "module:attribute" of a click.Command. Adding a step = adding a line here.
SUBCOMMANDS: dict[str, str] = {
    "run": "nbgate.cli.run:command",
    "clone": "nbgate.cli.clone:command",
    "execute": "nbgate.cli.execute:command",
    "compare": "nbgate.cli.compare:command",
    "probe": "nbgate.cli.probe:command",
    "report": "nbgate.cli.report:command",
    "gate": "nbgate.cli.gate:command",
    "preflight": "nbgate.cli.preflight:command",
    "schema": "nbgate.cli.schema:command",
    "compile": "nbgate.cli.compile:command",
    "submit": "nbgate.cli.submit:command",
    "notify": "nbgate.cli.notify:command",
    "export": "nbgate.cli.export:command",
    "train": "nbgate.cli.train:command",
    "serve": "nbgate.cli.serve:command",
    "rollout": "nbgate.cli.rollout:command",
    "promote": "nbgate.cli.promote:command",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(SUBCOMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in SUBCOMMANDS:
            module_name, attr = SUBCOMMANDS[cmd_name].split(":")
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name and exc.name.startswith("nbgate.cli"):
                    return None  # a step not shipped in this install
                raise NbgateError(
                    f"'nbgate {cmd_name}' needs the Python package {exc.name!r}: "
                    f"install nbgate with the extra for this step (pip install 'nbgate[all]')"
                ) from None
            command: click.Command = getattr(module, attr)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nbgate")
def cli() -> None:
    """nbgate: validate notebooks — clone, execute, golden-compare, probe endpoints, report.

    Exit codes: 0 passed, 1 validation failed, 2 could not run (bad input), 3 transient error.
    """


def main(argv: list[str] | None = None) -> int:
    try:
        result: Any = cli.main(args=argv, prog_name="nbgate", standalone_mode=False)
    except NbgateError as exc:
        click.echo(f"nbgate: error: {exc.message}", err=True)
        return int(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("nbgate: aborted", err=True)
        return 130
    except click.ClickException as exc:
        # Usage errors: one line naming the bad option, exit 2 (click's own convention too).
        click.echo(f"nbgate: error: {exc.format_message()}", err=True)
        return int(ExitCode.INPUT_ERROR)
    except KeyboardInterrupt:
        click.echo("nbgate: interrupted", err=True)
        return 130
    except Exception as exc:
        if os.environ.get("NBGATE_DEBUG"):
            raise
        click.echo(
            f"nbgate: internal error: {type(exc).__name__}: {' '.join(str(exc).split())} "
            "(set NBGATE_DEBUG=1 for the traceback)",
            err=True,
        )
        return int(ExitCode.INPUT_ERROR)
    return int(result) if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())


def entrypoint() -> None:
    """Console-script entry point."""
    code = main()
    _exit_now(code)


def _exit_now(code: int) -> None:
    """Exit without the interpreter's teardown, once nothing is left for it to do.

    Freeing the ~1,500 modules a run imports takes the interpreter 0.1–0.2 s after the last
    line of nbgate's work: a tenth of a small validation. Every file nbgate writes is closed
    by the time ``main`` returns, so when no other thread is running, nbgate runs the exit
    handlers itself (stopping leftover kernels, flushing logs), flushes its streams and
    leaves. Anything else (a thread still running) takes the ordinary, complete exit.
    """
    import atexit
    import contextlib
    import threading

    if any(not t.daemon for t in threading.enumerate() if t is not threading.current_thread()):
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code)
