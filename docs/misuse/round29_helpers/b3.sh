# Y35: a grid that a resume must set aside is immutable (chattr +i samples/step_000004.gif: a grid the user protected)
. $(dirname $0)/common.sh
G="--config.sample_every=2 --config.num_samples=4 --config.checkpoint.every_steps=2 --config.checkpoint.max_to_keep=10"
W=$R2/b4; chattr -i $W/samples/step_000004.gif 2>/dev/null; rm -rf $W; cp -r $R2/b2 $W
chattr +i $W/samples/step_000004.gif; md5sum $W/samples/step_000004.gif > $L/y35_md5.txt; ls $W/checkpoints
s y35 m --config=tests/tiny_config.py:steps=6 $G --workdir=$W --resume_from_step=2
grep -v 'WARNING:absl\|^step ' $L/y35.out | cut -c1-500
chattr -i $W/samples/step_000004.gif; md5sum -c $L/y35_md5.txt; ls $W/samples $W/checkpoints; tail -2 $W/metrics.jsonl | cut -c1-120
