"""Quiets what Orbax and asyncio log for a failed checkpoint write (a full disk): the trainer reports
each failed write itself, in one line (train/fault_tolerance.py); and Orbax's notices of a read-only
opening, which sample, eval and the export would otherwise print before their own one line."""
import logging
import os
import sys


class _OrbaxFailureFilter(logging.Filter):
  """Drops the ERROR records (with tracebacks) that Orbax's background threads log for a failed
  write, and asyncio's 'exception was never retrieved' records of the same write's tasks: the
  trainer reports each failed write itself, in one line (train/fault_tolerance.py)."""

  def filter(self, record: logging.LogRecord) -> bool:
    if record.name == "asyncio":
      return not str(record.msg).split("\n", 1)[0].endswith("exception was never retrieved")
    return not (record.levelno >= logging.ERROR and f"{os.sep}orbax{os.sep}" in (record.pathname or ""))


def _drop_closed_loop_errors(previous_hook):
  """A sys.unraisablehook that drops asyncio's RuntimeError('Event loop is closed'): after a failed
  write Orbax closes that write's event loop (orbax asyncio_utils._run_sync_via_new_loop) while
  TensorStore still completes the write's other futures into it, one traceback each."""
  def hook(unraisable):
    error = unraisable.exc_value
    if isinstance(error, RuntimeError) and str(error) == "Event loop is closed":
      return
    previous_hook(unraisable)
  hook.drops_closed_loop_errors = True
  return hook


def quiet_failed_write_noise() -> None:
  """Once per process (a trainer's Checkpointer): Orbax's and asyncio's reports of a failed write
  are quieted, so a full disk gives one warning per failed step instead of hundreds of tracebacks."""
  for name in ("absl", "asyncio"):
    log = logging.getLogger(name)
    if not any(isinstance(f, _OrbaxFailureFilter) for f in log.filters):
      log.addFilter(_OrbaxFailureFilter())
  if not getattr(sys.unraisablehook, "drops_closed_loop_errors", False):
    sys.unraisablehook = _drop_closed_loop_errors(sys.unraisablehook)


# Orbax's warnings (as format strings) when sample / eval / the export open checkpoints read-only
# (checkpoint.py, Checkpointer(read_only=True)); a step folder without Orbax's metadata is reported
# by the Checkpointer itself, in one line.
READ_ONLY_NOTICES = ("Given directory is read only", "Metadata file does not exist")


class _ReadOnlyNoticeFilter(logging.Filter):
  def filter(self, record: logging.LogRecord) -> bool:
    return not (f"{os.sep}orbax{os.sep}" in (record.pathname or "") and
                str(record.msg).startswith(READ_ONLY_NOTICES))


def quiet_read_only_notices() -> None:
  """Once per process (a read-only Checkpointer): Orbax's notices that it opened a folder read-only
  are dropped, so a one-line error of sample, eval or the export stays one line."""
  log = logging.getLogger("absl")
  if not any(isinstance(f, _ReadOnlyNoticeFilter) for f in log.filters):
    log.addFilter(_ReadOnlyNoticeFilter())
