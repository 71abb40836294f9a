"""Sampling latency (paper Fig. 4b, Tab. 6): 4-step EFlow vs 40 x 2-NFE CFG softmax FM vs 4-step SFM.

    python benchmarks/paper/sampling_latency.py [--config=configs/demo.py] [--batch=0] [--rounds=7]
        [--steps=4] [--fm-steps=40] [--set KEY=VALUE ...] [--json=benchmarks/results/sampling_latency.json]

The default run takes about 3 min on 2 shared CPU cores.

Latency to generate one batch of `--batch` examples (0: config.num_samples) at the config's model
size and geometry, with the jitted samplers of `inference.make_sampler` (one program per sampler, the
step loop a lax.scan):
  (i)   EFlow      GLGA model (base softmax_every), Alg. 2 (`alg2`), 4 steps = 4 NFE
  (ii)  FM + CFG   all-softmax model, Euler + classifier-free guidance (`euler_cfg`), 40 steps x 2 NFE
  (iii) SFM        all-softmax model, Alg. 2, 4 steps = 4 NFE (few-step, no GLGA)
Parameters are freshly initialised (and randomised, so no branch sees all-zero weights): a sampler
has no data-dependent control flow, so its latency does not depend on what the weights learned.
All samplers are compiled and run once first, then timed in `--rounds` interleaved rounds (every
sampler once per round, block_until_ready); the latency is the median. GFLOP per batch is XLA's
cost analysis of the one-step program of an unrolled twin (model.scan_blocks=False) times the
number of steps: XLA counts a loop body once, so neither the block scan nor the step scan can be
counted as is. The paper's numbers are for one 480p video (about 32K tokens) on a GPU, where GLGA's
per-NFE saving is large; at the CPU demo's 256 tokens the step count is nearly all of the gap, and
80 / 4 = 20x is what the NFE ratio alone gives.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

import jax  # pylint: disable=g-import-not-at-top

from benchmarks import scaffold
from eflow_jax import inference
from eflow_jax.models.init import init_params
from eflow_jax.models.video_dit import VideoDiT
from eflow_jax.train import run_setup

# Paper Fig. 4b (480p, seconds per video): softmax + FM 40x2 NFE, few-step SFM, + GLGA (EFlow).
PAPER_S = {"fm_cfg": 147.0, "sfm": 12.61, "eflow": 10.09}
GOAL_VS_FM = 45.0          # the goal: 4-step EFlow >= 45x faster than 40x2-NFE softmax FM (Fig. 2b)
FIG4B_VS_FM = PAPER_S["fm_cfg"] / PAPER_S["eflow"]         # 14.6x


def variants(base, steps: int, fm_steps: int):
  """[(id, label, overrides, sampler, steps, NFE per sample)]."""
  softmax = {"model.attention": "softmax", "model.softmax_every": 0}
  glga = {"model.attention": "glga", "model.softmax_every": int(base.model.softmax_every)}
  return [
      ("eflow", f"(i) EFlow: GLGA, Alg. 2, {steps} steps", glga, "alg2", steps, steps),
      ("fm_cfg", f"(ii) softmax FM, Euler+CFG, {fm_steps}x2 NFE", softmax, "euler_cfg", fm_steps,
       2 * fm_steps),
      ("sfm", f"(iii) softmax SFM, Alg. 2, {steps} steps", softmax, "alg2", steps, steps),
  ]


def randomized(params, scale: float = 0.05):
  """Non-zero weights everywhere (adaLN-Zero and the head start at 0); values are irrelevant."""
  leaves, tree = jax.tree.flatten(params)
  keys = jax.random.split(jax.random.PRNGKey(1), len(leaves))
  return jax.tree.unflatten(tree, [scale * jax.random.normal(k, a.shape, a.dtype)
                                   for k, a in zip(keys, leaves)])


def sampler_flops(config, sampler: str, steps: int, cond):
  """FLOPs of one batch: XLA's count for the one-step program of the unrolled twin, x steps (the
  step loop's body would be counted once). Abstract parameters: nothing is initialised or run."""
  cfg = scaffold.unrolled(config)
  model = VideoDiT.from_config(cfg.model)
  shape = tuple(run_setup.build(cfg, read_data=False)[2])
  key = jax.random.PRNGKey(0)
  abstract = jax.eval_shape(lambda r: init_params(model, r, shape, cfg.data.text_length), key)
  one = inference.make_sampler(model, cfg.flow, shape, steps=1, sampler=sampler)
  per_step = scaffold.cost_flops(one.lower(abstract, cond, key))
  return per_step * steps if per_step else None


