"""Where metrics go: a progress line on stdout, `metrics.jsonl`, and TensorBoard event files.

TensorBoard files are written by tensorboardX (no TensorFlow); with the `[tf]` extra installed,
`config.use_clu_writers = True` uses clu's writers instead. Only process 0 writes.
"""
import json
import os
import time

import jax


class MetricWriter:
  def __init__(self, workdir: str, use_clu: bool = False):
    self.enabled = jax.process_index() == 0
    if not self.enabled:
      return
    os.makedirs(workdir, exist_ok=True)
    self._jsonl = open(os.path.join(workdir, "metrics.jsonl"), "a")
    logdir = os.path.join(workdir, "tensorboard")
    if use_clu:
      from clu import metric_writers   # imports TensorFlow: only with the [tf] extra
      self._tb = metric_writers.create_default_writer(logdir)
      self._write_scalars = self._tb.write_scalars
    else:
      from tensorboardX import SummaryWriter
      self._tb = SummaryWriter(logdir)
      self._write_scalars = lambda step, scalars: [self._tb.add_scalar(k, v, step) for k, v in scalars.items()]

  def write(self, step: int, scalars: dict) -> None:
    if not self.enabled:
      return
    scalars = {k: float(v) for k, v in scalars.items()}
    self._jsonl.write(json.dumps({"step": step, "time": time.time(), **scalars}) + "\n")
    self._jsonl.flush()
    self._write_scalars(step, scalars)

  def close(self) -> None:
    if self.enabled:
      self._jsonl.close()
      self._tb.flush() if hasattr(self._tb, "flush") else None
      self._tb.close()


def progress_line(step: int, total: int, stage: str, metrics: dict, steps_per_s: float) -> str:
  eta = (total - step) / steps_per_s if steps_per_s > 0 else float("nan")
  # The adaptive weight keeps every weighted loss near 1 and the SCM surrogate has no scale of its
  # own, so the line shows unweighted errors: FM against the plain velocity v (the learning curve),
  # SCM's consistency residual and MVA's semigroup defect.
  names = {"fm/v_mse": "fm_v_mse", "scm/mse": "scm_mse", "mva/mse": "mva_mse"}
  groups = " ".join(f"{label}={metrics[key]:.4f}" for key, label in names.items() if key in metrics)
  return (f"step {step:6d}/{total} [{stage}] loss={metrics['loss']:.4f} {groups} "
          f"gnorm={metrics.get('grad_norm', float('nan')):.3f} {steps_per_s:.2f} steps/s "
          f"ETA {int(eta // 60):d}m{int(eta % 60):02d}s")
