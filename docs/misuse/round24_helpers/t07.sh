. /tmp/r24/env.sh
for s in a b c; do rm -rf $O/t07$s; cp -r $O/p02/train $O/t07$s; done
python3 - <<'PY'
import json
O='/tmp/r24/out'
def ed(s,f):
  p=f'{O}/t07{s}/manifest.json'; d=json.load(open(p)); f(d); json.dump(d,open(p,'w'),indent=1,sort_keys=True)
def a(d): d['num_examples']=100; d['shards'][0]['num_examples']=100
def b(d): d['class_names']=['dog','cat']
def c(d): d['latent_shape']=[4,32,32,3]; d['height']=32; d['width']=32
for s,f in zip('abc',(a,b,c)): ed(s,f)
PY
for s in a b; do echo "== eval, eval_path t07$s"; m --config=$CFG $RS $EV --mode=eval --workdir=$R/rs --config.data.path=$O/p02/train --config.data.eval_path=$O/t07$s --output=$O/t07r/$s.json 2>&1 | grep -v WARNING | cut -c1-600 | tail -3; done
echo "== sample, data.path t07c"; m --config=$CFG $RS --mode=sample --workdir=$R/rs --config.data.path=$O/t07c --output=$O/t07r/c 2>&1 | grep -v WARNING | cut -c1-500 | tail -3
