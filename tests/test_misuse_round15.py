"""A fifteenth round of misuse (docs/misuse/round15.json lists every case tried): sequences around
the newest changes (resumes, reports of replaced weights, captions). Fixed here: a caption of only
invisible characters (a zero-width space, a byte-order mark) passed the blank-caption check and
trained as one unknown token; the same video listed twice with captions that differ only in spaces
was prepared twice (bit-identical records); a replaced score report was named 'step None'. Two
unclear ones: an eval's --output named another run's own report (that run's report was set aside
and called retrained), and a card said 'no report' while a set-aside report scored exactly its weights."""
import json

import pytest

from eflow_jax import weights_digest
from eflow_jax.tools import video_inputs


@pytest.mark.parametrize("caption", ["\u200b", "\u3000\u200b\ufeff", " \u2060 ",
                                     # round 16: shown as nothing, though not format characters
                                     "\u0007", "\u3164", "\u2800", "\u034f", "\ufe0f", "\u115f\u1160", "\u001b\u007f",
                                     " \u0301 ", "\U000e0041\U000e007f", "\uffa0", "\u2800 \u3164", "\u200d\u200c"])
def test_a_caption_of_invisible_characters_is_blank(tmp_path, caption):
  path = tmp_path / "list.jsonl"
  path.write_text(json.dumps({"video": "a.mp4", "caption": "a dog runs"}) + "\n" +
                  json.dumps({"video": "b.mp4", "caption": caption}) + "\n", encoding="utf-8")
  with pytest.raises(ValueError, match=r"list\.jsonl:2: 'caption' is empty"):
    video_inputs.read_entries(str(path))


def test_one_video_listed_twice_with_captions_that_read_the_same_is_refused(tmp_path):
  (tmp_path / "a.mp4").write_bytes(b"")
  path = tmp_path / "list.jsonl"
  path.write_text(json.dumps({"video": "a.mp4", "caption": "a dog runs"}) + "\n" +
                  json.dumps({"video": "a.mp4", "caption": "a dog  runs\u200b "}) + "\n")
  with pytest.raises(ValueError, match=r"list\.jsonl:2 lists the same clip as .*list\.jsonl:1"):
    video_inputs.read_entries(str(path))
  path.write_text(json.dumps({"video": "a.mp4", "caption": "a dog runs"}) + "\n" +
                  json.dumps({"video": "a.mp4", "caption": "a dog sleeps"}) + "\n")
  assert len(video_inputs.read_entries(str(path))[0]) == 2             # two captions of one video: fine


def test_a_replaced_score_report_is_named_without_a_step_it_does_not_hold(tmp_path, capsys):
  path = tmp_path / "score_step000012.json"
  path.write_text(json.dumps({weights_digest.KEY: "a" * 64}))
  assert weights_digest.set_aside_report_of_other_weights(str(path), "b" * 64)
  err = capsys.readouterr().err
  assert "scored other weights (weights_sha256 aaaaaaaa..." in err and "None" not in err


def test_an_export_written_again_with_other_weights_sets_aside_the_earlier_exports_evals(tmp_path):
  """Export, eval of the export, retrain of the step, export into the same folder: the folder held the
  new weights beside the eval report of the replaced ones, without a word."""
  import shutil
  from test_pipeline_misuse import STEPS, write_run
  from eflow_jax.tools import export as export_tool
  run, exp = str(tmp_path / "run"), tmp_path / "exp"
  write_run(run)
  assert export_tool.main([f"--workdir={run}", f"--output={exp}"]) == 0
  old = export_tool.checkpoint_weights_digest(run, STEPS[-1])
  (exp / f"eval_step{STEPS[-1]:06d}.json").write_text(json.dumps({"step": STEPS[-1], weights_digest.KEY: old}))
  assert export_tool.main([f"--workdir={run}", f"--output={exp}"]) == 0          # the same weights: kept
  assert (exp / f"eval_step{STEPS[-1]:06d}.json").exists()
  shutil.rmtree(f"{run}/checkpoints/{STEPS[-1]}")                                  # the step trained again
  write_run(run + "_again", steps=(STEPS[-1],), seed=7)
  shutil.copytree(f"{run}_again/checkpoints/{STEPS[-1]}", f"{run}/checkpoints/{STEPS[-1]}")
  assert export_tool.main([f"--workdir={run}", f"--output={exp}"]) == 0
  assert not (exp / f"eval_step{STEPS[-1]:06d}.json").exists()
  kept = json.loads((exp / f"eval_step{STEPS[-1]:06d}.superseded.json").read_text())
  assert kept[weights_digest.KEY] == old


