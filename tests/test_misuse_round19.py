"""The eighteenth and nineteenth rounds of misuse (docs/misuse/round18.json, round19.json list every
case tried). Fixed here: a metrics.jsonl linked into a missing folder lost every record behind one
warning; a report renamed without `.json` stayed beside re-exported weights. Round 19: videos beside
the class folders, class names differing in case, a list's split column, a .csv row split by an
unquoted comma and videos of other container names were prepared wrongly or left out without a
word, and macOS metadata was taken for videos; a training workdir, a record set or the sweep's
folders inside a run's checkpoints were deleted with a pruned step, and one folder for the sweep's
--root and --results deleted every report; a clips folder of the user's, an edited model card and
an annotated parameters.txt were written over; another run at the same path replaced an export; a
renamed step folder labelled the export and samples with the wrong step; hand-made condition
batches and non-finite latents passed the Pipeline; eval sets that are the training set, repeated,
of other class names or another set than the kept report's, a holdout that takes whole classes,
another text encoder at the same path, and a continued run's pruned stage end went unsaid."""
import json
import os
import re

import pytest

from eflow_jax import workdir as workdir_lib
from eflow_jax.train import progress


def test_a_metrics_link_into_a_missing_folder_is_refused_before_training(tmp_path, capsys):
  """Round 18 (M12): the records went nowhere; the check names the link's target and its folder."""
  run = tmp_path / "run"
  run.mkdir()
  os.symlink(tmp_path / "logs" / "nofolder" / "run.jsonl", run / "metrics.jsonl")
  with pytest.raises(OSError, match=r"metrics\.jsonl is a symbolic link to .*/logs/nofolder/run\.jsonl, whose "
                                    r"folder .*/logs/nofolder does not exist: every record would be lost"):
    workdir_lib.check_run_file_links(str(run))
  (tmp_path / "logs" / "nofolder").mkdir(parents=True)        # the folder is back, the file is not
  workdir_lib.check_run_file_links(str(run))
  assert re.search(r"warning: .*metrics\.jsonl is a symbolic link to .*/nofolder/run\.jsonl, which does not exist",
                   capsys.readouterr().err)
  (tmp_path / "logs" / "nofolder" / "run.jsonl").write_text("")   # a link to a file: nothing to say
  workdir_lib.check_run_file_links(str(run))
  assert capsys.readouterr().err == ""
  os.symlink(tmp_path / "gone" / "x.jsonl", run / "metrics.superseded.jsonl")
  with pytest.raises(OSError, match=r"metrics\.superseded\.jsonl is a symbolic link"):
    workdir_lib.check_run_file_links(str(run))


def test_records_that_could_not_be_written_are_counted_when_the_writer_closes(tmp_path, capsys):
  """Round 18 (M12): one warning at the first lost record, none at the later ones, read as if only
  that step was lost."""
  os.symlink(tmp_path / "missing" / "run.jsonl", tmp_path / "metrics.jsonl")
  writer = progress.MetricWriter(str(tmp_path))
  for step in (1, 2, 3):
    writer.write(step, {"loss": 1.0})
  writer.close()
  err = capsys.readouterr().err
  assert len(re.findall(r"metrics at step \d+ not written", err)) == 1
  assert "the last 3 metric record(s) of this run were not written" in err
  writer = progress.MetricWriter(str(tmp_path / "fine"))
  writer.write(1, {"loss": 1.0})
  writer.close()
  assert "not written" not in capsys.readouterr().err


def test_a_report_renamed_without_json_is_set_aside_by_a_re_export(tmp_path):
  """Round 17's leftover: a report renamed by hand (`best_report`, `eval.txt`) was not found by a
  re-export and read as a report of the new weights."""
  from eflow_jax import weights_digest
  old = {"step": 12, "weights_sha256": "a" * 64, "fvd": 1.0}
  (tmp_path / "best_report").write_text(json.dumps(old))
  (tmp_path / "notes").mkdir()
  (tmp_path / "notes" / "eval.txt").write_text("\n  " + json.dumps(old))
  (tmp_path / "same.txt").write_text(json.dumps({**old, "weights_sha256": "b" * 64}))
  (tmp_path / "settings.txt").write_text(json.dumps({"lr": 1e-3}))
  (tmp_path / "model.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00" + b"{" * 16)
  moved = weights_digest.set_aside_reports_of_other_weights(str(tmp_path), "b" * 64)
  assert sorted(os.path.relpath(m, tmp_path) for m in moved) == ["best_report.superseded.json",
                                                                  "notes/eval.txt.superseded.json"]
  assert json.loads((tmp_path / "best_report.superseded.json").read_text()) == old
  assert sorted(os.listdir(tmp_path)) == ["best_report.superseded.json", "model.safetensors", "notes", "same.txt",
                                          "settings.txt"]


def _files(root, names):
  for i, name in enumerate(names):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"video %d" % i if not name.split("/")[-1].startswith("._") else b"\x00\x05\x16\x07Mac OS X")
  return root


def test_a_video_beside_the_class_folders_is_refused_not_left_out(tmp_path):
  """Round 19 (N01): dog_extra.mp4 dropped next to dog/ was in no class and not in the set."""
  from eflow_jax.tools import video_inputs
  root = _files(tmp_path / "in", ["cat/v0.mp4", "cat/v1.mp4", "dog/v2.mp4", "dog_extra.mp4", "notes.txt"])
  with pytest.raises(ValueError, match=r"in holds 1 video\(s\) beside its class folders \(dog_extra\.mp4\), which "
                                       r"belong to no class"):
    video_inputs.read_entries(str(root))
  os.remove(root / "dog_extra.mp4")
  entries, names = video_inputs.read_entries(str(root))
  assert names == ["cat", "dog"] and [e["label"] for e in entries] == [0, 0, 1]


