"""Collective bytes per device of one compiled program, read from its HLO text (`compiled.as_text()`).

Why a parser: XLA's cost analysis does not report communication, and a loop body's collectives run
once per iteration (`nn.scan` over blocks puts most of them inside while loops), so each op is
weighted by the product of the trip counts of the loops around it. XLA writes a while loop's trip
count into its backend_config (`"known_trip_count":{"n":"7"}`); a collective under a loop without
one is refused rather than guessed (loops without collectives, such as a kernel's data-dependent
band loop, do not matter).

Bytes per device of one op (S = the op's payload: the all-reduce's buffer, the all-gather's
gathered result, the reduce-scatter's unscattered operand, the permuted buffer), g = group size,
as the bandwidth-optimal (ring) algorithms move them:
  all-reduce 2 (g-1)/g S,  all-gather (g-1)/g S,  reduce-scatter (g-1)/g S,
  collective-permute S,    all-to-all (g-1)/g S.
Only the synchronous forms are read (XLA:CPU emits those); an async `-start` op is refused.
"""
from __future__ import annotations

import re

KINDS = ("all-reduce", "all-gather", "reduce-scatter", "collective-permute", "all-to-all")
ITEMSIZE = {"pred": 1, "s8": 1, "u8": 1, "f8e4m3fn": 1, "f8e5m2": 1, "s16": 2, "u16": 2, "f16": 2,
            "bf16": 2, "s32": 4, "u32": 4, "f32": 4, "s64": 8, "u64": 8, "f64": 8, "c64": 8, "c128": 16}
_COMPUTATION = re.compile(r"^(?:ENTRY\s+)?%?([\w.\-]+)\s*\(.*\{\s*$")
_OP = re.compile(r"=\s*(.*?)\s(" + "|".join(KINDS) + r")(-start)?\(")
_ARRAY = re.compile(r"\b([a-z]+\d*[a-z0-9]*)\[([\d,]*)\]")
_CALLEE = re.compile(r"\b(body|condition|calls|to_apply|true_computation|false_computation)=%?([\w.\-]+)")
_BRANCHES = re.compile(r"branch_computations=\{([^}]*)\}")
_TRIP = re.compile(r'"known_trip_count":\{"n":"(\d+)"\}')
_GROUPS_LIST = re.compile(r"replica_groups=\{\{([\d,]*)\}")
_GROUPS_IOTA = re.compile(r"replica_groups=\[(\d+),(\d+)\]<=")
_GROUPS_MESH = re.compile(r"replica_groups=mesh\[([^\]]*)\]\s*\{([^}]*)\}")


def array_bytes(shape_text: str) -> int:
  """Bytes of every array in an HLO shape ('f32[2,3]{1,0}' or a tuple of them); layouts ignored."""
  total = 0
  for dtype, dims in _ARRAY.findall(shape_text):
    if dtype not in ITEMSIZE:
      continue
    count = 1
    for d in filter(None, dims.split(",")):
      count *= int(d)
    total += count * ITEMSIZE[dtype]
  return total


def group_size(line: str, default: int) -> int:
  """Devices in one replica group of a collective, from any of XLA's three spellings."""
  if m := _GROUPS_LIST.search(line):
    return len(m.group(1).split(","))
  if m := _GROUPS_IOTA.search(line):
    return int(m.group(2))
  if m := _GROUPS_MESH.search(line):
    sizes = dict(re.findall(r"'(\w+)'=(\d+)", m.group(1)))
    size = 1
    for axis in re.findall(r"'(\w+)'", m.group(2)):
      size *= int(sizes[axis])
    return size
  return default


def wire_bytes(kind: str, payload: int, group: int) -> float:
  """Bytes one device sends for one op under the ring algorithms (module docstring)."""
  if group <= 1:
    return 0.0
  share = (group - 1) / group
  return {"all-reduce": 2 * share, "all-gather": share, "reduce-scatter": share,
          "collective-permute": 1.0, "all-to-all": share}[kind] * payload


