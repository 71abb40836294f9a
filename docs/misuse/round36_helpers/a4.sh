# F14-F17: --mode=eval with eval.num_samples 0 / 1 / 10**9 and eval.classifier_steps 0 on a copy of a fresh run
. $(dirname $0)/common.sh
cd $W; rm -rf ev; cp -r n1 ev
TAILN=2 s f14 m --config=$TINY:steps=12 --workdir=$W/ev --mode=eval --config.eval.num_samples=0 --config.eval.classifier_steps=20 --config.eval.frame_judge_steps=20
TAILN=3 s f15 m --config=$TINY:steps=12 --workdir=$W/ev --mode=eval --config.eval.num_samples=1 --config.eval.classifier_steps=20 --config.eval.frame_judge_steps=20; ls ev; tail -c 600 ev/metrics.jsonl
TAILN=2 s f16 m --config=$TINY:steps=12 --workdir=$W/ev --mode=eval --config.eval.num_samples=1000000000 --config.eval.classifier_steps=20 --config.eval.frame_judge_steps=20
TAILN=3 s f17 m --config=$TINY:steps=12 --workdir=$W/ev --mode=eval --config.eval.num_samples=4 --config.eval.classifier_steps=0 --config.eval.frame_judge_steps=20; tail -c 600 ev/metrics.jsonl
