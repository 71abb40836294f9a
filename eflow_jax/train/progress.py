"""Where metrics go: a progress line on stdout, `metrics.jsonl`, and TensorBoard event files
(scalars; the resolved config as text; sample clips as animated GIFs in the Images tab).

TensorBoard files are written with tensorboardX's event protos (no TensorFlow); with the `[tf]` extra
installed, `config.use_clu_writers = True` uses clu's writers instead. Only process 0 writes.

The progress line's TFLOP/s and MFU come from `step_flops`: XLA's cost analysis of the step's
unrolled twin (model.scan_blocks=False and the jnp reference attention, lowered on abstract shapes:
XLA counts a while loop's body once and cannot count a Pallas kernel), the HLO before optimisation,
as benchmarks/paper/train_throughput.py counts it; gradient accumulation counts its micro-batch N times.
"""
import json
import os
import queue
import sys
import threading
import time

import jax
import numpy as np

from eflow_jax.atomic_io import write_atomically
from eflow_jax.flow.terms import TERMS
from eflow_jax.workdir import SUPERSEDED_METRICS
from eflow_jax.train.step import create_train_state
from eflow_jax.train.step import make_train_step


class MetricWriter:
  """metrics.jsonl and TensorBoard scalars, written by a background thread, best effort.

  A full or failing disk must never stop or block training: the checkpoints, not the metrics, are
  what a run resumes from (README, Operations). So `write` never waits: a record that cannot be
  queued (the disk is stuck) or written (ENOSPC, EIO) is dropped with one warning line, and writing
  resumes by itself when the disk does. (tensorboardX's own SummaryWriter blocks the caller forever
  once its writer thread has died on ENOSPC, which is why the event file is written here directly.)
  """
  QUEUE_SIZE = 1000
  CLOSE_TIMEOUT_S = 30.0

  def __init__(self, workdir: str, use_clu: bool = False, start_step: int = 0):
    """start_step: the step training resumes from; TensorBoard is told to drop the steps after it
    that an earlier attempt logged (set_aside_metrics_after does it for metrics.jsonl)."""
    self.enabled = jax.process_index() == 0
    if not self.enabled:
      return
    self._workdir, self._use_clu, self._purge_from = workdir, use_clu, start_step + 1
    self._jsonl_fd, self._tb = None, None
    self._failing, self._dropped = False, 0
    self._queue = queue.Queue(self.QUEUE_SIZE)
    self._thread = threading.Thread(target=self._run, name="eflow-metric-writer", daemon=True)
    self._thread.start()

  def write(self, step: int, scalars: dict) -> None:
    self._put(step, "scalars", {k: float(v) for k, v in scalars.items()})

  def write_text(self, step: int, tag: str, text: str) -> None:
    """A text record in TensorBoard (not metrics.jsonl), e.g. the resolved config."""
    self._put(step, "text", (tag, str(text)))

  def write_clips(self, step: int, tag: str, frames, fps: float = 4) -> None:
    """uint8 frames (T, H, W, 3) shown in TensorBoard as one animated GIF (not metrics.jsonl)."""
    self._put(step, "clips", (tag, np.asarray(frames, np.uint8), fps))

  def _put(self, step: int, kind: str, payload) -> None:
    if not self.enabled:
      return
    try:
      self._queue.put_nowait((step, time.time(), kind, payload))
    except queue.Full:
      self._dropped += 1
      self._warn_once(f"the metric writer is stuck (disk?); dropping metrics from step {step} on, training "
                      f"continues")

  def close(self) -> None:
    """Flushes what is queued, waiting at most CLOSE_TIMEOUT_S (a hung disk must not hang the exit)."""
    if not self.enabled:
      return
    try:
      self._queue.put(None, timeout=self.CLOSE_TIMEOUT_S)
    except queue.Full:
      pass
    self._thread.join(self.CLOSE_TIMEOUT_S)
    if self._thread.is_alive():
      print(f"warning: metrics were still being written after {self.CLOSE_TIMEOUT_S:.0f} s; the last "
            f"records may be missing from {self._workdir}.", file=sys.stderr, flush=True)

  # -- the writer thread ---------------------------------------------------------------------------
  def _run(self) -> None:
    while True:
      item = self._queue.get()
      if item is None:
        break
      step, wall_time, kind, payload = item
      try:
        self._write(step, wall_time, kind, payload)
        if self._failing:
          print(f"metrics are written again from step {step} ({self._dropped} record(s) dropped).",
                file=sys.stderr, flush=True)
          self._failing, self._dropped = False, 0
      except Exception as e:        # OSError from the disk, or anything a TB backend raises
        self._dropped += 1
        self._close_tb()            # a half-written event file is abandoned; the next write opens a new one
        self._warn_once(f"metrics at step {step} not written ({type(e).__name__}: "
                        f"{str(e).splitlines()[0] if str(e) else ''}); training continues, and so does "
                        f"trying to write them")
    if self._failing:               # the warning names one step: say how many were lost in the end
      print(f"warning: the last {self._dropped} metric record(s) of this run were not written.", file=sys.stderr,
            flush=True)
    self._close_tb()
    if self._jsonl_fd is not None:
      os.close(self._jsonl_fd)

  def _write(self, step: int, wall_time: float, kind: str, payload) -> None:
    if kind == "scalars":
      if self._jsonl_fd is None:
        os.makedirs(self._workdir, exist_ok=True)
        self._jsonl_fd = _open_jsonl(os.path.join(self._workdir, "metrics.jsonl"))
      _append(self._jsonl_fd, (json.dumps({"step": step, "time": wall_time, **payload}) + "\n").encode())
    if self._tb is None:
      self._tb = self._open_tb()
    self._tb(step, wall_time, kind, payload)

  def _open_tb(self):
    """A write(step, wall_time, kind, payload) function onto a TensorBoard event file."""
    logdir = os.path.join(self._workdir, "tensorboard")
    os.makedirs(logdir, exist_ok=True)
    if self._use_clu:
      from clu import metric_writers   # imports TensorFlow: only with the [tf] extra
      writer = metric_writers.create_default_writer(logdir)

      def write(step, wall_time, kind, payload):
        del wall_time
        if kind == "scalars":
          writer.write_scalars(step, payload)
        elif kind == "text":
          writer.write_texts(step, {payload[0]: payload[1]})
        else:                          # clu writes still images: the clip's first frame
          writer.write_images(step, {payload[0]: payload[1][:1]})
        writer.flush()
      write.close = writer.close
      return write
    from tensorboardX import summary
    from tensorboardX.event_file_writer import EventsWriter
    from tensorboardX.proto import event_pb2
    events = EventsWriter(os.path.join(logdir, "events"))
    if self._purge_from is not None:
      # A session start at step N makes TensorBoard discard the events of steps >= N read from the
      # earlier event files (its "orphaned data" purge): the steps an earlier attempt logged past
      # the checkpoint this run resumed from. Once per run: a reopen after a disk error must not
      # purge the steps this run has logged.
      events.write_event(event_pb2.Event(wall_time=time.time(), step=self._purge_from,
                                         session_log=event_pb2.SessionLog(status=event_pb2.SessionLog.START)))
      self._purge_from = None

    def write(step, wall_time, kind, payload):
      if kind == "scalars":
        protos = [summary.scalar(name, value) for name, value in payload.items()]
      elif kind == "text":
        protos = [summary.text(*payload)]
      else:
        protos = [gif_summary(*payload)]
      for proto in protos:
        events.write_event(event_pb2.Event(wall_time=wall_time, step=step, summary=proto))
      events.flush()
    write.close = events.close
    return write

  def _close_tb(self) -> None:
    if self._tb is not None:
      try:
        self._tb.close()
      except Exception:             # closing a writer on a failing disk may fail again: nothing to save
        pass
      self._tb = None

  def _warn_once(self, message: str) -> None:
    if not self._failing:
      self._failing = True
      print(f"warning: {message}.", file=sys.stderr, flush=True)


