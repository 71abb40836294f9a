"""Re-encode a video as a typical lossy conversion does (libx264, yuv420p, crf 28), same frames and fps:
reencode.py SRC DST   (R17: the same clips downloaded again in another quality)."""
import sys
import av
src, dst = sys.argv[1], sys.argv[2]
with av.open(src) as i:
  frames = [f.to_ndarray(format="rgb24") for f in i.decode(video=0)]
  rate = i.streams.video[0].average_rate
with av.open(dst, "w") as c:
  s = c.add_stream("libx264", rate=rate); s.width, s.height, s.pix_fmt = frames[0].shape[1], frames[0].shape[0], "yuv420p"
  s.options = {"crf": "28"}
  for f in frames:
    for p in s.encode(av.VideoFrame.from_ndarray(f, format="rgb24")): c.mux(p)
  for p in s.encode(): c.mux(p)
