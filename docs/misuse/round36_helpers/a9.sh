# F30-F31: --mode=eval with data.eval_path another model's record set (3 channels, 2 classes); eval.num_samples=2 (the least)
. $(dirname $0)/common.sh
cd $W; rm -rf ev2; cp -r n9 ev2
TAILN=2 s f31 m --config=$TINY:steps=8 --workdir=$W/ev2 --mode=eval --config.data.eval_path=$O/p02/train --config.eval.num_samples=4 --config.eval.classifier_steps=20 --config.eval.frame_judge_steps=20
TAILN=3 s f32 m --config=$TINY:steps=8 --workdir=$W/ev2 --mode=eval --config.eval.num_samples=2 --config.eval.classifier_steps=20 --config.eval.frame_judge_steps=20; ls ev2; tail -1 ev2/metrics.jsonl | cut -c1-700
# F22b: the skip run's earlier kept step 5, which the F22 refusal suggests
TAILN=2 s f23b ex --workdir=$W/k --output=$W/k_exp5 --step=5; ls k_exp5 2>&1
