//! `local-llm`: a small instruct model (GGUF, run with candle) inside the binary, on the one
//! `Provider` trait. The provider renders the model's chat template, hands the work to the
//! model's generation thread (`runtime`), relays tokens as they are sampled, reports queue
//! positions, turns Qwen2.5's `<tool_call>` blocks into tool calls, and stops sampling when the
//! caller stops reading.
pub mod catalog;
pub mod engine;
pub mod runtime;
pub mod template;
pub mod tokenizer;

use super::{ChatRequest, Event, Flow, Provider, ProviderError, Sink, Usage};
use catalog::Spec;
use engine::Params;
use runtime::{Gen, Job, Tuning};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub const NAME: &str = "local-llm";

/// Sampling and memory settings (see the `local_llm_*` settings).
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub tuning: Tuning,
    pub temperature: f64,
    pub top_p: f64,
    pub repeat_penalty: f32,
    pub max_tokens: usize,
}

pub struct LocalLlm {
    pub data_dir: PathBuf,
    /// The active model (used when a call names none or an unknown one).
    pub active: &'static Spec,
    pub settings: Settings,
}

impl LocalLlm {
    fn spec_for(&self, model: &str) -> &'static Spec {
        catalog::find(model)
            .filter(|s| catalog::path(&self.data_dir, s).is_file())
            .unwrap_or(self.active)
    }
}

fn seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// Text until a `<tool_call>` may start; from there on held until the reply is complete.
struct ToolWatch {
    on: bool,
    held: String,
    tail: String,
}

impl ToolWatch {
    /// What can be shown now.
    fn push(&mut self, t: &str) -> String {
        if !self.on {
            return t.to_string();
        }
        if !self.held.is_empty() {
            self.held.push_str(t);
            return String::new();
        }
        self.tail.push_str(t);
        if let Some(at) = self.tail.find(template::TOOL_OPEN) {
            self.held = self.tail.split_off(at);
            return std::mem::take(&mut self.tail);
        }
        let open = template::TOOL_OPEN;
        let keep = (1..open.len())
            .filter(|n| self.tail.ends_with(&open[..*n]))
            .max()
            .unwrap_or(0);
        let cut = self.tail.len() - keep;
        self.tail.drain(..cut).collect()
    }
}

impl Provider for LocalLlm {
    fn name(&self) -> &str {
        NAME
    }
    fn sees_images(&self) -> bool {
        false
    }
    fn default_model(&self) -> String {
        self.active.name.into()
    }

    fn chat(&self, req: &ChatRequest, sink: Sink) -> Result<(), ProviderError> {
        let spec = self.spec_for(&req.model);
        let tools = spec.tools && !req.tools.is_empty();
        let s = self.settings;
        let (tx, rx) = std::sync::mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let job = Job {
            chat: req.clone(),
            tools,
            params: Params {
                temperature: req.temperature.map_or(s.temperature, f64::from),
                top_p: s.top_p,
                repeat_penalty: s.repeat_penalty,
                repeat_last_n: 64,
                max_tokens: s.max_tokens.min(req.max_tokens as usize).max(1),
                seed: seed(),
            },
            events: tx,
            cancel: cancel.clone(),
        };
        let path = catalog::path(&self.data_dir, spec);
        runtime::get(&path, spec, s.tuning).submit(job, s.tuning);
        let mut watch = ToolWatch {
            on: tools,
            held: String::new(),
            tail: String::new(),
        };
        let mut reading = true;
        let mut send = |sink: &mut dyn FnMut(Event) -> Flow, ev: Event| {
            if reading && sink(ev) == Flow::Stop {
                reading = false;
                cancel.store(true, Ordering::Relaxed);
            }
        };
        // The thread always ends a job with Done or Failed; a closed channel means it died.
        while let Ok(ev) = rx.recv() {
            match ev {
                Gen::Queued(n) => send(sink, Event::Queued(n)),
                Gen::Text(t) => {
                    let shown = watch.push(&t);
                    if !shown.is_empty() {
                        send(sink, Event::Text(shown));
                        send(sink, Event::Flush);
                    }
                }
                Gen::Failed(e) => return Err(ProviderError::new(format!("{NAME}: {e}"))),
                Gen::Done(stats, _dropped) => {
                    let names: Vec<&str> = req.tools.iter().map(|t| t.name).collect();
                    let held = std::mem::take(&mut watch.held);
                    let rest = std::mem::take(&mut watch.tail);
                    let calls = template::parse_tool_calls(&held, &names);
                    let mut text = rest;
                    if calls.is_none() {
                        text.push_str(&held);
                    }
                    if !req.tools.is_empty() && !spec.tools {
                        text.push_str(&format!(
                            "\n\n_(Tools are off: {}'s chat template defines no tool calls.)_",
                            spec.name
                        ));
                    }
                    if !text.is_empty() {
                        send(sink, Event::Text(text));
                    }
                    let (i, o) = (stats.prompt_tokens as u64, stats.output_tokens as u64);
                    // Usage is recorded even after the caller stopped reading.
                    sink(Event::Usage(Usage {
                        input_tokens: i,
                        output_tokens: o,
                        total_tokens: i + o,
                    }));
                    if let Some((_, calls)) = calls {
                        for c in calls {
                            send(sink, Event::ToolCall(c));
                        }
                    }
                    return Ok(());
                }
            }
        }
        Err(ProviderError::new(format!(
            "{NAME}: the generation thread stopped"
        )))
    }

    fn list_models(&self) -> Result<Vec<String>, ProviderError> {
        Ok(catalog::installed(&self.data_dir)
            .iter()
            .map(|s| s.name.to_string())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::ToolWatch;

    fn watch() -> ToolWatch {
        ToolWatch {
            on: true,
            held: String::new(),
            tail: String::new(),
        }
    }

    #[test]
    fn text_streams_until_a_tool_call_opens_and_is_held_from_there() {
        let mut w = watch();
        let mut shown = String::new();
        for piece in [
            "Let me ",
            "add it.",
            "\n<tool",
            "_call>\n{\"name\"",
            ": \"x\"}",
            "</tool_call>",
        ] {
            shown.push_str(&w.push(piece));
        }
        assert_eq!(shown, "Let me add it.\n");
        assert_eq!(w.held, "<tool_call>\n{\"name\": \"x\"}</tool_call>");
        // A "<" that does not open a call is shown once the next piece rules it out.
        let mut w = watch();
        assert_eq!(w.push("a <"), "a ");
        assert_eq!(w.push("b"), "<b");
    }
}