class LogWindow:
  """What one progress line reports: the metrics averaged over the steps since the last line, and
  the step rate over the time spent training (compilation and periodic sampling excluded), so that
  neither one noisy step nor a one-off compile sets the ETA."""
  LAST_VALUE = ("lr", "nonfinite_steps", "nonfinite_groups")    # states, not per-step measurements
  # Also reported as the window's largest step ("loss/max"): a one-step spike, which a mean over the
  # window flattens, is what the stability comparison of paper Fig. 5 / Fig. 7 looks for. fm/v_mse
  # is the unweighted learning curve (the adaptive weight keeps "loss" itself near 1).
  PEAK = ("loss", "fm/v_mse", "grad_norm")

  def __init__(self, clock=time.perf_counter):
    self._clock = clock
    self.reset()

  def reset(self) -> None:
    self._metrics, self._excluded, self._start = [], 0.0, self._clock()

  def add(self, metrics: dict) -> None:
    """One step's metrics (device scalars: read only at `summary`, so no host sync per step)."""
    self._metrics.append(metrics)

  def exclude(self, seconds: float) -> None:
    """Time inside the window that is not training (compiling a program, drawing samples)."""
    self._excluded += seconds

  def summary(self) -> tuple[dict, float]:
    """(metrics: window means, LAST_VALUE keys from the newest step, PEAK keys' window maxima as
    "<key>/max"; steps per second)."""
    steps = [{k: float(v) for k, v in m.items()} for m in jax.device_get(self._metrics)]
    keys = dict.fromkeys(k for m in steps for k in m)         # every key, in first-seen order
    means = {k: steps[-1][k] if k in self.LAST_VALUE and k in steps[-1] else
             float(np.mean([m[k] for m in steps if k in m])) for k in keys}
    for k in self.PEAK:
      if k in keys:                    # a NaN step makes the maximum NaN, as it makes the mean
        means[k + "/max"] = float(np.max([m[k] for m in steps if k in m]))
    training_s = self._clock() - self._start - self._excluded
    return means, len(steps) / max(training_s, 1e-9)


