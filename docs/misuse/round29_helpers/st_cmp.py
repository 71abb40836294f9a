"""Tensors that differ between two safetensors files: st_cmp.py A B"""
import sys
import numpy as np
from safetensors.numpy import load_file
a, b = load_file(sys.argv[1]), load_file(sys.argv[2])
diff = [k for k in sorted(a) if k not in b or not np.array_equal(a[k], b[k])]
print(f"{len(a)} tensors, {len(diff)} differ: {diff[:5]}")
