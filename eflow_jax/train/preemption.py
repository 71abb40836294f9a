"""SIGTERM / SIGINT / SIGUSR1 -> "checkpoint at the next step boundary and exit", agreed by all processes.

Schedulers (SLURM, Kubernetes, Cloud TPU maintenance) send SIGTERM some seconds before they kill
a job; SLURM's `--signal=USR1@90` sends SIGUSR1 instead, so it is handled the same way. The
handler only sets a flag; the train loop polls `should_stop(step)` between steps, saves, and
returns. With several processes all of them must stop at the same step (a checkpoint is a
collective write), so the flag is OR-ed across processes every `check_every` steps, the only
host-level collective this adds. A second signal while the first is being handled restores the
default behaviour, so an impatient Ctrl-C twice still kills the run at once.
"""
import signal
import threading

import jax
import numpy as np

SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGUSR1)
EXIT_CODE = 75          # EX_TEMPFAIL: "stopped early, rerun to continue" (see README, Operations)


class PreemptionGuard:
  """Context manager: while active, SIGTERM/SIGINT request a clean stop instead of killing."""

  def __init__(self, check_every: int = 1):
    self.check_every = max(1, int(check_every))
    self.received: int | None = None
    self._previous = {}

  def __enter__(self):
    if threading.current_thread() is threading.main_thread():   # signal handlers: main thread only
      for sig in SIGNALS:
        self._previous[sig] = signal.signal(sig, self._handle)
    return self

  def __exit__(self, *exc):
    for sig, handler in self._previous.items():
      signal.signal(sig, handler)
    self._previous = {}
    return False

  def _handle(self, signum, frame):
    if self.received is not None:                 # second signal: give up on a clean stop
      self.__exit__()
      signal.raise_signal(signum)
      return
    self.received = signum

  @property
  def signal_name(self) -> str:
    return signal.Signals(self.received).name if self.received is not None else ""

  def should_stop(self, step: int) -> bool:
    """True when this (and, multi-process, every) process should checkpoint after `step` and stop."""
    if jax.process_count() == 1:
      return self.received is not None
    if step % self.check_every:
      return False
    from jax.experimental import multihost_utils
    flags = multihost_utils.process_allgather(np.int32(self.received is not None))
    stop = bool(np.any(flags))
    if stop and self.received is None:
      self.received = signal.SIGTERM              # another process was signalled
    return stop
