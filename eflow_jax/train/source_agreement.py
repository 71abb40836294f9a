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
  manifest = pipeline.manifest(config.data) if config.data.source == "array_record" else None
  autoencoders.check_config(config, manifest)
  if kind == "text":
    text_encoders.check_config(config, manifest.get("text_encoder") if manifest else "builtin")
    if manifest and manifest.get("text_encoder") == "t5":        # the weights too: a run samples at its end
      encoder_identity.check_same_encoder(config.text_encoder.path, manifest, "text_encoder.path",
                                          "the captions of data.path")
  keys = lambda m: (autoencoders.data_kind(m), m.get("latent_mean"), m.get("latent_std"), m.get("text_encoder"))
  for field, data_cfg in (sources[1:] if manifest else ()):
    other = pipeline.manifest(data_cfg)
    if keys(other) != keys(manifest):
      raise ValueError(f"{field}={data_cfg.path!r} was written with (autoencoder, latent_mean, latent_std, "
                       f"text_encoder) {keys(other)}, data.path with {keys(manifest)}: its latents would decode "
                       f"wrongly; re-prepare it like data.path.")
    embedded_by, own_encoder = other.get(encoder_identity.KEY), manifest.get(encoder_identity.KEY)
    if embedded_by and own_encoder and embedded_by != own_encoder:       # sets prepared before digests: not known
      raise ValueError(f"{field}={data_cfg.path!r} holds captions embedded by another text encoder (digest "
                       f"{embedded_by}) than data.path's (digest {own_encoder}): the model would meet conditions "
                       f"unlike its training captions; prepare it with data.path's text encoder.")
    names, own = other.get("class_names"), manifest.get("class_names")
    if kind == "class" and names and own and names != own:       # a label is an index into the names
      raise ValueError(f"{field}={data_cfg.path!r} numbers its classes {names}, data.path {own}: its clips would "
                       f"condition the model as other classes; prepare it with data.path's class names.")
