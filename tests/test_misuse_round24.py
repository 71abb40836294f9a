"""Cases found by trying round 23's fixes at their edges (round 24 of docs/misuse/): a relative record
path through a link and '..', a config file whose get_config returns a plain dict."""
import os
import subprocess
import sys

from eflow_jax import user_paths
from tiny_config import get_config

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_a_relative_record_path_through_a_link_is_read_as_the_system_reads_it(tmp_path, monkeypatch):
  """Round 24 (T06): 'current/../train' with `current` a link to versions/v3 was made absolute by
  text, as proj/train (an older set beside the link), while the shell and the OS read versions/train."""
  for folder in ("versions/v3", "versions/train", "proj/train"):
    os.makedirs(tmp_path / folder)
  os.symlink(tmp_path / "versions" / "v3", tmp_path / "proj" / "current")
  monkeypatch.chdir(tmp_path / "proj")
  config = get_config()
  config.data.path, config.data.eval_path = "current/../train", "train"
  user_paths.absolute_record_paths(config)
  assert os.path.samefile("current/../train", tmp_path / "versions" / "train")       # what the OS opens
  assert config.data.path == os.path.realpath(tmp_path / "versions" / "train")
  assert config.data.eval_path == os.path.realpath(tmp_path / "proj" / "train")


def test_a_config_file_returning_a_plain_dict_is_named_in_one_line(tmp_path):
  """Round 24 (T09): "error: 'dict' object has no attribute 'lock'"."""
  path = tmp_path / "cfg.py"
  path.write_text(f"import sys\nsys.path.insert(0, {os.path.join(REPO, 'tests')!r})\nimport tiny_config\n"
                  "def get_config(arg=None):\n  return tiny_config.get_config().to_dict()\n")
  result = subprocess.run([sys.executable, "-m", "eflow_jax.main", f"--config={path}", f"--workdir={tmp_path / 'w'}"],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
  assert result.returncode == 2 and result.stderr == (
      f"error: --config={path}: get_config() returned a dict, not an ml_collections.ConfigDict; return "
      f"ml_collections.ConfigDict(...) of it.\n")
  assert not (tmp_path / "w").exists()
