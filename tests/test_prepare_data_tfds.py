"""prepare_data's TFDS input (--input=tfds:NAME[/CONFIG]:SPLIT) on bair_robot_pushing_small, served by
`tfds.testing.mock_data`: nothing is downloaded and TensorFlow is never imported. The data dir holds only
the set's metadata (splits train and test, array_record), so it reads as prepared and unknown splits are
refused as with a real set; the mock serves random frames for the examples."""
import json
import os
import sys

import numpy as np
import pytest
from PIL import Image

from eflow_jax.tools import prepare_data

tfds = pytest.importorskip("tensorflow_datasets", reason="the TFDS input needs tensorflow-datasets (the [prep] extra)")

NAME = "bair_robot_pushing_small"
EXAMPLES = 4


class TinyGreyShapes(tfds.core.GeneratorBasedBuilder):
  """A labelled grey video set (as moving_mnist's frames are), built without TensorFlow; only its
  metadata is written, the mock serves its examples."""
  VERSION = tfds.core.Version("1.0.0")

  def _info(self):
    return tfds.core.DatasetInfo(builder=self, features=tfds.features.FeaturesDict({
        "clip": tfds.features.Sequence(tfds.features.Image(shape=(20, 24, 1)), length=6),
        "label": tfds.features.ClassLabel(names=["circle", "square", "star"])}))

  def _split_generators(self, dl_manager):
    return {"train": self._generate_examples()}

  def _generate_examples(self):
    yield from ()


def write_metadata(data_dir, file_format="array_record", name=NAME):
  """The dataset_info.json a prepared set would have (train: 4 examples, test: 2)."""
  builder = tfds.builder(name, data_dir=str(data_dir), file_format=file_format)
  builder.info.set_splits(tfds.core.SplitDict([tfds.core.SplitInfo(name="train", shard_lengths=[EXAMPLES], num_bytes=0),
                                               tfds.core.SplitInfo(name="test", shard_lengths=[2], num_bytes=0)]))
  os.makedirs(builder.data_dir)
  builder.info.write_to_directory(builder.data_dir)


@pytest.fixture()
def tfds_dir(tmp_path):
  data_dir = tmp_path / "tensorflow_datasets"
  write_metadata(data_dir)
  with tfds.testing.mock_data(num_examples=EXAMPLES, policy=tfds.testing.MockPolicy.USE_FILES, data_dir=str(data_dir)):
    yield str(data_dir)


def run(spec, output, *extra, frames=5, height=24, width=32):
  return prepare_data.main(["--input", spec, "--output", str(output), "--frames", str(frames), "--height", str(height),
                            "--width", str(width), "--autoencoder", "identity", "--shard_size", "3",
                            "--process_index", "0", "--process_count", "1", "--no_progress", *extra])


def read_records(output):
  from eflow_jax.data import records
  m = records.read_manifest(str(output))
  src = records.data_source(str(output), m)
  return m, [records.decode_example(src[i]) for i in range(len(src))]


def reference_clip(video, *, start, stride, frames):
  """The clip prepare_data should make of a 64 x 64 bair video at 24 x 32, written out by hand: frames
  start, start + stride, ...; each resized to 32 x 32 (the smaller scale that covers 24 x 32), rows 4 to 27."""
  picked = video[start::stride][:frames]
  resized = [np.asarray(Image.fromarray(f).resize((32, 32), Image.BICUBIC)) for f in picked]
  return np.stack(resized)[:, 4:28, :, :].astype(np.float32) / 127.5 - 1.0


def test_a_tfds_split_becomes_shards_of_its_main_camera_frames(tfds_dir, tmp_path, capsys):
  out = tmp_path / "bair"
  spec = f"tfds:{NAME}:train"
  assert run(spec, out, "--tfds_data_dir", tfds_dir, "--frame_stride", "2", "--start_frame", "1") == 0
  m, exs = read_records(out)
  assert m["num_examples"] == EXAMPLES and m["latent_shape"] == [5, 24, 32, 3]
  # bair has no class label: one class, the whole set (unconditional training).
  assert m["label_kind"] == "class" and m["num_classes"] == 1 and m["class_names"] == [NAME]
  assert [int(e["label"]) for e in exs] == [0] * EXAMPLES
  assert m["source"] == spec and m["fps"] is None
  assert m["tfds"] == {"name": NAME, "config": "", "split": "train", "version": "2.0.0",
                       "video_feature": "image_main", "label_feature": ""}
  source = tfds.builder(NAME, data_dir=tfds_dir).as_data_source(split="train")
  assert not np.array_equal(source[0]["image_main"], source[0]["image_aux1"])   # the camera choice shows
  for i, ex in enumerate(exs):
    np.testing.assert_allclose(ex["latent"], reference_clip(source[i]["image_main"], start=1, stride=2, frames=5),
                               atol=1e-6)
  # The other camera on request; a rerun of the same set over it is refused, naming the change.
  capsys.readouterr()
  assert run(spec, out, "--tfds_data_dir", tfds_dir, "--frame_stride", "2", "--start_frame", "1",
             "--tfds_video", "image_aux1") == 2
  err = capsys.readouterr().err.strip().splitlines()
  assert len(err) == 1 and "tfds.video_feature: 'image_main' then, 'image_aux1' now" in err[0], err
  aux = tmp_path / "aux"
  assert run(spec, aux, "--tfds_data_dir", tfds_dir, "--tfds_video", "image_aux1", frames=3) == 0
  _, exs = read_records(aux)
  np.testing.assert_allclose(exs[2]["latent"], reference_clip(source[2]["image_aux1"], start=0, stride=1, frames=3),
                             atol=1e-6)
  assert "tensorflow" not in sys.modules


