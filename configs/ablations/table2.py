"""Paper Tab. 2 at CPU scale: attention x objective x token drop, one fixed budget (common.py).

  python -m eflow_jax.main --config=configs/ablations/table2.py:glga_pdg_sfm_mva --workdir=runs/abl/t2_full
  python benchmarks/sweeps/ablation_sweep.py --tables=table2        # every row, resumable
"""
import os

from eflow_jax import schema

common = schema.load_module(os.path.join(os.path.dirname(os.path.abspath(__file__)), "common.py"))

FM_40 = dict(objective="fm", mva=False, sampler="euler_cfg", sample_steps=40)     # 40 steps x 2 NFE
ROWS = {
    "softmax_fm": dict(attention="softmax", token_drop=False, **FM_40),
    "sana_fm": dict(attention="sana", token_drop=False, **FM_40),
    "sana_fm_drop": dict(attention="sana", token_drop=True, **FM_40),
    "glga_fm": dict(attention="glga", token_drop=False, **FM_40),
    "glga_fm_drop": dict(attention="glga", token_drop=True, **FM_40),
    "glga_pdg_sfm": dict(attention="glga", objective="pdg_sfm", token_drop=True, mva=False,
                         sampler="alg2", sample_steps=4),
    "glga_pdg_sfm_mva": dict(attention="glga", objective="pdg_sfm", token_drop=True, mva=True,
                             sampler="alg2", sample_steps=4),                 # the full EFlow recipe
}


def get_config(arg=None):
  return common.table_config(ROWS, arg, __file__)
