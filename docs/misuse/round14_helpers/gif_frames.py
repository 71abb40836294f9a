"""Decode GIF clips to uint8 arrays (T, H, W, 3) and compare them: gif_frames.py a.gif b.gif ..."""
import sys
import numpy as np
from PIL import Image, ImageSequence

def frames(path):
  return np.stack([np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(Image.open(path))])

if __name__ == "__main__":
  arrs = [frames(p) for p in sys.argv[1:]]
  for p, a in zip(sys.argv[1:], arrs):
    print(p.split("/")[-1], a.shape, "mean", round(float(a.mean()), 3), "equal to first:", bool(np.array_equal(a, arrs[0])))
