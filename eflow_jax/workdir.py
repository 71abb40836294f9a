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

from eflow_jax import user_paths
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
    self._file, self._checkpoints_fd = None, None

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
    self._lock_checkpoints()

  def _lock_checkpoints(self) -> None:
    """The checkpoints folder too, where it really is: two workdirs whose checkpoints/ link to one
    folder (on a larger disk) would each hold their own .lock and prune each other's steps."""
    workdir = os.path.dirname(self.path)
    folder = os.path.realpath(os.path.join(workdir, "checkpoints"))
    os.makedirs(folder, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
      fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as e:
      os.close(fd)
      if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):     # flock unsupported: warned above
        return
      self.release()
      where = (f"which {workdir}/checkpoints is a link to" if os.path.islink(os.path.join(workdir, "checkpoints"))
               else "this run's checkpoints folder, through another workdir's link to it")
      raise WorkdirLockedError(f"another trainer is using {folder}, {where}; wait for it to end or give each run a "
                               f"checkpoints folder of its own.") from None
    self._checkpoints_fd = fd

  def release(self) -> None:
    if self._checkpoints_fd is not None:
      fcntl.flock(self._checkpoints_fd, fcntl.LOCK_UN)
      os.close(self._checkpoints_fd)
      self._checkpoints_fd = None
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


def check_writable(directory: str, flag: str = "--workdir", *, create: bool = True) -> None:
  """Before work that writes there (training, samples, a report): `directory` must be creatable and
  writable (one-line error naming `flag`, a flag or what the folder is to the run, if not; a dangling
  symbolic link included). create=False checks the nearest existing folder on its path instead of
  creating the missing ones (nothing is left behind by a check of sample / eval, which may read an
  export that must stay as it is)."""
  named = f"{flag}={directory}" if flag.startswith(("--", "config.")) else f"{directory} ({flag})"
  if os.path.islink(directory) and not os.path.exists(directory):
    advice = f"point {flag} elsewhere" if named.startswith(flag) else "remove the link"
    raise OSError(f"{named} is a symbolic link to {os.readlink(directory)}, which does not exist; create that "
                  f"directory or {advice}.")
  target = directory
  while not os.path.exists(target) and os.path.dirname(os.path.abspath(target)) != os.path.abspath(target):
    target = os.path.dirname(os.path.abspath(target))
  if os.path.exists(target) and not os.path.isdir(target):     # not a permissions problem: say what it is
    where = "is a file" if os.path.abspath(target) == os.path.abspath(directory) else f"lies under the file {target}"
    raise OSError(f"{named} {where}; give a folder.")
  target = target if not create else directory
  probe = os.path.join(target, f".write_probe_{os.getpid()}")
  try:
    os.makedirs(target, exist_ok=True)
    with open(probe, "w") as f:
      f.write("ok")
    os.remove(probe)
  except OSError as e:
    raise OSError(f"{named} is not writable ({first_line(e)}); choose another directory "
                  f"or fix its permissions.") from None


def check_report_folder(workdir: str, output: str | None, caches_in_workdir: bool = False) -> None:
  """--mode=eval writes its report into --output's folder, else into --workdir: writable, or one line
  (for a read-only model store, naming --output: the report can go elsewhere, and, when the metric
  caches would be built in the same folder, config.eval.metrics_dir: so can they)."""
  folder = os.path.dirname(os.path.abspath(output)) if output else workdir
  try:
    check_writable(folder, "the folder of --output" if output else "--workdir", create=False)
  except OSError as e:
    if output:
      raise
    caches = (" and --config.eval.metrics_dir=<a writable folder> for the metric caches it builds"
              if caches_in_workdir else "")
    raise OSError(f"{e} Or give --output=<a report file in a writable folder>{caches}.") from None


# What a run writes under its workdir: folders (checkpoints; samples: train/evaluate.py; metrics:
# the metric caches; tensorboard, profile: train/progress.py) and files (train/progress.py).
RUN_FOLDERS = ("checkpoints", "samples", "metrics", "tensorboard", "profile")
SUPERSEDED_METRICS = "metrics.superseded.jsonl"     # the records of steps trained again (train/progress.py)
RUN_FILES = ("metrics.jsonl", SUPERSEDED_METRICS)


def check_run_folders(workdir: str) -> None:
  """Before training: the names a run writes under its workdir must not be taken by the other kind
  (a file `samples` would be found only at the first sample grid, after steps of training), and its
  folders must be writable."""
  for name in RUN_FOLDERS:
    path = os.path.join(workdir, name)
    if os.path.exists(path) and not os.path.isdir(path):
      raise OSError(f"{path} is a file, but the run writes a folder there; move it away or choose another "
                    f"--workdir.")
    if os.path.isdir(path) or os.path.islink(path):   # read-only, or a link to nothing: found at the first write
      check_writable(path, f"the {name} folder of --workdir", create=False)
  for name in RUN_FILES:
    path = os.path.join(workdir, name)
    if os.path.isdir(path):
      raise OSError(f"{path} is a folder, but the run appends its records to a file there; move it away or "
                    f"choose another --workdir.")
  check_own_checkpoints_folder(workdir)


