# continues b8.sh: space freed (tmpfs remounted larger), both commands rerun
. $(dirname $0)/common.sh
mount -o remount,size=1m /tmp/r37/full4; s g18b pd --input=$W/inA --output=/tmp/r37/full4/set $PD; ls /tmp/r37/full4/set
mount -o remount,size=4m /tmp/r37/full3; s g17b m --config=$TINY:steps=6 --workdir=$W/n --mode=sample --output=/tmp/r37/full3/s --num_samples=64; ls /tmp/r37/full3 | head; ls /tmp/r37/full3/s_clips | wc -l
