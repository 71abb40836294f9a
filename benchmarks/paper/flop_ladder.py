"""The FLOP limit of the training ladder at the paper's geometry, without running it.

    python benchmarks/paper/flop_ladder.py                      # EFlow-B at 2048 tokens, EFlow-1.5B at 32,760
    python benchmarks/paper/flop_ladder.py --config=configs/demo.py --batch=16

For each rung of benchmarks/paper/train_throughput.py (a FM + softmax ... f + token drop) and each
curriculum stage of the config, the FLOPs of one train step (loss, backward, AdamW, EMA) from XLA's
cost analysis of the step lowered on abstract shapes (eflow_jax/train/progress.py: the unrolled twin,
dense reference attention so no loop hides work; nothing is allocated or compiled). The FLOP ratio
between two rungs is the most any implementation of the later rung can gain over the earlier one:
that is the number to hold the measured ladder (ours, and the paper's Fig. 4a) against.

Check: the network's matmul FLOPs of one forward pass in closed form (`closed_form_forward`), times
the passes each objective group makes, against XLA's count of rung a (plain FM, softmax, where
every example makes exactly one forward and one backward pass).
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

from benchmarks import scaffold  # pylint: disable=g-import-not-at-top
from eflow_jax.models.video_dit import VideoDiT
from eflow_jax.train import run_setup
from eflow_jax.train.progress import step_flops
from benchmarks.paper.train_throughput import PAPER_IT_S, rungs, stage_rows

GEOMETRIES = ("configs/kinetics.py:variant=B", "configs/t2v_480p.py")


def closed_form_forward(model: VideoDiT, example_shape, text_length: int = 0) -> float:
  """Matmul FLOPs (2 per multiply-add) of one forward pass of one example, dense: patch embedding,
  each block's qkv / out projections, its attention products (softmax: Q K^T and P V over all N
  keys) and MLP, cross-attention for text, fusion and head. Conditioning MLPs and norms are O(D^2)
  per example, not per token, and left out (< 0.1% at these sizes)."""
  t, h, w, c = example_shape
  pt, ph, pw = model.patch
  n = (t // pt) * (h // ph) * (w // pw)
  d, f, p = model.hidden, model.mlp_hidden, pt * ph * pw * c
  per_block = 2 * n * (4 * d * d + 2 * d * f) + 2 * 2 * n * n * d
  projection = 0
  if text_length:                 # cross-attention: q and out on tokens, kv on text, two products
    per_block += 2 * n * 2 * d * d + 2 * text_length * 2 * d * d + 2 * 2 * n * text_length * d
    projection = 2 * text_length * model.text_dim * d
  blocks = model.encoder_blocks + model.middle_blocks + model.decoder_blocks
  return float(2 * n * p * d + projection + blocks * per_block + 2 * n * 2 * d * d + 2 * n * d * p)


def count(config, settings, batch: int):
  model, _, shape, optimizer, lr = run_setup.build(config, read_data=False)
  return step_flops(config, VideoDiT, optimizer, lr, settings, shape, batch), model, shape


def ladder(path: str, batch: int | None, sets: dict) -> dict:
  base = scaffold.with_overrides(scaffold.load(path), {"model.attention_impl": "reference", **sets})
  batch = batch or int(base.data.batch_size)
  base.data.batch_size = batch
  rows, flops = [], {}
  for rung, label, overrides, settings in rungs(base, 0.75):
    config = scaffold.with_overrides(base, overrides)
    began = time.time()
    flops[rung], model, shape = count(config, settings, batch)
    rows.append(dict(id=rung, label=label, flops=flops[rung], seconds=time.time() - began))
  for sid, label, parts, _ in stage_rows(base):
    total = sum(weight * count(base, settings, batch)[0] for weight, settings in parts)
    rows.append(dict(id=sid, label=label, flops=total / sum(w for w, _ in parts)))
  for row in rows:
    row["vs_fm"], row["vs_sfm"] = flops["a"] / row["flops"], flops["b"] / row["flops"]
  softmax_model = VideoDiT.from_config(scaffold.with_overrides(base, {"model.attention": "softmax"}).model)
  forward = closed_form_forward(softmax_model, shape, int(base.data.text_length) if base.model.text_dim else 0)
  return dict(config=path, example_shape=list(shape), tokens=int(
      (shape[0] // model.patch[0]) * (shape[1] // model.patch[1]) * (shape[2] // model.patch[2])),
      batch=batch, rows=rows, closed_form_forward_per_example=forward,
      closed_form_rung_a=3 * forward * batch, xla_rung_a=flops["a"])


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  parser.add_argument("--config", action="append", default=[], help="config path[:arg] (repeatable)")
  parser.add_argument("--batch", type=int, default=4, help="global batch (4: the smallest that every split fills)")
  parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
  scaffold.add_report_flag(parser, "flop_ladder")
  args = parser.parse_args(argv)
  t_start = time.time()
  results = []
  for path in args.config or GEOMETRIES:
    result = ladder(path, args.batch, scaffold.parse_sets(args.set))
    results.append(result)
    print(f"\n{path}: example {tuple(result['example_shape'])}, {result['tokens']} tokens, batch "
          f"{result['batch']}")
    print(f"  closed-form check, rung a: 3 x forward matmuls = {result['closed_form_rung_a']:.4g}, XLA "
          f"{result['xla_rung_a']:.4g} (ratio {result['xla_rung_a'] / result['closed_form_rung_a']:.3f})")
    print(f"  {'rung':<4} {'what':<48} {'TFLOP/step':>11} {'limit vs FM':>12} {'vs SoFlow':>10} {'paper it/s':>10}")
    for row in result["rows"]:
      paper = PAPER_IT_S.get(row["id"])
      print(f"  {row['id']:<4} {row['label'][:48]:<48} {row['flops'] / 1e12:11.4g} {row['vs_fm']:12.2f} "
            f"{row['vs_sfm']:10.2f} {scaffold.fmt(paper, '.3f'):>10}")
  scaffold.write_json(dict(benchmark="flop_ladder", device=scaffold.device_line(), results=results,
                           wall_s=time.time() - t_start), args.json, __file__, argv)
  return results


if __name__ == "__main__":
  main()
