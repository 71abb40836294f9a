"""Cases found by rounds 29-33 of docs/misuse/ (each test names its round's case): path flags given as
two words, in a --flagfile, shortened or as the text None; a pathlib.Path through `lnk/..`; eval reports
at --output (other settings, links, a file that cannot be replaced); a model card quoting another
step's report; repeated and empty sweep flags; the grids and steps a resume sets aside; and
prepare_data reruns over shards damaged or sidecars edited since; an export whose weights draw only NaN."""
import json
import os
import pathlib

import pytest

from eflow_jax import pipeline, user_paths

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def home_and_link(tmp_path, monkeypatch):
  """HOME=tmp/home; tmp/lnk -> tmp/real/sub, so that lnk/../x is tmp/real/x to the system."""
  (tmp_path / "home").mkdir()
  (tmp_path / "real" / "sub").mkdir(parents=True)
  os.symlink(tmp_path / "real" / "sub", tmp_path / "lnk")
  monkeypatch.setenv("HOME", str(tmp_path / "home"))
  monkeypatch.chdir(tmp_path)
  return tmp_path


def test_a_path_flag_given_as_two_words_is_expanded_and_resolved(home_and_link):
  """Y01, Y04-Y06: `--output ~/x` (two words, as absl and argparse accept it) reached the program as
  typed: a folder named '~' in the current folder, and `--workdir lnk/../run` read another run."""
  t = home_and_link
  argv = ["--workdir", f"{t}/lnk/../run", "--output", "~/exp", "--config.data.path", "~/set", "--prompt", "~b",
          "--output", "-", "--step", "3", "--workdir"]
  assert user_paths.expand_home_flags(argv, ("workdir", "output")) == [
      f"--workdir={t}/real/run", f"--output={t}/home/exp", f"--config.data.path={t}/home/set", "--prompt", "~b",
      "--output=-", "--step", "3", "--workdir"]


def test_a_path_flag_followed_by_another_flag_is_refused(capsys):
  """Y40: `--workdir --mode=sample` (the path forgotten) trained a 12-step run into ./--mode=sample:
  absl takes the next word as the flag's value whatever it looks like."""
  with pytest.raises(SystemExit) as stop:
    user_paths.expand_home_flags(["--config=c.py", "--workdir", "--mode=sample"], ("workdir",))
  assert stop.value.code == 2
  assert capsys.readouterr().err == ("error: --workdir is followed by --mode=sample, another flag: give --workdir its "
                                     "path (--workdir=PATH).\n")


def test_a_shortened_flag_name_is_refused_not_left_unexpanded(home_and_link, capsys):
  """Y39: `--out '~/x'` (argparse takes a prefix of --output) skipped the `~` expansion, and the export,
  the prepared set or the sweep's folders went into ./~."""
  from eflow_jax.tools import export as export_tool, prepare_data
  from benchmarks.sweeps import ablation_sweep
  for run in (lambda: export_tool.main(["--workdir=~/run", "--out", "~/exp"]),
              lambda: prepare_data.parse_args(["--input=~/l.jsonl", "--out=~/set", "--frames=4", "--height=16",
                                               "--width=16"]),
              lambda: ablation_sweep.parse_args(["--roo", "~/sw", "--results=~/res"])):
    with pytest.raises(SystemExit) as stop:
      run()
    err = capsys.readouterr().err             # the export's --output is required: named as missing
    assert stop.value.code == 2 and ("unrecognized arguments: --" in err or "required: --output" in err), err
  assert not os.path.exists(home_and_link / "~")


