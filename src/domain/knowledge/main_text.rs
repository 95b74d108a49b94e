//! Main text of a parsed page in the style of trafilatura: script/style/nav/footer and
//! boilerplate containers (class/id naming footers, sharing, sidebars, cookie banners,
//! comments…) dropped, the article container preferred (`itemprop=articleBody`,
//! post-content/entry-content/article-body, `<article>`, `<main>`) with the whole body as the
//! fallback when that holds under 250 characters; headings become markdown `#` lines so the
//! chunker can cut at them.
use scraper::{ElementRef, Node};

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
    "hr",
    "dd",
    "dt",
    "figure",
    "figcaption",
    "body",
];
/// Main text shorter than this means the container was not the article.
const MIN_ARTICLE: usize = 250;
/// The readable main text under `root` (the document's `<html>`).
pub fn read(root: ElementRef) -> String {
    let mut w = Walk::default();
    w.children(root);
    w.main_text()
}

/// The page's readable text in one buffer; each candidate container is a span of it.
#[derive(Default)]
struct Walk {
    text: String,
    /// (priority, start, end) in document order; lower priority is a better container.
    caps: Vec<(u8, usize, usize)>,
}

impl Walk {
    fn children(&mut self, el: ElementRef) {
        for child in el.children() {
            match child.value() {
                Node::Text(t) => self.push_text(t),
                Node::Element(_) => {
                    if let Some(e) = ElementRef::wrap(child) {
                        self.element(e);
                    }
                }
                _ => {}
            }
        }
    }

    fn element(&mut self, el: ElementRef) {
        let e = el.value();
        let name = e.name();
        if is_boilerplate(e) {
            return;
        }
        if name == "br" {
            self.text.push('\n');
            return;
        }
        let block = BLOCK.contains(&name);
        if block {
            self.text.push_str("\n\n");
        }
        if let Some(level) = heading_level(name) {
            self.text.push_str(&"#".repeat(level));
            self.text.push(' ');
        }
        if name == "li" {
            self.text.push_str("- ");
        }
        let cap = container_priority(e).map(|p| {
            self.caps.push((p, self.text.len(), self.text.len()));
            self.caps.len() - 1
        });
        self.children(el);
        if let Some(i) = cap {
            self.caps[i].2 = self.text.len();
        }
        if block {
            self.text.push_str("\n\n");
        }
    }

    /// Whitespace collapsed as a browser renders it: runs become one space, and soft hyphens
    /// (`&shy;`, invisible unless a line breaks there) do not split words.
    fn push_text(&mut self, raw: &str) {
        let unhyphenated;
        let raw = if raw.contains('\u{ad}') {
            unhyphenated = raw.replace('\u{ad}', "");
            unhyphenated.as_str()
        } else {
            raw
        };
        let space_before = self.text.is_empty() || self.text.ends_with(char::is_whitespace);
        let mut words = raw.split_whitespace();
        let Some(first) = words.next() else {
            if !raw.is_empty() && !space_before {
                self.text.push(' ');
            }
            return;
        };
        if raw.starts_with(char::is_whitespace) && !space_before {
            self.text.push(' ');
        }
        self.text.push_str(first);
        for w in words {
            self.text.push(' ');
            self.text.push_str(w);
        }
        if raw.ends_with(char::is_whitespace) {
            self.text.push(' ');
        }
    }

    /// The best container holding enough text, else the whole readable text.
    fn main_text(&self) -> String {
        let mut order: Vec<&(u8, usize, usize)> = self.caps.iter().filter(|c| c.0 < 9).collect();
        order.sort_by_key(|c| c.0);
        order
            .into_iter()
            .map(|&(_, s, e)| tidy(&self.text[s..e]))
            .find(|t| t.len() >= MIN_ARTICLE)
            .unwrap_or_else(|| tidy(&self.text))
    }
}

fn heading_level(name: &str) -> Option<usize> {
    match name.as_bytes() {
        [b'h', d @ b'1'..=b'6'] => Some(usize::from(d - b'0')),
        _ => None,
    }
}

/// Paragraphs without empty lines, list dashes or heading marks alone.
fn tidy(t: &str) -> String {
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
}

fn class_and_id(e: &scraper::node::Element) -> String {
    format!(
        "{} {}",
        e.attr("class").unwrap_or_default(),
        e.id().unwrap_or_default()
    )
    .to_ascii_lowercase()
}

fn container_priority(e: &scraper::node::Element) -> Option<u8> {
    if e.attr("itemprop")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("articleBody"))
    {
        return Some(0);
    }
    let class = class_and_id(e);
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
    match e.name() {
        "article" => Some(2),
        "main" => Some(3),
        _ if class.contains("story") || class.split_whitespace().any(|c| c == "content") => Some(4),
        "body" => Some(9),
        _ => None,
    }
}

fn is_boilerplate(e: &scraper::node::Element) -> bool {
    if SKIP_TAGS.contains(&e.name())
        || e.attr("hidden").is_some()
        || e.attr("aria-hidden").is_some_and(|v| v.trim() == "true")
    {
        return true;
    }
    // Whole-token matches only, so "menu-free-article" in a body class does not hide it.
    class_and_id(e)
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .any(|tok| BOILERPLATE.contains(&tok))
}

#[cfg(test)]
mod tests {
    use super::super::html::extract;

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
        let frag = extract("<p>Na&iuml;ve <b>bold</b> <i>words</i></p>");
        assert_eq!(frag.text, "Naïve bold words");
    }
}
