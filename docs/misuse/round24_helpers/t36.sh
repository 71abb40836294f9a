. /tmp/r24/env.sh
rm -rf $O/t36 $R/t36; mkdir -p $O/t36/data; cp -r $O/p02/train $O/t36/data/train
cd $O/t36; ls data/train | head -1
PYTHONPATH=$WT nice -n 19 timeout 280 python $WT/benchmarks/sweeps/ablation_sweep.py --root=$R/t36/root --results=$R/t36/res --rows=table4:sfm_4 --steps=6 $SW --override=--config.data.source=array_record --override=--config.data.channels=3 --override=--config.model.latent_channels=3 --override=--config.model.num_classes=2 --override=--config.data.path=data/train > $O/t36/sweep.log 2>&1; echo rc=$?
grep -v "^step\|WARNING" $O/t36/sweep.log | cut -c1-400 | tail -8
ls $R/t36/res 2>&1; find $R/t36/root -name "*.log" | head -3
