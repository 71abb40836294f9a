"""Cases found by round 29 of docs/misuse/: path flags given as two words (`--output ~/x`), a
pathlib.Path through `lnk/..`, eval reports at --output (other settings, links, a file that cannot be
replaced), a model card quoting another step's report, repeated sweep flags, and the grids a resume
sets aside."""
import json
import os
import pathlib

import pytest

from eflow_jax import pipeline, user_paths


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
          "--output", "-", "--workdir", "--mode=sample", "--step", "3"]
  assert user_paths.expand_home_flags(argv, ("workdir", "output")) == [
      f"--workdir={t}/real/run", f"--output={t}/home/exp", f"--config.data.path={t}/home/set", "--prompt", "~b",
      "--output=-", "--workdir", "--mode=sample", "--step", "3"]


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
