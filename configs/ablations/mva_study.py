"""Does MVA pay off where the paper says it should, at 1 and 2 sampling steps? (docs/results.md, MVA)

The full recipe (GLGA, SPRINT curriculum: 80% of the steps with 75% token drop, then dense) at the
shared budget (common.py), with the CFG target (the PDG study: under token drop PDG is level with
it in FVD, 5 points behind in accuracy; docs/results.md "Path-Drop Guidance"). Each training is
sampled with 1, 2 and 4 Alg. 2 steps (rows `<training>_<steps>`; the sweep trains once per
training) and scored on 200 samples. Trainings:
  nomva        no MVA (the dense stage trains FM : SCM = 0.75 : 0.25)
  mva          MVA in the dense stage (FM : SCM : MVA = 0.5 : 0.25 : 0.25), the paper's recipe
  mva_grid     mva, its grid also holding the sampler's 4-step times (which hold the 2- and 1-step
               ones), flow.mva_grid_sampler_steps=4
  mva_start    mva, MVA from the first step (the sparse stage too)
  mva_online   mva with the online network (under stop-gradient) as the MVA target, not the EMA
  nomva_time   nomva trained for 6000 steps instead of 4000: the wall time of softmax FM's 4000 (the
               recipe against FM at one CPU-time budget, docs/results.md). On this CPU the recipe's
               curriculum runs 1.53x FM's steps/s (`python benchmarks/paper/train_throughput.py
               --config=configs/ablations/mva_study.py:nomva_4 --rungs a --flops none --rounds 3
               --steps 3`); sampled at 4 steps only

  python benchmarks/sweeps/ablation_sweep.py --tables=mva_study                # resumable
"""
import os

from eflow_jax import schema

common = schema.load_module(os.path.join(os.path.dirname(os.path.abspath(__file__)), "common.py"))

FULL = dict(attention="glga", objective="sfm", token_drop=True, sampler="alg2")
TRAININGS = {   # (MVA in the dense stage, MVA in the sparse stage too, flow.* changes)
    "nomva": (False, False, {}),
    "mva": (True, False, {}),
    "mva_grid": (True, False, dict(mva_grid_sampler_steps=4)),
    "mva_start": (True, True, {}),
    "mva_online": (True, False, dict(mva_target="online")),
}
ROWS = {f"{name}_{steps}": (name, steps) for name in TRAININGS for steps in (1, 2, 4)}
ROWS["nomva_time_4"] = ("nomva", 4)
TOTAL_STEPS = {"nomva_time_4": 6000}   # softmax FM's 4000 steps x 1.53, rounded down (docstring)


def get_config(arg=None):
  row = schema.parse_options(arg, __file__, one_of=("row", tuple(ROWS)))["row"]
  name, steps = ROWS[row]
  mva, from_start, flow = TRAININGS[name]
  # Stages are fractions of total_steps: both scale with nomva_time_4's longer budget.
  return common.row_config(mva=mva, sample_steps=steps, mva_from_start=from_start,
                           total_steps=TOTAL_STEPS.get(row, common.BUDGET_STEPS), flow=flow,
                           eval=dict(num_samples=200), **FULL)
