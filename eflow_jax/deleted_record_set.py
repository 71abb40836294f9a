"""A run whose record set was deleted after training still samples and exports: every checkpoint
keeps data.path's manifest (train/fault_tolerance.py), and an export's config.json keeps it too, so
that copy stands in for the set (data/pipeline.py, use_saved_manifest) at the path the run trained on."""
import os

from eflow_jax.data import pipeline as data_pipeline


def stands_in(config, meta: dict) -> None:
  """The saved manifest stands in only for the path the run trained on (a mistyped data.path stays an error)."""
  trained_on = ((meta.get("config") or {}).get("data") or {}).get("path")
  if config.data.source == "array_record" and trained_on and \
      os.path.abspath(trained_on) == os.path.abspath(config.data.path):
    data_pipeline.use_saved_manifest(config.data.path, meta.get("data_manifest"))
