"""A program that imports eflow_jax, loads a Pipeline and samples keeps its root logger as it was:
absl (through Orbax and grain) would leave logging.basicConfig()'s stderr handler there, and the
program's own logging.basicConfig(filename=...) afterwards would write nothing (eflow_jax/root_logger.py).
Each check runs in a fresh interpreter: the test process's logging is pytest's."""
import os
import subprocess
import sys

import pytest
from test_pipeline_misuse import write_run

from eflow_jax.tools import export as export_tool

PROGRAM = """
import logging, sys
import eflow_jax, eflow_jax.pipeline
assert logging.root.handlers == [], ("import", logging.root.handlers)
run, export, log = sys.argv[1:]
for pipeline in (eflow_jax.Pipeline.from_workdir(run), eflow_jax.Pipeline.from_pretrained(export)):
  assert logging.root.handlers == [], ("load", logging.root.handlers)
  pipeline(class_ids=[1], seed=0)
  assert logging.root.handlers == [], ("call", logging.root.handlers)
logging.basicConfig(filename=log, level=logging.INFO)
logging.info("the program's own line")
"""


@pytest.fixture(scope="module")
def run_and_export(tmp_path_factory):
  workdir = str(tmp_path_factory.mktemp("run"))
  write_run(workdir)
  output = str(tmp_path_factory.mktemp("exports") / "exp")
  assert export_tool.main([f"--workdir={workdir}", f"--output={output}"]) == 0
  return workdir, output


def run_program(program, *args):
  env = {**os.environ, "JAX_PLATFORMS": "cpu"}
  return subprocess.run([sys.executable, "-c", program, *args], capture_output=True, text=True, env=env,
                        timeout=300)


def test_a_program_configures_its_own_logging_after_loading_and_sampling(run_and_export, tmp_path):
  log = str(tmp_path / "program.log")
  done = run_program(PROGRAM, *run_and_export, log)
  assert done.returncode == 0, done.stderr[-2000:]
  with open(log) as f:
    assert "the program's own line" in f.read()


def test_a_program_that_configured_logging_first_keeps_its_handler(run_and_export, tmp_path):
  log = str(tmp_path / "program.log")
  program = ("import logging, sys; logging.basicConfig(filename=sys.argv[2], level=logging.WARNING); "
             "import eflow_jax; eflow_jax.Pipeline.from_workdir(sys.argv[1]); "
             "assert len(logging.root.handlers) == 1 and isinstance(logging.root.handlers[0], logging.FileHandler); "
             "logging.warning('still mine')")
  done = run_program(program, run_and_export[0], log)
  assert done.returncode == 0, done.stderr[-2000:]
  with open(log) as f:
    assert "still mine" in f.read()
