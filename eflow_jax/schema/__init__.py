"""The run config's schema: every field's default and its check, one module per section.

Configs (`configs/*.py`) import only this package and ml_collections, so loading one leaves JAX
unimported. `run_config` assembles a run; the section builders are for tests and tools.

  options.py     config files: load_config by path, and their `:arg` options (parse_options)
  fields.py      how a section's defaults and a recipe's values become one ConfigDict
  model.py       config.model (every VideoDiT knob, paper Tab. 5 sizes) and config.video
  flow.py        config.flow: the objective and samplers, with validate_flow_config
  objectives.py  flow.objective: fm | sfm | pdg_sfm | soflow | eflow, each a set of flow fields and splits
  data.py        config.data, with validate_data_config
  curriculum.py  config.curriculum: the stages
  devices.py     config.mesh and config.sharding
  run.py         run_config: the whole run, and the sections without a module of their own
  runlocal.py    cpu_sized: a paper recipe shrunk for a 2-core CPU
"""
from eflow_jax.schema.curriculum import curriculum_config, stage_config
from eflow_jax.schema.data import data_config, validate_data_config
from eflow_jax.schema.devices import mesh_config, sharding_config
from eflow_jax.schema.flow import flow_config, validate_flow_config
from eflow_jax.schema.objectives import OBJECTIVES, objective_flow, objective_split
from eflow_jax.schema.model import (MODEL_SIZES, PAPER_PARAMS, UMT5_XXL_DIM, WAN_LATENT_CHANNELS,
                                    WAN_TEXT_LENGTH, latent_shape, model_config, video_config)
from eflow_jax.schema.options import load_config, load_module, parse_options
from eflow_jax.schema.run import run_config
from eflow_jax.schema.runlocal import cpu_sized
