. /tmp/r25/env.sh
rm -rf $O/u40 $R/u40; mkdir -p $O/u40/mc; cp -r $B $R/u40
echo "== build a 30-step classifier cache"; m --config=$CFG --mode=eval --workdir=$R/u40 --output=$O/u40/a.json --config.eval.num_samples=4 --config.eval.classifier_steps=30 --config.eval.frame_judge_steps=20 --config.eval.metrics_dir=$O/u40/mc 2>&1 | grep -v WARNING | cut -c1-80 | tail -1
ls $O/u40/mc
mv $O/u40/mc/classifier_steps30_seed0.npz $O/u40/mc/classifier_steps20_seed0.npz; md5sum $O/u40/mc/*
echo "== eval asking for 20 steps with the renamed 30-step file in place"; m --config=$CFG $EV --mode=eval --workdir=$R/u40 --output=$O/u40/b.json --config.eval.metrics_dir=$O/u40/mc 2>&1 | grep -v WARNING | cut -c1-500 | tail -2
md5sum $O/u40/mc/*; ls $O/u40
printf 'not an npz' > $O/u40/mc/frame_judge_steps20_seed0.npz; mv $O/u40/mc/classifier_steps20_seed0.npz $O/u40/mc/x.npz
echo "== eval with a garbage frame-judge cache"; m --config=$CFG $EV --mode=eval --workdir=$R/u40 --output=$O/u40/c.json --config.eval.metrics_dir=$O/u40/mc 2>&1 | grep -v WARNING | cut -c1-500 | tail -2
ls -la $O/u40/mc; ls $O/u40