def test_a_labelled_grey_set_keeps_its_class_names_and_becomes_rgb(tmp_path):
  data_dir = tmp_path / "tensorflow_datasets"
  write_metadata(data_dir, name="tiny_grey_shapes")
  with tfds.testing.mock_data(num_examples=EXAMPLES, policy=tfds.testing.MockPolicy.USE_FILES, data_dir=str(data_dir)):
    assert run("tfds:tiny_grey_shapes:train", tmp_path / "out", "--tfds_data_dir", str(data_dir), frames=4, height=16,
               width=16) == 0
    source = tfds.builder("tiny_grey_shapes", data_dir=str(data_dir)).as_data_source(split="train")
    examples = [source[i] for i in range(EXAMPLES)]
  m, exs = read_records(tmp_path / "out")
  assert m["class_names"] == ["circle", "square", "star"] and m["num_classes"] == 3
  assert m["tfds"]["video_feature"] == "clip" and m["tfds"]["label_feature"] == "label"
  assert [int(e["label"]) for e in exs] == [int(ex["label"]) for ex in examples]
  for ex, rec in zip(examples, exs):       # 20 x 24 -> 16 x 19 (covers 16 x 16), columns 1 to 16
    grey = np.stack([np.asarray(Image.fromarray(f[..., 0]).resize((19, 16), Image.BICUBIC))[:, 1:17]
                     for f in ex["clip"][:4]])
    np.testing.assert_allclose(rec["latent"], np.repeat(grey[..., None], 3, axis=-1) / 127.5 - 1.0, atol=1e-6)


def test_clips_shorter_than_asked_are_reported_and_skipped(tfds_dir, tmp_path, capsys):
  assert run(f"tfds:{NAME}:test", tmp_path / "o", "--tfds_data_dir", tfds_dir, "--frame_stride", "4",
             frames=9) == 2              # bair's 30 frames give 8 at stride 4: every example is skipped
  err = capsys.readouterr().err
  assert f"skipping tfds:{NAME}:test[0]: too short: 8 usable frames < 9" in err
  assert "no video could be prepared" in err


@pytest.mark.parametrize("spec, extra, message", [
    (f"tfds:{NAME}", (), "is not a TFDS input; write tfds:NAME[/CONFIG]:SPLIT"),
    ("tfds::train", (), "is not a TFDS input"),
    (f"tfds:{NAME}:train:extra words", (), "is not a TFDS input"),
    ("tfds:no_such_video_set:train", (), "TFDS knows no dataset 'no_such_video_set'"),
    (f"tfds:{NAME}/no_such_config:train", (), "BuilderConfig no_such_config not found"),
    (f"tfds:{NAME}:validation", (), f"no split 'validation'; {NAME} has ['train', 'test']"),
    (f"tfds:{NAME}:train+valid[:2]", (), "no split 'valid'"),
    (f"tfds:{NAME}:train", ("--tfds_video", "action"), "--tfds_video='action' is not a video feature"),
])
def test_a_wrong_tfds_input_is_one_line_and_writes_nothing(tfds_dir, tmp_path, capsys, spec, extra, message):
  out = tmp_path / "out"
  assert run(spec, out, "--tfds_data_dir", tfds_dir, *extra) == 2
  err = [line for line in capsys.readouterr().err.strip().splitlines() if line.startswith("prepare_data")]
  assert len(err) == 1 and err[0].startswith("prepare_data: error: ") and message in err[0], err
  assert not out.exists()


def test_a_set_not_prepared_in_the_data_dir_is_one_line_and_nothing_is_downloaded(tmp_path, capsys):
  empty = tmp_path / "tensorflow_datasets"
  empty.mkdir()
  assert run(f"tfds:{NAME}:train", tmp_path / "out", "--tfds_data_dir", str(empty)) == 2
  err = capsys.readouterr().err.strip().splitlines()
  assert len(err) == 1 and "not prepared in the TFDS data dir" in err[0] and "never downloads" in err[0], err
  assert os.listdir(empty) == []             # no download or build folder was started
  tfrecord = tmp_path / "tfrecord"
  write_metadata(tfrecord, file_format="tfrecord")
  assert run(f"tfds:{NAME}:train", tmp_path / "out", "--tfds_data_dir", str(tfrecord)) == 2
  err = capsys.readouterr().err.strip().splitlines()
  assert len(err) == 1 and "prepared as tfrecord" in err[0] and "tfds convert_format" in err[0], err


