. /tmp/r24/env.sh
rm -rf $O/t31; mkdir -p $O/t31; cp -r $EX $O/t31/ex; chattr +i $O/t31/ex
py -c "
from eflow_jax import Pipeline; import hashlib
p=Pipeline.from_pretrained('$O/t31/ex'); print('pipeline', hashlib.md5(p(class_ids=[1,2], steps=2, seed=0).tobytes()).hexdigest()[:10])" 2>&1 | grep -v WARNING | tail -2
echo "== eval, default --output"; m --config=$CFG $EV --mode=eval --workdir=$O/t31/ex 2>&1 | grep -v WARNING | cut -c1-300 | tail -2
echo "== sample --num_samples=2 --output elsewhere"; m --config=$CFG --mode=sample --workdir=$O/t31/ex --output=$O/t31/s --num_samples=2 2>&1 | grep -v WARNING | cut -c1-120 | tail -2
echo "== re-export into it"; ex --workdir=$B --output=$O/t31/ex --step=10 2>&1 | grep -v WARNING | cut -c1-300 | tail -2
chattr -i $O/t31/ex; ls $O/t31/ex; md5sum $O/t31/ex/model.safetensors $EX/model.safetensors
