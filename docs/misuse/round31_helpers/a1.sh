# Part A: flagfile edges and odd path values
. $(dirname $0)/common.sh
A=$O2/a; rm -rf $A; mkdir -p $A/home $A/real/sub $A/ff
ln -s $A/real/sub $A/lnk; cp -r $B $A/real/run
# A01 flagfile naming another flagfile holding a ~ path
printf -- "--output=~/a01\n" > $A/ff/inner.txt
printf -- "--flagfile=$A/ff/inner.txt\n--workdir=$A/lnk/../run\n" > $A/ff/outer.txt
HOME=$A/home s a01 m --config=$CFG --mode=sample --num_samples=2 --flagfile=$A/ff/outer.txt
ls -d $WT/\~ 2>&1 | head -2; find $A -name 'a01*' -maxdepth 3
# A02 --flagfile as two words
printf -- "--output=~/a02\n" > $A/ff/o2.txt
HOME=$A/home s a02 m --config=$CFG --mode=sample --num_samples=2 --workdir=$B --flagfile $A/ff/o2.txt
ls -d $WT/\~ 2>&1|head -2; find $A -name 'a02*' -maxdepth 3
# A03 flagfile with a relative path; run from WT, flagfile elsewhere
printf -- "--output=rel_a03/x\n" > $A/ff/rel.txt
s a03 m --config=$CFG --mode=sample --num_samples=2 --workdir=$B --flagfile=$A/ff/rel.txt
ls -d $WT/rel_a03 $A/ff/rel_a03 2>&1
# A04 --config.data.path=~/x in a flagfile (training a fresh run)
mkdir -p $A/home/sets; cp -r $O/p02/train $A/home/sets/train
printf -- "--config.data.path=~/sets/train\n" > $A/ff/dp.txt
HOME=$A/home s a04 m --config=$CFG --workdir=$A/a04run $RS --config.total_steps=2 --flagfile=$A/ff/dp.txt
ls -d $WT/\~ 2>&1|head -2; ls $A/a04run/checkpoints 2>&1
# A05 --output=None for sample
s a05 m --config=$CFG --mode=sample --num_samples=2 --workdir=$B --output=None
ls -d $WT/None* 2>&1
# A06 --workdir=None
s a06 m --config=$CFG --mode=sample --num_samples=2 --workdir=None
ls -d $WT/None* 2>&1
# A07 export --output=None
s a07 ex --workdir=$B --output=None
ls -d $WT/None* 2>&1
