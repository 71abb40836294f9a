"""How a run survives: preemption signals, non-finite steps, failed checkpoint writes, and resume.

- Resume from the newest readable checkpoint, refusing another data order; save at every stage
  boundary, every `checkpoint.every_steps` and at the end. A failed write (full disk...) is reported
  once, under its own step, and training goes on with the state in memory; every later save is tried,
  and a run whose last write failed ends with one error naming the newest good checkpoint
  (`Checkpointer.newest_committed_step`). Stage boundaries are kept forever (run_setup.checkpointer).
- SIGTERM / SIGINT / SIGUSR1 / SIGHUP -> "checkpoint at the next step boundary and exit" (EXIT_CODE
  75), agreed by all processes. Schedulers (SLURM, Kubernetes, Cloud TPU maintenance) send SIGTERM some
  seconds before they kill a job; SLURM's `--signal=USR1@90` sends SIGUSR1; a closed terminal (or a
  dropped ssh session) sends SIGHUP, whose default ended the run without saving. The handler only sets a
  flag; the loop polls `should_stop(step)` between steps. With several processes all must stop at
  the same step (a checkpoint is a collective write), so the flag is OR-ed across processes every
  `check_every` steps. A second signal restores the default behaviour (Ctrl-C twice kills at once).
- config.nan_policy's bookkeeping (the step itself guards the update: train/step.py). `halt`: a
  non-finite step leaves the state frozen at the last good step; the loop learns of it one step late
  (reading the flag of the step just dispatched would wait for it), then saves that frozen state
  under the last good step and stops with one line. `skip`: training goes on, and a warning says how
  many updates were skipped so far. The counter lives in the train state, so steps skipped by an
  earlier invocation are not reported again.
"""
import os
import signal
import sys
import threading
import uuid

import jax
import numpy as np

from eflow_jax import checkpoint as ckpt_lib
from eflow_jax import run_lineage
from eflow_jax.run_lineage import run_directory
from eflow_jax.data import fingerprint, pipeline, trained_sets
from eflow_jax.train import curriculum, source_agreement
from eflow_jax.train.step import healthy_again, host_count, nonfinite_names, skipped_updates


def _warn(message: str) -> None:
  print(f"warning: {message}", file=sys.stderr, flush=True)


def check_resume(saved_config: dict, config, allowed, saved_sets: dict | None = None) -> None:
  """Refuses a resume whose data order differs from the checkpoint's (seed, batch, data source). A
  record set moved or copied to another path (the same fingerprint, `saved_sets`) is the same data."""
  current = ckpt_lib.config_json(config)
  unknown = sorted(set(allowed) - set(ckpt_lib.resume_guarded_fields(current)))
  if unknown:
    raise ValueError(f"--allow_resume_change: {', '.join(unknown)} is not a data-order field; they are "
                     f"seed, data.* (not num_threads, prefetch, eval_path) and curriculum.stageN.data_path / "
                     f"batch_size.")
  changed = ckpt_lib.resume_mismatches(saved_config, current)
  for key in moved_record_sets(saved_config, current, saved_sets or {}, changed):
    del changed[key]
  refused = [key for key in changed if key not in allowed]
  if refused:
    raise ValueError(f"resuming with another data order ({'; '.join(changed[k] for k in refused)}): rerun "
                     f"with the checkpoint's values, start a new --workdir, or pass "
                     f"--allow_resume_change={','.join(refused)} (the run then differs from an uninterrupted "
                     f"one).")
  if changed and jax.process_index() == 0:
    _warn(f"resuming with {'; '.join(changed.values())} (--allow_resume_change): the data order differs "
          f"from an uninterrupted run from here on.")


def resume(ckpt, state, state_shardings, config, allowed_changes, resume_from_step=None):
  """(state, data position or None): the newest checkpoint's (or step `resume_from_step`'s, whose
  newer steps are then set aside as `<step>.superseded`), or the fresh state when there is none.

  A run whose every checkpoint was set aside as unreadable (`<step>.corrupt`) is refused rather
  than started again from step 0 in the same directory (its metrics and samples would mix)."""
  if resume_from_step is not None:
    return _resume_from(ckpt, state, state_shardings, config, allowed_changes, resume_from_step)
  if ckpt.latest_step() is None:
    corrupt = ckpt.set_aside_steps("corrupt")
    if corrupt:
      raise ckpt_lib.CorruptCheckpointError(
          f"no readable checkpoint in {ckpt.directory}: every step was set aside as unreadable "
          f"({', '.join(f'{s}.corrupt' for s in corrupt)}); restore one by hand (rename it back to its "
          f"step) or start a new --workdir. Nothing was trained.")
    return state, None
  state, data_position, meta = ckpt.restore(state, config_json=ckpt_lib.config_json(config))
  return _resumed(state, data_position, meta, ckpt, state_shardings, config, allowed_changes)


