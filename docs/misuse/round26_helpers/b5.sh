# V12: --resume_from_step misuse on copies of the base run (checkpoints 10, 12), continued to 14
. /tmp/r26/env.sh
L=/tmp/r26/log; R2=/tmp/r26/runs
c() { n=$1; shift; m --config=tests/tiny_config.py:steps=14 --workdir=$R2/v12 "$@" > $L/$n.out 2>&1; echo "-- $n $*: $(grep -v WARNING $L/$n.out | grep -v '^step' | cut -c1-500 | tail -4)"; echo "   ckpts: $(ls $R2/v12/checkpoints | tr '\n' ' ')"; }
rm -rf $R2/v12; cp -r $B $R2/v12
c v12_0 --resume_from_step=0
c v12_m1 --resume_from_step=-1
c v12_11 --resume_from_step=11
c v12_20 --resume_from_step=20
c v12_s --resume_from_step=abc
echo "== corrupt step 12 (a state file truncated), resume_from_step=12"
f=$(find $R2/v12/checkpoints/12/state -type f -size +1k | head -1); echo "truncating $f"; truncate -s 100 $f
c v12_c12 --resume_from_step=12
echo "== corrupt step 12, no flag"
c v12_cnone
echo "== resume_from_step=10 (older kept step) on a fresh copy"
rm -rf $R2/v12; cp -r $B $R2/v12; md5sum $R2/v12/metrics.jsonl
c v12_10 --resume_from_step=10
grep -o '"step": [0-9]*' $R2/v12/metrics.jsonl | tr '\n' ' '; echo
