"""FVD, and the reference (real-data) statistics it compares against, cached with their protocol.

A Fréchet distance is only comparable with another computed under the same protocol: the same
feature network and layer, clip length, resize, number of reference clips, data set and sampling
seed. The cache therefore stores that protocol next to (mu, sigma), and a cache written under a
different protocol is refused instead of being silently reused. The same caching serves any
feature extractor (I3D here; the Moving MNIST classifier in report.py).
"""
from __future__ import annotations

import hashlib
import json
import os
from typing import Callable, Iterable

import numpy as np

from eflow_jax.atomic_io import make_parent_folder, write_atomically
from eflow_jax.metrics import frechet
from eflow_jax.metrics import i3d
from eflow_jax.metrics import statistics

PROTOCOL_KEYS = ("features", "dataset", "clip_frames", "resize", "num_clips", "seed")


def protocol(*, dataset: str, clip_frames: int, num_clips: int, seed: int, features: str = "",
             resize: str = "") -> dict:
  """The protocol record of reference statistics (I3D features and resize unless told otherwise)."""
  return {"features": features or i3d.FEATURES_NAME, "dataset": str(dataset),
          "clip_frames": int(clip_frames), "resize": resize or i3d.RESIZE_NAME,
          "num_clips": int(num_clips), "seed": int(seed)}


def _check_protocol(proto: dict) -> dict:
  missing = [k for k in PROTOCOL_KEYS if k not in proto]
  if missing:
    raise ValueError(f"the protocol lacks {missing}; build it with fvd.protocol(...).")
  return json.loads(json.dumps(proto))     # plain JSON types, as the cache stores them


def _write_cache(path: str, write) -> None:
  """write(file) into `path`'s folder, atomically (atomic_io.py): a crash never leaves half a cache."""
  make_parent_folder(path)
  write_atomically(path, write)


def save_statistics(path: str, mu, sigma, proto: dict) -> None:
  """Writes (mu, sigma, protocol) to `path` (.npz) atomically."""
  arrays = dict(mu=np.asarray(mu, np.float64), sigma=np.asarray(sigma, np.float64),
                protocol=np.array(json.dumps(_check_protocol(proto), sort_keys=True)))
  _write_cache(path, lambda f: np.savez(f, **arrays))


def load_statistics(path: str, proto: dict | None = None) -> tuple[np.ndarray, np.ndarray, dict]:
  """(mu, sigma, protocol) from `path`; ValueError if `proto` is given and differs from the cache's."""
  with np.load(path, allow_pickle=False) as z:
    mu, sigma, stored = z["mu"], z["sigma"], json.loads(str(z["protocol"]))
  if proto is not None:
    want = _check_protocol(proto)
    diff = sorted(k for k in set(want) | set(stored) if want.get(k) != stored.get(k))
    if diff:
      what = ", ".join(f"{k}: cached {stored.get(k)!r} != wanted {want.get(k)!r}" for k in diff)
      raise ValueError(f"{path} was computed under another protocol ({what}); delete it or point "
                       "cache_path elsewhere.")
  return mu, sigma, stored


def _clips(item) -> np.ndarray:
  return np.asarray(item["x"] if isinstance(item, dict) else item)


def reference_statistics(data_iterable: Iterable, cache_path: str | None, *, proto: dict,
                         feature_fn: Callable | None = None,
                         max_batch: int = 8) -> tuple[np.ndarray, np.ndarray]:
  """(mu, sigma) of the features of the first proto['num_clips'] clips of `data_iterable`.

  data_iterable yields batches: arrays (B, T, H, W, C) or dicts with 'x'. Loaded from
  `cache_path` when it exists (its protocol must equal `proto`; a given feature_fn is run on one
  clip to check the cache's feature size), else computed batch by batch
  (streamed moments, so memory does not grow with num_clips) and written there. feature_fn maps
  clips to (B, D) features; default I3D logits (`i3d.i3d_features` with max_batch).
  """
  proto = _check_protocol(proto)
  if cache_path and os.path.exists(cache_path):
    mu, sigma, _ = load_statistics(cache_path, proto)
    if feature_fn is not None:        # one clip's features: a cache of another feature_fn is named here
      _check_cached_dim(cache_path, mu, feature_fn, data_iterable)
    return mu, sigma
  if feature_fn is None:
    feature_fn = lambda v: i3d.i3d_features(v, max_batch=max_batch)
  want, moments = proto["num_clips"], None
  for item in data_iterable:
    clips = _clips(item)[:want - (moments.count if moments else 0)]
    if clips.shape[1] != proto["clip_frames"]:
      raise ValueError(f"clips have {clips.shape[1]} frames, the protocol says clip_frames="
                       f"{proto['clip_frames']}.")
    feats = np.asarray(feature_fn(clips), np.float64)
    moments = statistics.update_moments(moments or statistics.init_moments(feats.shape[1]), feats)
    if moments.count >= want:
      break
  got = moments.count if moments else 0
  if got < want:
    raise ValueError(f"data_iterable ran out after {got} clips; the protocol asks num_clips={want}.")
  mu, sigma = statistics.moments_statistics(moments)
  if cache_path:
    save_statistics(cache_path, mu, sigma, proto)
  return mu, sigma


def _check_cached_dim(cache_path: str, mu, feature_fn: Callable, data_iterable: Iterable) -> None:
  """The protocol's 'features' name is the caller's to set: a cache written by another feature_fn
  under the same name would fail later in frechet_distance, naming neither the cache nor the fix."""
  item = next(iter(data_iterable), None)
  dim = None if item is None else np.asarray(feature_fn(_clips(item)[:1])).shape[-1]
  if dim is not None and dim != mu.shape[0]:
    raise ValueError(f"{cache_path} holds statistics of {mu.shape[0]} features but feature_fn gives {dim}: "
                     "it was computed by another feature_fn; delete it or set another protocol 'features' name.")


def cached_features(cache_dir: str | None, clips, feature_fn: Callable, *, name: str) -> np.ndarray:
  """feature_fn(clips), cached in `cache_dir` under a hash of the clips' bytes and `name`.

  An eval scores its samples against the same held-out real clips every time (fixed seed), and I3D
  costs seconds per clip on CPU; the hash makes a stale cache impossible (other clips, other name,
  other file). cache_dir None: no cache.
  """
  clips = np.ascontiguousarray(clips)
  if not cache_dir:
    return np.asarray(feature_fn(clips), np.float64)
  digest = hashlib.sha256(name.encode() + str(clips.shape).encode() + str(clips.dtype).encode()
                          + clips.tobytes()).hexdigest()[:16]
  path = os.path.join(cache_dir, f"features_{digest}.npy")
  if os.path.exists(path):
    return np.load(path, allow_pickle=False)
  feats = np.asarray(feature_fn(clips), np.float64)
  _write_cache(path, lambda f: np.save(f, feats))
  return feats


def fvd(real_stats: tuple, fake_features) -> float:
  """Fréchet distance between the reference (mu, sigma) and the Gaussian fit of fake_features (N, D)."""
  mu, sigma = statistics.feature_statistics(fake_features)
  return frechet.frechet_distance(real_stats[0], real_stats[1], mu, sigma)


def fvd_from_features(real_features, fake_features) -> float:
  """Fréchet distance between the Gaussian fits of two feature sets (N, D) and (M, D)."""
  return fvd(statistics.feature_statistics(real_features), fake_features)
