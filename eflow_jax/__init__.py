"""eflow_jax: few-step video generators trained from scratch with EFlow, in JAX."""
__version__ = "0.1.0"
