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

SIDECARS = "shard-[0-9][0-9][0-9][0-9][0-9].json"


def latent_digest(latent) -> str:
  """sha256 of a record's latent as stored (kept per record in the shard's sidecar)."""
  return hashlib.sha256(np.ascontiguousarray(latent).tobytes()).hexdigest()


def _video(inputs, index):
  entry = inputs[index] if 0 <= index < len(inputs) else None
  return entry[3] if isinstance(entry, list) and len(entry) == 4 else None     # None: no file (TFDS, unreadable)


@functools.lru_cache(maxsize=32)
def record_digests(path: str) -> tuple | None:
  """((video sha256, latent sha256) of each record, in record order), either None where unknown;
  None for a set whose sidecars keep no digests (another writer, an older version). Sidecars written
  before the per-record lists give one pair per listed video (a video skipped as bad counts too)."""
  out = []
  for sidecar in sorted(glob.glob(os.path.join(path, SIDECARS))):
    try:
      with open(sidecar, encoding="utf-8") as f:
        info = json.load(f)
    except (OSError, ValueError):
      return None
    inputs = info.get("inputs") if isinstance(info, dict) else None
    if not isinstance(inputs, list):
      return None
    kept, latents = info.get("record_entries"), info.get("latents_sha256")
    if isinstance(kept, list) and isinstance(latents, list) and len(kept) == len(latents):
      first = info["entries"][0]
      out += [(_video(inputs, entry - first), latent) for entry, latent in zip(kept, latents)]
    else:
      out += [(_video(inputs, i), None) for i in range(len(inputs))]
  return tuple(out) or None


def clips_trained_on(eval_path: str, history: dict) -> tuple[int, int] | str:
  """(how many of eval_path's clips are clips of the trained sets, how many it holds), or why that
  cannot be told. `history`: {fingerprint: {'path', 'holdout_examples'}} (data/trained_sets.py):
  a set's last holdout_examples records were not trained on."""
  evaluated = record_digests(os.path.realpath(eval_path))
  if evaluated is None:
    return f"the shards of {eval_path} keep no digests of their clips (prepared by another writer or an older version)"
  videos, latents = set(), set()
  for trained in history.values():
    path = trained["path"]
    if not os.path.isdir(path):
      return f"the training set {path} is not there to compare its clips with"
    digests = record_digests(os.path.realpath(path))
    if digests is None:
      return f"the shards of the training set {path} keep no digests of their clips (prepared by an older version)"
    kept = digests[:len(digests) - trained["holdout_examples"]] if trained["holdout_examples"] else digests
    videos.update(v for v, _ in kept if v)
    latents.update(l for _, l in kept if l)
  return sum(bool(v and v in videos or l and l in latents) for v, l in evaluated), len(evaluated)
