"""Orbax checkpoints of a run: train state (params, EMA, optimizer, step, rng), data-iterator state,
and metadata (resolved config, stage name, version).

Orbax writes each step to a temporary directory and renames it when complete, so a preempted write
is never taken as the latest step. Kept: the newest `max_to_keep` steps plus every curriculum stage
boundary (forever).
"""
import json
import os
import subprocess

import jax
import orbax.checkpoint as ocp
from orbax.checkpoint import checkpoint_managers as policies

from eflow_jax import __version__


def code_version() -> dict:
  """Package version and, when run from a git checkout, the commit: stored with every checkpoint."""
  info = {"eflow_jax": __version__}
  try:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    info["git_commit"] = subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], capture_output=True,
                                        text=True, timeout=5, check=True).stdout.strip()
  except (OSError, subprocess.SubprocessError):
    pass
  return info


class Checkpointer:
  def __init__(self, directory: str, *, max_to_keep: int = 3, keep_steps=()):
    self.directory = os.path.abspath(directory)
    preservation = policies.AnyPreservationPolicy(
        [policies.LatestN(max_to_keep), policies.CustomSteps(list(keep_steps))])
    self.manager = ocp.CheckpointManager(
        self.directory,
        options=ocp.CheckpointManagerOptions(create=True, preservation_policy=preservation))

  def latest_step(self):
    return self.manager.latest_step()

  def all_steps(self):
    return list(self.manager.all_steps())

  def save(self, step: int, state, *, data_state: dict | None, meta: dict) -> None:
    args = ocp.args.Composite(
        state=ocp.args.StandardSave(state),
        data=ocp.args.JsonSave(data_state or {}),
        meta=ocp.args.JsonSave({**meta, "version": code_version()}))
    self.manager.save(step, args=args, force=True)

  def restore(self, target_state, step: int | None = None):
    """Returns (state, data_state, meta) of `step` (default: latest). `target_state` gives structure."""
    step = self.latest_step() if step is None else step
    if step is None:
      raise FileNotFoundError(f"no checkpoint in {self.directory}; train first or pick another --workdir.")
    if step not in self.all_steps():
      raise FileNotFoundError(f"checkpoint step {step} not in {self.directory}; available: {self.all_steps()}.")
    abstract = jax.tree.map(ocp.utils.to_shape_dtype_struct, target_state)
    restored = self.manager.restore(step, args=ocp.args.Composite(
        state=ocp.args.StandardRestore(abstract), data=ocp.args.JsonRestore(),
        meta=ocp.args.JsonRestore()))
    return restored["state"], restored["data"], restored["meta"]

  def read_meta(self, step: int | None = None) -> dict:
    step = self.latest_step() if step is None else step
    return self.manager.restore(step, args=ocp.args.Composite(meta=ocp.args.JsonRestore()))["meta"]

  def wait(self) -> None:
    self.manager.wait_until_finished()

  def close(self) -> None:
    self.manager.close()


def config_json(config) -> dict:
  return json.loads(config.to_json_best_effort())
