# training edges: a config family's options given twice or oddly; total_steps 0/1; --allow_resume_change typed loosely
. $(dirname $0)/common.sh
D=$O2/b4; rm -rf $D; mkdir -p $D
echo "== T4 a config family's options given twice / in odd spellings"
for o in "steps=3,steps=5" "steps=3,,steps=4" "steps=٣" "steps=+3" "steps=3,runlocal"; do rm -rf $R2/t4; s "t4_$o" m --config="tests/tiny_config.py:$o" --workdir=$R2/t4; ls $R2/t4/checkpoints 2>&1 | tr '\n' ' '; echo; done
echo "== T5 total_steps 0 and 1"
s t5_0 m --config=tests/tiny_config.py:steps=0 --workdir=$R2/t5_0
s t5_0b m --config=tests/tiny_config.py --workdir=$R2/t5_0b --config.total_steps=0
s t5_1 m --config=tests/tiny_config.py --workdir=$R2/t5_1 --config.total_steps=1
ls $R2/t5_0 $R2/t5_0b $R2/t5_1 $R2/t5_1/checkpoints 2>&1
echo "== T6 --allow_resume_change typed with spaces / unknown names"
rm -rf $R2/t6; cp -r $B $R2/t6
s t6_a m --config=tests/tiny_config.py:steps=14 --workdir=$R2/t6 --config.seed=5 --config.data.batch_size=8 "--allow_resume_change=data.batch_size, seed"
s t6_b m --config=tests/tiny_config.py:steps=14 --workdir=$R2/t6 --config.seed=5 --allow_resume_change=sed
s t6_c m --config=tests/tiny_config.py:steps=14 --workdir=$R2/t6 --config.seed=5 --allow_resume_change=seed,model.hidden
s t6_d m --config=tests/tiny_config.py:steps=14 --workdir=$R2/t6 --allow_resume_change=seed
ls $R2/t6/checkpoints
