"""A parameter tree <-> flat {'a/b/kernel': array} names: what .npz and safetensors files store."""
import jax
import jax.numpy as jnp
import numpy as np


def flatten_params(params) -> dict[str, np.ndarray]:
  return {jax.tree_util.keystr(path, simple=True, separator="/"): np.asarray(leaf)
          for path, leaf in jax.tree_util.tree_flatten_with_path(params)[0]}


def unflatten_params(flat: dict) -> dict:
  params: dict = {}
  for name, value in flat.items():
    *parents, leaf = name.split("/")
    node = params
    for key in parents:
      node = node.setdefault(key, {})
    node[leaf] = jnp.asarray(value)
  return params
