"""The digests an export's config.json carries of its own fields (tools/export.py writes them under
`checksums`, pipeline.py checks them before anything is built).

model_sha256        the model section without its runtime fields: a field that owns no tensor
                    (feature_map, linear_normalize...) edited by hand would run the weights as
                    another network.
description_sha256  what sampling reads besides the weights and the model: the example shape (the
                    network takes any number of patches, so an edited frame count samples clips it
                    never saw), the record set's manifest (its latent statistics decode the clips)
                    and the step.
Digests, not copies, so that one edit of the file (sed) cannot change a field and its copy alike.
An export older than a digest loads with one warning naming what cannot be checked.
"""
from __future__ import annotations

import hashlib
import json
import sys

from eflow_jax.checkpoint_compat import RUNTIME_MODEL_FIELDS

DESCRIPTION_FIELDS = ("example_shape", "manifest", "step")
CHECKED = {"model_sha256": "its model section", "description_sha256": "its example_shape, manifest and step"}


def _sha256(value) -> str:
  return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def model_digest(model: dict) -> str:
  """sha256 of the model section without its runtime fields (checkpoint_compat.RUNTIME_MODEL_FIELDS)."""
  return _sha256({k: v for k, v in model.items() if k not in RUNTIME_MODEL_FIELDS})


def description_digest(description: dict) -> str:
  """sha256 of the DESCRIPTION_FIELDS of an export description."""
  return _sha256({k: description.get(k) for k in DESCRIPTION_FIELDS})


def digests(description: dict) -> dict:
  """The digests `run_description` adds to `checksums`."""
  return {"model_sha256": model_digest(description["config"]["model"]),
          "description_sha256": description_digest(description)}


def edited_problem(path: str, description: dict) -> str | None:
  """One line naming the field group edited since the export (None: none, or no digest to compare);
  a missing digest is warned about once, on stderr."""
  saved = description.get("checksums") or {}
  now = digests(description)
  if saved.get("model_sha256") not in (None, now["model_sha256"]):
    return (f"{path}: its 'model' section was edited after the export (checksums.model_sha256 differs): the "
            f"weights would run as another network; set it back or export the run again.")
  if saved.get("description_sha256") not in (None, now["description_sha256"]):
    return (f"{path}: its example_shape, manifest or step was edited after the export (checksums."
            f"description_sha256 differs): the weights would sample clips of another shape or decode them "
            f"with other statistics; set it back or export the run again.")
  missing = [CHECKED[name] for name in CHECKED if name not in saved]
  if missing:
    print(f"warning: {path} carries no digest of {' or '.join(missing)} (an export older than them): hand "
          f"edits there cannot be detected; export the run again to add them.", file=sys.stderr, flush=True)
  return None
