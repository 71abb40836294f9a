import sys; sys.path.insert(0, '/tmp/wt_r24_20952/tests')
import tiny_config
def get_config(arg=None):
  return tiny_config.get_config("steps=2").to_dict()
