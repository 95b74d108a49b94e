//! Folder imports stay inside the admin's `import_roots`: every path is canonicalised (which
//! resolves `..` and symlinks) and must then lie under a canonicalised root.
use std::path::{Path, PathBuf};

pub const EXTENSIONS: &[&str] = &[
    "pdf", "docx", "txt", "md", "markdown", "csv", "html", "htm", "json",
];
pub const MAX_FILES: usize = 2000;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FolderError {
    #[error("no import roots are configured; an admin can set import_roots in settings")]
    NoRoots,
    /// Also a path that does not exist: the answer must not tell which paths exist outside.
    #[error("{0} is not inside the allowed import roots")]
    Outside(String),
    #[error("{0} is not a directory")]
    NotDir(String),
}

/// The canonical form of `path`, if it lies under one of `roots`.
pub fn check_inside(roots: &[String], path: &Path) -> Result<PathBuf, FolderError> {
    if roots.is_empty() {
        return Err(FolderError::NoRoots);
    }
    let shown = path.display().to_string();
    let real = path
        .canonicalize()
        .map_err(|_| FolderError::Outside(shown.clone()))?;
    let inside = roots
        .iter()
        .filter_map(|r| Path::new(r).canonicalize().ok())
        .any(|root| real.starts_with(&root));
    if inside {
        Ok(real)
    } else {
        Err(FolderError::Outside(shown))
    }
}

/// Importable files under `dir` (already checked), skipping anything whose real path leaves
/// the roots (a symlink pointing out) and hidden entries.
pub fn list(roots: &[String], dir: &Path, recursive: bool) -> Result<Vec<PathBuf>, FolderError> {
    if !dir.is_dir() {
        return Err(FolderError::NotDir(dir.display().to_string()));
    }
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    // Symlinked directories can form cycles: visit each real directory once.
    let mut seen = std::collections::HashSet::new();
    while let Some(d) = stack.pop() {
        if !seen.insert(d.clone()) {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                continue;
            }
            let Ok(real) = check_inside(roots, &p) else {
                continue;
            };
            if real.is_dir() {
                if recursive {
                    stack.push(real);
                }
                continue;
            }
            let ext = real
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            if EXTENSIONS.contains(&ext.as_str()) {
                out.push(real);
                if out.len() >= MAX_FILES {
                    return Ok(out);
                }
            }
        }
    }
    Ok(out)
}
