"""The per-frame digit judge: is each frame of a generated clip a digit a person would read as its class?

The clip classifier (metrics/classifier.py) sees a whole clip and pools over space and time, so it
is lenient with fragments: a few stroke pieces that move like a 4 can be called a 4. A person looks
at frames. This judge reads every frame on its own with a 2D CNN trained only on frames of real
MNIST-train digits (never on generated clips, never on MNIST-test digits), rendered exactly as the
Moving MNIST frames of the run's geometry (data/moving_mnist.py: area-resized to `digit_size`,
anywhere on the `size` canvas). A clip counts as its digit when MORE THAN HALF of its frames are
read as that digit (`clip_scores`), so a clip that breaks up in half of its frames does not count.

Measured on frames of the 10,000 MNIST-test digits at random positions (`heldout_frame_accuracy`);
the shipped judge's number is in its .npz metadata. Single-digit class models only: a frame of a
two-digit clip has no single-digit label.
"""
from __future__ import annotations

import os
import time

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax

from eflow_jax.data import moving_mnist
from eflow_jax.metrics import classifier

_GEOMETRY = ("size", "digit_size", "channels")
SHIPPED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "assets")
DEFAULT_STEPS, DEFAULT_SEED = 2000, 0


class FrameClassifier(nn.Module):
  """(N, H, W, C) frames in [-1, 1] -> (N, 10) digit logits."""

  @nn.compact
  def __call__(self, frames):
    x = jnp.mean(frames, axis=-1, keepdims=True)
    for width, stride in ((16, 1), (32, 2), (64, 2), (128, 2)):
      x = nn.relu(nn.Conv(width, (3, 3), strides=(stride, stride))(x))
    x = jnp.max(x, axis=(1, 2))       # the digit is anywhere on the canvas: max, not mean
    x = nn.relu(nn.Dense(128)(x))
    return nn.Dense(10)(x)


def _logits(params, frames):
  return FrameClassifier().apply({"params": params}, jnp.asarray(frames, jnp.float32))


_predict_jit = jax.jit(lambda p, f: jnp.argmax(_logits(p, f), axis=-1).astype(jnp.int32))


def predict_frames(params, frames, *, max_batch: int = 1024) -> np.ndarray:
  """(N,) int32 digit read in each frame of `frames` (N, H, W, C)."""
  frames = np.asarray(frames, np.float32)
  if frames.ndim != 4:
    raise ValueError(f"frames must be (N, H, W, C), got shape {frames.shape}.")
  out = [np.asarray(_predict_jit(params, frames[i:i + max_batch])) for i in range(0, len(frames), max_batch)]
  return np.concatenate(out) if out else np.zeros((0,), np.int32)


def frame_predictions(params, videos) -> np.ndarray:
  """(N, T) digit read in every frame of `videos` (N, T, H, W, C) in [-1, 1]."""
  videos = np.asarray(videos, np.float32)
  if videos.ndim != 5:
    raise ValueError(f"videos must be (N, T, H, W, C), got shape {videos.shape}.")
  n, t = videos.shape[:2]
  return predict_frames(params, videos.reshape(n * t, *videos.shape[2:])).reshape(n, t)


def clip_scores(frame_preds, labels) -> dict:
  """Scores of clips from their per-frame reads (N, T) and their digits (N,).

  recognised: fraction of clips with more than half of their frames read as their digit (the
  headline); per_digit: the same for each digit; plurality: fraction whose most frequent read (ties
  broken toward the smaller digit) is their digit; frames: fraction of all frames read correctly.
  """
  preds, labels = np.asarray(frame_preds), np.asarray(labels).reshape(-1)
  if preds.ndim != 2 or len(preds) != len(labels) or not len(labels):
    raise ValueError(f"frame predictions {preds.shape} need one row per label ({len(labels)}).")
  hits = preds == labels[:, None]
  recognised = hits.sum(axis=1) * 2 > preds.shape[1]
  counts = np.stack([(preds == d).sum(axis=1) for d in range(10)], axis=1)
  plurality = np.argmax(counts, axis=1) == labels
  return {"recognised": float(recognised.mean()),
          "per_digit": {str(int(d)): float(recognised[labels == d].mean()) for d in np.unique(labels)},
          "plurality": float(plurality.mean()), "frames": float(hits.mean()),
          "num_clips": int(len(labels)), "frames_per_clip": int(preds.shape[1])}


def judge_videos(params, videos, labels) -> dict:
  """`clip_scores` of videos (N, T, H, W, C) in [-1, 1] conditioned on digits `labels` (N,)."""
  return clip_scores(frame_predictions(params, videos), labels)


