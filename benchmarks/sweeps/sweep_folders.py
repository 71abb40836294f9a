"""The two folders of benchmarks/sweeps/ablation_sweep.py, checked before any row runs: `--root`
(training workdirs, logs, each row's eval report while it is written) and `--results` (the finished
reports, stills, curves and references)."""
import os
import sys

from eflow_jax.user_paths import check_outside_checkpoints


def sweep_folders(root: str, results: str) -> tuple[str, str]:
  """(root, results) as absolute paths (the rows run from the repository: a relative path would
  name other folders there), created. One folder for both is refused: a row's report, moved from
  --root into --results once complete, would be moved onto itself and removed. So is either inside
  a run's checkpoints folder, whose step folders checkpoint pruning deletes. One inside the other
  works but is warned of: --results is the folder to commit, --root the scratch one to clear."""
  root, results = os.path.abspath(root), os.path.abspath(results)
  real_root, real_results = os.path.realpath(root), os.path.realpath(results)
  if real_root == real_results:
    raise SystemExit(f"--root and --results are one folder ({root}): each row's report is written into --root and "
                     f"then moved into --results; give each its own folder.")
  if real_root.startswith(real_results + os.sep):
    print(f"warning: --root={root} is inside --results={results}: the training workdirs (checkpoints) would be "
          f"committed with the reports.", file=sys.stderr)
  elif real_results.startswith(real_root + os.sep):
    print(f"warning: --results={results} is inside --root={root}: clearing the training workdirs would clear "
          f"the finished reports too.", file=sys.stderr)
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
