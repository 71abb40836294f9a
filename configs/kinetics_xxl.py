"""EFlow-XXL, class-conditional Kinetics-700 at 256x256 (paper Tab. 5; App. C).

Run:        python -m eflow_jax.main --config=configs/kinetics_xxl.py --workdir=runs/kinetics_xxl
On a CPU:   python -m eflow_jax.main --config=configs/kinetics_xxl.py:runlocal --workdir=/tmp/kinetics_xxl
Parameters: python -m eflow_jax.tools.param_count configs/kinetics_xxl.py
Paper: EFlow-XXL appears in the scaling study (Fig. 5).
"""
from eflow_jax import config_lib


def get_config(arg=None):
  options = config_lib.parse_options(arg, __file__, flags=("runlocal",))
  return config_lib.kinetics_config("XXL", runlocal=options["runlocal"])
