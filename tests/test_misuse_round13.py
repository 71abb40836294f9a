"""A thirteenth round of misuse (docs/misuse/round13.json lists every case tried): results re-derived
from the files written. Fixed here: the model card's example asked a 2-class model for class ids
[0, 1, 2] (the third clip the unconditional one, without a word) and a one_step model for 4 steps
(refused); its scores did not say which sampler, steps and guidance produced them, so an eval run
with another sampler read as the recipe's. Then the rest: a resumed run's metrics.jsonl kept the
first attempt's records of the steps trained again beside the new ones; an eval of an export did not
name the weights it scored; prompted clips did not say which caption each drew. (The sweep's reports
of unknown settings under an --override: tests/test_sweep_settings.py.)"""
import json
import os
import struct
import types

import numpy as np
import pytest

from test_pipeline_misuse import STEPS, export_dir, run_dir, tiny_config, write_run  # noqa: F401 (fixtures)

from eflow_jax import cli_checks
from eflow_jax import sample_files
from eflow_jax import weights_digest
from eflow_jax import workdir as workdir_lib
from eflow_jax.tools import export as export_tool
from eflow_jax.tools import model_card as card_lib
from eflow_jax.tools import video_inputs
from eflow_jax.train import evaluate
from eflow_jax.train import progress


def card_of(tmp_path, **model):
  config = tiny_config()
  config.unlock()
  for key, value in model.items():
    section, field = key.split("__")
    config[section][field] = value
  pipe = types.SimpleNamespace(config=config, params={}, step=4, example_shape=(4, 16, 16, 1), manifest=None)
  return card_lib.model_card(pipe, str(tmp_path))


def example_line(card: str) -> str:
  return next(line for line in card.splitlines() if line.startswith("videos = pipe("))


def test_the_card_example_asks_a_two_class_model_only_for_its_own_classes(tmp_path):
  line = example_line(card_of(tmp_path, model__num_classes=2))
  assert line.startswith("videos = pipe(class_ids=[0, 1], steps=4)"), line
  assert "class ids 0-1, 2 = unconditional" in line


def test_the_card_example_of_a_one_step_model_asks_for_one_step(tmp_path):
  line = example_line(card_of(tmp_path, flow__sampler="one_step"))
  assert "steps=1)" in line, line


def test_the_card_names_how_each_reports_clips_were_sampled(tmp_path):
  """An eval with the chain sampler, 1 step, guidance 2.5 beside a recipe of alg2, 4 steps, w_inf 4."""
  report = {"step": 4, "weights": "ema", "classifier_fd": 0.3759,
            "protocol": {"sampler": "chain", "sampler_steps": 1, "nfe": 1, "guidance": 2.5, "num_samples": 20}}
  (tmp_path / "eval_step000004.json").write_text(json.dumps(report))
  (tmp_path / "score_step000004.json").write_text(json.dumps({"step": 4, "sharpness": 6.3}))
  card = card_of(tmp_path)
  assert "- `eval_step000004.json` (sampler chain, 1 step, guidance 2.5, 20 samples): step 4, classifier_fd 0.3759" in card
  assert "- `score_step000004.json` (sampler, steps and guidance not recorded): step 4, sharpness 6.3" in card


# ------------------------------------------------------------------------------------------------
# A resumed run's metrics: the steps trained again are not logged twice.
# ------------------------------------------------------------------------------------------------
def test_records_past_the_resumed_step_move_to_the_superseded_file(tmp_path, capsys):
  """After --resume_from_step=10 (or a SIGKILL at step 270 and a rerun from checkpoint 200),
  metrics.jsonl kept the first attempt's records of the steps trained again, beside the new ones."""
  rows = [{"step": s, "loss": 1.0 / s} for s in (1, 2, 3, 4)] + [{"step": 4, "eval/fd": 7.0}, {"step": 5, "loss": 0.2}]
  text = "".join(json.dumps(r) + "\n" for r in rows) + '{"step": 6, "lo'        # killed mid-line
  (tmp_path / "metrics.jsonl").write_text(text)
  assert progress.set_aside_metrics_after(str(tmp_path), 3) == 4
  kept = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
  assert kept == rows[:3]
  moved = (tmp_path / "metrics.superseded.jsonl").read_text().splitlines()
  assert [json.loads(line) for line in moved[:3]] == [{**r, "resumed_at": 3} for r in rows[3:]]
  assert moved[3] == '{"step": 6, "lo'
  assert "4 record(s) of steps after 3" in capsys.readouterr().out
  assert progress.set_aside_metrics_after(str(tmp_path), 3) == 0            # nothing more to move
  assert progress.set_aside_metrics_after(str(tmp_path / "absent"), 3) == 0