def _resume_from(ckpt, state, state_shardings, config, allowed_changes, step: int):
  """--resume_from_step: that checkpoint (an error if it is unreadable), and the newer steps (a
  halted run's blown-up ones, say) renamed out of the way, never deleted, so that the steps trained
  from here are saved and a later resume takes them."""
  state, data_position, meta = ckpt.restore(state, step, config_json=ckpt_lib.config_json(config))
  state, data_position = _resumed(state, data_position, meta, ckpt, state_shardings, config, allowed_changes)
  newer = [s for s in ckpt.all_steps() if s > step]
  moved = [ckpt.set_aside(s, "superseded") for s in sorted(newer)]
  if moved and jax.process_index() == 0:
    print(f"--resume_from_step={step}: the newer checkpoints were set aside ({', '.join(moved)}).", flush=True)
  return state, data_position


def how_to_resume(resume_from_step: int | None) -> str:
  """How to go on from the checkpoint a stop just wrote: the same command again, but without the
  --resume_from_step it was started with, which would set the steps trained since aside again (a
  job requeued after each preemption would never get past them)."""
  if resume_from_step is None:
    return "rerun the same command to resume"
  return (f"rerun the command without --resume_from_step to resume from it (with --resume_from_step={resume_from_step} "
          f"the steps trained after {resume_from_step} would be set aside and trained again)")


def moved_record_sets(saved_config: dict, current: dict, saved_sets: dict, changed: dict) -> list[str]:
  """The changed data.path / curriculum.stageN.data_path keys whose new path holds the set the
  checkpoint's path held (data/fingerprint.py: a fingerprint reads no path), announced in one line."""
  saved_flat, now_flat = (ckpt_lib.resume_guarded_fields(c) for c in (saved_config, current))
  moved = []
  for key in changed:
    old, new = saved_flat.get(key), now_flat.get(key)
    if (key == "data.path" or key.endswith(".data_path")) and old in saved_sets and new and os.path.isdir(new) \
        and fingerprint.same_set_as(new, {old: saved_sets[old]}):
      moved.append(key)
      if jax.process_index() == 0:
        print(f"{key}: the record set moved from {old} to {new} (the same set by its fingerprint); resuming.",
              flush=True)
  return moved


def record_paths(config) -> list[str]:
  """The record sets the stages train on (data.path, or a stage's own data_path)."""
  if config.data.source != "array_record":
    return []
  stages = curriculum.build_stages(config.curriculum, config.total_steps)
  return sorted({s.data_path or config.data.path for s in stages})


def record_sets(config) -> dict:
  """{path: fingerprint} of each record set a stage trains on (saved in every checkpoint)."""
  return {p: fingerprint.record_fingerprint(p) for p in record_paths(config)}


def check_record_sets(saved: dict | None, config, allowed) -> None:
  """A record set prepared again in place since the checkpoint changes the data order (and maybe the
  clips' geometry) as much as another data.path does (check_resume), but its path reads the same.
  A checkpoint older than the fingerprints resumes with a warning that it cannot be checked."""
  paths = record_paths(config)
  if saved is None:
    for path in paths[:1] if jax.process_index() == 0 else []:
      fingerprint.warn_unchecked(path, "the checkpoint")
    return
  changed = [p for p in paths if p in saved and fingerprint.changed(p, saved[p])]
  if changed and "data.path" not in allowed:
    raise ValueError(f"the record set {changed[0]} changed since the checkpoint was written (prepared again "
                     f"in place): rerun on the set it trained on, start a new --workdir, or pass "
                     f"--allow_resume_change=data.path.")


def check_same_kind_of_set(saved_manifest, config, step: int | None) -> None:
  """A new data.path let through at resume (--allow_resume_change=data.path) changes the data order;
  one numbering other classes, or written by another autoencoder or text encoder, would change what
  the weights learnt so far means: refused as a stage's set is (train/source_agreement.py).
  step None: the newest checkpoint's (checked before the run builds: train/loop.py)."""
  if config.data.source != "array_record" or not isinstance(saved_manifest, dict):
    return
  problem = source_agreement.disagreement(
      f"data.path={config.data.path!r}", pipeline.manifest(config.data),
      "the set the newest checkpoint trained on" if step is None else f"the set checkpoint {step} trained on",
      saved_manifest)
  if problem:
    raise ValueError(problem)


def check_stage_order(saved_stage, config, step: int) -> None:
  """Stage boundaries are fractions of total_steps: raising it, or a stage's fraction, can place a
  checkpoint that ended a later stage inside an earlier one, and training would go back to it (token
  drop again after dense + MVA). Warned, not refused: more steps of the earlier stage may be meant."""
  stages = curriculum.build_stages(config.curriculum, config.total_steps)
  names = [s.name for s in stages]
  if step >= config.total_steps or saved_stage not in names or jax.process_index() != 0:
    return
  now = curriculum.stage_at(stages, step).name
  if names.index(now) < names.index(saved_stage):
    _warn(f"checkpoint {step} ended stage {saved_stage}, but with this total_steps / curriculum step {step} lies "
          f"in the earlier stage {now}: training goes back to it. Keep the checkpoint's total_steps and stage "
          f"fractions to continue in {saved_stage}.")


