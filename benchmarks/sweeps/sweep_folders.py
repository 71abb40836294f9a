"""The two folders of benchmarks/sweeps/ablation_sweep.py, checked before any row runs: `--root`
(training workdirs, logs, each row's eval report while it is written) and `--results` (the finished
reports, stills, curves and references)."""
import os

from eflow_jax.user_paths import check_outside_checkpoints


def sweep_folders(root: str, results: str) -> tuple[str, str]:
  """(root, results) as absolute paths (the rows run from the repository: a relative path would
  name other folders there), created. One folder for both is refused: a row's report, moved from
  --root into --results once complete, would be moved onto itself and removed. So is either inside
  a run's checkpoints folder, whose step folders checkpoint pruning deletes."""
  root, results = os.path.abspath(root), os.path.abspath(results)
  if os.path.realpath(root) == os.path.realpath(results):
    raise SystemExit(f"--root and --results are one folder ({root}): each row's report is written into --root and "
                     f"then moved into --results; give each its own folder.")
  for flag, folder in (("--root", root), ("--results", results)):
    try:
      check_outside_checkpoints(flag, folder)
    except ValueError as e:
      raise SystemExit(str(e)) from None
    try:
      os.makedirs(folder, exist_ok=True)
    except OSError as e:
      raise SystemExit(f"{flag}={folder} cannot be a folder ({e.strerror}); choose another path.") from None
  return root, results
