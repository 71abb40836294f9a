# export edges: config.json num_heads edited (digests kept / removed); a tensor renamed; a swapped tokenizer vocab; card snippets
. $(dirname $0)/common.sh
D=$O2/b6; rm -rf $D; mkdir -p $D
echo "== X1 config.json model.num_heads 2 -> 4 (same tensor shapes)"
cp -r $EX $D/x1a; cp -r $EX $D/x1b
python -c "
import json
for p, strip in (('$D/x1a', False), ('$D/x1b', True)):
  d = json.load(open(p + '/config.json')); d['config']['model']['num_heads'] = 4
  if strip:
    d.pop('written_sha256'); d['checksums'].pop('model_sha256'); d['checksums'].pop('description_sha256')
  json.dump(d, open(p + '/config.json', 'w'), indent=1)"
s x1 py -c "
import hashlib
from eflow_jax import Pipeline
h = lambda o: hashlib.md5(o.tobytes()).hexdigest()[:10]
for p in ('$EX', '$D/x1a', '$D/x1b'):
  try: pipe = Pipeline.from_pretrained(p); print(p, 'loaded, heads', pipe.config.model.num_heads, h(pipe(class_ids=[1, 2], steps=2, seed=0)))
  except BaseException as e: print(p, type(e).__name__, str(e)[:500])
"
s x1_cli m --config=$CFG --mode=sample --workdir=$D/x1b --output=$D/x1b_s --num_samples=2
echo "== X2 a tensor renamed in model.safetensors (kept digests)"
cp -r $EX $D/x2
python -c "
from safetensors.numpy import load_file, save_file
t = load_file('$D/x2/model.safetensors'); k = sorted(t)[3]; print('renamed', k)
t[k + '_old'] = t.pop(k); save_file(t, '$D/x2/model.safetensors')"
s x2 py -c "
from eflow_jax import Pipeline
try: Pipeline.from_pretrained('$D/x2'); print('loaded')
except BaseException as e: print(type(e).__name__, str(e)[:600])
"
echo "== X3 a copy of the text encoder with two vocabulary pieces swapped in tokenizer.json"
cp -r $UMT5 $D/umt5sw
python -c "
import json
p = '$D/umt5sw/tokenizer.json'; d = json.load(open(p)); v = d['model']['vocab']
print(type(v).__name__, len(v), v[10:12] if isinstance(v, list) else '')
if isinstance(v, list): v[10], v[11] = v[11], v[10]
json.dump(d, open(p, 'w'))"
ex --workdir=$T2V --output=$D/t2vex > $L/x3_export.out 2>&1; tail -1 $L/x3_export.out
s x3 m --config=$TT:steps=8 $T2VF --mode=sample --workdir=$D/t2vex --output=$D/x3s --num_samples=2 --prompt="clip number 1 moving" --config.text_encoder.path=$D/umt5sw
echo "== X4 the model card's Python snippet run as written, cat/dog and text exports"
ex --workdir=$R/rs --output=$D/rsex > $L/x4_export.out 2>&1; tail -1 $L/x4_export.out
for e in rsex t2vex; do sed -n '/```python/,/```/p' $D/$e/README.md | grep -v '```' | sed "s#THIS_DIRECTORY#$D/$e#" > $D/${e}_snippet.py; echo 'print(videos.shape, videos.dtype)' >> $D/${e}_snippet.py; cat $D/${e}_snippet.py; s x4_$e py $D/${e}_snippet.py; done
grep -n "class\|prompt" $D/rsex/README.md | head
