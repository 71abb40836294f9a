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
    if _is_closed_loop_error(unraisable.exc_value):
      return
    previous_hook(unraisable)
  hook.drops_closed_loop_errors = True
  return hook


def _is_closed_loop_error(error) -> bool:
  return isinstance(error, RuntimeError) and str(error) == "Event loop is closed"


def _drop_closed_loop_reports(previous_hook):
  """A sys.excepthook that drops the same errors when TensorStore's threads report them through
  PyErr_Print (a read aborted while its other reads were still landing: a step pruned under
  `Pipeline.from_workdir`, sample or the export); any other exception goes to `previous_hook`."""
  def hook(kind, error, traceback):
    if not _is_closed_loop_error(error):
      previous_hook(kind, error, traceback)
  hook.drops_closed_loop_errors = True
  return hook


def _quiet_closed_loop_errors() -> None:
  if not getattr(sys.unraisablehook, "drops_closed_loop_errors", False):
    sys.unraisablehook = _drop_closed_loop_errors(sys.unraisablehook)
  if not getattr(sys.excepthook, "drops_closed_loop_errors", False):
    sys.excepthook = _drop_closed_loop_reports(sys.excepthook)


def quiet_failed_write_noise() -> None:
  """Once per process (a trainer's Checkpointer): Orbax's and asyncio's reports of a failed write
  are quieted, so a full disk gives one warning per failed step instead of hundreds of tracebacks."""
  for name in ("absl", "asyncio"):
    log = logging.getLogger(name)
    if not any(isinstance(f, _OrbaxFailureFilter) for f in log.filters):
      log.addFilter(_OrbaxFailureFilter())
  _quiet_closed_loop_errors()


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
  are dropped, so a one-line error of sample, eval or the export stays one line, and so are the
  closed-loop errors of a read aborted under a pruning trainer."""
  log = logging.getLogger("absl")
  if not any(isinstance(f, _ReadOnlyNoticeFilter) for f in log.filters):
    log.addFilter(_ReadOnlyNoticeFilter())
  _quiet_closed_loop_errors()
