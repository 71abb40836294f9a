# F10-F13: an export's config.json flow.inference_shift edited (0, NaN) then sampled with the Pipeline;
# prepare_data list rows naming a URL with a leading space, and ftp:// in a .csv
. $(dirname $0)/common.sh
cd $W; rm -rf x_s0 x_snan
cp -r $EX x_s0; python $H/medit.py x_s0/config.json 'd["config"]["flow"]["inference_shift"] = 0.0'
cp -r $EX x_snan; python $H/medit.py x_snan/config.json 'd["config"]["flow"]["inference_shift"] = float("nan")'
cat > $W/p10.py <<'PY'
import sys, numpy as np
from eflow_jax.pipeline import Pipeline
for d in sys.argv[1:]:
  try:
    p = Pipeline.from_pretrained(d); v = np.asarray(p(class_ids=[1, 2], seed=0))
    print(d, "shape", v.shape, v.dtype, "finite", bool(np.isfinite(v).all()), "mean %.4f std %.4f" % (float(np.nanmean(v)), float(np.nanstd(v))))
  except Exception as e:
    print(d, type(e).__name__, str(e)[:400])
PY
TAILN=4 s f10 py $W/p10.py $EX $W/x_s0 $W/x_snan
rm -rf u1 u2; mkdir u1 u2
printf '{"video": " https://example.com/a.mp4", "label": 0}\n{"video": "/tmp/r34/out/vids/v0.mp4", "label": 1}\n' > u1/l.jsonl
TAILN=2 s f12 pd --input=$W/u1/l.jsonl --output=$W/u1/set $PD; ls u1/set 2>&1 | head -3
printf 'video,label\n/tmp/r34/out/vids/v0.mp4,0\nFTP://host/v1.mp4,1\n' > u2/l.csv
TAILN=2 s f13 pd --input=$W/u2/l.csv --output=$W/u2/set $PD; ls u2/set 2>&1 | head -3
