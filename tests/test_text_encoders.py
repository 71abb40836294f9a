"""Text encoders: UMT5 precompute (tiny random model, local sentencepiece tokenizer) against
direct per-prompt PyTorch calls; padding / masking / null text; the built-in caption encoder."""
import numpy as np
import pytest

from eflow_jax import text


@pytest.fixture(scope="module")
def umt5_dir(tmp_path_factory):
  pytest.importorskip("torch", reason="the T5 text encoder needs torch (pip install torch==2.13.0)")
  pytest.importorskip("transformers", reason="the T5 text encoder needs transformers")
  pytest.importorskip("sentencepiece", reason="the tokenizer is trained with sentencepiece")
  from eflow_jax.text import tiny
  return tiny.make_tiny_umt5(str(tmp_path_factory.mktemp("umt5")))


def test_t5_embeddings_match_unpadded_torch_calls(umt5_dir):
  import torch
  import transformers
  enc = text.build("t5", path=umt5_dir, text_length=12)
  prompts = ["a rabbit eats a carrot", "dogs", "people ride bikes down a busy street at dawn"]
  emb, mask = enc.encode(prompts)
  assert emb.shape == (3, 12, 32) and emb.dtype == np.float32 and mask.dtype == np.int32
  tok = transformers.AutoTokenizer.from_pretrained(umt5_dir)
  model = transformers.UMT5EncoderModel.from_pretrained(umt5_dir).eval()
  for i, p in enumerate(prompts):
    ids = tok(p)["input_ids"]
    assert ids[-1] == tok.eos_token_id
    n = min(len(ids), 12)
    assert mask[i].tolist() == [1] * n + [0] * (12 - n)
    with torch.no_grad():   # alone, unpadded (truncated like the encoder, EOS last)
      ref = model(input_ids=torch.tensor([ids[:n - 1] + [ids[-1]]])).last_hidden_state[0].numpy()
    np.testing.assert_allclose(emb[i, :n], ref, rtol=1e-5, atol=1e-5)
    assert not np.any(emb[i, n:])                       # padding rows are exactly zero
  assert mask[2].sum() == 12                            # the long prompt was truncated


def test_null_text_and_trim(umt5_dir):
  enc = text.build("t5", path=umt5_dir, text_length=8)
  null, null_mask = enc.null_embedding()
  assert null.shape == (8, 32) and null_mask.tolist() == [1] + [0] * 7      # "" -> just </s>
  assert np.abs(null[0]).sum() > 0 and not np.any(null[1:])
  emb, mask = enc.encode(["a dog runs", ""])
  np.testing.assert_allclose(emb[1], null, atol=1e-6)
  rows = enc.trim(emb, mask)
  assert [r.shape for r in rows] == [(int(mask[0].sum()), 32), (1, 32)]
  with pytest.raises(ValueError, match="list of strings"):
    enc.encode("a dog runs")


def test_bad_paths_and_kinds_are_value_errors(tmp_path):
  with pytest.raises(ValueError, match="not a local directory"):
    text.build("t5", path=str(tmp_path / "missing"))
  with pytest.raises(ValueError, match="kind"):
    text.build("clip")


def test_builtin_caption_encoder_matches_captions_module():
  from eflow_jax.data import captions
  enc = text.build("builtin", text_dim=16, text_length=8)
  emb, mask = enc.encode(["digit 3 moving up", "digit 7 standing still"])
  ref, ref_mask = captions.encode(["digit 3 moving up", "digit 7 standing still"], 16, 8)
  np.testing.assert_array_equal(emb, ref)
  np.testing.assert_array_equal(mask, ref_mask)
