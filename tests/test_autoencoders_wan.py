"""Wan 2.1 VAE in Flax against diffusers' PyTorch AutoencoderKLWan (random weights), converter,
Orbax cache, causality of the chunked encoder."""
import os

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from eflow_jax.autoencoders import wan_convert
from eflow_jax.autoencoders import wan_vae

TINY = dict(base_dim=8, z_dim=4, dim_mult=[1, 2, 2, 2], num_res_blocks=1,
            temperal_downsample=[False, True, True], attn_scales=[])
# Same module tree as Wan 2.1 (4 levels, 2 res blocks, a width change in decoder level 1), small.
TINY_WAN_LAYOUT = dict(base_dim=8, z_dim=16, dim_mult=[1, 2, 4, 4], num_res_blocks=2,
                       temperal_downsample=[False, True, True], attn_scales=[])


def _torch():
  torch = pytest.importorskip("torch", reason="parity tests need torch (pip install torch==2.13.0)")
  diffusers = pytest.importorskip("diffusers", reason="parity tests need diffusers>=0.42")
  return torch, diffusers


def _torch_vae(kw, seed=0):
  torch, diffusers = _torch()
  torch.manual_seed(seed)
  model = diffusers.AutoencoderKLWan(**kw).eval()
  with torch.no_grad():                      # make gammas / biases non-trivial
    for name, p in model.named_parameters():
      if name.endswith(("gamma", "bias")):
        p.add_(0.1 * torch.randn_like(p))
  return model


def _rel(a, b):
  return float(np.abs(a - b).max() / np.abs(b).max())


def _parity(kw, shape, seed=0):
  """(encode max abs, encode rel, decode max abs, decode rel) of Flax vs diffusers."""
  torch, _ = _torch()
  tm = _torch_vae(kw, seed)
  cfg = wan_vae.WanVAEConfig.from_dict(dict(tm.config))
  params = wan_convert.diffusers_to_params(tm.state_dict(), cfg)
  g = torch.Generator().manual_seed(seed + 1)
  x = torch.rand(*shape, generator=g) * 2 - 1                       # (B, C, T, H, W)
  with torch.no_grad():
    mu_t = tm.encode(x).latent_dist.mean.numpy()
    z = torch.randn(*mu_t.shape, generator=g)
    out_t = tm.decode(z).sample.numpy()
  module = wan_vae.WanVAE(cfg)
  mu_j = jax.jit(lambda p, v: wan_vae.encode(module, p, v))(
      params, jnp.asarray(x.numpy().transpose(0, 2, 3, 4, 1)))
  out_j = jax.jit(lambda p, v: wan_vae.decode(module, p, v))(
      params, jnp.asarray(z.numpy().transpose(0, 2, 3, 4, 1)))
  mu_j = np.asarray(mu_j).transpose(0, 4, 1, 2, 3)
  out_j = np.asarray(out_j).transpose(0, 4, 1, 2, 3)
  assert mu_j.shape == mu_t.shape and out_j.shape == out_t.shape == shape
  assert np.mean(np.abs(out_t) >= 1.0) < 0.05          # the clamp does not hide the comparison
  return (float(np.abs(mu_j - mu_t).max()), _rel(mu_j, mu_t),
          float(np.abs(out_j - out_t).max()), _rel(out_j, out_t))


def test_parity_tiny_config_against_diffusers():
  # 9 frames: the first frame alone, then two chunks of 4 through the cached scan.
  ea, er, da, dr = _parity(TINY, (2, 3, 9, 32, 48))
  print(f"tiny: encode max abs {ea:.2e} rel {er:.2e}; decode max abs {da:.2e} rel {dr:.2e}")
  assert er <= 1e-4 and dr <= 1e-4


def test_parity_full_wan21_shapes_against_diffusers():
  ea, er, da, dr = _parity({}, (1, 3, 5, 32, 32))   # diffusers defaults = Wan 2.1 (127M params)
  print(f"full: encode max abs {ea:.2e} rel {er:.2e}; decode max abs {da:.2e} rel {dr:.2e}")
  assert er <= 1e-4 and dr <= 1e-4


@pytest.mark.slow
def test_parity_full_wan21_longer_clip():
  ea, er, da, dr = _parity({}, (1, 3, 9, 64, 48), seed=3)
  print(f"full 9x64x48: encode max abs {ea:.2e} rel {er:.2e}; decode max abs {da:.2e} rel {dr:.2e}")
  assert er <= 1e-4 and dr <= 1e-4


