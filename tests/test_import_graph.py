"""The package's layers, read from its import statements (function-level imports included): no
module imports itself back through others, and inference (the Pipeline, exports, samplers) never
depends on the trainer: only the command line (main.py) reaches into eflow_jax/train/."""
import ast
import pathlib

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "eflow_jax"


def _module_names() -> dict:
  names = {}
  for path in PACKAGE.rglob("*.py"):
    parts = ("eflow_jax",) + path.relative_to(PACKAGE).with_suffix("").parts
    names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
  return names


def import_graph() -> dict:
  """{module: set of eflow_jax modules it imports}."""
  modules = _module_names()
  graph = {}
  for name, path in modules.items():
    edges = set()
    for node in ast.walk(ast.parse(path.read_text())):
      if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
      elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        # `from a.b import c`: the module a.b.c when c is one, else a.b itself.
        targets = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                   for a in node.names]
      else:
        continue
      # A module's own packages are imported before it anyway (Python imports parents first), so an
      # edge to one (`from eflow_jax import __version__`) is not a dependency between layers.
      edges.update(t for t in targets if t in modules and t != name and not name.startswith(t + "."))
    graph[name] = edges
  return graph


def find_cycle(graph: dict):
  """One cycle as a list of modules, or None (depth-first search with colours)."""
  state, stack = {}, []

  def visit(node):
    state[node] = "open"
    stack.append(node)
    for nxt in sorted(graph.get(node, ())):
      if state.get(nxt) == "open":
        return stack[stack.index(nxt):] + [nxt]
      if nxt not in state:
        found = visit(nxt)
        if found:
          return found
    state[node] = "done"
    stack.pop()
    return None

  for node in sorted(graph):
    if node not in state:
      found = visit(node)
      if found:
        return found
  return None


def test_the_cycle_finder_finds_a_planted_cycle():
  assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
  assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_no_module_imports_itself_back():
  cycle = find_cycle(import_graph())
  assert cycle is None, " -> ".join(cycle)


def test_nothing_outside_train_imports_the_trainer_but_the_command_line():
  reach = {name: sorted(t for t in targets if t.startswith("eflow_jax.train"))
           for name, targets in import_graph().items()
           if not name.startswith("eflow_jax.train") and name != "eflow_jax.main"}
  assert not {k: v for k, v in reach.items() if v}, reach
