# per record of a record set: label and the mean of each latent frame (identity autoencoder: the pixels, scaled)
import sys
import numpy as np
from eflow_jax.data import records
m = records.read_manifest(sys.argv[1]); src = records.data_source(sys.argv[1], m)
print("manifest num_examples", m.get("num_examples"), "frames", m.get("frames"), {k: m.get(k) for k in ("frame_stride", "latent_shape", "clip_frames") if k in m})
for i in range(len(src)):
  ex = records.decode_example(src[i]); lat = np.asarray(ex["latent"], np.float32)
  print(i, {k: np.asarray(v).tolist() for k, v in ex.items() if np.asarray(v).size < 4}, lat.shape, "frame means", np.round(lat.reshape(lat.shape[0], -1).mean(1), 3).tolist())
