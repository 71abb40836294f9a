"""Which weights a report scored: a digest of the EMA parameters' save-time checksums (checkpoint.py),
written into every eval report (train/evaluate.py) and compared by the export's model card
(tools/export.py). A checkpoint step can be written twice (--resume_from_step, then training on with
another seed): the scores of the first weights must not be shown as the second's.
"""
from __future__ import annotations

import hashlib
import json

KEY = "weights_sha256"


def weights_digest(meta: dict) -> str | None:
  """sha256 of the EMA leaves' checksums in a checkpoint's meta (None: a checkpoint without them)."""
  leaves = (meta.get("checksums") or {}).get("leaves") or {}
  ema = {k: v for k, v in leaves.items() if k.startswith("ema_params/")}
  return hashlib.sha256(json.dumps(ema, sort_keys=True).encode()).hexdigest() if ema else None


def ema_digest(ema_params, replicated_sharding=None) -> str:
  """The digest a checkpoint of these EMA parameters carries, taken from the arrays in memory (the
  end-of-run score is measured on the state the last save wrote)."""
  from eflow_jax.checkpoint import state_checksums       # jax programs; the rest of this file is plain
  return weights_digest({"checksums": {"leaves": state_checksums({"ema_params": ema_params}, replicated_sharding)}})


def scored_other_weights(report: dict, digest: str | None) -> bool:
  """Whether `report` names weights other than those of `digest` (unknown on either side: False)."""
  return bool(digest) and report.get(KEY) not in (None, digest)
