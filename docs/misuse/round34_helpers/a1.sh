# D01 (round 33 C27 rerun): a run blown up by lr 1e30 (halts), resumed with nan_policy=skip, exported: refused now?
. $(dirname $0)/common.sh
D=$W/d01; rm -rf $D; mkdir -p $D
LR="--config.curriculum.stage1.lr=1e30 --config.curriculum.stage2.lr=1e30"
s d01_train m --config=$TINY:steps=4 --workdir=$D/run $LR
cp -r $D/run $D/halted; ls $D/halted/checkpoints
TAILN=4 s d08 ex --workdir=$D/halted --output=$D/exp_halted   # D08: the halted run (before any resume) exported
ls $D/exp_halted 2>&1
s d01_resume m --config=$TINY:steps=4 --workdir=$D/run $LR --config.nan_policy=skip
ls $D/run/checkpoints
TAILN=4 s d01_export ex --workdir=$D/run --output=$D/exp
ls -la $D/exp 2>&1 | head
