. /tmp/r24/env.sh
rm -rf $R/t40 $O/t40; cp -r $B $R/t40; mkdir -p $O/t40
ls $R/t40/metrics; md5sum $R/t40/metrics/* | head
cd $WT; PYTHONPATH=$WT nice -n 19 python -m eflow_jax.main --config=$CFG --mode=eval --workdir=$R/t40 --output=$O/t40/r.json --config.eval.num_samples=4 --config.eval.classifier_steps=400000 --config.eval.frame_judge_steps=20 > $O/t40/e.log 2>&1 &
P=$!; sleep 16; kill -INT $P; wait $P; echo "eval rc=$?"
grep -v WARNING $O/t40/e.log | cut -c1-300 | tail -3
ls -la $R/t40/metrics | cut -c30-; ls $O/t40