class Sampler:
  """One compiled sampler with its parameters and conditions, timed one batch at a time."""

  def __init__(self, config, sampler: str, steps: int, batch: int, count_flops: bool):
    model = VideoDiT.from_config(config.model)
    shape = tuple(run_setup.build(config, read_data=False)[2])
    text_length = config.data.text_length
    init = jax.jit(lambda r: randomized(init_params(model, r, shape, text_length)))
    self.params = init(jax.random.PRNGKey(config.seed))
    # Random captions for a text model: latency does not depend on their values, and the
    # benchmark then needs no record set (a GPU machine has none).
    captions = None if model.num_classes else scaffold.random_batch(model, shape, batch, text_length)
    self.cond = inference.sample_conditions(config, model, batch, prompt_batch=captions)
    self.key = jax.random.PRNGKey(0)
    fn = inference.make_sampler(model, config.flow, shape, steps=steps, sampler=sampler)
    t = time.perf_counter()
    self.fn = fn.lower(self.params, self.cond, self.key).compile()
    self.compile_s = time.perf_counter() - t
    jax.block_until_ready(self.fn(self.params, self.cond, self.key))            # warm-up
    self.flops = sampler_flops(config, sampler, steps, self.cond) if count_flops else None

  def timed(self):
    t = time.perf_counter()
    jax.block_until_ready(self.fn(self.params, self.cond, self.key))
    return time.perf_counter() - t


def parse_args(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  parser.add_argument("--config", default="configs/demo.py", help="base config (path[:arg])")
  parser.add_argument("--batch", type=int, default=0, help="examples per batch (0: config.num_samples)")
  parser.add_argument("--rounds", type=int, default=7)
  parser.add_argument("--steps", type=int, default=4, help="steps of the few-step samplers")
  parser.add_argument("--fm-steps", type=int, default=40, help="Euler steps of the FM baseline")
  parser.add_argument("--no-flops", action="store_true", help="skip the FLOP count")
  parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                      help="override a base config field (repeatable), e.g. --set 'model.patch=(1,2,2)' "
                      "(2048 tokens on the demo's clips)")
  scaffold.add_report_flag(parser, "sampling_latency")
  return parser.parse_args(argv)


def measured_rows(specs, samplers: dict, seconds: dict) -> list[dict]:
  """One row per sampler: median latency, its spread, FLOPs, and the ratios to (ii) FM + CFG."""
  rows = []
  for vid, label, overrides, sampler, steps, nfe in specs:
    lat = scaffold.median(seconds[vid])
    flops = samplers[vid].flops
    rows.append(dict(id=vid, label=label, sampler=sampler, steps=steps, nfe=nfe,
                     attention=overrides["model.attention"], latency_s=lat,
                     spread=scaffold.spread(seconds[vid]), flops_per_batch=flops,
                     ms_per_nfe=1e3 * lat / nfe, paper_s=PAPER_S[vid]))
  base_row = next(r for r in rows if r["id"] == "fm_cfg")
  for r in rows:
    r["x_vs_fm"] = base_row["latency_s"] / r["latency_s"]
    r["nfe_x_vs_fm"] = base_row["nfe"] / r["nfe"]
    f, fb = r["flops_per_batch"], base_row["flops_per_batch"]
    r["flop_x_vs_fm"] = fb / f if f and fb else None
    r["paper_x_vs_fm"] = PAPER_S["fm_cfg"] / r["paper_s"]
  return rows


