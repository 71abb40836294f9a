"""Cases found by trying round 25's fixes at their edges and elsewhere (round 26 of docs/misuse/):
a sample --output ending in a dot or made of an extension only, the clip memory of a record set's
own autoencoder, a grid of more clips than one MP4 frame holds, one of the process flags alone, a
text length past memory, an eval's memory advice; and the sweep's nits on cases handled well
(a mistyped --tables, an --override of a flag, --root and --results nested)."""
import os

import numpy as np
import pytest
from tiny_config import get_config

from eflow_jax import cli_checks, sample_limits, video_io


@pytest.mark.parametrize("name, why", [("x.gif.", "ends in a dot"), ("name.", "ends in a dot"),
                                       (".gif", "is only an extension"), (".WEBM", "is only an extension")])
def test_a_sample_output_ending_in_a_dot_or_only_an_extension_is_refused(tmp_path, name, why):
  """Round 26 (V04): x.gif. wrote x.gif..gif and x.gif..mp4; --output=.gif wrote hidden .gif.gif files."""
  with pytest.raises(ValueError, match=rf"^--output=.*: the name '{name.replace('.', '[.]')}' {why}; --mode=sample's "
                                       r"--output is a path stem: --output=.*/name writes name\.gif"):
    cli_checks.check_sample_output(str(tmp_path / name))
  cli_checks.check_sample_output(str(tmp_path / "x.gif.v2"))        # a stem with dots inside: fine


def record_set_config(kind="auto"):
  config = get_config()
  config.data.update(source="array_record", path="/nonexistent/set", channels=3)
  config.autoencoder.kind = kind
  return config


def test_the_clip_memory_of_a_set_follows_the_autoencoder_that_wrote_it():
  """Round 26 (V07): an identity-latent record set (kind 'auto') was counted as Wan 2.1 output, 4 x 8 x 8
  larger in frames, space and channels: requests that fit were refused, with a ~300x figure."""
  shape = (4, 16, 16, 3)
  identity_set = {"autoencoder": "identity", "latent_shape": list(shape)}
  assert sample_limits.decoded_clip_shape(record_set_config(), shape, identity_set) == (4, 16, 16, 3)
  assert sample_limits.decoded_clip_shape(record_set_config(), shape, {"autoencoder": "wan21"}) == (13, 128, 128, 3)
  assert sample_limits.decoded_clip_shape(record_set_config(), shape, None) == (13, 128, 128, 3)   # unknown: larger
  assert sample_limits.decoded_clip_shape(record_set_config("identity"), shape, None) == (4, 16, 16, 3)
  per_clip = 4 * 16 * 16 * 3 * (sample_limits.BYTES_PER_LATENT_VALUE + sample_limits.BYTES_PER_PIXEL_VALUE)
  sample_limits.check_memory("x", 1000, record_set_config(), shape, available=1000 * per_clip, manifest=identity_set)
  with pytest.raises(MemoryError, match=r"at most 1000 clips"):
    sample_limits.check_memory("x", 1001, record_set_config(), shape, available=1000 * per_clip, manifest=identity_set)


def test_a_grid_larger_than_an_mp4_frame_is_refused_before_sampling():
  """Round 26 (V08): 4000 clips in 10 columns made a grid 54400 pixels high; libx264 refused it after
  the whole sampling and the clips were written, in a 30-line PyAV traceback."""
  config = get_config()
  config.sample_columns = 10
  # 16 x 16 clips are shown 4x (video_io.display_scale), 1 pixel apart: 68 pixels a cell, 16384 // 68 = 240 rows.
  sample_limits.check_grid("--mode=sample", 2400, config, (4, 16, 16, 1))
  with pytest.raises(ValueError, match=r"^--mode=sample: the grid of 2401 clips in 10 columns would be 680x16388 "
                                       r"pixels, more than an MP4 frame may be \(16384 a side\); ask for at most 2400 "
                                       r"clips per call, or set another --config\.sample_columns\.$"):
    sample_limits.check_grid("--mode=sample", 2401, config, (4, 16, 16, 1))
  from eflow_jax.train import evaluate
  with pytest.raises(ValueError, match=r"^--mode=sample: the grid of 4000 clips"):       # before any run is read
    evaluate.sample_videos(config, "/nonexistent/run", num=4000)


