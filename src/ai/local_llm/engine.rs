//! One loaded GGUF model: candle's quantized llama / qwen2 weights plus the model's tokenizer,
//! and the sampling loop (temperature, top-p, repeat penalty, stop sequences). Owned by the
//! generation thread of its runtime; nothing here is shared.
use super::catalog::{Arch, Spec};
use super::tokenizer::Tok;
use anyhow::{Context, bail};
use candle_core::quantized::{GgmlDType, QTensor, gguf_file};
use candle_core::{Device, Tensor};
use candle_transformers::generation::{LogitsProcessor, Sampling};
use candle_transformers::models::{quantized_llama, quantized_qwen2};
use std::io::Cursor;
use std::path::Path;

enum Weights {
    Llama(quantized_llama::ModelWeights),
    Qwen2(quantized_qwen2::ModelWeights),
}

pub struct Engine {
    weights: Weights,
    pub tok: Tok,
    /// Tokens the model attends to (prompt + reply).
    pub context: usize,
}

#[derive(Clone, Debug)]
pub struct Params {
    pub temperature: f64,
    pub top_p: f64,
    pub repeat_penalty: f32,
    pub repeat_last_n: usize,
    pub max_tokens: usize,
    pub seed: u64,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub prompt_tokens: usize,
    pub output_tokens: usize,
    pub prompt_ms: u128,
    pub generate_ms: u128,
}

/// Block formats candle multiplies with scalar code only (no SIMD kernel on any target).
fn slow(t: GgmlDType) -> bool {
    matches!(t, GgmlDType::Q4_1 | GgmlDType::Q5_0 | GgmlDType::Q5_1)
}

fn build<R: std::io::Read + std::io::Seek>(
    arch: Arch,
    ct: gguf_file::Content,
    r: &mut R,
) -> anyhow::Result<Weights> {
    let dev = Device::Cpu;
    Ok(match arch {
        Arch::Llama => Weights::Llama(quantized_llama::ModelWeights::from_gguf(ct, r, &dev)?),
        Arch::Qwen2 => Weights::Qwen2(quantized_qwen2::ModelWeights::from_gguf(ct, r, &dev)?),
    })
}

/// The same model with its Q4_1/Q5_x tensors re-quantized to Q8_0 (in memory): Q8_0's dot
/// product vectorizes (SIMD kernels, or the compiler's on plain SSE2), Q4_1's does not — about
/// 1.7x the memory of those tensors for several times the speed, and no visible quality loss
/// (8-bit blocks hold the 4-bit values almost exactly).
fn requantize(
    ct: &gguf_file::Content,
    file: &mut std::fs::File,
) -> anyhow::Result<Cursor<Vec<u8>>> {
    let dev = Device::Cpu;
    let mut tensors: Vec<(String, QTensor)> = Vec::with_capacity(ct.tensor_infos.len());
    for name in ct.tensor_infos.keys() {
        let q = ct.tensor(file, name, &dev)?;
        let q = if slow(q.dtype()) && q.shape().dims().last().is_some_and(|d| d % 32 == 0) {
            QTensor::quantize(&q.dequantize(&dev)?, GgmlDType::Q8_0)?
        } else {
            q
        };
        tensors.push((name.clone(), q));
    }
    let metadata: Vec<(&str, &gguf_file::Value)> =
        ct.metadata.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let refs: Vec<(&str, &QTensor)> = tensors.iter().map(|(n, q)| (n.as_str(), q)).collect();
    let mut out = Cursor::new(Vec::new());
    gguf_file::write(&mut out, &metadata, &refs)?;
    out.set_position(0);
    Ok(out)
}

impl Engine {
    /// Read the file (already checksum-verified by the caller) and build the model. `expect`
    /// names the catalog entry, whose architecture the file must have.
    pub fn load(path: &Path, expect: Option<&Spec>, context_cap: usize) -> anyhow::Result<Engine> {
        let mut file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        let ct = gguf_file::Content::read(&mut file)
            .map_err(|e| anyhow::anyhow!("{} is not a GGUF model: {e}", path.display()))?;
        let arch_name = ct
            .metadata
            .get("general.architecture")
            .and_then(|v| v.to_string().ok())
            .cloned()
            .unwrap_or_else(|| "unknown".into());
        let Some(arch) = Arch::from_gguf(&arch_name) else {
            bail!(
                "{}: architecture {arch_name:?} is not supported; local-llm runs llama and qwen2 GGUF models",
                path.display()
            );
        };
        if let Some(spec) = expect
            && spec.arch != arch
        {
            bail!(
                "{}: this is a {arch_name} model, but {} is a {} model",
                path.display(),
                spec.name,
                spec.arch.gguf_name()
            );
        }
        let trained = ct
            .metadata
            .get(&format!("{arch_name}.context_length"))
            .and_then(|v| v.to_u32().ok())
            .unwrap_or(2048) as usize;
        let tok = Tok::from_gguf(&ct)?;
        let weights = if ct.tensor_infos.values().any(|t| slow(t.ggml_dtype)) {
            let mut fast = requantize(&ct, &mut file)?;
            let ct = gguf_file::Content::read(&mut fast)?;
            build(arch, ct, &mut fast)?
        } else {
            build(arch, ct, &mut file)?
        };
        // candle's llama keeps rotary tables for MAX_SEQ_LEN positions.
        let limit = match arch {
            Arch::Llama => trained.min(quantized_llama::MAX_SEQ_LEN),
            Arch::Qwen2 => trained,
        };
        Ok(Engine {
            weights,
            tok,
            context: limit.min(context_cap.max(256)),
        })
    }

