"""The one door to external programs (poppler, tesseract) for the readers.

Every call goes through ``run`` so it gets a timeout, a memory cap, a fixed
environment and a private working directory; tests replace ``run`` to count or
fake invocations.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.inbound.readers.common import ReadContext


@dataclass(frozen=True)
class Completed:
    """Outcome of one external program run."""

    returncode: int
    stdout: bytes
    stderr: bytes
    timed_out: bool = False


class ToolMissingError(RuntimeError):
    """A required external program (tesseract, pdftotext...) is not installed."""


_PRLIMIT = shutil.which("prlimit")


def _environment() -> dict[str, str]:
    # One OpenMP thread per tesseract: we parallelise over pages, one process per core.
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "OMP_THREAD_LIMIT": "1",
        "LC_ALL": "C.UTF-8",
    }
    if "TESSDATA_PREFIX" in os.environ:
        env["TESSDATA_PREFIX"] = os.environ["TESSDATA_PREFIX"]
    return env


# Children write their output to files in the private directory; this caps each file.
MAX_OUTPUT_FILE = 256 * 1024 * 1024


def run(args: Sequence[str], *, timeout: float, cwd: Path, memory: int) -> Completed:
    """Run ``args`` in ``cwd``; never raises for a crash or a timeout of the child."""
    if shutil.which(args[0]) is None:
        raise ToolMissingError(f"{args[0]} is not installed")
    argv = list(args)
    if _PRLIMIT is not None:
        # prlimit execs the program, so the timeout kill reaches the program itself.
        argv = [_PRLIMIT, f"--as={memory}", f"--fsize={MAX_OUTPUT_FILE}", "--", *argv]
    if timeout <= 0:
        return Completed(-1, b"", b"no time left", timed_out=True)
    try:
        proc = subprocess.run(
            argv,
            cwd=cwd,
            env=_environment(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        return Completed(-1, exc.stdout or b"", exc.stderr or b"", timed_out=True)
    return Completed(proc.returncode, proc.stdout, proc.stderr)


def run_bounded(args: Sequence[str], ctx: ReadContext, cwd: Path) -> Completed:
    """``run`` within one attachment's bounds: a page's time (never past the
    attachment's deadline) and the memory cap for children."""
    return run(args, timeout=ctx.deadline.timeout(ctx.limits.page_timeout_s), cwd=cwd,
               memory=ctx.limits.max_child_memory)
