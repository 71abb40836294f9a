"""GLGA end to end with impl='pallas' (both Pallas kernels, interpret mode) against impl='reference'.

Values and gradients (with respect to the parameters and the input) of a whole GLGA block on the
dense token grid and on a SPRINT 75%-dropped subset. float32 throughout: atol = rtol = 1e-4 (the
block adds projections, RMSNorms and a gate around the kernels; gradients pass through RMSNorm).
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from eflow_jax.models.attention import GLGA, TokenLayout
from eflow_jax.models.rope import grid_coordinates, rope_angles
from eflow_jax.models.token_drop import gather_tokens, sample_keep_indices, tokens_kept_per_group
from conftest import init_params, model_inputs, randomize, tiny_model

GRID, DIM, HEADS = (3, 8, 8), 32, 2
N = 3 * 8 * 8
RADIUS = 64                      # a window of 2 frames of 8 x 8 tokens


def layout(positions, grid, radius, dense):
  angles = rope_angles(jnp.asarray(grid_coordinates(grid)), DIM // HEADS)
  return TokenLayout(positions, jax.vmap(lambda idx: angles[idx])(positions), grid, radius, dense)


def glga_value_and_grads(module, params, x, tokens, cot):
  def run(params, x):
    return module.apply({"params": params}, x, tokens)
  out, vjp = jax.vjp(run, params, x)
  return out, vjp(cot)


@pytest.mark.parametrize("drop", [0.0, 0.75])
def test_glga_block_pallas_matches_reference(drop):
  x = jax.random.normal(jax.random.PRNGKey(1), (2, N, DIM))
  if drop:
    keep = sample_keep_indices(jax.random.PRNGKey(2), 2, GRID, (1, 2, 2),
                               tokens_kept_per_group((1, 2, 2), drop))
    x = gather_tokens(x, keep)
  else:
    keep = jnp.broadcast_to(jnp.arange(N, dtype=jnp.int32), (2, N))
  tokens = layout(keep, GRID, RADIUS, dense=not drop)
  cot = jax.random.normal(jax.random.PRNGKey(3), x.shape)
  params = jax.jit(GLGA(HEADS, window_block=32).init)(jax.random.PRNGKey(0), x, tokens)["params"]
  params = randomize(params, 3, 0.3)
  results = {}
  for impl in ("reference", "pallas"):
    module = GLGA(HEADS, impl=impl, window_block=32)
    results[impl] = jax.jit(lambda p, x: glga_value_and_grads(module, p, x, tokens, cot))(params, x)
  (out_ref, (gp_ref, gx_ref)), (out, (gp, gx)) = results["reference"], results["pallas"]
  np.testing.assert_allclose(out, out_ref, atol=1e-4, rtol=1e-4)
  np.testing.assert_allclose(gx, gx_ref, atol=1e-4, rtol=1e-4)
  flat_ref = jax.tree_util.tree_leaves_with_path(gp_ref)
  for (path, want), got in zip(flat_ref, jax.tree.leaves(gp)):
    np.testing.assert_allclose(got, want, atol=1e-4, rtol=1e-4, err_msg=jax.tree_util.keystr(path))
  # The local branch really contributes: its norm scale gets a non-zero gradient.
  assert float(jnp.abs(gp["local_norm"]["scale"]).max()) > 1e-3


@pytest.mark.slow
def test_video_dit_forward_pallas_matches_reference():
  """The tiny VideoDiT (GLGA middle stack on dropped tokens) with attention_impl='pallas'."""
  x, t, s, w = model_inputs()
  y = jnp.array([1, 4], jnp.int32)
  outs = []
  for impl in ("reference", "pallas"):
    model = tiny_model(attention_impl=impl)
    params = params if impl == "pallas" else init_params(model, x, t, s, w, y=y)
    run = jax.jit(lambda p: model.apply({"params": p}, x, t, s, w, y, drop_ratio=0.75,
                                        rng=jax.random.PRNGKey(5)))
    outs.append(run(params))
  np.testing.assert_allclose(outs[1], outs[0], atol=1e-4, rtol=1e-4)
