"""prepare_data tried as a demanding user would: labels that are numbers written as floats or mixed
with names, a rerun after the input list or an option changed, empty class folders, an --output
that is a file. Each ends in one line before anything is written, or does the right thing.

The videos are made here (6 frames of 16 x 16, PyAV), so the tests need no downloaded clips.
"""
import json
import os

import numpy as np
import pytest

from eflow_jax import video_io
from eflow_jax.tools import prepare_data, preparation_record, video_inputs


def make_video(path, seed):
  rng = np.random.default_rng(seed)
  os.makedirs(os.path.dirname(path), exist_ok=True)
  video_io.write_mp4(str(path), rng.integers(0, 255, (6, 16, 16, 3), dtype=np.uint8), fps=8)


@pytest.fixture()
def class_folder(tmp_path):
  root = tmp_path / "videos"
  for i, name in enumerate(["cat/v1.mp4", "cat/v2.mp4", "dog/v1.mp4", "dog/v2.mp4"]):
    make_video(root / name, i)
  return root


def prepare(input_path, output, **overrides):
  options = dict(input_path=str(input_path), output=str(output), frames=4, height=16, width=16, shard_size=2,
                 process_index=0, process_count=1, progress=False)
  return prepare_data.prepare(**{**options, **overrides})


def snapshot(folder):
  return {name: open(os.path.join(folder, name), "rb").read() for name in sorted(os.listdir(folder))}


# ------------------------------------------------------------------------------------------------
# Labels.
# ------------------------------------------------------------------------------------------------
def write_jsonl(path, labels):
  path.write_text("\n".join(json.dumps({"video": f"v{i}.mp4", "label": label}) for i, label in enumerate(labels)))
  return str(path)


def test_whole_number_labels_are_class_numbers_whatever_their_type(tmp_path):
  entries, classes = video_inputs.read_entries(write_jsonl(tmp_path / "l.jsonl", [2, 10, 1.0, 0]))
  assert classes is None and [e["label"] for e in entries] == [2, 10, 1, 0]
  csv = tmp_path / "l.csv"
  csv.write_text("video,label\nv0.mp4,3\nv1.mp4, 1.0\nv2.mp4,0\n")     # a .csv gives every label as text
  entries, classes = video_inputs.read_entries(str(csv))
  assert classes is None and [e["label"] for e in entries] == [3, 1, 0]
  entries, classes = video_inputs.read_entries(write_jsonl(tmp_path / "n.jsonl", ["dog", "cat", "dog"]))
  assert classes == ["cat", "dog"] and [e["label"] for e in entries] == [1, 0, 1]


@pytest.mark.parametrize("labels, message", [
    ([0, "cat", 1], r"labels mix class numbers \(row 1: 0\) and class names \(row 2: 'cat'\); use one kind"),
    ([0, 1.5], r"row 2: label 1.5 is not a whole number"),
    ([0, True], r"row 2: label True is a boolean"),
    ([0, None], r"row 2: label None is neither a class number nor a class name"),
])
def test_labels_that_cannot_be_numbered_without_guessing_are_refused(tmp_path, labels, message):
  path = write_jsonl(tmp_path / "l.jsonl", labels)
  with pytest.raises(ValueError, match=f"^{path}: {message}"):
    video_inputs.read_entries(path)


@pytest.mark.parametrize("text, message", [
    ('[1, 2]\n', r":1: list '\[1, 2\]' is not an object like"),
    ('{"video": "a.mp4", "label": 0}\n5\n', r":2: int '5' is not an object like"),
    ('{"video": 5, "label": 0}\n', r":1: 'video' is 5; give the video file's path as text"),
    ('{"label": 0}\n', r":1: lacks 'video'"),
    ('{"video": "a.mp4", "caption": null}\n', r":1: 'caption' is None, not text"),    # would be "None"
    ('{"video": "a.mp4", "caption": ["a", "b"]}\n', r":1: 'caption' is \['a', 'b'\], not text"),
])
def test_a_row_that_is_not_a_video_with_text_is_refused_naming_its_line(tmp_path, text, message):
  path = tmp_path / "list.jsonl"
  path.write_text(text)
  with pytest.raises(ValueError, match=f"^{path}{message}"):
    video_inputs.read_entries(str(path))


