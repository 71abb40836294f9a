"""The columns of a .jsonl / .csv video list that prepare_data does not read. A dataset's own split
column (Kinetics and UCF lists carry one) did nothing: its held-out rows were prepared with the
rest and trained on, without a word."""
import re
import sys

READ = ("video", "caption", "label")
SPLIT_NAMES = ("split", "subset", "fold", "partition")
# A column is a split by its values too, whatever its name (FER2013's 'Usage': Training, PublicTest).
SPLIT_VALUE = re.compile(r"(public|private)?(train|training|val|valid|validation|test|testing|dev|eval|holdout|heldout)\d*")


def _is_split(name: str, values: set) -> bool:
  words = {re.sub(r"[\s_\-]", "", str(v).strip("'\"").lower()) for v in values}
  return len(values) > 1 and (name.strip().lower() in SPLIT_NAMES or all(SPLIT_VALUE.fullmatch(w) for w in words))


def check_list_columns(input_path: str, rows: list[tuple[str, dict]]) -> None:
  """A .csv row with more cells than the header is refused (an unquoted comma in a path split it: its
  video was read short and the rest of the path became a class), and so is a split column with more
  than one value (every row would go into one set); any other column not read is named in a warning."""
  unread: dict[str, set] = {}
  for where, row in rows:
    if None in row:           # csv.DictReader's key for the cells past the header
      raise ValueError(f"{where} has {len(row[None])} cell(s) more than the header ({', '.join(map(repr, row[None]))}): a "
                       f"comma inside a path or caption splits it; quote that field (\"a, b.mp4\").")
    for key, value in row.items():
      if key not in READ:
        unread.setdefault(str(key), set()).add(repr(value))
  for name, values in unread.items():
    if _is_split(name, values):
      raise ValueError(f"{input_path}: column {name!r} splits the rows ({', '.join(sorted(values)[:4])}), but "
                       f"prepare_data reads only {', '.join(READ)} and would prepare every row into one set: write one "
                       f"list per split and prepare each apart (held-out clips go in data.eval_path).")
  if unread:
    print(f"prepare_data: warning: {input_path}: column(s) {', '.join(repr(n) for n in unread)} not read (prepare_data "
          f"reads {', '.join(READ)}).", file=sys.stderr, flush=True)
