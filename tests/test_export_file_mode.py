"""An export's files get the permissions the user's umask gives any new file (0o666 less the umask),
as the folder does: not safetensors' fixed 0600, and not a fixed 0644 that a umask of 077 meant to
keep private (eflow_jax/tools/export.py, ordinary_file_mode)."""
import os
import stat

import pytest
from test_pipeline_misuse import write_run

from eflow_jax.tools import export as export_tool


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
  workdir = str(tmp_path_factory.mktemp("run"))
  write_run(workdir)
  return workdir


@pytest.mark.parametrize("umask, expected", [(0o077, 0o600), (0o022, 0o644), (0o002, 0o664)])
def test_export_files_follow_the_umask(run_dir, tmp_path, umask, expected):
  output = str(tmp_path / "exp")
  previous = os.umask(umask)
  try:
    assert export_tool.main([f"--workdir={run_dir}", f"--output={output}"]) == 0
  finally:
    os.umask(previous)
  modes = {name: stat.S_IMODE(os.stat(os.path.join(output, name)).st_mode) for name in os.listdir(output)}
  assert modes == {name: expected for name in ("config.json", "model.safetensors", "README.md")}