def test_prepare_data_and_the_sweep_read_two_word_paths_as_the_shell_would(home_and_link):
  """Y06, Y38: prepare_data and the sweep wrote into ./~ (the sweep's trainer into the repository)."""
  from eflow_jax.tools import prepare_data
  args = prepare_data.parse_args(["--input", "~/l.jsonl", "--output", "lnk/../set", "--frames=4", "--height=16",
                                 "--width=16"])
  assert (args.input, args.output) == (f"{home_and_link}/home/l.jsonl", f"{home_and_link}/real/set")
  from benchmarks.sweeps import ablation_sweep
  with pytest.raises(SystemExit, match=f"--report_only: {home_and_link}/home/res holds no report"):
    ablation_sweep.main(["--report_only", "--tables=table4", "--root", "~/root", "--results", "~/res"])
  assert not os.path.exists(home_and_link / "~")


def test_a_pathlib_path_through_a_link_and_dotdot_is_the_folder_the_system_reaches(home_and_link):
  """Y07: Pipeline.from_workdir(Path('lnk/../run')) loaded tmp/run (a textual '..'), the same path as
  a str tmp/real/run."""
  t = home_and_link
  (t / "run" / "checkpoints").mkdir(parents=True)             # the folder a textual '..' names
  assert user_paths.resolve_dotdot(pathlib.Path(f"{t}/lnk/../run")) == f"{t}/real/run"
  with pytest.raises(FileNotFoundError, match=rf"^no checkpoint under {t}/real/run/checkpoints"):
    pipeline.Pipeline.from_workdir(pathlib.Path(f"{t}/lnk/../run"))


@pytest.fixture
def fake_run(tmp_path):
  from test_pipeline_misuse import write_run
  config = write_run(str(tmp_path / "run"), steps=(4,))
  config.eval.update(num_samples=2, classifier_steps=3, frame_judge_steps=3)
  return str(tmp_path / "run"), config


def test_an_eval_output_of_other_settings_is_refused_not_replaced(fake_run, tmp_path):
  """Y14: --output=r.json over the report of a 2-step eval of the same weights replaced it with a
  4-step one, nothing kept (the default name refused the same)."""
  from eflow_jax.train import evaluate
  run, config = fake_run
  out = tmp_path / "r.json"
  out.write_text(json.dumps({"step": 4, "weights": "ema", "protocol": {"num_samples": 999}}))
  before = out.read_bytes()
  with pytest.raises(ValueError, match=rf"^{out} holds an eval with num_samples=999, this one has num_samples=2; give "
                                       r"another --output to keep both, or delete it\.$"):
    evaluate.evaluate(config, run, output=str(out), num_batches=1)
  assert out.read_bytes() == before


def test_an_eval_output_that_cannot_be_replaced_or_links_nowhere_is_refused_before_the_eval(fake_run, tmp_path):
  """Y15: an immutable report ended the eval in 'Operation not permitted' after every clip was scored;
  Y17: a link into a missing folder was replaced by a plain file, the link lost."""
  import subprocess
  from eflow_jax.train import evaluate
  run, config = fake_run
  dangling = tmp_path / "dang.json"
  os.symlink(tmp_path / "gone" / "r.json", dangling)
  with pytest.raises(ValueError, match=rf"^{dangling} is a symbolic link to {tmp_path}/gone/r\.json, whose folder does "
                                       r"not exist: the report could not be written; create that folder or remove"):
    evaluate.evaluate(config, run, output=str(dangling), num_batches=1)
  assert os.path.islink(dangling)
  os.symlink(tmp_path / "loop_b.json", tmp_path / "loop_a.json")
  os.symlink(tmp_path / "loop_a.json", tmp_path / "loop_b.json")
  with pytest.raises(ValueError, match=r"loop_a\.json is a symbolic link to .*loop_b\.json, a loop of links: the report "
                                       r"could not be written; fix the links or remove the link\.$"):
    evaluate.evaluate(config, run, output=str(tmp_path / "loop_a.json"), num_batches=1)
  assert os.path.islink(tmp_path / "loop_a.json")
  locked = tmp_path / "locked.json"
  locked.write_text(json.dumps({"step": 4, "weights": "ema", "protocol": {"num_samples": 2}}))
  if subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode != 0:
    pytest.skip("chattr +i is not allowed here")
  try:
    with pytest.raises(ValueError, match=rf"^{locked} cannot be replaced \(it is read-only or immutable\); give "
                                         r"another --output or make it writable\.$"):
      evaluate.evaluate(config, run, output=str(locked), num_batches=1)
  finally:
    subprocess.run(["chattr", "-i", str(locked)])


