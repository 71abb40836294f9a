"""One command of a sweep row (training, --mode=eval, --mode=sample), run from the repository with its
output appended to the row's log, and how a Ctrl-C of the sweep ends.

A Ctrl-C at the terminal reaches every process of the foreground group: the sweep and the row's
trainer, which saves a checkpoint and stops (eflow_jax/main.py). subprocess.run answered the sweep's
KeyboardInterrupt by killing the trainer a quarter second later, in the middle of that save, and the
sweep ended in a traceback through subprocess's internals."""
import subprocess
import sys

INTERRUPTED_EXIT = 130          # a shell's code for a command ended by Ctrl-C (SIGINT)
INTERRUPTED = ("interrupted: rows already finished keep their reports in --results; rerun the same command to go on "
               "(an unfinished row resumes from its last checkpoint).")


def run(cmd: list, log_path: str, cwd: str) -> int:
  """`cmd`'s exit code. Interrupted, it waits for the command to stop by itself (it received the same
  Ctrl-C), then raises KeyboardInterrupt; a second Ctrl-C stops waiting (and reaches the command as
  its second, which then gives up its checkpoint)."""
  print("+ " + " ".join(cmd), flush=True)
  with open(log_path, "a") as log:
    process = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    try:
      return process.wait()
    except KeyboardInterrupt:
      print(f"interrupted: waiting for the row's command to stop (a trainer saves a checkpoint first; its log: "
            f"{log_path})...", file=sys.stderr, flush=True)
      process.wait()
      raise


def main_interruptible(main) -> None:
  """main(), with a Ctrl-C ending the sweep in one line and exit code 130 instead of a traceback."""
  try:
    main()
  except KeyboardInterrupt:
    print(f"\n{INTERRUPTED}", file=sys.stderr, flush=True)
    sys.exit(INTERRUPTED_EXIT)
