"""Hands a trained model to someone: the EMA weights as safetensors, the run's config as JSON, and a
model card, read back by `eflow_jax.Pipeline.from_pretrained(OUTPUT)`.

    python -m eflow_jax.tools.export --workdir=runs/demo --output=exported/demo [--step=N]

Only the EMA parameters are read from the checkpoint (not the online weights or the Adam moments).
OUTPUT/model.safetensors   {'cond/emb_t/fc1/kernel': array, ...}: the parameter tree, '/'-joined
OUTPUT/config.json         the resolved run config, the example shape, the step, the data manifest
OUTPUT/README.md           the model card: model, data, steps, recipe, the run's measured scores
An existing OUTPUT is refused unless it is an earlier export (its config.json is an export's): its
three files are then replaced, and nothing else in it is touched. Every file is written under a
temporary name (`<name>.partial`) and renamed into place, config.json first (its checksums then
refuse the old weights if the export is cut short between renames), so a killed export leaves
either the previous files or ones the rerun recognises and replaces. A second export into the same
OUTPUT while one writes there is refused (eflow_jax/folder_lock.py): their files would interleave.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

from eflow_jax.checkpoint import Checkpointer, config_json, first_line, model_config_mismatch
from eflow_jax.cli_checks import check_integer, start_jax_backend
from eflow_jax.folder_lock import FolderBusyError, locked
from eflow_jax.param_tree import flatten_params
from eflow_jax.pipeline import (CONFIG_FILE, WEIGHTS_FILE, Pipeline, is_description, run_description,
                                weight_checksums)
from eflow_jax import own_digest, run_lineage, user_paths
from eflow_jax.tools import card_mark, export_probe, model_card
from eflow_jax.weights_digest import (ema_digest, export_digest, set_aside_reports_of_other_weights,
                                      weights_digest)
from eflow_jax.workdir import check_writable
from eflow_jax.atomic_io import free_name
from eflow_jax.data import trained_sets

# The keys of config.json as an export writes it (pipeline.run_description, run_id, trained_sets).
WRITTEN_KEYS = ("config", "example_shape", "step", "manifest", "checksums", "source_run", "run_id", trained_sets.KEY,
                "written_sha256")


EXPORT_FILES = (CONFIG_FILE, WEIGHTS_FILE, "README.md")     # in the order they are renamed into place
PARTIAL = ".partial"
FILE_ENDINGS = (".safetensors", ".json", ".md", ".bin", ".pt", ".pth", ".ckpt", ".msgpack", ".npz", ".h5")


def _is_export_description(path: str) -> bool:
  try:
    with open(path) as f:
      return is_description(json.load(f))
  except (OSError, ValueError):
    return False


def output_problem(output: str) -> str | None:
  """Why `output` may not receive an export (None: it is new, empty, or an earlier export).

  An earlier export is a folder whose config.json (or, cut short before that was renamed, its
  config.json.partial) is an eflow_jax export description: its three files are replaced and
  anything else there (the run's metrics.jsonl, its reports) is left as it is. A folder holding
  only `.partial` files of an export is one cut short before anything was renamed. Any other
  folder (another model's config.json, weights, vocab.txt...) is someone else's: refused."""
  if not os.path.exists(output):
    return None
  if not os.path.isdir(output):
    return f"--output={output} is a file; give a directory."
  names = sorted(os.listdir(output))
  if not names:
    return None
  for name in (CONFIG_FILE, CONFIG_FILE + PARTIAL):
    if name in names and _is_export_description(os.path.join(output, name)):
      return None
  if all(name.endswith(PARTIAL) and name[:-len(PARTIAL)] in EXPORT_FILES for name in names):
    return None
  shown = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
  return (f"--output={output} holds {shown} but no eflow_jax export's {CONFIG_FILE}: not an earlier export "
          f"(another model's or someone's files); choose another directory.")


def _earlier_export(output: str) -> dict | None:
  """The description of the earlier export in `output` (its config.json, or the .partial of one cut
  short), None if there is none."""
  for name in (CONFIG_FILE, CONFIG_FILE + PARTIAL):
    try:
      with open(os.path.join(output, name)) as f:
        description = json.load(f)
    except (OSError, ValueError):
      continue
    if is_description(description):
      return description
  return None


def export(workdir: str, output: str, step: int | None = None) -> list[str]:
  """Writes the three files (see the module docstring); returns their paths."""
  if step is not None:
    check_integer("--step", step, 0)
  for name, value in (("--workdir", workdir), ("--output", output)):
    if not value.strip():      # '' is the current directory to os.path: the error would name no flag
      raise ValueError(f"{name} is empty; give a directory.")
  if os.path.isfile(workdir):            # the Pipeline's hint (the folder holding it) suits a weights file, not this
    raise FileNotFoundError(f"--workdir={workdir} is a file: give a training run's folder (it holds checkpoints/).")
  user_paths.check_outside_checkpoints("--output", output, workdir)
  stem, ending = os.path.splitext(output.rstrip(os.sep))
  if not os.path.exists(output) and ending.lower() in FILE_ENDINGS:       # a folder named like a weights file
    raise ValueError(f"--output={output} names a file, but --output is the export's folder (it gets "
                     f"{', '.join(EXPORT_FILES)}): give a folder, e.g. --output={stem}.")
  problem = output_problem(output)
  if problem:
    raise FileExistsError(problem)
  created = not os.path.exists(output)
  check_writable(output, "--output")
  try:
    with locked(output, busy=f"--output={output}: another export is writing there now; wait for it to end, "
                             f"or export to another directory."):
      return _write_export(workdir, output, step)
  except FolderBusyError:                 # the folder is the other export's: leave it as it is
    raise
  except BaseException:
    if created and os.path.isdir(output) and not os.listdir(output):   # nothing of ours is left behind
      os.rmdir(output)
    raise


def _write_export(workdir: str, output: str, step: int | None) -> list[str]:
  from safetensors.numpy import save_file
  pipe = Pipeline.from_workdir(workdir, step)
  earlier = _earlier_export(output) or {}
  meta = checkpoint_meta(workdir, pipe.step)
  source_run, run_id = os.path.realpath(workdir), meta.get("run_id")
  check_same_run(output, earlier, source_run, run_id, run_lineage.lineage_of(meta))
  mismatch = earlier and model_config_mismatch(earlier["config"], config_json(pipe.config))
  if mismatch:              # an export written before source_run was recorded: compare the models
    mismatch = mismatch.replace(": checkpoint ", ": there ").replace(", config ", ", this run ")
    raise FileExistsError(f"--output={output} holds the export of another model ({mismatch}); choose another "
                          f"directory, or delete that export first.")
  flat = flatten_params(pipe.params)
  size = sum(v.nbytes for v in flat.values())
  free, needed = shutil.disk_usage(output).free, size * 1.01 + 2**20    # + the config, card and headers
  if free < needed:
    raise OSError(f"--output={output} has {free / 2**20:.1f} MiB free but the export needs {needed / 2**20:.1f} MiB "
                  f"(weights {size / 2**20:.1f} MiB, config and card); free space or choose another directory.")
  export_probe.check_samples_finite(pipe, workdir, meta)     # a model that only draws NaN is not handed on
  description = run_description(pipe.config, pipe.example_shape, pipe.step, pipe.manifest,
                                checksums=weight_checksums(flat), source_run=source_run)
  history = trained_sets.of_meta(meta)       # the eval of the export tells held-out clips by it
  description = own_digest.with_own_digest({**description, **({"run_id": run_id} if run_id else {}),
                                  **({trained_sets.KEY: history} if history else {})})
  # The digest of the weights in hand (the checkpoint's, as its meta gives it): the step may be
  # pruned by a trainer since it was read, and a second read would fail.
  digest = ema_digest(pipe.params)
  card = card_mark.with_mark(model_card.model_card(pipe, workdir, digest, export_probe.recorded_skips(meta)))
  contents = {CONFIG_FILE: lambda path: _write_text(path, description),
              WEIGHTS_FILE: lambda path: save_file(flat, path),
              "README.md": lambda path: _write_text(path, card)}
  paths = {name: os.path.join(output, name) for name in EXPORT_FILES}
  try:
    for name in EXPORT_FILES:
      contents[name](paths[name] + PARTIAL)
      os.chmod(paths[name] + PARTIAL, ordinary_file_mode())
    card_mark.keep_edited_card(paths["README.md"])        # the user's additions to the earlier card
    keep_edited_description(paths[CONFIG_FILE])             # and to its config.json (a license, a note)
    for name in EXPORT_FILES:
      os.replace(paths[name] + PARTIAL, paths[name])
    set_aside_reports_of_other_weights(output, digest, export_digest(earlier))   # the replaced weights' evals
  except Exception as e:  # pylint: disable=broad-except   (SafetensorError on a full or read-only disk)
    for name in EXPORT_FILES:
      if os.path.exists(paths[name] + PARTIAL):
        os.remove(paths[name] + PARTIAL)
    raise OSError(f"--output={output}: writing the export failed ({first_line(e)}); nothing was replaced. Free "
                  f"space or choose another directory.") from None
  if earlier.get("step") not in (None, pipe.step):         # the same run's other step: replaced by design, said
    print(f"--output={output}: the export of step {earlier['step']} is replaced by step {pipe.step}'s.", flush=True)
  return [paths[WEIGHTS_FILE], paths[CONFIG_FILE], paths["README.md"]]


def is_as_written(parsed) -> bool:
  """Whether a config.json holds what an export wrote: only the export's keys, and the values its own
  digest was made of (whitespace an editor adds is no edit). One without a digest (an export written
  before digests, or the digest line removed with an edit) cannot be told: it counts as edited, kept."""
  if not isinstance(parsed, dict) or not set(parsed) <= set(WRITTEN_KEYS):
    return False
  return own_digest.matches(parsed) is True


def keep_edited_description(path: str) -> str | None:
  """Renames a config.json that is not as an export writes it (its own keys only, with the values of its
  own digest: the user added a license or a note, changed a value, removed the digest) to a free config.edited[-k].json,
  in one line, as an edited card is kept (tools/card_mark.py); returns the new name, or None."""
  try:
    with open(path, encoding="utf-8") as f:
      text = f.read()
    parsed = json.loads(text)
  except FileNotFoundError:
    return None
  except (ValueError, UnicodeDecodeError):
    parsed = None
  if is_as_written(parsed):
    return None
  target = free_name(os.path.splitext(path)[0] + ".edited", ".json")
  os.rename(path, target)
  added = sorted(set(parsed) - set(WRITTEN_KEYS)) if isinstance(parsed, dict) else []
  undigested = isinstance(parsed, dict) and own_digest.KEY not in parsed
  what = f"it adds {', '.join(added)}" if added else ("it carries no written_sha256: an older export's, or edited"
                                                      if undigested else "edited")
  print(f"{path} is not the description the export wrote ({what}): kept as {target}, and a new one written.",
        file=sys.stderr, flush=True)
  return target


def check_same_run(output: str, earlier: dict, source_run: str, run_id: str | None, lineage=()) -> None:
  """An earlier export in `output` is replaced only by one of the same run: the same run identity
  (train/fault_tolerance.py, run_identity: a run deleted and trained again at the same path is
  another run, a copy of the run is the same) or one this run continues (its `lineage`: a copy
  trained on elsewhere), or, for exports and checkpoints from before identities, the same run directory."""
  if earlier.get("run_id") and run_id:
    if earlier["run_id"] != run_id and earlier["run_id"] not in lineage:
      gone = earlier.get("source_run") and not os.path.exists(earlier["source_run"])
      moved = (", which no longer exists: a run moved from there counts as another run, as a copy of it does"
               if gone else "")
      if earlier.get("source_run") == source_run:
        moved = (": this folder, which holds another run's checkpoints now (a run trained again here, or a copy "
                 "trained on before checkpoints recorded the run they continue)")
      raise FileExistsError(f"--output={output} holds the export of another run (run {earlier['run_id'][:8]}, trained "
                            f"in {earlier.get('source_run')}{moved}; this is run {run_id[:8]}); choose another "
                            f"directory, or delete that export first.")
  elif earlier.get("source_run", source_run) != source_run:   # the same architecture, another run's weights
    moved = "" if os.path.exists(earlier["source_run"]) else ", which no longer exists: if this run was moved from there"
    raise FileExistsError(f"--output={output} holds the export of another run ({earlier['source_run']}{moved}); "
                          f"choose another directory, or delete that export first.")


def checkpoint_meta(workdir: str, step: int) -> dict:
  """The meta of checkpoint `step` of the run; {} when it cannot be read (pruned since)."""
  ckpt = Checkpointer(os.path.join(workdir, "checkpoints"), read_only=True)
  try:
    return ckpt.read_meta(step)
  except Exception:  # pylint: disable=broad-except   (Orbax raises many types for a missing step)
    return {}
  finally:
    ckpt.close()


def checkpoint_weights_digest(workdir: str, step: int) -> str | None:
  """weights_digest of checkpoint `step` of the run (its meta holds the EMA checksums)."""
  return weights_digest(checkpoint_meta(workdir, step))


def ordinary_file_mode() -> int:
  """0o666 less the process umask, as open() gives a new file: safetensors writes 0600 whatever the
  umask, and an export is meant to be shared as far as the user's umask shares files."""
  umask = os.umask(0)
  os.umask(umask)
  return 0o666 & ~umask


def _write_text(path: str, text: str) -> None:
  with open(path, "w") as f:
    f.write(text)
    f.flush()
    os.fsync(f.fileno())


def main(argv=None) -> int:
  parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                   allow_abbrev=False)   # `--out ~/x` would pass user_paths by as another flag
  parser.add_argument("--workdir", required=True, help="the training run (its checkpoints/)")
  parser.add_argument("--output", required=True, help="the export directory")
  parser.add_argument("--step", type=int, default=None, help="checkpoint step (default: the newest)")
  args = parser.parse_args(user_paths.expand_home_flags(sys.argv[1:] if argv is None else argv, ("workdir", "output")))
  try:
    start_jax_backend(os.environ)
    paths = export(args.workdir, args.output, args.step)
  except (ValueError, OSError) as e:          # bad paths, an unreadable checkpoint: one line
    print(f"error: {e}", file=sys.stderr)
    return 2
  print("wrote " + " ".join(paths))
  return 0


if __name__ == "__main__":
  sys.exit(main())
