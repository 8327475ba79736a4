"""A tiny, randomly initialised model of the catalog's multilingual architecture, offline.

The catalog's "Multilingual" model is open_clip's `xlm-roberta-base-ViT-B-32`: a ViT image
tower and a Hugging Face XLM-RoBERTa text tower with its SentencePiece-style tokenizer. Its
weights are 1.5 GB and need a download; this builds the same architecture at toy size, with
random weights, saved as a `local-dir:` folder that holds everything the text path needs:

- open_clip_config.json and open_clip_model.safetensors (like a folder downloaded from the Hub;
  `hf_model_name` names "xlm-roberta-base" exactly as the real config does),
- config.json: the XLM-RoBERTa text config, so no Hub config is fetched,
- tokenizer.json + tokenizer_config.json: an XLM-RoBERTa fast tokenizer (Unigram, with
  XLM-R's special tokens) trained here on a few English and Chinese sentences, since the real
  one cannot be downloaded in tests.

It tests the path (tokenize Chinese, run the HF text tower, project, normalise), not quality.
"""

from __future__ import annotations

import json
from pathlib import Path

CORPUS = [
    "a photo of a dog on the beach", "a receipt from the supermarket", "kids playing in the park",
    "a red circle", "mountains at sunset", "a cat sleeping on a sofa", "the city at night",
    "海滩上的狗", "超市的收据", "公园里玩耍的孩子", "红色的圆", "日落时的山", "沙发上睡觉的猫",
    "夜晚的城市", "一张照片", "猫和狗", "蓝色的天空", "生日蛋糕",
]  # fmt: skip
SPECIALS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]  # XLM-R's ids 0..4
EMBED_DIM = 32
IMAGE_SIZE = 32


def _tokenizer(folder: Path) -> int:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.Unigram())
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer.decoder = decoders.Metaspace()
    trainer = trainers.UnigramTrainer(
        vocab_size=400, special_tokens=SPECIALS, unk_token="<unk>", shrinking_factor=0.9
    )
    tokenizer.train_from_iterator(CORPUS * 4, trainer)
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", 0), ("</s>", 2)],
    )  # fmt: skip
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
        sep_token="</s>", cls_token="<s>", pad_token="<pad>", mask_token="<mask>",
        model_max_length=32,
    )  # fmt: skip
    fast.save_pretrained(str(folder))
    config_path = folder / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["tokenizer_class"] = "XLMRobertaTokenizer"  # what the real folder says
    config_path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return tokenizer.get_vocab_size()


def build_tiny_multilingual(folder: Path, seed: int = 0) -> Path:
    """Write the model folder; returns it (use as `local-dir:<folder>`)."""
    import open_clip
    import torch
    from safetensors.torch import save_file
    from transformers import XLMRobertaConfig

    folder.mkdir(parents=True, exist_ok=True)
    vocab = _tokenizer(folder)
    text_config = XLMRobertaConfig(
        vocab_size=vocab, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=40, pad_token_id=1, bos_token_id=0,
        eos_token_id=2, type_vocab_size=1,
    )  # fmt: skip
    text_config.save_pretrained(str(folder))
    model_cfg = {
        "embed_dim": EMBED_DIM,
        "vision_cfg": {
            "image_size": IMAGE_SIZE,
            "layers": 2,
            "width": 32,
            "head_width": 16,
            "patch_size": 8,
        },
        "text_cfg": {
            "hf_model_name": "xlm-roberta-base",
            "hf_tokenizer_name": "xlm-roberta-base",
            "hf_pooler_type": "mean_pooler",
            "context_length": 32,
        },
    }
    build_cfg = json.loads(json.dumps(model_cfg))
    build_cfg["text_cfg"].update(hf_model_name=str(folder), hf_model_pretrained=False)
    torch.manual_seed(seed)
    from open_clip.model import CustomTextCLIP

    model = CustomTextCLIP(**build_cfg)
    save_file(
        {k: v.contiguous() for k, v in model.state_dict().items()},
        str(folder / "open_clip_model.safetensors"),
    )
    preprocess = {
        "size": IMAGE_SIZE,
        "mean": list(open_clip.OPENAI_DATASET_MEAN),
        "std": list(open_clip.OPENAI_DATASET_STD),
        "interpolation": "bicubic",
        "resize_mode": "shortest",
    }
    (folder / "open_clip_config.json").write_text(
        json.dumps({"model_cfg": model_cfg, "preprocess_cfg": preprocess}, indent=2),
        encoding="utf-8",
    )
    return folder
