"""What every record set of a run (data.path, each stage's data_path, data.eval_path) must share with
data.path, checked before anything compiles (train/validate.py): the autoencoder and its latent
statistics and the text encoder that wrote them, by its weights' digest (a run samples with data.path's:
autoencoders.from_config, text/encoder_identity.py),
and, for class sets, what each class id means."""
from __future__ import annotations

from eflow_jax import autoencoders
from eflow_jax import text as text_encoders
from eflow_jax.data import pipeline
from eflow_jax.text import encoder_identity


def check_sources_agree(config, kind: str, sources) -> None:
  """`sources`: (field, data config) of every source, data.path's first. ValueError, one line, naming
  the field: latents another autoencoder wrote would decode wrongly, and a set numbering other class
  names (['bird', 'cat'] against ['cat', 'dog']) would condition the model as other classes."""
  manifest = pipeline.record_manifest(config.data)
  autoencoders.check_config(config, manifest)
  if kind == "text":
    text_encoders.check_config(config, manifest.get("text_encoder") if manifest else "builtin")
    if manifest and manifest.get("text_encoder") == "t5":        # the weights too: a run samples at its end
      encoder_identity.check_same_encoder(config.text_encoder.path, manifest, "text_encoder.path",
                                          "the captions of data.path")
  for field, data_cfg in (sources[1:] if manifest else ()):
    problem = disagreement(f"{field}={data_cfg.path!r}", pipeline.manifest(data_cfg), "data.path", manifest)
    if problem:
      raise ValueError(problem)


def _keys(m: dict) -> tuple:
  return (autoencoders.data_kind(m), m.get("latent_mean"), m.get("latent_std"), m.get("text_encoder"))


def disagreement(what: str, other: dict, reference: str, manifest: dict) -> str | None:
  """Why the set `what` (its manifest `other`) cannot train or be scored beside `reference` (its
  manifest), in one sentence; None when they agree (sets prepared before digests or names: not known)."""
  if _keys(other) != _keys(manifest):
    return (f"{what} was written with (autoencoder, latent_mean, latent_std, text_encoder) {_keys(other)}, "
            f"{reference} with {_keys(manifest)}: its latents would decode wrongly; re-prepare it like {reference}.")
  embedded_by, own_encoder = other.get(encoder_identity.KEY), manifest.get(encoder_identity.KEY)
  if embedded_by and own_encoder and embedded_by != own_encoder:
    return (f"{what} holds captions embedded by another text encoder (digest {embedded_by}) than those of {reference} "
            f"(digest {own_encoder}): the model would meet conditions unlike its training captions; prepare it with "
            f"the text encoder of {reference}.")
  names, own = other.get("class_names"), manifest.get("class_names")
  if names and own and names != own:       # a label is an index into the names
    return (f"{what} numbers its classes {names}, {reference} {own}: its clips would condition the model as other "
            f"classes; prepare it with the class names of {reference}.")
  if bool(names) != bool(own) and {other.get("label_kind"), manifest.get("label_kind")} == {"class"}:
    return (f"{what} {'names its classes ' + str(names) if names else 'numbers its classes without names'}, "
            f"{reference} {'names them ' + str(own) if own else 'without names'}: which id is which class cannot be "
            f"checked; prepare both with class names (class folders, or labels given as names).")
  return None
