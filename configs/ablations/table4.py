"""Paper Tab. 4 at CPU scale: the objective ablation on the GLGA model, dense tokens, no MVA, one
fixed budget (common.py). `fm_50` and `fm_4` are the same trained model sampled two ways (the
sweep trains it once).

  python -m eflow_jax.main --config=configs/ablations/table4.py:pdg_sfm_4 --workdir=runs/abl/t4_pdg
"""
import os

from eflow_jax import schema

common = schema.load_module(os.path.join(os.path.dirname(os.path.abspath(__file__)), "common.py"))

DENSE_GLGA = dict(attention="glga", token_drop=False, mva=False)
ROWS = {
    "fm_50": dict(objective="fm", sampler="euler_cfg", sample_steps=50, **DENSE_GLGA),
    "fm_4": dict(objective="fm", sampler="euler_cfg", sample_steps=4, **DENSE_GLGA),
    "sfm_4": dict(objective="sfm", sampler="alg2", sample_steps=4, **DENSE_GLGA),
    "soflow_4": dict(objective="soflow", sampler="alg2", sample_steps=4, **DENSE_GLGA),
    "pdg_sfm_4": dict(objective="pdg_sfm", sampler="alg2", sample_steps=4, **DENSE_GLGA),
}


def get_config(arg=None):
  return common.table_config(ROWS, arg, __file__)
