//! The reviewer's page, rendered on the server: the post as it will look (text with its line
//! breaks, images), the requester's message, and an Approve / Request changes form that works
//! without JavaScript. Every value from the database goes through `v_htmlescape` (text and
//! attribute contexts alike); nothing else is interpolated.
use super::types::PublicApproval;
use v_htmlescape::escape_fmt as escape;

const STYLE: &str = "body{font:16px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;background:#f4f4f6;color:#1d1d22}\
main{max-width:640px;margin:2rem auto;padding:0 1rem}\
.card{background:#fff;border:1px solid #ddd;border-radius:10px;padding:1.25rem;margin-bottom:1rem}\
.meta{color:#666;font-size:.9rem}.post{white-space:pre-wrap;word-wrap:break-word}\
.post-images img{max-width:100%;border-radius:6px;margin-top:.5rem;display:block}\
.badge{display:inline-block;background:#eef;border-radius:99px;padding:0 .6rem;font-size:.8rem}\
label{display:block;margin:.75rem 0 .25rem;font-weight:600}\
textarea,input{width:100%;box-sizing:border-box;font:inherit;padding:.5rem;border:1px solid #bbb;border-radius:6px}\
textarea{min-height:6rem}.actions{display:flex;gap:.75rem;margin-top:1rem}\
button{font:inherit;padding:.6rem 1.1rem;border-radius:6px;border:1px solid #888;background:#fff;cursor:pointer}\
button.approve{background:#1f7a3a;border-color:#1f7a3a;color:#fff}\
.notice{padding:.75rem 1rem;border-radius:8px;background:#e8f4ec;border:1px solid #a6d5b5}\
.notice.warn{background:#fff4e5;border-color:#f0c27b}";

fn shell(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"robots\" content=\"noindex\"><title>{}</title><style>{STYLE}</style></head>\
<body><main>{body}</main></body></html>",
        escape(title)
    )
}

/// The page for a live link; `notice` confirms a decision just recorded.
pub fn render(v: &PublicApproval, notice: Option<&str>) -> String {
    let mut b = String::new();
    if let Some(n) = notice {
        b.push_str(&format!(
            "<p class=\"notice\" role=\"status\" data-decision=\"{}\">{}</p>",
            escape(&v.status),
            escape(n)
        ));
    }
    b.push_str(&format!(
        "<h1>{}</h1><p class=\"meta\">Approval requested{} · <span class=\"badge\">{}</span> · link valid until {}</p>",
        escape(&v.content.title),
        v.reviewer_name
            .as_deref()
            .map(|n| format!(" from {}", escape(n)))
            .unwrap_or_default(),
        escape(&v.content.platform),
        escape(&v.expires_at),
    ));
    if let Some(m) = &v.message {
        b.push_str(&format!(
            "<div class=\"card\"><p class=\"meta\">Message</p><p class=\"post\">{}</p></div>",
            escape(m)
        ));
    }
    b.push_str(&format!(
        "<article class=\"card\" aria-label=\"The post\"><div class=\"post\" data-post>{}</div>",
        escape(&v.content.draft_content)
    ));
    if !v.content.assets.is_empty() {
        b.push_str("<div class=\"post-images\">");
        for url in &v.content.assets {
            b.push_str(&format!(
                "<img src=\"{}\" alt=\"Image of the post\" loading=\"lazy\">",
                escape(url)
            ));
        }
        b.push_str("</div>");
    }
    b.push_str("</article>");
    if v.status == "pending" {
        b.push_str(
            "<form class=\"card\" method=\"post\" data-approval-form>\
<label for=\"comment\">Comment (optional)</label>\
<textarea id=\"comment\" name=\"comment\" maxlength=\"5000\"></textarea>\
<label for=\"name\">Your name (optional)</label>\
<input id=\"name\" name=\"name\" maxlength=\"200\" autocomplete=\"name\">\
<div class=\"actions\"><button class=\"approve\" type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>\
<button type=\"submit\" name=\"decision\" value=\"reject\">Request changes</button></div></form>",
        );
    } else {
        let what = if v.status == "approved" {
            "approved"
        } else {
            "sent back for changes"
        };
        b.push_str(&format!(
            "<p class=\"card\" data-status=\"{}\">This post was {what}{}{}.</p>",
            escape(&v.status),
            v.decided_at
                .as_deref()
                .map(|d| format!(" on {}", escape(d)))
                .unwrap_or_default(),
            v.comment
                .as_deref()
                .map(|c| format!(" with the comment “{}”", escape(c)))
                .unwrap_or_default(),
        ));
    }
    shell(&format!("Approve: {}", v.content.title), &b)
}

/// A page for a link that cannot be used (unknown, revoked, expired, already answered).
pub fn render_error(heading: &str, detail: &str) -> String {
    shell(
        heading,
        &format!(
            "<div class=\"card notice warn\" data-error><h1>{}</h1><p>{}</p></div>",
            escape(heading),
            escape(detail)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::approvals::types::PublicContent;

    #[test]
    fn every_value_is_escaped() {
        let v = PublicApproval {
            content: PublicContent {
                title: "<script>alert(1)</script>".into(),
                platform: "linkedin".into(),
                draft_content: "a & b \"quoted\" <b>bold</b>".into(),
                assets: vec!["https://x/\"onerror=alert(1)".into()],
            },
            status: "pending".into(),
            expires_at: "2026-01-01T00:00:00.000Z".into(),
            message: Some("<img src=x onerror=alert(1)>".into()),
            reviewer_name: Some("O'Brien".into()),
            comment: None,
            decided_at: None,
        };
        let html = render(&v, None);
        assert!(!html.contains("<script>alert"));
        assert!(!html.contains("<img src=x"));
        assert!(!html.contains("\"onerror"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("a &amp; b &quot;quoted&quot; &lt;b&gt;bold&lt;&#x2f;b&gt;"));
        assert!(html.contains("O&#x27;Brien"));
    }
}
