# F18-F21: a text run trained by this commit with its own UMT5 copy; the encoder moved; export card,
# Pipeline with and without pipe.config.text_encoder.path set, --mode=sample, resume with the new path
. $(dirname $0)/common.sh
cd $W; rm -rf umt5a umt5b t2 t2_exp
cp -r $UMT5 umt5a
TAILN=1 s f18a m --config=$TT:steps=6 --workdir=$W/t2 $T2VF --config.text_encoder.path=$W/umt5a
TAILN=2 s f18b ex --workdir=$W/t2 --output=$W/t2_exp; grep -n "text_encoder" t2_exp/README.md | cut -c1-400
mv umt5a umt5b
cat > $W/p18.py <<'PY'
import sys, numpy as np
from eflow_jax.pipeline import Pipeline
p = Pipeline.from_pretrained(sys.argv[1])
try:
  v = np.asarray(p(prompts=["clip number 1 moving"])); print("no path set: shape", v.shape, "finite", bool(np.isfinite(v).all()))
except Exception as e:
  print("no path set:", type(e).__name__, str(e)[:500])
p.config.text_encoder.path = sys.argv[2]
try:
  v = np.asarray(p(prompts=["clip number 1 moving"])); print("path set: shape", v.shape, "finite", bool(np.isfinite(v).all()), "mean %.4f" % v.mean())
except Exception as e:
  print("path set:", type(e).__name__, str(e)[:500])
PY
TAILN=3 s f18 py $W/p18.py $W/t2_exp $W/umt5b
TAILN=2 s f20 m --config=$TT:steps=6 --workdir=$W/t2 $T2VF --config.text_encoder.path=$W/umt5a --mode=sample --num_samples=1 --prompt='clip number 2 moving' --output=$W/t2_s
TAILN=2 s f21 m --config=$TT:steps=8 --workdir=$W/t2 $T2VF --config.text_encoder.path=$W/umt5b; python $H/lin.py t2
