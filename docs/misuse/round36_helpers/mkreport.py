# mkreport.py RESULTS TABLE ROW: rewrites RESULTS/TABLE_ROW.json as this sweep would have written it (its "sweep"
# settings for the default budget, no --override, and its own digest), so that the report reads as measured
import json, os, sys
sys.path.insert(0, os.getcwd())
from benchmarks.sweeps import ablation_sweep as sw
from eflow_jax import own_digest
results, table, row = sys.argv[1:4]
path = os.path.join(os.getcwd(), "configs", "ablations", f"{table}.py")
config = sw.row_config(path, row, None, [])
report = os.path.join(results, f"{table}_{row}.json")
try:
  settings = sw.sweep_settings(config, [], f"{table}:{row}")     # reports keep their row since the round-36 fixes
except TypeError:
  settings = sw.sweep_settings(config, [])
d = json.load(open(report)); d.pop("sweep", None); d["sweep"] = settings
open(report, "w").write(own_digest.with_own_digest(d)); print("wrote", report, d["sweep"]["total_steps"])
