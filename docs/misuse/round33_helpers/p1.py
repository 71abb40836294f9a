# C12: the Pipeline's outputs against its docstring (uint8 (B, T, H, W, 3), a repeat exact, finite), base export
import sys, numpy as np, eflow_jax
pipe = eflow_jax.Pipeline.from_pretrained(sys.argv[1])
v = pipe(class_ids=[3, 7], steps=2, guidance=1.5, seed=0)
print("type", type(v).__name__, "dtype", v.dtype, "shape", v.shape, "min", v.min(), "max", v.max(), "mean", round(float(v.mean()), 2),
      "contig", v.flags.c_contiguous, "writeable", v.flags.writeable)
v2 = pipe(class_ids=[3, 7], steps=2, guidance=1.5, seed=0)
print("repeat exact", np.array_equal(v, v2), "same object", v is v2, "shares memory", np.shares_memory(v, v2))
v[:] = 0
v3 = pipe(class_ids=[3, 7], steps=2, guidance=1.5, seed=0)
print("after the user zeroed the first result, a third call equal to v2:", np.array_equal(v2, v3))
one = pipe(class_ids=[3], steps=2, guidance=1.5, seed=0)
print("batch of 1 shape", one.shape, "equals first clip of batch of 2:", np.array_equal(one[0], v2[0]))
per_frame = [float(v2[0, t].std()) for t in range(v2.shape[1])]
print("per-frame std of clip 0", [round(x, 1) for x in per_frame])
for k in ("frames", "height", "width", "num_frames", "resolution", "config"):
  print(k, getattr(pipe, k, "<none>") if k != "config" else type(getattr(pipe, k, None)).__name__)