def test_a_list_saved_with_a_byte_order_mark_is_read_and_one_not_utf8_is_named(tmp_path):
  """Editors on Windows start UTF-8 files with a byte-order mark; it is not part of the first row."""
  for name, text in (("l.jsonl", '{"video": "a.mp4", "label": 1}\n'), ("l.csv", "video,label\na.mp4,1\n")):
    (tmp_path / name).write_text(text, encoding="utf-8-sig")
    entries, _ = video_inputs.read_entries(str(tmp_path / name))
    assert entries == [{"video": str(tmp_path / "a.mp4"), "label": 1}]
  path = tmp_path / "latin1.jsonl"
  path.write_bytes('{"video": "a.mp4", "caption": "caf\xe9"}\n'.encode("latin-1"))
  with pytest.raises(ValueError, match=f"^{path} is not UTF-8 text \\(byte 34: invalid continuation byte\\)"):
    video_inputs.read_entries(str(path))


def test_a_video_link_to_nothing_is_reported_not_silently_left_out(class_folder, tmp_path, capsys):
  os.symlink("loop.mp4", class_folder / "cat" / "loop.mp4")                   # points at itself
  report = prepare(class_folder, tmp_path / "out")
  assert [b["video"] for b in report["bad"]] == [str(class_folder / "cat" / "loop.mp4")]
  assert report["manifest"]["num_examples"] == 4
  assert "skipping" in capsys.readouterr().err


@pytest.mark.parametrize("option, value", [("frames", 0), ("height", -16), ("shard_size", 0), ("frame_stride", 0)])
def test_a_size_option_below_one_is_named_with_its_value(class_folder, tmp_path, option, value):
  with pytest.raises(ValueError, match=f"^--{option}={value} must be >= 1"):
    prepare(class_folder, tmp_path / "out", **{option: value})
  assert not (tmp_path / "out").exists()


def test_an_output_inside_the_class_folder_is_refused_before_writing(class_folder, capsys):
  """It would be read as one more class by the rerun that finishes it, and by every later preparation."""
  output = class_folder / "records"
  code = prepare_data.main(["--input", str(class_folder), "--output", str(output), "--frames", "4", "--height", "16",
                            "--width", "16", "--autoencoder", "identity", "--no_progress"])
  assert code == 2 and capsys.readouterr().err.strip().splitlines() == [
      f"prepare_data: error: --output={output} is inside the class folder --input={class_folder}, where it would be "
      f"read as one more class; write the record set outside it."]
  assert not output.exists()


# ------------------------------------------------------------------------------------------------
# Reruns: the same inputs and options finish a set; anything else is refused before writing.
# ------------------------------------------------------------------------------------------------
def test_a_rerun_after_a_video_was_added_is_refused_and_changes_nothing(class_folder, tmp_path):
  out = tmp_path / "records"
  first = prepare(class_folder, out)
  assert first["manifest"]["num_examples"] == 4
  before = snapshot(out)
  make_video(class_folder / "cat" / "v0a.mp4", 9)             # sorts first: every later entry would shift
  with pytest.raises(ValueError, match=r"was prepared from other inputs or options \(the input list \(4 videos "
                                       r"then, 5 now\)\); rerun with the same inputs"):
    prepare(class_folder, out)
  assert snapshot(out) == before
  os.remove(class_folder / "cat" / "v0a.mp4")
  again = prepare(class_folder, out)                            # the same inputs: nothing to redo
  assert again["written"] == [] and again["skipped_shards"] == [0, 1] and snapshot(out) == before


def test_a_rerun_with_another_option_over_a_finished_set_is_refused(class_folder, tmp_path, capsys):
  out = tmp_path / "records"
  prepare(class_folder, out)
  before = snapshot(out)
  with pytest.raises(ValueError, match=r"\(frames: 4 then, 5 now\)"):
    prepare(class_folder, out, frames=5)
  with pytest.raises(ValueError, match=r"shard_size: 2 then, 3 now"):
    prepare(class_folder, out, shard_size=3)
  assert snapshot(out) == before
  code = prepare_data.main(["--input", str(class_folder), "--output", str(out), "--frames", "5", "--height", "16",
                            "--width", "16", "--autoencoder", "identity", "--shard_size", "2", "--no_progress",
                            "--process_index", "0", "--process_count", "1"])
  err = capsys.readouterr().err.strip().splitlines()
  assert code == 2 and len(err) == 1 and "frames: 4 then, 5 now" in err[0]
  assert json.load(open(out / "manifest.json"))["frames"] == 4


