# F03-F09: another run's step copied into a run trained by this commit (older than its own steps, meta removed,
# lineage edited), Pipeline.from_workdir on it, resume, --resume_from_step past it, --resume_from_step on a fork
. $(dirname $0)/common.sh
cd $W; rm -rf n9 f3 f6 f7 f8 f9
TAILN=1 s f03a m --config=$TINY:steps=8 --workdir=$W/n9; ls n9/checkpoints
first=$(ls n9/checkpoints | sort -n | head -1)
cp -r n1 f3; cp -r n9/checkpoints/$first f3/checkpoints/4      # a foreign step older than the run's own
TAILN=2 s f03 ex --workdir=$W/f3 --output=$W/f3_exp; ls f3_exp 2>&1
cat > $W/p4.py <<'PY'
import sys
from eflow_jax.pipeline import Pipeline
for step in (4, 12, None):
  try:
    p = Pipeline.from_workdir(sys.argv[1], step=step); print("step", step, "loaded", p.source)
  except Exception as e:
    print("step", step, type(e).__name__, str(e)[:400])
PY
TAILN=4 s f04 py $W/p4.py $W/f3
TAILN=2 s f05 m --config=$TINY:steps=14 --workdir=$W/f3; ls f3/checkpoints
cp -r n1 f6; cp -r n9/checkpoints/8 f6/checkpoints/20; rm -rf f6/checkpoints/20/meta   # newest step: foreign, no meta
TAILN=3 s f06 ex --workdir=$W/f6 --output=$W/f6_exp; ls f6_exp 2>&1; grep -o "trained for [^.]*" f6_exp/README.md
cp -r n1 f7; cp -r n9/checkpoints/8 f7/checkpoints/20; python $H/medit.py f7/checkpoints/20/meta/metadata 'd["lineage"] = "edited"'
TAILN=3 s f07 ex --workdir=$W/f7 --output=$W/f7_exp; ls f7_exp 2>&1; grep -o "trained for [^.]*" f7_exp/README.md
cp -r n1 f8; cp -r n9/checkpoints/8 f8/checkpoints/20
TAILN=2 s f08 m --config=$TINY:steps=14 --workdir=$W/f8 --resume_from_step=12; ls f8/checkpoints
cp -r n1 f9; TAILN=3 s f09 m --config=$TINY:steps=14 --workdir=$W/f9 --resume_from_step=10; ls f9/checkpoints; python $H/lin.py f9
TAILN=2 s f09b ex --workdir=$W/f9 --output=$W/f9_exp --step=12
