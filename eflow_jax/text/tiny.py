"""A tiny RANDOM UMT5 encoder + a sentencepiece tokenizer trained here, saved as a local
transformers directory: stands in for UMT5-XXL in tests and offline smoke runs (its embeddings
mean nothing). Needs sentencepiece, transformers and torch; nothing is downloaded."""
from __future__ import annotations

import os
from typing import Sequence

DEFAULT_CORPUS = (
    "a rabbit eats a carrot in a green field", "people ride bikes down a busy street",
    "a man talks on the phone in a car", "the sun sets over the hills and the sea",
    "a dog runs after a red ball", "two birds fly over a lake at dawn",
)


def make_tiny_umt5(path: str, *, corpus: Sequence[str] = DEFAULT_CORPUS, d_model: int = 32,
                   num_layers: int = 2, num_heads: int = 4, seed: int = 0) -> str:
  """Writes tokenizer + random UMT5EncoderModel into `path`; returns path."""
  import sentencepiece as spm  # pylint: disable=g-import-not-at-top
  import torch  # pylint: disable=g-import-not-at-top
  import transformers  # pylint: disable=g-import-not-at-top
  os.makedirs(path, exist_ok=True)
  prefix = os.path.join(path, "spiece")
  # T5's id layout: <pad>=0, </s>=1, <unk>=2.
  spm.SentencePieceTrainer.train(
      sentence_iterator=iter(list(corpus) * 10), model_prefix=prefix, vocab_size=64,
      model_type="unigram", pad_id=0, eos_id=1, unk_id=2, bos_id=-1, hard_vocab_limit=False,
      minloglevel=2)
  sp = spm.SentencePieceProcessor(model_file=prefix + ".model")
  vocab = [(sp.id_to_piece(i), sp.get_score(i)) for i in range(sp.get_piece_size())]
  tokenizer = transformers.T5Tokenizer(vocab=vocab, extra_ids=0)
  tokenizer.save_pretrained(path)
  torch.manual_seed(seed)
  config = transformers.UMT5Config(vocab_size=len(vocab), d_model=d_model, d_kv=d_model // num_heads,
                                   d_ff=2 * d_model, num_layers=num_layers, num_heads=num_heads,
                                   relative_attention_num_buckets=8)
  transformers.UMT5EncoderModel(config).eval().save_pretrained(path)
  return path