def test_a_linked_metrics_file_stays_linked_and_its_target_is_rewritten(tmp_path):
  """A metrics.jsonl linked to a shared log folder was replaced by a plain file on resume: the log
  kept the superseded records as current ones and got nothing after."""
  (tmp_path / "logs").mkdir()
  (tmp_path / "run").mkdir()
  target = tmp_path / "logs" / "run.jsonl"
  target.write_text("".join(json.dumps({"step": s, "loss": 1.0}) + "\n" for s in (1, 2, 3)))
  os.symlink(target, tmp_path / "run" / "metrics.jsonl")
  assert progress.set_aside_metrics_after(str(tmp_path / "run"), 1) == 2
  assert os.path.islink(tmp_path / "run" / "metrics.jsonl")
  assert [json.loads(line)["step"] for line in target.read_text().splitlines()] == [1]


def test_a_disk_failing_while_records_are_set_aside_warns_and_loses_none(tmp_path, monkeypatch, capsys):
  """Metrics never stop a run: a full disk here leaves metrics.jsonl as it was, with one warning."""
  text = "".join(json.dumps({"step": s, "loss": 1.0}) + "\n" for s in (1, 2, 3))
  (tmp_path / "metrics.jsonl").write_text(text)

  def full_disk(*args, **kwargs):
    raise OSError(28, "No space left on device")
  monkeypatch.setattr(progress, "write_atomically", full_disk)
  assert progress.set_aside_metrics_after(str(tmp_path), 1) == 0
  assert (tmp_path / "metrics.jsonl").read_text() == text
  assert "could not be moved out of" in capsys.readouterr().err


def read_events(logdir):
  """Every Event in a TensorBoard logdir, read from the TFRecord framing (length, crc, data, crc)."""
  from tensorboardX.proto import event_pb2
  events = []
  for name in sorted(os.listdir(logdir)):
    data, offset = open(os.path.join(logdir, name), "rb").read(), 0
    while offset < len(data):
      (length,) = struct.unpack("<Q", data[offset:offset + 8])
      events.append(event_pb2.Event.FromString(data[offset + 12:offset + 12 + length]))
      offset += 12 + length + 4
  return events


def test_tensorboard_is_told_to_drop_the_steps_past_the_resumed_one(tmp_path):
  """TensorBoard discards earlier events of steps >= N when a session starts at step N: the
  resumed writer starts one at the first step trained again, once (not again on a reopen)."""
  from tensorboardX.proto import event_pb2
  writer = progress.MetricWriter(str(tmp_path), start_step=10)
  writer.write(11, {"loss": 0.5})
  writer.close()
  events = [e for e in read_events(tmp_path / "tensorboard") if not e.HasField("file_version")]
  assert events[0].session_log.status == event_pb2.SessionLog.START and events[0].step == 11
  assert [e.step for e in events[1:]] == [11] and events[1].summary.value[0].simple_value == 0.5
  assert not any(e.HasField("session_log") for e in events[1:])


# ------------------------------------------------------------------------------------------------
# An eval of an export names the weights it scored, as an eval of the run does.
# ------------------------------------------------------------------------------------------------
def test_an_eval_of_an_export_names_the_weights_it_scored(run_dir, export_dir):
  """The export's report had no weights_sha256 (the guide says eval reports name their weights, and
  the model card keeps only the reports of the weights it ships): taken from the exported tensors,
  it is the digest the checkpoint's save-time checksums give."""
  config, workdir = run_dir
  _, _, state, meta, mesh = evaluate.restore_for_inference(config, export_dir)
  assert meta == {}                                        # an export has no checkpoint meta
  digest = evaluate.weights_field(meta, state, mesh)[weights_digest.KEY]
  assert digest == export_tool.checkpoint_weights_digest(workdir, STEPS[-1])
  assert digest != export_tool.checkpoint_weights_digest(workdir, STEPS[0])     # other weights, other digest


