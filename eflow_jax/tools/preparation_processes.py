"""Which process of a preparation this is: prepare_data splits a set's shards over processes (shard s
is process s % count's), by --process_index / --process_count or, without them, JAX's processes."""


def this_process(process_index: int | None, process_count: int | None) -> tuple[int, int]:
  """(index, count), checked. One flag alone was dropped without a word, and machines started with
  only --process_index=0 and =1 each prepared the whole set into the same folder."""
  if (process_index is None) != (process_count is None):
    given, missing = ("index", "count") if process_count is None else ("count", "index")
    raise ValueError(f"--process_{given} is given without --process_{missing}; give both (each process its index) "
                     f"or neither (JAX's processes).")
  if process_index is None:
    import jax  # pylint: disable=g-import-not-at-top
    process_index, process_count = jax.process_index(), jax.process_count()
  if not 0 <= process_index < process_count:
    raise ValueError(f"process_index={process_index} not in [0, process_count={process_count}).")
  return process_index, process_count
