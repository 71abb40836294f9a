"""A small Moving MNIST video classifier, trained in-repo: CPU-scale Fréchet distance and class fidelity.

I3D costs ~2 s per clip on CPU and was trained on Kinetics, not on moving digits. This network
costs milliseconds, and it knows the data: (a) its penultimate features (`features`, 128-d,
after ReLU like Inception's pool3) give a Fréchet distance ("classifier FD") for CPU-sized
evaluations; (b) its accuracy at recognising the conditioning class in generated clips
(`accuracy`) measures class fidelity, read against its accuracy on real held-out clips.

Architecture (Linen, applied pure-functionally; optax Adam): grayscale input (channel mean) ->
per-frame 3x3 convs with stride 2 (16, 32, 64 channels) -> a 3x1x1 temporal convolution (64), so
the features also see motion between neighbouring frames -> max over (H, W), mean over T, so any
clip length and canvas size is accepted -> Dense 128 (features) -> logits. Max, not mean, over
space: the digit fills a small part of the canvas and a spatial mean dilutes it (300 steps: 61%
held-out accuracy with a mean, 90% with a max). Defaults (4000 steps of 16 clips, Adam 3e-3 with
cosine decay): 97.4% on 1000 held-out clips (97.6% on 2000) after 77 s on the shared 2-core CPU.
Trained on the repo's Moving MNIST train split (`pipeline.make_train_iterator`), measured on
held-out clips of the MNIST test digits (`pipeline.make_eval_batch`).
"""
from __future__ import annotations

import json
import os
import time

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import optax

from eflow_jax.atomic_io import make_parent_folder, write_atomically
from eflow_jax.data import pipeline
from eflow_jax.param_tree import flatten_params, unflatten_params

FEATURE_DIM = 128
FEATURES_NAME = "mnist-video-classifier-penultimate"
_GEOMETRY = ("frames", "size", "digit_size", "num_digits", "channels", "max_speed")


class VideoClassifier(nn.Module):
  """(B, T, H, W, C) in [-1, 1] -> (logits (B, num_classes), features (B, FEATURE_DIM))."""
  num_classes: int

  @nn.compact
  def __call__(self, videos):
    x = jnp.mean(videos, axis=-1, keepdims=True)
    b, t = x.shape[:2]
    x = x.reshape(b * t, *x.shape[2:])
    x = nn.relu(nn.Conv(16, (3, 3), strides=(2, 2), name="frame_conv1")(x))
    x = nn.relu(nn.Conv(32, (3, 3), strides=(2, 2), name="frame_conv2")(x))
    x = nn.relu(nn.Conv(64, (3, 3), strides=(2, 2), name="frame_conv3")(x))
    x = x.reshape(b, t, *x.shape[1:])
    x = nn.relu(nn.Dense(64, name="time_mix")(temporal_neighbours(x)))
    pooled = jnp.mean(jnp.max(x, axis=(2, 3)), axis=1)
    feats = nn.relu(nn.Dense(FEATURE_DIM, name="features")(pooled))
    return nn.Dense(self.num_classes, name="head")(feats), feats


def temporal_neighbours(x):
  """(B, T, ...C) -> (B, T, ...3C): frames t-1, t, t+1 side by side (edges repeated).

  Followed by a Dense this is a 3x1x1 temporal convolution; written as a matmul because XLA's CPU
  gradient of a 3D convolution was ~20x slower than its forward pass here (2 s per step of 64 clips).
  """
  prev = jnp.concatenate([x[:, :1], x[:, :-1]], axis=1)
  nxt = jnp.concatenate([x[:, 1:], x[:, -1:]], axis=1)
  return jnp.concatenate([prev, x, nxt], axis=-1)


def _apply(params, videos):
  """The network with num_classes read from the params (static under jit)."""
  model = VideoClassifier(num_classes=params["head"]["kernel"].shape[-1])
  return model.apply({"params": params}, jnp.asarray(videos, jnp.float32))


