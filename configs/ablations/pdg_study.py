"""Why Path-Drop Guidance loses to the CFG target here, and what fixes it (docs/results.md, Tab. 4).

Every row is Tab. 4's dense GLGA model at the shared budget (common.py: 4000 steps, batch 16, LR
1e-3, no MVA), sampled with 4 Alg. 2 steps and scored on 200 samples (64 give a spread of about
±5-10 points), with the guidance diagnostics (flow/diagnostics.py) logged every 500 steps and in
the eval report. Rows, most informative first:
  pdg, sfm           the two references (PDG target from the weak path, CFG target from the full net)
  pdg_w1, sfm_w1     (a) w = 1 in training and sampling: both targets are then plain v, so any gap
                     is the weak path's training interfering with the shared blocks
  pdg_decay, sfm_decay  (c) SoFlow's guidance fade above t = 0.8
  pdg_interval       (c) guidance only for t in [0.2, 0.8] (flow.guidance_interval)
  pdg_pdrop05        (d) more weak-path training: half the FM group path-dropped (Alg. 1: 20%)
  pdg_sprint         (d) SPRINT's coins: path drop and label drop (10%) independent, so the weak
                     path also trains on labels (flow.path_drop_label=independent)
  pdg_autoguide      (e) the weak path as an autoguidance-style bad model: target
                     w v + (1 - w) v_weak(c) (flow.guidance_target=pdg_cond, SPRINT's coins)
  pdg_label          (f) what the diagnostics point to: the PDG direction is mostly the weak
                     path's capacity gap (gap_to_signal ~1), so read the class direction from the
                     weak path alone: target v + (w - 1)(v_weak(c) - v_weak(∅))
                     (flow.guidance_target=pdg_label). The weak path trains at both conditions:
                     40% of the FM group path-dropped, half of those at ∅ (20% at ∅ as in Alg. 1)
  pdg_w15_2, sfm_w15_2  (b) dose-response: w in [1.5, 2] (sampled at 2)
  pdg_drop           the token-drop hypothesis (docs/results.md): the PDG reference with the SPRINT
                     curriculum (80% of the steps with 75% token drop, then dense), where the weak
                     path's input is what the decoder sees in most steps; its CFG twin is
                     mva_study:nomva_4 (same training but the target)

  python benchmarks/sweeps/ablation_sweep.py --tables=pdg_study               # resumable
  python -m eflow_jax.main --config=configs/ablations/pdg_study.py:pdg_w1 --workdir=runs/abl/pdg_w1
"""
import os

from eflow_jax import schema

common = schema.load_module(os.path.join(os.path.dirname(os.path.abspath(__file__)), "common.py"))

TAB4 = dict(attention="glga", token_drop=False, mva=False, sampler="alg2", sample_steps=4)
PDG, SFM = dict(objective="pdg_sfm", **TAB4), dict(objective="sfm", **TAB4)
W1 = dict(w_min=1.0, w_max=1.0, w_inf=1.0)
ROWS = {   # (row of common.row_config, flow.* changes)
    "pdg": (PDG, {}),
    "sfm": (SFM, {}),
    "pdg_w1": (PDG, W1),
    "sfm_w1": (SFM, W1),
    "pdg_decay": (PDG, dict(guidance_decay_time=0.8)),
    "sfm_decay": (SFM, dict(guidance_decay_time=0.8)),
    "pdg_interval": (PDG, dict(guidance_interval=(0.2, 0.8))),
    "pdg_pdrop05": (PDG, dict(p_drop=0.5)),
    "pdg_sprint": (PDG, dict(path_drop_label="independent", label_drop=0.1)),
    # These two change pdg_sfm's target, so their objective is 'custom' (schema/objectives.py).
    "pdg_autoguide": (PDG, dict(objective="custom", guidance_target="pdg_cond",
                                path_drop_label="independent", label_drop=0.1)),
    "pdg_label": (PDG, dict(objective="custom", guidance_target="pdg_label", path_drop_label="independent",
                            p_drop=0.4, path_drop_null_share=0.5, label_drop=0.0)),
    "pdg_w15_2": (PDG, dict(w_min=1.5, w_max=2.0, w_inf=2.0)),
    "sfm_w15_2": (SFM, dict(w_min=1.5, w_max=2.0, w_inf=2.0)),
    "pdg_drop": (dict(PDG, token_drop=True), {}),
}


def get_config(arg=None):
  row = schema.parse_options(arg, __file__, one_of=("row", tuple(ROWS)))["row"]
  choices, flow = ROWS[row]
  return common.row_config(**choices, flow=flow,
                           eval=dict(num_samples=200, guidance_diagnostics_every=500))
