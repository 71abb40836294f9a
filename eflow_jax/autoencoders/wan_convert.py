"""Wan 2.1 VAE weights: diffusers / original Wan checkpoints -> Flax parameters, cached as Orbax.

Accepted sources (`load_wan_vae(path)`; nothing is ever downloaded):
  * a diffusers model directory (config.json + diffusion_pytorch_model*.safetensors), e.g. the
    `vae/` folder of a local Wan2.1-T2V snapshot;
  * a single .safetensors / .pth / .pt / .bin file with diffusers names, or with the ORIGINAL Wan
    names (`Wan2.1_VAE.pth`: encoder.conv1, encoder.downsamples.N.residual.K, encoder.middle.N,
    encoder.head.N, conv1 / conv2 = quant / post-quant, decoder.upsamples.N flat); the original
    layout is mapped to diffusers names first (`original_to_diffusers`, the same mapping as
    diffusers' `convert_wan_vae_to_diffusers`, derived for any num_res_blocks / dim_mult);
  * an Orbax directory written by `save_params` (the cache).
With `cache_dir`, a converted checkpoint is saved there as Orbax once and read from there after.

Name mapping diffusers -> Flax (channels-last kernels):
  <conv3d>.weight (O, I, kt, kh, kw) -> <...>/conv/kernel (kt, kh, kw, I, O), .bias -> conv/bias
  resample.1.weight (O, I, 3, 3)     -> resample/kernel (3, 3, I, O); to_qkv / proj likewise
  *.gamma (C, 1[, 1[, 1]])           -> */gamma (C,)
  encoder.norm_out / conv_out        -> encoder/head/norm_out, encoder/head/conv_out (same for decoder)
  X.N (module lists)                 -> X_N;  decoder.up_blocks.I.resnets.J -> up_blocks_I_resnets_J
"""
from __future__ import annotations

import glob
import json
import os
import re
from typing import Any, Mapping

import jax
import numpy as np

from eflow_jax.autoencoders import wan_vae

_CONV3D = {"conv1", "conv2", "conv_shortcut", "conv_in", "conv_out", "time_conv", "quant_conv",
           "post_quant_conv"}
_CONFIG_JSON = "wan_vae_config.json"


# ------------------------------------------------------------------------------------------------
# diffusers state dict -> Flax params.
# ------------------------------------------------------------------------------------------------
def _flax_path(key: str) -> tuple[tuple[str, ...], str]:
  """diffusers key -> (Flax path, kind of transform)."""
  tokens = key.split(".")
  path: list[str] = []
  i = 0
  while i < len(tokens):
    tok = tokens[i]
    if tok == "resample" and i + 1 < len(tokens) and tokens[i + 1] == "1":
      path.append("resample")
      i += 2
      continue
    if tok.isdigit():
      path[-1] = f"{path[-1]}_{tok}"
    else:
      path.append(tok)
    i += 1
  leaf = path.pop()
  # decoder.up_blocks_I.resnets_J -> decoder.up_blocks_I_resnets_J (flat names in Decoder3d)
  if len(path) >= 3 and path[0] == "decoder" and path[1].startswith("up_blocks_"):
    path[1:3] = [f"{path[1]}_{path[2]}"]
  if len(path) == 2 and path[1] in ("norm_out", "conv_out"):
    path.insert(1, "head")
  if leaf == "gamma":
    return (*path, "gamma"), "gamma"
  if leaf not in ("weight", "bias"):
    raise ValueError(f"unexpected parameter {key!r} in a Wan VAE state dict.")
  name = "kernel" if leaf == "weight" else "bias"
  if path[-1] in _CONV3D:
    return (*path, "conv", name), name
  return (*path, name), name


def _to_numpy(value) -> np.ndarray:
  if hasattr(value, "detach"):                      # torch.Tensor
    value = value.detach().cpu().float().numpy()
  return np.asarray(value, np.float32)


