"""Pipeline.from_workdir(argv[1]) with config.text_encoder.path = argv[2] (the run's own config otherwise); two prompts."""
import sys, json, numpy as np, ml_collections
from eflow_jax import pipeline
from eflow_jax import checkpoint as ckpt_lib
run, enc = sys.argv[1], sys.argv[2]
ck = ckpt_lib.Checkpointer(run + "/checkpoints", read_only=True)
meta = json.load(open(run + "/checkpoints/6/meta/metadata")) if False else None
p0 = pipeline.Pipeline.from_workdir(run)
cfg = ml_collections.ConfigDict(p0.config.to_dict()); cfg.text_encoder.path = enc
p = pipeline.Pipeline.from_workdir(run, config=cfg)
out = p(prompts=["clip number 0 moving", "clip number 1 moving"], steps=2, seed=0)
v = np.asarray(out if not isinstance(out, (tuple, list)) else out[0])
print("OK shape", v.shape, "mean", float(v.mean()))
