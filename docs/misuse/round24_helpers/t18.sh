. /tmp/r24/env.sh
rm -rf $R/t18a $R/t18b; cp -r $R/rs $R/t18a; cp -r $R/rs $R/t18b
echo "== stage2 data_path -> bird/fish set at resume"
m --config=tests/tiny_config.py:steps=14 $RS --workdir=$R/t18a --config.data.path=$O/p02/train --config.curriculum.stage2.data_path=$O/t06/proj/train --allow_resume_change=data.path,curriculum.stage2.data_path 2>&1 | grep -v WARNING | grep -v "^step" | cut -c1-400 | tail -3
ls $R/t18a/checkpoints | tr '\n' ' '; echo
echo "== data.path -> integer-label .csv set (0 = dog clips, 1 = cat clips) at resume"
mkdir -p $O/t18; printf "video,label\n$V/v2.mp4,0\n$V/v3.mp4,0\n$V/v0.mp4,1\n$V/v1.mp4,1\n" > $O/t18/l.csv
pd --input=$O/t18/l.csv --output=$O/t18/set --num_classes=2 $PD 2>&1 | tail -1
python3 -c "import json; d=json.load(open('$O/t18/set/manifest.json')); print('class_names', d.get('class_names'))"
m --config=tests/tiny_config.py:steps=14 $RS --workdir=$R/t18b --config.data.path=$O/t18/set --allow_resume_change=data.path 2>&1 | grep -v WARNING | grep -v "^step" | cut -c1-400 | tail -3
ls $R/t18b/checkpoints | tr '\n' ' '; echo
