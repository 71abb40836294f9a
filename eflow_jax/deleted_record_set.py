"""A run whose record set was deleted after training still samples and exports: every checkpoint
keeps data.path's manifest (train/fault_tolerance.py), and an export's config.json keeps it too, so
that copy stands in for the set (data/pipeline.py, use_saved_manifest) at the path the run trained on."""
import json
import os

from eflow_jax import checkpoint as ckpt_lib
from eflow_jax.data import pipeline as data_pipeline


def stand_in_for_deleted_set(config, workdir: str, step=None) -> None:
  """`--mode=sample` of a run (or an export) whose record set is gone. Another path, or nothing
  readable saved: nothing changes, and the missing set is named as before."""
  if config.data.source != "array_record" or not config.data.path or os.path.exists(config.data.path):
    return
  try:
    if os.path.isdir(os.path.join(workdir, "checkpoints")):
      ckpt = ckpt_lib.Checkpointer(os.path.join(workdir, "checkpoints"), read_only=True)
      try:
        saved = ckpt.read_meta(step)
      finally:
        ckpt.close()
    else:                 # an export (pipeline.py, run_description): checked in full when it is loaded
      with open(os.path.join(workdir, "config.json")) as f:
        description = json.load(f)
      saved = {"config": description["config"], "data_manifest": description["manifest"]}
  except Exception:  # pylint: disable=broad-except   # restoring names a corrupt checkpoint or export
    return
  stands_in(config, saved)


def stands_in(config, meta: dict) -> None:
  """The saved manifest stands in only for the path the run trained on (a mistyped data.path stays an error)."""
  trained_on = ((meta.get("config") or {}).get("data") or {}).get("path")
  if config.data.source == "array_record" and trained_on and \
      os.path.abspath(trained_on) == os.path.abspath(config.data.path):
    data_pipeline.use_saved_manifest(config.data.path, meta.get("data_manifest"))
