"""Class-conditional Kinetics-700 at 256x256: EFlow-B, -XL or -XXL (paper §5, Tab. 5, App. C.1).

Run:        python -m eflow_jax.main --config=configs/kinetics.py:variant=B --workdir=runs/kinetics_b
On a CPU:   python -m eflow_jax.main --config=configs/kinetics.py:variant=B,runlocal --workdir=/tmp/kinetics_b
Parameters: python -m eflow_jax.tools.param_count configs/kinetics.py:variant=XL
Options:    variant=B | XL | XXL (default B: the model of the Tab. 3 / Tab. 4 ablations; paper: gated
            GLGA FVD 325.7, PDG-SFM 4 NFE 322.2); runlocal (the same code paths, CPU-sized).
Every field not written here has its default in eflow_jax/schema/.
"""
from eflow_jax import schema

VARIANTS = ("B", "XL", "XXL")


def get_config(arg=None):
  options = schema.parse_options(arg, __file__, flags=("runlocal",), values={"variant": "B"})
  variant = options["variant"]
  if variant not in VARIANTS:
    raise ValueError(f"configs/kinetics.py: variant={variant!r}; one of {', '.join(VARIANTS)}.")
  recipe = dict(
      model_size=variant,                        # Tab. 5: depth, width, heads
      model=dict(num_classes=700),
      # The paper trains at 256x256x31; the Wan VAE needs 1 + 4k frames, so 29 frames: 8 latent
      # frames of 32x32, i.e. 8 x 16 x 16 = 2048 tokens, which the 2x2x2 token-drop groups tile exactly.
      video=schema.latent_shape(29, 256, 256),
      # Paper §5: 400K steps, batch 256, LR 1e-4 (AdamW; the defaults it is silent on: schema/run.py).
      total_steps=400_000,
      data=dict(batch_size=256, source="array_record",
                path="data/kinetics700_256_29f"),   # eflow_jax.tools.prepare_data --autoencoder=wan21
      # App. C.1: 80% of the steps with 75% token drop, FM:SCM = 0.75:0.25, no MVA; then 20% dense +
      # MVA. The paper does not give stage 2's split; we take FM:SCM:MVA = 0.5:0.25:0.25.
      stages=[dict(name="sparse", fraction=0.8, drop_ratio=0.75, lr=1e-4,
                   ratios=schema.objective_split("eflow")),
              dict(name="dense_mva", fraction=0.2, drop_ratio=0.0, lr=1e-4,
                   ratios=schema.objective_split("eflow", mva=True))],
      flow=dict(objective="eflow"),               # PDG target, MVA in the dense stage
  )
  return schema.run_config(**(schema.cpu_sized(recipe) if options["runlocal"] else recipe))
