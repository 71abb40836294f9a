# B24: the export's Pipeline against --mode=sample of the export, same prompt, seed, steps (defaults)
import hashlib, sys, glob, numpy as np
from eflow_jax.pipeline import Pipeline
p = Pipeline.from_pretrained(sys.argv[1])
a = p(prompts=['clip number 2 moving'] * 2, seed=3)
files = sorted(glob.glob(sys.argv[2] + '/*.gif')); print(files)
import os
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'round14_helpers'))
from gif_frames import frames
for i, f in enumerate(files):
  v = frames(f); k = v.shape[1] // a.shape[2]; v = v[:, ::k, ::k]; print('gif upscale', k); print(f, v.shape, a[i].shape, 'max abs diff', int(np.abs(v.astype(int) - a[i].astype(int)).max()), 'mean', round(float(np.abs(v.astype(int) - a[i].astype(int)).mean()), 2))
