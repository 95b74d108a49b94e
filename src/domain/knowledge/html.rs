//! Main-text extraction from HTML in the style of trafilatura, without a DOM library: a small
//! tag scanner drops script/style/nav/footer and boilerplate containers (class/id naming
//! footers, sharing, sidebars, cookie banners, comments…), prefers the article container
//! (`itemprop=articleBody`, post-content/entry-content/article-body, `<article>`, `<main>`)
//! and falls back to the whole body when that holds under 250 characters. Headings become
//! markdown `#` lines so the chunker can cut at them.

pub use super::entities::decode_entities;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Extracted {
    pub title: String,
    pub author: Option<String>,
    pub date: Option<String>,
    pub site_name: Option<String>,
    pub text: String,
}

const SKIP_TAGS: &[&str] = &[
    "script", "style", "noscript", "nav", "footer", "header", "aside", "form", "svg", "template",
    "iframe", "button", "select", "head",
];
const BOILERPLATE: &[&str] = &[
    "footer",
    "related",
    "share",
    "social",
    "sidebar",
    "nav",
    "menu",
    "breadcrumb",
    "cookie",
    "newsletter",
    "comment",
    "hidden",
    "banner",
    "advert",
];
const VOID: &[&str] = &[
    "br", "img", "hr", "meta", "link", "input", "source", "area", "base", "col", "embed", "wbr",
];
const BLOCK: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "blockquote",
    "pre",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "hr",
    "dd",
    "dt",
    "figure",
    "figcaption",
    "body",
];

struct Tag<'a> {
    name: String,
    attrs: &'a str,
    closing: bool,
    self_closing: bool,
}

fn attr(attrs: &str, name: &str) -> Option<String> {
    let lower = attrs.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before_ok = at == 0
            || !lower.as_bytes()[at - 1].is_ascii_alphanumeric()
                && lower.as_bytes()[at - 1] != b'-';
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let off = attrs.len() - rest.len() + 1;
        let v = attrs[off..].trim_start();
        let (q, body) = match v.chars().next() {
            Some(q @ ('"' | '\'')) => (Some(q), &v[1..]),
            _ => (None, v),
        };
        let end = match q {
            Some(q) => body.find(q).unwrap_or(body.len()),
            None => body
                .find(|c: char| c.is_whitespace() || c == '>')
                .unwrap_or(body.len()),
        };
        return Some(decode_entities(&body[..end]));
    }
    None
}

/// Text accumulated for one candidate container.
struct Capture {
    depth: usize,
    priority: u8,
    text: String,
}

fn container_priority(name: &str, attrs: &str) -> Option<u8> {
    let class = format!(
        "{} {}",
        attr(attrs, "class").unwrap_or_default(),
        attr(attrs, "id").unwrap_or_default()
    )
    .to_ascii_lowercase();
    if attr(attrs, "itemprop").is_some_and(|v| v.eq_ignore_ascii_case("articleBody")) {
        return Some(0);
    }
    if [
        "post-content",
        "entry-content",
        "article-body",
        "article-content",
        "post-body",
    ]
    .iter()
    .any(|k| class.contains(k))
    {
        return Some(1);
    }
    match name {
        "article" => Some(2),
        "main" => Some(3),
        _ if class.contains("story") || class.split_whitespace().any(|c| c == "content") => Some(4),
        "body" => Some(9),
        _ => None,
    }
}

fn is_boilerplate(name: &str, attrs: &str) -> bool {
    if SKIP_TAGS.contains(&name) {
        return true;
    }
    if attrs.to_ascii_lowercase().contains("hidden") && attr(attrs, "hidden").is_some()
        || attr(attrs, "aria-hidden").is_some_and(|v| v == "true")
    {
        return true;
    }
    let class = format!(
        "{} {}",
        attr(attrs, "class").unwrap_or_default(),
        attr(attrs, "id").unwrap_or_default()
    )
    .to_ascii_lowercase();
    // Whole-token matches only, so "menu-free-article" in a body class does not hide it.
    class
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .any(|tok| BOILERPLATE.contains(&tok))
}

