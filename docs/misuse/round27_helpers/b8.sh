# prepare_data edges: options that do not apply; bad 'video' values; cosmetic reruns; text_length 1/2
. $(dirname $0)/common.sh
D=$O2/b8; rm -rf $D; mkdir -p $D
rd() { (cd $WT && PYTHONPATH=$WT python docs/misuse/round27_helpers/readset.py "$@" 2>&1 | grep -v WARNING | cut -c1-300); }
echo "== D1 class folders with options that do not apply to identity / class input"
s d1_vae pd --input=$O/p02/in --output=$D/d1a $PD --vae_weights=/nonexistent/Wan2.1_VAE.pth --vae_arch='{"z_dim": 8}'
s d1_tfds pd --input=$O/p02/in --output=$D/d1b $PD --tfds_video=image_aux1 --tfds_data_dir=/nonexistent
s d1_text pd --input=$O/p02/in --output=$D/d1c $PD --text_dtype=bfloat16 --text_length=77
s d1_still pd --input=$O/p02/in --output=$D/d1d $PD --still_latent
ls $D
echo "== D2 .jsonl rows whose 'video' is null, a number, a list, or missing"
i=0; for v in null 5 '["'$V'/v2.mp4", "'$V'/v3.mp4"]' MISSING '""'; do
  if [ "$v" = MISSING ]; then bad='{"caption": "clip number 2 moving"}'; else bad='{"video": '"$v"', "caption": "clip number 2 moving"}'; fi
  printf '{"video": "%s/v0.mp4", "caption": "clip number 0 moving"}\n%s\n{"video": "%s/v1.mp4", "caption": "clip number 1 moving"}\n' $V "$bad" $V > $D/d2_$i.jsonl
  echo "   bad row: $bad"; s d2_$i pd --input=$D/d2_$i.jsonl --output=$D/d2s$i $PD --text_encoder=$UMT5 --text_length=8; i=$((i+1)); done
echo "== D3 rerun of a finished set with options that do not change the records"
s d3_first pd --input=$O/p02/in --output=$D/d3 $PD
md5sum $D/d3/* | sort -k2 > $D/d3_before.md5
s d3_progress pd --input=$O/p02/in --output=$D/d3 --autoencoder=identity --frames=4 --height=16 --width=16
s d3_vaebatch pd --input=$O/p02/in --output=$D/d3 $PD --vae_max_batch=4
s d3_shard pd --input=$O/p02/in --output=$D/d3 $PD --shard_size=2
s d3_order pd --input=$O/p02/in/ --output=$D/d3/ $PD
md5sum $D/d3/* | sort -k2 | diff $D/d3_before.md5 - && echo "d3 files unchanged"
echo "== D4 --text_length=1 and 2: are different captions still different?"
for n in 1 2 8; do s d4_$n pd --input=$O/t2v/l.jsonl --output=$D/d4_$n $PD --text_encoder=$UMT5 --text_length=$n; rd $D/d4_$n; done
echo "== D7 a caption list with options for class sets (--num_classes, --still_latent)"
s d7_nc pd --input=$O/t2v/l.jsonl --output=$D/d7a $PD --text_encoder=$UMT5 --text_length=8 --num_classes=5
[ -f $D/d7a/manifest.json ] && rd $D/d7a | head -2
s d7_still pd --input=$O/t2v/l.jsonl --output=$D/d7b $PD --text_encoder=$UMT5 --text_length=8 --still_latent
[ -f $D/d7b/manifest.json ] && rd $D/d7b | head -2
