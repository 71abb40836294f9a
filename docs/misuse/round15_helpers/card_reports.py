"""Each eval/score report of a run (weights_sha256, protocol's sample count, sharpness) and the report lines of an export's card."""
import glob, json, os, sys
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*_step*.json"))):
  d = json.load(open(f))
  print(os.path.basename(f), str(d.get("weights_sha256", "-"))[:8], d.get("protocol", {}).get("num_samples"), d.get("sharpness"))
if len(sys.argv) > 2:
  print([l.strip()[:160] for l in open(os.path.join(sys.argv[2], "README.md")) if "_step0" in l or "nothing:" in l])
