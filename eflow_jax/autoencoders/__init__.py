"""Autoencoders: pixels <-> the latents the model trains on, chosen by `config.autoencoder.kind`.

Interface (`Autoencoder`), all arrays channels-last, videos in [-1, 1]:
  encode(videos (B, T, H, W, C_pix))   -> latents (B, T', H', W', C_lat), NORMALISED
  decode(latents (B, T', H', W', C_lat)) -> videos (B, T, H, W, C_pix) in [-1, 1]
  latent_shape(T, H, W) / pixel_shape(T', H', W')   the shape rules (ValueError when they do not fit)
  normalize(z) = (z - latent_mean) / latent_std, denormalize its inverse (identity when the stats
  are None). The stats a record set was written with are in its manifest (latent_mean/std), and
  `from_config(config, manifest)` uses THOSE, so decoding always inverts what the data applied.

Kinds:
  identity   pixels are the latents (the embedded Moving MNIST demo): strides 1, no stats
  wan21      the Wan 2.1 VAE (wan_vae.py): 4x8x8 strides, 16 channels, T = 1 + 4k frames,
             Wan's latent mean / std; weights from a local diffusers dir / .safetensors / .pth /
             converted Orbax dir (wan_convert.py), or random (`random_init_seed >= 0`, tests only)
  auto       (default) the autoencoder the record set's manifest names, else identity
"""
from __future__ import annotations

import abc
import functools
from typing import Any, Mapping, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from eflow_jax.autoencoders import wan_vae

KINDS = ("auto", "identity", "wan21")