def test_macos_metadata_is_left_out_with_one_line_not_taken_for_videos_or_classes(tmp_path, capsys):
  """Round 19 (N02): an unzipped Mac archive's __MACOSX/ was called a class folder of nested videos,
  and two identical AppleDouble files `._v0.mp4`, `._v1.mp4` one clip prepared twice."""
  from eflow_jax.tools import video_inputs
  root = _files(tmp_path / "in", ["cat/v0.mp4", "cat/._v0.mp4", "cat/v1.mp4", "cat/._v1.mp4", "dog/v2.mp4",
                                  "__MACOSX/cat/._v0.mp4", "__MACOSX/dog/._v2.mp4", "._dog"])
  entries, names = video_inputs.read_entries(str(root))
  assert names == ["cat", "dog"]
  assert [os.path.relpath(e["video"], root) for e in entries] == ["cat/v0.mp4", "cat/v1.mp4", "dog/v2.mp4"]
  assert re.search(r"4 macOS metadata file\(s\) / folder\(s\) left out \(._dog, __MACOSX, cat/._v0.mp4 and 1 "
                   r"more\): they are not videos", capsys.readouterr().err)


@pytest.mark.parametrize("spellings", [("cat", "Cat"), ("Dog", "DOG"), ("straße", "STRASSE")])
def test_class_names_that_differ_only_in_letter_case_are_refused(tmp_path, spellings):
  """Round 19 (N04): 'cat' and 'Cat' were two classes, half of the cats conditioned on another id."""
  from eflow_jax.tools import video_inputs
  rows = [(f"{tmp_path}/v{i}.mp4", label) for i, label in enumerate([*spellings, "other"])]
  listed = tmp_path / "l.jsonl"
  listed.write_text("".join(json.dumps({"video": v, "label": label}) + "\n" for v, label in rows))
  with pytest.raises(ValueError, match=r"class names .* differ only in letter case"):
    video_inputs.read_entries(str(listed))
  root = _files(tmp_path / "in", [f"{spellings[0]}/a.mp4", f"{spellings[1]}/b.mp4", "other/c.mp4"])
  with pytest.raises(ValueError, match=r"class names .* differ only in letter case"):
    video_inputs.read_entries(str(root))


def test_a_split_column_is_refused_and_other_unread_columns_are_named(tmp_path, capsys):
  """Round 19 (N17): a list's own split column did nothing: its val and test rows were trained on."""
  from eflow_jax.tools import video_inputs
  for i in range(4):
    (tmp_path / f"v{i}.mp4").write_bytes(b"video %d" % i)
  listed = tmp_path / "l.csv"
  listed.write_text("video,label,Split\nv0.mp4,cat,train\nv1.mp4,cat,val\nv2.mp4,dog,train\nv3.mp4,dog,test\n")
  with pytest.raises(ValueError, match=r"column 'Split' splits the rows \('test', 'train', 'val'\), but prepare_data "
                                       r"reads only video, caption, label"):
    video_inputs.read_entries(str(listed))
  listed.write_text("video,label,Usage\nv0.mp4,cat,Training\nv1.mp4,cat,PublicTest\nv2.mp4,dog,PrivateTest\n")
  with pytest.raises(ValueError, match=r"column 'Usage' splits the rows"):       # a split by its values (FER2013)
    video_inputs.read_entries(str(listed))
  listed.write_text("video,label,split,source\nv0.mp4,cat,train,yt\nv2.mp4,dog,train,yt\n")   # one split: named
  entries, names = video_inputs.read_entries(str(listed))
  assert len(entries) == 2 and names == ["cat", "dog"]
  assert "column(s) 'split', 'source' not read" in capsys.readouterr().err
  listed = tmp_path / "l.jsonl"
  listed.write_text(json.dumps({"video": "v0.mp4", "label": "cat"}) + "\n")
  video_inputs.read_entries(str(listed))
  assert "not read" not in capsys.readouterr().err


def _a_run_with_step(root, step):
  """What user_paths takes for a run: a checkpoints folder holding `<step>/_CHECKPOINT_METADATA`."""
  (root / "checkpoints" / str(step)).mkdir(parents=True)
  (root / "checkpoints" / str(step) / "_CHECKPOINT_METADATA").write_text("{}")
  return root


def test_a_training_workdir_inside_another_runs_checkpoints_is_refused_before_training(tmp_path):
  """Round 19 (N15): a run trained in checkpoints/14/run3 was deleted with step 14 by the outer run's
  pruning."""
  from eflow_jax.train import loop
  from tests.tiny_config import get_config
  outer = _a_run_with_step(tmp_path / "outer", 14)
  for inner in (outer / "checkpoints" / "14" / "run3", outer / "checkpoints" / "exp2"):
    with pytest.raises(ValueError, match=r"--workdir=.* is inside the run's checkpoints folder .*outer/checkpoints, "
                                         r"whose step folders checkpoint pruning"):
      loop.train(get_config("steps=5"), str(inner))
    assert not inner.exists()


def test_a_record_set_or_the_sweeps_folders_inside_a_runs_checkpoints_are_refused(tmp_path):
  """Round 19 (N16): a set prepared into checkpoints/16/prep went with step 16's pruning."""
  from benchmarks.sweeps import ablation_sweep
  from eflow_jax.tools import prepare_data
  run = _a_run_with_step(tmp_path / "run", 16)
  step = run / "checkpoints" / "16"
  with pytest.raises(ValueError, match=r"--output=.*/16/prep is inside the run's checkpoints folder"):
    prepare_data.prepare(input_path=str(tmp_path / "videos"), output=str(step / "prep"), frames=4, height=16,
                         width=16, process_index=0, process_count=1, progress=False)
  for flags in ([f"--root={step / 'root'}", f"--results={tmp_path / 'res'}"],
                [f"--root={tmp_path / 'root'}", f"--results={step / 'res'}"]):
    with pytest.raises(SystemExit, match=r"is inside the run's checkpoints folder"):
      ablation_sweep.parse_args(["--rows=table4:sfm_4", *flags])
  assert sorted(os.listdir(step)) == ["_CHECKPOINT_METADATA"]


def test_one_folder_for_the_sweeps_root_and_results_is_refused(tmp_path):
  """Round 19 (N10): each row's report was moved from --root onto itself in --results and removed,
  and the sweep exited 0 without a table."""
  from benchmarks.sweeps import ablation_sweep
  os.symlink(tmp_path / "here", tmp_path / "alias")
  for results in (tmp_path / "here", tmp_path / "alias", tmp_path / "here" / "."):
    with pytest.raises(SystemExit, match=r"--root and --results are one folder .*: each row's report is written"):
      ablation_sweep.parse_args([f"--root={tmp_path / 'here'}", f"--results={results}"])
  args = ablation_sweep.parse_args([f"--root={tmp_path / 'here'}", f"--results={tmp_path / 'here' / 'results'}"])
  assert args.results == str(tmp_path / "here" / "results")


