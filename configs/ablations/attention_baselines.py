"""The paper's Fig. 5 / Fig. 7 comparison at CPU scale: GLGA against trainable sparse attentions (docs/results.md, SLA and VSA).

Every row: Tab. 2's attention rows' recipe at the shared budget (common.py: the demo's model and
data, 4000 dense steps, plain FM, sampled with 40 Euler steps x 2 NFE of CFG), only the attention
differs; scored on 200 samples (Tab. 2 used 64). The demo's token grid is 4 x 8 x 8 = 256 tokens,
so the sparse attentions are scaled to it:
  softmax_fm     full softmax attention (Tab. 2's row)
  sana_fm        Sana-Video linear attention (Tab. 2's row)
  glga_fm        GLGA with the demo's one softmax block (Tab. 2's row)
  sla80_fm       SLA, blocks of 16 tokens (16 per sequence), 20% of them exact (3 blocks: the
                 paper's 80% sparsity), the rest through the softmax-feature linear branch
  sla95_fm       SLA at its official default, 95% sparsity (5% of 16 blocks rounds to 1 block)
  vsa_fm         VSA, cubes of 1 x 4 x 4 = 16 tokens (16 cubes), 2 selected per query cube (87.5%
                 sparsity; the paper's 32 of 512 is 93.75%), coarse output gated
Rows with the same config as Tab. 2 share its training key, so the sweep can reuse a run (a run
whose workdir is gone is retrained, since the comparison needs every row's training curve).
Stability is read from each row's curve (docs/ablation_results/curves/, plotted by
benchmarks/paper/plots.py as attention_baselines_curves.png): the window mean and the largest single step
of the FM error and the gradient norm. A row whose loss turns non-finite halts (nan_policy=halt, as
in every row); the sweep then scores its last good state and records `diverged_at_step`.
The sparse baselines replace attention in every block (softmax_every=0), as they are designed to;
GLGA keeps EFlow's interleaved softmax block.

  python benchmarks/sweeps/ablation_sweep.py --tables=attention_baselines       # resumable, ~1 h per row
"""
import os

from eflow_jax import schema

common = schema.load_module(os.path.join(os.path.dirname(os.path.abspath(__file__)), "common.py"))

FM_40 = dict(objective="fm", token_drop=False, mva=False, sampler="euler_cfg", sample_steps=40)
SLA = dict(sla_block_q=16, sla_block_k=16, sla_negligible=0.0, sla_feature_map="softmax")
ROWS = {   # row: (attention, model.* changes)
    "softmax_fm": ("softmax", {}),
    "sana_fm": ("sana", {}),
    "glga_fm": ("glga", {}),
    "sla80_fm": ("sla", dict(SLA, sla_critical=0.2, softmax_every=0)),
    "sla95_fm": ("sla", dict(SLA, sla_critical=0.05, softmax_every=0)),
    "vsa_fm": ("vsa", dict(vsa_cube=(1, 4, 4), vsa_topk=2, vsa_gate="linear", softmax_every=0)),
}


def get_config(arg=None):
  row = schema.parse_options(arg, __file__, one_of=("row", tuple(ROWS)))["row"]
  attention, model = ROWS[row]
  # 200 samples, as the MVA and PDG studies: softmax_fm is also their 40 x 2 NFE baseline.
  return common.row_config(attention=attention, **FM_40, model=model, eval=dict(num_samples=200))