def test_a_report_that_names_no_weights_is_never_written_over_nor_quoted_for_a_step_trained_again(tmp_path, capsys):
  """A report written before reports named their weights survived a retrain of its step: the card
  quoted its scores for the new weights, and the next eval wrote over it."""
  from test_pipeline_misuse import STEPS, write_run
  from eflow_jax.tools import export as export_tool
  run = tmp_path / "run"
  write_run(str(run))
  report = run / f"eval_step{STEPS[-1]:06d}.json"
  report.write_text(json.dumps({"step": STEPS[-1], "weights": "ema", "sharpness": 6.239}))
  assert export_tool.main([f"--workdir={run}", f"--output={tmp_path / 'e1'}"]) == 0
  assert "6.239" in (tmp_path / "e1" / "README.md").read_text()            # nothing says it is stale: quoted
  (run / "checkpoints" / f"{STEPS[-1]}.superseded").mkdir()                # the step was trained again
  assert export_tool.main([f"--workdir={run}", f"--output={tmp_path / 'e2'}"]) == 0
  assert "6.239" not in (tmp_path / "e2" / "README.md").read_text()
  assert "names none while the step was trained again" in capsys.readouterr().err
  kept = weights_digest.set_aside_report_of_other_weights(str(report), "b" * 64)     # a new eval's write
  assert kept.endswith(f"eval_step{STEPS[-1]:06d}.superseded.json") and json.load(open(kept))["sharpness"] == 6.239
  assert "names no weights" in capsys.readouterr().err


@pytest.mark.parametrize("marker", ["checkpoints", "config.json"])
def test_an_eval_output_named_as_another_runs_own_report_is_refused(tmp_path, marker):
  from eflow_jax import cli_checks
  run, other = tmp_path / "run", tmp_path / "other"
  run.mkdir()
  other.mkdir()
  (other / marker).mkdir() if marker == "checkpoints" else (other / marker).write_text("{}")
  theirs = other / "eval_step000012.json"
  theirs.write_text(json.dumps({"step": 12, "weights": "ema", weights_digest.KEY: "a" * 64}))
  with pytest.raises(ValueError, match=r"^--output=.*other/eval_step000012\.json: eval_step000012\.json in .*other, "
                                       r"another run or export, is the name its model card reads as its own report"):
    cli_checks.check_flags("eval", str(run), {"output": str(theirs)}, num_classes=2)
  cli_checks.check_flags("eval", str(run), {"output": str(other / "eval_of_run.json")}, num_classes=2)
  cli_checks.check_flags("eval", str(run), {"output": str(run / "eval_step000012.json")}, num_classes=2)
  (tmp_path / "results").mkdir()                                   # a folder of no run: its own business
  cli_checks.check_flags("eval", str(run), {"output": str(tmp_path / "results" / "eval_step000012.json")},
                         num_classes=2)


def test_the_card_quotes_a_set_aside_report_of_exactly_the_exported_weights(tmp_path, capsys):
  """A step evaluated, trained again (its report set aside), trained back to the same weights: the
  set-aside report scores exactly the exported weights, and the card said the run wrote none."""
  from eflow_jax.tools import model_card as card_lib
  mine, other = "a" * 64, "b" * 64
  (tmp_path / "eval_step000012.superseded.json").write_text(json.dumps({"step": 12, weights_digest.KEY: mine,
                                                                        "sharpness": 6.25}))
  (tmp_path / "eval_step000012.superseded-2.json").write_text(json.dumps({"step": 12, weights_digest.KEY: other}))
  (tmp_path / "eval_step000012.superseded-3.json").write_text(json.dumps({"step": 12}))
  (tmp_path / "score_step000012.superseded.json").write_text("{")          # torn: left out, no warning needed
  found = card_lib.scores_of(str(tmp_path), 12, mine)
  assert found == [("eval_step000012.superseded.json", {"step": 12, weights_digest.KEY: mine, "sharpness": 6.25})]
  assert [n for n, _ in card_lib.scores_of(str(tmp_path), 12, other)] == ["eval_step000012.superseded-2.json"]
  assert card_lib.scores_of(str(tmp_path), 12, None) == []                 # unknown weights: no set-aside one
  assert card_lib.scores_of(str(tmp_path), 10, mine) == []
