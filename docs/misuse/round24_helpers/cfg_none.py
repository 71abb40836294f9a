def get_config(arg=None):
  cfg = {"total_steps": 2}