# ------------------------------------------------------------------------------------------------
# Prompted clips say which caption each one drew.
# ------------------------------------------------------------------------------------------------
def test_prompted_clips_are_written_with_their_captions(tmp_path):
  """A prompts file's blank lines are not counted in the clip names (002_prompt2 was the file's
  line 5), and nothing beside the clips said which caption each drew."""
  videos = np.zeros((3, 2, 8, 8, 3), np.float32)
  captions = cli_checks_prompts(tmp_path, "\ufeffdigit 1 moving up\r\n\r\n   \r\n digit 2\tmoving  down \r\ndigit 1 moving up\n")
  names = ["000_prompt0", "001_prompt1", "002_prompt2"]
  stem = str(tmp_path / "s")
  paths = sample_files.write_sample_files(stem, videos, names, None, 4, captions=captions)
  assert stem + "_clips/captions.txt" in paths
  assert (tmp_path / "s_clips" / "captions.txt").read_text().splitlines() == [
      "000_prompt0\tdigit 1 moving up", "001_prompt1\tdigit 2 moving down", "002_prompt2\tdigit 1 moving up"]
  sample_files.write_sample_files(stem, videos[:1], ["000_class0"], None, 4)      # a class request there next
  assert sorted(os.listdir(tmp_path / "s_clips")) == ["000_class0.gif", "000_class0.mp4"]


def cli_checks_prompts(tmp_path, text: str) -> list[str]:
  path = tmp_path / "prompts.txt"
  path.write_bytes(text.encode("utf-8"))
  return cli_checks.read_prompts(str(path))


@pytest.mark.parametrize("caption", ["", "   ", "\t\n"])
@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_blank_caption_is_refused_naming_its_line(tmp_path, caption, suffix):
  """A caption of only spaces was prepared (with a T5 encoder) as a clip of no text: it trained as
  the unconditional case without a word."""
  path = tmp_path / f"list{suffix}"
  if suffix == ".jsonl":
    path.write_text(json.dumps({"video": "a.mp4", "caption": "digit 1"}) + "\n" +
                    json.dumps({"video": "b.mp4", "caption": caption}) + "\n")
  else:
    path.write_text('video,caption\na.mp4,digit 1\nb.mp4,"' + caption + '"\n')
  with pytest.raises(ValueError, match=r"list\.\w+:( row )?2: 'caption' is empty; give every clip its caption"):
    video_inputs.read_entries(str(path))
  path.write_text(path.read_text().replace(f'"{caption}"' if suffix == ".csv" else json.dumps(caption), '"digit 2"'))
  assert [e["caption"] for e in video_inputs.read_entries(str(path))[0]] == ["digit 1", "digit 2"]


# ------------------------------------------------------------------------------------------------
# A step trained again keeps the report of the weights it replaced (round 14, E03).
# ------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_an_eval_of_a_step_trained_again_keeps_the_earlier_report(tmp_path, capsys):
  """--resume_from_step=10 then training on rewrote step 12 (the old weights kept as 12.superseded);
  --mode=eval of the new step 12 wrote over the old weights' report, the only copy of their scores."""
  import shutil
  run = str(tmp_path / "run")
  config = write_run(run)
  config.eval.update(num_samples=2, classifier_steps=3, frame_judge_steps=3)
  first = evaluate.evaluate(config, run, num_batches=1)
  shutil.rmtree(f"{run}/checkpoints/4")                        # step 4 trained again: other weights
  write_run(run + "_again", steps=(4,), seed=7)
  shutil.copytree(f"{run}_again/checkpoints/4", f"{run}/checkpoints/4")
  config.eval.num_samples = 3                                  # other settings too: not compared
  second = evaluate.evaluate(config, run, num_batches=1)
  assert first[weights_digest.KEY] != second[weights_digest.KEY]
  kept = json.load(open(f"{run}/eval_step000004.superseded.json"))
  assert kept[weights_digest.KEY] == first[weights_digest.KEY] and kept["num_samples"] == 2
  assert json.load(open(f"{run}/eval_step000004.json"))[weights_digest.KEY] == second[weights_digest.KEY]
  assert "scored other weights of step 4" in capsys.readouterr().err
  with pytest.raises(ValueError, match="holds an eval with num_samples=3, this one has num_samples=2"):
    config.eval.num_samples = 2                                # the same weights: settings compared again
    evaluate.evaluate(config, run, num_batches=1)


def test_a_report_of_other_weights_is_set_aside_under_a_free_name(tmp_path):
  path = tmp_path / "score_step000012.json"
  for k, digest in enumerate(("a" * 64, "b" * 64, "c" * 64)):
    path.write_text(json.dumps({"step": 12, weights_digest.KEY: digest}))
    assert weights_digest.set_aside_report_of_other_weights(str(path), "d" * 64) is not None
  assert not path.exists()
  assert [json.load(open(tmp_path / name))[weights_digest.KEY][0] for name in
          ("score_step000012.superseded.json", "score_step000012.superseded-2.json",
           "score_step000012.superseded-3.json")] == ["a", "b", "c"]
  path.write_text(json.dumps({"step": 12, weights_digest.KEY: "d" * 64}))      # the same weights: left
  assert weights_digest.set_aside_report_of_other_weights(str(path), "d" * 64) is None and path.exists()


