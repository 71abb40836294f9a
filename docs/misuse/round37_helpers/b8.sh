# disk full for --mode=sample (48 KiB tmpfs) and for prepare_data (64 KiB tmpfs); SIGTERM mid-prepare_data and its rerun
. $(dirname $0)/common.sh
F3=/tmp/r37/full3; mkdir -p $F3; mountpoint -q $F3 || mount -t tmpfs -o size=48k tmpfs $F3
s g17 m --config=$TINY:steps=6 --workdir=$W/n --mode=sample --output=$F3/s --num_samples=64
ls -la $F3 2>&1 | head; ls $W/n
F4=/tmp/r37/full4; mkdir -p $F4; mountpoint -q $F4 || mount -t tmpfs -o size=64k tmpfs $F4
s g18 pd --input=$W/inA --output=$F4/set $PD
ls -la $F4 $F4/set 2>&1 | head
