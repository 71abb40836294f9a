"""An eleventh round of misuse (docs/misuse/round11.json lists every case tried): outputs written where
checkpoint pruning deletes them, metric caches of one setting replaced by another's, `~` in a path
flag (`--workdir=~/x`, which the shell leaves as typed), a closed terminal (SIGHUP), a load hint whose
command was refused, a config file's path given as a config, Ctrl-C while JAX loads, a clip listed
twice and `--report_only` with `--rows`. Each ends in one line before any work is lost, or behaves
as asked. Nothing is trained but in the test marked slow.
"""
import json
import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from test_pipeline_misuse import STEPS, write_run
from test_prepare_data_misuse import make_video
from test_reliability import start, wait_for_step

import eflow_jax
from eflow_jax import cli_checks, workdir as workdir_lib
from eflow_jax.metrics import classifier, frame_judge
from eflow_jax.tools import export as export_tool
from eflow_jax.tools import prepare_data, video_inputs
from eflow_jax.train import fault_tolerance

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STEP = STEPS[-1]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
  """A run directory as training leaves it (random EMA weights: nothing is trained)."""
  workdir = str(tmp_path_factory.mktemp("run"))
  return workdir, write_run(workdir)


def main_process(args, cwd=REPO, env=None, timeout=120):
  return subprocess.run([sys.executable, "-m", "eflow_jax.main", *args], cwd=cwd, capture_output=True, text=True,
                        timeout=timeout, env={**os.environ, "JAX_PLATFORMS": "cpu", **(env or {})})


# ---- Outputs inside a checkpoint folder. ---------------------------------------------------------
@pytest.mark.parametrize("mode, name", [("eval", "eval.json"), ("sample", "clips")])
def test_eval_or_sample_output_inside_a_checkpoint_folder_is_refused(run, mode, name):
  workdir = run[0]
  output = os.path.join(workdir, "checkpoints", str(STEP), name)
  with pytest.raises(ValueError, match=r"is inside the run's checkpoints folder .* checkpoint pruning"):
    cli_checks.check_flags(mode, workdir, {"output": output}, 10)
  cli_checks.check_flags(mode, workdir, {"output": os.path.join(workdir, name)}, 10)    # beside it: fine


def test_eval_output_inside_a_checkpoint_folder_is_refused_before_jax_in_one_line(run):
  workdir = run[0]
  output = os.path.join(workdir, "checkpoints", str(STEP), "eval.json")
  done = main_process(["--config=tests/tiny_config.py", f"--workdir={workdir}", "--mode=eval", f"--output={output}"])
  assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr[-2000:]
  assert "inside the run's checkpoints folder" in done.stderr and not os.path.exists(output)


def test_export_output_inside_another_runs_checkpoint_folder_is_refused(run, tmp_path, capsys):
  other = tmp_path / "other" / "checkpoints" / "4"
  other.mkdir(parents=True)
  (other / "_CHECKPOINT_METADATA").write_text("{}")         # a step as Orbax writes one
  output = str(other / "exp")
  assert export_tool.main([f"--workdir={run[0]}", f"--output={output}"]) == 2
  assert "inside the run's checkpoints folder" in capsys.readouterr().err and not os.path.exists(output)
  (tmp_path / "exports" / "checkpoints" / "2024").mkdir(parents=True)     # folders named by numbers: fine
  from eflow_jax import user_paths  # pylint: disable=g-import-not-at-top
  assert user_paths.checkpoints_folder_holding(str(tmp_path / "exports" / "checkpoints" / "2024" / "exp")) is None


# ---- Metric caches keyed by their settings. --------------------------------------------------------
def fake_cache(path, steps, geometry):
  classifier.save_classifier(str(path), {"w": np.zeros(2, np.float32)}, {"geometry": geometry, "steps": steps, "seed": 0})
  return open(path, "rb").read()