fn parse_tag(raw: &str) -> Option<Tag<'_>> {
    let inner = raw.trim_start_matches('<').trim_end_matches('>');
    let closing = inner.starts_with('/');
    let inner = inner.trim_start_matches('/');
    let name_end = inner
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(inner.len());
    let name = inner[..name_end].to_ascii_lowercase();
    if name.is_empty() || !name.chars().next()?.is_ascii_alphabetic() {
        return None;
    }
    Some(Tag {
        self_closing: inner.ends_with('/'),
        attrs: &inner[name_end..],
        name,
        closing,
    })
}

/// Extract the main text and metadata of an HTML page.
pub fn extract(html: &str) -> Extracted {
    let mut meta = Extracted::default();
    let mut caps: Vec<Capture> = Vec::new();
    let mut open: Vec<usize> = Vec::new(); // indices into caps currently capturing
    let mut stack: Vec<String> = Vec::new();
    let mut skip_depth: Option<usize> = None;
    let mut in_title = false;
    let mut h1: Option<String> = None;
    let mut in_h1 = false;
    let mut i = 0;
    let bytes = html.as_bytes();
    let push_text = |caps: &mut Vec<Capture>, open: &[usize], s: &str| {
        for &ci in open {
            caps[ci].text.push_str(s);
        }
    };
    while i < html.len() {
        if bytes[i] == b'<' {
            if html[i..].starts_with("<!--") {
                i = html[i..]
                    .find("-->")
                    .map(|e| i + e + 3)
                    .unwrap_or(html.len());
                continue;
            }
            let end = html[i..].find('>').map(|e| i + e + 1).unwrap_or(html.len());
            let raw = &html[i..end];
            i = end;
            let Some(tag) = parse_tag(raw) else { continue };
            let name = tag.name.clone();
            if tag.closing {
                if let Some(pos) = stack.iter().rposition(|n| *n == name) {
                    stack.truncate(pos);
                    if skip_depth.is_some_and(|d| stack.len() <= d) {
                        skip_depth = None;
                    }
                    while open.last().is_some_and(|&ci| caps[ci].depth > stack.len()) {
                        open.pop();
                    }
                }
                if name == "title" {
                    in_title = false;
                }
                if name == "h1" {
                    in_h1 = false;
                }
                if skip_depth.is_none() && BLOCK.contains(&name.as_str()) {
                    push_text(&mut caps, &open, "\n\n");
                }
                continue;
            }
            if name == "meta" {
                let key = attr(tag.attrs, "property")
                    .or_else(|| attr(tag.attrs, "name"))
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                let content = attr(tag.attrs, "content").filter(|c| !c.trim().is_empty());
                match (key.as_str(), content) {
                    ("og:title", Some(c)) => meta.title = c,
                    ("author" | "article:author", Some(c)) => meta.author = Some(c),
                    ("article:published_time" | "date" | "pubdate", Some(c)) => meta.date = Some(c),
                    ("og:site_name", Some(c)) => meta.site_name = Some(c),
                    _ => {}
                }
                continue;
            }
            if name == "title" && meta.title.is_empty() {
                in_title = true;
            }
            if VOID.contains(&name.as_str()) || tag.self_closing {
                if name == "br" && skip_depth.is_none() {
                    push_text(&mut caps, &open, "\n");
                }
                continue;
            }
            stack.push(name.clone());
            if skip_depth.is_none() && name != "head" && is_boilerplate(&name, tag.attrs) {
                skip_depth = Some(stack.len() - 1);
            }
            if name == "head" {
                skip_depth.get_or_insert(stack.len() - 1);
            }
            if skip_depth.is_some() {
                continue;
            }
            if name == "h1" {
                in_h1 = true;
            }
            if BLOCK.contains(&name.as_str()) {
                push_text(&mut caps, &open, "\n\n");
            }
            if let Some(level) = name.strip_prefix('h').and_then(|l| l.parse::<usize>().ok()) {
                push_text(
                    &mut caps,
                    &open,
                    &format!("{} ", "#".repeat(level.clamp(1, 6))),
                );
            }
            if name == "li" {
                push_text(&mut caps, &open, "- ");
            }
            if let Some(priority) = container_priority(&name, tag.attrs) {
                caps.push(Capture {
                    depth: stack.len(),
                    priority,
                    text: String::new(),
                });
                open.push(caps.len() - 1);
            }
        } else {
            let end = html[i..].find('<').map(|e| i + e).unwrap_or(html.len());
            let raw = &html[i..end];
            i = end;
            if in_title {
                meta.title.push_str(&decode_entities(raw));
            }
            if skip_depth.is_some() {
                continue;
            }
            let text = decode_entities(raw);
            if in_h1 {
                h1.get_or_insert_with(String::new).push_str(&text);
            }
            let collapsed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !collapsed.is_empty() {
                let lead = if text.starts_with(char::is_whitespace) {
                    " "
                } else {
                    ""
                };
                let trail = if text.ends_with(char::is_whitespace) {
                    " "
                } else {
                    ""
                };
                push_text(&mut caps, &open, &format!("{lead}{collapsed}{trail}"));
            }
        }
    }
    meta.title = meta.title.split_whitespace().collect::<Vec<_>>().join(" ");
    if meta.title.is_empty() {
        meta.title = h1.unwrap_or_default().trim().to_string();
    }
    let tidy = |t: &str| -> String {
        t.split("\n\n")
            .map(|p| {
                p.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .filter(|p| !p.is_empty() && p.trim_start_matches('#').trim() != "" && p != "-")
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    if caps.is_empty() {
        // A fragment without <body>: read it as one.
        meta.text = extract(&format!("<body>{html}</body>")).text;
        return meta;
    }
    let mut best: Option<(u8, String)> = None;
    let mut longest = String::new();
    for cap in &caps {
        let t = tidy(&cap.text);
        if cap.priority < 9
            && t.len() >= 250
            && best.as_ref().is_none_or(|(p, _)| cap.priority < *p)
        {
            best = Some((cap.priority, t.clone()));
        }
        if t.len() > longest.len() {
            longest = t;
        }
    }
    meta.text = best.map(|(_, t)| t).unwrap_or(longest);
    meta
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_article_and_drops_boilerplate() {
        let body =
            "Retrieval augmented generation grounds answers in your own documents. ".repeat(6);
        let html = format!(
            r#"<html><head><title>RAG &amp; you</title><meta name="author" content="Ada">
            <meta property="article:published_time" content="2026-01-02"><script>var x = "<p>no</p>";</script></head>
            <body><nav>Home | About</nav><div class="cookie-banner">Accept cookies</div>
            <article><h1>RAG explained</h1><p>{body}</p><div class="share-links">Share on X</div></article>
            <footer>© 2026</footer></body></html>"#
        );
        let e = extract(&html);
        assert_eq!(e.title, "RAG & you");
        assert_eq!(e.author.as_deref(), Some("Ada"));
        assert_eq!(e.date.as_deref(), Some("2026-01-02"));
        assert!(e.text.starts_with("# RAG explained"), "{}", e.text);
        assert!(e.text.contains("grounds answers"));
        for junk in ["Home", "cookies", "Share on", "©", "var x"] {
            assert!(!e.text.contains(junk), "{junk} leaked: {}", e.text);
        }
    }

    #[test]
    fn short_pages_fall_back_to_the_body_text() {
        let e = extract("<html><body><p>Just a short note.</p><p>Second line.</p></body></html>");
        assert_eq!(e.text, "Just a short note.\n\nSecond line.");
    }
}
