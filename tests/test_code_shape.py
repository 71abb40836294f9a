"""The package stays readable in pieces (issue 27's goals): no file over 400 lines and no function
over 60 in eflow_jax/, the Wan VAE port aside (it mirrors its reference's structure)."""
import ast
import pathlib

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "eflow_jax"
EXEMPT = {"autoencoders/wan_vae.py"}


def _sources():
  for path in sorted(PACKAGE.rglob("*.py")):
    name = path.relative_to(PACKAGE).as_posix()
    if name not in EXEMPT:
      yield name, path.read_text()


def test_no_file_over_400_lines():
  long = {name: text.count("\n") for name, text in _sources() if text.count("\n") > 400}
  assert not long, long


def test_no_function_over_60_lines():
  long = {}
  for name, text in _sources():
    for node in ast.walk(ast.parse(text)):
      if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 60:
        long[f"{name}:{node.lineno} {node.name}"] = node.end_lineno - node.lineno + 1
  assert not long, long