def test_each_classifier_setting_has_its_own_cache_and_a_mismatch_is_refused(run, tmp_path):
  workdir, config = run
  config = config.copy_and_resolve_references()
  paths = {}
  for steps in (20, 30):
    config.eval.classifier_steps = steps
    paths[steps] = workdir_lib.metric_caches(config, workdir, use_i3d=False)[0][0]
  assert paths[20] != paths[30]                      # one file each: neither overwrites the other
  given = tmp_path / "shared.npz"                    # a path given by config.eval.classifier_path
  before = fake_cache(given, 30, classifier.geometry(config.data))
  with pytest.raises(ValueError, match=r"shared.npz holds a clip classifier trained with steps=30, this evaluation "
                                       r"asks for steps=20"):
    classifier.load_or_train_classifier(str(given), config.data, steps=20, eval_clips=8)
  assert open(given, "rb").read() == before
  config.eval.classifier_path, config.eval.classifier_steps = str(given), 20
  with pytest.raises(ValueError, match=r"trained with steps=30"):     # before anything compiles
    workdir_lib.check_metric_caches(config, workdir, use_i3d=False)


def test_a_frame_judge_cache_of_other_settings_is_refused_not_replaced(run, tmp_path):
  config = run[1]
  path = tmp_path / "judge.npz"
  geometry = dict(frame_judge.geometry(config.data), size=config.data.size + 1)     # another geometry
  before = fake_cache(path, 3, geometry)
  with pytest.raises(ValueError, match=r"judge.npz holds a frame judge trained with geometry="):
    frame_judge.load_or_train_judge(config.data, str(path), steps=3)
  assert open(path, "rb").read() == before


# ---- `~` in path flags. ----------------------------------------------------------------------------
def test_tilde_in_path_flags_is_the_home_folder_in_every_entry_point(run, tmp_path, monkeypatch, capsys):
  home, cwd = tmp_path / "home", tmp_path / "cwd"
  home.mkdir(), cwd.mkdir()
  os.symlink(run[0], home / "run")
  monkeypatch.setenv("HOME", str(home))
  monkeypatch.chdir(cwd)
  assert export_tool.main(["--workdir=~/run", "--output=~/exp"]) == 0
  assert os.path.exists(home / "exp" / "model.safetensors")
  make_video(home / "v.mp4", 0)
  (home / "l.jsonl").write_text('{"video": "v.mp4", "label": 1}\n')
  assert prepare_data.main(["--input=~/l.jsonl", "--output=~/prep", "--frames=4", "--height=16", "--width=16",
                            "--autoencoder=identity", "--no_progress"]) == 0
  assert os.path.exists(home / "prep" / "manifest.json")
  from benchmarks.sweeps import ablation_sweep  # pylint: disable=g-import-not-at-top
  with pytest.raises(SystemExit, match=f"--report_only: {re.escape(str(home))}/res holds no report"):
    ablation_sweep.main(["--report_only", "--tables=table4", "--root=~/root", "--results=~/res"])
  assert os.path.isdir(home / "root") and os.path.isdir(home / "res")
  assert not os.path.exists(cwd / "~"), os.listdir(cwd / "~")
  capsys.readouterr()
  from eflow_jax import user_paths  # pylint: disable=g-import-not-at-top
  assert user_paths.expand_home_flags(["--workdir=~/a", "--prompt=~b", "--config.data.path=~/c"], ("workdir",)) == \
      [f"--workdir={home}/a", "--prompt=~b", f"--config.data.path={home}/c"]


def test_tilde_in_main_config_and_workdir_flags_is_the_home_folder(run, tmp_path):
  home, cwd = tmp_path / "home", tmp_path / "cwd"
  home.mkdir(), cwd.mkdir()
  for name in ("tests", "configs"):
    os.symlink(os.path.join(REPO, name), home / name)
  os.symlink(run[0], home / "run")
  done = main_process(["--config=~/tests/tiny_config.py", "--workdir=~/run", "--mode=eval",
                       f"--output=~/run/checkpoints/{STEP}/e.json"], cwd=str(cwd), env={"HOME": str(home)})
  assert done.returncode == 2 and f"--output={home}/run/checkpoints/{STEP}/e.json is inside" in done.stderr, \
      done.stderr[-2000:]
  assert not os.path.exists(cwd / "~")