def geometry(data_config) -> dict:
  return {k: int(data_config[k]) for k in _GEOMETRY}


def applies_to(data_config) -> bool:
  """The judge reads one digit per frame of the embedded Moving MNIST data."""
  return data_config.source == "moving_mnist" and int(data_config.num_digits) == 1


def real_frames(data_config, split: str, digit_index, seed: int, stream_start: int = 0):
  """Frames (N, size, size, channels) in [-1, 1] of the given MNIST digits of `split`, each at a
  random position of the canvas, rendered by the Moving MNIST code; and their labels (N,)."""
  cfg = data_config.copy_and_resolve_references()
  cfg.frames, cfg.num_digits, cfg.still_video_ratio = 1, 1, 0.0
  digit_index = np.asarray(digit_index, np.int64).reshape(-1)
  batch = moving_mnist.generate(cfg, seed=seed, split=split, digit_index=digit_index,
                                stream_index=stream_start + np.arange(len(digit_index)), with_info=True)
  return batch["x"][:, 0], batch["labels"][:, 0]


def train_judge(data_config, steps: int = DEFAULT_STEPS, seed: int = DEFAULT_SEED, *, batch_size: int = 128,
                learning_rate: float = 2e-3):
  """Params after `steps` Adam steps on frames of MNIST-train digits (cosine-decayed LR)."""
  rng = np.random.default_rng(seed)
  train_count = moving_mnist.num_examples("train")
  frames, _ = real_frames(data_config, "train", np.zeros(1), seed)
  params = FrameClassifier().init(jax.random.PRNGKey(seed), jnp.asarray(frames))["params"]
  tx = optax.adam(optax.cosine_decay_schedule(learning_rate, max(int(steps), 1), alpha=0.02))
  opt_state = tx.init(params)

  @jax.jit
  def step(params, opt_state, x, y):
    loss_fn = lambda p: optax.softmax_cross_entropy_with_integer_labels(_logits(p, x), y).mean()
    loss, grads = jax.value_and_grad(loss_fn)(params)
    updates, opt_state = tx.update(grads, opt_state, params)
    return optax.apply_updates(params, updates), opt_state, loss

  for i in range(int(steps)):
    x, y = real_frames(data_config, "train", rng.integers(0, train_count, batch_size), seed,
                       stream_start=i * batch_size)
    params, opt_state, _ = step(params, opt_state, x, y)
  return params


def heldout_frame_accuracy(params, data_config, seed: int = 1) -> float:
  """Accuracy on one frame of each of the 10,000 MNIST-test digits, each at a random position."""
  frames, labels = real_frames(data_config, "test", np.arange(moving_mnist.num_examples("test")), seed)
  return float(np.mean(predict_frames(params, frames) == labels))


def shipped_path(data_config, steps: int = DEFAULT_STEPS, seed: int = DEFAULT_SEED) -> str:
  g = geometry(data_config)
  name = "_".join(f"{k}{g[k]}" for k in _GEOMETRY)
  return os.path.join(SHIPPED_DIR, f"mnist_frame_judge_{name}_steps{int(steps)}_seed{int(seed)}.npz")


# The same .npz layout as the clip classifier's (params + JSON meta, written atomically).
save_judge, load_judge = classifier.save_classifier, classifier.load_classifier


def load_or_train_judge(data_config, cache_path: str = "", *, steps: int = DEFAULT_STEPS,
                        seed: int = DEFAULT_SEED) -> tuple[dict, dict]:
  """(params, meta): the shipped judge for this geometry, else the one cached at `cache_path`, else
  trained (minutes on 2 cores: 339 s for the shipped one beside a training), measured on the
  MNIST-test frames and cached there."""
  want = classifier.wanted_meta(geometry(data_config), steps, seed)
  for candidate in (shipped_path(data_config, steps, seed), cache_path):
    if candidate and os.path.exists(candidate):
      params, meta = load_judge(candidate)
      if candidate == cache_path:       # one of other settings is theirs: refused, never replaced
        classifier.check_cache_settings(cache_path, meta, want, "frame judge")
      if all(meta.get(k) == v for k, v in want.items()):
        return params, meta
  start = time.time()
  params = train_judge(data_config, steps, seed)
  meta = {**want, "train_seconds": round(time.time() - start, 1),
          "heldout_frame_accuracy": heldout_frame_accuracy(params, data_config),
          "trained_on": "frames of MNIST-train digits only (60,000), random positions",
          "heldout": "one frame of each of the 10,000 MNIST-test digits, random positions"}
  if cache_path:
    save_judge(cache_path, params, meta)
  return params, meta
