"""Print the steps in metrics.jsonl and metrics.superseded.jsonl of a run, each step's count, resumed_at."""
import collections, json, os, sys
w = sys.argv[1]
for name in ("metrics.jsonl", "metrics.superseded.jsonl"):
  p = os.path.join(w, name)
  if not os.path.exists(p):
    print(name, "absent"); continue
  rows, bad = [], 0
  for line in open(p):
    try: rows.append(json.loads(line))
    except Exception: bad += 1
  steps = [r.get("step") for r in rows]
  dup = {s: c for s, c in collections.Counter(steps).items() if c > 1}
  ra = sorted({r.get("resumed_at") for r in rows if "resumed_at" in r})
  print(name, "rows", len(rows), "unparsable", bad, "steps", steps, "dups", dup, "resumed_at", ra)
  if len(sys.argv) > 2:
    for r in rows:
      if r.get("step") in [int(s) for s in sys.argv[2].split(",")]:
        print("  ", r.get("step"), "loss", r.get("loss"), "resumed_at", r.get("resumed_at"))
