"""Copy the tiny UMT5 to argv[1] with every weight tensor replaced (same names, shapes, dtypes; other values)."""
import shutil, sys, numpy as np
from safetensors.numpy import load_file, save_file
dst = sys.argv[1]
shutil.copytree("/tmp/r34/umt5", dst, dirs_exist_ok=True)
t = load_file(dst + "/model.safetensors")
rng = np.random.default_rng(7)
save_file({k: (rng.standard_normal(v.shape) * (v.std() + 1e-3)).astype(v.dtype) for k, v in t.items()}, dst + "/model.safetensors", metadata={"format": "pt"})
print("rewrote", len(t), "tensors")