def test_write_videos_refuses_a_grid_too_large_for_mp4_before_writing_either_file(tmp_path):
  with pytest.raises(ValueError, match=r"grid\.gif / \.mp4 not written: the grid of 1 clips is 8x16400 pixels"):
    video_io.write_videos(str(tmp_path / "grid"), np.zeros((1, 2, 16400, 8, 3), np.float32))
  assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("flags, given, missing", [({"process_index": 1, "process_count": None}, "index", "count"),
                                                   ({"process_index": None, "process_count": 2}, "count", "index")])
def test_one_of_the_process_flags_alone_is_refused_before_anything_is_written(tmp_path, flags, given, missing):
  """Round 26 (V15): --process_index=1 alone was dropped; the process prepared the whole set as 0 of 1."""
  from test_prepare_data_misuse import make_video, prepare
  for i, name in enumerate(("cat/v0.mp4", "dog/v1.mp4")):
    make_video(tmp_path / "in" / name, i)
  with pytest.raises(ValueError, match=rf"^--process_{given} is given without --process_{missing}; give both"):
    prepare(tmp_path / "in", tmp_path / "set", **flags)
  assert not (tmp_path / "set").exists()
  assert prepare(tmp_path / "in", tmp_path / "set", shard_size=1, process_index=1, process_count=2)["written"] == [1]


def test_a_text_length_whose_attention_would_not_fit_is_refused_before_the_encoder_loads(tmp_path):
  """Round 26 (V25): --text_length=100000 (a typo of 100) ended in torch's 40 GB allocation traceback;
  0 was refused naming a batch_size the user never gave."""
  pytest.importorskip("transformers")
  pytest.importorskip("sentencepiece")
  from eflow_jax import text
  from eflow_jax.text import tiny
  # (8 captions + the position bias) x 4 heads x 10000^2 float32 scores = 13.4 GiB: refused with 16 GiB free.
  with pytest.raises(ValueError, match=r"^text_length=10000: the text encoder's attention over that many tokens "
                                       r"needs about 13\.4 GiB \(8 captions at once, 4 heads\), 16\.0 GiB is free"):
    text.check_attention_memory(10000, 8, 4, free=16 * 2**30)
  text.check_attention_memory(512, 8, 4, free=16 * 2**30)
  tiny.make_tiny_umt5(str(tmp_path / "umt5"))
  with pytest.raises(ValueError, match=r"^text_length=10000000: the text encoder's attention"):
    text.build("t5", path=str(tmp_path / "umt5"), text_length=10**7)
  with pytest.raises(ValueError, match=r"^text_length=0 must be >= 1\.$"):
    text.build("t5", path=str(tmp_path / "umt5"), text_length=0)


def test_an_eval_too_large_for_the_sampler_names_its_setting_not_more_calls():
  """Round 26 (V29): eval.num_samples=1000000 was told to 'sample the rest in other calls with another
  seed', which cannot make one report."""
  import types
  analysis = types.SimpleNamespace(temp_size_in_bytes=20 * 2**30, output_size_in_bytes=0)
  with pytest.raises(MemoryError, match=r"^--mode=eval: 1000 clips .*; set --config\.eval\.num_samples to about 600 or "
                                        r"fewer\.$"):
    sample_limits.check_working_memory("--mode=eval", 1000, analysis, 16 * 2**30, "eval.num_samples")


# Nits noted on cases that were handled well.
@pytest.mark.parametrize("tables, message", [
    ("table4,", r"^--tables=table4, holds an empty entry; tables are table2, table3, table4, pdg_study, "),
    ("", r"^--tables= holds an empty entry; tables are "),
    ("TABLE4", r"^--tables=TABLE4 holds 'TABLE4', not a table; tables are table2, "),
    ("table4.py", r"^--tables=table4.py holds 'table4.py', not a table; ")])
def test_a_mistyped_table_list_names_the_entry_and_the_tables(tables, message):
  """Round 26 (V19): a trailing comma said 'no configs/ablations/.py', and no message listed the tables."""
  from benchmarks.sweeps import sweep_rows
  with pytest.raises(SystemExit, match=message):
    sweep_rows.parse_tables(tables)
  assert sweep_rows.parse_tables(" table4,table4, pdg_study") == ["table4", "pdg_study"]    # each once


