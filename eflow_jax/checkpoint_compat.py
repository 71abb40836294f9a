"""Whether a checkpoint can be resumed by this config: the model fields and state shapes it must share,
and the data-order fields a resume may not change without saying so (eflow_jax/checkpoint.py uses
them on every restore; train/fault_tolerance.py words the refusal)."""
import functools

import jax
import numpy as np

from eflow_jax.schema.model import MODEL_DEFAULTS

# model.* fields that may change between a checkpoint and the run resuming it: they change how the
# same parameters are computed, not which parameters exist.
RUNTIME_MODEL_FIELDS = frozenset({"attention_impl", "remat", "dtype", "window_block"})

# Fields a resume must share with the checkpoint: the data order is a function of the seed, the
# batch sizes and the data source (eflow_jax/data/pipeline.py), so changing one breaks the
# bit-identical-resume promise silently. data.* counts except these (they change speed or eval only).
DATA_FIELDS_FREE_ON_RESUME = frozenset({"num_threads", "prefetch", "eval_path"})


@functools.lru_cache(maxsize=1)
def _model_defaults() -> dict:
  """config.model's defaults (schema/model.py) as the config JSON writes them (tuples as lists)."""
  return {k: list(v) if isinstance(v, tuple) else v for k, v in MODEL_DEFAULTS.items()}


def model_config_mismatch(saved_config: dict, config_json: dict) -> str | None:
  """'model.hidden: checkpoint 96, config 128' for the first differing model field, else None.
  A field one side lacks counts as VideoDiT's default (a field added after the checkpoint was
  written, e.g. the SLA / VSA knobs, leaves older checkpoints readable while it keeps its default)."""
  saved, current = saved_config.get("model", {}), config_json.get("model", {})
  defaults = _model_defaults()
  for key in sorted(set(saved) | set(current)):
    if key in RUNTIME_MODEL_FIELDS:
      continue
    old, new = (side.get(key, defaults.get(key, "<missing>")) for side in (saved, current))
    if old != new:
      return f"model.{key}: checkpoint {old!r}, config {new!r}"
  return None


class IncompatibleCheckpointError(ValueError):
  """The checkpoint was written by a config with other parameter shapes or structure."""


def refuse_float64(what: str, saved_tree) -> None:
  """A run trained under JAX_ENABLE_X64 before training refused it (pipeline.check_float32_default)
  saved float64 arrays; read without x64 they came back as float32 of other bits, so every step
  read as damaged ("no readable checkpoint left") or as another model's state."""
  leaves = _leaf_shapes(saved_tree, is_leaf=lambda x: hasattr(x, "shape") and hasattr(x, "dtype"))
  wide = sorted(name for name, (_, dtype) in leaves.items() if dtype == "float64")
  if wide:
    raise IncompatibleCheckpointError(
        f"{what} holds float64 arrays ({wide[0]}{f' and {len(wide) - 1} more' if len(wide) > 1 else ''}): it "
        f"was trained under JAX_ENABLE_X64, which eflow_jax no longer trains under (its weights are float32), "
        f"and is not read as float32 weights; train the run again in a new --workdir.")


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


def flatten_config(tree: dict, prefix: str = "") -> dict:
  """{'a': {'b': 1}} -> {'a.b': 1}: nested config JSON as dotted keys."""
  out = {}
  for key, value in tree.items():
    if isinstance(value, dict):
      out.update(flatten_config(value, f"{prefix}{key}."))
    else:
      out[f"{prefix}{key}"] = value
  return out


def resume_guarded_fields(config_json: dict) -> dict:
  """{field: value} of everything the data order depends on: seed, data.*, each stage's data."""
  flat = flatten_config(config_json)
  def guarded(key):
    if key.startswith("curriculum."):
      return key.rsplit(".", 1)[-1] in ("data_path", "batch_size")
    return key == "seed" or (key.startswith("data.") and key[5:] not in DATA_FIELDS_FREE_ON_RESUME)
  return {k: v for k, v in flat.items() if guarded(k)}


def resume_mismatches(saved_config: dict, config_json: dict) -> dict[str, str]:
  """{'seed': 'seed: checkpoint 0, config 1', ...}: the data-order fields that differ."""
  saved, current = resume_guarded_fields(saved_config), resume_guarded_fields(config_json)
  out = {}
  for key in sorted(set(saved) | set(current)):
    before, after = saved.get(key, "<missing>"), current.get(key, "<missing>")
    if before != after:
      out[key] = f"{key}: checkpoint {before!r}, config {after!r}"
  return out
