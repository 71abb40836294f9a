"""Pipeline's lower-level steps used directly: latents() with condition batches not made by conditions()
(a class id past the null id, a float id, a 2-D id array, a plain list), each's md5 against class 10 (= null), 9 and 3."""
import hashlib, sys
import numpy as np
import jax.numpy as jnp
import eflow_jax
md5 = lambda a: hashlib.md5(np.ascontiguousarray(np.asarray(a)).tobytes()).hexdigest()[:8]
pipe = eflow_jax.Pipeline.from_pretrained(sys.argv[1])
print("num_classes", pipe.model.num_classes)
for name, cond in [("conditions([3])", pipe.conditions(class_ids=[3])), ("conditions([10]) (null)", pipe.conditions(class_ids=[10])), ("conditions([9])", pipe.conditions(class_ids=[9])),
                   ("y=[7] int32", {"y": jnp.asarray([7], jnp.int32)}), ("y=[-1] int32", {"y": jnp.asarray([-1], jnp.int32)}),
                   ("y=[99] int32", {"y": jnp.asarray([99], jnp.int32)}),
                   ("y=[3.0] float", {"y": jnp.asarray([3.0])}), ("y=[[3]] 2-D", {"y": jnp.asarray([[3]], jnp.int32)}),
                   ("y=[3] list", {"y": [3]}), ("label=[3] (wrong key)", {"label": jnp.asarray([3], jnp.int32)})]:
  try:
    lat = pipe.latents(cond, steps=2, seed=0)
    v = pipe.decode(lat)
    print(f"{name:24s} ok latents {tuple(lat.shape)} finite={bool(np.isfinite(np.asarray(lat)).all())} latents md5 {md5(lat)} clip md5 {md5(v)} min {int(v.min())} max {int(v.max())}")
  except Exception as e:
    print(f"{name:24s} {type(e).__name__}: {str(e).splitlines()[0][:200]}")