# ---- SIGHUP. ---------------------------------------------------------------------------------------
def test_sighup_is_a_preemption_signal():
  assert signal.SIGHUP in fault_tolerance.SIGNALS        # else the kill below ends this process
  with fault_tolerance.PreemptionGuard() as guard:
    os.kill(os.getpid(), signal.SIGHUP)
    time.sleep(0.05)
    assert guard.should_stop(1) and guard.signal_name == "SIGHUP"


@pytest.mark.slow
def test_sighup_during_training_saves_a_checkpoint_and_exits_75(tmp_path):
  proc = start(str(tmp_path / "run"))
  wait_for_step(proc, 3)
  proc.send_signal(signal.SIGHUP)
  out = proc.stdout.read()
  assert proc.wait(timeout=120) == 75, out
  assert "SIGHUP: stopped after step" in out and "Traceback" not in out


# ---- The Python API's loaders. ---------------------------------------------------------------------
def test_from_pretrained_on_a_checkpoint_folder_suggests_an_export_that_works(run, capsys):
  workdir = run[0]
  with pytest.raises(FileNotFoundError) as error:
    eflow_jax.Pipeline.from_pretrained(os.path.join(workdir, "checkpoints", str(STEP)))
  message = str(error.value)
  assert f"Pipeline.from_workdir({workdir!r}, step={STEP})" in message
  command = re.search(r"python -m eflow_jax\.tools\.export (.*?)\)\.$", message).group(1).split()
  assert export_tool.main(command) == 0, capsys.readouterr().err
  assert os.path.exists(os.path.join(workdir, "export", "config.json"))


@pytest.mark.parametrize("config", ["configs/demo.py", 3])
def test_from_workdir_with_a_config_files_path_is_one_line(run, config):
  with pytest.raises(ValueError, match=r"^Pipeline.from_workdir: config=.* is a (str|int), not a run config"):
    eflow_jax.Pipeline.from_workdir(run[0], config=config)


# ---- Ctrl-C while JAX loads. -----------------------------------------------------------------------
def test_ctrl_c_while_main_imports_jax_is_one_line_and_exit_130(tmp_path):
  proc = subprocess.Popen([sys.executable, "-m", "eflow_jax.main", "--config=tests/tiny_config.py",
                           f"--workdir={tmp_path / 'run'}"], cwd=REPO, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, env={**os.environ, "JAX_PLATFORMS": "cpu"},
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
  time.sleep(1.0)                                          # Python runs; JAX is still loading
  proc.send_signal(signal.SIGINT)
  out, err = proc.communicate(timeout=120)
  assert proc.returncode == 130, err[-2000:]
  assert err.count("\n") == 1 and err.startswith("error: interrupted") and "Traceback" not in err, err


# ---- A clip listed twice. --------------------------------------------------------------------------
def test_a_clip_listed_twice_is_refused_naming_both_lines(tmp_path):
  rows = [{"video": "a.mp4", "label": 1}, {"video": "b.mp4", "label": 2}, {"video": "./a.mp4", "label": 1}]
  (tmp_path / "l.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
  with pytest.raises(ValueError, match=r"l.jsonl:3 lists the same clip as .*l.jsonl:1 \(./a.mp4, label 1\)"):
    video_inputs.read_entries(str(tmp_path / "l.jsonl"))
  rows = [{"video": "a.mp4", "caption": "a 3"}, {"video": "a.mp4", "caption": "a three"}]    # two captions: kept
  (tmp_path / "c.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
  assert len(video_inputs.read_entries(str(tmp_path / "c.jsonl"))[0]) == 2


# ---- The sweep's --report_only with --rows. --------------------------------------------------------
def test_report_only_prints_only_the_rows_asked_for(tmp_path, capsys):
  from benchmarks.sweeps import ablation_sweep  # pylint: disable=g-import-not-at-top
  ablation_sweep.main(["--report_only", "--rows=table4:sfm_4", f"--root={tmp_path}"])
  printed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ") and
             not line.startswith("| row ")]
  assert [line.split()[1] for line in printed] == ["sfm_4"]
