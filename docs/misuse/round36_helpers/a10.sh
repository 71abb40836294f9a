# F27b: a report this sweep would accept as measured (settings + own digest), copied under another row's name
. $(dirname $0)/common.sh
cd $W; rm -rf res28; cp -r $WT/docs/ablation_results res28
py $H/mkreport.py $W/res28 attention_baselines sana_fm
cp res28/attention_baselines_sana_fm.json res28/attention_baselines_softmax_fm.json
TAILN=9 s f28b py benchmarks/sweeps/ablation_sweep.py --rows=attention_baselines:softmax_fm --rows=attention_baselines:sana_fm --report_only --root=$W/sw --results=$W/res28
TAILN=2 s f28c py benchmarks/sweeps/ablation_sweep.py --rows=attention_baselines:softmax_fm --steps=2 $SW --root=$W/sw28 --results=$W/res28
# F33: prepare_data with a file:// URL naming a local video that exists
rm -rf u3; mkdir u3; printf '{"video": "file:///tmp/r34/out/vids/v0.mp4", "label": 0}\n{"video": "/tmp/r34/out/vids/v1.mp4", "label": 1}\n' > u3/l.jsonl
TAILN=2 s f33 pd --input=$W/u3/l.jsonl --output=$W/u3/set $PD; ls u3/set 2>&1 | head -3
# F30b: --mode=eval of the array_record run rs (copy) with data.eval_path a set of 8-frame clips (the run trains on 4); refused by prepare_data (6-frame videos), rerun in a11.sh
rm -rf p8 rs30; cp -r $R/rs rs30
TAILN=1 s f31a pd --input=$O/p02/in --output=$W/p8 --autoencoder=identity --frames=8 --height=16 --width=16 --no_progress
TAILN=3 s f31b m --config=$TINY:steps=12 $RS --config.data.path=$O/p02/train --workdir=$W/rs30 --mode=eval --config.data.eval_path=$W/p8 $EV; tail -1 rs30/metrics.jsonl | cut -c1-300
