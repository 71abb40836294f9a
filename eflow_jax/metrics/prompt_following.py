"""Does a text-conditioned Moving MNIST sample show what its prompt says? (docs/results.md, text-to-video)

A caption such as "digit 7 moving up and left" names a digit and a direction (data/captions.py).
The score checks both on the generated clip:

  digit      the in-repo Moving MNIST classifier (metrics/classifier.py) recognises the named digit;
  direction  the sign of the clip's motion on each axis (up / down / none, left / right / none), from
             the track of the digit's centroid, equals the caption's.

The direction estimate fits the data's own motion model to the track. A digit moves with a
constant integer velocity and bounces off the walls (moving_mnist.positions: x_t = triangle(s +
v t) with travel = size - digit_size). Taking the sign of the first-to-last displacement would read
every bounced clip backwards. Instead the score fits `triangle(s + v t) + o` per axis, over every
start s in [0, travel] and velocity v in [-max_speed, max_speed] (o, the centroid's offset inside the
digit, in closed form). The sign of the fitted path's first move is the direction: from a wall, v
and -v draw the same path, and the caption names what is seen (moving_mnist.first_move). The centroid is intensity-weighted,
with pixels below the mid grey level ignored, so a hazy background does not pull it to the middle.

Ceiling and chance: `score` is run on real held-out clips with their own captions (`ceiling`),
and chance is what a clip that ignores its prompt would score: 1/10 for the digit, and Σ p(d)² over
the prompts' own direction frequencies for the direction.
One digit per clip only: with two digits the track would need to tell the digits apart, which this
score does not do (a clear error says so).
"""
from __future__ import annotations

import collections

import numpy as np

from eflow_jax.data import captions as captions_lib
from eflow_jax.data import moving_mnist
from eflow_jax.metrics import classifier as mnist_classifier


def parse_caption(text: str) -> tuple[int, tuple[int, int]]:
  """'digit 7 moving up and left' -> (7, (-1, -1)); 'digit 3 standing still' -> (3, (0, 0)).

  Direction as (sign dy, sign dx), image axes (dy > 0 is down). One-digit captions only."""
  words = text.split()
  captions_lib.tokenize(text)                     # unknown words: the vocabulary's one-line error
  if len(words) < 3 or words[0] != "digit" or not words[1].isdigit():
    raise ValueError(f"caption {text!r} does not start with 'digit <0-9>'.")
  if "digit" in words[2:]:
    raise ValueError(f"caption {text!r} names more than one digit; the prompt-following score "
                     "handles one digit per clip (data.num_digits=1).")
  rest = words[2:]
  if rest == ["standing", "still"]:
    return int(words[1]), (0, 0)
  if not rest or rest[0] != "moving":
    raise ValueError(f"caption {text!r}: expected 'moving ...' or 'standing still' after the digit.")
  dy = {"up": -1, "down": 1}
  dx = {"left": -1, "right": 1}
  sy = sum(dy.get(w, 0) for w in rest[1:])
  sx = sum(dx.get(w, 0) for w in rest[1:])
  return int(words[1]), (sy, sx)


def centroid_tracks(videos) -> np.ndarray:
  """(B, T, H, W, C) in [-1, 1] -> (B, T, 2) intensity-weighted (row, col) centroid per frame of
  the pixels brighter than mid grey (their excess brightness as weight); NaN for an empty frame."""
  gray = np.mean(np.asarray(videos, np.float64), axis=-1)
  weight = np.clip(gray, 0.0, None)                  # [-1, 1]: mid grey is 0
  total = weight.sum(axis=(2, 3))
  rows = np.arange(gray.shape[2], dtype=np.float64)
  cols = np.arange(gray.shape[3], dtype=np.float64)
  with np.errstate(invalid="ignore", divide="ignore"):
    r = np.einsum("bthw,h->bt", weight, rows) / total
    c = np.einsum("bthw,w->bt", weight, cols) / total
  return np.stack([r, c], axis=-1)


