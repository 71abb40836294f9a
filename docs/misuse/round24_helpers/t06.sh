. /tmp/r24/env.sh
rm -rf $O/t06; mkdir -p $O/t06/proj $O/t06/versions/v3
cp -r $O/p02/train $O/t06/versions/train                    # cat/dog: what current/../train means to the shell
pd --input=$O/t05in --output=$O/t06/proj/train $PD 2>&1 | tail -1   # bird/fish, same shape: a stale set beside the link
ln -s $O/t06/versions/v3 $O/t06/proj/current
cd $O/t06/proj; echo "shell: $(python3 -c 'import json;print(json.load(open("current/../train/manifest.json"))["class_names"])')"
PYTHONPATH=$WT nice -n 19 timeout 280 python -m eflow_jax.main --config=$WT/tests/tiny_config.py:steps=12 --workdir=$R/t06 $RS --config.data.path=current/../train 2>&1 | grep -v WARNING | tail -2; echo rc=$?
python3 - <<'PY'
import json,glob
for p in sorted(glob.glob('/tmp/r24/runs/t06/checkpoints/12/*meta*'))+sorted(glob.glob('/tmp/r24/runs/t06/checkpoints/12/*.json')):
  print(p)
PY
