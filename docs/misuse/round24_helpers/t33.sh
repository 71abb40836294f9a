. /tmp/r24/env.sh
rm -rf $R/t33; cp -r $B $R/t33; md5sum $R/t33/metrics.jsonl
chattr +i $R/t33/metrics.jsonl
time m --config=tests/tiny_config.py:steps=14 --workdir=$R/t33 2>&1 | grep -v WARNING | cut -c1-400 | tail -5
chattr -i $R/t33/metrics.jsonl
ls $R/t33/checkpoints | tr '\n' ' '; md5sum $R/t33/metrics.jsonl; ls $R/t33