def diffusers_to_params(state_dict: Mapping[str, Any], cfg: wan_vae.WanVAEConfig) -> dict:
  """A diffusers `AutoencoderKLWan` state dict -> the Flax params tree of `WanVAE(cfg)`.

  Every key must be used and every parameter of the Flax model filled, with matching shapes;
  otherwise a one-line ValueError names the first few offenders.
  """
  params: dict = {}
  for key, value in state_dict.items():
    path, kind = _flax_path(key)
    arr = _to_numpy(value)
    if kind == "gamma":
      arr = arr.reshape(arr.shape[0])
    elif kind == "kernel":
      if arr.ndim == 5:
        arr = arr.transpose(2, 3, 4, 1, 0)
      elif arr.ndim == 4:
        arr = arr.transpose(2, 3, 1, 0)
      else:
        raise ValueError(f"{key}: weight of rank {arr.ndim}; expected a 2D or 3D conv.")
    node = params
    for p in path[:-1]:
      node = node.setdefault(p, {})
    node[path[-1]] = arr
  _check_against(params, wan_vae.abstract_params(cfg))
  return params


def _check_against(params, abstract) -> None:
  got = {jax.tree_util.keystr(k): v.shape for k, v in jax.tree_util.tree_leaves_with_path(params)}
  want = {jax.tree_util.keystr(k): v.shape for k, v in
          jax.tree_util.tree_leaves_with_path(abstract)}
  missing = sorted(set(want) - set(got))
  extra = sorted(set(got) - set(want))
  bad = sorted(k for k in set(got) & set(want) if tuple(got[k]) != tuple(want[k]))
  if missing or extra or bad:
    parts = []
    if missing:
      parts.append(f"missing {missing[:3]}{' ...' if len(missing) > 3 else ''} ({len(missing)})")
    if extra:
      parts.append(f"unexpected {extra[:3]}{' ...' if len(extra) > 3 else ''} ({len(extra)})")
    if bad:
      parts.append(f"shape mismatch {[(k, got[k], want[k]) for k in bad[:2]]} ({len(bad)})")
    raise ValueError("Wan VAE weights do not fit the config: " + "; ".join(parts) + ".")


# ------------------------------------------------------------------------------------------------
# Original Wan (Wan2.1_VAE.pth) names -> diffusers names.
# ------------------------------------------------------------------------------------------------
_RESIDUAL = {"residual.0.gamma": "norm1.gamma", "residual.2.weight": "conv1.weight",
             "residual.2.bias": "conv1.bias", "residual.3.gamma": "norm2.gamma",
             "residual.6.weight": "conv2.weight", "residual.6.bias": "conv2.bias",
             "shortcut.weight": "conv_shortcut.weight", "shortcut.bias": "conv_shortcut.bias"}


def is_original_format(state_dict: Mapping[str, Any]) -> bool:
  return "encoder.conv1.weight" in state_dict or any(k.startswith("encoder.downsamples.")
                                                     for k in state_dict)