def test_a_folder_where_superseded_records_go_is_refused_before_training(tmp_path):
  """Found only at the move, after the newer checkpoints were already renamed .superseded."""
  (tmp_path / "metrics.superseded.jsonl").mkdir()
  with pytest.raises(OSError, match=r"metrics.superseded.jsonl is a folder, but the run appends its records"):
    workdir_lib.check_run_folders(str(tmp_path))


def test_the_export_of_a_step_pruned_after_it_was_read_succeeds(tmp_path, monkeypatch):
  """The export read the step's meta a second time, after the weights: a trainer pruning that step
  in between (max_to_keep) failed it with 'Checkpoint at .../N not found' (4 of 4 at every 50 steps)."""
  import shutil
  from eflow_jax.pipeline import Pipeline
  run = str(tmp_path / "run")
  write_run(run)
  digest = export_tool.checkpoint_weights_digest(run, STEPS[-1])
  (tmp_path / "run" / f"eval_step{STEPS[-1]:06d}.json").write_text(
      json.dumps({"step": STEPS[-1], "weights": "ema", weights_digest.KEY: digest, "sharpness": 0.5}))
  read = Pipeline.from_workdir.__func__

  def read_then_prune(cls, workdir, step=None, config=None):
    pipe = read(cls, workdir, step, config)
    shutil.rmtree(os.path.join(workdir, "checkpoints", str(pipe.step)))      # the trainer prunes it now
    return pipe
  monkeypatch.setattr(Pipeline, "from_workdir", classmethod(read_then_prune))
  assert export_tool.main([f"--workdir={run}", f"--output={tmp_path / 'exp'}"]) == 0
  assert f"eval_step{STEPS[-1]:06d}" in (tmp_path / "exp" / "README.md").read_text()   # its report matched


def test_reads_quiet_the_closed_loop_errors_of_a_read_aborted_under_a_pruning_trainer(monkeypatch):
  """Pipeline.from_workdir while a trainer pruned the step it read: the result was right, but
  TensorStore's threads printed 8 'RuntimeError: Event loop is closed' tracebacks (PyErr_Print,
  which calls sys.excepthook) and the pruned step was reported unreadable."""
  import sys
  from eflow_jax import orbax_noise
  seen = []
  monkeypatch.setattr(sys, "excepthook", lambda kind, error, tb: seen.append(str(error)))
  monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: seen.append(str(unraisable.exc_value)))
  orbax_noise.quiet_read_only_notices()                     # what every read-only Checkpointer does
  sys.excepthook(RuntimeError, RuntimeError("Event loop is closed"), None)
  sys.unraisablehook(types.SimpleNamespace(exc_value=RuntimeError("Event loop is closed")))
  sys.excepthook(RuntimeError, RuntimeError("a real error"), None)
  assert seen == ["a real error"]


def test_a_step_whose_deletion_is_under_way_is_not_reported_unreadable(tmp_path, capsys):
  """Its files go first (rmtree): the folder was there but its metadata gone, and the read-only
  reader warned that the step was unreadable; it now waits for the deletion to end."""
  import shutil
  import threading
  from eflow_jax import checkpoint as ckpt_lib
  run = str(tmp_path / "run")
  write_run(run)
  newest = os.path.join(run, "checkpoints", str(STEPS[-1]))
  os.remove(os.path.join(newest, "state", "_METADATA"))             # the deletion has begun
  threading.Timer(0.5, shutil.rmtree, args=(newest,)).start()        # and ends a moment later
  ckpt = ckpt_lib.Checkpointer(os.path.join(run, "checkpoints"), read_only=True)
  _, step, _ = ckpt.restore_ema_params()
  ckpt.close()
  assert step == STEPS[0] and "unreadable" not in capsys.readouterr().err


def test_a_blank_prompt_is_sampled_with_one_warning(capsys):
  """An empty prompt (an empty shell variable) was drawn from empty text without a word, by the CLI
  and the Pipeline alike; it may be meant, so it is drawn, with one line."""
  from eflow_jax import config_lib
  from eflow_jax.pipeline import Pipeline
  config = config_lib.load_config(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                               "configs/t2v_demo.py"))
  pipe = Pipeline(config, params={}, example_shape=(4, 16, 16, 3))
  cond = pipe.conditions(prompts=["digit 1 moving up", "  "])
  assert cond["text"].shape[0] == 2
  assert capsys.readouterr().err == "warning: Pipeline: prompt [1] is blank: drawn from empty or unknown text, not from a caption.\n"
  pipe.conditions(prompts="digit 1 moving up")
  assert not capsys.readouterr().err