class Profiler:
  """config.profile: a jax.profiler trace of steps [start_step, start_step + num_steps) under
  <workdir>/profile (process 0). The last traced step is waited for, so its device work is inside."""

  def __init__(self, profile_config, workdir: str):
    self.start = int(profile_config.start_step)
    self.end = self.start + int(profile_config.num_steps)
    self.directory = os.path.join(workdir, "profile")
    self.active = False

  def before_step(self, step: int) -> None:
    if step == self.start and self.end > self.start and jax.process_index() == 0:
      jax.profiler.start_trace(self.directory)
      self.active = True

  def after_step(self, step: int, metrics) -> None:
    if self.active and step + 1 >= self.end:
      jax.block_until_ready(metrics)
      self.stop()
      print(f"  profile of steps {self.start}-{self.end - 1}: {self.directory}", flush=True)

  def stop(self) -> None:
    if self.active:
      jax.profiler.stop_trace()
      self.active = False


def gif_summary(tag: str, frames: np.ndarray, fps: float = 4):
  """A TensorBoard image summary holding an animated GIF (what tensorboardX's video summary makes,
  without its moviepy dependency): TensorBoard's Images tab plays it."""
  import io
  from PIL import Image
  from tensorboardX.proto.summary_pb2 import Summary
  buffer = io.BytesIO()
  images = [Image.fromarray(f) for f in frames]
  images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:], duration=int(1000 / fps), loop=0)
  t, h, w, c = frames.shape
  image = Summary.Image(height=h, width=w, colorspace=c, encoded_image_string=buffer.getvalue())
  return Summary(value=[Summary.Value(tag=tag, image=image)])


