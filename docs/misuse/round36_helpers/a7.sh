# F25-F28: training resumes with overrides (total_steps below the step reached; another seed); sweep --rows unknown;
# a results folder whose report was copied under another row's name
. $(dirname $0)/common.sh
cd $W; rm -rf r25 r26 res27
cp -r n1 r25; md5sum r25/metrics.jsonl > r25.md5
TAILN=2 s f25 m --config=$TINY:steps=8 --workdir=$W/r25; ls r25/checkpoints; md5sum -c r25.md5
cp -r n1 r26; TAILN=2 s f26 m --config=$TINY:steps=14 --workdir=$W/r26 --config.seed=7
TAILN=2 s f27 py benchmarks/sweeps/ablation_sweep.py --rows=table4:sfm4 --report_only --root=$W/sw --results=$WT/docs/ablation_results
cp -r $WT/docs/ablation_results res27; cp res27/attention_baselines_sana_fm.json res27/attention_baselines_softmax_fm.json
TAILN=8 s f28 py benchmarks/sweeps/ablation_sweep.py --rows=attention_baselines:softmax_fm --rows=attention_baselines:sana_fm --report_only --root=$W/sw --results=$W/res27
