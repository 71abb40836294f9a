# X21-X22: default sample names vs settings the sampler ignores or uses (copy of the base run); clips' md5s compared
. $(dirname $0)/common.sh
D=$R2/c7; rm -rf $D; cp -r $B $D
snap() { echo "$1: $(ls $D/samples | grep -v _clips | tr '\n' ' ')"; (cd $D/samples && md5sum *.gif */*.gif 2>/dev/null) > $D/$1.md5; }
s x21a m --config=$CFG --mode=sample --workdir=$D --num_samples=4 --sampler=one_step; snap x21a
s x21b m --config=$CFG --mode=sample --workdir=$D --num_samples=4 --sampler=one_step --config.flow.inference_shift=1.0; snap x21b
diff $D/x21a.md5 $D/x21b.md5 && echo "x21: same md5s"
s x22a m --config=$CFG --mode=sample --workdir=$D --num_samples=4 --sampler=alg2 --seed=1; snap x22a
s x22b m --config=$CFG --mode=sample --workdir=$D --num_samples=4 --sampler=alg2 --seed=1 --config.flow.unguided_w=0.7; snap x22b
diff $D/x22a.md5 $D/x22b.md5 && echo "x22: same md5s"
s x22c m --config=$CFG --mode=sample --workdir=$D --num_samples=4 --sampler=euler_cfg --seed=1 --config.flow.unguided_w=0.7; snap x22c
s x22d m --config=$CFG --mode=sample --workdir=$D --num_samples=4 --sampler=euler_cfg --seed=1 --sample_steps=1; snap x22d
s x22e m --config=$CFG --mode=sample --workdir=$D --num_samples=4 --sampler=euler_cfg --seed=1 --sample_steps=1 --config.flow.inference_shift=1.0; snap x22e
ls $D/samples >> $L/x22e.out
