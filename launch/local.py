"""Runs N copies of a command on this machine as one multi-process JAX run.

    python launch/local.py --num_processes=2 [--cpu_devices_per_process=2] [--port=P] -- \\
        python -m eflow_jax.main --config=configs/demo.py:runlocal --workdir=/tmp/run

Process i gets EFLOW_COORDINATOR_ADDRESS=127.0.0.1:P, EFLOW_NUM_PROCESSES=N, EFLOW_PROCESS_ID=i
(and EFLOW_CPU_DEVICES_PER_PROCESS=k), which `eflow_jax.distributed.settings_from` reads. Each
output line is prefixed with [pI]. If one process fails the others are stopped; the exit status
is the first nonzero one (128+signal for a process killed by a signal).

SIGTERM / SIGINT to the launcher are forwarded once, as SIGTERM, to every process (they run in
their own sessions, so a terminal's Ctrl-C reaches them only this way), like a scheduler's
preemption notice: the run checkpoints and the processes exit with 75, which is not a failure.

Meant for testing multi-process code paths on CPU (JAX_PLATFORMS=cpu, gloo collectives). On a
single multi-GPU machine one process already drives every GPU.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time


def free_port() -> int:
  with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.bind(("127.0.0.1", 0))
    return s.getsockname()[1]


def parse_args(argv):
  if "--" not in argv:
    raise SystemExit("usage: local.py --num_processes=N [--cpu_devices_per_process=K] [--port=P] -- COMMAND ...")
  split = argv.index("--")
  parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
  parser.add_argument("--num_processes", type=int, required=True)
  parser.add_argument("--cpu_devices_per_process", type=int, default=None)
  parser.add_argument("--port", type=int, default=None, help="coordinator port (default: a free one)")
  parser.add_argument("--grace_s", type=float, default=10.0,
                      help="after a failure, seconds to wait for SIGTERM before SIGKILL")
  args = parser.parse_args(argv[:split])
  args.command = argv[split + 1:]
  if not args.command:
    parser.error("no command after --")
  if args.num_processes < 1:
    parser.error("--num_processes must be >= 1")
  if args.cpu_devices_per_process is not None and args.cpu_devices_per_process < 1:
    parser.error("--cpu_devices_per_process must be >= 1")
  if args.port is not None and not 1 <= args.port <= 65535:
    parser.error("--port must be in 1..65535")
  return args


def _pump(proc, index, lock):
  prefix = f"[p{index}] ".encode()
  out = sys.stdout.buffer
  for line in iter(proc.stdout.readline, b""):
    if not line.endswith(b"\n"):
      line += b"\n"
    with lock:
      out.write(prefix + line)
      out.flush()
  proc.stdout.close()


def _exit_code(returncode: int) -> int:
  return 128 - returncode if returncode < 0 else returncode


CLEAN_EXITS = (0, 75)          # 75: stopped by a signal after a checkpoint (eflow_jax.train.fault_tolerance)


class _Preempted(Exception):
  pass


def _raise_preempted(signum, frame):
  raise _Preempted(signum)


def _stop(procs, grace_s):
  alive = [p for p in procs if p.poll() is None]
  for p in alive:
    p.send_signal(signal.SIGTERM)
  deadline = time.monotonic() + grace_s
  for p in alive:
    try:
      p.wait(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
      p.kill()
      p.wait()


def main(argv) -> int:
  args = parse_args(argv)
  port = args.port or free_port()
  lock = threading.Lock()
  procs, pumps = [], []
  for i in range(args.num_processes):
    env = dict(os.environ)
    env.update(EFLOW_COORDINATOR_ADDRESS=f"127.0.0.1:{port}", EFLOW_NUM_PROCESSES=str(args.num_processes),
               EFLOW_PROCESS_ID=str(i), PYTHONUNBUFFERED="1")
    if args.cpu_devices_per_process is not None:
      env["EFLOW_CPU_DEVICES_PER_PROCESS"] = str(args.cpu_devices_per_process)
    try:
      proc = subprocess.Popen(args.command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, start_new_session=True)
    except OSError as e:           # a misspelt or non-executable command: one line, not a traceback
      _stop(procs, args.grace_s)
      raise SystemExit(f"launch: cannot start {args.command[0]!r}: {e.strerror}") from None
    procs.append(proc)
    pump = threading.Thread(target=_pump, args=(proc, i, lock), daemon=True)
    pump.start()
    pumps.append(pump)

  status = 0
  signal.signal(signal.SIGTERM, _raise_preempted)
  signal.signal(signal.SIGINT, _raise_preempted)
  try:
    while [p.poll() for p in procs].count(None):   # poll every process, not just the first alive
      failed = [p for p in procs if p.returncode not in (None, *CLEAN_EXITS)]
      if failed:
        status = _exit_code(failed[0].returncode)
        with lock:
          print(f"[launch] process {procs.index(failed[0])} exited with {failed[0].returncode}; "
                "stopping the others", file=sys.stderr, flush=True)
        _stop(procs, args.grace_s)
        break
      time.sleep(0.1)
    else:
      status = next((_exit_code(p.returncode) for p in procs if p.returncode != 0), 0)
  except _Preempted:
    kill_all = lambda signum, frame: [p.kill() for p in procs if p.poll() is None]   # second signal
    signal.signal(signal.SIGTERM, kill_all)
    signal.signal(signal.SIGINT, kill_all)
    with lock:
      print("[launch] signal received: asking every process to checkpoint and stop", file=sys.stderr, flush=True)
    for p in procs:
      if p.poll() is None:
        p.send_signal(signal.SIGTERM)
    for p in procs:
      p.wait()
    status = next((_exit_code(p.returncode) for p in procs if p.returncode != 0), 0)
  for pump in pumps:
    pump.join(timeout=5)
  return status


if __name__ == "__main__":
  sys.exit(main(sys.argv[1:]))
