"""Solution-flow objective (FM, SCM, MVA; PDG / CFG targets) and samplers (docs/method.md §0-§3, §6)."""
from eflow_jax.flow.losses import (adaptive_weight, fm_example, group_sizes, mva_example,
                                   mva_residual, num_path_dropped, scm_example, solution_map,
                                   total_loss)
from eflow_jax.flow.sampling import (alg2_sample, chain_sample, euler_cfg_sample, one_step_sample,
                                     sample)
from eflow_jax.flow.targets import (guided_velocity, interpolate, mix_velocity,
                                    sample_guidance_scale, velocity_target)
from eflow_jax.flow.timesteps import (inference_grid, intermediate_time, logit_normal,
                                      logit_normal_cdf, mva_grid, r_schedule, sample_fm_time,
                                      sample_mva_times, sample_scm_times, sample_ts_pair,
                                      shift_time, unshift_time)
