"""Autoencoder interface: shape rules, identity, normalisation, choice by config / manifest."""
import jax.numpy as jnp
import numpy as np
import pytest

from eflow_jax import autoencoders
from eflow_jax import config_lib
from eflow_jax.autoencoders import wan_vae

TINY = {"base_dim": 4, "z_dim": 4, "dim_mult": [1, 1, 1, 1], "num_res_blocks": 1}


def test_identity_is_pixels():
  ae = autoencoders.IdentityAutoencoder(1)
  assert ae.latent_shape(8, 32, 32) == (8, 32, 32, 1) == ae.pixel_shape(8, 32, 32)[:3] + (1,)
  x = np.random.default_rng(0).uniform(-1, 1, (2, 8, 32, 32, 1)).astype(np.float32)
  np.testing.assert_array_equal(ae.decode(ae.encode(x)), x)
  with pytest.raises(ValueError, match="must be"):
    ae.encode(x[..., 0])


def test_wan_shape_rules_and_normalisation():
  ae = autoencoders.build("wan21", random_init_seed=0, arch=dict(TINY, z_dim=16))
  assert ae.latent_shape(81, 480, 832) == (21, 60, 104, 16)
  assert ae.pixel_shape(21, 60, 104) == (81, 480, 832, 3)
  with pytest.raises(ValueError, match="1 \\+ 4k"):
    ae.latent_shape(80, 480, 832)
  np.testing.assert_allclose(ae.latent_mean, wan_vae.WAN21_LATENT_MEAN)
  z = np.random.default_rng(1).normal(size=(1, 2, 2, 2, 16)).astype(np.float32)
  np.testing.assert_allclose(ae.denormalize(ae.normalize(z)), z, atol=1e-5)
  np.testing.assert_allclose(ae.normalize(z)[..., 3],
                             (z[..., 3] - wan_vae.WAN21_LATENT_MEAN[3]) / wan_vae.WAN21_LATENT_STD[3],
                             rtol=1e-6)
  # encode = normalise(raw posterior mean); decode inverts the normalisation first.
  x = jnp.asarray(np.random.default_rng(2).uniform(-1, 1, (1, 5, 8, 8, 3)), jnp.float32)
  raw = wan_vae.encode(ae.module, ae.params, x)
  np.testing.assert_allclose(ae.encode(x), ae.normalize(raw), atol=1e-5)
  np.testing.assert_allclose(ae.decode(ae.encode(x)), wan_vae.decode(ae.module, ae.params, raw),
                             atol=1e-4)       # (raw - mean) / std * std + mean rounds at 1e-6


def test_from_config_follows_the_manifest():
  config = config_lib.load_config("configs/demo.py")
  assert config.autoencoder.kind == "auto"
  assert isinstance(autoencoders.from_config(config), autoencoders.IdentityAutoencoder)
  manifest = {"autoencoder": "wan21", "latent_mean": None, "latent_std": None,
              "autoencoder_config": {"kind": "wan21", "arch": TINY, "random_init_seed": 0}}
  ae = autoencoders.from_config(config, manifest)
  assert isinstance(ae, autoencoders.WanVAE21) and ae.latent_mean is None
  assert ae.latent_shape(5, 16, 16) == (2, 2, 2, 4)
  config.autoencoder.kind = "wan21"
  config.autoencoder.random_init_seed = -1
  with pytest.raises(ValueError, match="needs autoencoder.weights"):
    autoencoders.from_config(config)
  config.autoencoder.kind = "vqgan"
  with pytest.raises(ValueError, match="autoencoder.kind"):
    autoencoders.from_config(config)
