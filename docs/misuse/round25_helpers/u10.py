# round 24 T40 redone: SIGINT delivered properly to an eval training a new metric classifier
import os, signal, subprocess, sys, time, glob
WT = os.environ["WT"]; R = "/tmp/r25/runs"; O = "/tmp/r25/out"
subprocess.run(f"rm -rf {R}/u10 {O}/u10; cp -r {R}/base {R}/u10; mkdir -p {O}/u10", shell=True, check=True)
cmd = [sys.executable, "-m", "eflow_jax.main", "--config=tests/tiny_config.py:steps=12", "--mode=eval", f"--workdir={R}/u10",
       f"--output={O}/u10/r.json", "--config.eval.num_samples=4", "--config.eval.classifier_steps=400000",
       "--config.eval.frame_judge_steps=20"]
env = dict(os.environ, PYTHONPATH=WT)
t0 = time.time()
p = subprocess.Popen(["nice", "-n", "19"] + cmd, cwd=WT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
time.sleep(float(os.environ.get("WAIT", 25)))
print("before SIGINT:", sorted(os.listdir(f"{R}/u10")), os.listdir(f"{R}/u10/metrics") if os.path.isdir(f"{R}/u10/metrics") else "no metrics/")
os.kill(p.pid, signal.SIGINT)   # nice execs python: same pid
out, _ = p.communicate(timeout=120)
print("rc", p.returncode, "after", round(time.time() - t0, 1), "s")
print("\n".join(l[:300] for l in out.splitlines() if "absl" not in l)[-2500:])
print("run:", sorted(os.listdir(f"{R}/u10")))
print("metrics/:", os.listdir(f"{R}/u10/metrics") if os.path.isdir(f"{R}/u10/metrics") else "absent")
print("out:", os.listdir(f"{O}/u10"))
print("tmp leftovers:", glob.glob(f"{R}/u10/**/*tmp*", recursive=True) + glob.glob(f"{O}/u10/**/*tmp*", recursive=True))
