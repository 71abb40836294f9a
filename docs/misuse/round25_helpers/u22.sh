. /tmp/r25/env.sh
rm -rf $O/u22; mkdir -p $O/u22
for n in 0 -1 2.5 1000000; do echo "-- --num_samples=$n"; m --config=$CFG --mode=sample --workdir=$B --output=$O/u22/n$n --num_samples=$n 2>&1 | grep -v WARNING | cut -c1-300 | tail -2; done
for o in a.png b.txt c.GIF d.MP4 e.gif f.mp4 g.webm; do echo "-- --output=$O/u22/$o"; m --config=$CFG --mode=sample --workdir=$B --output=$O/u22/$o --num_samples=2 2>&1 | grep -v WARNING | cut -c1-300 | tail -2; done
ls -la $O/u22
