"""A third round of misuse of the export, the Pipeline and `--mode=sample` (docs/misuse/round3.json
lists every case tried): empty paths, a training run given as an export, a `<stem>_clips` that is a
file, two sampling requests that wrote over each other's clips. Each ends in one line before any
work, or does the right thing. No model is trained or sampled here: each test takes milliseconds.
"""
import os

import pytest

from eflow_jax import cli_checks
from eflow_jax import config_lib
from eflow_jax import sample_files
from eflow_jax.pipeline import Pipeline
from eflow_jax.tools import export as export_tool
from eflow_jax.train import evaluate

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.parametrize("load", [Pipeline.from_pretrained, Pipeline.from_workdir])
@pytest.mark.parametrize("path", ["", "  "])
def test_an_empty_folder_name_is_refused(load, path):
  with pytest.raises(ValueError, match=r"^Pipeline\.from_\w+\('\s*'\): give the folder's path\.$"):
    load(path)


@pytest.mark.parametrize("flag", ["--workdir", "--output"])
def test_export_refuses_an_empty_path(tmp_path, flag):
  paths = {"--workdir": str(tmp_path), "--output": str(tmp_path / "out")}
  paths[flag] = ""
  with pytest.raises(ValueError, match=f"^{flag} is empty; give a directory\\.$"):
    export_tool.export(paths["--workdir"], paths["--output"])


def test_a_training_run_given_as_an_export_is_named(tmp_path):
  (tmp_path / "checkpoints").mkdir()
  with pytest.raises(FileNotFoundError, match=r"is a training run, not an export: load it with Pipeline\.from_workdir"):
    Pipeline.from_pretrained(str(tmp_path))


def test_a_clips_path_that_is_a_file_is_refused_before_sampling(tmp_path):
  (tmp_path / "s_clips").write_text("notes")
  with pytest.raises(ValueError, match=r"s_clips is a file, where the clips would go one by one"):
    cli_checks.check_sample_output(str(tmp_path / "s"))
  cli_checks.check_sample_output(str(tmp_path / "t"))


def test_default_sample_names_differ_with_every_option_that_changes_the_clips():
  config = config_lib.load_config(os.path.join(REPO, "tests/tiny_config.py"))
  base = dict(steps=None, guidance=None, seed=0, sampler=None, num=10, class_id=None, prompts=None)
  name = sample_files.default_sample_name(config, 12, **base)
  assert name == "sample_step000012_alg2_n4_w4_seed0_10clips"
  variants = [dict(guidance=2.0), dict(sampler="chain"), dict(num=3), dict(class_id=3), dict(steps=2), dict(seed=1),
              dict(prompts=["a"]), dict(prompts=["b"])]
  names = {sample_files.default_sample_name(config, 12, **{**base, **v}) for v in variants}
  assert len(names) == len(variants) and name not in names


def test_a_rerun_with_fewer_clips_leaves_none_of_the_earlier_ones(tmp_path):
  folder = tmp_path / "s_clips"
  folder.mkdir()
  for name in ["000_class0", "001_class1", "002_class2"]:
    for ext in ("gif", "mp4"):
      (folder / f"{name}.{ext}").write_text("old")
  (folder / "notes.txt").write_text("mine")
  sample_files.remove_stale_clips(str(folder), ["000_class5"])
  assert sorted(os.listdir(folder)) == ["notes.txt"]
  sample_files.remove_stale_clips(str(tmp_path / "none"), ["000_class0"])     # no folder yet: nothing to do


def test_clips_of_another_shape_than_the_trained_one_are_refused(tmp_path):
  from test_pipeline_misuse import write_run      # pylint: disable=g-import-not-at-top  (checkpoints, no training)
  from eflow_jax.pipeline import restore_export   # pylint: disable=g-import-not-at-top
  run, out = str(tmp_path / "run"), str(tmp_path / "export")
  config = write_run(run)
  export_tool.export(run, out)
  longer = config.copy_and_resolve_references()
  longer.data.frames = 8              # the model takes any number of patches: 8-frame clips sampled silently
  message = r"was trained on clips of \(4, 16, 16, 1\) \(T, H, W, C\), the config gives \(8, 16, 16, 1\)"
  with pytest.raises(ValueError, match="^the checkpoint in .*" + message):
    Pipeline.from_workdir(run, config=longer)
  with pytest.raises(ValueError, match="^the checkpoint in .*" + message):
    evaluate.restore_for_inference(longer, run)
  with pytest.raises(ValueError, match="^the export in .*" + message):
    restore_export(longer, out)
  assert Pipeline.from_workdir(run, config=config).example_shape == (4, 16, 16, 1)


def test_a_clip_write_cut_short_leaves_the_earlier_clip(tmp_path, monkeypatch):
  import av                         # pylint: disable=g-import-not-at-top
  from PIL import Image             # pylint: disable=g-import-not-at-top
  import numpy as np                # pylint: disable=g-import-not-at-top
  from eflow_jax import video_io    # pylint: disable=g-import-not-at-top
  frames = np.random.default_rng(0).integers(0, 255, (60, 16, 16, 3), dtype=np.uint8)
  stem = str(tmp_path / "s")
  video_io.write_gif(stem + ".gif", frames)
  video_io.write_mp4(stem + ".mp4", frames)
  before = {ext: open(f"{stem}.{ext}", "rb").read() for ext in ("gif", "mp4")}
  calls = []

  def dies_on_frame_50(*args, **kwargs):      # a kill or a full disk in the middle of the file (H.264 buffers
    calls.append(1)                            # the first frames: the file is written from about the 40th)
    if len(calls) == 50:
      raise OSError("No space left on device")
    return real_from_ndarray(*args, **kwargs)

  def dies_after_half(self, fp, *args, **kwargs):
    with open(fp, "wb") as f:
      f.write(b"GIF89a")
    raise OSError("No space left on device")

  real_from_ndarray = av.VideoFrame.from_ndarray
  monkeypatch.setattr(av.VideoFrame, "from_ndarray", dies_on_frame_50)
  monkeypatch.setattr(Image.Image, "save", dies_after_half)
  for ext, write in (("mp4", video_io.write_mp4), ("gif", video_io.write_gif)):
    with pytest.raises(OSError, match="No space left"):
      write(f"{stem}.{ext}", frames[::-1])
    assert open(f"{stem}.{ext}", "rb").read() == before[ext]
  assert sorted(os.listdir(tmp_path)) == ["s.gif", "s.mp4"]         # no temporary file left behind
