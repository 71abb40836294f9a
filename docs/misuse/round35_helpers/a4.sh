# E13-E16: text-model sampling requests on a copy of $T2V: prompts files with blank / duplicate / very long lines, a folder, --class_id
. $(dirname $0)/common.sh
D=$W/t; rm -rf $D; mkdir -p $D; cp -r $T2V $D/run
printf 'clip number 1 moving\n\n   \nclip number 1 moving\nclip number 2 moving\n' > $D/p_blank.txt
TAILN=6 s e13 m --config=$TT:steps=6 $T2VF --workdir=$D/run --mode=sample --prompts_file=$D/p_blank.txt --output=$D/pb; ls $D/pb_clips 2>&1
python -c "print(' '.join(['word%d' % i for i in range(300)]))" > $D/p_long.txt; echo "clip number 1 moving" >> $D/p_long.txt
TAILN=6 s e15 m --config=$TT:steps=6 $T2VF --workdir=$D/run --mode=sample --prompts_file=$D/p_long.txt --output=$D/pl; ls $D/pl_clips 2>&1
mkdir $D/pdir
TAILN=4 s e14 m --config=$TT:steps=6 $T2VF --workdir=$D/run --mode=sample --prompts_file=$D/pdir --output=$D/pd
TAILN=4 s e16 m --config=$TT:steps=6 $T2VF --workdir=$D/run --mode=sample --class_id=1 --num_samples=1 --output=$D/cid
ls $D