_apply_jit = jax.jit(_apply)


def _chunked(fn, params, videos, max_batch: int) -> list:
  videos = np.asarray(videos)
  if videos.ndim != 5:
    raise ValueError(f"videos must be (N, T, H, W, C), got shape {videos.shape}.")
  return [fn(params, videos[i:i + max_batch]) for i in range(0, len(videos), max_batch)]


def features(params, videos, *, max_batch: int = 256) -> np.ndarray:
  """(N, 128) float64 penultimate features of videos (N, T, H, W, C) in [-1, 1]."""
  out = [np.asarray(f, np.float64) for _, f in _chunked(_apply_jit, params, videos, max_batch)]
  return np.concatenate(out) if out else np.zeros((0, FEATURE_DIM))


def predict(params, videos, *, max_batch: int = 256) -> np.ndarray:
  """(N,) int32 predicted classes."""
  out = [np.asarray(jnp.argmax(l, -1), np.int32) for l, _ in _chunked(_apply_jit, params, videos,
                                                                          max_batch)]
  return np.concatenate(out) if out else np.zeros((0,), np.int32)


def accuracy(params, videos, labels, *, max_batch: int = 256) -> float:
  """Fraction of videos whose predicted class equals `labels` (N,)."""
  labels = np.asarray(labels).reshape(-1)
  if len(labels) != len(videos) or not len(labels):
    raise ValueError(f"{len(videos)} videos but {len(labels)} labels.")
  return float(np.mean(predict(params, videos, max_batch=max_batch) == labels))


def cross_entropy(params, videos, labels) -> jax.Array:
  logits, _ = _apply(params, videos)
  return optax.softmax_cross_entropy_with_integer_labels(logits, labels).mean()


def _train_data_config(data_config, batch_size: int):
  if data_config.source != "moving_mnist":
    raise ValueError(f"the classifier trains on Moving MNIST; data.source={data_config.source!r}.")
  cfg = data_config.copy_and_resolve_references()
  cfg.batch_size = int(batch_size)
  return cfg


def train_classifier(data_config, steps: int = 4000, seed: int = 0, *, batch_size: int = 16,
                     learning_rate: float = 3e-3, losses: list | None = None):
  """Params after `steps` Adam steps on Moving MNIST clips of data_config's geometry.

  losses: if a list is given, the training loss of every step is appended to it (tests, logs).
  """
  cfg = _train_data_config(data_config, batch_size)
  num_classes = pipeline.num_classes(cfg)
  it = pipeline.make_train_iterator(cfg, model_kind="class", seed=seed)
  first = next(it)
  model = VideoClassifier(num_classes=num_classes)
  params = model.init(jax.random.PRNGKey(seed), jnp.asarray(first["x"][:1]))["params"]
  schedule = optax.cosine_decay_schedule(learning_rate, max(int(steps), 1), alpha=0.05)
  tx = optax.adam(schedule)
  opt_state = tx.init(params)

  @jax.jit
  def step(params, opt_state, x, y):
    loss, grads = jax.value_and_grad(cross_entropy)(params, x, y)
    updates, opt_state = tx.update(grads, opt_state, params)
    return optax.apply_updates(params, updates), opt_state, loss

  batch = first
  for i in range(int(steps)):
    params, opt_state, loss = step(params, opt_state, batch["x"], batch["y"])
    if losses is not None:
      losses.append(float(loss))
    if i + 1 < steps:
      batch = next(it)
  return params


def heldout_clips(data_config, num: int, seed: int = 0) -> dict:
  """`num` held-out Moving MNIST clips (MNIST test digits) {'x', 'y'} for measuring accuracy."""
  return pipeline.make_eval_batch(data_config, model_kind="class", seed=seed, batch_size=num)


