"""The columns of a .jsonl / .csv video list that prepare_data does not read. A dataset's own split
column (Kinetics and UCF lists carry one) did nothing: its held-out rows were prepared with the
rest and trained on, without a word."""
import sys

READ = ("video", "caption", "label")
SPLIT_NAMES = ("split", "subset", "fold", "partition")


def check_list_columns(input_path: str, rows: list[tuple[str, dict]]) -> None:
  """A split column with more than one value is refused (every row would go into one set); any
  other column not read is named in one warning."""
  unread: dict[str, set] = {}
  for _, row in rows:
    for key, value in row.items():
      if key not in READ:
        unread.setdefault("(cells past the header)" if key is None else str(key), set()).add(repr(value))
  for name, values in unread.items():
    if name.strip().lower() in SPLIT_NAMES and len(values) > 1:
      raise ValueError(f"{input_path}: column {name!r} splits the rows ({', '.join(sorted(values)[:4])}), but "
                       f"prepare_data reads only {', '.join(READ)} and would prepare every row into one set: write one "
                       f"list per split and prepare each apart (held-out clips go in data.eval_path).")
  if unread:
    print(f"prepare_data: warning: {input_path}: column(s) {', '.join(repr(n) for n in unread)} not read (prepare_data "
          f"reads {', '.join(READ)}).", file=sys.stderr, flush=True)