@pytest.mark.slow
def test_an_eval_output_that_is_a_link_writes_the_report_it_points_at(fake_run, tmp_path):
  """Y36: --output=latest.json (a link to shared/base_eval.json) replaced the link by a plain file and
  left the shared report as it was."""
  from eflow_jax.train import evaluate
  run, config = fake_run
  (tmp_path / "shared").mkdir()
  target = tmp_path / "shared" / "base_eval.json"
  target.write_text(json.dumps({"step": 4, "weights": "ema", "weights_sha256": "ab" * 32}))   # other weights
  os.symlink(target, tmp_path / "latest.json")
  report = evaluate.evaluate(config, run, output=str(tmp_path / "latest.json"), num_batches=1)
  assert os.readlink(tmp_path / "latest.json") == str(target)
  assert json.loads(target.read_text())["weights_sha256"] == report["weights_sha256"] != "ab" * 32
  assert json.loads((tmp_path / "shared" / "base_eval.superseded.json").read_text())["weights_sha256"] == "ab" * 32


def test_the_model_card_leaves_out_a_report_of_another_step_under_this_steps_name(tmp_path, capsys):
  """Y19: a step-10 report (from before reports named their weights) copied to eval_step000012.json was
  quoted by step 12's model card as 'Measured by the run'."""
  from eflow_jax.tools import model_card as card_lib
  (tmp_path / "eval_step000012.json").write_text(json.dumps({"step": 10, "weights": "ema", "classifier_fd": 0.1159}))
  assert card_lib.scores_of(str(tmp_path), 12, "cd" * 32) == []
  assert "eval_step000012.json is a report of step 10, not of step 12; the model card leaves it out." in \
      capsys.readouterr().err
  for same in (12, 12.0, "12"):                                  # a step edited by hand still reads as 12
    (tmp_path / "eval_step000012.json").write_text(json.dumps({"step": same, "weights": "ema", "classifier_fd": 0.1}))
    assert [n for n, _ in card_lib.scores_of(str(tmp_path), 12, "cd" * 32)] == ["eval_step000012.json"]
  for other in ("twelve", True, [12]):
    (tmp_path / "eval_step000012.json").write_text(json.dumps({"step": other, "weights": "ema"}))
    assert card_lib.scores_of(str(tmp_path), 12, "cd" * 32) == []


def test_a_sweep_flag_given_twice_keeps_both_values(tmp_path):
  """Y28: --rows=table4:sfm_4 --rows=table4:pdg_sfm_4 trained and tabulated only the last row, and
  --tables given twice only the last table (--override, in the same tool, appends)."""
  from benchmarks.sweeps import ablation_sweep, sweep_rows
  args = ablation_sweep.parse_args(["--rows=table4:sfm_4", "--rows", "table4:pdg_sfm_4", "--tables=table4",
                                    "--tables=table2", f"--root={tmp_path}/root", f"--results={tmp_path}/res"])
  tables = sweep_rows.parse_tables(args.tables)
  assert tables == ["table4", "table2"]
  assert [name for name, _ in sweep_rows.selected_rows(tables, args.rows)] == ["table4:sfm_4", "table4:pdg_sfm_4"]
  args = ablation_sweep.parse_args([f"--root={tmp_path}/root", f"--results={tmp_path}/res"])
  assert sweep_rows.parse_tables(args.tables) == list(sweep_rows.TABLES) and args.rows == ""
  for empty in ("--rows=", "--rows= , ", "--rows=,"):              # round 30 (Z18): every row swept, unnoticed
    with pytest.raises(SystemExit, match=r"^--rows=.* names no row; name TABLE:ROW rows, or leave --rows out"):
      ablation_sweep.parse_args([empty, f"--root={tmp_path}/root", f"--results={tmp_path}/res"])