def geometry(data_config) -> dict:
  """The clip geometry a classifier is trained for (stored with it; checked on load)."""
  return {k: int(data_config[k]) for k in _GEOMETRY}


def save_classifier(path: str, params, meta: dict) -> None:
  """params + JSON meta -> `path` (.npz), written atomically."""
  make_parent_folder(path)
  arrays = {f"params/{k}": v for k, v in flatten_params(params).items()}
  write_atomically(path, lambda f: np.savez(f, meta=np.array(json.dumps(meta, sort_keys=True)), **arrays))


def load_classifier(path: str) -> tuple[dict, dict]:
  """(params, meta) saved by `save_classifier`."""
  with np.load(path, allow_pickle=False) as z:
    meta = json.loads(str(z["meta"]))
    flat = {k[len("params/"):]: z[k] for k in z.files if k.startswith("params/")}
  return unflatten_params(flat), meta


# Classifiers this package ships, trained by `load_or_train_classifier` itself (the demo's clip
# geometry): the demo scores its samples at the end of its run without spending 1-2 minutes of its
# budget training one. Named by geometry, steps and seed (`shipped_classifier_path`).
SHIPPED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "assets")


def shipped_classifier_path(data_config, steps: int, seed: int) -> str:
  g = geometry(data_config)
  name = "_".join(f"{k}{g[k]}" for k in _GEOMETRY)
  return os.path.join(SHIPPED_DIR, f"mnist_classifier_{name}_steps{int(steps)}_seed{int(seed)}.npz")


def cached_path(folder: str, name: str, steps: int, seed: int = 0) -> str:
  """A run's cache of a trained classifier / frame judge, named by the settings it is trained with:
  evaluating with other settings builds its own file, never overwrites this one nor reads it."""
  return os.path.join(folder, f"{name}_steps{int(steps)}_seed{int(seed)}.npz")


def wanted_meta(geometry_: dict, steps: int, seed: int) -> dict:
  """The meta fields a cached classifier / frame judge must match to be used for these settings."""
  return {"geometry": geometry_, "steps": int(steps), "seed": int(seed)}


def check_cache_settings(path: str, meta: dict, want: dict, what: str) -> None:
  """A cache at `path` trained with other settings is refused in one line: it belongs to them (reading
  it would score with another instrument, rebuilding it would replace theirs)."""
  differ = [k for k in want if meta.get(k) != want[k]]
  if differ:
    k = differ[0]
    raise ValueError(f"{path} holds a {what} trained with {k}={meta.get(k)!r}, this evaluation asks for {k}="
                     f"{want[k]!r}: evaluate with its settings, or give this one another file "
                     f"(config.eval.classifier_path).")


def load_or_train_classifier(path: str, data_config, *, steps: int = 4000, seed: int = 0,
                             eval_clips: int = 1000) -> tuple[dict, dict]:
  """(params, meta): loaded from `path` (one of other settings is refused: check_cache_settings), else
  the package's shipped one for this geometry/steps/seed, else trained, measured on `eval_clips`
  held-out clips, and saved at `path` (eval never retrains)."""
  want = wanted_meta(geometry(data_config), steps, seed)
  for candidate in (path, shipped_classifier_path(data_config, steps, seed)):
    if candidate and os.path.exists(candidate):
      params, meta = load_classifier(candidate)
      if candidate == path:
        check_cache_settings(path, meta, want, "clip classifier")
      if all(meta.get(k) == v for k, v in want.items()):
        return params, meta
  start = time.time()
  params = train_classifier(data_config, steps, seed)
  train_seconds = time.time() - start
  held = heldout_clips(data_config, eval_clips, seed=seed + 1)
  meta = {**want, "features": FEATURES_NAME, "train_seconds": round(train_seconds, 1),
          "heldout_clips": int(eval_clips),
          "heldout_accuracy": accuracy(params, held["x"], held["y"])}
  if path:
    save_classifier(path, params, meta)
  return params, meta
