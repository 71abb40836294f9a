. $(dirname $0)/common.sh
G=$O2/g; rm -rf $G; mkdir -p $G/home/sub
HOME=$G/home/sub TAILN=3 s a23 m --config=$CFG --mode=sample --num_samples=2 --workdir=$B --output "~"
ls -la $G/home $G/home/sub; ls -d $WT/\~ 2>&1
printf -- "--output=$G/a24\n" > $G/home/ff.txt
HOME=$G/home TAILN=3 s a24 m --config=$CFG --mode=sample --num_samples=2 --workdir=$B --flagfile "~/ff.txt"
ls $G | grep a24
TAILN=4 s a25 py $H31/p2.py
