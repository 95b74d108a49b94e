//! Structured logging (tracing) and the per-request id every response carries.
use actix_web::dev::ServiceResponse;
use actix_web::http::header::{HeaderName, HeaderValue};
use std::sync::atomic::{AtomicU64, Ordering};

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Initialise the global subscriber; `RUST_LOG` overrides the filter.
pub fn init(default_filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}

/// Keep the resident set small after bursts of large allocations.
///
/// glibc raises its mmap threshold each time a large mmapped block is freed, after which
/// blocks of that size come from per-thread arenas and stay resident. Each argon2 hash takes
/// 19 MiB: a login burst left 230 MB resident (measured); with the threshold pinned at 1 MiB,
/// large blocks always go back to the OS on free and the same burst leaves ~50 MB.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator tuning parameters; it is called once at the top of
    // main, before any other thread exists, with a valid parameter and value.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
    }
}

/// Blocks from this size up are mmapped, and unmapped when freed.
const MMAP_THRESHOLD: i32 = 1 << 20;
/// Free memory beyond this at an arena's top goes back to the OS: glibc's default, which stays
/// fixed once `M_MMAP_THRESHOLD` is set (set here anyway, so that a burst can restore it).
const TRIM_THRESHOLD: i32 = 128 * 1024;
/// Bursts of allocation churn in progress (see [`HeapBurst`]).
static BURSTS: std::sync::Mutex<usize> = std::sync::Mutex::new(0);

/// A stretch of heavy allocation churn: a language model generating allocates and frees the
/// same tensors for every token. While any burst is held, blocks up to 16 MiB come from the
/// malloc arenas and freed memory stays at the arenas' tops for the next token, instead of
/// every tensor paying for mmap/munmap or a trim and the page faults after it (measured on
/// SmolLM2-135M: 43% of a generation's time in the kernel; 34 -> 91 tokens/s). Dropping the
/// last burst restores the thresholds; each thread that churned then calls [`trim_own_arena`]
/// so that its arena's top goes back to the OS (`malloc_trim` does not shrink the tops of
/// per-thread arenas).
pub struct HeapBurst(());

impl HeapBurst {
    pub fn begin() -> HeapBurst {
        let mut n = BURSTS.lock().unwrap_or_else(|e| e.into_inner());
        if *n == 0 {
            set_thresholds(16 << 20, 1 << 30);
        }
        *n += 1;
        HeapBurst(())
    }
}

impl Drop for HeapBurst {
    fn drop(&mut self) {
        let mut n = BURSTS.lock().unwrap_or_else(|e| e.into_inner());
        *n -= 1;
        if *n == 0 {
            set_thresholds(MMAP_THRESHOLD, TRIM_THRESHOLD);
        }
    }
}

#[cfg_attr(
    not(all(target_os = "linux", target_env = "gnu")),
    allow(unused_variables)
)]
fn set_thresholds(mmap: i32, trim: i32) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator tuning parameters (it takes the arena locks
    // itself); the values are within glibc's limits (mmap threshold at most 32 MiB).
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, mmap);
        libc::mallopt(libc::M_TRIM_THRESHOLD, trim);
    }
}

/// Shrink the top of the calling thread's malloc arena to the trim threshold: freeing a block
/// of 256 KiB (below the mmap threshold, above glibc's consolidation threshold of 64 KiB) makes
/// glibc check the arena's top, which `malloc_trim` skips for per-thread arenas.
pub fn trim_own_arena() {
    let block: Vec<u8> = Vec::with_capacity(256 << 10);
    drop(std::hint::black_box(block));
}

/// Return freed heap pages (of every malloc arena) to the OS. Used after one-off bursts of
/// allocation at start-up.
pub fn trim_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory held by the allocator; it is thread-safe.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Request ids: a per-process random prefix plus a counter — unique, cheap, greppable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestId(pub u64);

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl RequestId {
    pub fn next() -> Self {
        RequestId(NEXT_ID.fetch_add(1, Ordering::Relaxed))
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{:06}", process_tag(), self.0)
    }
}

fn process_tag() -> &'static str {
    static TAG: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TAG.get_or_init(|| format!("{:08x}", crate::crypto::random_u64() as u32))
}

/// After the handler ran: add the id header, and log server errors once, with the id.
pub fn finish_response<B>(id: RequestId, method: &str, path: &str, res: &mut ServiceResponse<B>) {
    if let Ok(v) = HeaderValue::from_str(&id.to_string()) {
        res.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    let status = res.status();
    if status.is_server_error() {
        let cause = res
            .response()
            .error()
            .map(|e| format!("{e:?}"))
            .unwrap_or_default();
        tracing::error!(request_id = %id, %method, %path, status = status.as_u16(), cause, "request failed");
    } else {
        tracing::debug!(request_id = %id, %method, %path, status = status.as_u16(), "request");
    }
}
