"""Writes the round-37 cases into docs/misuse/round37.json through add_case.py (argv[1]: a JSON list file of cases)."""
import json, subprocess, sys, os
WT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
for c in json.load(open(sys.argv[1])):
  subprocess.run([sys.executable, f"{WT}/docs/misuse/add_case.py", f"{WT}/docs/misuse/round37.json", "cases"],
                 input=json.dumps(c), text=True, check=True)
