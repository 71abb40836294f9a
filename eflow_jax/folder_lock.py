"""An exclusive lock on a folder itself: `flock` on the folder's own descriptor, so no lock file is
left among an export's or a record set's files, and the kernel drops it when the process dies
(kill -9 included). For writers whose files must not interleave with another process's: two exports
into one --output (tools/export.py), two samplers into one output stem (train/evaluate.py), two
preparations of one record set (tools/preparation_record.py).

Only the standard library is imported here, so any module may use it without an import cycle.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sys
from typing import Iterator


class FolderBusyError(OSError):
  """Another process holds the folder's lock (a one-line message naming the folder and the writer)."""


@contextlib.contextmanager
def locked(folder: str, *, busy: str | None = None) -> Iterator[None]:
  """Holds the lock on `folder` (which must exist) for the block. busy=None waits for another
  holder; a message raises FolderBusyError(busy) at once instead. A file system without flock
  (some network mounts) runs the block unlocked, with a one-line warning that nothing keeps a
  second writer out (as workdir.py warns for a trainer's lock)."""
  fd = os.open(folder, os.O_RDONLY)
  try:
    try:
      fcntl.flock(fd, fcntl.LOCK_EX | (0 if busy is None else fcntl.LOCK_NB))
    except OSError as e:
      if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
        raise FolderBusyError(busy) from None
      print(f"warning: cannot lock {folder} ({os.strerror(e.errno or 0)}); nothing stops a second process "
            f"from writing into it at the same time.", file=sys.stderr, flush=True)
    yield
  finally:
    os.close(fd)                     # closing the descriptor drops the lock
