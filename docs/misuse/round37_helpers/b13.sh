# the text run's export with config.json's text_encoder.path hand-pointed at the other-weights UMT5; one-frame clips with no token drop
. $(dirname $0)/common.sh
rm -rf $W/t2v_ex $W/t2v_ex_b; s g26a ex --workdir=$W/t2v_c --output=$W/t2v_ex
cp -r $W/t2v_ex $W/t2v_ex_b
python - $W/t2v_ex_b/config.json $W/umt5b <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); t = c.get("text_encoder") or c["config"]["text_encoder"]; print("was", t.get("path")); t["path"] = sys.argv[2]
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY
TAILN=2 s g26 py $H37/pipe_pre.py $W/t2v_ex_b
TAILN=2 s g26b py $H37/pipe_pre.py $W/t2v_ex
rm -rf $W/f1; TAILN=3 s g27 m --config=$TINY:steps=6 --workdir=$W/f1 --config.data.frames=1 --config.curriculum.stage1.drop_ratio=0.0
TAILN=2 s g27b m --config=$TINY:steps=6 --workdir=$W/f1 --config.data.frames=1 --config.curriculum.stage1.drop_ratio=0.0 --mode=sample --output=$W/f1_s --num_samples=2
python -c "import json;[print(json.loads(l).get('step'), json.loads(l).get('loss')) for l in open('$W/f1/metrics.jsonl') if '\"loss\"' in l]" | tail -3
TAILN=3 s g27c ex --workdir=$W/f1 --output=$W/f1_ex
TAILN=2 s g27d py -c "
from eflow_jax import pipeline; import numpy as np
p=pipeline.Pipeline.from_pretrained('$W/f1_ex'); v=np.asarray(p(class_ids=[0,1], steps=2, seed=0)); print('shape', v.shape, 'std', float(v.std()))
"
python -c "import av; c=av.open('$W/f1_s_clips/000_class0.mp4'); print('mp4 frames', sum(1 for _ in c.decode(video=0)))"
