. /tmp/r25/env.sh
rm -rf $O/u29; mkdir -p $O/u29/in/cat $O/u29/in/dog
cp $V/v0.mp4 $V/v1.mp4 $O/u29/in/cat/; cp $V/v2.mp4 $O/u29/in/dog/; cp $V/v3.mp4 $O/u29/in/dog/.v3.mp4
printf 'junk' > $O/u29/in/cat/.DS_Store; printf '\x00\x05\x16\x07junk' > $O/u29/in/cat/._v0.mp4; mkdir -p $O/u29/in/.thumbs; cp $V/v4.mp4 $O/u29/in/.thumbs/
touch $O/u29/in/cat/Thumbs.db; printf 'notes' > $O/u29/in/dog/README.txt
find $O/u29/in | sort
echo "== U29 class folders with hidden / OS metadata files and a hidden real video (dog/.v3.mp4)"; pd --input=$O/u29/in --output=$O/u29/set $PD 2>&1 | tail -4
python3 -c "import json;d=json.load(open('$O/u29/set/manifest.json'));print(d['num_examples'], d['class_names'], d.get('skipped'))"
