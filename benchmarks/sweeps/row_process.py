"""One command of a sweep row (training, --mode=eval, --mode=sample), run from the repository with its
output appended to the row's log, and how a Ctrl-C (or a scheduler's SIGTERM) of the sweep ends.

The command runs in a session of its own, and each stop signal the sweep gets is passed on to it once:
the trainer then saves a checkpoint and stops (eflow_jax/main.py; a second signal stops it at once).
subprocess.run killed the trainer a quarter second after a Ctrl-C, in the middle of that save, and
ended the sweep in a traceback; and a signal sent to the sweep alone (`kill -INT <pid>`) never reached
the trainer, which trained out its whole budget first."""
import signal
import subprocess
import sys

INTERRUPTED_EXIT = 130          # a shell's code for a command ended by Ctrl-C (SIGINT)
INTERRUPTED = ("interrupted: rows already finished keep their reports in --results; rerun the same command to go on "
               "(an unfinished row resumes from its last checkpoint, if it saved one).")
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def run(cmd: list, log_path: str, cwd: str) -> int:
  """`cmd`'s exit code; once the sweep was signalled, KeyboardInterrupt after the command stopped."""
  print("+ " + " ".join(cmd), flush=True)
  with open(log_path, "a") as log:
    process = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    received = []

    def pass_on(signum, frame):  # pylint: disable=unused-argument
      if not received:
        print(f"interrupted: waiting for the row's command to stop (a trainer saves a checkpoint first; its log: "
              f"{log_path})...", file=sys.stderr, flush=True)
      received.append(signum)
      if process.poll() is None:
        process.send_signal(signum)

    previous = {sig: signal.signal(sig, pass_on) for sig in STOP_SIGNALS}
    try:
      code = process.wait()
    finally:
      for sig, handler in previous.items():
        signal.signal(sig, handler)
  if received:
    raise KeyboardInterrupt
  return code


def main_interruptible(main) -> None:
  """main(), with a Ctrl-C ending the sweep in one line and exit code 130 instead of a traceback."""
  try:
    main()
  except KeyboardInterrupt:
    print(f"\n{INTERRUPTED}", file=sys.stderr, flush=True)
    sys.exit(INTERRUPTED_EXIT)
