"""The prompt-following score (metrics/prompt_following.py) against hand-built references.

- Captions parse to the digit and the (sign dy, sign dx) the caption words say.
- The bouncing-motion fit recovers the first move's direction of every (start, velocity) of the
  demo's geometry, simulated here frame by frame with explicit wall reflections (not with the
  data code's triangle wave), under any constant centroid offset.
- On real held-out clips with their own captions the direction score is 100% (its ceiling), and
  on the same clips mirrored on both axes it is 0% (every moving axis reads backwards).
"""
import numpy as np
import pytest

from eflow_jax import config_lib
from eflow_jax.data import pipeline
from eflow_jax.metrics import classifier as mnist_classifier
from eflow_jax.metrics import prompt_following as pf


def bounce_path(start, velocity, frames, travel):
  """Corner positions by stepping one pixel at a time and reversing at either wall."""
  pos, step, out = start, 1 if velocity > 0 else -1, [start]
  for _ in range(frames - 1):
    for _ in range(abs(velocity)):
      if not 0 <= pos + step <= travel:
        step = -step
      pos += step
    out.append(pos)
  return np.array(out, np.float64)


@pytest.mark.parametrize("text,want", [
    ("digit 7 moving up and left", (7, (-1, -1))),
    ("digit 0 moving down", (0, (1, 0))),
    ("digit 3 moving right", (3, (0, 1))),
    ("digit 9 standing still", (9, (0, 0))),
])
def test_parse_caption(text, want):
  assert pf.parse_caption(text) == want


def test_parse_caption_errors_name_the_problem():
  with pytest.raises(ValueError, match="vocabulary"):
    pf.parse_caption("digit 7 moving sideways")
  with pytest.raises(ValueError, match="one digit per clip"):
    pf.parse_caption("digit 7 moving up and digit 2 moving down")


def test_fit_reads_the_first_move_of_every_bouncing_path():
  travel, speed, frames = 12, 2, 8
  tracks, want = [], []
  rng = np.random.default_rng(0)
  for start in range(travel + 1):
    for v in range(-speed, speed + 1):
      if v == 0:
        continue
      path = bounce_path(start, v, frames, travel)
      tracks.append(path + rng.uniform(5, 15))             # any centroid offset inside the digit
      steps = np.diff(path)
      want.append(steps[np.nonzero(steps)[0][0]] if steps.any() else 0)   # its first move
  got = pf.fit_first_move(np.array(tracks), travel, speed)
  np.testing.assert_array_equal(got, want)
  # From a wall, v and -v are the same path, and a step from it the digit can come straight back:
  # the caption and the fit name the move that is seen.
  assert bounce_path(0, -2, frames, travel)[1] == 2 and bounce_path(travel, 1, frames, travel)[1] == travel - 1
  assert list(bounce_path(travel - 1, 2, 3, travel)) == [travel - 1, travel - 1, travel - 3]


def test_fit_ignores_empty_frames_and_reads_a_still_digit_as_still():
  track = np.array([[3.0, 4.0, 5.0, np.nan, 7.0, 8.0, np.nan, 10.0],
                    [7.0] * 8])
  np.testing.assert_array_equal(pf.fit_first_move(track, 12, 2), [1, 0])


def test_real_clips_are_the_ceiling_and_mirrored_clips_read_backwards():
  data = config_lib.load_config("configs/demo.py").data        # the shipped classifier's geometry
  params, _ = mnist_classifier.load_or_train_classifier("", data)
  batch = pipeline.make_eval_batch(data, model_kind="text", seed=7, batch_size=200, with_captions=True)
  prompts = list(batch["caption"])
  real = pf.score(batch["x"], prompts, params, data)
  assert real["direction_accuracy"] == 1.0 and real["digit_accuracy"] >= 0.95, real
  mirrored = pf.score(batch["x"][:, :, ::-1, ::-1], prompts, params, data)
  assert mirrored["direction_accuracy"] == 0.0, mirrored
  # Mirrored left-right only: every vertical move still reads right; a horizontal one reads right
  # only where the prompt has none (a sign of 0 is its own mirror).
  dy, dx = np.array([pf.parse_caption(p)[1] for p in prompts]).T
  flipped = pf.score(batch["x"][:, :, :, ::-1], prompts, params, data)
  assert flipped["vertical_accuracy"] == 1.0 and flipped["horizontal_accuracy"] == np.mean(dx == 0)
  assert mirrored["vertical_accuracy"] == np.mean(dy == 0) > 0, mirrored
  shuffled = pf.score(batch["x"], prompts[1:] + prompts[:1], params, data)
  assert shuffled["digit_accuracy"] < 0.25 and shuffled["direction_accuracy"] < 0.35, shuffled
  # Chance: the prompts' own direction frequencies, squared and summed.
  directions = [pf.parse_caption(p)[1] for p in prompts]
  freq = np.array([directions.count(d) for d in set(directions)]) / len(directions)
  assert real["direction_chance"] == pytest.approx(float(np.sum(freq ** 2)))
  vertical = np.array([list(dy).count(s) for s in (-1, 0, 1)]) / len(dy)
  assert real["vertical_chance"] == pytest.approx(float(np.sum(vertical ** 2)))


def test_more_than_one_digit_is_a_clear_error():
  data = config_lib.load_config("configs/demo.py").data
  data.num_digits = 2
  with pytest.raises(ValueError, match="one digit per clip"):
    pf.score(np.zeros((1, 8, 32, 32, 1)), ["digit 1 moving up"], None, data)