def test_clips_the_user_put_in_a_clips_folder_are_refused_not_removed(tmp_path):
  """Round 19 (N08): best_clips/ holding clips copied from another sample and the user's own, with no
  grid best.gif beside it, was emptied by sampling into `best`; a user's captions.txt there too."""
  import shutil
  import numpy as np
  from PIL import Image
  from eflow_jax import sample_files
  videos = np.zeros((2, 2, 8, 8, 3), np.uint8)
  sample_files.write_sample_files(str(tmp_path / "runA"), videos, ["000_class0", "003_class3"], 2, 8)
  (tmp_path / "best_clips").mkdir()
  shutil.copyfile(tmp_path / "runA_clips" / "003_class3.gif", tmp_path / "best_clips" / "003_class3.gif")
  with pytest.raises(ValueError, match=r"best_clips/003_class3\.gif is there and is not a clip of an earlier sample "
                                       r"into this --output .*: it would be removed"):
    sample_files.write_sample_files(str(tmp_path / "best"), videos, ["000_class0", "001_class1"], 2, 8)
  os.remove(tmp_path / "best_clips" / "003_class3.gif")
  Image.new("RGB", (8, 8)).save(tmp_path / "best_clips" / "000_class0.gif")       # the user's own, no mark
  with pytest.raises(ValueError, match=r"best_clips/000_class0\.gif is there and is not a clip"):
    sample_files.write_sample_files(str(tmp_path / "best"), videos, ["000_class0", "001_class1"], 2, 8)
  os.remove(tmp_path / "best_clips" / "000_class0.gif")
  (tmp_path / "best_clips" / "captions.txt").write_text("my captions, by hand\n")
  with pytest.raises(ValueError, match=r"best_clips/captions\.txt is there and is not the captions"):
    sample_files.write_sample_files(str(tmp_path / "best"), videos, ["000_prompt0", "001_prompt1"], 2, 8,
                                    captions=["a", "b"])
  assert os.listdir(tmp_path / "best_clips") == ["captions.txt"] and not (tmp_path / "best.gif").exists()
  # A sampler killed before its grid leaves its own clips: the rerun replaces them, captions too.
  os.remove(tmp_path / "best_clips" / "captions.txt")
  sample_files.write_sample_files(str(tmp_path / "best"), videos, ["000_prompt0", "001_prompt1"], 2, 8,
                                  captions=["a", "b"])
  os.remove(tmp_path / "best.gif")
  os.remove(tmp_path / "best.mp4")
  sample_files.write_sample_files(str(tmp_path / "best"), videos[:1], ["000_class5"], 1, 8)
  assert sorted(os.listdir(tmp_path / "best_clips")) == ["000_class5.gif", "000_class5.mp4"]


def test_a_model_card_the_user_edited_is_kept_by_a_re_export(tmp_path, capsys):
  """Round 19 (N11): a '## My results' section added to the export's README.md was lost to the
  re-export's fresh card, without a word."""
  from test_pipeline_misuse import write_run
  from eflow_jax.tools import card_mark
  from eflow_jax.tools import export as export_tool
  write_run(str(tmp_path / "run"), steps=(2, 4))
  out = tmp_path / "exp"
  def export(step):
    assert export_tool.main([f"--workdir={tmp_path / 'run'}", f"--output={out}", f"--step={step}"]) == 0
    return sorted(os.listdir(out)), capsys.readouterr().err
  names, err = export(4)
  assert card_mark.is_unedited((out / "README.md").read_text()) and "README" not in err
  assert export(2) == (names, "")                                      # its own card: replaced, no word
  edited = (out / "README.md").read_text() + "\n## My results\nFVD 123 on our held-out set\n"
  (out / "README.md").write_text(edited)
  names, err = export(4)
  assert (out / "README.edited.md").read_text() == edited and "kept as" in err and "README.edited.md" in err
  assert card_mark.is_unedited((out / "README.md").read_text()) and "My results" not in (out / "README.md").read_text()
  (out / "README.md").write_text("# an export from before cards were marked\n")
  export(2)
  assert (out / "README.edited-2.md").read_text() == "# an export from before cards were marked\n"
  assert (out / "README.edited.md").read_text() == edited


def test_a_card_is_unedited_only_with_its_own_mark():
  """The mark is checked against an independent sha256 of the text above it."""
  import hashlib
  from eflow_jax.tools import card_mark
  text = "# model\nbody\n"
  marked = card_mark.with_mark(text)
  assert marked == text + f"\n<!-- written by eflow_jax export, sha256 {hashlib.sha256(text.encode()).hexdigest()} -->\n"
  assert card_mark.is_unedited(marked)
  assert not card_mark.is_unedited(marked.replace("body", "bodY"))
  assert not card_mark.is_unedited(marked + "more\n") and not card_mark.is_unedited(text)


def test_an_export_is_replaced_only_by_the_same_run_whatever_its_path(tmp_path, capsys):
  """Round 19 (N22): a run deleted and trained again at the same path replaced the old run's export
  (the last copy of its weights) without a word, while a copy of the run at another path was
  refused: 'another run' was told by the path."""
  import shutil
  from test_pipeline_misuse import write_run
  from eflow_jax.tools import export as export_tool
  def export(run, out):
    code = export_tool.main([f"--workdir={tmp_path / run}", f"--output={tmp_path / out}"])
    return code, capsys.readouterr().err
  write_run(str(tmp_path / "run"), steps=(2,), run_id="a" * 32)
  assert export("run", "exp")[0] == 0
  weights = (tmp_path / "exp" / "model.safetensors").read_bytes()
  assert json.loads((tmp_path / "exp" / "config.json").read_text())["run_id"] == "a" * 32
  shutil.rmtree(tmp_path / "run")
  write_run(str(tmp_path / "run"), steps=(2,), seed=5, run_id="b" * 32)
  code, err = export("run", "exp")
  assert code == 2 and re.search(r"holds the export of another run \(run aaaaaaaa, trained in .*/run: this folder, "
                                 r"which holds another run's checkpoints now .*; this is run bbbbbbbb\)", err)
  assert (tmp_path / "exp" / "model.safetensors").read_bytes() == weights
  assert export("run", "exp_b")[0] == 0
  shutil.copytree(tmp_path / "run", tmp_path / "copy")                # the same run elsewhere
  assert export("copy", "exp_b") == (0, "")