def original_to_diffusers(state_dict: Mapping[str, Any], cfg: wan_vae.WanVAEConfig) -> dict:
  """Renames an original Wan VAE state dict to diffusers names (values untouched)."""
  if cfg.attn_scales:
    raise ValueError("original-format conversion supports attn_scales=() only (Wan 2.1).")
  # decoder.upsamples is one flat list: per level num_res_blocks + 1 residual blocks, then the
  # upsampler (all levels but the last).
  up_index: dict[int, str] = {}
  n = 0
  levels = len(cfg.dim_mult)
  for i in range(levels):
    for j in range(cfg.num_res_blocks + 1):
      up_index[n] = f"up_blocks.{i}.resnets.{j}"
      n += 1
    if i != levels - 1:
      up_index[n] = f"up_blocks.{i}.upsamplers.0"
      n += 1
  top = {"conv1": "quant_conv", "conv2": "post_quant_conv"}
  out = {}
  for key, value in state_dict.items():
    m = re.fullmatch(r"(encoder|decoder)\.(.+)", key)
    if m is None:
      mod, _, leaf = key.partition(".")
      if mod not in top:
        raise ValueError(f"unexpected key {key!r} in an original Wan VAE checkpoint.")
      out[f"{top[mod]}.{leaf}"] = value
      continue
    side, rest = m.groups()
    if rest.startswith("conv1."):
      new = "conv_in." + rest[len("conv1."):]
    elif rest.startswith("head.0."):
      new = "norm_out." + rest[len("head.0."):]
    elif rest.startswith("head.2."):
      new = "conv_out." + rest[len("head.2."):]
    elif rest.startswith("middle."):
      _, idx, leaf = rest.split(".", 2)
      if idx == "1":
        new = f"mid_block.attentions.0.{leaf}"
      else:
        new = f"mid_block.resnets.{int(idx) // 2}.{_RESIDUAL.get(leaf, leaf)}"
    elif rest.startswith("downsamples.") and side == "encoder":
      _, idx, leaf = rest.split(".", 2)
      new = f"down_blocks.{idx}.{_RESIDUAL.get(leaf, leaf)}"
    elif rest.startswith("upsamples.") and side == "decoder":
      _, idx, leaf = rest.split(".", 2)
      if int(idx) not in up_index:
        raise ValueError(f"{key}: decoder.upsamples index {idx} does not fit the config.")
      new = f"{up_index[int(idx)]}.{_RESIDUAL.get(leaf, leaf)}"
    else:
      raise ValueError(f"unexpected key {key!r} in an original Wan VAE checkpoint.")
    out[f"{side}.{new}"] = value
  return out


# ------------------------------------------------------------------------------------------------
# Files: safetensors / torch pickles / diffusers directories / the Orbax cache.
# ------------------------------------------------------------------------------------------------
def read_state_dict(path: str) -> dict[str, np.ndarray]:
  """A .safetensors or torch .pth/.pt/.bin file (or a diffusers directory) -> {name: array}."""
  if os.path.isdir(path):
    files = sorted(glob.glob(os.path.join(path, "*.safetensors"))) or sorted(
        glob.glob(os.path.join(path, "*.bin")))
    if not files:
      raise ValueError(f"{path}: no *.safetensors or *.bin weights in the directory.")
    sd = {}
    for f in files:
      sd.update(read_state_dict(f))
    return sd
  if path.endswith(".safetensors"):
    from safetensors.numpy import load_file  # pylint: disable=g-import-not-at-top
    return {k: np.asarray(v, np.float32) for k, v in load_file(path).items()}
  if path.endswith((".pth", ".pt", ".bin", ".ckpt")):
    try:
      import torch  # pylint: disable=g-import-not-at-top
    except ImportError:
      raise ValueError(f"{path}: reading a PyTorch checkpoint needs torch (pip install "
                       "torch==2.13.0); or convert it to .safetensors elsewhere.") from None
    sd = torch.load(path, map_location="cpu", weights_only=True)
    if isinstance(sd, dict) and "state_dict" in sd and isinstance(sd["state_dict"], dict):
      sd = sd["state_dict"]
    return {k: _to_numpy(v) for k, v in sd.items()}
  raise ValueError(f"{path}: unknown weight file type (want a diffusers dir, .safetensors, .pth).")


def save_params(directory: str, params, cfg: wan_vae.WanVAEConfig, source: str = "") -> None:
  """Writes params as an Orbax checkpoint plus the VAE config (the conversion cache) and the weights
  it was converted from (`check_cache_source` refuses it for other weights)."""
  import orbax.checkpoint as ocp  # pylint: disable=g-import-not-at-top
  directory = os.path.abspath(directory)
  os.makedirs(directory, exist_ok=True)
  with ocp.StandardCheckpointer() as ckptr:
    ckptr.save(os.path.join(directory, "params"), params, force=True)
  with open(os.path.join(directory, _CONFIG_JSON), "w") as f:
    json.dump({**_cfg_dict(cfg), **({"source": os.path.realpath(source)} if source else {})}, f, indent=1)