def chattr(path, flag: str) -> bool:
  import subprocess
  return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


def test_a_grid_that_cannot_be_renamed_is_refused_before_a_resume_sets_anything_aside(tmp_path, capsys):
  """Y35: samples/step_000004.gif made immutable, then --resume_from_step=2: checkpoints and metrics
  after step 2 were set aside, then 'Operation not permitted' at the grid's rename, the run left at step
  2 and its grids half renamed."""
  import numpy as np
  from test_pipeline_misuse import write_run
  from eflow_jax import video_io
  from eflow_jax.train import loop, training_grids
  run = tmp_path / "run"
  config = write_run(str(run), steps=(2, 4))
  for step in (2, 4, 6):
    video_io.write_videos(str(run / "samples" / f"step_{step:06d}"), np.full((1, 2, 16, 16, 3), 0.1, np.float32))
  if not chattr(run / "samples" / "step_000004.gif", "+i"):
    pytest.skip("chattr +i is not allowed here")
  try:
    with pytest.raises(OSError, match=rf"^{run}/samples/step_000004\.gif, a grid of a step that --resume_from_step=2 "
                                      r"trains again, cannot be renamed \(read-only or immutable\); make it writable"):
      loop.train(config, str(run), resume_from_step=2)
    assert sorted(os.listdir(run / "checkpoints")) == ["2", "4"]
    assert not [n for n in os.listdir(run / "samples") if "superseded" in n]
    assert training_grids.set_aside_grids_after(str(run), 2) == 3          # made immutable after the check: kept
    assert "step_000004.gif could not be renamed (Operation not permitted); it stays as it is." in capsys.readouterr().err
    assert training_grids.write_samples(str(run), "step_000004", np.zeros((1, 2, 16, 16, 3), np.float32)) == []
    assert "step_000004.gif cannot be replaced (read-only or immutable): this step's grid is not written" in \
        capsys.readouterr().err
    assert not os.path.exists(run / "samples" / "step_000004.mp4.tmp")
  finally:
    chattr(run / "samples" / "step_000004.gif", "-i")


def test_captions_that_differ_only_in_spacing_are_one_text_without_a_warning(tmp_path, capsys):
  """Y22: 'a cat runs', 'a cat  runs' and ' a cat runs' (one text, as meant) were warned of as
  'characters outside its vocabulary read as one unknown token'."""
  from eflow_jax import text
  from eflow_jax.text.tiny import make_tiny_umt5
  make_tiny_umt5(str(tmp_path / "umt5"))
  encoder = text.build("t5", path=str(tmp_path / "umt5"), text_length=16)
  capsys.readouterr()
  encoder.check_captions_kept_apart(["a cat runs", "a cat  runs", " a cat runs", "a cat runs\t"])
  assert capsys.readouterr().err == ""
  encoder.check_captions_kept_apart(["a cat runs", "a 猫 runs", "a  犬 runs"])     # spacing and unknown characters
  assert "warning: 1 caption(s) are the same tokens" in capsys.readouterr().err


def test_files_written_through_a_link_and_dotdot_land_in_the_folder_they_are_made_in(home_and_link):
  """Y02, Y33 from Python: the folder was made at the textual path (tmp/new) and the file written where
  the system resolves the path (tmp/real/new): '[Errno 2] No such file', an empty folder left."""
  import numpy as np
  from eflow_jax import atomic_io, video_io
  t = home_and_link
  written = video_io.write_videos(f"{t}/lnk/../new/grid", np.full((1, 2, 16, 16, 3), 0.5, np.float32))
  assert [os.path.realpath(p) for p in written] == [f"{t}/real/new/grid.gif", f"{t}/real/new/grid.mp4"]
  atomic_io.make_parent_folder(f"{t}/lnk/../reports/r.json")
  atomic_io.write_json_atomically(f"{t}/lnk/../reports/r.json", {"step": 1})
  assert json.loads((t / "real" / "reports" / "r.json").read_text()) == {"step": 1}
  assert not os.path.exists(t / "new") and not os.path.exists(t / "reports")


