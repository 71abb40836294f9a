"""The FLOP limit of a whole curriculum whose stages run at different token counts.

    python benchmarks/paper/curriculum_limit.py \
        --ladder=docs/cpu_results/flop_ladder_t2v_1p5b_9408.json \
        --ladder=docs/cpu_results/flop_ladder_kinetics_b_2048_and_t2v_1p5b_32k.json

`configs/t2v_256p.py` trains stage 1 at 256p (9,408 tokens) and stages 2-3 at 480p (32,760 tokens).
benchmarks/paper/flop_ladder.py counts every stage at one geometry, so it cannot weigh them. This
script reads its reports and prices each stage at the geometry that stage reads, FM and SoFlow
(rungs a, b) at the same geometries, and weighs by the stages' step counts (the paper's Fig. 4a
compares whole trainings). The limit is FLOPs only: what any implementation could gain at most.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

from benchmarks import scaffold  # pylint: disable=g-import-not-at-top
from eflow_jax.train import curriculum

# Which token count each stage of configs/t2v_256p.py reads (its docstring: 21 x 32 x 56 latents at
# 256p, 21 x 60 x 104 at 480p).
STAGE_TOKENS = {"256p_sparse": 9408, "480p_sparse": 32760, "480p_dense_mva": 32760}


def stage_flops(ladders: list[dict], config: str) -> dict:
  """{tokens: {row label's stage name or rung id: FLOPs}} from ladder reports of the T2V family."""
  table = {}
  for report in ladders:
    for result in report["results"]:
      if not result["config"].startswith(config):
        continue
      rows = table.setdefault(result["tokens"], {})
      for row in result["rows"]:
        key = row["label"].split("'")[1] if row["id"].startswith("s") else row["id"]
        rows[key] = row["flops"]
  return table


def weighted_limit(stages: list[tuple[str, int]], table: dict) -> dict:
  """Step-weighted FLOPs of the curriculum against FM and SoFlow trained the same steps at the same
  geometries: limit = sum(steps x baseline FLOPs) / sum(steps x stage FLOPs)."""
  recipe = sum(steps * table[STAGE_TOKENS[name]][name] for name, steps in stages)
  fm = sum(steps * table[STAGE_TOKENS[name]]["a"] for name, steps in stages)
  soflow = sum(steps * table[STAGE_TOKENS[name]]["b"] for name, steps in stages)
  return dict(recipe_flops=recipe, fm_flops=fm, soflow_flops=soflow, vs_fm=fm / recipe, vs_soflow=soflow / recipe)


def main(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  parser.add_argument("--ladder", action="append", required=True, help="a flop_ladder.py report (repeatable)")
  parser.add_argument("--config", default="configs/t2v_256p.py", help="the curriculum (its stages' step counts)")
  scaffold.add_report_flag(parser, "curriculum_limit")
  args = parser.parse_args(argv)
  ladders = []
  for path in args.ladder:
    with open(path) as f:
      ladders.append(json.load(f))
  config = scaffold.load(args.config)
  stages = [(st.name, st.end - st.start) for st in curriculum.build_stages(config.curriculum, config.total_steps)]
  table = stage_flops(ladders, "configs/t2v_")
  missing = [(n, STAGE_TOKENS.get(n)) for n, _ in stages if STAGE_TOKENS.get(n) not in table
             or n not in table[STAGE_TOKENS[n]]]
  if missing:
    sys.exit(f"curriculum_limit: no ladder row for stage(s) {missing} (stage, tokens) in {args.ladder}")
  result = weighted_limit(stages, table)
  print(f"{args.config}: stages {stages}")
  print(f"  curriculum FLOP limit: {result['vs_fm']:.2f}x FM, {result['vs_soflow']:.2f}x SoFlow")
  scaffold.write_json(dict(benchmark="curriculum_limit", ladders=args.ladder, stages=stages,
                           stage_tokens=STAGE_TOKENS, **result), args.json, __file__, argv)
  return result


if __name__ == "__main__":
  main()
