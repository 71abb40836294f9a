# text run: odd prompts through the Pipeline and a prompts file with blank lines for --mode=sample
. $(dirname $0)/common.sh
TAILN=4 s g23 py $H37/pipe_prompts.py $W/t2v_c
printf 'clip number 0 moving\n\n   \nclip number 1 moving\n' > $W/prompts_blank.txt
TAILN=4 s g24 m --config=$TT:steps=6 --workdir=$W/t2v_c $T2VF --mode=sample --output=$W/t2v_s --prompts_file=$W/prompts_blank.txt
ls $W/t2v_s_clips 2>/dev/null
