. /tmp/r25/env.sh
rm -rf $R/u24*; n=0
t() { n=$((n+1)); echo "-- $*"; m --config=$CFG --workdir=$R/u24_$n "$@" 2>&1 | grep -v WARNING | grep -v "^step" | cut -c1-300 | tail -2; ls $R/u24_$n/checkpoints 2>/dev/null | tr '\n' ' '; echo; }
t --config.total_steps=1e3
t --config.total_steps=12.0
t --config.seed=-1
t --config.seed=1.5
t --config.data.batch_size=0
t --config.data.batch_size=-4
t --config.curriculum.stage1.fraction=0.5
t --config.curriculum.stage1.fraction=0.9 --config.curriculum.stage2.fraction=0.3
t --config.curriculum.stage1.ratios.fm=0.5
t --config.curriculum.stage1.lr=-1e-4
t --config.curriculum.stage1.drop_ratio=1.0
t --config.curriculum.stage1.name=dense_mva
