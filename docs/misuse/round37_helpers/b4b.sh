# continues b4.sh: the set deleted and re-prepared under the same path with other frames (start_frame 1), then the run resumed on it
. $(dirname $0)/common.sh
rm -rf $W/rsA; s g11d pd --input=$W/inA --output=$W/rsA $PD --start_frame=1
TAILN=6 s g11 m --config=$TINY:steps=8 --workdir=$W/r11 $RS --config.data.path=$W/rsA
ls $W/r11/checkpoints
