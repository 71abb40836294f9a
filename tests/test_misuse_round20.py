"""Cases found by trying the export, the Pipeline, prepare_data and the eval as a user would (round
20 of docs/misuse/): an eval set sharing videos with the training set, and a preparation whose
processes read different copies of the input."""
import json
import os
import shutil

import ml_collections
import pytest

from test_prepare_data_misuse import make_video, prepare


def test_an_eval_set_prepared_from_some_training_videos_is_not_called_held_out(tmp_path, capsys):
  """Round 20 (P25): a 'val' list of two training videos (other paths, same contents) was reported as
  held out; only a whole-set copy of the training set was noticed."""
  from eflow_jax.data import eval_set
  for i, name in enumerate(["cat/a.mp4", "cat/b.mp4", "dog/c.mp4", "dog/d.mp4", "dog/e.mp4"]):
    make_video(tmp_path / "videos" / name, i)
  shutil.move(tmp_path / "videos" / "dog" / "e.mp4", tmp_path / "e.mp4")      # never trained on
  prepare(tmp_path / "videos", tmp_path / "train")
  for name in ("c", "d"):
    shutil.copy(tmp_path / "videos" / "dog" / f"{name}.mp4", tmp_path / f"{name}.mp4")
  lists = {"overlap": ["d", "c"], "apart": ["e"], "one": ["e", "c"]}
  for set_name, names in lists.items():
    (tmp_path / f"{set_name}.jsonl").write_text("".join(json.dumps({"video": f"{n}.mp4", "label": 1}) + "\n"
                                                        for n in names))
    prepare(tmp_path / f"{set_name}.jsonl", tmp_path / set_name, num_classes=2)
  capsys.readouterr()
  data = lambda name: ml_collections.ConfigDict({"source": "array_record", "path": str(tmp_path / "train"),
                                                 "eval_path": str(tmp_path / name), "holdout_examples": 0})
  for name, shared in (("overlap", "2 of 2"), ("one", "1 of 2")):
    described = eval_set.describe(data(name))
    assert described["held_out"] is False and described["clips_also_trained_on"] == shared
    eval_set.warn_if_not_held_out(data(name), described)
    eval_set.warn_if_not_held_out(data(name), described)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{shared.split()[0]} of the {shared.split()[-1]} clips of data.eval_path=" in err
    assert "are clips the weights trained on" in err and "the report says held_out false" in err
  apart = eval_set.describe(data("apart"))
  assert apart == {"clips": "data.eval_path", "fingerprint": apart["fingerprint"], "records": 1, "held_out": True,
                   "compared": "source video files and latents, by sha256 (a near-copy, such as a lossy re-encode "
                               "or an edited clip, is not detected)"}
  eval_set.warn_if_training_records(data("apart"))
  eval_set.warn_if_not_held_out(data("apart"), apart)
  assert capsys.readouterr().err == ""


def test_processes_that_read_different_copies_of_the_input_write_no_manifest(tmp_path, capsys):
  """Round 20 (P27): process 1 read the original cat/v1.mp4, process 0 a host's other copy of it;
  the last one wrote a manifest joining shards of both inputs, without a word."""
  for i, name in enumerate(["cat/v0.mp4", "cat/v1.mp4", "dog/v2.mp4", "dog/v3.mp4"]):
    make_video(tmp_path / "old" / name, i)
  shutil.copytree(tmp_path / "old", tmp_path / "new")          # copy2: the same contents, another ctime
  shutil.copytree(tmp_path / "old", tmp_path / "same")
  make_video(tmp_path / "new" / "cat" / "v1.mp4", 7)
  two = dict(shard_size=1, process_count=2)
  assert prepare(tmp_path / "old", tmp_path / "mixed", process_index=1, **two)["manifest"] is None
  with pytest.raises(ValueError, match=r"mixed: shard 1, written by another process, was encoded from other contents "
                                       r"of .*new/cat/v1\.mp4 than this process reads: .*no manifest was written"):
    prepare(tmp_path / "new", tmp_path / "mixed", process_index=0, **two)
  assert not os.path.exists(tmp_path / "mixed" / "manifest.json")
  # The host with the old copy gets the new one: its changed shard is encoded again and the set is whole.
  capsys.readouterr()
  manifest = prepare(tmp_path / "new", tmp_path / "mixed", process_index=1, **two)["manifest"]
  assert manifest["num_examples"] == 4 and "shard 1 was encoded from other contents" in capsys.readouterr().err
  # Copies of the same files on two hosts (other stat, same contents) are one input.
  assert prepare(tmp_path / "old", tmp_path / "copies", process_index=1, **two)["manifest"] is None
  assert prepare(tmp_path / "same", tmp_path / "copies", process_index=0, **two)["manifest"]["num_examples"] == 4
