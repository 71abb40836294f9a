"""A finished record set is only read: training, sampling, eval and the export read it, and a rerun
of prepare_data over it with the same inputs and options writes nothing (records.write_manifest,
preparation_record.claimed_output), so a set kept on a read-only disk can be rerun over. The rerun
is checked by inode (an atomic rewrite replaces the file) and, where this process may mount, on a
read-only bind mount of the set."""
import os
import subprocess

import pytest
from test_prepare_data_misuse import make_video, prepare


@pytest.fixture()
def finished_set(tmp_path):
  videos = tmp_path / "videos"
  for i, name in enumerate(["cat/v1.mp4", "cat/v2.mp4", "dog/v1.mp4", "dog/v2.mp4"]):
    make_video(videos / name, i)
  output = tmp_path / "set"
  prepare(videos, output)
  return videos, output


def files_and_inodes(folder):
  return {name: (os.stat(folder / name).st_ino, (folder / name).read_bytes()) for name in sorted(os.listdir(folder))}


def test_a_rerun_over_a_finished_set_rewrites_nothing(finished_set):
  videos, output = finished_set
  before = files_and_inodes(output)
  prepare(videos, output)
  assert files_and_inodes(output) == before


def read_only_mount(source, target):
  target.mkdir()
  mounted = subprocess.run(["mount", "--bind", str(source), str(target)], capture_output=True).returncode == 0
  if mounted and subprocess.run(["mount", "-o", "remount,ro,bind", str(target)], capture_output=True).returncode:
    subprocess.run(["umount", str(target)], capture_output=True)
    mounted = False
  return mounted


def test_a_rerun_over_a_finished_set_on_a_read_only_mount_succeeds(finished_set, tmp_path):
  videos, output = finished_set
  target = tmp_path / "read_only"
  if not read_only_mount(output, target):
    pytest.skip("this process may not make a read-only bind mount (needs root and mount rights)")
  try:
    with pytest.raises(OSError):
      (target / "probe").write_text("")
    report = prepare(videos, target)
    assert report["written"] == [] and report["manifest"]["num_examples"] == 4
  finally:
    subprocess.run(["umount", str(target)], capture_output=True)
