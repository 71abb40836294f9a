. $(dirname $0)/common.sh
H=$O2/h; rm -rf $H; mkdir -p $H
TAILN=3 s a26 m --config=tests/tiny_config.py:steps=5 --workdir=$H/trun $RS --config.data.path=$O2/d/trunc
ls $H/trun 2>&1
TAILN=3 s a27 m --config=$CFG --mode=sample --num_samples=2 --workdir=$O2/b/extra_files --output=$H/a27
TAILN=3 s a27b m --config=$CFG --mode=sample --num_samples=2 --workdir=$EX --output=$H/a27ref
python - <<PY
import imageio.v3 as iio, numpy as np, hashlib
for n in ['a27','a27ref']:
  a=iio.imread('$H/'+n+'.gif'); print(n, a.shape, hashlib.md5(a.tobytes()).hexdigest()[:10], a.mean().round(1))
PY
