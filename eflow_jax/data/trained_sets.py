"""Every record set a run's weights have trained on, over its whole history: data.path, each
curriculum stage's data_path, a data.path changed on resume (--allow_resume_change), and the fewest
records held out of each (a holdout switched on later does not hold out clips trained before). Kept
in each checkpoint's meta and an export's config.json, so that an eval set is called held out only
if none of them holds its clips (data/eval_set.py)."""
from __future__ import annotations

import os

from eflow_jax.data import fingerprint

KEY = "trained_sets"     # {fingerprint: {"path": where it was read, "holdout_examples": the fewest held out}}


def from_record_sets(record_sets: dict, data_cfg) -> dict:
  """The sets a run trains on now: {path: fingerprint} (fault_tolerance.record_sets) and its data
  section (a run given data.eval_path trains on every record; else all but the last holdout_examples)."""
  data_cfg = data_cfg or {}
  hold = 0 if data_cfg.get("eval_path") else int(data_cfg.get("holdout_examples") or 0)
  # Absolute: a relative data.path means nothing from another folder (an eval run elsewhere).
  return {digest: {"path": os.path.abspath(path), "holdout_examples": hold}
          for path, digest in (record_sets or {}).items()}


def of_meta(meta: dict | None) -> dict | None:
  """A checkpoint meta's history; a checkpoint written before it was kept gives its own step's sets
  (its record_sets and data section); None when the meta names no record set (a Moving MNIST run)."""
  meta = meta or {}
  if isinstance(meta.get(KEY), dict):
    return meta[KEY]
  return from_record_sets(meta.get("record_sets"), (meta.get("config") or {}).get("data")) or None


def of_export(description: dict) -> dict | None:
  """An export's history (its config.json); an export written before it was kept gives the sets its
  config names (data.path and each stage's data_path), by their fingerprints now: a set no longer at
  its path gets a key no set has, so that its clips are known not to be comparable."""
  if isinstance(description.get(KEY), dict):
    return description[KEY]
  config = description.get("config") or {}
  data_cfg = config.get("data") or {}
  if data_cfg.get("source") != "array_record" or not data_cfg.get("path"):
    return None
  stages = [v for k, v in sorted((config.get("curriculum") or {}).items())
            if k.startswith("stage") and isinstance(v, dict)]
  paths = {data_cfg["path"], *(s["data_path"] for s in stages if s.get("data_path"))}
  return from_record_sets({p: fingerprint.record_fingerprint(p) if os.path.isdir(p) else f"not found: {p}"
                           for p in sorted(paths)}, data_cfg)


def merged(*histories) -> dict:
  """The union of histories, each set with the fewest records it ever held out."""
  out: dict = {}
  for history in histories:
    for digest, trained in (history or {}).items():
      if digest in out:
        trained = {**trained, "holdout_examples": min(out[digest]["holdout_examples"], trained["holdout_examples"])}
      out[digest] = dict(trained)
  return out
