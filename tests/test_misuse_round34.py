"""Cases found by rounds 34-37 of docs/misuse/ (each test names its case): an export's config.json whose
sampling defaults were edited by hand, a URL listed as a video to prepare, a halt after skipped updates,
and a full disk while sampling or preparing."""
import json
import os

import pytest

from eflow_jax import pipeline
from test_pipeline_misuse import copy_of, export_dir, run_dir  # noqa: F401  (module fixtures)


@pytest.mark.parametrize("field, value, said", [
    ("inference_steps", 0, "config.flow.inference_steps=0 must be >= 1."),
    ("inference_steps", 10**6, "config.flow.inference_steps=1000000 is more sampler steps than any sampler uses"),
    ("inference_steps", 4.0, "config.flow.inference_steps=4.0 must be a whole number >= 1."),
    ("w_inf", -1.0, "config.flow.w_inf=-1.0 must be >= 0"),
    ("w_inf", float("nan"), "config.flow.w_inf=nan"),
    ("sampler", "alg3", "config.flow.sampler='alg3' is unknown"),
    ("inference_shift", -0.5, "config.flow.inference_shift=-0.5 must be > 0"),              # round 36 (F10, F11)
    ("inference_shift", 0, "config.flow.inference_shift=0 must be > 0"),
    ("inference_shift", float("nan"), "config.flow.inference_shift=nan must be a finite number"),
    ("unguided_w", -1.0, "config.flow.unguided_w=-1.0 must be >= 0")])
def test_an_export_whose_sampling_defaults_were_edited_is_refused_at_load(export_dir, tmp_path, field, value, said):
  """D09, D10, D11: config.json's flow section is outside its digests; edited to 0 or 10**6 steps, a
  negative or NaN w_inf or an unknown sampler, the export loaded, and the first call failed naming
  no file (0 steps, NaN: 'the weights are damaged'), sampled for hours (10**6) or sampled a guidance
  the argument refuses (-1)."""
  export = copy_of(export_dir, tmp_path)
  path = os.path.join(export, "config.json")
  description = json.load(open(path))
  description["config"]["flow"][field] = value
  json.dump(description, open(path, "w"))
  with pytest.raises(pipeline.CorruptExportError) as refused:
    pipeline.Pipeline.from_pretrained(export)
  assert str(refused.value).startswith(f"{path}: {said}") and "Fix the value, or export the run again." in str(
      refused.value), refused.value


@pytest.mark.parametrize("video", ["https://example.com/a.mp4", "s3://bucket/b.mp4", "gs://b/c.mp4",
                                   " https://example.com/a.mp4"])         # round 36 (F12): a leading space
def test_a_listed_url_is_refused_before_the_output_is_claimed(tmp_path, video):
  """Round 35 (E29): a URL was joined to the list's folder as a relative path ('no such file
  .../https://example.com/a.mp4'), after preparation.json and a sidecar were written."""
  from eflow_jax.tools import prepare_data
  listing = tmp_path / "l.jsonl"
  listing.write_text(json.dumps({"video": video, "caption": "a clip"}) + "\n")
  with pytest.raises(ValueError, match=f"l.jsonl:1: {video} is a URL; prepare_data reads local files"):
    prepare_data.prepare(input_path=str(listing), output=str(tmp_path / "set"), frames=4, height=16, width=16,
                         shard_size=2, process_index=0, process_count=1, progress=False)
  assert not (tmp_path / "set").exists()


def test_a_halt_after_updates_skipped_by_an_earlier_resume_does_not_call_its_state_finite():
  """Round 36 (F23): a nan_policy=skip run (5 of 6 updates skipped) resumed with halt called step 6
  'the last with a finite loss'; its count holds the 5 skipped and the halting step."""
  from eflow_jax.train.fault_tolerance import halt_error
  metrics = {"nonfinite_groups": 1, "loss": float("nan")}
  assert "(step 6, after 5 updates skipped for a non-finite loss) is in /r" in str(
      halt_error(6, {**metrics, "nonfinite_steps": 6}, "dense", "/r"))
  assert "(step 6, the last with a finite loss) is in /r" in str(halt_error(6, {**metrics, "nonfinite_steps": 1},
                                                                             "dense", "/r"))


def test_a_sample_cut_short_by_a_full_disk_names_it_and_says_it_is_incomplete(tmp_path, monkeypatch):
  """Round 37 (G17): 'error: [Errno 28] No space left on device', naming no file, while the clips
  folder kept 6 of 128 files and no grid."""
  import errno
  import numpy as np
  from eflow_jax import sample_files, video_io
  written = []

  def full_after_two(stem, videos, **kwargs):
    if len(written) == 2:
      raise OSError(errno.ENOSPC, "No space left on device")
    written.append(stem)
    return [stem + ".gif"]
  monkeypatch.setattr(video_io, "write_videos", full_after_two)
  videos = np.zeros((4, 2, 8, 8, 3), np.float32)
  with pytest.raises(OSError, match=r"^.*/s\.gif / \.mp4: writing the samples failed \(No space left on device\); "
                                    r".*/s_clips holds only the clips written before, and no grid: free space and "
                                    r"sample again\.$"):
    sample_files.write_sample_files(str(tmp_path / "s"), videos, ["a", "b", "c", "d"], 2, 8)


def test_a_shard_cut_short_by_a_full_disk_is_one_line(tmp_path, monkeypatch, capsys):
  """Round 37 (G18): the ArrayRecord writer's RuntimeError ('write() failed: No space left on device')
  ended prepare_data in a traceback."""
  from eflow_jax.data import records
  from eflow_jax.tools import prepare_data
  from test_prepare_data_misuse import make_video
  for i, name in enumerate(["cat/v1.mp4", "dog/v1.mp4"]):
    make_video(tmp_path / "videos" / name, i)

  def full(filename, encoded):
    raise RuntimeError(f"write() failed: No space left on device; writing {filename}.tmp123\nFailed to close")
  monkeypatch.setattr(records, "write_shard", full)
  assert prepare_data.main(["--input", str(tmp_path / "videos"), "--output", str(tmp_path / "set"), "--frames=4",
                            "--height=16", "--width=16", "--autoencoder=identity", "--no_progress"]) != 0
  err = capsys.readouterr().err
  assert err.count("\n") == 1 and err.endswith("shard-00000.array_record: writing failed (write() failed: No space "
                                               "left on device; writing " + str(tmp_path / "set") + "/shard-00000."
                                               "array_record.tmp123); free space and rerun: the finished shards are "
                                               "kept.\n"), err
