"""Worker processes die with the process that started them.

``bot.inbound.intake.prepare`` runs its workers through a forkserver: the workers
are the forkserver's children, not the poller's, and each holds the write
end of the forkserver's "alive" pipe and of the resource tracker's pipe. So
when the poller is killed (``kill -9``, the OOM killer) nothing tells the
workers, and the forkserver and the resource tracker wait for them forever:
three processes left per killed run. Measured: once the workers are gone,
the forkserver and the resource tracker see their pipes close and exit by
themselves, so it is enough that the workers follow the poller.

``follow(pid)`` makes the calling worker exit as soon as process ``pid``
ends: a thread blocks on a pidfd (Linux 5.3+) or, elsewhere, checks every
half second. On Linux, ``PR_SET_PDEATHSIG`` also kills the worker if its
direct parent (the forkserver) dies first.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import select
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1
_POLL_SECONDS = 0.5


def die_with_parent(sig: int = signal.SIGKILL) -> bool:
    """Ask Linux to send ``sig`` to this process when its parent ends; False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return bool(libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) == 0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _wait_for_exit(pid: int) -> None:
    pidfd = None
    with contextlib.suppress(AttributeError, OSError):
        pidfd = os.pidfd_open(pid)
    if pidfd is not None:
        # Readable once the process has ended.
        select.select([pidfd], [], [])
    else:
        while _alive(pid):
            threading.Event().wait(_POLL_SECONDS)
    os._exit(1)


def follow(pid: int) -> None:
    """Exit this process as soon as process ``pid`` ends (a daemon thread watches it)."""
    die_with_parent()
    if not _alive(pid):
        os._exit(1)
    threading.Thread(target=_wait_for_exit, args=(pid,), name="invitebot-lifeline",
                     daemon=True).start()
