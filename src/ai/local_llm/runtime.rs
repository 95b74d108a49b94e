//! The generation thread of each model file: loads the model on first use (checksum verified
//! once per file version), runs one generation at a time while later ones queue and hear their
//! position, and drops the model after an idle period, handing its memory back to the OS.
//!
//! Runtimes are process-wide, keyed by the model file: two servers in one process (tests)
//! pointing at the same file share one copy of the weights and one queue, which is what the
//! memory discipline asks for. The registry (runtimes, and the files being written by a pull or
//! an upload) is the only global of this module.
use super::catalog::Spec;
use super::engine::{Engine, Params, Stats};
use crate::ai::ChatRequest;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet, VecDeque};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, LazyLock, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

/// What the generation thread tells the caller, in order.
#[derive(Debug)]
pub enum Gen {
    /// Generations ahead of this one (the running one included).
    Queued(usize),
    Text(String),
    /// Finished (or stopped): token counts, and how many history turns the budget dropped.
    Done(Stats, usize),
    Failed(String),
}

/// Knobs read from the settings on each call.
#[derive(Clone, Copy, Debug)]
pub struct Tuning {
    pub idle: Duration,
    pub threads: usize,
    pub context: usize,
}

pub struct Job {
    pub chat: ChatRequest,
    pub tools: bool,
    pub params: Params,
    pub events: Sender<Gen>,
    pub cancel: Arc<AtomicBool>,
}

#[derive(Clone, Copy, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Status {
    /// The weights are in memory.
    pub loaded: bool,
    /// A generation is running.
    pub busy: bool,
    /// Generations waiting.
    pub queued: usize,
    /// Tokens sampled since the process started, counted as they are sampled.
    pub generated_tokens: u64,
}

struct Shared {
    jobs: VecDeque<Job>,
    running: bool,
    status: Status,
    tuning: Tuning,
}

pub struct Runtime {
    path: PathBuf,
    spec: &'static Spec,
    shared: Mutex<Shared>,
    bell: Condvar,
}

#[derive(Default)]
struct Registry {
    runtimes: HashMap<PathBuf, Arc<Runtime>>,
    /// Model files being written (pull or upload): one transfer per file at a time.
    transfers: HashSet<PathBuf>,
}

static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(Default::default);

/// Claim `path` for writing; false when another transfer holds it.
pub fn begin_transfer(path: &Path) -> bool {
    lock(&REGISTRY).transfers.insert(path.to_path_buf())
}

pub fn end_transfer(path: &Path) {
    lock(&REGISTRY).transfers.remove(path);
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The runtime of `path`, started on first use.
pub fn get(path: &Path, spec: &'static Spec, tuning: Tuning) -> Arc<Runtime> {
    let mut reg = lock(&REGISTRY);
    let all = &mut reg.runtimes;
    if let Some(rt) = all.get(path) {
        return rt.clone();
    }
    let rt = Arc::new(Runtime {
        path: path.to_path_buf(),
        spec,
        shared: Mutex::new(Shared {
            jobs: VecDeque::new(),
            running: false,
            status: Status::default(),
            tuning,
        }),
        bell: Condvar::new(),
    });
    let worker = rt.clone();
    std::thread::Builder::new()
        .name(format!("local-llm {}", spec.name))
        .spawn(move || work(&worker))
        .expect("spawning the local-llm generation thread");
    all.insert(path.to_path_buf(), rt.clone());
    rt
}

/// The state of the runtime of `path`, if one was ever started.
pub fn status(path: &Path) -> Option<Status> {
    let rt = lock(&REGISTRY).runtimes.get(path).cloned()?;
    let s = lock(&rt.shared);
    Some(Status {
        busy: s.running,
        queued: s.jobs.len(),
        ..s.status
    })
}

impl Runtime {
    /// Queue a generation; its position is sent at once when others are ahead.
    pub fn submit(&self, job: Job, tuning: Tuning) {
        let mut s = lock(&self.shared);
        s.tuning = tuning;
        let ahead = s.jobs.len() + usize::from(s.running);
        if ahead > 0 {
            let _ = job.events.send(Gen::Queued(ahead));
        }
        s.jobs.push_back(job);
        self.bell.notify_all();
    }

    /// Wait for the next job; unload the model once idle for the configured period.
    fn next(&self, engine: &mut Option<Engine>) -> Job {
        let mut s = lock(&self.shared);
        loop {
            if let Some(job) = s.jobs.pop_front() {
                for (i, waiting) in s.jobs.iter().enumerate() {
                    let _ = waiting.events.send(Gen::Queued(i + 1));
                }
                s.running = true;
                return job;
            }
            if engine.is_none() {
                s = self.bell.wait(s).unwrap_or_else(|e| e.into_inner());
                continue;
            }
            let idle = s.tuning.idle;
            let (guard, waited) = self
                .bell
                .wait_timeout(s, idle)
                .unwrap_or_else(|e| e.into_inner());
            s = guard;
            if waited.timed_out() && s.jobs.is_empty() {
                *engine = None;
                s.status.loaded = false;
                crate::telemetry::trim_heap();
                tracing::info!(
                    model = self.spec.name,
                    "local-llm unloaded after {idle:?} idle"
                );
            }
        }
    }

    fn finish(&self, loaded: bool) {
        let mut s = lock(&self.shared);
        s.running = false;
        s.status.loaded = loaded;
    }

    /// The live count: `sampled` tokens of the running generation on top of `before`.
    fn sampled(&self, before: u64, sampled: usize) {
        lock(&self.shared).status.generated_tokens = before + sampled as u64;
    }
}

/// The file's sha256 against the catalog's, skipped when this exact file version (size and
/// modification time) was verified before.
fn verify(path: &Path, spec: &Spec, seen: &mut Option<(u64, SystemTime)>) -> anyhow::Result<()> {
    let meta = std::fs::metadata(path)?;
    let version = (meta.len(), meta.modified()?);
    if *seen == Some(version) {
        return Ok(());
    }
    let mut f = std::fs::File::open(path)?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
    }
    let got: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    anyhow::ensure!(
        got == spec.sha256,
        "{}: sha256 {got} does not match the pinned {}; refusing to load it (pull it again: neuromancer models pull {})",
        path.display(),
        spec.sha256,
        spec.name
    );
    *seen = Some(version);
    Ok(())
}

