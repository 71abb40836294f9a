# a sweep row interrupted by Ctrl-C (SIGINT to the whole process group, as a terminal sends it) while
# its trainer trains (AT=train) or while its --mode=eval runs (AT=eval); TWICE=1 sends a second Ctrl-C 0.3 s later;
# then the same command rerun.   usage: NAME=w40 AT=train SIG=TERM ONLYSWEEP=1 python sweep_sig.py  (after . /tmp/r27/env.sh)
# (round 26's sweep_int.py with SIG= the signal's name: INT, TERM, HUP)
import os, signal, subprocess, sys, time, json, re
WT = os.environ["WT"]; R = f"/tmp/r27/runs/{os.environ.get('NAME', 'u26')}"
AT = os.environ.get("AT", "train"); TWICE = os.environ.get("TWICE", "0") == "1"
subprocess.run(f"rm -rf {R}; mkdir -p {R}", shell=True, check=True)
cmd = [sys.executable, "benchmarks/sweeps/ablation_sweep.py", f"--root={R}/root", f"--results={R}/res", "--rows=table4:sfm_4",
       "--steps=" + os.environ.get("STEPS", "6"), "--override=--config.eval.num_samples=4", "--override=--config.eval.classifier_steps=20",
       "--override=--config.eval.frame_judge_steps=20"]
env = dict(os.environ, PYTHONPATH=WT)
out = open(f"{R}/sweep.out", "w")
p = subprocess.Popen(["nice", "-n", "19"] + cmd, cwd=WT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True,
                     start_new_session=True)
log = f"{R}/root/table4_sfm_4.log"
t0 = time.time()
while time.time() - t0 < 250 and p.poll() is None:
  so = open(f"{R}/sweep.out").read()
  lg = open(log).read() if os.path.exists(log) else ""
  if AT == "train" and re.search(r"^step\s*[1-9]", lg, re.M): break
  if AT == "eval" and "--mode=eval" in so: time.sleep(float(os.environ.get("EVAL_DELAY", 3))); break
  time.sleep(0.5)
SIG = getattr(signal, 'SIG' + os.environ.get('SIG', 'INT'))
print(f"{SIG.name} at {time.time() - t0:.1f}s; log tail before:", lg.strip().splitlines()[-2:] if lg else "-")
(os.kill if os.environ.get('ONLYSWEEP') == '1' else os.killpg)(p.pid, SIG)   # ONLYSWEEP=1: kill -INT <sweep pid> only
t_int = time.time()
if TWICE:
  time.sleep(0.3); os.killpg(p.pid, signal.SIGINT); print("second SIGINT sent")
p.wait(timeout=400)
print("rc", p.returncode, f"{time.time() - t_int:.1f}s after the signal")
print("sweep output (no WARNING lines):\n" + "\n".join(l[:400] for l in open(f"{R}/sweep.out").read().splitlines() if "WARNING" not in l))
print("row log tail:\n" + "\n".join(l[:300] for l in open(log).read().splitlines() if "WARNING" not in l and not l.startswith("step"))[-1500:])
print("after:", sorted(os.listdir(f"{R}/root")), sorted(os.listdir(f"{R}/res")) if os.path.isdir(f"{R}/res") else "-")
for d in os.listdir(f"{R}/root"):
  if d.startswith("train_") and os.path.isdir(f"{R}/root/{d}/checkpoints"): print("checkpoints:", sorted(os.listdir(f"{R}/root/{d}/checkpoints")))
print("== rerun")
q = subprocess.run(["nice", "-n", "19"] + cmd, cwd=WT, env=env, capture_output=True, text=True, timeout=280)
print("rc", q.returncode); print("\n".join(l[:300] for l in (q.stdout + q.stderr).splitlines() if "WARNING" not in l)[-1500:])
print("row log Resuming lines:", [l[:200] for l in open(log).read().splitlines() if "Resum" in l or "interrupt" in l.lower() or "stopp" in l.lower()])
print("res:", sorted(os.listdir(f"{R}/res")), "root:", sorted(os.listdir(f"{R}/root")))
d = json.load(open(f"{R}/res/table4_sfm_4.json")); print({k: d.get(k) for k in ("classifier_fd", "class_accuracy", "steps")})
