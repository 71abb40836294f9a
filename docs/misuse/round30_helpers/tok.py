import sys; from transformers import AutoTokenizer
t = AutoTokenizer.from_pretrained(sys.argv[1])
for c in ['a cat runs', 'a\tcat runs', 'a dog runs', 'a\u00a0dog runs', 'a bird flies', 'a bird\u200b flies', 'a fish swims', 'A FISH SWIMS']:
  print(repr(c), t(c)['input_ids'])
