"""EFlow-B, class-conditional Kinetics-700 at 256x256 (paper Tab. 5; App. C).

Run:        python -m eflow_jax.main --config=configs/kinetics_b.py --workdir=runs/kinetics_b
On a CPU:   python -m eflow_jax.main --config=configs/kinetics_b.py:runlocal --workdir=/tmp/kinetics_b
Parameters: python -m eflow_jax.tools.param_count configs/kinetics_b.py
Paper: EFlow-B is the model of the Tab. 3 / Tab. 4 ablations (gated GLGA FVD 325.7; PDG-SFM 4 NFE 322.2).
"""
from eflow_jax import config_lib


def get_config(arg=None):
  options = config_lib.parse_options(arg, __file__, flags=("runlocal",))
  return config_lib.kinetics_config("B", runlocal=options["runlocal"])
