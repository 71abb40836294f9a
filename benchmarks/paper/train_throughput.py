"""Training throughput ladder (paper Fig. 4a): FM -> SoFlow -> +MVA -> +GLGA -> +PDG -> +token drop.

    python benchmarks/paper/train_throughput.py [--config=configs/demo.py] [--batch=16] [--rounds=5]
        [--steps=3] [--drop=0.75] [--flops=lowered] [--json=benchmarks/results/train_throughput.json]

The default run took 18 min on 2 shared CPU cores, 15 of them compiling the 7 distinct train steps.

Every rung is the full jitted train step (`make_train_step`: loss, backward, AdamW, EMA) of the same
model size, geometry and batch, built from one base config plus the overrides below, so the rungs
differ only in what the paper's ladder changes:
  a  FM + softmax     all-softmax model (attention=softmax; softmax_every=0 means "no interleaved
                      softmax block", which for an all-softmax model changes nothing but keeps the
                      blocks in one scan run), ratios (1, 0, 0), guidance_target='none', no drop.
                      'none' is what the paper's FM baseline computes per step: one network pass per
                      example, 20% of them on the null label (p_drop: the label dropout that makes
                      the model usable with CFG), target v. CFG is applied only at sampling time
                      (Euler + CFG, 2 NFE/step), so the FM step needs no guided target.
  b  SFM + softmax    ratios (0.75, 0.25, 0), guidance_target='cfg': the guided target needs an
                      extra full stop-gradient pass on the null condition (and SCM's target pass
                      and mix pass), the "extra forward passes" that make SoFlow slower than FM.
  c  + MVA            ratios (0.5, 0.25, 0.25): MVA's two EMA passes on a quarter of the batch.
  d  + GLGA           attention=glga with the base config's softmax_every (interleaved softmax).
  e  + PDG            guidance_target='pdg': the weak path (middle stack skipped) replaces the
                      null-condition full pass.
  f  + token drop     drop ratio --drop (0.75) in the middle stack: EFlow's full recipe as Fig. 4a
                      stacks it (dense+MVA and sparse at once, which no real stage does).
The real curriculum stages of the base config (demo: stage 1 sparse without MVA, stage 2 dense +
MVA) are extra rows, and "recipe" is their step-weighted average (total steps / total time).
A stage whose program equals a rung reuses that rung's measurement.

Method: all programs are compiled (and run once) first, then timed in `--rounds` interleaved rounds
(round-robin over programs, `--steps` steps each, block_until_ready); steps/s is the median over
rounds, on a fixed random batch. FLOPs per step come from XLA's cost analysis of the step of an
unrolled twin (model.scan_blocks=False: XLA counts a while-loop body once, so the scanned program
would under-count), by default of its HLO before optimisation (`--flops=lowered`: no extra
compile; a demo train step takes 1-2.5 min to compile on 2 shared CPU cores) or of the compiled twin
(`--flops=compiled`; on tests/tiny_config.py that counted 4% more, alike for every rung).
GFLOP/s = FLOPs x steps/s; MFU = that / the FLOP/s of a large f32 jnp.dot measured in this process
(default precision, like the model's matmuls; best of before and after the timing). On CPU the
attention runs the pure-jnp reference path; the FLOP counts hold for it, not for Pallas kernels.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))  # the repo root

import jax  # pylint: disable=g-import-not-at-top

from benchmarks import scaffold
from eflow_jax import schema
from eflow_jax.flow.terms import shown, split_of
from eflow_jax.train import curriculum, run_setup
from eflow_jax.train.step import create_train_state
from eflow_jax.train.step import make_train_step

# Paper Fig. 4a (480p, it/s) and the goals set for the full recipe (docs/results.md).
PAPER_IT_S = {"a": 0.067, "b": 0.042, "c": 0.037, "d": 0.051, "e": 0.061, "f": 0.105}
GOAL_VS_SFM, GOAL_VS_FM = 2.5, 1.6


def rungs(base, drop: float):
  """[(id, label, overrides, StepSettings)] of the cumulative ladder."""
  softmax = {"model.attention": "softmax", "model.softmax_every": 0}
  glga = {"model.attention": "glga", "model.softmax_every": int(base.model.softmax_every)}

  def objective(name):       # the flow fields of a named objective (schema/objectives.py)
    return {f"flow.{k}": v for k, v in schema.objective_flow(name).items()}

  fm, sfm, pdg = objective("fm"), objective("sfm"), objective("pdg_sfm")
  mva = split_of(schema.objective_split("sfm", mva=True))
  S = curriculum.StepSettings
  return [
      ("a", "FM + softmax", {**softmax, **fm}, S(0.0, split_of(schema.objective_split("fm")))),
      ("b", "SFM + softmax", {**softmax, **sfm}, S(0.0, split_of(schema.objective_split("sfm")))),
      ("c", "+ MVA", {**softmax, **sfm}, S(0.0, mva)),
      ("d", "+ GLGA", {**glga, **sfm}, S(0.0, mva)),
      ("e", "+ PDG", {**glga, **pdg}, S(0.0, mva)),
      ("f", f"+ {drop:.0%} token drop", {**glga, **pdg}, S(drop, mva)),
  ]


def program_key(config, settings):
  """What makes two variants the same compiled program (softmax_every is moot for softmax)."""
  m = config.model
  every = 0 if m.attention == "softmax" else int(m.softmax_every)
  return (m.attention, every, config.flow.guidance_target, settings.drop_ratio,
          tuple(settings.ratios))


def stage_rows(base):
  """[(id, label, [(steps, settings)], stage steps)] of the base config's curriculum stages."""
  rows = []
  for i, st in enumerate(curriculum.build_stages(base.curriculum, base.total_steps)):
    length = st.end - st.start
    parts = [(1, curriculum.StepSettings(st.drop_ratio, st.ratios))]
    label = f"stage {i + 1} '{st.name}' (drop {st.drop_ratio:g}, {shown(st.ratios)})"
    if st.dense_every:             # one dense step every `dense_every`
      parts = [(st.dense_every - 1, parts[0][1]), (1, curriculum.StepSettings(0.0, st.ratios))]
      label += f" 1/{st.dense_every} dense"
    rows.append((f"s{i + 1}", label, parts, length))
  return rows


