"""Where a program calls the Pipeline from and how it hands it ids: inside a JAX transformation, in
a child forked after the Pipeline was built, with an iterator or a set of ids. The Pipeline samples
with its own compiled program and returns NumPy clips (eflow_jax/pipeline.py): a call traced by
jax.jit failed deep in JAX with a tracer conversion error and a dump of the sampler's program, a
forked child hung (JAX's threads do not survive a fork), a generator of ids read as one id, and a
condition batch made by hand was not checked at all."""
from __future__ import annotations

import collections.abc
import math
import numbers
import os

import jax
import jax.numpy as jnp
import numpy as np

from eflow_jax import user_paths
from eflow_jax.schema.data import check_record_paths_are_read

_forked = False          # this process is a child forked from one that had imported the Pipeline


def _after_fork_in_child() -> None:
  global _forked
  _forked = True


os.register_at_fork(after_in_child=_after_fork_in_child)


def check_same_process(what: str, built_in: int) -> None:
  """Refuses, in one line, a Pipeline built in the parent of a forked child instead of hanging there."""
  if _forked and built_in != os.getpid():
    raise RuntimeError(f"{what} was built in process {built_in} and called in a child forked from it (os.fork, "
                       f"multiprocessing's 'fork'), where JAX's threads do not run and sampling hangs; build the "
                       f"Pipeline in the child, or use multiprocessing.get_context('spawn').")


def check_not_traced(what: str, *values) -> None:
  """Refuses a call inside jax.jit (where every array is traced) or with traced arguments, in one line."""
  traced = isinstance(jnp.zeros(()), jax.core.Tracer) or any(isinstance(v, jax.core.Tracer) for v in values)
  if traced:
    raise TypeError(f"{what} was called inside jax.jit / vmap / grad (its arguments or its call are traced); it "
                    f"compiles its own sampler and returns NumPy clips: call it outside the transformed function, "
                    f"with concrete ids.")


def as_ids(name: str, values, kind: str = "id"):
  """One id (prompt) or a sequence of them as given, an iterator (a generator) as the list it yields;
  a set has no order to give clips in and a mapping leaves keys or values open (a dict of prompts by
  scene name read as its keys), so both are refused."""
  if isinstance(values, (set, frozenset)):
    raise ValueError(f"{name} is a set, which has no order; give a list (one clip per {kind}, in order).")
  if isinstance(values, collections.abc.Mapping):
    raise ValueError(f"{name} is a mapping: give a list of {kind}s (its keys or its values, one clip per {kind}, in "
                     f"order).")
  if isinstance(values, collections.abc.Iterator):
    return list(values)
  return values


def as_prompts(values) -> list:
  """Prompts as a list: one string, or a sequence or iterator of them (a set or mapping: `as_ids`);
  anything else as a one-item list, for the caller's one-line type check."""
  if isinstance(values, str):
    return [values]
  values = as_ids("prompts", values, "prompt")
  return list(values) if isinstance(values, collections.abc.Iterable) else [values]


def check_config(what: str, config) -> None:
  """A run config given to a loader must be one (a ConfigDict, as config_lib.load_config returns): a
  config file's path failed deep inside the loader with an AttributeError on 'str'."""
  if config is None:
    return
  if all(hasattr(config, name) for name in ("model", "data")):
    check_record_paths_are_read(config.data)          # as the command line refuses them (train/validate.py)
    return
  hint = (f"load it first: eflow_jax.config_lib.load_config({str(config)!r})" if isinstance(config, (str, os.PathLike))
          else "give a run config (eflow_jax.config_lib.load_config('configs/x.py'))")
  raise ValueError(f"{what}: config={config!r} is a {type(config).__name__}, not a run config; {hint}, or leave "
                   f"config out to use the checkpoint's own.")


