import hashlib, sys, warnings
from eflow_jax import Pipeline
p = Pipeline.from_pretrained(sys.argv[1])
h = lambda o: hashlib.md5(o.tobytes()).hexdigest()[:10]
print("dict {'scene1': 'clip number 1 moving'}:", h(p(prompts={"scene1": "clip number 1 moving"}, steps=2, seed=3)))
print("['scene1']:", h(p(prompts=["scene1"], steps=2, seed=3)))
print("['clip number 1 moving']:", h(p(prompts=["clip number 1 moving"], steps=2, seed=3)))
print("dict.values():", h(p(prompts={"scene1": "clip number 1 moving"}.values(), steps=2, seed=3)))
try: print("generator:", h(p(prompts=(s for s in ["clip number 1 moving"]), steps=2, seed=3)))
except Exception as e: print("generator:", type(e).__name__, e)
