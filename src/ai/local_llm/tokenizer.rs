//! The model's own tokenizer, rebuilt from its GGUF metadata (`tokenizer.ggml.tokens`,
//! `merges`, `token_type`, `pre`): byte-level BPE with the pre-tokenizer llama.cpp names in
//! `tokenizer.ggml.pre` (SmolLM2 splits digits one by one; Qwen2 uses its own regex), control
//! tokens (`<|im_start|>`…) matched whole. Decoding maps each token back to its bytes, so a
//! character split across tokens is emitted once complete.
use anyhow::{Context, bail};
use candle_core::quantized::gguf_file::{Content, Value};
use std::collections::HashMap;
use tokenizers::models::bpe::BPE;
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::pre_tokenizers::digits::Digits;
use tokenizers::pre_tokenizers::sequence::Sequence;
use tokenizers::pre_tokenizers::split::{Split, SplitPattern};
use tokenizers::{AddedToken, SplitDelimiterBehavior, Tokenizer};

/// Qwen2's pre-tokenizer pattern (its tokenizer.json), as llama.cpp applies for `pre = qwen2`.
const QWEN2_PATTERN: &str = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
/// GGUF token types: 3 = control, 4 = user-defined (both matched whole, never split).
const CONTROL: i32 = 3;
const USER_DEFINED: i32 = 4;

pub struct Tok {
    inner: Tokenizer,
    bytes: Vec<Vec<u8>>,
    control: Vec<bool>,
    ids: HashMap<String, u32>,
    pub eos: u32,
}

fn strings(ct: &Content, key: &str) -> anyhow::Result<Vec<String>> {
    let v = ct
        .metadata
        .get(key)
        .with_context(|| format!("the GGUF file has no {key}"))?;
    v.to_vec()?
        .iter()
        .map(|s| Ok(s.to_string()?.clone()))
        .collect()
}

/// GPT-2's byte ↔ printable character table (byte-level BPE spells bytes with these).
fn byte_chars() -> HashMap<char, u8> {
    let mut printable: Vec<u32> = (u32::from(b'!')..=u32::from(b'~'))
        .chain(0xA1..=0xAC)
        .chain(0xAE..=0xFF)
        .collect();
    let mut chars: Vec<u32> = printable.clone();
    let mut n = 0;
    for b in 0..=255u32 {
        if !printable.contains(&b) {
            printable.push(b);
            chars.push(256 + n);
            n += 1;
        }
    }
    printable
        .into_iter()
        .zip(chars)
        .filter_map(|(b, c)| Some((char::from_u32(c)?, b as u8)))
        .collect()
}

impl Tok {
    pub fn from_gguf(ct: &Content) -> anyhow::Result<Tok> {
        let model = ct
            .metadata
            .get("tokenizer.ggml.model")
            .and_then(|v| v.to_string().ok())
            .map(String::as_str)
            .unwrap_or("");
        if model != "gpt2" {
            bail!(
                "tokenizer {model:?} is not supported: local-llm reads byte-level BPE (gpt2) tokenizers"
            );
        }
        let pre = ct
            .metadata
            .get("tokenizer.ggml.pre")
            .and_then(|v| v.to_string().ok())
            .cloned()
            .unwrap_or_default();
        let tokens = strings(ct, "tokenizer.ggml.tokens")?;
        let merges = strings(ct, "tokenizer.ggml.merges")?
            .into_iter()
            .filter_map(|m| {
                m.split_once(' ')
                    .map(|(a, b)| (a.to_string(), b.to_string()))
            })
            .collect::<Vec<_>>();
        let types: Vec<i32> = match ct.metadata.get("tokenizer.ggml.token_type") {
            Some(Value::Array(a)) => a.iter().map(|v| v.to_i32().unwrap_or(1)).collect(),
            _ => vec![1; tokens.len()],
        };
        let eos = ct
            .metadata
            .get("tokenizer.ggml.eos_token_id")
            .and_then(|v| v.to_u32().ok())
            .context("the GGUF file has no tokenizer.ggml.eos_token_id")?;
        let vocab: tokenizers::models::bpe::Vocab = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();
        let bpe = BPE::builder()
            .vocab_and_merges(vocab, merges)
            .build()
            .map_err(|e| anyhow::anyhow!("building the BPE tokenizer: {e}"))?;
        let mut inner = Tokenizer::new(bpe);
        let byte_level = ByteLevel::new(false, false, false);
        match pre.as_str() {
            "qwen2" => {
                let split = Split::new(
                    SplitPattern::Regex(QWEN2_PATTERN.into()),
                    SplitDelimiterBehavior::Isolated,
                    false,
                )
                .map_err(|e| anyhow::anyhow!("{e}"))?;
                inner
                    .with_pre_tokenizer(Some(Sequence::new(vec![split.into(), byte_level.into()])));
            }
            // SmolLM2 (`smollm`) and the GPT-2 default: digits one by one for smollm, then
            // the GPT-2 split and byte mapping.
            other => {
                let mut steps = vec![];
                if other == "smollm" {
                    steps.push(Digits::new(true).into());
                }
                steps.push(ByteLevel::new(false, false, true).into());
                inner.with_pre_tokenizer(Some(Sequence::new(steps)));
            }
        }
        let special: Vec<AddedToken> = tokens
            .iter()
            .zip(&types)
            .filter(|(_, t)| **t == CONTROL || **t == USER_DEFINED)
            .map(|(s, _)| AddedToken::from(s.clone(), true))
            .collect();
        inner.add_special_tokens(&special);
        let table = byte_chars();
        let bytes = tokens
            .iter()
            .zip(&types)
            .map(|(s, t)| {
                if *t == CONTROL || *t == USER_DEFINED {
                    s.as_bytes().to_vec()
                } else {
                    s.chars()
                        .map(|c| table.get(&c).copied().unwrap_or(b'?'))
                        .collect()
                }
            })
            .collect();
        let ids = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();
        Ok(Tok {
            inner,
            bytes,
            control: types.iter().map(|t| *t == CONTROL).collect(),
            ids,
            eos,
        })
    }

    /// Token ids of `text`; control tokens written out (`<|im_start|>`) become their one id.
    pub fn encode(&self, text: &str) -> anyhow::Result<Vec<u32>> {
        Ok(self
            .inner
            .encode(text, false)
            .map_err(|e| anyhow::anyhow!("tokenizing: {e}"))?
            .get_ids()
            .to_vec())
    }

    /// The bytes a token stands for (control tokens: their name).
    pub fn bytes(&self, id: u32) -> &[u8] {
        self.bytes
            .get(id as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Control tokens end a reply (`<|im_end|>`, `<|endoftext|>`, …).
    pub fn is_control(&self, id: u32) -> bool {
        self.control.get(id as usize).copied().unwrap_or(false)
    }

    pub fn id(&self, token: &str) -> Option<u32> {
        self.ids.get(token).copied()
    }

    pub fn vocab_size(&self) -> usize {
        self.bytes.len()
    }
}
