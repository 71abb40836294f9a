"""Orbax checkpoints of a run: train state (params, EMA, optimizer, step, rng), data-iterator state,
and metadata (resolved config, stage name, version).

Orbax writes each step to a temporary directory and renames it when complete, so a preempted write is
never taken as the latest step. Kept: the newest `max_to_keep` steps plus every stage boundary (forever).

Restoring the latest step is defensive: a step that cannot be read (a missing item, truncated or
corrupt files, array data whose checksum differs from the one written at save) is reported in one
line, renamed `<step>.corrupt` by a trainer (never deleted; sample / eval only skip it) and the
next older step is tried; a step written by an incompatible config (another model shape) is refused
with the first mismatching field, because resuming it would silently start a different experiment.

A failed write (a full disk) is one line per step (train/fault_tolerance.py): Orbax's manager is
replaced and its tracebacks quieted. The run directory (lock, space) is eflow_jax/workdir.py's.
"""
import functools
import json
import os
import re
import subprocess
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np

from eflow_jax import __version__
from eflow_jax.atomic_io import free_name
from eflow_jax import root_logger
from eflow_jax.export_digests import model_digest
from eflow_jax.checkpoint_compat import (DATA_FIELDS_FREE_ON_RESUME, RUNTIME_MODEL_FIELDS,  # noqa: F401
                                         IncompatibleCheckpointError, model_config_mismatch, refuse_float64,
                                         resume_guarded_fields, resume_mismatches, state_mismatch)
from eflow_jax.orbax_noise import quiet_failed_write_noise, quiet_read_only_notices  # noqa: F401

with root_logger.as_found():          # Orbax logs through absl at import (eflow_jax/root_logger.py)
  import orbax.checkpoint as ocp  # pylint: disable=g-import-not-at-top
  from orbax.checkpoint import checkpoint_managers as policies  # pylint: disable=g-import-not-at-top


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


class CorruptCheckpointError(OSError):
  """A checkpoint step could not be read (a named --step, or every step of the run)."""


# The items of every checkpoint step (`Checkpointer.save`); a step missing one is unreadable.
ITEMS = ("state", "data", "meta")
CHECKSUM_ALGORITHM = "uint32-sum+odd-weighted-sum/v1"


def first_line(error: BaseException) -> str:
  text = str(error).strip().splitlines()
  return f"{type(error).__name__}: {text[0] if text else ''}"[:300]


def _as_uint32_words(x):
  """The bits of an array as a flat uint32 vector (what the checksum adds up)."""
  if jax.dtypes.issubdtype(x.dtype, jax.dtypes.prng_key):
    x = jax.random.key_data(x)
  size = np.dtype(x.dtype).itemsize
  if size >= 4:                                  # 8-byte types become (..., 2) uint32 halves
    return jax.lax.bitcast_convert_type(x, jnp.uint32).reshape(-1)
  narrow = jnp.uint16 if size == 2 else jnp.uint8
  return jax.lax.bitcast_convert_type(x, narrow).astype(jnp.uint32).reshape(-1)


def _leaf_checksum(x):
  """(sum of words, sum of words * (2i + 1)) mod 2^32. One flipped bit changes the first sum by
  +-2^k (never 0 mod 2^32); the odd weights make the second catch swapped words as well."""
  words = _as_uint32_words(x)
  weights = jnp.arange(words.shape[0], dtype=jnp.uint32) * jnp.uint32(2) + jnp.uint32(1)
  return jnp.stack([jnp.sum(words, dtype=jnp.uint32), jnp.sum(words * weights, dtype=jnp.uint32)])


def state_checksums(state, replicated_sharding=None) -> dict:
  """{'params/...': [s1, s2]} of every array leaf, computed on device (sharded arrays included; the
  result is replicated so every process reads the same numbers)."""
  paths = [jax.tree_util.keystr(p, simple=True, separator="/")
           for p, _ in jax.tree_util.tree_flatten_with_path(state)[0]]
  sums = _checksum_program(replicated_sharding)(state)
  return {path: [int(a), int(b)] for path, (a, b) in zip(paths, jax.device_get(sums))}


