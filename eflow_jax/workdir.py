"""The run directory a trainer writes to: checked before anything compiles, and locked.

A trainer holds `WorkdirLock` on its run directory, so a second trainer started on the same workdir
(a resubmitted job) stops with one line instead of deleting the first one's in-flight writes
(checkpoint.py cleans stale temporary directories when it opens the checkpoints).
"""
import errno
import fcntl
import os
import shutil
import socket
import sys
import time

import jax
import numpy as np

from eflow_jax.checkpoint import first_line


class WorkdirLockedError(OSError):
  """Another trainer holds the run directory's lock (README, Operations: exit 4)."""


class WorkdirLock:
  """An exclusive `flock` on <workdir>/.lock for the life of a trainer (process 0 of a job).

  The kernel drops the lock when the process dies, kill -9 included, so no stale lock survives a
  crash. The file names the holder (host, pid, start time) for the one-line error of a second trainer.
  """

  def __init__(self, workdir: str):
    self.path = os.path.join(workdir, ".lock")
    self._file = None

  def acquire(self) -> None:
    f = open(self.path, "a+")
    try:
      fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as e:
      if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):   # flock unsupported (some
        f.close()                                                          # NFS / Lustre mounts)
        print(f"warning: cannot lock {self.path} ({first_line(e)}); nothing stops a second trainer from "
              f"using this workdir at the same time.", file=sys.stderr, flush=True)
        return
      f.seek(0)
      holder = f.read().strip() or "another process"
      f.close()
      raise WorkdirLockedError(f"another trainer ({holder}) is running in {os.path.dirname(self.path)}; "
                               f"wait for it to end or choose another --workdir.") from None
    f.seek(0)
    f.truncate()
    f.write(f"host {socket.gethostname()}, pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S')}")
    f.flush()
    self._file = f

  def release(self) -> None:
    if self._file is not None:
      fcntl.flock(self._file, fcntl.LOCK_UN)
      self._file.close()
      self._file = None


def lock(workdir: str) -> WorkdirLock | None:
  """Process 0 locks the run directory; every process learns whether it got it (all stop if not)."""
  lock, error = None, None
  if jax.process_index() == 0:
    lock = WorkdirLock(workdir)
    try:
      lock.acquire()
    except WorkdirLockedError as e:
      error = e
  if jax.process_count() > 1:
    from jax.experimental import multihost_utils
    got = multihost_utils.broadcast_one_to_all(np.int32(error is None))
    if not int(got) and error is None:
      error = WorkdirLockedError(f"another trainer is running in {workdir} (process 0 could not lock it).")
  if error is not None:
    raise error
  return lock


def check_writable(workdir: str) -> None:
  """Before training: the run directory must be creatable and writable (one-line error if not)."""
  probe = os.path.join(workdir, f".write_probe_{os.getpid()}")
  try:
    os.makedirs(workdir, exist_ok=True)
    with open(probe, "w") as f:
      f.write("ok")
    os.remove(probe)
  except OSError as e:
    raise OSError(f"--workdir={workdir} is not writable ({first_line(e)}); choose another directory "
                  f"or fix its permissions.") from None


def check_free_space(workdir: str, state, *, copies: int = 2) -> None:
  """Before training: room for `copies` checkpoints of `state` (one is written while one is kept)."""
  need = copies * sum(int(np.prod(np.shape(x))) * np.dtype(x.dtype).itemsize for x in jax.tree.leaves(state))
  free = shutil.disk_usage(workdir).free
  if free < need:
    raise OSError(f"--workdir={workdir} has {free / 2**20:.0f} MiB free but {copies} checkpoints of this "
                  f"state need {need / 2**20:.0f} MiB; free space or choose another --workdir.")
