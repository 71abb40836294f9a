# Part G: text run: --num_samples 0 / 100000, an empty or blank-lines --prompts_file, --seed -1 and 2**64
. $(dirname $0)/common.sh
G=$O2/g; rm -rf $G; mkdir -p $G; : > $G/empty.txt; printf '\n   \n\t\n' > $G/blank.txt
TP="--config=$TT:steps=6 --workdir=$T2V $T2VF"
TAILN=3 s b33a m $TP --mode=sample --num_samples=0 --prompt='clip number 2 moving' --output=$G/b33a
TAILN=3 s b33b m $TP --mode=sample --num_samples=100000 --prompt='clip number 2 moving' --output=$G/b33b
TAILN=3 s b34a m $TP --mode=sample --prompts_file=$G/empty.txt --output=$G/b34a
TAILN=3 s b34b m $TP --mode=sample --prompts_file=$G/blank.txt --output=$G/b34b
TAILN=3 s b35a m $TP --mode=sample --num_samples=1 --prompt='clip number 2 moving' --seed=-1 --output=$G/b35a
TAILN=3 s b35b m $TP --mode=sample --num_samples=1 --prompt='clip number 2 moving' --seed=18446744073709551616 --output=$G/b35b
ls $G