@functools.lru_cache(maxsize=8)
def _checksum_program(replicated_sharding):
  """One jitted program per output sharding, so every save reuses its compilation."""
  return jax.jit(lambda s: [_leaf_checksum(x) for x in jax.tree.leaves(s)], out_shardings=replicated_sharding)


def checksum_mismatch(saved: dict, restored: dict) -> str | None:
  for path in sorted(saved):
    if restored.get(path) != saved[path]:
      return f"array data of {path} differs from its checksum written at save"
  return None


class _Unreadable(Exception):
  """An Orbax/TensorStore read of a checkpoint step failed: its files are missing or corrupt."""


def _reading(read, *args, **kwargs):
  try:
    return read(*args, **kwargs)
  except Exception as e:      # Orbax and TensorStore raise many types for bad files
    raise _Unreadable(first_line(e)) from e


class Checkpointer:
  """Orbax steps of one run. read_only (sample / eval): nothing is created, cleaned or renamed.
  replicated_sharding: where the save/restore checksums land (a replicated sharding on the run's
  mesh, so every process of a multi-host job reads them); None = default placement."""

  def __init__(self, directory: str, *, max_to_keep: int = 3, keep_steps=(), read_only: bool = False,
               replicated_sharding=None):
    self.directory = os.path.abspath(directory)
    self.read_only = read_only
    self._replicated = replicated_sharding
    self._last_saved_step = None
    self._max_to_keep, self._keep_steps = max_to_keep, list(keep_steps)
    if not read_only:
      quiet_failed_write_noise()
    else:
      quiet_read_only_notices()
    self.manager = self._open_manager()

  def _open_manager(self):
    preservation = policies.AnyPreservationPolicy(
        [policies.LatestN(self._max_to_keep), policies.CustomSteps(self._keep_steps)])
    # A trainer holds the workdir lock (WorkdirLock) before it gets here, so temporary directories
    # left by a killed write are stale and Orbax may clean them.
    return ocp.CheckpointManager(
        self.directory,
        options=ocp.CheckpointManagerOptions(create=not self.read_only, read_only=self.read_only,
                                             save_interval_steps=0 if self.read_only else 1,
                                             cleanup_tmp_directories=not self.read_only,
                                             preservation_policy=preservation),
        item_handlers={"state": ocp.StandardCheckpointHandler(), "data": ocp.JsonCheckpointHandler(),
                       "meta": ocp.JsonCheckpointHandler()})

  def latest_step(self):
    return self.manager.latest_step()

  def all_steps(self):
    return list(self.manager.all_steps())

  def save(self, step: int, state, *, data_state: dict | None, meta: dict) -> None:
    """Starts an async write of `step`; the array checksums are taken now, from the saved state."""
    checksums = {"algorithm": CHECKSUM_ALGORITHM, "leaves": state_checksums(state, self._replicated)}
    args = ocp.args.Composite(
        state=ocp.args.StandardSave(state),
        data=ocp.args.JsonSave(data_state or {}),
        meta=ocp.args.JsonSave({**meta, "version": code_version(), "checksums": checksums, **_model_sha256(meta)}))
    self._last_saved_step = step
    try:
      self.manager.save(step, args=args, force=True)
    except Exception as e:
      self._write_failed(e)            # a fresh manager: Orbax would raise this again at every save
      raise

  def restore(self, target_state, step: int | None = None, *, config_json: dict | None = None):
    """Returns (state, data_state, meta) of `step` (default: the newest readable step).

    `target_state` gives structure, shapes and shardings. `config_json` (the current run's config)
    lets a checkpoint of another model be refused by field name rather than by an Orbax shape error.
    A named `step` that cannot be read is an error; the default falls back to older steps.
    """
    return self._first_readable(step, lambda s: self._restore_step(s, target_state, config_json),
                                set_aside=not self.read_only)

  def _first_readable(self, step: int | None, read, *, set_aside: bool):
    """read(step), or read(the newest step), falling back to older ones past an unreadable one (renamed
    `<step>.corrupt` when set_aside, else left as it is). A named step that cannot be read is an error."""
    if step is None and not self.all_steps():
      raise FileNotFoundError(f"no checkpoint in {self.directory}; train first or pick another --workdir.")
    if step is not None and step not in self.all_steps():     # one set aside (--resume_from_step) is named
      aside = [f"{step}.{why}" for why in ("superseded", "corrupt") if step in self.set_aside_steps(why)]
      note = f" ({aside[0]}* holds it, set aside: rename it back to {step} to read it)" if aside else ""
      raise FileNotFoundError(f"checkpoint step {step} not in {self.directory}; available: {self.all_steps()}{note}.")
    for candidate in self._candidates(step):
      try:
        return read(candidate)
      except _Unreadable as e:
        if self._vanished(step, candidate):
          continue
        problem = f"checkpoint step {candidate} in {self.directory} is unreadable ({e})"
        if step is not None:
          raise CorruptCheckpointError(f"{problem}; pick another {'--step' if self.read_only else '--resume_from_step'}.") from None
        done = f"moved it to {self._quarantine(candidate)}" if set_aside else "left as it is"
        print(f"warning: {problem}; {done}, trying an older step.", file=sys.stderr, flush=True)
    renamed = " (unreadable ones were renamed *.corrupt)" if set_aside else ""
    raise CorruptCheckpointError(f"no readable checkpoint left in {self.directory}{renamed}; restore one by "
                                 f"hand or start a new --workdir.")

  def _restore_step(self, step: int, target_state, config_json):
    """Only failures inside Orbax reads count as an unreadable step (_Unreadable); a bug in the
    checks here must surface as itself, never get a good checkpoint renamed."""
    missing = [item for item in ITEMS if not os.path.isdir(os.path.join(self.directory, str(step), item))]
    if missing:
      raise _Unreadable(f"its item{'s' * (len(missing) > 1)} {', '.join(missing)} missing")
    meta = _reading(self.read_meta, step)
    self._check_meta_not_edited(step, meta, labelled=self.read_only)      # read-only: sample, eval, export
    if config_json is not None and "config" in meta:
      mismatch = model_config_mismatch(meta["config"], config_json)
      if mismatch:
        raise IncompatibleCheckpointError(
            f"checkpoint step {step} in {self.directory} is from another model ({mismatch}); use "
            f"its own config or start a new --workdir.")
    saved_tree = _reading(self.manager.item_metadata, step)["state"]
    saved_tree = getattr(saved_tree, "tree", saved_tree)
    if not jax.tree.leaves(saved_tree, is_leaf=lambda x: hasattr(x, "shape")):
      raise _Unreadable("its array metadata is missing")
    refuse_float64(f"checkpoint step {step} in {self.directory}", saved_tree)
    mismatch = state_mismatch(saved_tree, target_state)
    if mismatch:
      raise IncompatibleCheckpointError(f"checkpoint step {step} in {self.directory} does not fit this "
                                        f"config's train state ({mismatch}); start a new --workdir.")
    abstract = jax.tree.map(ocp.utils.to_shape_dtype_struct, target_state)
    restored = _reading(self.manager.restore, step, args=ocp.args.Composite(
        state=ocp.args.StandardRestore(abstract), data=ocp.args.JsonRestore(),
        meta=ocp.args.JsonRestore()))
    saved_sums = meta.get("checksums", {})      # absent in checkpoints written before checksums
    if saved_sums:
      if saved_sums.get("algorithm") != CHECKSUM_ALGORITHM:
        raise _Unreadable(f"its checksum algorithm {saved_sums.get('algorithm')!r} is unknown to this "
                          f"version")
      problem = checksum_mismatch(saved_sums["leaves"], state_checksums(restored["state"], self._replicated))
      if problem:
        raise _Unreadable(problem)
    return restored["state"], restored["data"], restored["meta"]

  def restore_ema_params(self, step: int | None = None):
    """(EMA params, step, meta) of `step` (default: the newest readable step, falling back to older
    ones past an unreadable one, as `restore` does in read-only mode): only the EMA parameters are
    read (sampling, export; not the online params or the Adam moments), with the shapes they were
    saved with, and checked against their save-time checksums. Single process, default device."""
    def read(candidate):
      params, meta = self._restore_ema_step(candidate)
      return params, candidate, meta
    return self._first_readable(step, read, set_aside=False)

  def _candidates(self, step: int | None):
    """`step`, or the newest step not tried yet, listed again after each try: a trainer in the same run
    (sample, eval or export while it trains) adds steps and prunes old ones (max_to_keep) meanwhile."""
    tried = set()
    while step is None:
      self.manager.reload()
      left = set(self.manager.all_steps()) - tried
      if not left:
        return
      tried.add(max(left))
      yield max(left)
    yield step

  def _vanished(self, step: int | None, candidate: int, wait_s: float = 2.0) -> bool:
    """The default step's folder was deleted (pruned by a trainer) while read, or is within `wait_s`."""
    if step is not None or not self.read_only:
      return False
    folder, deadline = os.path.join(self.directory, str(candidate)), time.monotonic() + wait_s
    while os.path.isdir(folder) and time.monotonic() < deadline:
      time.sleep(0.05)
    return not os.path.isdir(folder)

  def _restore_ema_step(self, step: int):
    missing = [item for item in ITEMS if not os.path.isdir(os.path.join(self.directory, str(step), item))]
    if missing:
      raise _Unreadable(f"its item{'s' * (len(missing) > 1)} {', '.join(missing)} missing")
    try:
      meta = _reading(self.read_meta, step)
      saved = _reading(self.manager.item_metadata, step)["state"]
      saved = getattr(saved, "tree", saved) or {}           # None: Orbax's _METADATA file is gone
      abstract = {"ema_params": jax.tree.map(lambda m: jax.ShapeDtypeStruct(m.shape, m.dtype), saved["ema_params"])}
    except KeyError as e:
      raise _Unreadable(f"its array metadata lacks {e}") from None
    self._check_meta_not_edited(step, meta, labelled=True)
    refuse_float64(f"checkpoint step {step} in {self.directory}", {"ema_params": saved["ema_params"]})
    device = jax.sharding.SingleDeviceSharding(jax.local_devices()[0])
    restore_args = jax.tree.map(lambda a: ocp.ArrayRestoreArgs(restore_type=jax.Array, dtype=a.dtype,
                                                               sharding=device), abstract)
    restored = _reading(ocp.PyTreeCheckpointer().restore, os.path.join(self.directory, str(step), "state"),
                        args=ocp.args.PyTreeRestore(item=abstract, restore_args=restore_args,
                                                    partial_restore=True))
    saved_sums = {k: v for k, v in meta.get("checksums", {}).get("leaves", {}).items()
                  if k.startswith("ema_params/")}
    problem = checksum_mismatch(saved_sums, state_checksums(restored))
    if problem:
      raise _Unreadable(problem)
    return restored["ema_params"], meta

  def _check_meta_not_edited(self, step: int, meta: dict, *, labelled: bool) -> None:
    """An edited model field that owns no tensor (feature_map...) would run the weights as another
    network (model_sha256). A step folder copied or renamed by hand (its meta names another step) is
    refused where the step labels what is written (read-only: export, sample, eval), else warned of."""
    if isinstance(meta.get("step"), int) and meta["step"] != step:        # a step folder copied or renamed
      problem = f"checkpoint step {step} in {self.directory} holds step {meta['step']} by its meta (copied or renamed?)"
      if labelled:
        raise IncompatibleCheckpointError(f"{problem}: rename the folder to {meta['step']}, or move it away.")
      print(f"warning: {problem}; training goes on from step {meta['step']}, as its meta says.", file=sys.stderr, flush=True)
    saved = meta.get("model_sha256")            # absent in checkpoints written before it
    if saved and saved != _model_sha256(meta).get("model_sha256"):
      raise IncompatibleCheckpointError(f"checkpoint step {step} in {self.directory}: the model section of its "
                                        f"saved config was edited (model_sha256 differs); set it back, or "
                                        f"start a new --workdir for the other model.")

  def _quarantine(self, step: int) -> str:
    """Renames an unreadable step out of Orbax's view (process 0 only); returns the new path."""
    return self.set_aside(step, "corrupt")

  def set_aside(self, step: int, reason: str) -> str:
    """Renames step `step` to `<step>.<reason>` (`<step>.<reason>-2`... when that exists, as the grids
    and reports of the same resume are: atomic_io.free_name), out of Orbax's view and never deleted
    (process 0 renames; every process waits); returns the new path."""
    source = os.path.join(self.directory, str(step))
    target = free_name(f"{source}.{reason}")
    if jax.process_index() == 0 and os.path.exists(source):
      os.rename(source, target)
    if jax.process_count() > 1:
      from jax.experimental import multihost_utils
      multihost_utils.sync_global_devices(f"eflow_set_aside_{reason}_{step}")
    self.manager.reload()
    return target

  def set_aside_steps(self, reason: str) -> list[int]:
    """The steps of this directory renamed `<step>.<reason>[-k]` (`set_aside`; `.<time>` before), oldest first."""
    if not os.path.isdir(self.directory):
      return []
    pattern = re.compile(rf"^(\d+)\.{re.escape(reason)}([.-]\d+)?$")
    return sorted({int(m.group(1)) for m in map(pattern.match, os.listdir(self.directory)) if m})

  def newest_committed_step(self) -> int | None:
    """The newest step whose write completed: on disk under its final name (Orbax writes a step to
    `<step>.orbax-checkpoint-tmp*` and renames it when complete). Unlike `latest_step`, never a step
    whose write is in flight or failed (Orbax lists a step from the moment its save starts)."""
    if not os.path.isdir(self.directory):
      return None
    return max((int(name) for name in os.listdir(self.directory)
                if name.isdigit() and os.path.isdir(os.path.join(self.directory, name))), default=None)

  def read_meta(self, step: int | None = None) -> dict:
    step = self.latest_step() if step is None else step
    return self.manager.restore(step, args=ocp.args.Composite(meta=ocp.args.JsonRestore()))["meta"]

  def async_error(self) -> tuple[int, str] | None:
    """(step, one line) of a background (async) write that failed since the last call, else None.
    Writes run one at a time (Orbax waits for the previous one), so it is the last step saved."""
    try:
      self.manager.check_for_errors()
    except Exception as e:
      return self._write_failed(e)
    return None

  def finish(self) -> tuple[int, str] | None:
    """Waits for the write in flight; (step, one line) if it (or an earlier one) failed."""
    try:
      self.wait()
    except Exception as e:
      return self._write_failed(e)
    return self.async_error()

  def _write_failed(self, error: BaseException) -> tuple[int, str]:
    """A failed write's (step, one line). Orbax keeps the failure in its manager and raises it again
    from every later wait and save (so every other save would never be tried): the manager is
    replaced by a fresh one on the same directory, which also removes the failed step's temporary
    directory (cleanup_tmp_directories), freeing what it took on a full disk. Single process only."""
    failed = (self._last_saved_step, first_line(error))
    if jax.process_count() > 1:     # a manager opened by some processes only could desynchronise
      return failed                 # Orbax's barriers: there, a later save raises the failure again
    try:
      self.manager.close()
    except Exception:                       # it raises the same failure once more: already reported
      pass
    self.manager = self._open_manager()
    return failed

  def wait(self) -> None:
    self.manager.wait_until_finished()

  def close(self) -> None:
    self.manager.close()


def _model_sha256(meta: dict) -> dict:
  """{'model_sha256': digest} of a meta's saved config (export_digests.model_digest); {} without one."""
  model = meta.get("config", {}).get("model") if isinstance(meta.get("config"), dict) else None
  return {"model_sha256": model_digest(model)} if isinstance(model, dict) else {}


def config_json(config) -> dict:
  return json.loads(config.to_json_best_effort())