def test_a_run_keeps_its_identity_across_resumes_and_a_new_run_gets_a_new_one(tmp_path):
  """train/fault_tolerance.run_identity: the resumed checkpoint's identity, else a new one."""
  from eflow_jax.train import fault_tolerance, loop
  from tests.tiny_config import get_config
  class Saved:
    directory = str(tmp_path / "here" / "checkpoints")
    def __init__(self, meta):
      self.meta = meta
    def latest_step(self):
      return None if self.meta is None else 4
    def read_meta(self, step):
      assert step == 4
      return self.meta
  here = os.path.realpath(tmp_path / "here")
  assert fault_tolerance.run_identity(Saved({"run_id": "c" * 32})) == "c" * 32           # before run_dir was kept
  assert fault_tolerance.run_identity(Saved({"run_id": "c" * 32, "run_dir": here})) == "c" * 32
  forked = fault_tolerance.run_identity(Saved({"run_id": "c" * 32, "run_dir": str(tmp_path / "elsewhere")}))
  fresh = {forked, *(fault_tolerance.run_identity(Saved(meta)) for meta in (None, {}, {"run_id": None}, None))}
  assert len(fresh) == 5 and all(re.fullmatch(r"[0-9a-f]{32}", r) for r in fresh) and "c" * 32 not in fresh
  loop.train(get_config("steps=5"), str(tmp_path / "run"))
  from eflow_jax import checkpoint as ckpt_lib
  ckpt = ckpt_lib.Checkpointer(str(tmp_path / "run" / "checkpoints"), read_only=True)
  try:
    ids = {ckpt.read_meta(step)["run_id"] for step in ckpt.all_steps()}
    dirs = {ckpt.read_meta(step)["run_dir"] for step in ckpt.all_steps()}
  finally:
    ckpt.close()
  assert len(ids) == 1 and re.fullmatch(r"[0-9a-f]{32}", ids.pop())
  assert dirs == {os.path.realpath(tmp_path / "run")}


def test_a_parameters_file_the_user_annotated_is_kept_when_a_run_starts_again(tmp_path, capsys):
  """Round 19 (N29): a note appended to parameters.txt was written over at the next start."""
  import numpy as np
  from eflow_jax.train import parameters_file
  params = {"dense": {"kernel": np.zeros((3, 4), np.float32), "bias": np.zeros((4,), np.float32)}}
  parameters_file.write_parameter_overview(str(tmp_path), params)
  path = tmp_path / "parameters.txt"
  written = path.read_text()
  assert written.startswith("+-") and "dense/kernel" in written and "(3, 4)" in written
  parameters_file.write_parameter_overview(str(tmp_path), params)
  assert sorted(os.listdir(tmp_path)) == ["parameters.txt"] and capsys.readouterr().err == ""
  path.write_text(written + "# NOTE: this run used the patched attention\n")
  parameters_file.write_parameter_overview(str(tmp_path), params)
  assert (tmp_path / "parameters.txt.edited").read_text().endswith("# NOTE: this run used the patched attention\n")
  assert path.read_text() == written and "kept as" in capsys.readouterr().err


def test_a_listed_video_under_the_home_folder_is_read_from_there(tmp_path, monkeypatch):
  """Round 19 (N33): '~/vids/v0.mp4' in a list was joined to the list's folder ('<list folder>/~/vids')
  and skipped as a bad video, and with it a whole class."""
  from eflow_jax.tools import video_inputs
  monkeypatch.setenv("HOME", str(tmp_path / "home"))
  listed = tmp_path / "lists" / "l.jsonl"
  listed.parent.mkdir()
  listed.write_text(json.dumps({"video": "~/vids/v0.mp4", "label": "cat"}) + "\n" +
                    json.dumps({"video": "v1.mp4", "label": "dog"}) + "\n")
  entries, _ = video_inputs.read_entries(str(listed))
  assert [e["video"] for e in entries] == [str(tmp_path / "home" / "vids" / "v0.mp4"), str(tmp_path / "lists" / "v1.mp4")]


def test_a_condition_batch_made_by_hand_is_checked_as_conditions_builds_one(tmp_path):
  """Round 19 (N36): Pipeline.latents took y=[-1] as the unconditional class (a negative index
  wraps), y=[99] gave non-finite latents that decode() turned into black frames, and a list, a
  float or a 2-D y failed deep in JAX."""
  import numpy as np
  from test_pipeline_misuse import write_run
  from eflow_jax.pipeline import Pipeline
  write_run(str(tmp_path / "run"), steps=(2,))
  pipe = Pipeline.from_workdir(str(tmp_path / "run"))
  n = pipe.model.num_classes
  assert n > 0
  for cond, message in (({"y": np.array([-1], np.int32)}, rf"class ids \[-1\] outside \[0, {n}\]"),
                        ({"y": np.array([n + 1], np.int32)}, rf"class ids \[{n + 1}\] outside"),
                        ({"y": np.array([3.0])}, r"cond\['y'\] has shape \(1,\) and dtype float64"),
                        ({"y": np.array([[3]])}, r"cond\['y'\] has shape \(1, 1\)"),
                        ({"label": np.array([3])}, r"\['label'\]; this model takes a dict with \['y'\]"),
                        ([3], r"list; this model takes a dict")):
    with pytest.raises(ValueError, match=message):
      pipe.latents(cond, steps=1)
  by_hand = pipe.latents({"y": [3]}, steps=1, seed=4)                        # a plain list of ids is fine
  np.testing.assert_array_equal(by_hand, pipe.latents(pipe.conditions(class_ids=[3]), steps=1, seed=4))
  broken = np.asarray(by_hand).copy()
  broken[0, 0, 0, 0, 0] = np.nan
  with pytest.raises(FloatingPointError, match=r"Pipeline\.decode\(latents\): 1 of .* sample values are not finite"):
    pipe.decode(broken)


