"""The sample grids training writes into <workdir>/samples (`step_NNNNNN.gif` / `.mp4`, every
config.sample_every steps): never written over a file of the user's, and never over a grid of a step
that is trained again (a resume from an earlier checkpoint) without keeping the first one."""
import os
import re
import sys

import jax
import numpy as np

from eflow_jax import atomic_io, sample_files, video_io

GRID_NAME = re.compile(r"^step_(\d+)\.(gif|mp4)$")
SUPERSEDED = ".superseded"      # step_000006.superseded.gif: the grid of a step before it was trained again


def write_samples(workdir: str, name: str, videos, columns=None, fps=video_io.DEFAULT_FPS) -> list[str]:
  """`<workdir>/samples/<name>.gif` and `.mp4` of the grid (process 0 only); nothing, with one warning,
  where either name holds a file no sampler wrote (sample_files.foreign_grid_files): a user's own."""
  if jax.process_index() != 0:
    return []
  stem = os.path.join(workdir, "samples", name)
  foreign = sample_files.foreign_grid_files(stem)
  if foreign:
    print(f"warning: {foreign[0]} was not written by a sampler here (no writer mark): this step's grid is not "
          f"written over it (the other steps' grids are).", file=sys.stderr, flush=True)
    return []
  locked = _unreplaceable([stem + ".gif", stem + ".mp4"])
  if locked:
    print(f"warning: {locked[0]} cannot be replaced (read-only or immutable): this step's grid is not written "
          f"(the other steps' grids are).", file=sys.stderr, flush=True)
    return []
  return video_io.write_videos(stem, np.asarray(videos), columns=columns, fps=fps)


def _unreplaceable(paths) -> list[str]:
  """The files among `paths` that a rename cannot replace or move (chattr +i, or a read-only file of
  another user): found before a resume sets anything aside, not half-way through."""
  return [p for p in paths if os.path.lexists(p) and not os.access(p, os.W_OK, follow_symlinks=False)]


def _grids_after(folder: str, step: int) -> list[str]:
  """The grids written here (a writer mark) of steps after `step`, by name."""
  found = [(name, GRID_NAME.match(name)) for name in sorted(os.listdir(folder))]
  return [name for name, match in found if match and int(match.group(1)) > step
          and video_io.carries_writer_mark(os.path.join(folder, name))]


def check_grids_can_be_set_aside(workdir: str, step: int) -> None:
  """Before --resume_from_step sets the later checkpoints aside: a grid of a later step that cannot be
  renamed (set_aside_grids_after) would end the resume half done. One line naming it."""
  folder = os.path.join(workdir, "samples")
  if not os.path.isdir(folder):
    return
  locked = _unreplaceable([os.path.join(folder, name) for name in _grids_after(folder, step)])
  if locked:
    raise OSError(f"{locked[0]}, a grid of a step that --resume_from_step={step} trains again, cannot be renamed "
                  f"(read-only or immutable); make it writable or move it out of samples/ (nothing was changed).")


def set_aside_grids_after(workdir: str, step: int) -> int:
  """Renames the grids of steps after `step` to `step_NNNNNN.superseded.gif` (a second time
  `.superseded-2.gif`, ...: atomic_io.free_name), as set_aside_metrics_after moves their records: the
  steps are trained again and their new grids would replace the first ones. Only grids written here
  are renamed. The number renamed."""
  folder = os.path.join(workdir, "samples")
  if jax.process_index() != 0 or not os.path.isdir(folder):
    return 0
  moved = 0
  for name in _grids_after(folder, step):      # a file of the user's stays (write_samples does not write over it)
    stem, ext = name.rsplit(".", 1)
    try:
      os.rename(os.path.join(folder, name), atomic_io.free_name(os.path.join(folder, stem + SUPERSEDED), "." + ext))
      moved += 1
    except OSError as e:            # made immutable since the check: kept, and write_samples skips its step
      print(f"warning: {os.path.join(folder, name)} could not be renamed ({e.strerror}); it stays as it is.",
            file=sys.stderr, flush=True)
  if moved:
    print(f"samples: {moved} grid file(s) of steps after {step} renamed step_NNNNNN{SUPERSEDED}[-k].gif / .mp4 "
          f"(those steps are trained again).", flush=True)
  return moved
