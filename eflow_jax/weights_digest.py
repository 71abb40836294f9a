"""Which weights a report scored: a digest of the EMA parameters' save-time checksums (checkpoint.py),
written into every eval report (train/evaluate.py) and compared by the export's model card
(tools/export.py). A checkpoint step can be written twice (--resume_from_step, then training on with
another seed): the scores of the first weights must not be shown as the second's.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys

from eflow_jax.atomic_io import free_name

KEY = "weights_sha256"


def weights_digest(meta: dict) -> str | None:
  """sha256 of the EMA leaves' checksums in a checkpoint's meta (None: a checkpoint without them)."""
  leaves = (meta.get("checksums") or {}).get("leaves") or {}
  ema = {k: v for k, v in leaves.items() if k.startswith("ema_params/")}
  return hashlib.sha256(json.dumps(ema, sort_keys=True).encode()).hexdigest() if ema else None


def export_digest(description: dict) -> str | None:
  """The digest of an export's weights, from the checksums its config.json keeps (the same leaves as
  the checkpoint's EMA parameters, named without 'ema_params/'); None for an export without them."""
  leaves = ((description or {}).get("checksums") or {}).get("leaves") or {}
  return weights_digest({"checksums": {"leaves": {f"ema_params/{k}": v for k, v in leaves.items()}}})


def ema_digest(ema_params, replicated_sharding=None) -> str:
  """The digest a checkpoint of these EMA parameters carries, taken from the arrays in memory (the
  end-of-run score is measured on the state the last save wrote)."""
  from eflow_jax.checkpoint import state_checksums       # jax programs; the rest of this file is plain
  return weights_digest({"checksums": {"leaves": state_checksums({"ema_params": ema_params}, replicated_sharding)}})


def scored_other_weights(report: dict, digest: str | None) -> bool:
  """Whether `report` names weights other than those of `digest` (unknown on either side: False)."""
  return bool(digest) and report.get(KEY) not in (None, digest)


def set_aside_report_of_other_weights(path: str, digest: str | None) -> str | None:
  """Renames the report at `path` to a free `<name>.superseded[-k].json` when it scored other weights
  than `digest`, or names none (which weights it scored is unknown), and returns that name. A step trained again (--resume_from_step) keeps the weights it
  replaces as `<step>.superseded`; their report is kept the same way, not written over."""
  try:
    with open(path, encoding="utf-8") as f:
      report = json.load(f)
  except (OSError, ValueError):
    return None
  unnamed = bool(digest) and isinstance(report, dict) and report.get(KEY) is None   # written before reports named them
  if not isinstance(report, dict) or not (scored_other_weights(report, digest) or unnamed):
    return None
  stem = path[:-len(".json")] if path.lower().endswith(".json") else path
  target = free_name(f"{stem}.superseded", ".json")
  os.rename(path, target)
  step = f" of step {report['step']}" if report.get("step") is not None else ""    # score reports name none
  which = "names no weights" if unnamed else f"scored other weights{step} (weights_sha256 {str(report.get(KEY))[:8]}..."
  print(f"{path} {which}{'' if unnamed else f', these {digest[:8]}...)'}: kept as {target}, not written over.",
        file=sys.stderr, flush=True)
  return target


# The reports an evaluation writes by default (train/evaluate.py, train/loop.py's score_at_end).
REPORT_NAME = re.compile(r"^(eval|score)_step\d+\.json$")


def is_report(contents) -> bool:
  """Whether a JSON file's contents are an eval or score report: one that names the weights it
  scored, or an eval report from before reports named them ('step' and 'weights': 'ema')."""
  return isinstance(contents, dict) and (KEY in contents or {"step", "weights"} <= contents.keys())


def report_path(path: str) -> str:
  """Where a report named `path` is read and written: through a symbolic link (a `latest.json` the user
  keeps pointing at a report), as metrics.jsonl is written, not over the link."""
  return os.path.realpath(path) if os.path.islink(path) else path


def records_step(report: dict, step: int) -> bool:
  """Whether `report` is of `step`, or names no step (score reports); 12.0 or "12" edited in is 12."""
  recorded = report.get("step")
  try:
    return recorded is None or (not isinstance(recorded, bool) and float(recorded) == step)
  except (TypeError, ValueError):
    return False


def set_aside_reports_of_other_weights(folder: str, digest: str, replaced: str | None = None) -> list[str]:
  """set_aside_report_of_other_weights for every report in `folder` and its sub-folders, under its
  default name, the one --output gave it or any the user gave it (an export written again with other
  weights: the reports of the weights it replaced must not read as theirs). Files already set aside,
  and JSON that is not a report (an export's config.json), stay. replaced: the digest of the weights
  written over, when known: then only their reports are set aside, and a linked folder's reports of
  other models (the user's own collection) stay as they are."""
  moved, seen = [], {os.path.realpath(folder)}
  for root, folders, names in os.walk(folder, followlinks=True):     # a linked reports folder too
    folders[:] = [d for d in folders if os.path.realpath(os.path.join(root, d)) not in seen]   # no loops
    seen.update(os.path.realpath(os.path.join(root, d)) for d in folders)
    for name in sorted(names):
      path = os.path.join(root, name)
      report = _json_object_in(path) if ".superseded" not in name and os.path.isfile(path) else None
      if is_report(report) and (replaced is None or report.get(KEY) in (None, replaced)):
        moved.append(set_aside_report_of_other_weights(path, digest))
  return [m for m in moved if m]


REPORT_MAX_BYTES = 1 << 22        # a report is a few KB; weights and videos are not read in whole


def _json_object_in(path: str):
  """The JSON object a file holds, whatever its name (a report renamed by hand to `best_report` or
  `eval.txt` is still one), or None; only small files that begin with '{' are parsed."""
  try:
    if os.path.getsize(path) > REPORT_MAX_BYTES:
      return None
    with open(path, "rb") as f:
      data = f.read()
    return json.loads(data) if data.lstrip()[:1] == b"{" else None
  except (OSError, ValueError):
    return None