def step_flops(config, settings, batch, how: str = "lowered"):
  """XLA's FLOP count of one train step of the unrolled twin, before ('lowered') or after
  ('compiled') optimisation; the state is abstract, so nothing is initialised or run."""
  cfg = scaffold.unrolled(config)
  model, _, shape, optimizer, lr = run_setup.build(cfg, read_data=False)
  abstract = jax.eval_shape(lambda r: create_train_state(model, optimizer, r, shape,
                                                         cfg.data.text_length),
                            jax.random.PRNGKey(0))
  step = make_train_step(model, optimizer, cfg.flow, settings, cfg.total_steps, cfg.ema_decay, lr)
  lowered = step.lower(abstract, batch)
  return scaffold.cost_flops(lowered.compile() if how == "compiled" else lowered)


class Program:
  """One compiled train step with its own state, timed `steps` steps at a time."""

  def __init__(self, config, settings, batch_size: int, flops: str, park: bool = False):
    model, _, shape, optimizer, lr = run_setup.build(config, read_data=False)
    state, _ = run_setup.fresh_state(config, model, optimizer, shape)
    self.batch = scaffold.random_batch(model, shape, batch_size, config.data.text_length)
    step = make_train_step(model, optimizer, config.flow, settings, config.total_steps,
                           config.ema_decay, lr)
    t = time.perf_counter()
    self.step = step.lower(state, self.batch).compile()
    self.compile_s = time.perf_counter() - t
    self.state, metrics = self.step(state, self.batch)              # warm-up
    jax.block_until_ready(metrics)
    self.flops = None
    if flops == "compiled" and not config.model.scan_blocks:     # already the unrolled program
      self.flops = scaffold.cost_flops(self.step)
    elif flops != "none":
      self.flops = step_flops(config, settings, self.batch, flops)
    self.park = park
    if park:
      self.state = jax.device_get(self.state)

  def timed(self, steps: int):
    def run():
      if self.park:                # back on the device, outside the timed region
        self.state = jax.block_until_ready(jax.device_put(self.state))
      t = time.perf_counter()
      for _ in range(steps):
        self.state, metrics = self.step(self.state, self.batch)
      jax.block_until_ready((self.state, metrics))
      seconds = (time.perf_counter() - t) / steps
      if self.park:
        self.state = jax.device_get(self.state)
      return seconds
    return run


