"""Which clips a record set of prepare_data holds, by digests its shard sidecars keep: each record's
source video (sha256 of the file, tools/input_digests.py) and its latent (sha256 of the stored
bytes). An eval set is held out only if none of its clips is a clip the weights trained on: the same
video listed again, copied or cut into another set, or the same frames re-encoded into another file
(byte-identical latents). data/eval_set.py reports the count."""
from __future__ import annotations

import functools
import glob
import hashlib
import json
import os

import numpy as np

from eflow_jax.data import fingerprint

SIDECARS = "shard-[0-9][0-9][0-9][0-9][0-9].json"


def latent_digest(latent) -> str:
  """sha256 of a record's latent as stored (kept per record in the shard's sidecar)."""
  return hashlib.sha256(np.ascontiguousarray(latent).tobytes()).hexdigest()


def _video(inputs, index):
  entry = inputs[index] if 0 <= index < len(inputs) else None
  return entry[3] if isinstance(entry, list) and len(entry) == 4 else None     # None: no file (TFDS, unreadable)


def record_digests(path: str) -> tuple | None:
  """_record_digests of the set as it is now (cached until its folder or manifest changes)."""
  try:
    stamp = (os.stat(path).st_mtime_ns, os.stat(os.path.join(path, "manifest.json")).st_mtime_ns)
  except OSError:
    return None
  return _record_digests(path, stamp)


@functools.lru_cache(maxsize=32)
def _record_digests(path: str, stamp: tuple) -> tuple | None:  # pylint: disable=unused-argument
  """((video sha256, latent sha256) of each record, in record order), either None where unknown;
  None for a set whose sidecars keep no digests (another writer, an older version) or whose manifest
  lists a shard without its sidecar. Sidecars written before the per-record lists give one pair per
  listed video (a video skipped as bad counts too)."""
  out, per_record = [], True
  manifest = _json_or_none(os.path.join(path, "manifest.json"))
  shards = manifest.get("shards") if isinstance(manifest, dict) else None
  if not isinstance(shards, list):
    return None
  sidecars = sorted(glob.glob(os.path.join(path, SIDECARS)))
  listed = {os.path.splitext(str(s.get("file", "")))[0] + ".json" for s in shards if isinstance(s, dict)}
  if not listed <= {os.path.basename(p) for p in sidecars}:
    return None                            # a shard copied without its sidecar: its clips would go unseen
  for sidecar in sidecars:
    info = _json_or_none(sidecar)
    inputs = info.get("inputs") if isinstance(info, dict) else None
    if not isinstance(inputs, list):
      return None
    kept, latents = info.get("record_entries"), info.get("latents_sha256")
    if isinstance(kept, list) and isinstance(latents, list) and len(kept) == len(latents):
      first = info["entries"][0]
      out += [(_video(inputs, entry - first), latent) for entry, latent in zip(kept, latents)]
    else:
      per_record = False
      out += [(_video(inputs, i), None) for i in range(len(inputs))]
  if per_record and len(out) != manifest.get("num_examples"):
    return None
  return tuple(out) or None


def _json_or_none(path: str):
  try:
    with open(path, encoding="utf-8") as f:
      return json.load(f)
  except (OSError, ValueError):
    return None


@functools.lru_cache(maxsize=32)
def set_fingerprint(path: str) -> str:
  """data/fingerprint.py's fingerprint of the set at `path` (a real path), read once per process."""
  return fingerprint.record_fingerprint(path)


def locate(digest: str, recorded: str, candidates=()) -> str | None:
  """Where the trained set of fingerprint `digest` is now: its recorded path, or one of `candidates`
  (the command's data.path: a set moved or renamed since), if it holds that set; None otherwise."""
  for path in [recorded, *candidates]:
    if path and os.path.isdir(path) and set_fingerprint(os.path.realpath(path)) == digest:
      return path
  return None


def clips_trained_on(path: str, history: dict, candidates=(), last: int | None = None) -> tuple[int, int] | str:
  """(how many of the clips of the record set at `path` (its `last` records only, when given) are
  clips of the trained sets, how many were compared), or why that cannot be told. `history`:
  {fingerprint: {'path', 'holdout_examples'}} (data/trained_sets.py): a set's last holdout_examples
  records were not trained on; each set is looked for by its fingerprint (locate)."""
  evaluated = record_digests(os.path.realpath(path))
  if evaluated is None:
    return (f"the shards of {path} keep no digests of their clips, or some sidecar is missing (prepared by another "
            f"writer or an older version)")
  videos, latents = set(), set()
  for digest, trained in history.items():
    found = locate(digest, trained["path"], candidates)
    if found is None:
      state = "holds other records now (prepared again)" if os.path.isdir(trained["path"]) else "is not there"
      others = [str(c) for c in candidates if os.path.realpath(c) != os.path.realpath(trained["path"])]
      elsewhere = f", nor is it at {', '.join(others)}" if others else ""
      return f"the training set {trained['path']} {state}{elsewhere}: its clips cannot be compared"
    digests = record_digests(os.path.realpath(found))
    if digests is None:
      return f"the shards of the training set {found} keep no digests of their clips (prepared by an older version)"
    kept = digests[:len(digests) - trained["holdout_examples"]] if trained["holdout_examples"] else digests
    videos.update(v for v, _ in kept if v)
    latents.update(l for _, l in kept if l)
  evaluated = evaluated[len(evaluated) - last:] if last else evaluated
  return sum(bool(v and v in videos or l and l in latents) for v, l in evaluated), len(evaluated)
