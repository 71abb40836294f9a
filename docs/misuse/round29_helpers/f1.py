"""Y24-Y26: Pipeline call arguments at edges on the base export: f1.py EXPORT"""
import hashlib, sys
import numpy as np
import eflow_jax
pipe = eflow_jax.Pipeline.from_pretrained(sys.argv[1])
def run(label, **kw):
  try:
    v = np.asarray(pipe(**kw))
    print(f"{label}: ok shape {v.shape} md5 {hashlib.md5(v.tobytes()).hexdigest()[:10]} finite-nonblack {bool(v.max() > 0)}")
  except Exception as e:
    print(f"{label}: {type(e).__name__}: {str(e).splitlines()[0][:300]}")
print("num_classes", pipe.config.model.num_classes)
run("ref class_ids=[1,0] steps=2 seed=3", class_ids=[1, 0], steps=2, seed=3)
# Y24 class ids as numpy arrays
run("np.array([True, False])", class_ids=np.array([True, False]), steps=2, seed=3)
run("np.array([1, 0], int64)", class_ids=np.array([1, 0], np.int64), steps=2, seed=3)
run("np.array([1, 11], int64)", class_ids=np.array([1, 11], np.int64), steps=2, seed=3)
run("np.array([1, 2**40], int64)", class_ids=np.array([1, 2**40], np.int64), steps=2, seed=3)
run("np.array([1, -1], int8)", class_ids=np.array([1, -1], np.int8), steps=2, seed=3)
run("np.array([1.0, 0.0], float32)", class_ids=np.array([1.0, 0.0], np.float32), steps=2, seed=3)
run("np.array([1, 0], uint8)", class_ids=np.array([1, 0], np.uint8), steps=2, seed=3)
run("np.bool_(True) alone", class_ids=np.bool_(True), steps=2, seed=3)
# Y25 steps / guidance types
run("steps=2.0 (float)", class_ids=[1, 0], steps=2.0, seed=3)
run("steps=np.int16(2)", class_ids=[1, 0], steps=np.int16(2), seed=3)
run("steps=0", class_ids=[1, 0], steps=0, seed=3)
run("steps=-2", class_ids=[1, 0], steps=-2, seed=3)
run("guidance=1.5", class_ids=[1, 0], steps=2, seed=3, guidance=1.5)
run("guidance=np.float64(1.5)", class_ids=[1, 0], steps=2, seed=3, guidance=np.float64(1.5))
run("guidance=np.array(1.5)", class_ids=[1, 0], steps=2, seed=3, guidance=np.array(1.5))
run("guidance='1.5'", class_ids=[1, 0], steps=2, seed=3, guidance="1.5")
run("guidance=np.array([1.5])", class_ids=[1, 0], steps=2, seed=3, guidance=np.array([1.5]))
run("guidance=np.float16(1.5)", class_ids=[1, 0], steps=2, seed=3, guidance=np.float16(1.5))
