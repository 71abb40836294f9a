"""The Wan 2.1 video VAE in Flax (Linen): causal 3D convolutions, chunked encode / decode.

Architecture (Wan 2.1; the same module tree as diffusers' `AutoencoderKLWan` with
`is_residual=False`, so a diffusers state dict maps onto it name by name, see `wan_convert.py`):

  encoder   conv_in (causal 3x3x3) -> per level: `num_res_blocks` residual blocks
            (RMS-norm, SiLU, causal conv, RMS-norm, SiLU, causal conv, 1x1x1 shortcut when the
            width changes), then a resample (2x spatial, and 2x
            temporal where `temperal_downsample`) -> mid block (res, single-head spatial attention,
            res) -> RMS-norm, SiLU, conv_out -> quant_conv (1x1x1) -> (mu, logvar), 2 z_dim channels
  decoder   post_quant_conv -> conv_in -> mid block -> per level: num_res_blocks + 1 residual blocks
            and an upsampler (nearest 2x + conv2d halving the width; a causal time conv doubling the
            frames where temporal) -> RMS-norm, SiLU, conv_out -> clamp to [-1, 1]

Layout here is channels-last: videos (B, T, H, W, C) in [-1, 1], latents (B, T', H', W', z_dim).

Causality and chunking (what makes the latent of frame t depend only on frames <= t): the encoder
runs on the first frame alone, then on chunks of 4 frames; the decoder on one latent frame at a
time. Between chunks every temporal convolution keeps a FEATURE CACHE of the last frames it saw:
  * a causal kt=3 conv keeps the last 2 frames of its input (zeros before the clip starts), and
    convolves concat(cache, chunk) without further padding;
  * the encoder's temporal downsample (stride-2 kt=3 conv, no padding) passes the first chunk's
    frame through unconvolved and keeps 1 frame: chunk k convolves concat(cache[-1:], chunk);
  * the decoder's temporal upsample skips its time conv on the first latent frame (1 frame out),
    whose cache is then all zeros (Wan's "Rep" marker), and afterwards convolves
    concat(cache, chunk) into 2x channels that interleave into 2x frames.
This is diffusers' / Wan's cache rule with every cache given a fixed shape (a short cache is
left-padded with the zeros the causal padding would have put there), so the chunks after the
first run as ONE `lax.scan` whose carry is the cache pytree: one compiled chunk step whatever the
clip length, and peak memory of one chunk (4 frames at full resolution), which is what lets a
480p x 81-frame clip encode on one device. Batch elements can be processed a few at a time
(`WanVAE21` in `__init__.py`, `max_batch`) for the same reason.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Sequence

import flax.linen as nn
import jax
import jax.numpy as jnp

CACHE_T = 2       # frames a causal kt=3 convolution carries across chunks

# Wan 2.1 latent statistics (Wan's `WanVAE` / diffusers' `AutoencoderKLWan` defaults): the model
# is trained on (z - mean) / std.
WAN21_LATENT_MEAN = (-0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508,
                     0.4134, -0.0715, 0.5517, -0.3632, -0.1922, -0.9497, 0.2503, -0.2921)
WAN21_LATENT_STD = (2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743,
                    3.2687, 2.1526, 2.8652, 1.5579, 1.6382, 1.1253, 2.8251, 1.9160)


@dataclasses.dataclass(frozen=True)
class WanVAEConfig:
  """diffusers `AutoencoderKLWan` config fields (defaults: Wan 2.1, 127M parameters)."""
  base_dim: int = 96
  z_dim: int = 16
  dim_mult: tuple[int, ...] = (1, 2, 4, 4)
  num_res_blocks: int = 2
  attn_scales: tuple[float, ...] = ()
  temperal_downsample: tuple[bool, ...] = (False, True, True)
  in_channels: int = 3
  out_channels: int = 3
  decoder_base_dim: int | None = None

  @classmethod
  def from_dict(cls, d: dict[str, Any] | None) -> "WanVAEConfig":
    """From a diffusers config.json dict (or a subset); unsupported variants are a ValueError."""
    d = dict(d or {})
    if d.get("is_residual"):
      raise ValueError("is_residual=True is the Wan 2.2 VAE; only the Wan 2.1 VAE is implemented.")
    if d.get("patch_size") not in (None, 1):
      raise ValueError(f"patch_size={d['patch_size']} (Wan 2.2) is not supported; Wan 2.1 has none.")
    if d.get("attn_scales"):
      raise ValueError(f"attn_scales={d['attn_scales']}: attention outside the mid blocks is not "
                       "supported (Wan 2.1 has none; diffusers cannot run it either).")
    if d.get("dropout", 0.0):
      raise ValueError("dropout > 0 is not supported (inference-only VAE).")
    fields = {f.name for f in dataclasses.fields(cls)}
    kw = {k: v for k, v in d.items() if k in fields}
    for k in ("dim_mult", "attn_scales", "temperal_downsample"):
      if k in kw:
        kw[k] = tuple(kw[k])
    cfg = cls(**kw)
    if len(cfg.temperal_downsample) != len(cfg.dim_mult) - 1:
      raise ValueError(f"temperal_downsample {cfg.temperal_downsample} needs len(dim_mult) - 1 = "
                       f"{len(cfg.dim_mult) - 1} entries.")
    return cfg

  @property
  def temporal_stride(self) -> int:
    return 2 ** sum(bool(t) for t in self.temperal_downsample)

  @property
  def spatial_stride(self) -> int:
    return 2 ** (len(self.dim_mult) - 1)


# ------------------------------------------------------------------------------------------------
# Layers. Every layer that looks across time takes `cache` (None on the first chunk) and returns
# (output, new cache); the caches of a module are a dict keyed by its children's names.
# ------------------------------------------------------------------------------------------------
def _roll_cache(cache, x, keep: int = CACHE_T):
  """The last `keep` frames of concat(cache, x); a missing cache counts as zeros."""
  if cache is None:
    cache = jnp.zeros((x.shape[0], keep, *x.shape[2:]), x.dtype)
  return jnp.concatenate([cache, x], axis=1)[:, -keep:]


class CausalConv3d(nn.Module):
  """3D conv, zero padding 2*pt frames in front only (causal), symmetric spatial padding."""
  features: int
  kernel: tuple[int, int, int]
  padding: tuple[int, int, int] = (0, 0, 0)
  stride: tuple[int, int, int] = (1, 1, 1)

  @nn.compact
  def __call__(self, x, cache=None):
    pt, ph, pw = self.padding
    front = 2 * pt
    if cache is not None and front > 0:
      x = jnp.concatenate([cache, x], axis=1)
      front -= cache.shape[1]
    x = jnp.pad(x, ((0, 0), (front, 0), (ph, ph), (pw, pw), (0, 0)))
    return nn.Conv(self.features, self.kernel, strides=self.stride, padding="VALID",
                   name="conv")(x)


class RMSNorm(nn.Module):
  """x / max(||x||_2 over channels, 1e-12) * sqrt(C) * gamma (no bias, as in Wan 2.1)."""
  @nn.compact
  def __call__(self, x):
    c = x.shape[-1]
    gamma = self.param("gamma", nn.initializers.ones, (c,), jnp.float32)
    norm = jnp.sqrt(jnp.sum(jnp.square(x.astype(jnp.float32)), axis=-1, keepdims=True))
    y = x.astype(jnp.float32) / jnp.maximum(norm, 1e-12)
    return (y * (c ** 0.5) * gamma).astype(x.dtype)


class ResidualBlock(nn.Module):
  out_dim: int

  @nn.compact
  def __call__(self, x, cache=None):
    cache = cache or {}
    h = x
    if x.shape[-1] != self.out_dim:
      h = CausalConv3d(self.out_dim, (1, 1, 1), name="conv_shortcut")(x)
    new = {}
    x = nn.silu(RMSNorm(name="norm1")(x))
    new["conv1"] = _roll_cache(cache.get("conv1"), x)
    x = CausalConv3d(self.out_dim, (3, 3, 3), (1, 1, 1), name="conv1")(x, cache.get("conv1"))
    x = nn.silu(RMSNorm(name="norm2")(x))
    new["conv2"] = _roll_cache(cache.get("conv2"), x)
    x = CausalConv3d(self.out_dim, (3, 3, 3), (1, 1, 1), name="conv2")(x, cache.get("conv2"))
    return x + h, new


class AttentionBlock(nn.Module):
  """Single-head self-attention over the H*W positions of each frame (no temporal mixing)."""
  @nn.compact
  def __call__(self, x, cache=None):
    b, t, h, w, c = x.shape
    y = RMSNorm(name="norm")(x.reshape(b * t, h, w, c))
    qkv = nn.Conv(3 * c, (1, 1), name="to_qkv")(y).reshape(b * t, h * w, 3 * c)
    q, k, v = jnp.split(qkv, 3, axis=-1)
    logits = jnp.einsum("nqc,nkc->nqk", q, k) / (c ** 0.5)
    probs = jax.nn.softmax(logits.astype(jnp.float32), axis=-1).astype(v.dtype)
    y = jnp.einsum("nqk,nkc->nqc", probs, v)
    y = nn.Conv(c, (1, 1), name="proj")(y.reshape(b * t, h, w, c))
    return x + y.reshape(b, t, h, w, c), {}


class Resample(nn.Module):
  """downsample2d | downsample3d | upsample2d | upsample3d (the time conv only after chunk 0)."""
  mode: str
  out_dim: int

  @nn.compact
  def __call__(self, x, cache=None):
    b, _, h, w, c = x.shape
    first = cache is None
    new = {}
    if self.mode == "upsample3d":
      # After the first frame the cache is all zeros (Wan's "Rep"): the first latent frame is
      # not seen by the time conv of the next one.
      new["time_conv"] = (jnp.zeros((b, CACHE_T, h, w, c), x.dtype) if first
                          else _roll_cache(cache["time_conv"], x))
      if not first:
        inp = jnp.concatenate([cache["time_conv"], x], axis=1)
        y = CausalConv3d(2 * c, (3, 1, 1), name="time_conv")(inp)      # (B, T, H, W, 2C), valid
        t = y.shape[1]
        x = y.reshape(b, t, h, w, 2, c).transpose(0, 1, 4, 2, 3, 5).reshape(b, 2 * t, h, w, c)
    t = x.shape[1]
    y = x.reshape(b * t, *x.shape[2:])
    if self.mode.startswith("upsample"):
      y = jnp.repeat(jnp.repeat(y, 2, axis=1), 2, axis=2)            # nearest(-exact), 2x
      y = nn.Conv(self.out_dim, (3, 3), padding=((1, 1), (1, 1)), name="resample")(y)
    else:
      y = jnp.pad(y, ((0, 0), (0, 1), (0, 1), (0, 0)))                # ZeroPad2d((0, 1, 0, 1))
      y = nn.Conv(self.out_dim, (3, 3), strides=(2, 2), padding="VALID", name="resample")(y)
    x = y.reshape(b, t, *y.shape[1:])
    if self.mode == "downsample3d":
      new["time_conv"] = x[:, -1:]                 # the first frame passes through unconvolved
      if not first:
        x = CausalConv3d(c, (3, 1, 1), stride=(2, 1, 1), name="time_conv")(
            jnp.concatenate([cache["time_conv"], x], axis=1))
    return x, new


def _run(layers: Sequence[tuple[str, nn.Module]], x, cache):
  new = {}
  for name, layer in layers:
    x, new[name] = layer(x, None if cache is None else cache[name])
  return x, new


class MidBlock(nn.Module):
  dim: int

  @nn.compact
  def __call__(self, x, cache=None):
    layers = [("resnets_0", ResidualBlock(self.dim, name="resnets_0")),
              ("attentions_0", AttentionBlock(name="attentions_0")),
              ("resnets_1", ResidualBlock(self.dim, name="resnets_1"))]
    return _run(layers, x, cache)


class Head(nn.Module):
  """RMS-norm, SiLU, causal 3x3x3 conv (conv_out); cached like a residual conv."""
  features: int

  @nn.compact
  def __call__(self, x, cache=None):
    x = nn.silu(RMSNorm(name="norm_out")(x))
    new = _roll_cache(None if cache is None else cache, x)
    x = CausalConv3d(self.features, (3, 3, 3), (1, 1, 1), name="conv_out")(x, cache)
    return x, new


class Encoder3d(nn.Module):
  cfg: WanVAEConfig

  @nn.compact
  def __call__(self, x, cache=None):
    cfg = self.cfg
    dims = [cfg.base_dim * u for u in (1, *cfg.dim_mult)]
    layers = []
    k = 0
    for i, out_dim in enumerate(dims[1:]):
      for _ in range(cfg.num_res_blocks):
        layers.append(ResidualBlock(out_dim, name=f"down_blocks_{k}"))
        k += 1
      if i != len(cfg.dim_mult) - 1:
        mode = "downsample3d" if cfg.temperal_downsample[i] else "downsample2d"
        layers.append(Resample(mode, out_dim, name=f"down_blocks_{k}"))
        k += 1
    new = {"conv_in": _roll_cache(None if cache is None else cache["conv_in"], x)}
    x = CausalConv3d(dims[0], (3, 3, 3), (1, 1, 1), name="conv_in")(
        x, None if cache is None else cache["conv_in"])
    x, new_layers = _run([(l.name, l) for l in layers], x, cache)
    new.update(new_layers)
    x, new["mid_block"] = MidBlock(dims[-1], name="mid_block")(
        x, None if cache is None else cache["mid_block"])
    x, new["head"] = Head(2 * cfg.z_dim, name="head")(x, None if cache is None else cache["head"])
    return x, new


class Decoder3d(nn.Module):
  cfg: WanVAEConfig

  @nn.compact
  def __call__(self, x, cache=None):
    cfg = self.cfg
    base = cfg.decoder_base_dim or cfg.base_dim
    mult = cfg.dim_mult
    dims = [base * u for u in (mult[-1], *mult[::-1])]
    temperal_upsample = tuple(cfg.temperal_downsample[::-1])
    new = {"conv_in": _roll_cache(None if cache is None else cache["conv_in"], x)}
    x = CausalConv3d(dims[0], (3, 3, 3), (1, 1, 1), name="conv_in")(
        x, None if cache is None else cache["conv_in"])
    x, new["mid_block"] = MidBlock(dims[0], name="mid_block")(
        x, None if cache is None else cache["mid_block"])
    for i, out_dim in enumerate(dims[1:]):
      name = f"up_blocks_{i}"
      c = None if cache is None else cache[name]
      layers = [(f"resnets_{j}", ResidualBlock(out_dim, name=f"{name}_resnets_{j}"))
                for j in range(cfg.num_res_blocks + 1)]
      if i != len(mult) - 1:
        mode = "upsample3d" if temperal_upsample[i] else "upsample2d"
        layers.append(("upsamplers_0", Resample(mode, out_dim // 2, name=f"{name}_upsamplers_0")))
      x, new[name] = _run(layers, x, c)
    x, new["head"] = Head(cfg.out_channels, name="head")(x, None if cache is None else cache["head"])
    return x, new


class WanVAE(nn.Module):
  """Chunk-level Wan 2.1 VAE. `encode_chunk` / `decode_chunk` map (chunk, cache) -> (out, cache);
  `encode` / `decode` (module-free functions below) run a whole clip."""
  cfg: WanVAEConfig = WanVAEConfig()

  def setup(self):
    self.encoder = Encoder3d(self.cfg)
    self.decoder = Decoder3d(self.cfg)
    self.quant_conv = CausalConv3d(2 * self.cfg.z_dim, (1, 1, 1))
    self.post_quant_conv = CausalConv3d(self.cfg.z_dim, (1, 1, 1))

  def encode_chunk(self, x, cache=None):
    """(B, T, H, W, in) -> (mu, logvar) each (B, T', H/s, W/s, z_dim), new cache."""
    h, cache = self.encoder(x, cache)
    h = self.quant_conv(h)
    return h[..., :self.cfg.z_dim], h[..., self.cfg.z_dim:], cache

  def decode_chunk(self, z, cache=None):
    """(B, t, h, w, z_dim) -> (B, T, H, W, out) unclamped, new cache."""
    return self.decoder(self.post_quant_conv(z), cache)

  def __call__(self, x):
    """Encode + decode of a 1 + 4 frame clip (used to create every parameter at init)."""
    mu, _, cache = self.encode_chunk(x[:, :1])
    mu2, _, _ = self.encode_chunk(x[:, 1:1 + self.cfg.temporal_stride], cache)
    y, cache = self.decode_chunk(mu)
    y2, _ = self.decode_chunk(mu2, cache)
    return jnp.concatenate([y, y2], axis=1)


# ------------------------------------------------------------------------------------------------
# Whole clips: first frame alone, then a lax.scan over the remaining chunks.
# ------------------------------------------------------------------------------------------------
def encode(module: WanVAE, params, video, *, return_logvar: bool = False):
  """video (B, 1 + s k, H, W, C) in [-1, 1] -> raw posterior mean (B, 1 + k, H/8, W/8, z_dim)."""
  cfg, st = module.cfg, module.cfg.temporal_stride
  b, t, h, w, c = video.shape
  if (t - 1) % st or h % cfg.spatial_stride or w % cfg.spatial_stride or c != cfg.in_channels:
    raise ValueError(f"video {video.shape[1:]} must be (1 + {st}k, H, W, {cfg.in_channels}) with H, "
                     f"W multiples of {cfg.spatial_stride}.")
  v = {"params": params}
  mu, logvar, cache = module.apply(v, video[:, :1], method=WanVAE.encode_chunk)
  if t > 1:
    chunks = video[:, 1:].reshape(b, (t - 1) // st, st, h, w, c).swapaxes(0, 1)

    def body(cache, chunk):
      m, lv, cache = module.apply(v, chunk, cache, method=WanVAE.encode_chunk)
      return cache, (m, lv)

    _, (ms, lvs) = jax.lax.scan(body, cache, chunks)
    join = lambda first, rest: jnp.concatenate(
        [first, rest.swapaxes(0, 1).reshape(b, -1, *rest.shape[3:])], axis=1)
    mu, logvar = join(mu, ms), join(logvar, lvs)
  return (mu, logvar) if return_logvar else mu


def decode(module: WanVAE, params, z, *, clamp: bool = True):
  """raw latents (B, 1 + k, h, w, z_dim) -> video (B, 1 + s k, 8h, 8w, C) in [-1, 1]."""
  cfg = module.cfg
  if z.ndim != 5 or z.shape[-1] != cfg.z_dim:
    raise ValueError(f"latents {z.shape} must be (B, T, h, w, {cfg.z_dim}).")
  b, t = z.shape[:2]
  v = {"params": params}
  out, cache = module.apply(v, z[:, :1], method=WanVAE.decode_chunk)
  if t > 1:
    def body(cache, frame):
      y, cache = module.apply(v, frame[:, None], cache, method=WanVAE.decode_chunk)
      return cache, y

    _, ys = jax.lax.scan(body, cache, z[:, 1:].swapaxes(0, 1))
    out = jnp.concatenate([out, ys.swapaxes(0, 1).reshape(b, -1, *ys.shape[3:])], axis=1)
  return jnp.clip(out, -1.0, 1.0) if clamp else out


def init_params(cfg: WanVAEConfig, seed: int = 0):
  """Random parameters (Flax default initialisers) for a config, e.g. a tiny test VAE."""
  s = cfg.spatial_stride
  x = jnp.zeros((1, 1 + cfg.temporal_stride, s, s, cfg.in_channels), jnp.float32)
  return jax.jit(WanVAE(cfg).init)(jax.random.PRNGKey(seed), x)["params"]


def abstract_params(cfg: WanVAEConfig):
  """ShapeDtypeStructs of the parameter tree (no compute), e.g. for Orbax restore."""
  return jax.eval_shape(lambda: init_params(cfg))
