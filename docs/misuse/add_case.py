"""Append (or replace, by id) one case in a misuse round's file, its counts recomputed.

Usage: python docs/misuse/add_case.py docs/misuse/roundNN.json KEY < case.json   (KEY: cases).
The case is a JSON object with at least an 'id' and a 'category'."""
import json, os, sys

path, key = sys.argv[1], sys.argv[2]
case = json.load(sys.stdin)
doc = json.load(open(path)) if os.path.exists(path) else {"cases": []}
items = [c for c in doc.setdefault(key, []) if c["id"] != case["id"]]  # a rerun replaces its old entry
items.append(case)
doc[key] = sorted(items, key=lambda c: c["id"])
counts = {k: 0 for k in ("good", "traceback/unclear", "silent garbage", "data loss", "not run")}
for c in doc["cases"]:
  counts[c["category"]] += 1
doc["counts"] = counts
with open(path, "w") as f:
  json.dump(doc, f, indent=1, ensure_ascii=False)
  f.write("\n")
print(case["id"], case["category"], counts)
