"""Closed form of the collectives one forward + backward of a VideoDiT makes per device when each
clip's frames are split over N context devices (eflow_jax/models/context_parallel.py), independent
of the HLO so that benchmarks/dev/context_cost.py and tests/test_context_cost.py can check one
against the other.

Per block, with h heads of width d, b bytes per activation element (model.dtype), batch B:
* GLGA's global-linear branch (paper Eq. 5): one all-reduce of the (B, h, d, d) float32 summary
  forward, and its transpose (another all-reduce) backward. The branch has no normaliser
  (denominator-free, linear_normalize 'sum' or 'mean'), so nothing else is reduced.
* GLGA's local-window branch (Eq. 6): K and V halos of `radius` tokens (window_frames * H' * W' / 2)
  to each of the two neighbours: 4 collective-permutes forward, their 4 transposes backward.
* a full-softmax block: K and V all-gathered forward (L tokens each), their transposes
  (reduce-scatters of the L-token cotangents) backward.
* once per step, outside the blocks, however many passes the step makes through one net: each
  device's partial parameter gradient is all-reduced over `context` (the transpose of
  context_parallel.sharded_apply's per-shard copies): 4 bytes (float32 master weights) per
  gradient element, less the [MASK] vector (no dense pass reads it: its gradient is a symbolic zero,
  never reduced): param_count - hidden.
* the loss: the mean of an output sharded over `context` is one float32 all-reduce per pass.
`passes` network passes through one net (differentiated, as the objective's) repeat every block
term and the loss's; the parameter gradient stays one all-reduce.
Dense sequences only (no token drop). Under model.remat other than 'none' the backward pass
recomputes each block's forward, collectives included: the forward terms count twice (checked on
the tiny model of tests/test_context_cost.py with remat 'full').
"""
from benchmarks.dev.hlo_collectives import KINDS, wire_bytes
from eflow_jax.models.video_dit import compute_dtype

WINDOWED = ("glga", "glga_sum", "window")
LINEAR = ("glga", "glga_sum", "linear")


def block_kind_counts(model) -> dict:
  """{'window': blocks with a window branch, 'linear': with a linear branch, 'softmax': full}."""
  kinds = [model.block_attention(i) for i in range(model.num_blocks)]
  return {"window": sum(k in WINDOWED for k in kinds), "linear": sum(k in LINEAR for k in kinds),
          "softmax": kinds.count("softmax")}


def gradient_elements(model, param_count: int) -> int:
  """Parameter-gradient elements a dense pass all-reduces (module docstring)."""
  return param_count - model.hidden


def collective_terms(model, grid, context: int, *, param_count: int, batch: int = 1, passes: int = 1) -> list:
  """[(name, kind, payload bytes of one op, executions per step)] of the module docstring."""
  if context == 1:
    return []
  heads, head_dim = model.num_heads, model.hidden // model.num_heads
  itemsize = compute_dtype(model.dtype).itemsize
  tokens, frame_tokens = grid[0] * grid[1] * grid[2], grid[1] * grid[2]
  halo = model.window_frames * frame_tokens // 2       # context_parallel.halo_tokens, dense
  per_token = batch * heads * head_dim * itemsize      # one token's K (or V), all heads
  counts = block_kind_counts(model)
  forward = 2 if model.remat != "none" else 1           # forward passes of each block per network pass
  return [
      ("linear summaries", "all-reduce", batch * heads * head_dim * head_dim * 4,
       passes * (forward + 1) * counts["linear"]),
      ("window halos", "collective-permute", halo * per_token, passes * 4 * (forward + 1) * counts["window"]),
      ("softmax K/V gather", "all-gather", tokens * per_token, passes * 2 * forward * counts["softmax"]),
      ("softmax K/V gather, backward", "reduce-scatter", tokens * per_token, passes * 2 * counts["softmax"]),
      ("parameter gradients", "all-reduce", 4 * gradient_elements(model, param_count), 1),
      ("loss", "all-reduce", 4, passes),
  ]


def context_collectives(model, grid, context: int, *, param_count: int, batch: int = 1,
                        passes: int = 1) -> dict:
  """{kind: {executions, payload_bytes, wire_bytes}} per device per step (wire bytes as
  hlo_collectives.wire_bytes counts them), 'total', and each named term of `collective_terms`."""
  out = {k: dict(executions=0, payload_bytes=0, wire_bytes=0.0) for k in KINDS}
  terms = {}
  for name, kind, payload, executions in collective_terms(model, grid, context, param_count=param_count, batch=batch,
                                                         passes=passes):
    row = dict(executions=executions, payload_bytes=payload * executions,
               wire_bytes=wire_bytes(kind, payload, context) * executions)
    terms[name] = row
    for key in row:
      out[kind][key] += row[key]
  out["total"] = {key: sum(out[k][key] for k in KINDS) for key in ("executions", "payload_bytes", "wire_bytes")}
  return {**out, "terms": terms}
