"""<workdir>/parameters.txt: every parameter's path, shape, dtype and size, and the total (clu's
parameter_overview; shapes only, so nothing is copied from the devices). It is the file of a run a
user annotates (which attention variant, why): a start that would write it over with other text
keeps the user's version beside it."""
import os
import sys

from clu import parameter_overview
import jax

from eflow_jax.atomic_io import free_name, write_atomically

PARAMETERS_FILE = "parameters.txt"
EDITED_SUFFIX = ".edited"


def write_parameter_overview(workdir: str, params) -> None:
  """Written by process 0 at each start; left as it is when it already holds this text, and kept as
  parameters.txt.edited[-k] (one line) when it holds other text (an annotation)."""
  if jax.process_index() != 0:
    return
  path, text = os.path.join(workdir, PARAMETERS_FILE), parameter_overview.get_parameter_overview(
      params, include_stats=False) + "\n"
  try:
    with open(path, encoding="utf-8", errors="replace") as f:
      found = f.read()
  except FileNotFoundError:
    found = None
  if found == text:
    return
  if found is not None:
    target = free_name(path + EDITED_SUFFIX)
    os.rename(path, target)
    print(f"{path} differs from this run's parameter overview (edited?): kept as {target}.", file=sys.stderr,
          flush=True)
  write_atomically(path, text)