def _resumed(state, data_position, meta, ckpt, state_shardings, config, allowed_changes):
  check_resume(meta.get("config", {}), config, allowed_changes, meta.get("record_sets"))
  check_record_sets(meta.get("record_sets"), config, allowed_changes)
  check_same_kind_of_set(meta.get("data_manifest"), config, int(state.step))
  check_stage_order(meta.get("stage"), config, int(state.step))
  run_lineage.check_one_run(ckpt, int(state.step), meta)      # a step copied in from another run
  print(f"Resuming from {ckpt.directory} at step {int(state.step)} (stage {meta.get('stage')}).", flush=True)
  if int(state.nonfinite_groups):     # a halted run's last state: start healthy again
    state = jax.jit(lambda s: healthy_again(s, meta.get("nonfinite_steps")), out_shardings=state_shardings,
                    donate_argnums=0)(state)
  return state, data_position


def run_identity(ckpt) -> str:
  """The run's identity, kept in every checkpoint's meta with the run directory that wrote it: the
  resumed checkpoint's, or a new one for a run started from scratch, resumed from a checkpoint
  written before identities, or trained on from a copy made elsewhere (a fork: the copy's steps are
  not the original's). A run deleted and trained again at the same path is another run; a copy only
  read (exported, sampled) is the same. The export tells another run's earlier export by it
  (tools/export.py). Only the primary process writes the meta."""
  meta = latest_meta(ckpt)
  found, written_in = meta.get("run_id"), meta.get("run_dir")
  if isinstance(found, str) and found and written_in in (None, run_directory(ckpt)):
    return found
  return uuid.uuid4().hex


def latest_meta(ckpt) -> dict:
  """The newest checkpoint's meta ({} for none, or an unreadable one: the restore reported it)."""
  step = ckpt.latest_step()
  if step is None:
    return {}
  try:
    return ckpt.read_meta(step)
  except Exception:  # pylint: disable=broad-except
    return {}


class CheckpointPolicy:
  """When the loop saves and what it saves with each step: its stage and config, its data position."""

  def __init__(self, ckpt, config, stages, stage_data):
    self.ckpt, self._config, self._stages, self._data = ckpt, config, stages, stage_data
    self.failed = None                 # (step, message) of the newest write that failed
    self._reported = set()             # the failed steps already warned about (one warning each)
    self._record_sets = record_sets(config)
    newest = latest_meta(ckpt)           # the checkpoint this run goes on from ({} for a new run)
    self.run_id = run_identity(ckpt)
    self.lineage = run_lineage.next_lineage(newest, self.run_id)
    self._trained_sets = trained_sets.merged(trained_sets.of_meta(newest),
                                             trained_sets.from_record_sets(self._record_sets, config.data))
    # Sampling and export need only data.path's manifest: kept, they outlive a deleted set.
    self._manifest = pipeline.record_manifest(config.data)

  def due(self, done: int, stage, end: int) -> bool:
    return done == stage.end or done % self._config.checkpoint.every_steps == 0 or done == end

  def save(self, step: int, state, data_position=None) -> None:
    """Writes checkpoint `step` (once); the data position defaults to that of the stage `step` ended.
    The write in flight is waited for first (Orbax would wait for it inside its save anyway), so
    a failed write is reported under its own step, once."""
    if step in self.ckpt.all_steps():
      return
    self._note(self.ckpt.finish())
    stage = curriculum.stage_at(self._stages, max(step - 1, 0))
    try:
      self.ckpt.save(step, state, data_state=data_position or self._data.position(stage),
                     meta={"step": step, "stage": stage.name, "config": ckpt_lib.config_json(self._config),
                           "record_sets": self._record_sets, trained_sets.KEY: self._trained_sets,
                           "data_manifest": self._manifest, "run_id": self.run_id, **self.lineage,
                           "run_dir": run_directory(self.ckpt),
                           "nonfinite_steps": skipped_updates(state, self._config.nan_policy)})
    except Exception as e:        # orbax raises its own types for I/O failures too
      self._note((step, ckpt_lib.first_line(e)))

  def _note(self, failure, *, warn: bool = True) -> None:
    """Records a failed write (step, one line) and warns about it once; `failed` keeps the newest."""
    if failure is None:
      return
    step, message = failure
    if self.failed is None or step >= self.failed[0]:
      self.failed = failure
    if warn and step not in self._reported and jax.process_index() == 0:
      self._reported.add(step)
      _warn(f"checkpoint at step {step} failed ({message}); the state stays in memory, training continues "
            f"and the next checkpoint retries. Newest good checkpoint: {self.ckpt.newest_committed_step()}.")

  def halt_if_nonfinite(self, watch, state) -> None:
    """nan_policy=halt (NanWatch): when the pending step went non-finite, saves the frozen last
    good state under its own step and stops the run with one line."""
    bad = watch.went_bad()
    if bad is not None:
      bad_step, metrics, position = bad
      self.save(bad_step, state, position)
      self.wait()
      raise halt_error(bad_step, metrics, curriculum.stage_at(self._stages, bad_step).name, self.ckpt.directory)

  def wait(self) -> None:
    """Waits for the write in flight (a preemption's, a halt's); a failure is reported, not raised."""
    self._note(self.ckpt.finish())

  def close(self, completed: bool) -> None:
    """Lets the write in flight finish (on every exit path: a stage boundary's checkpoint is never
    abandoned, nothing is left to Orbax at interpreter shutdown) and closes the checkpointer. A
    failure of that last write is the run's closing error when it completed (raise_if_failed), a
    warning when another error is ending it."""
    error = self.ckpt.finish()
    self.ckpt.close()
    self._note(error, warn=not completed)

  def raise_if_failed(self) -> None:
    """The run's newest write failed: exit 4 naming the newest checkpoint that is on disk."""
    newest = self.ckpt.newest_committed_step()
    if self.failed is not None and (newest is None or self.failed[0] > newest):
      denied = str(self.failed[1]).startswith("PermissionError")
      raise OSError(f"the checkpoint write of step {self.failed[0]} failed ({self.failed[1]}); the newest good "
                    f"checkpoint in {self.ckpt.directory} is step {newest}. "
                    f"{'Make that folder writable' if denied else 'Free space'} and rerun to resume from it.")


SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGUSR1, signal.SIGHUP)
EXIT_CODE = 75          # EX_TEMPFAIL: "stopped early, rerun to continue" (see README, Operations)


class PreemptionGuard:
  """Context manager: while active, SIGNALS request a clean stop instead of killing."""

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


class NanWatch:

  def __init__(self, nan_policy: str, nonfinite_steps_before: int):
    self.halts = nan_policy == "halt"
    self._before = self._reported = int(nonfinite_steps_before)
    self.pending = None       # halt: (step, metrics, data position) of the last dispatched step

  def record(self, step: int, metrics: dict, data_position) -> None:
    self.pending = (step, metrics, data_position) if self.halts else None

  def went_bad(self):
    """halt: (step, metrics, data position) of the pending step if it was non-finite, else None."""
    if self.pending is not None and int(self.pending[1]["nonfinite_steps"]) > self._before:
      return self.pending
    return None

  def skip_warning(self, metrics: dict) -> str | None:
    """skip: the warning line when more updates were skipped since the last one reported."""
    if metrics["nonfinite_steps"] <= self._reported:
      return None
    self._reported = int(metrics["nonfinite_steps"])
    groups = ", ".join(nonfinite_names(int(metrics["nonfinite_groups"])))
    return (f"warning: {self._reported} update(s) skipped so far for a non-finite loss or gradient "
            f"(latest: {groups}); nan_policy=skip.")

  def closing_warning(self, first_step: int, state) -> str | None:
    """skip: the run's last line (printed by process 0, and returned) when updates since `first_step`
    were skipped; when all were, exit status 0 would read as a trained run while the weights did not move."""
    ran, skipped = host_count(state.step) - first_step, host_count(state.nonfinite_steps) - self._before
    if self.halts or skipped <= 0:
      return None
    line = (f"warning: {skipped} of this run's {ran} updates (steps {first_step + 1}-{first_step + ran}) were skipped "
            f"for a non-finite loss or gradient (nan_policy=skip)"
            + (f"; none was applied: the weights are still those of step {first_step}." if skipped >= ran else "."))
    if jax.process_index() == 0:
      print(line, file=sys.stderr, flush=True)
    return line


def halt_error(bad_step: int, metrics: dict, stage_name: str, directory: str) -> FloatingPointError:
  groups = ", ".join(nonfinite_names(int(metrics["nonfinite_groups"]))) or "loss"
  skipped = int(metrics["nonfinite_steps"]) - 1      # by nan_policy=skip before a resume with halt: not all finite
  state = f"after {skipped} updates skipped for a non-finite loss" if skipped > 0 else "the last with a finite loss"
  return FloatingPointError(
      f"non-finite {groups} at step {bad_step + 1} (stage {stage_name}, loss {float(metrics['loss']):.4g}); "
      f"the state before it (step {bad_step}, {state}) is in {directory}. Lower the learning rate or fix the data, "
      f"or set --config.nan_policy=skip.")
