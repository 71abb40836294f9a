"""Byte ranges of each tensor in a .safetensors file (data offsets + header length)."""
import json, struct, sys
with open(sys.argv[1], "rb") as f:
  n = struct.unpack("<Q", f.read(8))[0]
  header = json.loads(f.read(n))
base = 8 + n
for name, info in sorted(((k, v) for k, v in header.items() if k != "__metadata__"), key=lambda kv: kv[1]["data_offsets"][0]):
  a, b = info["data_offsets"]
  print(f"{base + a:>10} {base + b:>10} {name} {info['shape']}")
