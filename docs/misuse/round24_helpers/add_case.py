"""Append (or replace, by id) one case in docs/misuse/round24.json.

Usage: python add_case.py KEY < case.json   (KEY: cases).
The case is a JSON object with at least an 'id'; the counts are recomputed from 'cases'."""
import json, os, sys

PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "round24.json")
key = sys.argv[1]
case = json.load(sys.stdin)
doc = json.load(open(PATH)) if os.path.exists(PATH) else {"cases": []}
items = [c for c in doc.setdefault(key, []) if c["id"] != case["id"]]  # a rerun replaces its old entry
items.append(case)
doc[key] = sorted(items, key=lambda c: c["id"])
counts = {k: 0 for k in ("good", "traceback/unclear", "silent garbage", "data loss", "not run")}
for c in doc["cases"]:
  counts[c["category"]] += 1
doc["counts"] = counts
with open(PATH, "w") as f:
  json.dump(doc, f, indent=1, ensure_ascii=False)
  f.write("\n")
print(case["id"], case["category"], counts)
