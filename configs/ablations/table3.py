"""Paper Tab. 3 at CPU scale: the GLGA ablation (linear only, window only, sum, gated), all trained
with plain FM on dense tokens and sampled with 50 Euler-CFG steps, one fixed budget (common.py).

  python -m eflow_jax.main --config=configs/ablations/table3.py:gated --workdir=runs/abl/t3_gated
"""
import os

from eflow_jax import schema

common = schema.load_module(os.path.join(os.path.dirname(os.path.abspath(__file__)), "common.py"))

FM_50 = dict(objective="fm", token_drop=False, mva=False, sampler="euler_cfg", sample_steps=50)
ROWS = {
    "linear_only": dict(attention="linear", **FM_50),
    "window_only": dict(attention="window", **FM_50),
    "sum": dict(attention="glga_sum", **FM_50),
    "gated": dict(attention="glga", **FM_50),
}


def get_config(arg=None):
  return common.table_config(ROWS, arg, __file__)
