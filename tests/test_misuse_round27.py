"""Cases found by trying round 26's fixes at their edges and elsewhere (round 27 of docs/misuse/):
a grid wider than its clips, sample names and eval reports blind to the time shift, a compilation
cache in a step folder, training grids over the user's files or a retrained step's, a workdir
through a link and `..`, two runs sharing one checkpoints folder, a generated source given a
data path, prepare_data options nothing reads, and captions cut to one text."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from tiny_config import get_config

from eflow_jax import cli_checks, sample_files, sample_limits, user_paths, video_io, workdir as workdir_lib
from eflow_jax.train import evaluate, training_grids, validate

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_more_columns_than_clips_is_not_refused_as_a_wide_grid():
  """W01: 4 clips with sample_columns=1000 were refused as a 68000-pixel-wide grid, with the advice to
  ask for at most 1 clip, which was refused the same way."""
  config = get_config()
  config.sample_columns = 1000
  for clips in (1, 4):
    sample_limits.check_grid("--mode=sample", clips, config, (4, 16, 16, 3))


def test_a_sample_name_holds_a_time_shift_or_unguided_input_other_than_the_default():
  """W03: --config.flow.inference_shift=1.0 wrote under the default shift's name, over its clips."""
  def name(sampler="alg2", **flow):
    config = get_config()
    config.flow.update(flow)
    return sample_files.default_sample_name(config, 12, steps=None, guidance=None, seed=0, sampler=sampler, num=2,
                                            class_id=None, prompts=None)
  assert name() == "sample_step000012_alg2_n4_w4_seed0_2clips"
  assert name(inference_shift=1.0) == "sample_step000012_alg2_n4_w4_seed0_2clips_shift1"
  assert name("one_step", inference_shift=1.0) == "sample_step000012_one_step_n1_w4_seed0_2clips"   # no times
  assert name("euler_cfg", unguided_w=0.5) == "sample_step000012_euler_cfg_n4_w4_seed0_2clips_unguidedw0.5"


def test_an_eval_with_another_time_shift_does_not_replace_the_report(tmp_path):
  """W16: an eval with inference_shift=1 replaced the default report of the step (FD 0.116 -> 0.071):
  the report's protocol did not record the shift."""
  config = get_config()
  report = tmp_path / "eval_step000012.json"
  report.write_text(json.dumps({"step": 12, "weights": "ema", "protocol": evaluate.sampling_protocol(config.flow)}))
  assert evaluate.sampling_protocol(config.flow)["shift"] == 3.0
  config.flow.inference_shift = 1.0
  with pytest.raises(ValueError, match=r"holds an eval with shift=3\.0, this one has shift=1\.0; give --output"):
    cli_checks.check_eval_report_settings(str(report), evaluate.sampling_protocol(config.flow))


