"""Write an MP4 whose frame k is a constant grey 20k+5 (+ OFFSET): mkvid.py PATH [FRAMES] [OFFSET] [H] [W] [FPS]"""
import sys
import av
import numpy as np
path = sys.argv[1]
n, off = int(sys.argv[2]) if len(sys.argv) > 2 else 6, int(sys.argv[3]) if len(sys.argv) > 3 else 0
h, w = (int(sys.argv[4]), int(sys.argv[5])) if len(sys.argv) > 5 else (16, 16)
fps = int(sys.argv[6]) if len(sys.argv) > 6 else 8
with av.open(path, "w") as c:
  s = c.add_stream("libx264", rate=fps); s.width, s.height, s.pix_fmt = w, h, "yuv444p"
  s.options = {"qp": "0"}
  for k in range(n):
    f = np.full((h, w, 3), 20 * k + 5 + off, np.uint8)
    for p in s.encode(av.VideoFrame.from_ndarray(f, format="rgb24")): c.mux(p)
  for p in s.encode(): c.mux(p)