def test_the_python_loaders_read_a_tilde_as_the_home_folder_and_name_a_numpy_bool_plainly(home_and_link):
  """Y08: Pipeline.from_workdir('~/run') said 'no checkpoint under ~/run/checkpoints' (the command
  line reads ~ as the home folder); Y25: class_ids=np.bool_(True) was '[np.True_] is not whole numbers'."""
  import numpy as np
  home = home_and_link / "home"
  with pytest.raises(FileNotFoundError, match=rf"^no checkpoint under {home}/run/checkpoints"):
    pipeline.Pipeline.from_workdir("~/run")
  with pytest.raises(FileNotFoundError, match=rf"not found: {home}/exp is not an eflow_jax export"):
    pipeline.Pipeline.from_pretrained(pathlib.Path("~/exp"))
  from eflow_jax import call_inputs
  with pytest.raises(ValueError, match=r"^class_ids: \[True\] is not a whole number; give integer ids\.$"):
    call_inputs.whole_numbers("class_ids", np.bool_(True))
  assert call_inputs.whole_numbers("class_ids", np.array([1, 0], np.uint8)) == [1, 0]


def test_a_re_export_of_another_step_says_it_replaced_the_export(tmp_path, capsys):
  """Y31: exporting step 10 over the same run's step-12 export replaced it (by design) without a line
  saying so."""
  from test_pipeline_misuse import write_run
  from eflow_jax.tools import export as export_tool
  write_run(str(tmp_path / "run"))                               # steps 2 and 4
  export_tool.export(str(tmp_path / "run"), str(tmp_path / "exp"))
  assert "is replaced" not in capsys.readouterr().out
  export_tool.export(str(tmp_path / "run"), str(tmp_path / "exp"), step=2)
  assert f"--output={tmp_path}/exp: the export of step 4 is replaced by step 2's." in capsys.readouterr().out
  export_tool.export(str(tmp_path / "run"), str(tmp_path / "exp"), step=2)
  assert "is replaced" not in capsys.readouterr().out             # the same step again: nothing to say


def test_a_step_set_aside_twice_is_named_as_its_grids_and_reports_are(tmp_path):
  """Y09: a second --resume_from_step named the step `4.superseded.1796480495` (a time) while its
  grids became `step_000004.superseded-2.gif` (reports: `-2` too): nothing tied the two together."""
  from test_pipeline_misuse import write_run
  from eflow_jax import checkpoint as ckpt_lib
  write_run(str(tmp_path / "run"))                               # steps 2 and 4
  folder = tmp_path / "run" / "checkpoints"
  ckpt = ckpt_lib.Checkpointer(str(folder), read_only=False)
  try:
    assert ckpt.set_aside(4, "superseded") == f"{folder}/4.superseded"
    os.mkdir(folder / "4")                                       # the step trained again, then set aside again
    assert ckpt.set_aside(4, "superseded") == f"{folder}/4.superseded-2"
    os.mkdir(folder / "2.corrupt.1796480495")                    # named as before: still found
    assert ckpt.set_aside_steps("superseded") == [4] and ckpt.set_aside_steps("corrupt") == [2]
  finally:
    ckpt.close()


def test_a_video_linked_to_a_deleted_file_is_named_as_such(tmp_path):
  """Y24 (a nit): a class folder's link to a deleted video was skipped as 'unreadable (FileNotFoundError:
  ...)', which does not say the file is a link."""
  from eflow_jax.tools import video_inputs
  os.symlink(tmp_path / "gone.mp4", tmp_path / "v.mp4")
  with pytest.raises(ValueError, match=rf"^a symbolic link to {tmp_path}/gone\.mp4, which does not exist$"):
    video_inputs.read_clip(str(tmp_path / "v.mp4"), 4, 16, 16)


