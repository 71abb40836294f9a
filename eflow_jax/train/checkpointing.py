"""The run's checkpoint policy: resume from the newest one, save at every stage boundary, every
`checkpoint.every_steps` and at the end, and survive a failed write.

A failed write (full disk...) is reported once, under its own step, and training goes on with the
state in memory; every later save is tried, and a run whose last write failed ends with one error
naming the newest good checkpoint (the newest one on disk: `Checkpointer.newest_committed_step`).
Stage boundaries are kept forever (run_setup.checkpointer), so a curriculum can be re-entered at any
stage.
"""
import sys

import jax
import jax.numpy as jnp

from eflow_jax import checkpoint as ckpt_lib
from eflow_jax.train import curriculum
from eflow_jax.train.nan_watch import halt_error


def _warn(message: str) -> None:
  print(f"warning: {message}", file=sys.stderr, flush=True)


def check_resume(saved_config: dict, config, allowed) -> None:
  """Refuses a resume whose data order differs from the checkpoint's (seed, batch, data source)."""
  current = ckpt_lib.config_json(config)
  unknown = sorted(set(allowed) - set(ckpt_lib.resume_guarded_fields(current)))
  if unknown:
    raise ValueError(f"--allow_resume_change: {', '.join(unknown)} is not a data-order field; they are "
                     f"seed, data.* (not num_threads, prefetch, eval_path) and curriculum.stageN.data_path / "
                     f"batch_size.")
  changed = ckpt_lib.resume_mismatches(saved_config, current)
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


def _resumed(state, data_position, meta, ckpt, state_shardings, config, allowed_changes):
  check_resume(meta.get("config", {}), config, allowed_changes)
  print(f"Resuming from {ckpt.directory} at step {int(state.step)} (stage {meta.get('stage')}).", flush=True)
  if int(state.nonfinite_groups):     # a halted run's last good state: start healthy again
    state = jax.jit(lambda s: s.replace(nonfinite_groups=jnp.zeros_like(s.nonfinite_groups)),
                    out_shardings=state_shardings, donate_argnums=0)(state)
  return state, data_position


class CheckpointPolicy:
  """When the loop saves and what it saves with each step: its stage and config, its data position."""

  def __init__(self, ckpt, config, stages, stage_data):
    self.ckpt, self._config, self._stages, self._data = ckpt, config, stages, stage_data
    self.failed = None                 # (step, message) of the newest write that failed
    self._reported = set()             # the failed steps already warned about (one warning each)

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
                     meta={"step": step, "stage": stage.name, "config": ckpt_lib.config_json(self._config)})
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
    """nan_policy=halt (nan_watch.py): when the pending step went non-finite, saves the frozen last
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
      raise OSError(f"the checkpoint write of step {self.failed[0]} failed ({self.failed[1]}); the newest good "
                    f"checkpoint in {self.ckpt.directory} is step {newest}. Free space and rerun to resume "
                    f"from it.")
