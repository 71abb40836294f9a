"""Write an animated GIF whose frames differ only in a small moving square (Pillow stores later frames as
cropped deltas with transparency), or compare a prepared record set's first record with those frames.
  gif_delta.py write PATH         (6 frames 16x16: grey 60 background, a 4x4 white square moving right by 2 px)
  gif_delta.py check SET_DIR      (max abs pixel difference of each frame of record 0, identity autoencoder)"""
import sys
import numpy as np

def frames():
  out = []
  for k in range(6):
    f = np.full((16, 16, 3), 60, np.uint8); f[6:10, 2 * k:2 * k + 4] = 255; out.append(f)
  return np.stack(out)

if sys.argv[1] == "write":
  from PIL import Image
  ims = [Image.fromarray(f) for f in frames()]
  ims[0].save(sys.argv[2], save_all=True, append_images=ims[1:], duration=125, loop=0, optimize=True, disposal=1)
else:
  from eflow_jax.data import records
  man = records.read_manifest(sys.argv[2]); src = records.data_source(sys.argv[2], man)
  lat = np.asarray(records.decode_example(src[0])["latent"], np.float32)
  pix = (lat + 1) * 127.5
  ref = frames()[: pix.shape[0]].astype(np.float32)
  print("record 0 latent", lat.shape, "per-frame max |diff| vs the GIF's frames:", [round(float(np.abs(pix[t] - ref[t]).max()), 1) for t in range(pix.shape[0])])
  print("square columns with value > 200 in each decoded frame:", [sorted(set(np.where(pix[t].mean(-1) > 200)[1].tolist())) for t in range(pix.shape[0])])
