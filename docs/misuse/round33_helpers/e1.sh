# Part E: export of the TEXT run; its model card's Python example run as written; odd environments
. $(dirname $0)/common.sh
D=$O2/e; rm -rf $D; mkdir -p $D
TAILN=4 s c13 ex --workdir=$T2V --output=$D/t2vexp; ls $D/t2vexp
python - $D/t2vexp/README.md $D/card_code.py <<'PY'
import re, sys
t = open(sys.argv[1]).read()
blocks = re.findall(r"```python\n(.*?)```", t, re.S)
print("python blocks:", len(blocks)); open(sys.argv[2], "w").write("\n".join(blocks))
PY
cat $D/card_code.py
# the card's code run as written, from the export's parent folder and from the export itself
mkdir -p $D/cwd1; cp $D/card_code.py $D/cwd1/
TAILN=6 s c14 bash -c "cd $D && PYTHONPATH=$WT nice -n 19 timeout 280 python card_code.py; echo rc=\$?"
TAILN=6 s c14b bash -c "cd $D/t2vexp && PYTHONPATH=$WT nice -n 19 timeout 280 python ../card_code.py; echo rc=\$?"
ls -la $D $D/t2vexp
# C14c: the card's code with THIS_DIRECTORY replaced by the export's path, outputs checked against the comment
sed "s#THIS_DIRECTORY#$D/t2vexp#" $D/card_code.py > $D/card_code2.py; printf '%s\n' 'import numpy as np; print("dtype", videos.dtype, "shape", videos.shape, "min", videos.min(), "max", videos.max(), "finite", np.isfinite(videos).all(), "std", videos.std())' >> $D/card_code2.py
TAILN=3 s c14c bash -c "cd $D && PYTHONPATH=$WT nice -n 19 timeout 280 python card_code2.py; echo rc=\$?"
