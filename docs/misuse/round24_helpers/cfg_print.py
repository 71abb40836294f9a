import sys; sys.path.insert(0, '/tmp/wt_r24_20952/tests')
import tiny_config
def get_config(arg=None):
  print("loading my config ... using 12 steps")
  return tiny_config.get_config("steps=2")