def test_tfds_options_with_another_input_are_refused(tmp_path, capsys):
  listing = tmp_path / "videos.jsonl"
  listing.write_text(json.dumps({"video": "a.mp4", "label": 0}))
  assert run(str(listing), tmp_path / "out", "--tfds_video", "video") == 2
  assert "apply to --input=tfds:..." in capsys.readouterr().err


def test_a_builder_written_with_tensorflow_says_so_in_one_line(tmp_path, capsys):
  try:
    import tensorflow  # noqa: F401  pylint: disable=unused-import
    pytest.skip("TensorFlow is installed: ucf101's builder runs")
  except ImportError:
    pass
  assert run("tfds:ucf101/ucf101_1_256:train", tmp_path / "out", "--tfds_data_dir", str(tmp_path)) == 2
  err = [line for line in capsys.readouterr().err.strip().splitlines() if line.startswith("prepare_data")]
  assert err == ["prepare_data: error: --input=tfds:ucf101/ucf101_1_256:train: the TFDS builder of ucf101 is "
                 "written with TensorFlow and cannot run without it: pip install -e '.[tf]'."]


@pytest.mark.parametrize("spec, splits, feature, num_classes", [
    ("tfds:ucf101/ucf101_1_256:test", ["train", "test"], "video", 101),
    ("tfds:moving_mnist:test", ["test"], "image_sequence", 1),          # grey frames, no labels
])
def test_with_tensorflow_ucf101_and_moving_mnist_read_the_same_way(tmp_path, spec, splits, feature, num_classes):
  pytest.importorskip("tensorflow", reason="these builders are written with TensorFlow (the [tf] extra)")
  from eflow_jax.tools import tfds_input, video_inputs
  name, config, _ = tfds_input.parse_spec(spec)
  builder = tfds.builder(f"{name}/{config}" if config else name, data_dir=str(tmp_path), file_format="array_record")
  builder.info.set_splits(tfds.core.SplitDict([tfds.core.SplitInfo(name=s, shard_lengths=[2], num_bytes=0)
                                               for s in splits]))
  os.makedirs(builder.data_dir)
  builder.info.write_to_directory(builder.data_dir)
  with tfds.testing.mock_data(num_examples=2, policy=tfds.testing.MockPolicy.USE_FILES, data_dir=str(tmp_path)):
    entries, classes, origin = video_inputs.read_input(spec, {"data_dir": str(tmp_path)})
    clip, rate = entries[1]["read"](3, 16, 16)
  assert origin["tfds"]["video_feature"] == feature and len(classes) == num_classes and len(entries) == 2
  assert clip.shape == (3, 16, 16, 3) and rate is None and -1 <= clip.min() <= clip.max() <= 1


def test_the_training_reader_takes_a_tfds_preparation(tfds_dir, tmp_path):
  from eflow_jax.data import pipeline
  from eflow_jax.schema.data import data_config
  assert run(f"tfds:{NAME}:train", tmp_path / "shards", "--tfds_data_dir", tfds_dir, frames=4, height=8, width=8) == 0
  cfg = data_config()
  cfg.update(source="array_record", path=str(tmp_path / "shards"), batch_size=2, num_threads=0)
  batch = next(pipeline.make_train_iterator(cfg, model_kind="class", seed=0))
  assert batch["x"].shape == (2, 4, 8, 8, 3) and batch["y"].tolist() == [0, 0]


@pytest.mark.slow                # ~2.5 min on 2 busy cores: compiling the two stages' step programs
def test_training_runs_on_a_tfds_preparation(tfds_dir, tmp_path):
  from eflow_jax import config_lib
  from eflow_jax.train import loop
  shards = tmp_path / "shards"
  assert run(f"tfds:{NAME}:train", shards, "--tfds_data_dir", tfds_dir, frames=4, height=8, width=8) == 0
  repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
  config = config_lib.load_config(os.path.join(repo, "configs/kinetics.py:variant=B,runlocal"))
  config.data.update(source="array_record", path=str(shards), batch_size=4, num_threads=0)
  config.model.update(latent_channels=3, num_classes=1, patch=(1, 2, 2), hidden=32, mlp_hidden=64, num_heads=2,
                      softmax_every=0, token_drop_group=(1, 2, 2))
  config.total_steps = 3                                  # one step in each of the runlocal stages
  metrics = loop.train(config, str(tmp_path / "run"))     # pixels (4, 8, 8, 3) as latents: 64 tokens
  assert np.isfinite(metrics["loss"])