def test_a_renamed_label_in_a_list_is_a_changed_input(tmp_path):
  for i in range(3):
    make_video(tmp_path / f"v{i}.mp4", i)
  listing = tmp_path / "list.jsonl"
  write_jsonl(listing, [0, 1, 0])
  prepare(listing, tmp_path / "records")
  write_jsonl(listing, [0, 1, 1])
  with pytest.raises(ValueError, match=r"the input list \(3 videos then, 3 now, other paths, labels or captions\)"):
    prepare(listing, tmp_path / "records")


def test_an_output_prepared_before_records_is_checked_by_its_manifest(class_folder, tmp_path, capsys):
  """An older version's set has no preparation.json: its manifest's geometry is what can be checked."""
  out = tmp_path / "records"
  prepare(class_folder, out)
  os.remove(out / preparation_record.PREPARATION)
  with pytest.raises(ValueError, match=r"frames: 4 then, 5 now"):
    prepare(class_folder, out, frames=5)
  prepare(class_folder, out)
  assert "was prepared by an older version" in capsys.readouterr().err
  assert os.path.exists(out / preparation_record.PREPARATION)


# ------------------------------------------------------------------------------------------------
# Class folders and --output.
# ------------------------------------------------------------------------------------------------
def test_every_class_folder_empty_is_one_line(tmp_path, capsys):
  for name in ("cat", "dog"):
    (tmp_path / "videos" / name).mkdir(parents=True)
  (tmp_path / "videos" / "dog" / "notes.txt").write_text("no video here")
  code = prepare_data.main(["--input", str(tmp_path / "videos"), "--output", str(tmp_path / "out"), "--frames", "4",
                            "--height", "16", "--width", "16", "--autoencoder", "identity", "--no_progress"])
  err = capsys.readouterr().err.strip().splitlines()
  assert code == 2 and len(err) == 1, err
  assert err[0] == (f"prepare_data: error: {tmp_path / 'videos'}: none of its 2 class folders holds a video file "
                    f"({', '.join(video_inputs.VIDEO_EXTS)}).")
  assert not os.path.exists(tmp_path / "out")


def test_an_empty_class_folder_is_warned_about_and_keeps_its_id(class_folder, tmp_path, capsys):
  (class_folder / "bird").mkdir()
  (class_folder / ".ipynb_checkpoints").mkdir()                 # a hidden folder is not a class
  report = prepare(class_folder, tmp_path / "records")
  assert report["manifest"]["class_names"] == ["bird", "cat", "dog"] and report["manifest"]["num_classes"] == 3
  err = capsys.readouterr().err
  assert "warning:" in err and "class 'bird' has no video; it keeps its id but the model never sees it" in err


def test_a_label_gap_in_a_list_is_warned_about_with_a_fix_for_a_list(tmp_path, capsys):
  """A list has no class folders to remove: its warning names the fix a list can take."""
  for i in range(3):
    make_video(tmp_path / f"v{i}.mp4", i)
  prepare(write_jsonl(tmp_path / "list.jsonl", [0, 2, 0]), tmp_path / "records")
  err = capsys.readouterr().err
  assert "class 1 has no video; it keeps its id" in err and "renumber the labels" in err
  assert "remove the folder" not in err


def test_an_output_that_is_a_file_is_one_line(class_folder, tmp_path, capsys):
  target = tmp_path / "records"
  target.write_text("mine")
  code = prepare_data.main(["--input", str(class_folder), "--output", str(target), "--frames", "4", "--height", "16",
                            "--width", "16", "--autoencoder", "identity", "--no_progress"])
  err = capsys.readouterr().err.strip().splitlines()
  assert code == 2 and err == [f"prepare_data: error: --output={target} is a file; give the directory to write the "
                               f"record set to."]
  assert target.read_text() == "mine"


@pytest.mark.parametrize("files", [["config.json", "model.safetensors", "README.md"], ["checkpoints", "metrics.jsonl"]])
def test_an_output_holding_another_programs_files_is_refused(class_folder, tmp_path, files):
  out = tmp_path / "taken"
  out.mkdir()
  for name in files:
    (out / name).write_text("theirs")
  before = snapshot(out)
  with pytest.raises(ValueError, match=r"^--output=.*taken holds .* but no record set of prepare_data; give a new or "
                                       r"empty directory\.$"):
    prepare(class_folder, out)
  assert snapshot(out) == before
  prepare(class_folder, tmp_path / "empty")                    # a new folder, then its rerun: accepted
  prepare(class_folder, tmp_path / "empty")