    fn forward(&mut self, ids: &[u32], pos: usize) -> anyhow::Result<Tensor> {
        let input = Tensor::new(ids, &Device::Cpu)?.unsqueeze(0)?;
        let logits = match &mut self.weights {
            Weights::Llama(m) => m.forward(&input, pos)?,
            Weights::Qwen2(m) => m.forward(&input, pos)?,
        };
        Ok(logits.squeeze(0)?.to_dtype(candle_core::DType::F32)?)
    }

    /// Let go of the attention cache of the last reply (candle keeps it in the model until the
    /// next prompt replaces it): one token at position 0 leaves a one-token cache, so memory
    /// a generation took goes back to the allocator when it ends, not when the model unloads.
    pub fn release_cache(&mut self) -> anyhow::Result<()> {
        self.forward(&[self.tok.eos], 0).map(drop)
    }

    /// Sample a reply to `prompt`, handing text to `on_text` as it completes (whole UTF-8
    /// characters, stop sequences held back); `on_text` returning false, or `cancelled`
    /// turning true, stops sampling before the next token.
    pub fn generate(
        &mut self,
        prompt: &[u32],
        p: &Params,
        stops: &[&str],
        // Called before each token with the count sampled so far; false stops sampling.
        keep_going: &mut dyn FnMut(usize) -> bool,
        on_text: &mut dyn FnMut(&str) -> bool,
    ) -> anyhow::Result<Stats> {
        let mut stats = Stats {
            prompt_tokens: prompt.len(),
            ..Stats::default()
        };
        let started = std::time::Instant::now();
        let sampling = if p.temperature <= 0.0 {
            Sampling::ArgMax
        } else if p.top_p > 0.0 && p.top_p < 1.0 {
            Sampling::TopP {
                p: p.top_p,
                temperature: p.temperature,
            }
        } else {
            Sampling::All {
                temperature: p.temperature,
            }
        };
        let mut sampler = LogitsProcessor::from_sampling(p.seed, sampling);
        let room = self.context.saturating_sub(prompt.len());
        let max = p.max_tokens.min(room);
        let mut all: Vec<u32> = prompt.to_vec();
        let mut logits = self.forward(prompt, 0)?;
        stats.prompt_ms = started.elapsed().as_millis();
        let mut pending_bytes: Vec<u8> = vec![];
        let mut held = String::new();
        for _ in 0..max {
            if !keep_going(stats.output_tokens) {
                held.clear();
                break;
            }
            let start = all.len().saturating_sub(p.repeat_last_n);
            let scored = if p.repeat_penalty != 1.0 {
                candle_transformers::utils::apply_repeat_penalty(
                    &logits,
                    p.repeat_penalty,
                    &all[start..],
                )?
            } else {
                logits
            };
            let next = sampler.sample(&scored)?;
            stats.output_tokens += 1;
            if next == self.tok.eos || self.tok.is_control(next) {
                break;
            }
            all.push(next);
            pending_bytes.extend_from_slice(self.tok.bytes(next));
            let valid = match std::str::from_utf8(&pending_bytes) {
                Ok(s) => s.len(),
                Err(e) if e.error_len().is_some() => pending_bytes.len(),
                Err(e) => e.valid_up_to(),
            };
            held.push_str(&String::from_utf8_lossy(&pending_bytes[..valid]));
            pending_bytes.drain(..valid);
            if let Some(at) = stops.iter().filter_map(|s| held.find(s)).min() {
                held.truncate(at);
                if !held.is_empty() {
                    on_text(&held);
                }
                held.clear();
                break;
            }
            // Keep back a tail that could still become a stop sequence.
            let keep = stops
                .iter()
                .flat_map(|s| (1..s.len()).filter(|n| held.ends_with(&s[..*n])))
                .max()
                .unwrap_or(0);
            let cut = held.len() - keep;
            if cut > 0 && held.is_char_boundary(cut) {
                let out: String = held.drain(..cut).collect();
                if !on_text(&out) {
                    held.clear();
                    break;
                }
            }
            logits = self.forward(&[next], all.len() - 1)?;
        }
        if !held.is_empty() {
            on_text(&held);
        }
        stats.generate_ms = started.elapsed().as_millis() - stats.prompt_ms;
        Ok(stats)
    }
}