def fit_first_move(track: np.ndarray, travel: int, max_speed: int) -> np.ndarray:
  """(B, T) centroid coordinate per frame -> (B,) first nonzero step (moving_mnist.first_move) of
  the best bouncing fit triangle(s + v t) + o (least squares over s, v; o in closed form).

  The path's move, not v: from a wall v and -v draw the same path (triangle(-p) = triangle(p)), so
  v's sign is not visible there, and tied fits always share their moves. Frames with NaN are left
  out; a clip with fewer than 2 valid frames gets 0."""
  track = np.asarray(track, np.float64)
  frames = track.shape[1]
  starts = np.arange(travel + 1)
  speeds = np.arange(-max_speed, max_speed + 1)
  t = np.arange(frames)
  # (S, V, T) candidate corner paths, then centred over the valid frames of each clip.
  paths = moving_mnist.triangle(starts[:, None, None] + speeds[None, :, None] * t, travel)
  paths = paths.astype(np.float64)
  valid = np.isfinite(track)
  y = np.where(valid, track, 0.0)
  n = valid.sum(axis=1)                                                    # (B,)
  out = np.zeros(len(track), np.int64)
  for b in range(len(track)):
    if n[b] < 2:
      continue
    m = valid[b]
    p = paths[..., m]                                                      # (S, V, n)
    residual = (y[b, m] - y[b, m].mean()) - (p - p.mean(axis=-1, keepdims=True))
    sse = np.sum(residual ** 2, axis=-1)                                   # (S, V)
    # Ties (e.g. a still digit fits v = 0 and a slow back-and-forth equally) go to the slowest v.
    sse = sse + 1e-9 * np.abs(speeds)[None, :]
    best = np.unravel_index(np.argmin(sse), sse.shape)
    out[b] = moving_mnist.first_move(paths[best])
  return out


def directions(videos, data_config) -> np.ndarray:
  """(B, 2) (sign dy, sign dx) of each clip's fitted motion."""
  tracks = centroid_tracks(videos)
  travel, speed = int(data_config.size) - int(data_config.digit_size), int(data_config.max_speed)
  vy = fit_first_move(tracks[..., 0], travel, speed)
  vx = fit_first_move(tracks[..., 1], travel, speed)
  return np.stack([np.sign(vy), np.sign(vx)], axis=-1)


def score(videos, prompts, classifier_params, data_config) -> dict:
  """Fractions of clips whose digit, direction, and both match their prompt, and chance levels;
  also each axis of the direction alone (vertical: up / down / neither; horizontal), which says
  whether a model that misses the direction has learnt half of it."""
  if int(data_config.num_digits) != 1:
    raise ValueError(f"the prompt-following score handles one digit per clip; data.num_digits="
                     f"{data_config.num_digits}.")
  parsed = [parse_caption(str(p)) for p in prompts]
  if len(parsed) != len(videos):
    raise ValueError(f"{len(videos)} clips but {len(parsed)} prompts.")
  digits = np.array([d for d, _ in parsed])
  wanted = np.array([s for _, s in parsed])
  digit_ok = mnist_classifier.predict(classifier_params, videos) == digits
  axis_ok = directions(videos, data_config) == wanted               # (B, 2): (dy, dx)
  direction_ok = np.all(axis_ok, axis=1)

  def chance(labels):       # matching a prompt drawn from the same captions: sum of p^2
    counts = collections.Counter(map(tuple, np.reshape(labels, (len(labels), -1)).tolist()))
    return float(sum((c / len(labels)) ** 2 for c in counts.values()))

  direction_chance = chance(wanted)
  return {"digit_accuracy": float(digit_ok.mean()), "direction_accuracy": float(direction_ok.mean()),
          "both_accuracy": float((digit_ok & direction_ok).mean()), "num_clips": int(len(videos)),
          "vertical_accuracy": float(axis_ok[:, 0].mean()),
          "horizontal_accuracy": float(axis_ok[:, 1].mean()),
          "digit_chance": 0.1, "direction_chance": direction_chance,
          "both_chance": float(0.1 * direction_chance), "vertical_chance": chance(wanted[:, 0]),
          "horizontal_chance": chance(wanted[:, 1])}


def ceiling(data_config, classifier_params, num: int, seed: int) -> dict:
  """`score` of `num` real held-out clips against their own captions: the most a sample can get."""
  from eflow_jax.data import pipeline  # pylint: disable=g-import-not-at-top
  batch = pipeline.make_eval_batch(data_config, model_kind="text", seed=seed, batch_size=num,
                                   with_captions=True)
  return score(batch["x"], list(batch["caption"]), classifier_params, data_config)
