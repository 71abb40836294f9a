# Part T3: --config.eval.metrics_dir=None (meaning 'no cache folder') for an eval of a copy of the base run, from the worktree
. $(dirname $0)/common.sh
W=$R2/t3run; rm -rf $W; cp -r $B $W
s z28e m --config=$CFG --mode=eval --workdir=$W $EV --config.eval.metrics_dir=None
ls -la $WT/None 2>&1; ls $W $W/metrics 2>&1