def parse_args(argv=None):
  parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  parser.add_argument("--config", default="configs/demo.py", help="base config (path[:arg])")
  parser.add_argument("--batch", type=int, default=0, help="global batch (0: config.data.batch_size)")
  parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                      help="override a base config field (repeatable), e.g. --set model.dtype=bfloat16 "
                      "--set model.attention_impl=auto (the Pallas kernels on a GPU)")
  parser.add_argument("--rungs", default="abcdef", help="which rungs to run (a and b are always "
                      "run: the ratios are to them)")
  parser.add_argument("--rounds", type=int, default=5)
  parser.add_argument("--steps", type=int, default=3, help="steps per program per round")
  parser.add_argument("--drop", type=float, default=0.75, help="token drop ratio of rung f")
  parser.add_argument("--no-stages", action="store_true", help="skip the curriculum-stage rows")
  parser.add_argument("--park-states", action="store_true",
                      help="keep each program's train state in host memory except while it is timed "
                      "(EFlow-1.5B's state is 25.8 GB: three on one H200 with a step's temporaries "
                      "ran out of memory)")
  parser.add_argument("--flops", default="lowered", choices=("lowered", "compiled", "none"),
                      help="FLOP count from the unrolled twin's HLO before XLA optimisation (seconds), "
                      "after it (one more compile per program), or none")
  parser.add_argument("--peak-size", type=int, default=2048, help="matmul size of the peak FLOP/s")
  scaffold.add_report_flag(parser, "train_throughput")
  return parser.parse_args(argv)


def build_programs(base, args, batch: int):
  """The rows to measure, [(id, label, [(weight, program key)], stage steps or None)], and the
  distinct programs they need, {key: Program} (a stage equal to a rung shares its program)."""
  variants = []
  configs = {}                     # key -> (config, settings)

  def add(config, settings):
    key = program_key(config, settings)
    configs.setdefault(key, (config, settings))
    return key

  for rid, label, overrides, settings in rungs(base, args.drop):
    if rid not in args.rungs + "ab":
      continue
    variants.append((rid, label, [(1, add(scaffold.with_overrides(base, overrides), settings))], None))
  if not args.no_stages:
    for sid, label, parts, length in stage_rows(base):
      variants.append((sid, label, [(w, add(base, s)) for w, s in parts], length))
  programs = {}
  for key, (config, settings) in configs.items():
    t = time.perf_counter()
    programs[key] = Program(config, settings, batch, args.flops, args.park_states)
    print(f"  compiled {key}: {programs[key].compile_s:.1f} s compile, "
          f"{time.perf_counter() - t:.1f} s with init, warm-up and FLOP count", flush=True)
  return variants, programs


