"""EFlow-1.5B text-to-video, the full recipe: 256p (stage 1), then 480p (stages 2-3) (paper App. B.1, C.2).

Run:        python -m eflow_jax.main --config=configs/t2v_256p.py --workdir=runs/t2v
On a CPU:   python -m eflow_jax.main --config=configs/t2v_256p.py:runlocal --workdir=/tmp/t2v
Parameters: python -m eflow_jax.tools.param_count configs/t2v_256p.py
Options:    runlocal (the same code paths, CPU-sized); 480p_only (stages 2-3 alone: continue a 256p
            run, or train at 480p directly; configs/t2v_480p.py is this option).
Stage 1 latents: 21 x 32 x 56 (81 x 256 x 448 through the Wan 2.1 VAE) -> 9408 tokens; stages 2-3
read 480p shards (21 x 60 x 104 -> 32760 tokens). GLGA window m = 6 frames.
Every field not written here has its default in eflow_jax/schema/.
"""
from eflow_jax import schema


def get_config(arg=None):
  options = schema.parse_options(arg, __file__, flags=("runlocal", "480p_only"))
  from_256p = not options["480p_only"]
  # App. C.2: 256p with 75% drop and one dense step in ten (150K, batch 2048); 480p with 75% drop
  # (50K, batch 1024); 480p dense + MVA at LR 2e-5 (50K, batch 1024). The split with MVA is ours.
  sparse, dense_mva = schema.objective_split("eflow"), schema.objective_split("eflow", mva=True)
  stages = [dict(name="256p_sparse", steps=150_000, drop_ratio=0.75, dense_every=10, lr=1e-4,
                 ratios=sparse, data_path="data/t2v_256p_81f", batch_size=2048)] if from_256p else []
  stages += [dict(name="480p_sparse", steps=50_000, drop_ratio=0.75, lr=1e-4, ratios=sparse),
             dict(name="480p_dense_mva", steps=50_000, drop_ratio=0.0, lr=2e-5, ratios=dense_mva)]
  recipe = dict(
      model_size="1.5B",
      # 81 frames give 21 latent frames; 21 is odd, so token dropping uses spatial 2x2 groups keeping
      # 1 (75% drop) instead of 2x2x2 groups.
      model=dict(text_dim=schema.UMT5_XXL_DIM, token_drop_group=(1, 2, 2)),
      video=schema.latent_shape(81, 256, 448) if from_256p else schema.latent_shape(81, 480, 832),
      total_steps=250_000 if from_256p else 100_000,
      data=dict(batch_size=1024, source="array_record",
                path="data/t2v_480p_81f",            # eflow_jax.tools.prepare_data, UMT5-XXL captions
                text_dim=schema.UMT5_XXL_DIM, text_length=schema.WAN_TEXT_LENGTH,
                still_video_ratio=0.1),   # App. C.2: 10% images per batch, as still clips (schema/data.py)
      stages=stages,
      flow=dict(objective="eflow"),               # PDG target, MVA in the dense stage
  )
  return schema.run_config(**(schema.cpu_sized(recipe) if options["runlocal"] else recipe))