def check_own_checkpoints_folder(workdir: str) -> None:
  """A checkpoints/ linked to another run's (a folder holding a run's .lock or metrics.jsonl) is
  refused: the two runs would resume from and prune each other's steps, each under its own lock. A
  link to a folder of its own on a larger disk is fine."""
  real = os.path.realpath(os.path.join(workdir, "checkpoints"))
  owner = os.path.dirname(real)
  if os.path.basename(real) == "checkpoints" and owner != os.path.realpath(workdir) and any(
      os.path.exists(os.path.join(owner, name)) for name in (".lock", "metrics.jsonl")):
    raise ValueError(f"{workdir}/checkpoints is a link to {real}, the checkpoints of the run in {owner}: the two runs "
                     f"would resume from and prune each other's steps; continue that run with --workdir={owner}, or "
                     f"give this one a checkpoints folder of its own.")


def check_run_file_links(workdir: str) -> None:
  """Before training: a run file that is a symbolic link to a missing file (a shared log folder the
  user moved or did not mount) would take every record into nowhere, the failure showing only as one
  warning naming the link; a missing target in an existing folder is created there, and says so."""
  for name in RUN_FILES:
    path = os.path.join(workdir, name)
    if not os.path.islink(path) or os.path.exists(path):
      continue
    target = os.path.realpath(path)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
      raise OSError(f"{path} is a symbolic link to {target}, whose folder {folder} does not exist: every record "
                    f"would be lost; create or mount that folder, or remove the link.")
    print(f"warning: {path} is a symbolic link to {target}, which does not exist: the run's records start there "
          f"anew (the earlier ones are wherever the log was moved).", file=sys.stderr, flush=True)


# How the files a run writes begin (train/parameters_file.py, train/progress.py): a table of clu's
# parameter_overview, records of json.dumps({"step": ...}). A file that begins otherwise is someone else's.
RUN_FILE_STARTS = {"parameters.txt": b"+-", "metrics.jsonl": b'{"step": '}


def check_run_files_are_its_own(workdir: str) -> None:
  """Before training: a parameters.txt or metrics.jsonl there that no run wrote (a user's notes) would
  be written over, or get the run's records appended to it. A parameters.txt that holds the run's
  table under a note of the user's is the run's (train/parameters_file.py keeps it as .edited)."""
  for name, start in RUN_FILE_STARTS.items():
    path = os.path.join(workdir, name)
    try:
      with open(path, "rb") as f:
        lines = (line.strip() for line in f if line.strip())
        head = next(lines, b"")[:len(start)]
        if name == "parameters.txt" and any(line.startswith(start) for line in lines):   # a note above the table
          continue
    except (FileNotFoundError, IsADirectoryError):
      continue
    if head and not start.startswith(head):          # a line cut short by a kill is a prefix of the start
      raise ValueError(f"{path} was not written by a run of eflow_jax (it begins {head.decode(errors='replace')!r}), "
                       f"and training writes its {name} there; move it away or choose another --workdir.")


def check_not_export(workdir: str) -> None:
  """Before training: `workdir` must not be an export (`python -m eflow_jax.tools.export`), which
  sample / eval read as the exported EMA weights: training there would start from scratch and put
  checkpoints beside the export that sample / eval then read instead of it. Nor a file (the user's)."""
  from eflow_jax.pipeline import CONFIG_FILE, WEIGHTS_FILE  # pylint: disable=g-import-not-at-top
  if os.path.isfile(workdir):
    raise FileExistsError(f"--workdir={workdir} is a file: training writes a run folder there; give another path.")
  if all(os.path.isfile(os.path.join(workdir, name)) for name in (CONFIG_FILE, WEIGHTS_FILE)):
    raise ValueError(f"--workdir={workdir} is an export ({WEIGHTS_FILE} + {CONFIG_FILE}), not a training run; "
                     f"train in another --workdir (sample and eval read an export as --workdir).")


def check_inference_workdir(workdir: str) -> None:
  """sample / eval: a workdir that is a file (no run, no export), or one holding both an export and
  checkpoints/ (a run trained inside an export by an older version: which weights would be read is
  anybody's guess), is refused."""
  from eflow_jax.pipeline import CONFIG_FILE, WEIGHTS_FILE  # pylint: disable=g-import-not-at-top
  if os.path.isfile(workdir):
    raise FileNotFoundError(f"--workdir={workdir} is a file: give a training run's folder (it holds checkpoints/) "
                            f"or an export's (model.safetensors and config.json).")
  exported = all(os.path.isfile(os.path.join(workdir, name)) for name in (CONFIG_FILE, WEIGHTS_FILE))
  if exported and os.path.isdir(os.path.join(workdir, "checkpoints")):
    raise ValueError(f"--workdir={workdir} holds both an export ({WEIGHTS_FILE}) and checkpoints/; move one of "
                     f"them to a directory of its own and name that one.")


