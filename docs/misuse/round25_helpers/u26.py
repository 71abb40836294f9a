# a sweep row interrupted by Ctrl-C mid-training, then the same command rerun
import os, signal, subprocess, sys, time, json
WT = os.environ["WT"]; R = "/tmp/r25/runs/u26"
subprocess.run(f"rm -rf {R}; mkdir -p {R}", shell=True, check=True)
cmd = [sys.executable, "benchmarks/sweeps/ablation_sweep.py", f"--root={R}/root", f"--results={R}/res", "--rows=table4:sfm_4",
       "--steps=6", "--override=--config.eval.num_samples=4", "--override=--config.eval.classifier_steps=20",
       "--override=--config.eval.frame_judge_steps=20"]
env = dict(os.environ, PYTHONPATH=WT)
p = subprocess.Popen(["nice", "-n", "19"] + cmd, cwd=WT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                     start_new_session=True)
time.sleep(float(os.environ.get("WAIT", 30)))
print("before SIGINT:", sorted(os.listdir(f"{R}/root")) if os.path.isdir(f"{R}/root") else "-", sorted(os.listdir(f"{R}/res")) if os.path.isdir(f"{R}/res") else "-")
os.killpg(p.pid, signal.SIGINT)     # Ctrl-C in a terminal reaches the whole foreground group
out, _ = p.communicate(timeout=120)
print("rc", p.returncode); print("\n".join(l[:300] for l in out.splitlines() if "WARNING" not in l)[-1500:])
print("after:", sorted(os.listdir(f"{R}/root")), sorted(os.listdir(f"{R}/res")) if os.path.isdir(f"{R}/res") else "-")
print("== rerun")
q = subprocess.run(["nice", "-n", "19"] + cmd, cwd=WT, env=env, capture_output=True, text=True, timeout=280)
print("rc", q.returncode); print("\n".join(l[:300] for l in (q.stdout + q.stderr).splitlines() if "WARNING" not in l)[-1200:])
print("res:", sorted(os.listdir(f"{R}/res")), "root:", sorted(os.listdir(f"{R}/root")))
d = json.load(open(f"{R}/res/table4_sfm_4.json")); print({k: d.get(k) for k in ("classifier_fd", "class_accuracy", "steps")})
