"""Orbax checkpoints of a run: train state (params, EMA, optimizer, step, rng), data-iterator state,
and metadata (resolved config, stage name, version).

Orbax writes each step to a temporary directory and renames it when complete, so a preempted write
is never taken as the latest step. Kept: the newest `max_to_keep` steps plus every curriculum stage
boundary (forever).

Restoring the latest step is defensive: a step that cannot be read (truncated or corrupt files) is
reported in one line, renamed to `<step>.corrupt` (kept for inspection, never deleted) and the next
older step is tried; a step written by an incompatible config (another model shape) is refused with
the first mismatching field, because resuming it would silently start a different experiment.
"""
import json
import os
import shutil
import subprocess
import sys
import time

import jax
import numpy as np
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


# model.* fields that may change between a checkpoint and the run resuming it: they change how the
# same parameters are computed, not which parameters exist.
RUNTIME_MODEL_FIELDS = frozenset({"attention_impl", "remat", "dtype", "window_block"})


class IncompatibleCheckpointError(ValueError):
  """The checkpoint was written by a config with other parameter shapes or structure."""


class CorruptCheckpointError(OSError):
  """A checkpoint step could not be read (a named --step, or every step of the run)."""


def first_line(error: BaseException) -> str:
  text = str(error).strip().splitlines()
  return f"{type(error).__name__}: {text[0] if text else ''}"[:300]


def model_config_mismatch(saved_config: dict, config_json: dict) -> str | None:
  """'model.hidden: checkpoint 96, config 128' for the first differing model field, else None."""
  saved, current = saved_config.get("model", {}), config_json.get("model", {})
  for key in sorted(set(saved) | set(current)):
    if key in RUNTIME_MODEL_FIELDS:
      continue
    if saved.get(key, "<missing>") != current.get(key, "<missing>"):
      return f"model.{key}: checkpoint {saved.get(key, '<missing>')!r}, config {current.get(key, '<missing>')!r}"
  return None


def _leaf_shapes(tree, is_leaf=None) -> dict:
  """{'params/blocks/w': (shape, dtype name)} for the array leaves of a pytree (or Orbax metadata)."""
  leaves = jax.tree_util.tree_flatten_with_path(tree, is_leaf=is_leaf)[0]
  return {jax.tree_util.keystr(path, simple=True, separator="/"): (tuple(leaf.shape), np.dtype(leaf.dtype).name)
          for path, leaf in leaves}


def state_mismatch(saved_tree, target_state) -> str | None:
  """The first leaf whose presence, shape or dtype differs between a checkpoint and the target."""
  saved = _leaf_shapes(saved_tree, is_leaf=lambda x: hasattr(x, "shape") and hasattr(x, "dtype"))
  target = _leaf_shapes(target_state)
  for name in sorted(set(saved) | set(target)):
    if name not in saved:
      return f"{name} is missing from the checkpoint"
    if name not in target:
      return f"{name} is in the checkpoint but not in this model"
    if saved[name] != target[name]:
      return f"{name}: checkpoint {saved[name][0]} {saved[name][1]}, config {target[name][0]} {target[name][1]}"
  return None


def check_workdir(workdir: str) -> None:
  """Before training: the run directory must be creatable and writable (one-line error if not)."""
  probe = os.path.join(workdir, f".write_probe_{os.getpid()}")
  try:
    os.makedirs(workdir, exist_ok=True)
    with open(probe, "w") as f:
      f.write("ok")
    os.remove(probe)
  except OSError as e:
    raise OSError(f"--workdir={workdir} is not writable ({first_line(e)}); choose another directory "
                  f"or fix its permissions.") from None


def check_free_space(workdir: str, state, *, copies: int = 2) -> None:
  """Before training: room for `copies` checkpoints of `state` (one is written while one is kept)."""
  need = copies * sum(int(np.prod(np.shape(x))) * np.dtype(x.dtype).itemsize for x in jax.tree.leaves(state))
  free = shutil.disk_usage(workdir).free
  if free < need:
    raise OSError(f"--workdir={workdir} has {free / 2**20:.0f} MiB free but {copies} checkpoints of this "
                  f"state need {need / 2**20:.0f} MiB; free space or choose another --workdir.")


class _Unreadable(Exception):
  """An Orbax/TensorStore read of a checkpoint step failed: its files are missing or corrupt."""


def _reading(read, *args, **kwargs):
  try:
    return read(*args, **kwargs)
  except Exception as e:      # Orbax and TensorStore raise many types for bad files
    raise _Unreadable(first_line(e)) from e