def measured_rows(variants, programs, seconds: dict, peak: float) -> list[dict]:
  """One row per variant (a stage's mix weighted by its parts), the steps-weighted curriculum
  average, and every row's ratios to rungs a and b, measured, by FLOPs and in the paper."""
  step_s = {k: scaffold.median(v) for k, v in seconds.items()}
  rows = []
  for vid, label, parts, length in variants:
    n = sum(w for w, _ in parts)
    sec = sum(w * step_s[k] for w, k in parts) / n                 # mean step time of the mix
    flops = [programs[k].flops for _, k in parts]
    flops = None if None in flops else sum(w * f for (w, _), f in zip(parts, flops)) / n
    spread = max(scaffold.spread(seconds[k]) for _, k in parts)
    same = [r["id"] for r in rows if r["programs"] == [list(map(str, k)) for _, k in parts]]
    rows.append(dict(id=vid, label=label, steps_per_s=1.0 / sec, step_s=sec, spread=spread,
                     flops_per_step=flops, programs=[list(map(str, k)) for _, k in parts],
                     stage_steps=length, same_as=same[0] if same else None,
                     paper_it_s=PAPER_IT_S.get(vid)))
  by_id = {r["id"]: r for r in rows}
  stages = [r for r in rows if r["stage_steps"]]
  if stages:
    total_time = sum(r["stage_steps"] * r["step_s"] for r in stages)
    total = sum(r["stage_steps"] for r in stages)
    flops = (None if any(r["flops_per_step"] is None for r in stages) else
             sum(r["stage_steps"] * r["flops_per_step"] for r in stages) / total)
    rows.append(dict(id="recipe", label="curriculum average (steps-weighted)",
                     steps_per_s=total / total_time, step_s=total_time / total, spread=None,
                     flops_per_step=flops, programs=None, stage_steps=total, same_as=None,
                     paper_it_s=None))
  for r in rows:
    r["x_fm"] = r["steps_per_s"] / by_id["a"]["steps_per_s"]
    r["x_sfm"] = r["steps_per_s"] / by_id["b"]["steps_per_s"]
    f, fa = r["flops_per_step"], by_id["a"]["flops_per_step"]
    r["flop_x_fm"] = fa / f if f and fa else None      # speed-up over FM the FLOPs alone predict
    r["flop_per_s"] = f * r["steps_per_s"] if f else None
    r["mfu"] = r["flop_per_s"] / peak if f else None
    p = r["paper_it_s"]
    r["paper_x_fm"] = p / PAPER_IT_S["a"] if p else None
    r["paper_x_sfm"] = p / PAPER_IT_S["b"] if p else None
  return rows


def print_rows(rows: list[dict], peak: float, peak_size: int) -> dict | None:
  """The table, then the goals of paper Fig. 4a (returned: None without rung f)."""
  cols = [("rung", 6, lambda r: r["id"]), ("variant", 58, lambda r: r["label"][:58]),
          ("steps/s", 8, lambda r: f"{r['steps_per_s']:.3f}"),
          ("spread", 6, lambda r: scaffold.fmt(r["spread"], ".0%")),
          ("x FM", 5, lambda r: f"{r['x_fm']:.2f}"), ("x SFM", 5, lambda r: f"{r['x_sfm']:.2f}"),
          ("GFLOP/st", 8, lambda r: scaffold.fmt(r["flops_per_step"] and r["flops_per_step"] / 1e9, ".2f")),
          ("FLOP xFM", 8, lambda r: scaffold.fmt(r["flop_x_fm"], ".2f")),
          ("GFLOP/s", 7, lambda r: scaffold.fmt(r["flop_per_s"] and r["flop_per_s"] / 1e9, ".2f")),
          ("MFU", 5, lambda r: scaffold.fmt(r["mfu"] and 100 * r["mfu"], ".1f") + "%"),
          ("paper it/s", 10, lambda r: scaffold.fmt(r["paper_it_s"], ".3f")),
          ("paper xFM", 9, lambda r: scaffold.fmt(r["paper_x_fm"], ".2f")),
          ("paper xSFM", 10, lambda r: scaffold.fmt(r["paper_x_sfm"], ".2f"))]
  print(f"\nmatmul peak ({peak_size}^2 f32 jnp.dot, best of rounds): {peak / 1e9:.1f} GFLOP/s")
  print(scaffold.table(rows, cols))
  for r in rows:
    if r["same_as"]:
      print(f"  {r['id']} is the same program as rung {r['same_as']} (one measurement)")
  print("spread = (max - min) / median of the rounds; FLOP xFM = FLOPs(a) / FLOPs(rung), the speed-up "
        "the FLOP count alone predicts; x FM / x SFM = measured steps/s ratio to rung a / b.")
  by_id = {r["id"]: r for r in rows}
  goals = None
  if "f" in by_id:
    f = by_id["f"]
    goals = dict(vs_sfm=dict(measured=f["x_sfm"], goal=GOAL_VS_SFM, met=f["x_sfm"] >= GOAL_VS_SFM),
                 vs_fm=dict(measured=f["x_fm"], goal=GOAL_VS_FM, met=f["x_fm"] >= GOAL_VS_FM))
    print(f"\ngoal (paper Fig. 4a): full recipe (f) >= {GOAL_VS_SFM}x SFM-softmax (b): "
          f"{f['x_sfm']:.2f}x {'MET' if goals['vs_sfm']['met'] else 'NOT MET'}; >= {GOAL_VS_FM}x "
          f"FM-softmax (a): {f['x_fm']:.2f}x {'MET' if goals['vs_fm']['met'] else 'NOT MET'}")
  if "recipe" in by_id:
    r = by_id["recipe"]
    print(f"real curriculum average: {r['x_sfm']:.2f}x SFM-softmax, {r['x_fm']:.2f}x FM-softmax")
  return goals