fn work(rt: &Runtime) {
    let mut engine: Option<Engine> = None;
    let mut verified = None;
    loop {
        let job = rt.next(&mut engine);
        let tuning = lock(&rt.shared).tuning;
        if job.cancel.load(Ordering::Relaxed) {
            rt.finish(engine.is_some());
            continue;
        }
        let threads = if tuning.threads == 0 {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        } else {
            tuning.threads
        };
        // A pool per generation (cheap next to sampling): no idle threads between uses.
        let pool = match rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("local-llm-{i}"))
            .build()
        {
            Ok(p) => p,
            Err(e) => {
                let _ = job
                    .events
                    .send(Gen::Failed(format!("starting threads: {e}")));
                rt.finish(engine.is_some());
                continue;
            }
        };
        let result = pool.install(|| -> anyhow::Result<(Stats, usize)> {
            if engine
                .as_ref()
                .is_none_or(|e| e.context != tuning.context.max(256))
            {
                engine = None;
                let started = std::time::Instant::now();
                verify(&rt.path, rt.spec, &mut verified)?;
                engine = Some(Engine::load(&rt.path, Some(rt.spec), tuning.context)?);
                lock(&rt.shared).status.loaded = true;
                tracing::info!(
                    model = rt.spec.name,
                    threads,
                    ms = started.elapsed().as_millis() as u64,
                    "local-llm loaded"
                );
            }
            let Some(e) = engine.as_mut() else {
                anyhow::bail!("the model is not loaded");
            };
            let budget = e
                .context
                .saturating_sub(job.params.max_tokens.min(e.context / 2));
            let (prompt, dropped) = super::template::render(&e.tok, &job.chat, job.tools, budget)?;
            let cancel = job.cancel.clone();
            let events = job.events.clone();
            let before = lock(&rt.shared).status.generated_tokens;
            let _burst = crate::telemetry::HeapBurst::begin();
            let stats = e.generate(
                &prompt,
                &job.params,
                super::template::STOPS,
                &mut |n| {
                    rt.sampled(before, n);
                    !cancel.load(Ordering::Relaxed)
                },
                &mut |t| events.send(Gen::Text(t.to_string())).is_ok(),
            )?;
            rt.sampled(before, stats.output_tokens);
            e.release_cache()?;
            Ok((stats, dropped))
        });
        // The burst is over: every thread that generated gives its arena's top back.
        pool.broadcast(|_| crate::telemetry::trim_own_arena());
        drop(pool);
        crate::telemetry::trim_own_arena();
        match result {
            Ok((stats, dropped)) => {
                tracing::info!(
                    model = rt.spec.name,
                    prompt_tokens = stats.prompt_tokens,
                    prompt_ms = stats.prompt_ms as u64,
                    output_tokens = stats.output_tokens,
                    generate_ms = stats.generate_ms as u64,
                    dropped_turns = dropped,
                    "local-llm generation"
                );
                let _ = job.events.send(Gen::Done(stats, dropped));
            }
            Err(e) => {
                let _ = job.events.send(Gen::Failed(format!("{e:#}")));
            }
        }
        rt.finish(engine.is_some());
    }
}