def test_path_flags_in_a_flagfile_are_read_as_typed_ones(tmp_path):
  """Round 30 (Z06, Z07): `--workdir=lnk/../run` or `--output=~/x` in an absl --flagfile reached the
  program as written (absl reads the file after the command line's paths were expanded): another run
  sampled, a folder named '~' made. A missing --flagfile was a stack trace."""
  import subprocess
  import sys
  home, cwd = tmp_path / "home", tmp_path / "cwd"
  (home / "real" / "sub").mkdir(parents=True), cwd.mkdir()
  os.symlink(home / "real" / "sub", home / "lnk")
  (tmp_path / "flags.txt").write_text("--workdir=~/lnk/../nothing\n--mode=sample\n")
  repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
  env = {**os.environ, "HOME": str(home), "PYTHONPATH": repo}
  for flagfile, expected in ((tmp_path / "flags.txt", f"error: no checkpoint under {home}/real/nothing/checkpoints; "
                                                      f"run --mode=train first or fix --workdir.\n"),
                             (tmp_path / "none.txt", f"error: --flagfile={tmp_path}/none.txt: no such file (nothing "
                                                     f"was run).\n")):
    result = subprocess.run([sys.executable, "-m", "eflow_jax.main", f"--config={repo}/tests/tiny_config.py",
                             f"--flagfile={flagfile}"], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)
    assert result.returncode == 2 and result.stderr.endswith(expected), result.stderr[-2000:]
  assert os.listdir(cwd) == []


def test_a_config_path_override_of_none_is_refused_not_made_a_folder(capsys):
  """Round 30 (Z29): --config.eval.metrics_dir=None was the text 'None', and the eval wrote its metric
  caches into a new ./None."""
  with pytest.raises(SystemExit) as stop:
    user_paths.expand_home_flags(["--config.eval.metrics_dir=None"], ("workdir",))
  assert stop.value.code == 2 and capsys.readouterr().err == (
      "error: --config.eval.metrics_dir=None would be a folder named 'None', not 'unset': give a path, or leave "
      "--config.eval.metrics_dir out where it has a default (nothing was written).\n")
  assert user_paths.expand_home_flags(["--config.eval.metrics_dir=/x/None", "--prompt=None"], ()) == [
      "--config.eval.metrics_dir=/x/None", "--prompt=None"]
  for argv in (["--output=None"], ["--workdir", "null"], ["--output=NONE"]):    # round 31 (A05, A07): ./None written
    with pytest.raises(SystemExit):
      user_paths.expand_home_flags(argv, ("workdir", "output"))
    assert "would be a folder named" in capsys.readouterr().err


def test_a_flagfile_named_with_a_tilde_is_read_from_the_home_folder(home_and_link, capsys):
  """Round 31 (A26): --flagfile "~/ff.txt" was 'no such file' while every other path flag reads ~."""
  (home_and_link / "home" / "ff.txt").write_text("--mode=sample\n")
  assert user_paths.check_flagfiles(["main", "--flagfile", "~/ff.txt", "--flagfile=~/ff.txt"]) == [
      "main", f"--flagfile={home_and_link}/home/ff.txt", f"--flagfile={home_and_link}/home/ff.txt"]
  with pytest.raises(SystemExit):
    user_paths.check_flagfiles(["main", "--flagfile=~/none.txt"])
  assert capsys.readouterr().err == f"error: --flagfile={home_and_link}/home/none.txt: no such file (nothing was run).\n"