def check_cache_source(cache_dir: str, path: str, arch: Mapping[str, Any] | None) -> None:
  """A cache is read before the weights: one converted from other weights (or for another
  architecture) was returned in their place, whatever `path` named. A cache written before sources were
  recorded is trusted, as before."""
  with open(os.path.join(cache_dir, _CONFIG_JSON)) as f:
    cached = json.load(f)
  source = cached.get("source")
  if path and source and os.path.realpath(path) != source:
    raise ValueError(f"autoencoder.cache_dir={cache_dir} holds the conversion of {source}, not of "
                     f"autoencoder.weights={path}; delete the cache or point cache_dir elsewhere.")
  differ = [k for k, v in (arch or {}).items() if k in cached and _plain(v) != _plain(cached[k])]
  if differ:
    raise ValueError(f"autoencoder.cache_dir={cache_dir} holds a VAE with {differ[0]}={cached[differ[0]]!r}, "
                     f"autoencoder.arch asks {arch[differ[0]]!r}; delete the cache or point cache_dir elsewhere.")


def _plain(value):
  return list(value) if isinstance(value, (tuple, list)) else value


def is_orbax_cache(directory: str) -> bool:
  return os.path.isdir(os.path.join(directory, "params")) and os.path.exists(
      os.path.join(directory, _CONFIG_JSON))


def load_params(directory: str):
  """(params, cfg) from a `save_params` directory."""
  import orbax.checkpoint as ocp  # pylint: disable=g-import-not-at-top
  directory = os.path.abspath(directory)
  if not is_orbax_cache(directory):
    raise ValueError(f"{directory} is not a converted Wan VAE cache (params/ + {_CONFIG_JSON}).")
  with open(os.path.join(directory, _CONFIG_JSON)) as f:
    cfg = wan_vae.WanVAEConfig.from_dict(json.load(f))
  with ocp.StandardCheckpointer() as ckptr:
    try:
      params = ckptr.restore(os.path.join(directory, "params"), wan_vae.abstract_params(cfg))
    except ValueError as e:       # Orbax's shape refusal ends in advice to set strict=False: not ours
      raise ValueError(f"{directory}: params/ do not match {_CONFIG_JSON} ({str(e).splitlines()[0].split('. ')[0]}); "
                       f"the cache is damaged: delete it to convert the weights again.") from None
  return params, cfg


def _cfg_dict(cfg: wan_vae.WanVAEConfig) -> dict:
  d = {k: getattr(cfg, k) for k in cfg.__dataclass_fields__}
  return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


def _read_config(path: str) -> dict | None:
  cand = os.path.join(path if os.path.isdir(path) else os.path.dirname(path), "config.json")
  if os.path.exists(cand):
    with open(cand) as f:
      return json.load(f)
  return None


def load_wan_vae(path: str, *, arch: Mapping[str, Any] | None = None, cache_dir: str = ""):
  """(params, cfg) from any accepted source (module docstring); converts once into `cache_dir`.

  arch: diffusers config overrides; by default config.json beside the weights, else Wan 2.1.
  """
  if cache_dir and is_orbax_cache(cache_dir):
    check_cache_source(cache_dir, path, arch)
    return load_params(cache_dir)
  if not path:
    raise ValueError("autoencoder.weights is empty: give a local Wan 2.1 VAE (diffusers dir, "
                     ".safetensors, Wan2.1_VAE.pth or a converted Orbax dir).")
  if not os.path.exists(path):
    raise ValueError(f"Wan VAE weights {path!r} not found (nothing is downloaded).")
  if os.path.isdir(path) and is_orbax_cache(path):
    return load_params(path)
  cfg_d = dict(_read_config(path) or {})
  cfg_d.update(arch or {})
  cfg = wan_vae.WanVAEConfig.from_dict(cfg_d)
  sd = read_state_dict(path)
  if is_original_format(sd):
    sd = original_to_diffusers(sd, cfg)
  params = jax.tree.map(np.asarray, diffusers_to_params(sd, cfg))
  if cache_dir:
    save_params(cache_dir, params, cfg, source=path)
  return params, cfg
