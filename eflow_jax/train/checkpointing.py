"""The run's checkpoint policy: resume from the newest one, save at every stage boundary, every
`checkpoint.every_steps` and at the end, and survive a failed write.

A failed write (full disk...) is reported and training goes on with the state in memory; the next
save retries, and the run ends with one error naming the newest good checkpoint. Stage boundaries
are kept forever (run_setup.checkpointer), so a curriculum can be re-entered at any stage.
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


def resume(ckpt, state, state_shardings, config, allowed_changes):
  """(state, data position or None): the newest checkpoint's, or the fresh state when there is none."""
  if ckpt.latest_step() is None:
    return state, None
  state, data_position, meta = ckpt.restore(state, config_json=ckpt_lib.config_json(config))
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

  def due(self, done: int, stage, end: int) -> bool:
    return done == stage.end or done % self._config.checkpoint.every_steps == 0 or done == end

  def save(self, step: int, state, data_position=None) -> None:
    """Writes checkpoint `step` (once); the data position defaults to that of the stage `step` ended."""
    if step in self.ckpt.all_steps():
      return
    earlier = self.ckpt.async_error()
    if earlier:
      _warn(f"checkpoint at step {earlier[0]} failed ({earlier[1]}); newest good checkpoint: "
            f"{self.ckpt.latest_step()}.")
    stage = curriculum.stage_at(self._stages, max(step - 1, 0))
    try:
      self.ckpt.save(step, state, data_state=data_position or self._data.position(stage),
                     meta={"step": step, "stage": stage.name, "config": ckpt_lib.config_json(self._config)})
      self.failed = None
    except Exception as e:        # orbax raises its own types for I/O failures too
      self.failed = (step, ckpt_lib.first_line(e))
      _warn(f"checkpoint at step {step} failed ({self.failed[1]}); the state stays in memory, training "
            f"continues and the next checkpoint retries. Newest good checkpoint: {self.ckpt.latest_step()}.")

  def halt_if_nonfinite(self, watch, state) -> None:
    """nan_policy=halt (nan_watch.py): when the pending step went non-finite, saves the frozen last
    good state under its own step and stops the run with one line."""
    bad = watch.went_bad()
    if bad is not None:
      bad_step, metrics, position = bad
      self.save(bad_step, state, position)
      self.ckpt.wait()
      raise halt_error(bad_step, metrics, curriculum.stage_at(self._stages, bad_step).name, self.ckpt.directory)

  def close(self, completed: bool) -> None:
    """Lets the write in flight finish (on every exit path: a stage boundary's checkpoint is never
    abandoned, nothing is left to Orbax at interpreter shutdown) and closes the checkpointer."""
    error = self.ckpt.finish()
    self.ckpt.close()
    if error and not completed and jax.process_index() == 0:
      _warn(f"checkpoint at step {error[0]} failed ({error[1]}).")
    if error:
      self.failed = error

  def raise_if_failed(self) -> None:
    if self.failed is not None:
      raise OSError(f"the checkpoint write of step {self.failed[0]} failed ({self.failed[1]}); the newest good "
                    f"checkpoint in {self.ckpt.directory} is step {self.ckpt.latest_step()}. Free space and "
                    f"rerun to resume from it.")
