"""Whether a record set is still the one a checkpoint was trained on.

A record set prepared again in place (another count, geometry, latent statistics or content) keeps
its path, so the config's data.path cannot tell. Every checkpoint keeps a fingerprint of each set it
trains on (train/fault_tolerance.py): manifest.json and the shards' sizes, and, in the "v2:" form,
the first and last bytes of up to `SAMPLED_SHARDS` shards, so that a shard replaced by one of equal
size (another set's shard, the same set drawn again with another seed) is seen too. Fingerprints
written before the bytes were read (no prefix) are compared as they were made.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys

from eflow_jax.data import records

VERSION = "v2:"
SAMPLED_BYTES = 65536      # read at each end of a sampled shard
SAMPLED_SHARDS = 64        # evenly spaced: at most 8 MiB read however large the set


def record_fingerprint(path: str, legacy: bool = False) -> str:
  """The fingerprint of the record set at `path` (`legacy`: the form without shard bytes)."""
  m = records.read_manifest(os.path.abspath(path))
  files = [os.path.join(path, shard["file"]) for shard in m["shards"]]
  digest = hashlib.sha256(json.dumps([m, [os.path.getsize(f) for f in files]], sort_keys=True).encode())
  if legacy:
    return digest.hexdigest()[:16]
  for name in files[::max(1, -(-len(files) // SAMPLED_SHARDS))]:
    with open(name, "rb") as f:
      digest.update(f.read(SAMPLED_BYTES))
      f.seek(max(0, os.path.getsize(name) - SAMPLED_BYTES))
      digest.update(f.read(SAMPLED_BYTES))
  return VERSION + digest.hexdigest()[:16]


def changed(path: str, saved: str) -> bool:
  """Whether the set at `path` differs from the one `saved` (a fingerprint of either form) was made of;
  an older-form fingerprint is warned of once, since equal sizes with other contents pass it."""
  legacy = not str(saved).startswith(VERSION)
  if legacy:
    _warn_once(f"the checkpoint's fingerprint of {path} predates shard-content hashing: a set prepared "
                     f"again with the same manifest and shard sizes but other contents cannot be told apart.")
  return saved != record_fingerprint(path, legacy=legacy)


_told = set()                # the warnings already given: one line each


def _warn_once(message: str) -> None:
  if message not in _told:
    _told.add(message)
    print(f"warning: {message}", file=sys.stderr, flush=True)


def warn_unchecked(path: str, what: str) -> None:
  """One line, once per path: `what` carries no fingerprint of the set (written before them)."""
  _warn_once(f"{what} predates record-set fingerprints: whether {path} changed since it was written "
                   f"(prepared again in place) cannot be checked.")


def check_for_inference(meta: dict, data_cfg, where: str) -> None:
  """Sampling and eval read the clip shape, the latent statistics and the held-out records from
  data.path: a set changed since the checkpoint would decode and score it as another model. Refused
  in one line (a checkpoint without fingerprints: a warning that it cannot be checked)."""
  if data_cfg.source != "array_record" or not data_cfg.path:
    return
  saved = meta.get("record_sets")
  if saved is None:
    warn_unchecked(data_cfg.path, where)
    return
  if not os.path.isdir(data_cfg.path):
    return                                   # the data pipeline names a missing set in one line
  if data_cfg.path in saved and changed(data_cfg.path, saved[data_cfg.path]):
    raise ValueError(f"the record set {data_cfg.path} changed since {where} was written (prepared again in "
                     f"place): what the model trained on (clip shape, latent statistics, class names) can no longer "
                     f"be read from it; put back the set it trained on, or move this one away (sampling and the "
                     f"export then read the checkpoint's copy of its manifest; eval needs the set's records).")
  if saved and data_cfg.path not in saved and same_set_as(data_cfg.path, saved) is None:
    raise ValueError(f"data.path={data_cfg.path} is not the record set {where} trained on "
                     f"({', '.join(sorted(saved))}): the clip shape, latent statistics and class names are read "
                     f"from it; point data.path at that set or a copy of it (held-out clips of another set go in "
                     f"data.eval_path).")


def same_set_as(path: str, saved: dict) -> str | None:
  """The path in `saved` ({path: fingerprint}) whose set `path` holds unchanged (a set moved or
  copied elsewhere keeps its fingerprint, which reads no path), else None."""
  return next((old for old, value in sorted(saved.items()) if not changed(path, value)), None)
