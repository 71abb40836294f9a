import json, subprocess, sys
# usage: python add.py ID CATEGORY  (reads what/command/result/note from a python-literal file /tmp/r25/cases/ID.py)
cid = sys.argv[1]
ns = {}
exec(open(f'/tmp/r25/cases/{cid}.py').read(), ns)
case = {"id": cid, "what": ns["what"], "command": ns["command"], "result": ns["result"], "category": ns["category"], "note": ns["note"]}
p = subprocess.run([sys.executable, "docs/misuse/add_case.py", "docs/misuse/round25.json", "cases"], input=json.dumps(case), text=True, capture_output=True)
print(p.stdout, p.stderr)