def export_hint(directory: str) -> str:
  """What turns `directory`, which holds no export, into one: a step folder of a run is sampled from
  the run, or exported outside its checkpoints folder (an export there is refused: user_paths.py)."""
  folder = user_paths.checkpoints_folder_holding(directory)
  if folder is None:
    return f"python -m eflow_jax.tools.export --workdir=RUN --output={directory}"
  run = os.path.dirname(folder)
  step = os.path.relpath(os.path.realpath(directory), folder).split(os.sep)[0]
  step_arg = f" --step={step}" if step.isdigit() else ""
  return (f"it is in the checkpoints of the run {run}: load it with Pipeline.from_workdir({run!r}"
          f"{', step=' + step if step_arg else ''}), or export it: python -m eflow_jax.tools.export --workdir={run}"
          f"{step_arg} --output={os.path.join(run, 'export')}")


def condition_batch(cond, num_classes: int, text_length: int, text_dim: int) -> dict:
  """A condition batch handed to Pipeline.latents by hand, checked as Pipeline.conditions builds
  one and returned as arrays: an id of -1 sampled the unconditional model (a negative index wraps),
  one past it gave black frames, and a list, a float or a 2-D `y` failed deep in JAX naming nothing."""
  what = "Pipeline.latents(cond)"
  want = {"y"} if num_classes else {"text", "text_mask"}
  if not isinstance(cond, collections.abc.Mapping) or set(cond) != want:
    found = sorted(cond) if isinstance(cond, collections.abc.Mapping) else type(cond).__name__
    raise ValueError(f"{what}: {found}; this model takes a dict with {sorted(want)}, as Pipeline.conditions(...) "
                     f"returns it.")
  if num_classes:
    ids = np.asarray(cond["y"])
    if ids.ndim != 1 or not ids.size or not np.issubdtype(ids.dtype, np.integer):
      raise ValueError(f"{what}: cond['y'] has shape {ids.shape} and dtype {ids.dtype}; give a 1-D integer array of "
                       f"class ids.")
    bad = sorted({int(i) for i in ids if not 0 <= i <= num_classes})
    if bad:
      raise ValueError(f"{what}: class ids {bad[:5]} outside [0, {num_classes}] ({num_classes} = unconditional).")
    return {"y": ids.astype(np.int32)}
  text, mask = np.asarray(cond["text"]), np.asarray(cond["text_mask"])
  if (text.ndim != 3 or text.shape[1:] != (text_length, text_dim) or not np.issubdtype(text.dtype, np.floating)
      or mask.shape != text.shape[:2]):
    raise ValueError(f"{what}: cond['text'] {text.shape} {text.dtype}, cond['text_mask'] {mask.shape}; this model "
                     f"takes float text (B, {text_length}, {text_dim}) and text_mask (B, {text_length}).")
  return {"text": text.astype(np.float32), "text_mask": mask.astype(np.int32)}


def whole_numbers(name: str, values) -> list[int]:
  """`values` (one id or a flat sequence of them) as Python ints when every one is a whole number
  (1, 2.0, np.int32(3)); a fraction, a bool, a string, an empty or a nested list is refused in one
  line (never truncated, never flattened into more clips than ids were meant)."""
  array = np.asarray(as_ids(name, values), dtype=object)
  if array.ndim > 1:
    raise ValueError(f"{name} has shape {array.shape}; give one id or a flat list of ids (one clip each).")
  flat = array.reshape(-1)
  if flat.size == 0:
    raise ValueError(f"{name} is empty; give at least one.")
  bad = [v for v in flat.tolist() if isinstance(v, bool) or not isinstance(v, numbers.Real) or
         not math.isfinite(v) or v != int(v)]
  if bad:
    shown = [v.item() if isinstance(v, np.generic) else v for v in bad[:5]]      # True, not np.True_
    raise ValueError(f"{name}: {shown} {'is not a whole number' if len(bad) == 1 else 'are not whole numbers'}; give "
                     f"integer ids.")
  return [int(v) for v in flat.tolist()]
