"""The folder lock that keeps two writers of one export, sample stem or record set apart
(eflow_jax/folder_lock.py): a held lock is refused or waited for; a file system without flock runs
unlocked, but says so in one line instead of silently promising what it cannot keep."""
import errno
import fcntl
import os

import pytest

from eflow_jax import folder_lock


def test_a_held_folder_is_refused_in_one_line_when_asked_not_to_wait(tmp_path):
  fd = os.open(tmp_path, os.O_RDONLY)          # another open file description: another holder
  fcntl.flock(fd, fcntl.LOCK_EX)
  try:
    with pytest.raises(folder_lock.FolderBusyError, match="another export"):
      with folder_lock.locked(str(tmp_path), busy="another export writes there"):
        pytest.fail("ran while another process held the lock")
  finally:
    os.close(fd)
  with folder_lock.locked(str(tmp_path), busy="another export writes there"):
    pass                                                            # released: taken at once


def test_a_file_system_without_flock_runs_unlocked_with_a_warning(tmp_path, monkeypatch, capsys):
  def unsupported(fd, operation):
    raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))
  monkeypatch.setattr(fcntl, "flock", unsupported)
  ran = []
  with folder_lock.locked(str(tmp_path)):
    ran.append(True)
  assert ran == [True]
  lines = capsys.readouterr().err.splitlines()
  assert len(lines) == 1 and lines[0].startswith(f"warning: cannot lock {tmp_path}") and \
      "second process" in lines[0], lines