def test_a_text_condition_batch_made_by_hand_needs_the_models_shapes():
  import numpy as np
  from eflow_jax import call_inputs
  text, mask = np.zeros((2, 8, 32), np.float32), np.ones((2, 8), np.int32)
  good = call_inputs.condition_batch({"text": text, "text_mask": mask}, 0, 8, 32)
  assert good["text"].shape == (2, 8, 32) and good["text_mask"].dtype == np.int32
  for cond in ({"text": text[:, :4], "text_mask": mask[:, :4]}, {"text": text[..., :16], "text_mask": mask},
               {"text": text, "text_mask": mask[:1]}, {"text": text.astype(np.int32), "text_mask": mask}):
    with pytest.raises(ValueError, match=r"this model takes float text \(B, 8, 32\) and text_mask \(B, 8\)"):
      call_inputs.condition_batch(cond, 0, 8, 32)
  with pytest.raises(ValueError, match=r"\['y'\]; this model takes a dict with \['text', 'text_mask'\]"):
    call_inputs.condition_batch({"y": np.array([1])}, 0, 8, 32)


def test_an_eval_set_that_is_the_training_set_is_named_and_reports_of_other_sets_are_kept(tmp_path, capsys):
  """Round 19 (N37, N40): data.eval_path naming the training set, or a copy of it, passed as held
  out without a word (the default warned, nine times); and an eval on another set replaced the
  report of the first, since the report did not say which clips it scored against."""
  import shutil
  import ml_collections
  from test_prepare_data_misuse import make_video, prepare
  from eflow_jax import cli_checks
  from eflow_jax.data import eval_set
  for i, name in enumerate(["cat/a.mp4", "cat/b.mp4", "dog/c.mp4", "dog/d.mp4"]):
    make_video(tmp_path / "videos" / name, i)
  prepare(tmp_path / "videos", tmp_path / "set")
  shutil.copytree(tmp_path / "set", tmp_path / "copy")
  for i, name in enumerate(["cat/e.mp4", "dog/f.mp4", "dog/g.mp4"]):     # other videos: a held-out set
    make_video(tmp_path / "held" / name, 10 + i)
  prepare(tmp_path / "held", tmp_path / "other")
  capsys.readouterr()
  data = lambda **kw: ml_collections.ConfigDict({"source": "array_record", "path": str(tmp_path / "set"),
                                                 "eval_path": None, "holdout_examples": 0, **kw})
  for given in (tmp_path / "set", tmp_path / "copy"):
    assert eval_set.same_as_training(data(eval_path=str(given)))
    assert eval_set.describe(data(eval_path=str(given)))["held_out"] is False
    eval_set.warn_if_training_records(data(eval_path=str(given)))
    eval_set.warn_if_training_records(data(eval_path=str(given)))
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"data.eval_path={given} holds the same records as data.path" in err
  held_out = eval_set.describe(data(eval_path=str(tmp_path / "other")))
  assert held_out["held_out"] is True and held_out["fingerprint"] != eval_set.describe(data())["fingerprint"]
  assert eval_set.describe(data(holdout_examples=2)) == {
      "clips": "the last 2 records of data.path", "fingerprint": eval_set.describe(data())["fingerprint"],
      "records": 2, "held_out": True}
  assert eval_set.describe(data())["records"] == 4 and held_out["records"] == 3
  # Round 20 (P24): a holdout asked for only at eval time scores clips the weights trained on.
  for trained, expected in (({"holdout_examples": 0, "eval_path": None}, False), ({"holdout_examples": 2}, True),
                            ({"holdout_examples": 3}, True), ({"holdout_examples": 2, "eval_path": "x"}, False)):
    assert eval_set.describe(data(holdout_examples=2), trained)["held_out"] is expected
  eval_set.warn_if_training_records(data(eval_path=str(tmp_path / "other")))
  eval_set.warn_if_training_records(data(holdout_examples=2))
  assert capsys.readouterr().err == ""
  report = tmp_path / "eval_step000012.json"
  report.write_text(json.dumps({"step": 12, "weights": "ema", "protocol": {"sample_seed": 1000, "eval_set": eval_set.describe(data())}}))
  cli_checks.check_eval_report_settings(str(report), {"sample_seed": 1000, "eval_set": eval_set.describe(data())})
  with pytest.raises(ValueError, match=r"eval_step000012\.json holds an eval with eval_set=.*the training records.*, "
                                       r"this one has eval_set=.*data\.eval_path.*; give --output=PATH to keep both"):
    cli_checks.check_eval_report_settings(str(report), {"sample_seed": 1000, "eval_set": held_out})


def test_a_csv_row_split_by_an_unquoted_comma_is_refused(tmp_path):
  """Round 19 (N47): 'clip, take 2.mp4' unquoted: the video was read as 'clip', ' take 2.mp4' became
  a class of its own and the label was dropped."""
  from eflow_jax.tools import video_inputs
  listed = tmp_path / "l.csv"
  listed.write_text("video,label\nv0.mp4,cat\nclip, take 2.mp4,cat\nv2.mp4,dog\n")
  with pytest.raises(ValueError, match=r"l\.csv: row 2 has 1 cell\(s\) more than the header \('cat'\): a comma "
                                       r"inside a path or caption splits it; quote that field"):
    video_inputs.read_entries(str(listed))
  listed.write_text('video,label\nv0.mp4,cat\n"clip, take 2.mp4",cat\nv2.mp4,dog\n')
  entries, names = video_inputs.read_entries(str(listed))
  assert entries[1]["video"].endswith("clip, take 2.mp4") and names == ["cat", "dog"]


