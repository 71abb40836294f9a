"""Caption lists for the text cases: argv[1] kind, argv[2] out .jsonl (videos from round 34's $V)."""
import json, sys
kind, out = sys.argv[1], sys.argv[2]
V = "/tmp/r34/out/vids/v%d.mp4"
caps = {"empty": ["a digit moving", "", "two digits", "   "],
        "longsame": ["the same long opening words for all clips here then A", "the same long opening words for all clips here then B",
                     "the same long opening words for all clips here then C", "the same long opening words for all clips here then D"],
        "number": ["a digit", 123, "two digits", None],
        "dup": ["a digit moving"] * 4}[kind]
with open(out, "w") as f:
  for i, c in enumerate(caps):
    f.write(json.dumps({"video": V % i, "caption": c}) + "\n")