def metrics_folder(config, workdir: str) -> str:
  """Where the sample metrics' caches are kept: config.eval.metrics_dir, else <workdir>/metrics (a
  config exported before the setting existed lacks it)."""
  return config.eval.get("metrics_dir", "") or os.path.join(workdir, "metrics")


def metric_caches(config, workdir: str, *, use_i3d: bool) -> list[tuple[str, str, str | None, dict | None]]:
  """(path, what, the package's shipped copy or None, the settings it must be trained with or None)
  of the files the sample metrics of train/evaluate.py (sample_metrics) read, or build and write, for
  this config: the Moving MNIST clip classifier, the frame judge (class models of one-digit Moving
  MNIST) and, with I3D, the real clips' reference statistics."""
  from eflow_jax.metrics import classifier, frame_judge  # pylint: disable=g-import-not-at-top
  ev, metrics_dir = config.eval, metrics_folder(config, workdir)
  caches = []
  if config.data.source == "moving_mnist":
    caches.append((ev.classifier_path or classifier.cached_path(metrics_dir, "classifier", ev.classifier_steps),
                   "clip classifier", classifier.shipped_classifier_path(config.data, ev.classifier_steps, 0),
                   classifier.wanted_meta(classifier.geometry(config.data), ev.classifier_steps, 0)))
    if config.model.num_classes and frame_judge.applies_to(config.data):
      steps = ev.get("frame_judge_steps", frame_judge.DEFAULT_STEPS)
      caches.append((classifier.cached_path(metrics_dir, "frame_judge", steps), "frame judge",
                     frame_judge.shipped_path(config.data, steps),
                     classifier.wanted_meta(frame_judge.geometry(config.data), steps, frame_judge.DEFAULT_SEED)))
  if use_i3d:
    caches.append((ev.i3d_reference_path or os.path.join(metrics_dir, "i3d_reference.npz"),
                   "I3D reference statistics", None, None))
  return caches


def unreadable_npz(path: str) -> str | None:
  """None when `path` is a readable .npz (every member read, so zip CRCs are checked), else why not."""
  try:
    with np.load(path, allow_pickle=False) as archive:
      for name in archive.files:
        archive[name]
  except Exception as e:  # pylint: disable=broad-except   (zipfile, numpy and OS errors alike)
    return first_line(e)
  return None


def check_metric_caches(config, workdir: str, *, use_i3d: bool) -> None:
  """Before an evaluation (or a run that scores itself): a metric cache that exists must be
  readable and trained with this evaluation's settings (it is a measuring instrument: never silently
  rebuilt, replaced or used for other settings), and the folder of one that will be built (neither
  it nor a shipped copy exists) must be writable."""
  from eflow_jax.metrics import classifier  # pylint: disable=g-import-not-at-top
  for setting in ("metrics_dir", "classifier_path", "i3d_reference_path"):    # pruning would delete them
    if config.eval.get(setting, ""):
      user_paths.check_outside_checkpoints(f"config.eval.{setting}", config.eval[setting], workdir,
                                           stem=setting != "metrics_dir")
  for path, what, shipped, want in metric_caches(config, workdir, use_i3d=use_i3d):
    if os.path.exists(path):
      problem = unreadable_npz(path)
      if problem:
        raise OSError(f"{path} (the cached {what} of the sample metrics) is unreadable ({problem}); restore "
                      f"it, or delete it to have it rebuilt.")
      if want is not None:          # trained with other settings: theirs, neither read nor replaced
        classifier.check_cache_settings(path, classifier.load_classifier(path)[1], want, what)
    elif not (shipped and os.path.exists(shipped)):
      named = config.eval.get("metrics_dir", "")
      if named and os.path.abspath(named) == os.path.dirname(os.path.abspath(path)):
        check_writable(named, "config.eval.metrics_dir", create=False)
        continue
      try:
        check_writable(os.path.dirname(os.path.abspath(path)), flag=f"the folder of {os.path.basename(path)}",
                       create=False)
      except OSError as e:
        raise OSError(f"{e} Or give --config.eval.metrics_dir=<a writable folder> to build the {what} "
                      f"there.") from None


def builds_caches_in(config, workdir: str, folder: str, *, use_i3d: bool) -> bool:
  """Whether the evaluation would build a metric cache (none there, none shipped) inside `folder`."""
  return any(not os.path.exists(path) and not (shipped and os.path.exists(shipped))
             and os.path.abspath(path).startswith(os.path.join(os.path.abspath(folder), ""))
             for path, _, shipped, _ in metric_caches(config, workdir, use_i3d=use_i3d))


def check_free_space(workdir: str, state, *, copies: int = 2) -> None:
  """Before training: room for `copies` checkpoints of `state` (one is written while one is kept)."""
  need = copies * sum(int(np.prod(np.shape(x))) * np.dtype(x.dtype).itemsize for x in jax.tree.leaves(state))
  free = shutil.disk_usage(workdir).free
  if free < need:
    raise OSError(f"--workdir={workdir} has {free / 2**20:.0f} MiB free but {copies} checkpoints of this "
                  f"state need {need / 2**20:.0f} MiB; free space or choose another --workdir.")