def test_videos_of_other_container_names_are_read_and_other_files_are_named(tmp_path, capsys):
  """Round 19 (N43): .3gp, .ts, .flv and .MTS videos in class folders were left out without a word."""
  from eflow_jax.tools import video_inputs
  root = _files(tmp_path / "in", ["cat/v0.mp4", "cat/v1.3gp", "cat/v2.ts", "cat/v3.flv", "dog/v4.MTS",
                                  "dog/notes.txt", "dog/.hidden"])
  entries, _ = video_inputs.read_entries(str(root))
  assert sorted(os.path.basename(e["video"]) for e in entries) == ["v0.mp4", "v1.3gp", "v2.ts", "v3.flv", "v4.MTS"]
  assert "1 file(s) in the class folders left out, not named as videos (dog/notes.txt)" in capsys.readouterr().err


def test_a_set_numbering_other_class_names_is_refused_for_a_stage_or_the_eval(tmp_path):
  """Round 19 (N48, N49): an eval set or a stage's set labelled ['bird', 'cat'] beside data.path's
  ['cat', 'dog'] conditioned every clip as another class, without a word."""
  from test_prepare_data_misuse import make_video, prepare
  from eflow_jax.train import validate
  from tests.tiny_config import get_config
  for folder, names in (("main", ["cat", "dog"]), ("birds", ["bird", "cat"]), ("copy", ["cat", "dog"])):
    for i, name in enumerate(names):
      make_video(tmp_path / folder / name / "v.mp4", i)
    prepare(tmp_path / folder, tmp_path / f"set_{folder}")
  def config(**data):
    c = get_config("steps=5")
    c.data.update(source="array_record", path=str(tmp_path / "set_main"), channels=3, **data)
    c.model.update(latent_channels=3, num_classes=2)
    return c
  validate.check_run_config(config())
  validate.check_run_config(config(eval_path=str(tmp_path / "set_copy")))          # the same names: held out
  with pytest.raises(ValueError, match=r"data\.eval_path=.*set_birds' numbers its classes \['bird', 'cat'\], data\.path "
                                       r"\['cat', 'dog'\]: its clips would condition the model as other classes"):
    validate.check_run_config(config(eval_path=str(tmp_path / "set_birds")))
  c = config()
  c.curriculum.stage2.data_path = str(tmp_path / "set_birds")
  with pytest.raises(ValueError, match=r"curriculum\.stage2\.data_path=.*numbers its classes \['bird', 'cat'\]"):
    validate.check_run_config(c)


def test_an_eval_batch_larger_than_the_held_out_set_says_it_repeats_clips(tmp_path, capsys):
  """Round 19 (N42): 8 real clips from a 2-record eval set, reported as 8 real clips, no word."""
  from test_prepare_data_misuse import make_video, prepare
  from eflow_jax.data import pipeline
  from tests.tiny_config import get_config
  for i, name in enumerate(["cat/a.mp4", "dog/b.mp4"]):
    make_video(tmp_path / "videos" / name, i)
  prepare(tmp_path / "videos", tmp_path / "set")
  capsys.readouterr()
  data = get_config().data
  data.update(source="array_record", path=str(tmp_path / "set"), channels=3, holdout_examples=0, eval_path=None)
  for batch_size in (2, 8, 8):
    assert pipeline.make_eval_batch(data, model_kind="class", seed=0, batch_size=batch_size)["x"].shape[0] == batch_size
  err = capsys.readouterr().err
  assert err.count("fewer than the") == 1 and re.search(r"set has 2 record\(s\), fewer than the 8 clips of an "
                                                        r"eval batch \(eval\.num_samples=8\): each is used about 4\.0 times", err)


def test_a_stage_end_of_an_earlier_plan_is_kept_when_the_run_is_continued(tmp_path):
  """Round 19 (N45): a 12-step run continued to 20 pruned checkpoint 10, where its first stage ended
  (the new plan's boundary is 16): 'every stage boundary, forever' held only for the current plan."""
  import jax.numpy as jnp
  from eflow_jax import checkpoint as ckpt_lib
  from eflow_jax.train import curriculum, run_setup
  from tests.tiny_config import get_config
  short = get_config("steps=5")
  model, stages, shape, optimizer, _ = run_setup.build(short)
  assert curriculum.boundaries(stages) == [4, 5]
  state = run_setup.fresh_state(short, model, optimizer, shape)[0]
  mesh = run_setup.make_run_mesh(short)
  def save(config, steps, max_to_keep):
    config.checkpoint.max_to_keep = max_to_keep
    plan = curriculum.build_stages(config.curriculum, config.total_steps)
    ckpt = run_setup.checkpointer(config, str(tmp_path / "run"), plan, mesh)
    for step in steps:
      ckpt.save(step, state.replace(step=jnp.asarray(step, jnp.int32)), data_state={"next_index": step},
                meta={"step": step, "stage": "x", "config": ckpt_lib.config_json(config)})
      ckpt.wait()
    kept = ckpt.all_steps()
    ckpt.close()
    return kept
  assert save(short, (3, 4, 5), max_to_keep=1) == [4, 5]
  assert run_setup.earlier_stage_ends(str(tmp_path / "run" / "checkpoints")) == {4, 5}
  longer = get_config("steps=10")
  assert curriculum.boundaries(curriculum.build_stages(longer.curriculum, 10)) == [8, 10]
  assert save(longer, (6, 7, 8, 9, 10), max_to_keep=1) == [4, 5, 8, 10]