@pytest.mark.parametrize("override", ["--mode=eval", "--workdir=/tmp/x", "--config=configs/t2v_256p.py"])
def test_an_override_that_is_not_a_config_field_is_refused_as_such(override):
  """Round 26 (V36): --override=--mode=eval said "Unknown command line flag 'mode'" although --mode
  is a flag of eflow_jax.main: the sweep sets it for each row itself."""
  from benchmarks.sweeps import sweep_rows
  path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "configs/ablations/table4.py")
  with pytest.raises(SystemExit, match=rf"^--override={override}: overrides set config fields only "
                                       r"\(--override=--config\.a\.b=value\); the sweep gives each row its own"):
    sweep_rows.row_config(path, "sfm_4", 2, [override])


def test_a_sweep_root_and_results_one_inside_the_other_are_warned_of(tmp_path, capsys):
  """Round 26 (V20): --root inside --results (the folder to commit) put the training checkpoints there,
  without a word; --results inside --root is lost with the scratch folder."""
  from benchmarks.sweeps.sweep_folders import sweep_folders
  sweep_folders(str(tmp_path / "res" / "root"), str(tmp_path / "res"))
  assert capsys.readouterr().err.strip().endswith("is inside --results=" + str(tmp_path / "res") +
                                                  ": the training workdirs (checkpoints) would be committed with the reports.")
  sweep_folders(str(tmp_path / "root"), str(tmp_path / "root" / "res"))
  assert "is inside --root=" + str(tmp_path / "root") + ": clearing the training workdirs" in capsys.readouterr().err
  sweep_folders(str(tmp_path / "a"), str(tmp_path / "ab"))          # a shared prefix is not nesting
  assert capsys.readouterr().err == ""


# Found while fixing the grid check: training writes grids too.
def test_training_refuses_a_sample_grid_too_large_before_its_first_step(tmp_path):
  """The grid check of --mode=sample did not cover training's own grids: num_samples=5000 trained up to
  the first grid, which failed with no checkpoint saved of the steps before it."""
  from eflow_jax.train import loop
  config = get_config("steps=4")
  config.update(num_samples=5000, sample_every=2, sample_columns=5)
  with pytest.raises(ValueError, match=r"^training's sample grids: the grid of 5000 clips in 5 columns would be "
                                       r"340x68000 pixels.*\(16384 a side\); set --config.num_samples to at most 1200, "
                                       r"or set another --config.sample_columns\.$"):
    loop.train(config, str(tmp_path / "run"))
  assert not os.path.exists(tmp_path / "run")
  config.update(sample_every=0, sample_every_minutes=0.0)       # no grids while training: nothing to check
  loop._check_training_grids(config, (4, 16, 16, 3))                  # pylint: disable=protected-access


def test_training_grids_are_sampled_only_once_their_buffers_are_known_to_fit(tmp_path, monkeypatch):
  """Training sampled its grids without the compiled sampler's memory check of --mode=sample and eval:
  a count whose buffers exceed the free memory had the process killed by the kernel, with no message."""
  from eflow_jax.train import loop
  config = get_config("steps=4")
  config.update(num_samples=4, sample_every=1)
  monkeypatch.setattr(sample_limits, "free_device_memory", lambda: 4096)       # 4 KiB free
  with pytest.raises(MemoryError, match=r"^training's sample grids: 4 clips at once need about .* GiB of working "
                                        r"memory .*; set --config.num_samples to about 0 or fewer|even one clip"):
    loop.train(config, str(tmp_path / "run"))


def test_a_grid_has_no_more_columns_than_clips():
  """--config.sample_columns=10 (the demo's) with --num_samples=3 drew seven empty columns; 1000 columns
  were refused as a 68000-pixel-wide grid. The grid's size and the grid written agree."""
  videos = np.ones((3, 2, 4, 5, 3), np.uint8)
  grid = video_io.video_grid(videos, columns=10)
  assert grid.shape == (2, 1 * (4 + 1), 3 * (5 + 1), 3) and grid[:, :4, :5].min() == 1 and grid[:, :4, 12:17].min() == 1
  scale = video_io.display_scale(4, 5)
  assert video_io.grid_size(3, 4, 5, columns=1000) == (5 * scale, 18 * scale)
  config = get_config()
  config.sample_columns = 1000
  sample_limits.check_grid("--mode=sample", 3, config, (4, 16, 16, 3))
