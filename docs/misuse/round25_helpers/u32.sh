. /tmp/r25/env.sh
rm -rf $O/u32 $R/u32; mkdir -p $O/u32/proj $R/u32
cd $O/u32/proj && PYTHONPATH=$WT nice -n 19 timeout 280 python $WT/benchmarks/sweeps/ablation_sweep.py --root=$R/u32/root --results=$R/u32/res --rows=table4:sfm_4 --steps=6 $SW --override=--config.eval.metrics_dir=mc 2>&1 | grep -v WARNING | cut -c1-400 | grep -v "^+" | tail -3; echo rc=${PIPESTATUS[0]}
ls -la $O/u32/proj $O/u32/proj/mc 2>&1; ls $WT/mc 2>&1; ls $R/u32/res $R/u32/root/train_*; grep -o "metrics_dir[^ ]*" $R/u32/root/*.log | head -2
python3 -c "import json;d=json.load(open('$R/u32/res/table4_sfm_4.json'));print(d['classifier_fd'], d['class_accuracy'])"
