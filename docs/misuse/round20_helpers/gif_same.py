"""Compare two GIFs frame by frame (pixels only, not the file's comment): prints max abs difference."""
import sys
import numpy as np
from PIL import Image, ImageSequence
def frames(p):
  with Image.open(p) as im:
    return np.stack([np.asarray(f.convert("RGB"), np.int16) for f in ImageSequence.Iterator(im)])
a, b = frames(sys.argv[1]), frames(sys.argv[2])
print(sys.argv[1].split("/")[-2:], sys.argv[2].split("/")[-2:], a.shape, b.shape, "max|diff|", int(np.abs(a - b).max()) if a.shape == b.shape else "shape differs")
