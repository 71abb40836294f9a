# F22-F24: nan_policy=skip run (lr 1e30): its closing count, meta nonfinite_steps, export card; then resumed with nan_policy=halt
. $(dirname $0)/common.sh
cd $W; rm -rf k k_exp
TAILN=3 s f22 m --config=$TINY:steps=6 --workdir=$W/k --config.curriculum.stage1.lr=1e30 --config.curriculum.stage2.lr=1e30 --config.nan_policy=skip; python $H/lin.py k; grep -c nonfinite $L/f22.out; grep -i "skip" $L/f22.out | tail -3
TAILN=3 s f23 ex --workdir=$W/k --output=$W/k_exp; grep -io "trained for [^.]*\.[^.]*" k_exp/README.md
TAILN=3 s f24 m --config=$TINY:steps=8 --workdir=$W/k --config.curriculum.stage1.lr=1e30 --config.curriculum.stage2.lr=1e30 --config.nan_policy=halt; python $H/lin.py k
