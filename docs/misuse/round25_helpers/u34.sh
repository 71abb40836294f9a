. /tmp/r25/env.sh
rm -rf $R/u34 $O/u34; cp -r $B $R/u34; mkdir -p $O/u34/dir
for md in SAMPLE evaluate "sample "; do echo "-- --mode='$md'"; m --config=$CFG --mode="$md" --workdir=$R/u34 --output=$O/u34/s 2>&1 | grep -v WARNING | cut -c1-300 | tail -2; done
echo "-- resume with total_steps=8 below the newest step 12"; m --config=tests/tiny_config.py:steps=8 --workdir=$R/u34 2>&1 | grep -v WARNING | grep -v "^step" | cut -c1-300 | tail -2; ls $R/u34/checkpoints | tr '\n' ' '; echo
for n in 0 1 3; do echo "-- eval num_samples=$n"; m --config=$CFG --mode=eval --workdir=$R/u34 --output=$O/u34/e$n.json --config.eval.num_samples=$n --config.eval.classifier_steps=20 --config.eval.frame_judge_steps=20 2>&1 | grep -v WARNING | cut -c1-250 | tail -2; done
python3 -c "import json;d=json.load(open('$O/u34/e3.json'));print('e3', d['num_samples'], d.get('num_real_clips'), d['frame_judge'])" 2>&1 | tail -1
echo "-- eval --output a folder"; m --config=$CFG $EV --mode=eval --workdir=$R/u34 --output=$O/u34/dir 2>&1 | grep -v WARNING | cut -c1-300 | tail -2
echo "-- eval --output trailing slash"; m --config=$CFG $EV --mode=eval --workdir=$R/u34 --output=$O/u34/new/ 2>&1 | grep -v WARNING | cut -c1-300 | tail -2
echo "-- eval --output r.txt"; m --config=$CFG $EV --mode=eval --workdir=$R/u34 --output=$O/u34/r.txt 2>&1 | grep -v WARNING | cut -c1-200 | tail -2
ls -la $O/u34 $O/u34/dir
