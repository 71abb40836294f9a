"""Config variants of the same train steps, one process: what a config knob buys in samples/s.

    python benchmarks/dev/ab_config.py --variant=base: --variant=bf16:model.dtype=bfloat16 \
        [--variant=b32:data.batch_size=32] [--config=configs/demo.py] [--rounds=7] [--steps=3]

Each `--variant=NAME:KEY=VALUE[,KEY=VALUE...]` (values parsed as Python literals, else strings;
empty = the config as is) is built into the config's curriculum-stage train steps
(`train_throughput.Program`, a fixed random batch of the variant's `data.batch_size`). All
programs are timed in interleaved rounds (medians), so a drift of a shared machine hits every
variant alike; the table is samples/s per stage and each variant's ratio to the first one.
docs/results.md ("What else was tried on the step") lists the rows measured with it.
"""
from __future__ import annotations

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

from benchmarks import scaffold  # pylint: disable=g-import-not-at-top
from benchmarks.paper import train_throughput
from eflow_jax.train import curriculum


def parse_variant(text: str) -> tuple[str, dict]:
  """'NAME:k=v,k=v' -> (NAME, {k: v}) (a comma starts a new pair only before 'key=', so tuple
  values such as model.patch=(2,4,4) pass); a one-line error for anything else."""
  name, sep, sets = text.partition(":")
  if not name or not sep:
    raise SystemExit(f"--variant={text!r}: write NAME:KEY=VALUE[,KEY=VALUE...] (NAME: for the config as is).")
  return name, scaffold.parse_sets([kv for kv in re.split(r",(?=[\w.]+=)", sets) if kv])


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  parser.add_argument("--variant", action="append", required=True, help="NAME:KEY=VALUE,... (repeat)")
  parser.add_argument("--config", default="configs/demo.py")
  parser.add_argument("--rounds", type=int, default=7)
  parser.add_argument("--steps", type=int, default=3)
  args = parser.parse_args(argv)
  variants = dict(parse_variant(v) for v in args.variant)
  if len(variants) < 2:
    raise SystemExit("give at least two --variant with different names.")
  base = scaffold.load(args.config)
  programs, batches = {}, {}
  # Every variant's overrides first: a misspelt key of the second is refused before the first compiles.
  configs = {name: scaffold.with_overrides(base, overrides, "--variant") for name, overrides in variants.items()}
  for name, config in configs.items():
    stages = curriculum.build_stages(config.curriculum, config.total_steps)
    for stage in stages:
      batches[(name, stage.name)] = config.data.batch_size
      programs[(name, stage.name)] = train_throughput.Program(
          config, curriculum.step_settings(stages, stage.start), config.data.batch_size, "none")
  times = scaffold.interleaved({key: p.timed(args.steps) for key, p in programs.items()}, args.rounds)
  first = next(iter(variants))
  print(f"{scaffold.device_line()}; {args.rounds} interleaved rounds of {args.steps} steps, medians")
  for (name, stage), ts in times.items():
    rate = batches[(name, stage)] / scaffold.median(ts)
    ref = batches[(first, stage)] / scaffold.median(times[(first, stage)]) if (first, stage) in times else None
    ratio = f"{rate / ref:.2f}x of {first}" if ref else "-"
    print(f"{name:>12s}  stage {stage:<10s} {rate:7.1f} samples/s  spread {scaffold.spread(ts):4.0%}  {ratio}")


if __name__ == "__main__":
  main()
