"""EFlow-XL, class-conditional Kinetics-700 at 256x256 (paper Tab. 5; App. C).

Run:        python -m eflow_jax.main --config=configs/kinetics_xl.py --workdir=runs/kinetics_xl
On a CPU:   python -m eflow_jax.main --config=configs/kinetics_xl.py:runlocal --workdir=/tmp/kinetics_xl
Parameters: python -m eflow_jax.tools.param_count configs/kinetics_xl.py
Paper: EFlow-XL is the Tab. 2 model (GLGA PDG-SFM + MVA, 4 NFE: FVD 146.7 after 400K steps).
"""
from eflow_jax import config_lib


def get_config(arg=None):
  options = config_lib.parse_options(arg, __file__, flags=("runlocal",))
  return config_lib.kinetics_config("XL", runlocal=options["runlocal"])
