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


def _walk(values: dict, known: dict, prefix: str, found: list, missing: list) -> None:
  for key, value in values.items():
    if prefix == "curriculum." and isinstance(value, dict):      # stage1, stage2, ...: any number of stages
      _walk(value, _reference()[1], f"{prefix}{key}.", found, missing)
    elif key not in known:
      found.append((prefix + key, sorted(known)))
    elif isinstance(value, dict) and isinstance(known[key], dict):
      _walk(value, known[key], f"{prefix}{key}.", found, missing)
  if prefix != "curriculum.":
    missing.extend(prefix + key for key in known if key not in values)


def unknown_fields(config: dict) -> list[tuple[str, list[str]]]:
  """[(dotted name of a field no code reads, the known fields of its section)] of a config's dict."""
  found = []
  _walk(config, _reference()[0], "", found, [])
  return found


def missing_fields(config: dict) -> list[str]:
  """The dotted names of the fields a run config has that a config's dict lacks."""
  missing = []
  _walk(config, _reference()[0], "", [], missing)
  return missing


def edited_field_problem(description: dict) -> str | None:
  """The problem (one sentence) of an export description whose config holds a field no code reads,
  or, edited since it was written (own_digest.py), lacks one; None otherwise. A description whose
  digest matches is not checked: one written by an older release may hold a field since retired
  (and lack one added since), and its weights still load; one without a digest (written before
  digests, or the digest removed with the edit) is checked for fields no code reads."""
  matches = own_digest.matches(description)
  if matches is True or not isinstance(description.get("config"), dict):
    return None
  unknown = unknown_fields(description["config"])
  if unknown:
    name, known = unknown[0]
    close = difflib.get_close_matches(name.rsplit(".", 1)[-1], known, n=1)
    return (f"config.{name} was added by hand and is not a setting this code reads: it would be ignored without a "
            f"word; remove it{f' (did you mean {close[0]}?)' if close else ''}, or set a setting of "
            f"{name.rsplit('.', 1)[0] if '.' in name else 'the config'} by its own name.")
  missing = missing_fields(description["config"]) if matches is False else []
  if missing:
    return (f"config.{missing[0]} was removed by hand{f' (and {len(missing) - 1} more)' if len(missing) > 1 else ''}: "
            f"the model would miss it when it samples; put it back (export the run again to see its value).")
  return None
