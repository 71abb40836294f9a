"""Read tensorboardX event files in name order, apply TensorBoard's purge on SessionLog.START (drop earlier
events of step >= the start's step), and compare the surviving 'loss' scalars with metrics.jsonl."""
import glob, json, os, struct, sys
from tensorboardX.proto import event_pb2
w, tag = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "loss")
kept, starts = [], []
for f in sorted(glob.glob(os.path.join(w, "tensorboard", "*"))):
  data = open(f, "rb").read(); i = 0
  while i < len(data):
    n = struct.unpack("<Q", data[i:i + 8])[0]; ev = event_pb2.Event(); ev.ParseFromString(data[i + 12:i + 12 + n]); i += 16 + n
    if ev.HasField("session_log") and ev.session_log.status == 1:
      starts.append((os.path.basename(f), ev.step)); kept = [k for k in kept if k[0] < ev.step]; continue
    for v in ev.summary.value:
      if v.tag == tag: kept.append((ev.step, v.simple_value))
steps = [s for s, _ in kept]
print("session starts", starts, "scalars", len(kept), "distinct steps", len(set(steps)))
m = {json.loads(l)["step"]: json.loads(l).get(tag) for l in open(os.path.join(w, "metrics.jsonl"))}
diff = [(s, v, m.get(s)) for s, v in kept if m.get(s) is None or abs(v - m[s]) > 1e-6 * max(1, abs(v))]
print("steps in TB not matching metrics.jsonl:", diff[:5], len(diff), "| metrics steps not in TB:", sorted(set(m) - set(steps))[:5])
