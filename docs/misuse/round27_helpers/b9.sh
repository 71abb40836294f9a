# prepare_data process split: two processes at once; process 1 of 2 with nothing to do; the result read back
. $(dirname $0)/common.sh
D=$O2/b9; rm -rf $D; mkdir -p $D
rd() { (cd $WT && PYTHONPATH=$WT python docs/misuse/round27_helpers/readset.py "$@" 2>&1 | grep -v WARNING | cut -c1-300); }
mkdir -p $D/in/cat $D/in/dog; cp $V/v0.mp4 $V/v1.mp4 $V/v4.mp4 $D/in/cat/; cp $V/v2.mp4 $V/v3.mp4 $V/v5.mp4 $D/in/dog/
echo "== D5 processes 0 and 1 of 2 started at the same moment (two hosts), --shard_size=1"
pd --input=$D/in --output=$D/d5 $PD --shard_size=1 --process_index=0 --process_count=2 > $L/d5_p0.out 2>&1 &
pd --input=$D/in --output=$D/d5 $PD --shard_size=1 --process_index=1 --process_count=2 > $L/d5_p1.out 2>&1 &
wait
echo "-- p0: $(grep -v WARNING $L/d5_p0.out | tail -3)"; echo "-- p1: $(grep -v WARNING $L/d5_p1.out | tail -3)"
ls $D/d5; [ -f $D/d5/manifest.json ] && rd $D/d5
s d5_again pd --input=$D/in --output=$D/d5 $PD --shard_size=1
[ -f $D/d5/manifest.json ] && rd $D/d5
echo "== D6 process 1 of 2 on a set of one shard (nothing to write), then process 0 of 2"
s d6_p1 pd --input=$O/p02/in --output=$D/d6 $PD --process_index=1 --process_count=2
ls $D/d6 2>&1
s d6_p0 pd --input=$O/p02/in --output=$D/d6 $PD --process_index=0 --process_count=2
ls $D/d6; [ -f $D/d6/manifest.json ] && rd $D/d6
echo "== D6b process 1 of 3 on 6 videos with --shard_size=4 (2 shards: process 2 has none) run last"
s d6b_p0 pd --input=$D/in --output=$D/d6b $PD --shard_size=4 --process_index=0 --process_count=3
s d6b_p1 pd --input=$D/in --output=$D/d6b $PD --shard_size=4 --process_index=1 --process_count=3
ls $D/d6b
s d6b_p2 pd --input=$D/in --output=$D/d6b $PD --shard_size=4 --process_index=2 --process_count=3
ls $D/d6b; [ -f $D/d6b/manifest.json ] && rd $D/d6b