def test_another_text_encoder_at_the_same_path_is_told_apart(tmp_path):
  """Round 19 (N26, N27): a set's captions were embedded by one tiny UMT5; the folder then held another
  (other weights, the same tokenizer and shapes). Finishing an interrupted preparation mixed the two
  encoders' embeddings in one set, and sampling embedded prompts unlike the captions, both silently."""
  pytest.importorskip("transformers")
  pytest.importorskip("sentencepiece")
  import shutil
  import ml_collections
  from test_prepare_data_misuse import make_video, prepare
  from eflow_jax import text
  from eflow_jax.data import records
  from eflow_jax.text import encoder_identity, tiny
  encoder = str(tmp_path / "umt5")
  tiny.make_tiny_umt5(str(tmp_path / "a"), seed=0)
  tiny.make_tiny_umt5(str(tmp_path / "b"), seed=7)
  shutil.copytree(tmp_path / "a", tmp_path / "a_again")              # a copy: the same encoder elsewhere
  assert encoder_identity.encoder_digest(str(tmp_path / "a")) == encoder_identity.encoder_digest(str(tmp_path / "a_again"))
  assert encoder_identity.encoder_digest(str(tmp_path / "a")) != encoder_identity.encoder_digest(str(tmp_path / "b"))
  before = encoder_identity.encoder_digest(str(tmp_path / "a_again"))
  (tmp_path / "a_again" / "README.md").write_text("# the hub's model card\n")   # not read by the encoder
  assert encoder_identity.encoder_digest(str(tmp_path / "a_again")) == before
  rows = []
  for i in range(3):
    make_video(tmp_path / "videos" / f"v{i}.mp4", i)
    rows.append(json.dumps({"video": f"videos/v{i}.mp4", "caption": f"clip number {i} moving"}) + "\n")
  (tmp_path / "l.jsonl").write_text("".join(rows))
  shutil.copytree(tmp_path / "a", encoder)
  t5 = lambda: text.build("t5", path=encoder, text_length=8)
  prepare(tmp_path / "l.jsonl", tmp_path / "set", shard_size=1, text_encoder=t5())
  manifest = records.read_manifest(str(tmp_path / "set"))
  assert manifest["text_encoder_digest"] == encoder_identity.encoder_digest(str(tmp_path / "a"))
  os.remove(tmp_path / "set" / "manifest.json")                      # an interrupted preparation
  os.remove(tmp_path / "set" / "shard-00001.array_record")
  shutil.rmtree(encoder)
  shutil.copytree(tmp_path / "b", encoder)                          # another encoder at the same path
  with pytest.raises(ValueError, match=r"was prepared from other inputs or options \(text_encoder_digest: "):
    prepare(tmp_path / "l.jsonl", tmp_path / "set", shard_size=1, text_encoder=t5())
  config = ml_collections.ConfigDict({"text_encoder": {"kind": "t5", "path": encoder},
                                      "data": {"text_dim": 32, "text_length": 8}})
  with pytest.raises(ValueError, match=r"text_encoder\.path: the text encoder at .*umt5 \(digest [0-9a-f]{16} of its "
                                       r"config, weights and tokenizer files\) is not the one that embedded the "
                                       r"training captions \(digest [0-9a-f]{16}\)"):
    text.from_config(config, manifest)
  from eflow_jax.train import validate
  from tests.tiny_config import get_config
  run = get_config("steps=5")
  run.data.update(source="array_record", path=str(tmp_path / "done"), channels=3, text_dim=32, text_length=8)
  run.model.update(latent_channels=3, num_classes=0, text_dim=32)
  run.text_encoder = ml_collections.ConfigDict({"kind": "t5", "path": encoder})
  prepare(tmp_path / "l.jsonl", tmp_path / "done", shard_size=1, text_encoder=text.build("t5", path=str(tmp_path / "a"),
                                                                                         text_length=8))
  with pytest.raises(ValueError, match=r"text_encoder\.path: the text encoder at .* is not the one that embedded"):
    validate.check_run_config(run)                                 # before training, not at its end
  shutil.rmtree(encoder)
  shutil.copytree(tmp_path / "a_again", encoder)                    # the same encoder, copied back
  assert text.from_config(config, manifest).digest == manifest["text_encoder_digest"]
  validate.check_run_config(run)


def test_a_holdout_that_takes_whole_classes_of_a_class_folder_set_is_named(tmp_path, capsys):
  """Round 19 (N38): holdout_examples=2 on a class-folder set (cat, cat, dog, dog) trained on cats
  alone, without a word, and scored the dogs alone."""
  from test_prepare_data_misuse import make_video, prepare
  from eflow_jax.data import pipeline
  from tests.tiny_config import get_config
  for i, name in enumerate(["cat/a.mp4", "cat/b.mp4", "dog/c.mp4", "dog/d.mp4"]):
    make_video(tmp_path / "videos" / name, i)
  prepare(tmp_path / "videos", tmp_path / "set")
  (tmp_path / "l.jsonl").write_text("".join(json.dumps({"video": f"videos/{n}", "label": n.split("/")[0]}) + "\n"
                                            for n in ["cat/a.mp4", "cat/b.mp4", "dog/c.mp4", "dog/d.mp4"]))
  prepare(tmp_path / "l.jsonl", tmp_path / "listed")
  (tmp_path / "l.jsonl").write_text("".join(json.dumps({"video": f"videos/{n}", "label": n.split("/")[0]}) + "\n"
                                            for n in ["dog/c.mp4", "cat/a.mp4", "cat/b.mp4", "dog/d.mp4"]))
  prepare(tmp_path / "l.jsonl", tmp_path / "shuffled")
  capsys.readouterr()
  def train_iterator(path, hold):
    data = get_config().data
    data.update(source="array_record", path=str(tmp_path / path), channels=3, holdout_examples=hold, eval_path=None,
                batch_size=1)
    return pipeline.make_train_iterator(data, model_kind="class", seed=0)
  train_iterator("set", 2)
  assert re.search(r"data\.holdout_examples=2 holds out the last 2 records of .*set, which holds its records in "
                   r"class order: class\(es\) 'dog' are left out of training", capsys.readouterr().err)
  train_iterator("set", 1)                            # the tail's class is also trained on
  train_iterator("shuffled", 2)                       # a list in its own order: dog, cat, cat, dog
  assert "left out of training" not in capsys.readouterr().err
  train_iterator("listed", 2)                         # a list sorted by class: as a class folder
  assert re.search(r"records of .*listed, which holds its records in class order: class\(es\) 'dog' are left out of "
                   r"training", capsys.readouterr().err)


def test_a_note_above_the_parameter_table_is_the_runs_file_annotated(tmp_path, capsys):
  """Round 20 (P07): a note put above the table was refused as 'not written by a run of eflow_jax',
  with the advice to choose another --workdir, for the run being continued there."""
  import numpy as np
  from eflow_jax.train import parameters_file
  params = {"dense": {"kernel": np.zeros((3, 4), np.float32)}}
  parameters_file.write_parameter_overview(str(tmp_path), params)
  table = (tmp_path / "parameters.txt").read_text()
  (tmp_path / "parameters.txt").write_text("# NOTE: run for paper fig 3\n" + table)
  workdir_lib.check_run_files_are_its_own(str(tmp_path))
  parameters_file.write_parameter_overview(str(tmp_path), params)
  assert (tmp_path / "parameters.txt.edited").read_text().startswith("# NOTE") and "kept as" in capsys.readouterr().err
  (tmp_path / "parameters.txt").write_text("my own notes, no table\n")              # still refused
  with pytest.raises(ValueError, match=r"parameters\.txt was not written by a run of eflow_jax"):
    workdir_lib.check_run_files_are_its_own(str(tmp_path))


