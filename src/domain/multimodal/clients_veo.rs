//! Gemini Veo's long-running operation (started, polled until done, then its video fetched) and
//! the download of a generated file, hashed as it arrives and spooled to disk for videos.
use super::clients::{
    Ask, Config, GenError, Limits, Output, gemini_aspect, read_body, refusal, send, sniff,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::time::Duration;

pub(super) fn veo(
    agent: &ureq::Agent,
    cfg: &Config,
    ask: &Ask,
    lim: &Limits,
) -> Result<Output, GenError> {
    let mut params = json!({"aspectRatio": gemini_aspect(ask.aspect)});
    for (k, v) in cfg.extra() {
        params[k] = v;
    }
    let body = json!({"instances": [{"prompt": ask.prompt}], "parameters": params});
    let url = cfg.url(&format!("/v1beta/models/{}:predictLongRunning", cfg.model));
    let mut r = send(cfg, ":predictLongRunning", || {
        cfg.auth(agent.post(&url)).send_json(&body)
    })?;
    if !r.status().is_success() {
        return Err(refusal(cfg, ":predictLongRunning", r));
    }
    let op = read_body(cfg, &mut r, 1024 * 1024)?;
    let name = op["name"]
        .as_str()
        .ok_or_else(|| GenError::Failed(cfg.say("the answer names no operation")))?
        .to_string();
    let every = Duration::from_millis(cfg.defaults["poll_interval_ms"].as_u64().unwrap_or(5000));
    let give_up = Duration::from_secs(cfg.defaults["max_poll_secs"].as_u64().unwrap_or(900));
    let started = std::time::Instant::now();
    let poll_url = cfg.url(&format!("/v1beta/{name}"));
    let done = loop {
        let mut r = send(cfg, "operation poll", || {
            cfg.auth_get(agent.get(&poll_url)).call()
        })?;
        if !r.status().is_success() {
            return Err(refusal(cfg, "operation poll", r));
        }
        let v = read_body(cfg, &mut r, 1024 * 1024)?;
        if v["done"].as_bool() == Some(true) {
            break v;
        }
        if started.elapsed() > give_up {
            return Err(GenError::Failed(cfg.say(format!(
                "operation {name} not done after {}s",
                give_up.as_secs()
            ))));
        }
        std::thread::sleep(every);
    };
    if let Some(msg) = done["error"]["message"].as_str() {
        return Err(GenError::Failed(
            cfg.say(format!("operation failed: {msg}")),
        ));
    }
    let resp = &done["response"]["generateVideoResponse"];
    if let Some(reasons) = resp["raiMediaFilteredReasons"]
        .as_array()
        .filter(|a| !a.is_empty())
    {
        let r: Vec<&str> = reasons.iter().filter_map(Value::as_str).collect();
        return Err(GenError::Refused(
            cfg.say(format!("refused by the content policy: {}", r.join("; "))),
        ));
    }
    let uri = resp["generatedSamples"][0]["video"]["uri"]
        .as_str()
        .ok_or_else(|| GenError::Failed(cfg.say("the finished operation has no video uri")))?;
    download(agent, cfg, uri, lim, true)
}

/// Fetch a generated file, hashing it as it arrives; videos are spooled to disk, never held whole.
pub(super) fn download(
    agent: &ureq::Agent,
    cfg: &Config,
    uri: &str,
    lim: &Limits,
    spool: bool,
) -> Result<Output, GenError> {
    let same_host = uri.starts_with(cfg.base_url.trim_end_matches('/'))
        || uri.contains("generativelanguage.googleapis.com");
    let mut r = send(cfg, "download", || {
        let g = agent.get(uri);
        if same_host {
            cfg.auth_get(g).call()
        } else {
            g.call()
        }
    })?;
    if !r.status().is_success() {
        return Err(GenError::Failed(
            cfg.say(format!("download: HTTP {}", r.status().as_u16())),
        ));
    }
    let mime = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(|s| s.split(';').next().unwrap_or(s).trim().to_string());
    let too_large = || {
        GenError::TooLarge(cfg.say(format!(
            "the file is larger than the asset size cap ({} bytes)",
            lim.max_bytes
        )))
    };
    let mut reader = r.body_mut().with_config().limit(lim.max_bytes + 1).reader();
    if !spool {
        let mut bytes = Vec::new();
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| GenError::Transient(cfg.say(format!("download: {e}"))))?;
        if bytes.len() as u64 > lim.max_bytes {
            return Err(too_large());
        }
        let mime = mime
            .filter(|m| m.starts_with("image/"))
            .unwrap_or_else(|| sniff(&bytes));
        return Ok(Output::Bytes {
            bytes,
            mime,
            usage: None,
        });
    }
    let path = lim
        .spool
        .join(format!("asset-{}.part", uuid::Uuid::now_v7().simple()));
    let mut file = std::fs::File::create(&path)
        .map_err(|e| GenError::Failed(cfg.say(format!("spool: {e}"))))?;
    let (mut hasher, mut size, mut buf) = (Sha256::new(), 0u64, vec![0u8; 256 * 1024]);
    let copied = (|| -> Result<(), GenError> {
        loop {
            let n = reader.read(&mut buf).map_err(|e| {
                if size >= lim.max_bytes {
                    too_large()
                } else {
                    GenError::Transient(cfg.say(format!("download: {e}")))
                }
            })?;
            if n == 0 {
                return Ok(());
            }
            size += n as u64;
            if size > lim.max_bytes {
                return Err(too_large());
            }
            hasher.update(&buf[..n]);
            file.write_all(&buf[..n])
                .map_err(|e| GenError::Failed(cfg.say(format!("spool: {e}"))))?;
        }
    })();
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&path);
        return Err(e);
    }
    Ok(Output::File {
        path,
        size,
        sha256: hex(&hasher.finalize()),
        mime: mime
            .filter(|m| m.starts_with("video/"))
            .unwrap_or_else(|| "video/mp4".into()),
    })
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