class Autoencoder(abc.ABC):
  """Base class: the shape rules and the latent normalisation; subclasses encode / decode."""
  name = "base"

  def __init__(self, *, pixel_channels: int, latent_channels: int, temporal_stride: int,
               spatial_stride: int, latent_mean=None, latent_std=None):
    self.pixel_channels, self.latent_channels = int(pixel_channels), int(latent_channels)
    self.temporal_stride, self.spatial_stride = int(temporal_stride), int(spatial_stride)
    if (latent_mean is None) != (latent_std is None):
      raise ValueError("latent_mean and latent_std must be given together (or both None).")
    self.latent_mean = None if latent_mean is None else np.asarray(latent_mean, np.float32)
    self.latent_std = None if latent_std is None else np.asarray(latent_std, np.float32)
    for name, v in (("latent_mean", self.latent_mean), ("latent_std", self.latent_std)):
      if v is not None and v.shape != (self.latent_channels,):
        raise ValueError(f"{name} has {v.shape[0] if v.ndim else 'no'} entries; the latents "
                         f"have {self.latent_channels} channels.")
    if self.latent_std is not None and np.any(self.latent_std <= 0):
      raise ValueError("latent_std must be positive.")

  # -- shape rules ------------------------------------------------------------------------------
  def latent_shape(self, frames: int, height: int, width: int) -> tuple[int, int, int, int]:
    st, ss = self.temporal_stride, self.spatial_stride
    if frames < 1 or (frames - 1) % st or height % ss or width % ss or height < ss or width < ss:
      raise ValueError(f"{self.name}: video {frames}x{height}x{width} must have 1 + {st}k frames "
                       f"and sides that are positive multiples of {ss}.")
    return (1 + (frames - 1) // st, height // ss, width // ss, self.latent_channels)

  def pixel_shape(self, frames: int, height: int, width: int) -> tuple[int, int, int, int]:
    if min(frames, height, width) < 1:
      raise ValueError(f"{self.name}: latent shape {frames}x{height}x{width} must be positive.")
    st, ss = self.temporal_stride, self.spatial_stride
    return (1 + (frames - 1) * st, height * ss, width * ss, self.pixel_channels)

  # -- normalisation ----------------------------------------------------------------------------
  def normalize(self, z):
    if self.latent_mean is None:
      return z
    return (z - self.latent_mean) / self.latent_std

  def denormalize(self, latents):
    if self.latent_mean is None:
      return latents
    return latents * self.latent_std + self.latent_mean

  def _check(self, x, channels: int, what: str):
    if x.ndim != 5 or x.shape[-1] != channels:
      raise ValueError(f"{self.name}: {what} {tuple(x.shape)} must be (B, T, H, W, {channels}).")

  @abc.abstractmethod
  def encode(self, videos):
    """(B, T, H, W, C_pix) in [-1, 1] -> normalised latents."""

  @abc.abstractmethod
  def decode(self, latents):
    """Normalised latents -> (B, T, H, W, C_pix) in [-1, 1]."""


class IdentityAutoencoder(Autoencoder):
  """Pixels are the latents (strides 1, no normalisation)."""
  name = "identity"

  def __init__(self, channels: int = 3):
    super().__init__(pixel_channels=channels, latent_channels=channels, temporal_stride=1,
                     spatial_stride=1)

  def encode(self, videos):
    self._check(videos, self.pixel_channels, "videos")
    return jnp.asarray(videos, jnp.float32)

  def decode(self, latents):
    self._check(latents, self.latent_channels, "latents")
    return jnp.asarray(latents, jnp.float32)


class WanVAE21(Autoencoder):
  """The Wan 2.1 VAE: causal, chunked (wan_vae.py); encode returns the posterior mean."""
  name = "wan21"

  def __init__(self, params, cfg: wan_vae.WanVAEConfig = wan_vae.WanVAEConfig(), *,
               latent_mean: Sequence[float] | None = wan_vae.WAN21_LATENT_MEAN,
               latent_std: Sequence[float] | None = wan_vae.WAN21_LATENT_STD, max_batch: int = 1):
    super().__init__(pixel_channels=cfg.in_channels, latent_channels=cfg.z_dim,
                     temporal_stride=cfg.temporal_stride, spatial_stride=cfg.spatial_stride,
                     latent_mean=latent_mean, latent_std=latent_std)
    if cfg.out_channels != cfg.in_channels:
      raise ValueError("wan21: in_channels != out_channels is not supported.")
    if max_batch < 1:
      raise ValueError(f"max_batch={max_batch} must be >= 1.")
    self.cfg, self.params, self.max_batch = cfg, params, int(max_batch)
    self.module = wan_vae.WanVAE(cfg)
    self._encode = jax.jit(functools.partial(wan_vae.encode, self.module))
    self._decode = jax.jit(functools.partial(wan_vae.decode, self.module))

  def _batched(self, fn, x):
    # Clips go through `max_batch` at a time: the memory knob for 480p (the chunked scan bounds
    # the time axis; this bounds the batch axis).
    outs = [fn(self.params, x[i:i + self.max_batch]) for i in range(0, x.shape[0], self.max_batch)]
    return outs[0] if len(outs) == 1 else jnp.concatenate(outs, axis=0)

  def encode(self, videos):
    self._check(videos, self.pixel_channels, "videos")
    self.latent_shape(*videos.shape[1:4])                      # shape rule (raises)
    z = self._batched(self._encode, jnp.asarray(videos, jnp.float32))
    return self.normalize(z)

  def decode(self, latents):
    self._check(latents, self.latent_channels, "latents")
    return self._batched(self._decode, self.denormalize(jnp.asarray(latents, jnp.float32)))


# ------------------------------------------------------------------------------------------------
# Construction from a config / a manifest.
# ------------------------------------------------------------------------------------------------
def _get(cfg, key, default=None):
  if cfg is None:
    return default
  try:
    value = cfg[key] if isinstance(cfg, Mapping) else cfg.get(key, default)
  except KeyError:
    return default
  return default if value is None else value


def build(kind: str, *, channels: int = 3, weights: str = "", cache_dir: str = "",
          arch: Mapping[str, Any] | None = None, random_init_seed: int = -1, max_batch: int = 1,
          latent_mean="default", latent_std="default") -> Autoencoder:
  """An autoencoder by kind name. latent_mean/std: 'default' = the kind's own (Wan's for
  wan21), None = no normalisation, or per-channel lists."""
  if kind == "identity":
    return IdentityAutoencoder(channels)
  if kind != "wan21":
    raise ValueError(f"autoencoder kind {kind!r}; use one of {KINDS[1:]}.")
  arch = dict(arch or {})
  if weights or cache_dir and _cache_exists(cache_dir):
    from eflow_jax.autoencoders import wan_convert  # pylint: disable=g-import-not-at-top
    params, cfg = wan_convert.load_wan_vae(weights, arch=arch, cache_dir=cache_dir)
  elif random_init_seed >= 0:
    cfg = wan_vae.WanVAEConfig.from_dict(arch)
    params = wan_vae.init_params(cfg, int(random_init_seed))
  else:
    raise ValueError("autoencoder.kind='wan21' needs autoencoder.weights (a local diffusers dir, "
                     ".safetensors, Wan2.1_VAE.pth or converted Orbax dir); random weights only "
                     "with autoencoder.random_init_seed >= 0.")
  if isinstance(latent_mean, str) or isinstance(latent_std, str):
    if cfg.z_dim != len(wan_vae.WAN21_LATENT_MEAN):
      latent_mean = latent_std = None          # Wan's stats are for 16 channels only
    else:
      latent_mean, latent_std = wan_vae.WAN21_LATENT_MEAN, wan_vae.WAN21_LATENT_STD
  return WanVAE21(params, cfg, latent_mean=latent_mean, latent_std=latent_std,
                  max_batch=max_batch)


def _cache_exists(cache_dir: str) -> bool:
  from eflow_jax.autoencoders import wan_convert  # pylint: disable=g-import-not-at-top
  return wan_convert.is_orbax_cache(cache_dir)


def describe(ae: Autoencoder, **extra) -> dict:
  """JSON-able description written into a record set's manifest ('autoencoder_config')."""
  d = {"kind": ae.name}
  if isinstance(ae, WanVAE21):
    d["arch"] = {k: list(v) if isinstance(v, tuple) else v
                 for k, v in vars(ae.cfg).items()}
  else:
    d["channels"] = ae.pixel_channels
  d.update(extra)
  return d


def data_kind(manifest: Mapping[str, Any] | None) -> str:
  """The autoencoder that wrote a record set (its manifest's), identity for pixels (no manifest)."""
  m_ae = dict((manifest or {}).get("autoencoder_config") or {})
  return m_ae.get("kind") or (manifest or {}).get("autoencoder") or "identity"


def check_config(config, manifest: Mapping[str, Any] | None = None) -> None:
  """One-line ValueError, before training, for a `config.autoencoder` that `from_config` would refuse
  when the run first samples, or that would decode the data's latents with another autoencoder."""
  ae_cfg = _get(config, "autoencoder")
  kind = _get(ae_cfg, "kind", "auto")
  if kind not in KINDS:
    raise ValueError(f"autoencoder.kind={kind!r} is unknown; use one of {', '.join(KINDS)}.")
  written_by = data_kind(manifest)
  if kind not in ("auto", written_by):
    where = "its manifest" if manifest is not None else "pixels: no autoencoder"
    raise ValueError(f"autoencoder.kind={kind!r} but the training data was written by {written_by!r} "
                     f"({where}): samples would be decoded with the wrong autoencoder; set "
                     f"autoencoder.kind=auto.")
  m_ae = dict((manifest or {}).get("autoencoder_config") or {})
  if written_by == "wan21" and not (_get(ae_cfg, "weights", "") or m_ae.get("weights") or _get(ae_cfg, "cache_dir", "")
                                    or m_ae.get("cache_dir") or _get(ae_cfg, "random_init_seed", -1) >= 0
                                    or int(m_ae.get("random_init_seed", -1)) >= 0):
    build("wan21")                     # its one-line error: weights are needed


def from_config(config, manifest: Mapping[str, Any] | None = None) -> Autoencoder:
  """The run's autoencoder (`config.autoencoder`), consistent with the record set it trains on.

  kind 'auto': the manifest's autoencoder (its `autoencoder_config`: arch, weights, cache_dir,
  random_init_seed), else identity with config.model.latent_channels channels. Explicit
  config fields (weights, cache_dir) override the manifest's, e.g. on another machine. With a
  manifest, latent stats are the manifest's latent_mean/std (what the stored latents had
  applied); without one, config.autoencoder.latent_mean/std, else the kind's default.
  """
  ae_cfg = _get(config, "autoencoder")
  kind = _get(ae_cfg, "kind", "auto")
  if kind not in KINDS:
    raise ValueError(f"autoencoder.kind={kind!r}; use one of {KINDS}.")
  model_cfg = _get(config, "model")
  channels = int(_get(model_cfg, "latent_channels", 3))
  m_ae = dict((manifest or {}).get("autoencoder_config") or {})
  if kind == "auto":
    kind = data_kind(manifest)
    if kind not in KINDS[1:]:
      raise ValueError(f"manifest autoencoder {kind!r} is not one of {KINDS[1:]}; set "
                       "autoencoder.kind.")
  if kind == "identity":
    channels = int(m_ae.get("channels", (manifest or {}).get("latent_shape", [0, 0, 0,
                                                                              channels])[-1]))
    return IdentityAutoencoder(channels)
  arch = dict(m_ae.get("arch") or {})
  arch.update(dict(_get(ae_cfg, "arch", {}) or {}))
  weights = _get(ae_cfg, "weights", "") or m_ae.get("weights", "")
  cache_dir = _get(ae_cfg, "cache_dir", "") or m_ae.get("cache_dir", "")
  seed = _get(ae_cfg, "random_init_seed", -1)
  if seed < 0 and not weights:
    seed = int(m_ae.get("random_init_seed", -1))
  if manifest is not None:
    mean, std = manifest.get("latent_mean"), manifest.get("latent_std")
  else:
    mean = _get(ae_cfg, "latent_mean", "default")
    std = _get(ae_cfg, "latent_std", "default")
  return build("wan21", weights=weights, cache_dir=cache_dir, arch=arch, random_init_seed=seed,
               max_batch=int(_get(ae_cfg, "max_batch", 1)), latent_mean=mean, latent_std=std)
