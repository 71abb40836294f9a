"""Sampling from a trained model in Python, the way diffusers' pipelines are used:

  pipe = eflow_jax.Pipeline.from_workdir("runs/demo")          # a training run (EMA weights only)
  pipe = eflow_jax.Pipeline.from_pretrained("exported/demo")   # `python -m eflow_jax.tools.export`
  videos = pipe(class_ids=[3, 7], steps=4, guidance=4.0, seed=0)   # uint8 (B, T, H, W, 3)
  videos = pipe(prompts=["digit 3 moving up"], steps=2)           # text models

It holds the EMA parameters, the run's config (model, sampler, data geometry, autoencoder, text
encoder) and one jitted sampler per (steps, sampler, guidance). The noise, the sampler and the
decoder are those of `--mode=sample` (train/evaluate.py), so the same seed gives the same clips.
Single process, default device.
"""
from __future__ import annotations

import json
import os

import jax
import jax.numpy as jnp
import ml_collections
import numpy as np

from eflow_jax import autoencoders
from eflow_jax import checkpoint as ckpt_lib
from eflow_jax import text as text_encoders
from eflow_jax import video_io
from eflow_jax.data import pipeline as data_pipeline
from eflow_jax.models.video_dit import VideoDiT
from eflow_jax.param_tree import unflatten_params

WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "config.json"


def run_description(config, example_shape, step: int, manifest=None) -> dict:
  """What config.json of an export holds: the resolved run config, the example shape the network
  was trained on, the step, and the record set's manifest (it names the autoencoder)."""
  return {"config": ckpt_lib.config_json(config), "example_shape": list(example_shape), "step": int(step),
          "manifest": manifest}


class Pipeline:
  """A trained model ready to sample; see the module docstring."""

  def __init__(self, config: ml_collections.ConfigDict, params, example_shape, *, step: int = 0,
               manifest: dict | None = None):
    self.config, self.params, self.step = config, params, int(step)
    self.model = VideoDiT.from_config(config.model)
    self.example_shape = tuple(int(n) for n in example_shape)
    self.manifest = manifest
    # The rate the clips play at (the training clips', measured by prepare_data), for writing them.
    self.fps = (manifest or {}).get("fps") or video_io.DEFAULT_FPS
    self._samplers, self._decoder, self._text_encoder = {}, None, None

  # ---- Loading. ----------------------------------------------------------------------------------
  @classmethod
  def from_workdir(cls, workdir: str, step: int | None = None, config=None) -> "Pipeline":
    """The EMA weights of a run's checkpoint (default: the newest); the config is the one the
    checkpoint was written with unless `config` (e.g. with another autoencoder.weights) is given."""
    directory = os.path.join(workdir, "checkpoints")
    if not os.path.isdir(directory):
      raise FileNotFoundError(f"no checkpoint under {workdir}/checkpoints; train first or fix the path.")
    ckpt = ckpt_lib.Checkpointer(directory, read_only=True)
    try:
      params, step, meta = ckpt.restore_ema_params(step)
    finally:
      ckpt.close()
    if config is None:
      config = ml_collections.ConfigDict(meta["config"])
    else:
      mismatch = ckpt_lib.model_config_mismatch(meta.get("config", {}), ckpt_lib.config_json(config))
      if mismatch:
        raise ValueError(f"the checkpoint in {directory} is from another model ({mismatch}).")
    manifest = data_pipeline.manifest(config.data) if config.data.source == "array_record" else None
    return cls(config, params, data_pipeline.example_shape(config.data), step=step, manifest=manifest)

  @classmethod
  def from_pretrained(cls, directory: str) -> "Pipeline":
    """An export of `python -m eflow_jax.tools.export`: model.safetensors + config.json."""
    from safetensors.numpy import load_file
    paths = [os.path.join(directory, name) for name in (CONFIG_FILE, WEIGHTS_FILE)]
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
      raise FileNotFoundError(f"{', '.join(missing)} not found: {directory} is not an eflow_jax export "
                              f"(python -m eflow_jax.tools.export --workdir=RUN --output={directory}).")
    with open(paths[0]) as f:
      description = json.load(f)
    config = ml_collections.ConfigDict(description["config"])
    return cls(config, unflatten_params(load_file(paths[1])), description["example_shape"],
               step=description["step"], manifest=description.get("manifest"))

  # ---- Sampling. ---------------------------------------------------------------------------------
  def conditions(self, *, class_ids=None, prompts=None) -> dict:
    """The condition batch: class ids (class models; `num_classes` = unconditional) or prompts."""
    if (class_ids is None) == (prompts is None):
      raise ValueError("give either class_ids (class models) or prompts (text models).")
    if self.model.num_classes:
      if class_ids is None:
        raise ValueError("this is a class-conditional model: give class_ids, not prompts.")
      ids = np.asarray(class_ids, np.int32).reshape(-1)
      bad = [int(i) for i in ids if not 0 <= i <= self.model.num_classes]
      if bad:
        raise ValueError(f"class ids {bad} outside [0, {self.model.num_classes}] ({self.model.num_classes} = "
                         f"unconditional).")
      return {"y": jnp.asarray(ids)}
    if prompts is None:
      raise ValueError("this is a text model: give prompts, not class_ids.")
    if isinstance(prompts, str):
      prompts = [prompts]
    self._text_encoder = self._text_encoder or text_encoders.from_config(self.config)
    text, mask = self._text_encoder.encode(list(prompts))
    return {"text": jnp.asarray(text), "text_mask": jnp.asarray(mask)}

  def latents(self, cond: dict, *, steps: int | None = None, guidance: float | None = None,
              seed: int = 0, sampler: str | None = None):
    """Sampled latents (B, T, H, W, C) for a condition batch (`conditions`)."""
    from eflow_jax.train.evaluate import make_sampler    # the one sampler program of every mode
    key = (steps, sampler, guidance)
    if key not in self._samplers:
      self._samplers[key] = make_sampler(self.model, self.config.flow, self.example_shape, steps=steps,
                                         sampler=sampler, guidance=guidance)
    return self._samplers[key](self.params, cond, jax.random.PRNGKey(seed))

  def decode(self, latents) -> np.ndarray:
    """Latents -> uint8 RGB frames (B, T, H, W, 3) through the run's autoencoder."""
    self._decoder = self._decoder or autoencoders.from_config(self.config, self.manifest)
    return video_io.to_uint8(self._decoder.decode(latents))

  def __call__(self, *, class_ids=None, prompts=None, steps: int | None = None,
               guidance: float | None = None, seed: int = 0, sampler: str | None = None) -> np.ndarray:
    """Few-step samples as uint8 (B, T, H, W, 3); steps / guidance / sampler default to the
    config's flow.inference_steps / w_inf / sampler."""
    cond = self.conditions(class_ids=class_ids, prompts=prompts)
    return self.decode(self.latents(cond, steps=steps, guidance=guidance, seed=seed, sampler=sampler))