def test_the_model_card_says_what_a_report_was_scored_against():
  """Round 20 (P11): the card listed scores against the training clips as the model's measurements,
  though the report's protocol said the clips were not held out."""
  from eflow_jax.tools import model_card as card_lib
  protocol = {"sampler": "alg2", "sampler_steps": 4, "guidance": 4.0, "num_samples": 4}
  train = {"clips": "the training records of data.path", "fingerprint": "x", "records": 4, "held_out": False}
  held = {"clips": "data.eval_path", "fingerprint": "y", "records": 2, "held_out": True}
  assert card_lib.sampled_how({"protocol": {**protocol, "eval_set": train}}) == (
      "sampler alg2, 4 steps, guidance 4.0, 4 samples, against the training records of data.path (NOT held out, 4 "
      "records)")
  assert card_lib.sampled_how({"protocol": {**protocol, "eval_set": held}}).endswith(
      ", against data.eval_path (held out, 2 records)")
  assert card_lib.sampled_how({"protocol": protocol}) == "sampler alg2, 4 steps, guidance 4.0, 4 samples"


def test_a_key_or_a_column_given_twice_is_refused(tmp_path):
  """Round 20 (P35, P38): {"label": "cat", "label": "dog"} and a header 'video,label,label' kept the
  last value without a word."""
  from eflow_jax.tools import video_inputs
  listed = tmp_path / "l.jsonl"
  listed.write_text('{"video": "v0.mp4", "label": "cat"}\n{"video": "v1.mp4", "label": "cat", "label": "dog"}\n')
  with pytest.raises(ValueError, match=r"l\.jsonl:2: key\(s\) 'label' given twice in one row; keep one\."):
    video_inputs.read_entries(str(listed))
  listed = tmp_path / "l.csv"
  listed.write_text("video,label,label\nv0.mp4,cat,dog\nv1.mp4,dog,dog\n")
  with pytest.raises(ValueError, match=r"l\.csv: the header names column\(s\) 'label' twice; keep one\."):
    video_inputs.read_entries(str(listed))


def test_a_start_refused_as_another_model_leaves_parameters_txt_as_it_was(tmp_path):
  """Round 20 (P33): a start with another model (refused: the checkpoint does not fit) first wrote
  that model's table into parameters.txt and kept the run's own as parameters.txt.edited."""
  import jax
  from test_pipeline_misuse import tiny_config, write_run
  from eflow_jax.train import loop, parameters_file, run_setup
  config = write_run(str(tmp_path / "run"), steps=(2,))
  model, _, shape, optimizer, _ = run_setup.build(config)
  state = run_setup.fresh_state(config, model, optimizer, shape)[0]
  parameters_file.write_parameter_overview(str(tmp_path / "run"), jax.eval_shape(lambda p: p, state.params))
  own = (tmp_path / "run" / "parameters.txt").read_text()
  other = tiny_config()
  other.model.hidden = 64
  with pytest.raises(ValueError, match=r"is from another model \(model\.hidden"):
    loop.train(other, str(tmp_path / "run"))
  assert (tmp_path / "run" / "parameters.txt").read_text() == own
  assert not (tmp_path / "run" / "parameters.txt.edited").exists()


def test_the_encoder_digest_sees_an_edit_inside_the_weights_and_ignores_other_files(tmp_path):
  """Round 20 (P20, P08): scaling bytes in the middle of the weights left the digest as it was; a
  README.md dropped beside the encoder changed it."""
  import hashlib
  import numpy as np
  from eflow_jax.text import encoder_identity
  (tmp_path / "config.json").write_text('{"d_model": 32}')
  weights = np.random.default_rng(0).integers(0, 256, 8 << 20, dtype=np.uint8)
  (tmp_path / "model.safetensors").write_bytes(weights.tobytes())
  before = encoder_identity.encoder_digest(str(tmp_path))
  # An independent re-derivation of what it reads: names and sizes, both ends, 63 blocks between.
  expected = hashlib.sha256()
  for name, data in (("config.json", b'{"d_model": 32}'), ("model.safetensors", weights.tobytes())):
    expected.update(f"{name}\0{len(data)}\0".encode())
    expected.update(data[:1 << 20] + data[len(data) - (1 << 20):])
    for k in range(1, 64):
      expected.update(data[k * len(data) // 64:k * len(data) // 64 + (1 << 16)])
  assert before == expected.hexdigest()[:16]
  middle = weights.copy()
  middle[(8 << 20) // 2 + 5] ^= 1                                  # inside the 32nd block
  (tmp_path / "model.safetensors").write_bytes(middle.tobytes())
  assert encoder_identity.encoder_digest(str(tmp_path)) != before
  (tmp_path / "model.safetensors").write_bytes(weights.tobytes())
  (tmp_path / "README.md").write_text("a model card")
  (tmp_path / "LICENSE").write_text("Apache-2.0")
  assert encoder_identity.encoder_digest(str(tmp_path)) == before


def test_sampling_the_null_class_says_the_clips_are_unconditional(tmp_path, capsys):
  """Round 20 (P28): --class_id=2 on a 2-class run wrote unconditional clips named class2, no word."""
  from test_pipeline_misuse import write_run
  from eflow_jax.train import evaluate
  config = write_run(str(tmp_path / "run"), steps=(2,))
  n = config.model.num_classes
  evaluate.sample_videos(config, str(tmp_path / "run"), class_id=n, num=1, steps=1)
  assert f"note: --class_id={n} is the null class of this {n}-class model" in capsys.readouterr().err
  evaluate.sample_videos(config, str(tmp_path / "run"), class_id=n - 1, num=1, steps=1)
  assert "null class" not in capsys.readouterr().err