def split_computations(hlo: str) -> tuple[dict, str]:
  """{computation name: its instruction lines} and the ENTRY computation's name."""
  computations, entry, current = {}, None, None
  for line in hlo.splitlines():
    if current is None:
      m = _COMPUTATION.match(line.strip())
      if m:
        current = m.group(1)
        computations[current] = []
        if line.lstrip().startswith("ENTRY"):
          entry = current
    elif line.strip() == "}":
      current = None
    else:
      computations[current].append(line)
  if entry is None:
    raise ValueError("no ENTRY computation in the HLO text; pass compiled.as_text().")
  return computations, entry


def execution_counts(computations: dict, entry: str) -> dict:
  """{computation: how many times one run of ENTRY executes it}, summed over every call path: a while
  body counts its trip count times its caller's count; called, applied and branch computations count
  as their caller (a branch is an upper bound: one of them runs). None: under a loop whose trip count
  XLA does not know (a data-dependent loop, e.g. a Pallas kernel's band loop in interpret mode)."""
  callees_of = {name: list(_callees(lines)) for name, lines in computations.items()}
  counts = dict.fromkeys(computations, 0)

  def visit(name, times):
    counts[name] = None if times is None or counts[name] is None else counts[name] + times
    for callee, factor in callees_of[name]:
      if callee in computations:
        visit(callee, None if times is None or factor is None else times * factor)
  visit(entry, 1)
  return counts


def _callees(lines) -> list:
  """(callee, executions per execution of the caller, None if unknown) of every computation called."""
  for line in lines:
    found = _CALLEE.findall(line)
    if m := _BRANCHES.search(line):
      found += [("branch", c.strip().lstrip("%")) for c in m.group(1).split(",")]
    for role, callee in found:
      factor = 1
      if role == "body":
        trip = _TRIP.search(line)
        factor = int(trip.group(1)) if trip else None
      yield callee, factor


def collective_ops(hlo: str, default_group: int) -> list[dict]:
  """One row per collective instruction: kind, payload bytes, group size, executions per run,
  and whether it belongs to the backward pass (JAX names transposed ops 'transpose(...)')."""
  computations, entry = split_computations(hlo)
  counts = execution_counts(computations, entry)
  rows = []
  for name, lines in computations.items():
    for line in lines:
      m = _OP.search(line)
      if not m:
        continue
      if m.group(3):
        raise ValueError(f"async {m.group(2)}-start is not read here (only XLA:CPU's synchronous "
                         f"collectives): {line.strip()[:120]}")
      if counts.get(name, 0) is None:
        raise ValueError(f"a {m.group(2)} in {name} runs under a while loop with no known trip count; "
                         f"its executions cannot be counted: {line.strip()[:120]}")
      kind, result = m.group(2), array_bytes(m.group(1))
      group = group_size(line, default_group)
      payload = result * group if kind == "reduce-scatter" else result
      rows.append(dict(kind=kind, payload=payload, group=group, executions=counts.get(name, 0),
                       backward="transpose(" in line, computation=name))
  return rows


def summarize(rows: list[dict]) -> dict:
  """{kind: {ops, executions, payload_bytes, wire_bytes}} and a 'total', per run of the program."""
  out = {k: dict(ops=0, executions=0, payload_bytes=0, wire_bytes=0.0) for k in KINDS}
  for r in rows:
    s = out[r["kind"]]
    s["ops"] += 1
    s["executions"] += r["executions"]
    s["payload_bytes"] += r["payload"] * r["executions"]
    s["wire_bytes"] += wire_bytes(r["kind"], r["payload"], r["group"]) * r["executions"]
  out["total"] = {key: sum(out[k][key] for k in KINDS) for key in ("ops", "executions", "payload_bytes",
                                                                    "wire_bytes")}
  return out
