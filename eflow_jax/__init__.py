"""eflow_jax: few-step video generators trained from scratch with EFlow, in JAX."""
__version__ = "0.1.0"


def __getattr__(name):
  """`eflow_jax.Pipeline` (eflow_jax/pipeline.py), imported on first use: `import eflow_jax` stays light."""
  if name == "Pipeline":
    from eflow_jax.pipeline import Pipeline
    return Pipeline
  raise AttributeError(f"module 'eflow_jax' has no attribute {name!r}")
