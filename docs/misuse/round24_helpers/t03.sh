. /tmp/r24/env.sh
for s in t03 t04; do rm -rf $R/$s; cp -r $R/sw $R/$s; done
md5sum $R/sw/res/table4_sfm_4.json
python3 - <<'PY'
import json
p='/tmp/r24/runs/t03/res/table4_sfm_4.json'; d=json.load(open(p)); d['classifier_fd']=0.01; d['class_accuracy']=0.9; del d['written_sha256']; json.dump(d,open(p,'w'),indent=1)
p='/tmp/r24/runs/t04/res/table4_sfm_4.json'; d=json.load(open(p)); json.dump(d,open(p,'w'),indent=1,sort_keys=True)
PY
echo == t03; py benchmarks/sweeps/ablation_sweep.py --root=$R/t03/root --results=$R/t03/res --rows=table4:sfm_4 --steps=6 $SW 2>&1 | grep -v "^+" | tail -6
echo == t04; py benchmarks/sweeps/ablation_sweep.py --root=$R/t04/root --results=$R/t04/res --rows=table4:sfm_4 --steps=6 $SW 2>&1 | grep -v "^+" | tail -6
md5sum $R/t03/res/table4_sfm_4.json $R/t04/res/table4_sfm_4.json