def print_rows(rows: list[dict]) -> dict:
  """The table, then the goals (Fig. 4b), returned."""
  by_id = {r["id"]: r for r in rows}
  cols = [("sampler", 7, lambda r: r["id"]), ("variant", 42, lambda r: r["label"]),
          ("NFE", 4, lambda r: str(r["nfe"])), ("latency ms", 10, lambda r: f"{1e3 * r['latency_s']:.1f}"),
          ("spread", 6, lambda r: scaffold.fmt(r["spread"], ".0%")),
          ("ms/NFE", 7, lambda r: f"{r['ms_per_nfe']:.2f}"),
          ("x vs (ii)", 9, lambda r: f"{r['x_vs_fm']:.2f}"),
          ("NFE x", 5, lambda r: f"{r['nfe_x_vs_fm']:.1f}"),
          ("GFLOP", 7, lambda r: scaffold.fmt(r["flops_per_batch"] and r["flops_per_batch"] / 1e9, ".2f")),
          ("FLOP x", 6, lambda r: scaffold.fmt(r["flop_x_vs_fm"], ".1f")),
          ("paper s", 7, lambda r: f"{r['paper_s']:.2f}"),
          ("paper x", 7, lambda r: f"{r['paper_x_vs_fm']:.1f}")]
  print()
  print(scaffold.table(rows, cols))
  print("x vs (ii) = latency(ii) / latency; NFE x / FLOP x = what the NFE / FLOP ratio alone predicts; "
        "spread = (max - min) / median of the rounds; paper: Fig. 4b, one 480p video.")
  e = by_id["eflow"]
  goals = dict(vs_fm=dict(measured=e["x_vs_fm"], goal=GOAL_VS_FM, met=e["x_vs_fm"] >= GOAL_VS_FM),
               fig4b=dict(measured=e["x_vs_fm"], goal=FIG4B_VS_FM, met=e["x_vs_fm"] >= FIG4B_VS_FM),
               glga_vs_sfm=dict(measured=by_id["sfm"]["latency_s"] / e["latency_s"],
                                goal=PAPER_S["sfm"] / PAPER_S["eflow"]))
  print(f"\ngoal: 4-step EFlow >= {GOAL_VS_FM:.0f}x faster than 40x2-NFE softmax FM: "
        f"{e['x_vs_fm']:.1f}x {'MET' if goals['vs_fm']['met'] else 'NOT MET'} "
        f"(Fig. 4b's own ratio {FIG4B_VS_FM:.1f}x: {'MET' if goals['fig4b']['met'] else 'NOT MET'}); "
        f"GLGA over softmax at 4 steps: {goals['glga_vs_sfm']['measured']:.2f}x "
        f"(paper {goals['glga_vs_sfm']['goal']:.2f}x)")

  return goals


def main(argv=None):
  args = parse_args(argv)
  t_start = time.time()
  base = scaffold.with_overrides(scaffold.load(args.config), scaffold.parse_sets(args.set))
  batch = args.batch or int(base.num_samples)
  shape = run_setup.build(base, read_data=False)[2]
  m = base.model
  print(f"device: {scaffold.device_line()}")
  print(f"config {args.config}: model {m.encoder_blocks}/{m.middle_blocks}/{m.decoder_blocks} blocks, "
        f"hidden {m.hidden}, heads {m.num_heads}, patch {tuple(m.patch)}; example {shape}; "
        f"batch {batch}; {args.rounds} interleaved rounds", flush=True)
  specs = variants(base, args.steps, args.fm_steps)
  samplers = {}
  for vid, _, overrides, sampler, steps, _ in specs:
    t = time.perf_counter()
    config = scaffold.with_overrides(base, {**overrides, "flow.sampler": sampler})
    samplers[vid] = Sampler(config, sampler, steps, batch, not args.no_flops)
    print(f"  compiled {vid}: {samplers[vid].compile_s:.1f} s compile, "
          f"{time.perf_counter() - t:.1f} s with init, warm-up and FLOP count", flush=True)
  seconds = scaffold.interleaved({k: s.timed for k, s in samplers.items()}, args.rounds)
  rows = measured_rows(specs, samplers, seconds)
  goals = print_rows(rows)
  result = dict(benchmark="sampling_latency", device=scaffold.device_line(), config=args.config,
                example_shape=list(shape), batch=batch, rounds=args.rounds, goals=goals, rows=rows,
                seconds_per_round=seconds, wall_s=time.time() - t_start)
  scaffold.write_json(result, args.json, __file__, argv)
  return result


if __name__ == "__main__":
  main()
