"""Text-to-video at CPU scale: captioned Moving MNIST, the full EFlow recipe in text mode.

Run:     python -m eflow_jax.main --config=configs/t2v_demo.py --workdir=runs/t2v_demo
Prompt:  python -m eflow_jax.main --config=configs/t2v_demo.py --workdir=runs/t2v_demo --mode=sample \
             --prompt="digit 7 moving up and left"
Score:   python -m eflow_jax.main --config=configs/t2v_demo.py --workdir=runs/t2v_demo --mode=eval

Clips: one real MNIST digit moving on a 32 x 32 canvas for 8 frames (the class demo's clips), each
with its caption, e.g. "digit 7 moving up and left" or "digit 3 standing still" (data/captions.py).
Prompts use the built-in caption encoder (its fixed vocabulary; any other word is a one-line error
naming it). The model reads them through cross-attention in every block, as the T2V configs do.
Model: configs/demo.py's (1/3/1 blocks, width 96, GLGA with one softmax block, 2x4x4 patches).
Recipe: the T2V curriculum's shape (configs/t2v_256p.py, paper App. C.2): 75% SPRINT token drop with one
dense step in ten, then dense + MVA; 10% still clips; the solution-flow objective with the guided (CFG)
target and 4-step Alg. 2 samples.
Its last line scores 200 4-step samples of held-out captions for prompt following (the digit and
its direction, metrics/prompt_following.py) beside the same score of real clips.
Every field not written here has its default in eflow_jax/schema/.
"""
from eflow_jax import schema


def get_config(arg=None):
  schema.parse_options(arg, __file__, flags=("runlocal",))   # CPU-sized already
  # 1 h 50 min on the 2-core AVX-512 EPYC (sparse 2.5 steps/s, dense + MVA 1.5): 85% digit / 79%
  # direction on 600 held-out prompts; 9000 steps gave 77% / 60% (docs/results.md, text-to-video).
  total_steps = 13500
  # The class demo's long run (configs/demo.py:long: its geometry, model, constant LR 1e-3 at batch
  # 16), in text mode.
  return schema.run_config(
      model_size="tiny",
      model=dict(text_dim=32, latent_channels=1, hidden=96, mlp_hidden=384, num_heads=4,
                 encoder_blocks=1, middle_blocks=3, decoder_blocks=1, softmax_every=3,
                 window_frames=2, patch=(2, 4, 4)),
      video=(8, 32, 32, 1),
      total_steps=total_steps,
      # App. C.2's shape: 75% drop with one dense step in ten, then dense + MVA (FM:SCM:MVA = 0.5:0.25:0.25).
      stages=[dict(name="sparse", fraction=0.8, drop_ratio=0.75, dense_every=10, lr=1e-3,
                   ratios=schema.objective_split("sfm")),
              dict(name="dense_mva", fraction=0.2, drop_ratio=0.0, lr=1e-3,
                   ratios=schema.objective_split("sfm", mva=True))],
      data=dict(batch_size=16, digit_size=20, max_speed=2, text_dim=32,
                text_length=8,                   # "digit 7 moving up and left" is 6 words
                still_video_ratio=0.1),          # App. C.2's images, as still clips
      # As the class demo: no time shift at 32x32 pixels, the CFG target, no guidance fade.
      flow=dict(t_shift=1.0, mva_shift=1.0, inference_shift=1.0, objective="sfm",
                guidance_decay_time=1.0),
      text_encoder=dict(kind="builtin"),
      ema_decay=0.995, log_every=25, checkpoint=dict(every_steps=200),
      sample_every=total_steps // 4, sample_every_minutes=5.0, num_samples=20, sample_columns=10,
      eval_every=total_steps // 4,               # the prompt-following score as training goes
      eval=dict(num_samples=200, score_at_end=200))
