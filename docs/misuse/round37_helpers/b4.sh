# a run's data.path set re-prepared in place (other frames of the same videos) between resumes; a set in use re-prepared into itself
. $(dirname $0)/common.sh
rm -rf $W/rsA $W/r11; cp -r $O/p02/in $W/inA
s g11a pd --input=$W/inA --output=$W/rsA $PD
s g11b m --config=$TINY:steps=6 --workdir=$W/r11 $RS --config.data.path=$W/rsA
# the same output again, other options: refused or overwritten?
s g12 pd --input=$W/inA --output=$W/rsA $PD --frame_stride=2
cat $W/rsA/preparation.json | python -c "import json,sys;print('frame_stride now', json.load(sys.stdin)['options']['frame_stride'])"
# the user deletes and re-prepares the set with frame_stride 2 under the same path, then resumes
rm -rf $W/rsA; s g11c pd --input=$W/inA --output=$W/rsA $PD --frame_stride=2
TAILN=6 s g11 m --config=$TINY:steps=8 --workdir=$W/r11 $RS --config.data.path=$W/rsA
ls $W/r11/checkpoints
