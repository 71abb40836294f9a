"""Which fields of a run config this code reads: those `schema/run.run_config` builds, and
`schema/curriculum.stage_config`'s in each stage. On the command line a key outside them is refused
(ml_collections' locked config); in an export's config.json edited by hand (`flow.guidance_scale`,
the diffusers name, meant to change the default guidance) it would be read by nothing, and the
samples would ignore it without a word."""
from __future__ import annotations

import difflib
import functools

from eflow_jax import own_digest
from eflow_jax.schema.curriculum import stage_config
from eflow_jax.schema.run import run_config


@functools.lru_cache(maxsize=1)
def _reference() -> tuple[dict, dict]:
  """(a run config's fields, a stage's fields) as plain nested dicts; every size and recipe has these."""
  run = run_config(model_size="tiny", model={"num_classes": 1}, video=(1, 8, 8, 4), total_steps=1,
                   stages=[dict(name="stage", fraction=1.0)])
  return run.to_dict(), stage_config("stage", fraction=1.0).to_dict()


def unknown_fields(config: dict) -> list[tuple[str, list[str]]]:
  """[(dotted name of a field no code reads, the known fields of its section)] of a config's dict."""
  run, stage = _reference()
  found = []
  def walk(values: dict, known: dict, prefix: str) -> None:
    for key, value in values.items():
      if prefix == "curriculum." and isinstance(value, dict):      # stage1, stage2, ...: any number of stages
        walk(value, stage, f"{prefix}{key}.")
      elif key not in known:
        found.append((prefix + key, sorted(known)))
      elif isinstance(value, dict) and isinstance(known[key], dict):
        walk(value, known[key], f"{prefix}{key}.")
  walk(config, run, "")
  return found


def edited_unknown_field(description: dict) -> str | None:
  """The problem (one sentence) of an export description edited since it was written (own_digest.py)
  whose config holds a field no code reads; None otherwise. A description as written is not checked:
  one written by an older release may hold a field since retired, and its weights still load."""
  if own_digest.matches(description) is not False or not isinstance(description.get("config"), dict):
    return None
  unknown = unknown_fields(description["config"])
  if not unknown:
    return None
  name, known = unknown[0]
  close = difflib.get_close_matches(name.rsplit(".", 1)[-1], known, n=1)
  return (f"config.{name} was added by hand and is not a setting this code reads: it would be ignored without a "
          f"word; remove it{f' (did you mean {close[0]}?)' if close else ''}, or set a setting of "
          f"{name.rsplit('.', 1)[0] if '.' in name else 'the config'} by its own name.")