def test_parity_detects_a_wrong_weight():
  """The comparison can fail: one transposed kernel gives a large error."""
  torch, _ = _torch()
  tm = _torch_vae(TINY)
  cfg = wan_vae.WanVAEConfig.from_dict(dict(tm.config))
  params = wan_convert.diffusers_to_params(tm.state_dict(), cfg)
  k = params["encoder"]["down_blocks_0"]["conv1"]["conv"]["kernel"]
  params["encoder"]["down_blocks_0"]["conv1"]["conv"]["kernel"] = k[::-1]      # flip time taps
  x = torch.rand(1, 3, 5, 16, 16) * 2 - 1
  with torch.no_grad():
    mu_t = tm.encode(x).latent_dist.mean.numpy()
  module = wan_vae.WanVAE(cfg)
  mu_j = np.asarray(jax.jit(lambda p, v: wan_vae.encode(module, p, v))(
      params, jnp.asarray(x.numpy().transpose(0, 2, 3, 4, 1))))
  assert _rel(mu_j.transpose(0, 4, 1, 2, 3), mu_t) > 1e-3


def test_encoder_is_causal_and_chunking_is_consistent():
  """Latent frame j depends only on frames <= 1 + 4j: encoding a prefix gives the same prefix."""
  cfg = wan_vae.WanVAEConfig.from_dict(TINY)
  params = wan_vae.init_params(cfg, 0)
  module = wan_vae.WanVAE(cfg)
  enc = jax.jit(lambda v: wan_vae.encode(module, params, v))
  x = jax.random.uniform(jax.random.PRNGKey(0), (2, 9, 8, 8, 3), minval=-1, maxval=1)
  full = enc(x)
  # x2: the same clip cut after frame 5 and continued differently
  x2 = x.at[1].set(x[0].at[5:].set(-x[0, 5:]))
  both = enc(x2)
  assert full.shape == (2, 3, 1, 1, 4)
  np.testing.assert_allclose(np.asarray(both[1, :2]), np.asarray(full[0, :2]), atol=1e-5)
  assert float(jnp.abs(both[1, 2] - full[0, 2]).max()) > 1e-4
  prefix = jax.jit(lambda v: wan_vae.encode(module, params, v))(x[:, :5])
  np.testing.assert_allclose(np.asarray(prefix), np.asarray(full[:, :2]), atol=1e-5)
  # Decoder: latent prefix -> pixel prefix.
  dec = jax.jit(lambda z: wan_vae.decode(module, params, z, clamp=False))
  dec, dec2 = dec(full), dec(jnp.concatenate([full[:, :2], -full[:, 2:]], axis=1))
  assert dec.shape == (2, 9, 8, 8, 3)
  np.testing.assert_allclose(np.asarray(dec2[:, :5]), np.asarray(dec[:, :5]), atol=1e-5)
  assert float(jnp.abs(dec2[:, 5:] - dec[:, 5:]).max()) > 1e-4


def test_bad_video_shapes_are_one_line_errors():
  cfg = wan_vae.WanVAEConfig.from_dict(TINY)
  params = wan_vae.init_params(cfg, 0)
  with pytest.raises(ValueError, match="1 \\+ 4k"):
    wan_vae.encode(wan_vae.WanVAE(cfg), params, jnp.zeros((1, 4, 16, 16, 3)))
  with pytest.raises(ValueError, match="multiples of 8"):
    wan_vae.encode(wan_vae.WanVAE(cfg), params, jnp.zeros((1, 5, 12, 16, 3)))
  with pytest.raises(ValueError, match="Wan 2.2"):
    wan_vae.WanVAEConfig.from_dict(dict(is_residual=True))
  with pytest.raises(ValueError, match="attn_scales"):
    wan_vae.WanVAEConfig.from_dict(dict(attn_scales=[0.5]))


# ------------------------------------------------------------------------------------------------
# Converter: names, original Wan layout, Orbax cache.
# ------------------------------------------------------------------------------------------------
def _to_original_names(sd, num_res_blocks, levels):
  """diffusers names -> the original Wan `WanVAE_` names (written from Wan's module tree: residual
  = Sequential(RMS_norm, SiLU, CausalConv3d, RMS_norm, SiLU, Dropout, CausalConv3d), middle =
  [res, attn, res], head = [RMS_norm, SiLU, conv], decoder.upsamples a flat list)."""
  res = {"norm1.gamma": "residual.0.gamma", "conv1.weight": "residual.2.weight",
         "conv1.bias": "residual.2.bias", "norm2.gamma": "residual.3.gamma",
         "conv2.weight": "residual.6.weight", "conv2.bias": "residual.6.bias",
         "conv_shortcut.weight": "shortcut.weight", "conv_shortcut.bias": "shortcut.bias"}
  out = {}
  for key, v in sd.items():
    p = key.split(".")
    if p[0] in ("quant_conv", "post_quant_conv"):
      new = {"quant_conv": "conv1", "post_quant_conv": "conv2"}[p[0]] + "." + p[1]
    elif p[1] == "conv_in":
      new = f"{p[0]}.conv1.{p[2]}"
    elif p[1] == "norm_out":
      new = f"{p[0]}.head.0.{p[2]}"
    elif p[1] == "conv_out":
      new = f"{p[0]}.head.2.{p[2]}"
    elif p[1] == "mid_block":
      idx = 1 if p[2] == "attentions" else 2 * int(p[3])
      leaf = ".".join(p[4:])
      new = f"{p[0]}.middle.{idx}.{leaf if p[2] == 'attentions' else res[leaf]}"
    elif p[1] == "down_blocks":
      leaf = ".".join(p[3:])
      new = f"encoder.downsamples.{p[2]}.{res.get(leaf, leaf)}"
    elif p[1] == "up_blocks":
      i = int(p[2])
      base = i * (num_res_blocks + 2)
      if p[3] == "resnets":
        leaf = ".".join(p[5:])
        new = f"decoder.upsamples.{base + int(p[4])}.{res[leaf]}"
      else:
        new = f"decoder.upsamples.{base + num_res_blocks + 1}.{'.'.join(p[5:])}"
    else:
      raise AssertionError(key)
    out[new] = v
  return out


