def get_config(arg=None):
  raise RuntimeError("cluster env var MY_DATA not set")
