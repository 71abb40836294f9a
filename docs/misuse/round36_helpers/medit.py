# medit.py META_FILE PYTHON: rewrites a checkpoint meta, PYTHON acting on dict d
import json, sys
p = sys.argv[1]; d = json.load(open(p)); exec(sys.argv[2]); json.dump(d, open(p, "w"))
