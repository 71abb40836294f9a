"""Decoded-frame digests of GIF clips (files carry a per-write mark, so their bytes differ): gifeq.py GIF..."""
import hashlib, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "round14_helpers"))
from gif_frames import frames
for p in sys.argv[1:]:
  f = frames(p)
  print(hashlib.md5(f.tobytes()).hexdigest()[:10], f.shape, int(f.max()), p)