def test_a_compilation_cache_in_a_step_folder_is_refused(tmp_path):
  """W05: --compilation_cache=<run>/checkpoints/12/xla wrote 548K into the step, which every later read
  of it then warned about (an item Orbax cannot restore)."""
  step = tmp_path / "run" / "checkpoints" / "12"
  os.makedirs(step)
  (step / "_CHECKPOINT_METADATA").write_text("{}")
  result = subprocess.run([sys.executable, "-m", "eflow_jax.main", "--config=tests/tiny_config.py",
                           f"--workdir={tmp_path / 'run'}", "--mode=sample", f"--compilation_cache={step / 'xla'}"],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
  assert result.returncode == 2 and result.stderr.strip().splitlines()[-1].startswith(
      f"error: --compilation_cache={step / 'xla'} is inside the run's checkpoints folder")
  assert sorted(os.listdir(step)) == ["_CHECKPOINT_METADATA"]


def write_grid(folder, name, value):
  return video_io.write_videos(str(folder / name), np.full((1, 2, 16, 16, 3), value, np.float32))


def test_training_grids_never_write_over_a_users_file_and_keep_a_retrained_steps(tmp_path, capsys):
  """W08: samples/step_000003.gif of the user's was written over by training. W09: a resume from step 4
  wrote the grid of step 6 over the first one, whose checkpoint and metrics were kept aside."""
  samples = tmp_path / "samples"
  for step in (2, 4, 6):
    write_grid(samples, f"step_{step:06d}", 0.1 * step)
  video_io.write_gif(str(samples / "step_000008.gif"), np.zeros((2, 16, 16, 3), np.uint8))    # carries a mark
  os.rename(samples / "step_000008.gif", samples / "step_000010.gif")        # a copy renamed: the user's now
  mine = (samples / "step_000010.gif").read_bytes()
  first_six = (samples / "step_000006.gif").read_bytes()
  assert training_grids.set_aside_grids_after(str(tmp_path), 4) == 2
  assert sorted(os.listdir(samples)) == ["step_000002.gif", "step_000002.mp4", "step_000004.gif", "step_000004.mp4",
                                         "step_000006.superseded.gif", "step_000006.superseded.mp4", "step_000010.gif"]
  assert (samples / "step_000006.superseded.gif").read_bytes() == first_six
  write_grid(samples, "step_000006", 0.9)
  assert training_grids.set_aside_grids_after(str(tmp_path), 4) == 2        # a second resume: kept again
  assert "step_000006.superseded-2.gif" in os.listdir(samples)
  capsys.readouterr()
  assert training_grids.write_samples(str(tmp_path), "step_000010", np.zeros((1, 2, 16, 16, 3), np.float32)) == []
  assert (samples / "step_000010.gif").read_bytes() == mine and not (samples / "step_000010.mp4").exists()
  assert "step_000010.gif was not written by a sampler here (no writer mark): this step's grid is not written " \
         "over it (the other steps' grids are)." in capsys.readouterr().err


def test_a_path_through_a_link_and_dotdot_is_the_folder_the_system_reaches(tmp_path):
  """W10: --workdir=lnk/../run (lnk -> real/sub) was taken as the `run` beside the link: a run listed
  there by `ls` was 'not there', and training started a new one in another folder."""
  os.makedirs(tmp_path / "real" / "sub")
  os.makedirs(tmp_path / "real" / "run")
  os.symlink(tmp_path / "real" / "sub", tmp_path / "lnk")
  given = f"{tmp_path}/lnk/../run"
  assert user_paths.expand_home_flags([f"--workdir={given}", f"--output={tmp_path}/x"], ("workdir", "output")) == [
      f"--workdir={tmp_path / 'real' / 'run'}", f"--output={tmp_path}/x"]
  assert user_paths.resolve_dotdot(f"{tmp_path}/lnk/run") == f"{tmp_path}/lnk/run"          # no `..`: as given


def test_a_checkpoints_folder_linked_to_another_runs_is_refused(tmp_path):
  """W14: run b's checkpoints/ linked to run a's: b resumed a's steps, and both trained at once, each under
  its own lock, pruning each other's steps (26 and 30 failed saves, one hang)."""
  os.makedirs(tmp_path / "a" / "checkpoints")
  (tmp_path / "a" / "metrics.jsonl").write_text('{"step": 1}\n')
  os.makedirs(tmp_path / "b")
  os.symlink(tmp_path / "a" / "checkpoints", tmp_path / "b" / "checkpoints")
  with pytest.raises(ValueError, match=rf"^{tmp_path}/b/checkpoints is a link to {tmp_path}/a/checkpoints, the "
                                       rf"checkpoints of the run in {tmp_path}/a: the two runs would resume"):
    workdir_lib.check_run_folders(str(tmp_path / "b"))
  os.makedirs(tmp_path / "disk" / "checkpoints")                  # a folder of its own on a larger disk
  os.makedirs(tmp_path / "c")
  os.symlink(tmp_path / "disk" / "checkpoints", tmp_path / "c" / "checkpoints")
  workdir_lib.check_run_folders(str(tmp_path / "c"))
  workdir_lib.check_run_folders(str(tmp_path / "a"))             # a run's own folder


@pytest.mark.parametrize("field", ["eval_path", "path"])
def test_a_generated_source_given_a_record_path_is_refused(field):
  """W20: --config.data.eval_path=<a record set> with Moving MNIST was ignored: the report said
  'moving_mnist held-out split'."""
  config = get_config()
  config.data[field] = "/data/some_set"
  with pytest.raises(ValueError, match=rf"^data\.{field}='/data/some_set' is read only with data\.source="
                                       r"'array_record' \(data\.source='moving_mnist' ignores it\)"):
    validate.check_run_config(config, device_count=1)


def test_text_options_without_a_text_encoder_are_refused(tmp_path, capsys):
  """W31: --text_dtype=bfloat16 --text_length=77 on a class set were accepted without a word."""
  from eflow_jax.tools import prepare_data
  assert prepare_data.main([f"--input={tmp_path}", f"--output={tmp_path / 'out'}", "--frames=4", "--height=16",
                            "--width=16", "--text_dtype=bfloat16",
                            "--text_length=77"]) == 2
  assert capsys.readouterr().err.strip() == (
      "prepare_data: error: --text_length=77 --text_dtype=bfloat16 apply to captions embedded with --text_encoder, "
      "which is not given: remove them, or give it.")
  assert not os.path.exists(tmp_path / "out")


@pytest.fixture(scope="module")
def tiny_umt5(tmp_path_factory):
  from eflow_jax import text
  from eflow_jax.text.tiny import make_tiny_umt5
  path = str(tmp_path_factory.mktemp("umt5"))
  make_tiny_umt5(path)
  return lambda length: text.build("t5", path=path, text_length=length)


def test_captions_that_become_one_text_at_text_length_are_refused(tiny_umt5):
  """W34: --text_length=1 embedded four different captions as one text, with only the generic
  truncation warning. 'a cat' is 4 tokens and its end; the captions differ at token 5."""
  captions = ["a cat sitting", "a cat jumping", "a cat sitting"]
  for length in (1, 3, 5):
    with pytest.raises(ValueError, match=rf"^captions 'a cat jumping' and 'a cat sitting' are one text at "
                                         rf"text_length={length} tokens \(their tokens differ from token 5 on\): "
                                         r"set text_length to at least 6\.$"):
      tiny_umt5(length).check_captions_kept_apart(captions)
  tiny_umt5(6).check_captions_kept_apart(captions)
  tiny_umt5(5).check_captions_kept_apart(["a cat"] * 3)               # one caption: nothing to tell apart


def test_num_classes_for_a_caption_set_is_refused(tmp_path, tiny_umt5):
  """W35: --num_classes=5 with captions was dropped without a word (the manifest has none)."""
  from eflow_jax.tools import prepare_data
  (tmp_path / "l.jsonl").write_text(json.dumps({"video": "v0.mp4", "caption": "a cat"}) + "\n")
  with pytest.raises(ValueError, match=r"^--num_classes=5 applies to class labels; .*l\.jsonl gives captions: "
                                       r"remove it\.$"):
    prepare_data.prepare(input_path=str(tmp_path / "l.jsonl"), output=str(tmp_path / "out"), frames=4, height=16,
                         width=16, text_encoder=tiny_umt5(8), num_classes=5, progress=False)
  assert not os.path.exists(tmp_path / "out")


def test_an_eval_report_that_does_not_record_a_setting_is_not_replaced(tmp_path):
  """W16, after the fix: a report written before protocols held the time shift (sampled at shift 1) was
  replaced by an eval at shift 3 without a word: whether the two agree cannot be told."""
  config = get_config()
  report = tmp_path / "eval_step000012.json"
  old = {k: v for k, v in evaluate.sampling_protocol(config.flow).items() if k != "shift"}
  report.write_text(json.dumps({"step": 12, "weights": "ema", "protocol": old}))
  with pytest.raises(ValueError, match=r"holds an eval that does not record its shift \(written before reports did\), "
                                       r"so it may have other settings than this one; give --output=PATH"):
    cli_checks.check_eval_report_settings(str(report), evaluate.sampling_protocol(config.flow))


def test_two_runs_whose_checkpoints_link_to_one_folder_cannot_train_at_once(tmp_path):
  """W14, after the fix: two workdirs whose checkpoints/ both link to one folder of another name (a
  larger disk) passed the link check; each held its own .lock while pruning the other's steps."""
  os.makedirs(tmp_path / "big" / "a_ckpts")
  for run in ("a", "b"):
    os.makedirs(tmp_path / run)
    os.symlink(tmp_path / "big" / "a_ckpts", tmp_path / run / "checkpoints")
  first = workdir_lib.WorkdirLock(str(tmp_path / "a"))
  first.acquire()
  second = workdir_lib.WorkdirLock(str(tmp_path / "b"))
  with pytest.raises(workdir_lib.WorkdirLockedError, match=rf"^another trainer is using {tmp_path}/big/a_ckpts, "
                                                            rf"which {tmp_path}/b/checkpoints is a link to; wait "
                                                            r"for it to end or give each run a checkpoints folder"):
    second.acquire()
  first.release()
  second.acquire()                       # the first one ended: the folder is free
  second.release()
  os.makedirs(tmp_path / "c")
  third = workdir_lib.WorkdirLock(str(tmp_path / "c"))          # a run's own folder, made for it
  third.acquire()
  assert os.path.isdir(tmp_path / "c" / "checkpoints")
  third.release()
