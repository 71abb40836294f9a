# prints step -> (run_id[:8], lineage ids[:8], run_dir, nonfinite_steps) for every step folder of a run's checkpoints/
import json, os, sys
c = sys.argv[1] + "/checkpoints"
for s in sorted(os.listdir(c)):
  p = f"{c}/{s}/meta/metadata"
  if os.path.exists(p):
    d = json.load(open(p)); print(s, d.get("run_id", "")[:8], [i[:8] for i in d.get("lineage", [])] if isinstance(d.get("lineage"), list) else repr(d.get("lineage")), d.get("run_dir"), d.get("nonfinite_steps"))
  else:
    print(s, "(no meta)")
