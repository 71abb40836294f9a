# Y22: class folders with a nested sub-folder of videos and an upper-case .MP4; Y23: a symlink to a deleted video
. $(dirname $0)/common.sh
E=$O2/e2; rm -rf $E; mkdir -p $E/in/cat/more $E/in/dog
cp $V/v0.mp4 $V/v1.mp4 $E/in/cat/; cp $V/v4.mp4 $E/in/cat/more/v4.mp4; cp $V/v5.mp4 $E/in/cat/more/v5.mp4
cp $V/v2.mp4 $E/in/dog/; cp $V/v3.mp4 $E/in/dog/V3.MP4
find $E/in | sort
s y22 pd --input=$E/in --output=$E/set $PD
TAILN=6 s y22x true; grep -v 'WARNING:absl' $L/y22.out | tail -6
python -c "import json;m=json.load(open('$E/set/manifest.json'));print({k:m[k] for k in m if k in ('num_examples','class_names','num_classes')})"
mkdir -p $E/in2/cat $E/in2/dog; cp $V/v0.mp4 $V/v1.mp4 $E/in2/cat/; cp $V/v2.mp4 $E/in2/dog/
cp $V/v3.mp4 $E/v3_tmp.mp4; ln -s $E/v3_tmp.mp4 $E/in2/dog/v3.mp4; rm $E/v3_tmp.mp4; ls -la $E/in2/dog
s y23 pd --input=$E/in2 --output=$E/set2 $PD
grep -v 'WARNING:absl' $L/y23.out | tail -6
python -c "import json;m=json.load(open('$E/set2/manifest.json'));print({k:m[k] for k in m if k in ('num_examples','class_names','num_classes')})" 2>&1 | tail -1
