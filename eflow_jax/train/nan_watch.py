"""config.nan_policy's bookkeeping in the loop (the step itself guards the update: train/step.py).

`halt`: a non-finite step leaves the state frozen at the last good step; the loop learns of it one
step late (reading the flag of the step just dispatched would wait for it), then saves that frozen
state under the last good step and stops with one line. `skip`: training goes on, and a warning
says how many updates were skipped so far. The counter `nonfinite_steps` lives in the train state,
so steps skipped by an earlier invocation are not reported again.
"""
from eflow_jax.train.step import nonfinite_names


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


def halt_error(bad_step: int, metrics: dict, stage_name: str, directory: str) -> FloatingPointError:
  groups = ", ".join(nonfinite_names(int(metrics["nonfinite_groups"]))) or "loss"
  return FloatingPointError(
      f"non-finite {groups} at step {bad_step + 1} (stage {stage_name}, loss {float(metrics['loss']):.4g}); "
      f"the last good state (step {bad_step}) is in {directory}. Lower the learning rate or fix the data, "
      f"or set --config.nan_policy=skip.")