def main(argv=None):
  args = parse_args(argv)
  t_start = time.time()
  base = scaffold.with_overrides(scaffold.load(args.config), scaffold.parse_sets(args.set))
  if args.batch:
    base.data.batch_size = args.batch
  batch = int(base.data.batch_size)
  print(f"device: {scaffold.device_line()}")
  example_shape = run_setup.build(base, read_data=False)[2]
  m = base.model
  print(f"config {args.config}: model {m.encoder_blocks}/{m.middle_blocks}/{m.decoder_blocks} blocks, "
        f"hidden {m.hidden}, heads {m.num_heads}, patch {tuple(m.patch)}; example {example_shape}; "
        f"batch {batch}; {args.rounds} rounds x {args.steps} steps, interleaved", flush=True)
  variants, programs = build_programs(base, args, batch)
  peak = scaffold.matmul_peak(args.peak_size)

  def partial_report(times):
    """A GPU call can end mid-run (benchmarks/gpu/paper_model.sh): the rounds so far, written after
    each round and replaced by the full report at the end."""
    scaffold.write_json(dict(benchmark="train_throughput", partial=True, device=scaffold.device_line(),
                             config=args.config, batch=batch, rounds=args.rounds,
                             rounds_done=len(next(iter(times.values()))), steps_per_round=args.steps,
                             seconds_per_round={str(k): v for k, v in times.items()},
                             compile_s={str(k): p.compile_s for k, p in programs.items()},
                             wall_s=time.time() - t_start), args.json, __file__, argv, announce=False)

  seconds = scaffold.interleaved({k: p.timed(args.steps) for k, p in programs.items()}, args.rounds,
                                 partial_report)
  peak = max(peak, scaffold.matmul_peak(args.peak_size))   # before and after: the machine is shared
  rows = measured_rows(variants, programs, seconds, peak)
  goals = print_rows(rows, peak, args.peak_size)
  result = dict(benchmark="train_throughput", device=scaffold.device_line(), config=args.config,
                example_shape=list(example_shape), batch=batch, rounds=args.rounds,
                steps_per_round=args.steps, drop=args.drop, matmul_peak_flop_per_s=peak,
                goals=goals, rows=rows, seconds_per_round={str(k): v for k, v in seconds.items()},
                wall_s=time.time() - t_start)
  scaffold.write_json(result, args.json, __file__, argv)
  return result


if __name__ == "__main__":
  main()