class Checkpointer:
  def __init__(self, directory: str, *, max_to_keep: int = 3, keep_steps=()):
    self.directory = os.path.abspath(directory)
    preservation = policies.AnyPreservationPolicy(
        [policies.LatestN(max_to_keep), policies.CustomSteps(list(keep_steps))])
    self.manager = ocp.CheckpointManager(
        self.directory,
        options=ocp.CheckpointManagerOptions(create=True, preservation_policy=preservation),
        item_handlers={"state": ocp.StandardCheckpointHandler(), "data": ocp.JsonCheckpointHandler(),
                       "meta": ocp.JsonCheckpointHandler()})

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

  def restore(self, target_state, step: int | None = None, *, config_json: dict | None = None):
    """Returns (state, data_state, meta) of `step` (default: the newest readable step).

    `target_state` gives structure, shapes and shardings. `config_json` (the current run's config)
    lets a checkpoint of another model be refused by field name rather than by an Orbax shape error.
    A named `step` that cannot be read is an error; the default falls back to older steps.
    """
    candidates = sorted(self.all_steps(), reverse=True) if step is None else [step]
    if not candidates:
      raise FileNotFoundError(f"no checkpoint in {self.directory}; train first or pick another --workdir.")
    if step is not None and step not in self.all_steps():
      raise FileNotFoundError(f"checkpoint step {step} not in {self.directory}; available: {self.all_steps()}.")
    for candidate in candidates:
      try:
        return self._restore_step(candidate, target_state, config_json)
      except _Unreadable as e:
        problem = f"checkpoint step {candidate} in {self.directory} is unreadable ({e})"
        if step is not None:
          raise CorruptCheckpointError(problem + "; pick another --step.") from None
        moved = self._quarantine(candidate)
        print(f"warning: {problem}; moved it to {moved} and trying an older step.", file=sys.stderr, flush=True)
    raise CorruptCheckpointError(f"no readable checkpoint left in {self.directory} (unreadable ones were "
                                 f"renamed *.corrupt); restore one by hand or start a new --workdir.")

  def _restore_step(self, step: int, target_state, config_json):
    """Only failures inside Orbax reads count as an unreadable step (_Unreadable); a bug in the
    checks here must surface as itself, never get a good checkpoint renamed."""
    meta = _reading(self.read_meta, step)
    if config_json is not None and "config" in meta:
      mismatch = model_config_mismatch(meta["config"], config_json)
      if mismatch:
        raise IncompatibleCheckpointError(
            f"checkpoint step {step} in {self.directory} is from another model ({mismatch}); resume it with "
            f"its own config or start a new --workdir.")
    saved_tree = _reading(self.manager.item_metadata, step)["state"]
    saved_tree = getattr(saved_tree, "tree", saved_tree)
    if not jax.tree.leaves(saved_tree, is_leaf=lambda x: hasattr(x, "shape")):
      raise _Unreadable("its array metadata is missing")
    mismatch = state_mismatch(saved_tree, target_state)
    if mismatch:
      raise IncompatibleCheckpointError(f"checkpoint step {step} in {self.directory} does not fit this "
                                        f"config's train state ({mismatch}); start a new --workdir.")
    abstract = jax.tree.map(ocp.utils.to_shape_dtype_struct, target_state)
    restored = _reading(self.manager.restore, step, args=ocp.args.Composite(
        state=ocp.args.StandardRestore(abstract), data=ocp.args.JsonRestore(),
        meta=ocp.args.JsonRestore()))
    return restored["state"], restored["data"], restored["meta"]

  def _quarantine(self, step: int) -> str:
    """Renames an unreadable step out of Orbax's view (process 0 only); returns the new path."""
    source = os.path.join(self.directory, str(step))
    target = source + ".corrupt"
    if os.path.exists(target):
      target = f"{source}.corrupt.{int(time.time())}"
    if jax.process_index() == 0 and os.path.exists(source):
      os.rename(source, target)
    if jax.process_count() > 1:
      from jax.experimental import multihost_utils
      multihost_utils.sync_global_devices(f"eflow_quarantine_{step}")
    self.manager.reload()
    return target

  def read_meta(self, step: int | None = None) -> dict:
    step = self.latest_step() if step is None else step
    return self.manager.restore(step, args=ocp.args.Composite(meta=ocp.args.JsonRestore()))["meta"]

  def async_error(self) -> str | None:
    """One line about a background (async) write that failed since the last call, else None."""
    try:
      self.manager.check_for_errors()
    except Exception as e:
      return first_line(e)
    return None

  def wait(self) -> None:
    self.manager.wait_until_finished()

  def close(self) -> None:
    self.manager.close()


def config_json(config) -> dict:
  return json.loads(config.to_json_best_effort())
