"""The data config given to sample or score a trained model (a run or an export), checked before
anything builds against what the model kept of its training set: the checkpoint's meta or the
export's config.json (its data.path and that set's manifest). An empty data.path is answered with the
set the model trained on, and a set whose captions another text encoder embedded is refused as the
set's mismatch with the model, before text_encoder.path is compared with that set
(train/source_agreement.py) and the model's own encoder would be blamed."""
import json
import os
import sys

from eflow_jax import checkpoint as ckpt_lib
from eflow_jax.data import records
from eflow_jax.text import encoder_identity


def saved_description(workdir: str, step=None) -> dict | None:
  """{"config": the model's training config, "data_manifest": its data.path's manifest}, or None when
  neither a checkpoint's meta nor an export's config.json can be read (restoring then names why)."""
  try:
    if os.path.isdir(os.path.join(workdir, "checkpoints")):
      ckpt = ckpt_lib.Checkpointer(os.path.join(workdir, "checkpoints"), read_only=True)
      try:
        return ckpt.read_meta(step)
      finally:
        ckpt.close()
    with open(os.path.join(workdir, "config.json")) as f:   # an export (pipeline.py, run_description)
      description = json.load(f)
    return {"config": description["config"], "data_manifest": description["manifest"]}
  except Exception:  # pylint: disable=broad-except   # restoring names a corrupt checkpoint or export
    return None


def check_data_for_model(config, workdir: str, saved: dict | None, *, reads_records: bool = True) -> None:
  """ValueError (one line): an empty data.path (naming the set the model trained on), a data.path /
  data.eval_path holding captions embedded by another text encoder than the model's training captions,
  or a data.eval_path of another clip shape than data.path's.
  reads_records=False (sampling reads only a set's manifest): an empty data.path becomes the trained
  set's path, in one line (deleted_record_set.py stands its kept manifest in where it is gone)."""
  if config.data.source != "array_record" or not isinstance(saved, dict):
    return
  trained = ((saved.get("config") or {}).get("data") or {}).get("path")
  if not config.data.path and trained and not reads_records:
    print(f"note: data.path is empty: the clip shape, latent statistics and class names are those of the set the "
          f"model trained on, {trained}.", file=sys.stderr, flush=True)
    config.data.path = trained
  if not config.data.path and trained:
    model = "the export" if not os.path.isdir(os.path.join(workdir, "checkpoints")) else "the run"
    here = os.path.isdir(trained)
    raise ValueError(f"data.path is empty; {model} {workdir} trained on the record set {trained}"
                     f"{'' if here else ', which is not on this machine'}: pass --config.data.path="
                     f"{trained if here else '<your copy of that set>'}.")
  sets = {field: records.read_manifest(path) for field, path in
          (("data.path", config.data.path), ("data.eval_path", config.data.eval_path))
          if path and os.path.isfile(os.path.join(path, records.MANIFEST))}
  encoder_identity.check_sets_match_model(saved.get("data_manifest"), sets)
  shapes = {field: tuple(manifest.get("latent_shape") or ()) for field, manifest in sets.items()}
  if len(shapes) == 2 and shapes["data.path"] != shapes["data.eval_path"]:   # found only after sampling otherwise
    raise ValueError(f"data.eval_path: its clips are {shapes['data.eval_path']} (latent T, H, W, C), data.path's "
                     f"{shapes['data.path']}, the shape the model samples: the samples and the real clips would not "
                     f"compare; prepare the eval set at data.path's frames and size.")