def prepared_one_clip_shards(tmp_path, names):
  """A record set prepared from class-folder videos `names`, one clip per shard: (its folder, the argv
  that prepared it, for the rerun)."""
  from test_prepare_data_misuse import make_video
  from eflow_jax.tools import prepare_data
  for i, name in enumerate(names):
    make_video(tmp_path / "videos" / name, i)
  out = tmp_path / "set"
  argv = ["--input", str(tmp_path / "videos"), "--output", str(out), "--frames=4", "--height=16", "--width=16",
          "--autoencoder=identity", "--shard_size=1", "--no_progress"]
  assert prepare_data.main(argv) == 0
  return out, argv


@pytest.mark.parametrize("damage", ["truncate", "other records"])
def test_a_rerun_of_prepare_data_prepares_a_damaged_shard_again(tmp_path, capsys, damage):
  """Round 31 (A13, A14): a shard truncated or with a byte flipped since was 'skipped' as finished by
  the rerun, and every reader of the set then refused it with 're-prepare this shard', a loop."""
  from eflow_jax.data import records
  from eflow_jax.tools import prepare_data
  out, argv = prepared_one_clip_shards(tmp_path, ["cat/v1.mp4", "cat/v2.mp4", "dog/v1.mp4", "dog/v2.mp4"])
  shard = out / "shard-00002.array_record"
  data = shard.read_bytes()
  if damage == "truncate":
    shard.write_bytes(data[:len(data) // 2])
  else:                                                        # a whole file, whose records are not the sidecar's
    shard.write_bytes((out / "shard-00001.array_record").read_bytes())
  if damage == "truncate":
    with pytest.raises(records.RecordsError, match="shard-00002.array_record: not a readable ArrayRecord file"):
      records.check_shards(str(out), records.read_manifest(str(out)))
  capsys.readouterr()
  assert prepare_data.main(argv) == 0
  captured = capsys.readouterr()
  assert "prepare_data: shard 2 is prepared again: " in captured.err and "skipped finished shards [0, 1, 3]" in captured.out
  assert "re-prepare" not in captured.err
  records.check_shards(str(out), records.read_manifest(str(out)))          # whole again


def test_a_repeatable_flag_keeps_every_occurrence():
  """Round 31 (A09): --allow_resume_change=seed --allow_resume_change=data.batch_size was refused for the
  seed it allowed: absl's list flag kept the last occurrence only."""
  from eflow_jax import cli_checks
  assert cli_checks.flag_list(["seed", "data.batch_size, data.path", "", " "]) == ["seed", "data.batch_size",
                                                                                 "data.path"]
  assert cli_checks.flag_list([]) == []


@pytest.mark.parametrize("edit", ["count 0", "count null", "count '1'", "cut short", "another file", "digests gone"])
def test_a_rerun_prepares_again_a_shard_whose_sidecar_was_edited_or_cut(tmp_path, capsys, edit):
  """Round 32 (B06): a sidecar's num_examples edited to 0 (or null) was taken as a finished empty shard,
  and the manifest rewritten without its records; (B33) a sidecar cut short ended the rerun in a JSON
  error naming no file."""
  from eflow_jax.data import records
  from eflow_jax.tools import prepare_data
  out, argv = prepared_one_clip_shards(tmp_path, ["cat/v1.mp4", "dog/v1.mp4"])
  sidecar = out / "shard-00001.json"
  info, written = json.loads(sidecar.read_text()), (out / "shard-00001.array_record").read_bytes()
  if edit == "digests gone":                       # round 33 (C10): shard 0's records, the digests deleted
    (out / "shard-00001.array_record").write_bytes((out / "shard-00000.array_record").read_bytes())
    del info["latents_sha256"]
    sidecar.write_text(json.dumps(info))
  elif edit == "cut short":
    sidecar.write_text(sidecar.read_text()[:len(sidecar.read_text()) // 2])
  elif edit == "another file":                     # round 33 (C08): a file outside the set went into the manifest
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "shard-00001.array_record").write_bytes((out / "shard-00001.array_record").read_bytes())
    info["file"] = "../elsewhere/shard-00001.array_record"
    sidecar.write_text(json.dumps(info))
  else:
    info["num_examples"] = {"count 0": 0, "count null": None, "count '1'": "1"}[edit]
    sidecar.write_text(json.dumps(info))
  capsys.readouterr()
  assert prepare_data.main(argv) == 0
  captured = capsys.readouterr()
  assert f"prepare_data: shard 1 is prepared again: " in captured.err and "wrote shards [1]" in captured.out
  assert records.read_manifest(str(out))["num_examples"] == 2
  assert json.loads(sidecar.read_text())["num_examples"] == 1
  assert (out / "shard-00001.array_record").read_bytes() == written
  assert [shard["file"] for shard in records.read_manifest(str(out))["shards"]] == [
      "shard-00000.array_record", "shard-00001.array_record"]



def test_an_export_whose_weights_draw_only_nan_is_refused(tmp_path, capsys):
  """C27: a run whose one update was made with an LR of 1e30 (its EMA weights finite but near 1e27)
  was exported with a card reading like a normal run's; its clips are NaN. Reference: the sampler's
  own clip of those weights, drawn here through the Pipeline, is not finite."""
  from eflow_jax import config_lib
  from eflow_jax.tools import export as export_tool
  from eflow_jax.train import loop
  config = config_lib.load_config(os.path.join(REPO, "tests/tiny_config.py:steps=3"))
  for stage in (s for key, s in config.curriculum.items() if key.startswith("stage")):
    stage.lr = 1e30
  run, output = str(tmp_path / "run"), tmp_path / "exp"
  loop.train(config, run, stop_at=1)
  capsys.readouterr()
  with pytest.raises(FloatingPointError, match="not finite"):
    pipeline.Pipeline.from_workdir(run)(class_ids=[0])
  assert export_tool.main([f"--workdir={run}", f"--output={output}"]) == 2
  err = capsys.readouterr().err
  assert err.startswith(f"error: --workdir={run} step 1: a clip drawn from its EMA weights with the recipe's sampler "
                        f"has 1024 of 1024 values that are not finite") and err.count("\n") == 1, err
  assert err.endswith("Train again with a lower LR, or no earlier checkpoint is kept.\n"), err   # round 34 (D08)
  assert not output.exists()


def test_a_run_whose_every_update_was_skipped_says_so_at_its_end():
  """Round 33 (C23): a resume under nan_policy=skip whose every update was skipped ended with exit 0
  and no closing line, read as a trained run while its weights had not moved."""
  import types
  import numpy as np
  from eflow_jax.train.fault_tolerance import NanWatch
  state = types.SimpleNamespace(step=np.int32(7), nonfinite_steps=np.int32(5))
  assert NanWatch("skip", 2).closing_warning(4, state) == (
      "warning: 3 of this run's 3 updates (steps 5-7) were skipped for a non-finite loss or gradient "
      "(nan_policy=skip); none was applied: the weights are still those of step 4.")
  assert NanWatch("skip", 4).closing_warning(4, state).startswith("warning: 1 of this run's 3 updates (steps 5-7)")
  assert NanWatch("skip", 5).closing_warning(4, state) is None
  assert NanWatch("halt", 2).closing_warning(4, state) is None


def test_a_text_models_card_says_where_its_text_encoder_is_read_from(tmp_path):
  """Round 33 (C13): the export of a text run does not hold its text encoder, which is read from an
  absolute path of the training machine; the card said nothing of it."""
  from test_misuse_round13 import card_of
  assert ("- text encoder: t5 read from /models/umt5 (not in this folder; on another machine set "
          "`pipe.config.text_encoder.path` to its copy before the first call)") in card_of(
              tmp_path, model__num_classes=0, text_encoder__path="/models/umt5")
  assert "- text encoder: builtin (part of the eflow_jax package)" in card_of(tmp_path, model__num_classes=0)
  assert "text encoder" not in card_of(tmp_path)            # a class model has none