def set_aside_metrics_after(workdir: str, step: int) -> int:
  """Moves metrics.jsonl's records of steps after `step` to metrics.superseded.jsonl; the number moved.

  A run resumed from checkpoint `step` (a preemption without a final save, a SIGKILL, or
  --resume_from_step) trains the later steps again: without this their first attempt's records
  would stay beside the new ones, two losses at one step and rows of steps no checkpoint holds.
  The moved records are appended to the superseded file, each with "resumed_at": step, before
  metrics.jsonl is replaced (by a rename), so a kill in between can only repeat them there, never
  lose them. A disk that fails here leaves them where they are, with a warning: metrics never stop
  a run (MetricWriter)."""
  # A metrics.jsonl linked to a log kept elsewhere: its target is rewritten, the link kept (training appends through it).
  path = os.path.realpath(os.path.join(workdir, "metrics.jsonl"))
  if jax.process_index() != 0 or not os.path.isfile(path):
    return 0
  try:
    with open(path, "rb") as f:
      kept, moved = split_records_after(f.read().split(b"\n"), step)
    if not moved:
      return 0
    fd = os.open(os.path.join(workdir, SUPERSEDED_METRICS), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
      _append(fd, b"".join(line + b"\n" for line in moved))
      os.fsync(fd)
    finally:
      os.close(fd)
    rewrite_unlinking(path, b"".join(line + b"\n" for line in kept))
  except OSError as e:
    print(f"warning: the records of steps after {step} could not be moved out of {path} ({e.strerror}): the "
          f"steps trained again will be logged beside them.", file=sys.stderr, flush=True)
    return 0
  print(f"metrics.jsonl: {len(moved)} record(s) of steps after {step} moved to {SUPERSEDED_METRICS} (those "
        f"steps are trained again from {f'checkpoint {step}' if step else 'the start'}).", flush=True)
  return len(moved)


def rewrite_unlinking(path: str, data: bytes) -> None:
  """Replaces the file's contents through a new file and a rename (a kill leaves the old or the new one
  whole). A file with other hard links (a log folder's second name for it, or a snapshot made by
  `cp -al` / `rsync --link-dest`) is not changed through them: those names keep the old records, and
  the line says so, since which of the two they are cannot be told from here."""
  others = os.stat(path).st_nlink - 1
  write_atomically(path, data)
  if others:
    print(f"warning: {path} had {others} other hard link(s) (a log folder, a snapshot): they keep the records as "
          f"they were, and this run's metrics.jsonl is a file of its own from here.", file=sys.stderr, flush=True)


def split_records_after(lines: list[bytes], step: int) -> tuple[list[bytes], list[bytes]]:
  """(the lines of records up to `step`, those after it, each marked "resumed_at": step). A line
  that is not a record with a step (one cut short by a kill) goes with the record before it."""
  kept, moved, past = [], [], False
  for line in (line for line in lines if line.strip()):
    try:
      record = json.loads(line)
    except ValueError:
      record = None
    if isinstance(record, dict) and isinstance(record.get("step"), int):
      past = record["step"] > step
      if past:
        line = json.dumps({**record, "resumed_at": step}).encode()
    (moved if past else kept).append(line)
  return kept, moved


def _open_jsonl(path: str) -> int:
  """metrics.jsonl for appending. A line cut short (a run killed mid-write, a hand edit) first gets
  its newline: the next record would otherwise join it, and readers (benchmarks/sweeps/training_curves.py)
  skip the joined line as unreadable, losing the resumed run's first record. A file with other hard
  links (a snapshot by `cp -al`, a backup by `rsync --link-dest`) first becomes one of its own:
  appending to the shared file would change the snapshot."""
  if os.path.exists(path) and os.stat(path).st_nlink > 1:
    with open(path, "rb") as f:
      rewrite_unlinking(path, f.read())
  fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
  size = os.fstat(fd).st_size
  if size and os.pread(fd, 1, size - 1) != b"\n":
    _append(fd, b"\n")
  return fd


def _append(fd: int, data: bytes) -> None:
  """One unbuffered append per record: a failed write never leaves half a line in a buffer to retry."""
  os.write(fd, data)


def progress_line(step: int, total: int, stage: str, metrics: dict, steps_per_s: float) -> str:
  """The line printed every log_every steps: window-mean losses, the training rate, the ETA."""
  eta = (total - step) / steps_per_s if steps_per_s > 0 else float("nan")
  # The adaptive weight keeps every weighted loss near 1 and the SCM surrogate has no scale of its
  # own, so the line shows unweighted errors: FM against the plain velocity v (the learning curve),
  # SCM's consistency residual and MVA's semigroup defect.
  names = {f"{name}/{term.shown}": f"{name}_{term.shown}" for name, term in TERMS.items()}
  groups = " ".join(f"{label}={metrics[key]:.4f}" for key, label in names.items() if key in metrics)
  compute = ""
  if "tflops_per_s_per_device" in metrics:
    compute = f" {metrics['tflops_per_s_per_device']:.3g} TFLOP/s/dev"
    compute += f" MFU {metrics['mfu']:.1%}" if "mfu" in metrics else ""
  return (f"step {step:6d}/{total} [{stage}] loss={metrics['loss']:.4f} {groups} "
          f"gnorm={metrics.get('grad_norm', float('nan')):.3f} {steps_per_s:.2f} steps/s{compute} "
          f"ETA {int(eta // 60):d}m{int(eta % 60):02d}s")


def step_flops(config, model_cls, optimizer, lr_schedule, settings, example_shape, batch_size: int) -> float | None:
  """FLOPs of one train step of `settings` on a global batch of `batch_size`; None if the backend
  has no cost analysis."""
  unrolled = config.model.copy_and_resolve_references()
  unrolled.scan_blocks = False
  unrolled.attention_impl = "reference"
  model = model_cls.from_config(unrolled)
  state = jax.eval_shape(lambda r: create_train_state(model, optimizer, r, example_shape, config.data.text_length),
                         jax.random.PRNGKey(0))
  accum = config.get("grad_accum_steps", 1)
  micro = batch_size // accum
  batch = {"x": jax.ShapeDtypeStruct((micro, *example_shape), "float32")}
  if model.num_classes:
    batch["y"] = jax.ShapeDtypeStruct((micro,), "int32")
  else:
    batch["text"] = jax.ShapeDtypeStruct((micro, config.data.text_length, model.text_dim), "float32")
    batch["text_mask"] = jax.ShapeDtypeStruct((micro, config.data.text_length), "int32")
  step = make_train_step(model, optimizer, config.flow, settings, config.total_steps, config.ema_decay, lr_schedule)
  try:
    cost = step.lower(state, batch).cost_analysis()
  except Exception:  # pylint: disable=broad-except   (a backend without cost analysis)
    return None
  cost = cost[0] if isinstance(cost, (list, tuple)) and cost else cost
  return float(cost["flops"]) * accum if cost and "flops" in cost else None