def test_original_wan_names_match_diffusers_own_conversion():
  torch, _ = _torch()
  from diffusers.loaders.single_file_utils import convert_wan_vae_to_diffusers
  tm = _torch_vae(TINY_WAN_LAYOUT)
  sd = tm.state_dict()
  orig = _to_original_names(sd, 2, 4)
  assert len(orig) == len(sd)
  assert not any(t in k for k in orig for t in ("down_blocks", "up_blocks", "mid_block", "norm1",
                                                 "conv_in", "quant_conv"))
  reference = convert_wan_vae_to_diffusers(dict(orig))
  assert set(reference) == set(sd)                 # the helper's names are Wan's
  cfg = wan_vae.WanVAEConfig.from_dict(dict(tm.config))
  assert wan_convert.is_original_format(orig) and not wan_convert.is_original_format(sd)
  mine = wan_convert.original_to_diffusers(orig, cfg)
  assert mine.keys() == reference.keys()
  assert all(mine[k] is reference[k] for k in mine)
  p1 = wan_convert.diffusers_to_params(sd, cfg)
  p2 = wan_convert.diffusers_to_params(mine, cfg)
  jax.tree.map(np.testing.assert_array_equal, p1, p2)


def test_converter_rejects_mismatched_weights():
  torch, _ = _torch()
  tm = _torch_vae(TINY)
  cfg = wan_vae.WanVAEConfig.from_dict(dict(TINY, z_dim=8))
  with pytest.raises(ValueError, match="do not fit the config"):
    wan_convert.diffusers_to_params(tm.state_dict(), cfg)
  sd = dict(tm.state_dict())
  sd.pop("decoder.conv_in.bias")
  with pytest.raises(ValueError, match="missing"):
    wan_convert.diffusers_to_params(sd, wan_vae.WanVAEConfig.from_dict(TINY))


def test_load_from_diffusers_dir_original_pth_and_orbax_cache(tmp_path):
  torch, _ = _torch()
  tm = _torch_vae(TINY_WAN_LAYOUT)
  tm.save_pretrained(str(tmp_path / "vae"))                     # config.json + safetensors
  cache = str(tmp_path / "cache")
  params, cfg = wan_convert.load_wan_vae(str(tmp_path / "vae"), cache_dir=cache)
  assert cfg.dim_mult == (1, 2, 4, 4) and cfg.z_dim == 16
  assert wan_convert.is_orbax_cache(cache)
  ref = wan_convert.diffusers_to_params(tm.state_dict(), cfg)
  jax.tree.map(np.testing.assert_array_equal, params, ref)
  # Second load: from the cache alone (the source is gone).
  import shutil
  shutil.rmtree(tmp_path / "vae")
  cached, cfg2 = wan_convert.load_wan_vae(str(tmp_path / "vae"), cache_dir=cache)
  assert cfg2 == cfg
  jax.tree.map(lambda a, b: np.testing.assert_array_equal(np.asarray(a), b), cached, ref)
  # Original Wan .pth naming, from a torch pickle, with the architecture given explicitly.
  orig = _to_original_names(tm.state_dict(), 2, 4)
  torch.save(orig, str(tmp_path / "Wan2.1_VAE.pth"))
  p3, _ = wan_convert.load_wan_vae(str(tmp_path / "Wan2.1_VAE.pth"), arch=TINY_WAN_LAYOUT)
  jax.tree.map(np.testing.assert_array_equal, p3, ref)
  with pytest.raises(ValueError, match="not found"):
    wan_convert.load_wan_vae(str(tmp_path / "nope.pth"))
