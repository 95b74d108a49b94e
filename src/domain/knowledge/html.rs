//! The one HTML path of the importers. Bytes are decoded in the charset a BOM, the response's
//! Content-Type or the page's `<meta>` names (WHATWG labels through encoding_rs, so
//! windows-1252 and ISO-8859-1 pages read right), parsed by html5ever as a browser parses them
//! (every character reference, implied tags, error recovery), then read from the DOM: main text
//! (`main_text`), metadata from `<title>`/`<meta>`/`<h1>`, links from `<a href>`, advertised
//! feeds from `<link rel=alternate>` and, for the design-system reader, the page's CSS.
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use scraper::{Html, Selector};

pub use super::entities::decode_entities;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Extracted {
    pub title: String,
    pub author: Option<String>,
    pub date: Option<String>,
    pub site_name: Option<String>,
    pub text: String,
}

/// How far into the bytes a `<meta charset>` is looked for (browsers read at least 1024).
const PRESCAN: usize = 4096;

/// A built-in selector. Compiled where used (microseconds, next to parsing a page) rather than
/// held in a process-wide static.
fn sel(css: &str) -> Selector {
    Selector::parse(css).expect("a valid built-in selector")
}

/// The text of an HTML document in bytes, decoded by (in order) its BOM, the `charset` of the
/// response's Content-Type, its `<meta charset>` / `<meta http-equiv=content-type>`, and
/// otherwise UTF-8 when the bytes are valid UTF-8, windows-1252 when not.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> String {
    let declared = Encoding::for_bom(bytes)
        .map(|(e, _)| e)
        .or_else(|| content_type.and_then(charset_of))
        // A page cannot be UTF-16 by its own declaration (it was read as ASCII to find it).
        .or_else(|| meta_charset(bytes).map(Encoding::output_encoding));
    let enc = declared.unwrap_or(if std::str::from_utf8(bytes).is_ok() {
        UTF_8
    } else {
        WINDOWS_1252
    });
    enc.decode(bytes).0.into_owned()
}

/// The encoding a `type/subtype; charset=…` value names.
fn charset_of(content_type: &str) -> Option<&'static Encoding> {
    let m: mime::Mime = content_type.trim().parse().ok()?;
    Encoding::for_label(m.get_param(mime::CHARSET)?.as_str().as_bytes())
}

/// The charset declared by a `<meta>` near the top of the page, read by the same parser.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(PRESCAN)];
    // Every charset label is ASCII, which windows-1252 keeps as it is.
    let (text, _) = WINDOWS_1252.decode_without_bom_handling(head);
    let doc = Html::parse_document(&text);
    doc.select(&sel("meta")).find_map(|m| {
        if let Some(label) = m.attr("charset") {
            return Encoding::for_label(label.trim().as_bytes());
        }
        m.attr("http-equiv")
            .filter(|h| h.trim().eq_ignore_ascii_case("content-type"))
            .and(m.attr("content"))
            .and_then(charset_of)
    })
}

/// A parsed page.
pub struct Page(Html);

impl Page {
    pub fn parse(text: &str) -> Page {
        Page(Html::parse_document(text))
    }

    /// Decode (see [`decode`]) and parse.
    pub fn from_bytes(bytes: &[u8], content_type: Option<&str>) -> Page {
        Page::parse(&decode(bytes, content_type))
    }

    /// The page's own base URL: its `<base href>` resolved against where it was fetched.
    fn base(&self, url: &str) -> Option<url::Url> {
        let fetched = url::Url::parse(url).ok()?;
        match self
            .0
            .select(&sel("base[href]"))
            .next()
            .and_then(|b| b.attr("href"))
        {
            Some(href) => fetched.join(href.trim()).ok().or(Some(fetched)),
            None => Some(fetched),
        }
    }

    /// The http(s) targets of `<a href>` / `<area href>`, resolved against the page, without
    /// fragments, each once, in document order.
    pub fn links(&self, url: &str) -> Vec<String> {
        let Some(base) = self.base(url) else {
            return Vec::new();
        };
        let mut seen = std::collections::HashSet::new();
        self.0
            .select(&sel("a[href], area[href]"))
            .filter_map(|a| base.join(a.attr("href")?.trim()).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .map(|mut u| {
                u.set_fragment(None);
                String::from(u)
            })
            .filter(|u| seen.insert(u.clone()))
            .collect()
    }

    /// The feed the page advertises (`<link rel="alternate" type="application/rss+xml">`, Atom
    /// or JSON Feed), resolved against the page.
    pub fn feed_link(&self, url: &str) -> Option<String> {
        let base = self.base(url)?;
        self.0
            .select(&sel("link[rel~=alternate][href]"))
            .filter(|l| {
                l.attr("type").is_some_and(|t| {
                    let t = t.trim().to_ascii_lowercase();
                    t == "application/rss+xml"
                        || t == "application/atom+xml"
                        || t == "application/feed+json"
                })
            })
            .find_map(|l| base.join(l.attr("href")?.trim()).ok())
            .map(String::from)
    }

    /// Linked stylesheets (`<link rel="stylesheet" href>`), resolved against the page.
    pub fn stylesheets(&self, url: &str) -> Vec<String> {
        let Some(base) = self.base(url) else {
            return Vec::new();
        };
        self.0
            .select(&sel("link[rel~=stylesheet][href]"))
            .filter_map(|l| base.join(l.attr("href")?.trim()).ok())
            .map(String::from)
            .collect()
    }

    /// The page's own CSS as one sheet: its `<style>` blocks, then each `style=""` attribute
    /// as a rule of its own (`x{…}`).
    pub fn inline_css(&self) -> String {
        let mut out = String::new();
        for block in self.0.select(&sel("style")) {
            out.extend(block.text());
            out.push('\n');
        }
        for el in self.0.select(&sel("[style]")) {
            out.push_str("x{");
            out.push_str(el.attr("style").unwrap_or_default());
            out.push_str("}\n");
        }
        out
    }

    /// Main text and metadata.
    pub fn extract(&self) -> Extracted {
        let mut meta = Extracted::default();
        for m in self.0.select(&sel("meta")) {
            let key = m
                .attr("property")
                .or_else(|| m.attr("name"))
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            let Some(content) = m.attr("content").map(str::trim).filter(|c| !c.is_empty()) else {
                continue;
            };
            let content = content.to_string();
            match key.as_str() {
                "og:title" => meta.title = content,
                "author" | "article:author" => meta.author = Some(content),
                "article:published_time" | "date" | "pubdate" => meta.date = Some(content),
                "og:site_name" => meta.site_name = Some(content),
                _ => {}
            }
        }
        let first_text = |sel: &Selector| {
            self.0
                .select(sel)
                .next()
                .map(|e| collapse(&e.text().collect::<String>()))
                .unwrap_or_default()
        };
        if meta.title.is_empty() {
            meta.title = first_text(&sel("title"));
        }
        if meta.title.is_empty() {
            meta.title = first_text(&sel("h1"));
        }
        meta.text = super::main_text::read(self.0.root_element());
        meta
    }
}

/// Main text and metadata of an HTML document or fragment (a feed item's content).
pub fn extract(html: &str) -> Extracted {
    Page::parse(html).extract()
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_charset_comes_from_the_header_the_meta_or_the_bytes() {
        let page =
            b"<html><head><meta charset=\"windows-1252\"></head><body>M\xfcnchen</body></html>";
        assert!(decode(page, None).contains("München"));
        let equiv =
            b"<meta http-equiv=Content-Type content='text/html; charset=ISO-8859-1'>Gr\xfc\xdfe";
        assert!(decode(equiv, None).ends_with("Grüße"));
        assert!(decode(b"Gr\xfc\xdfe", Some("text/html; charset=latin1")).ends_with("Grüße"));
        assert_eq!(decode("Grüße".as_bytes(), None), "Grüße");
        assert_eq!(decode(b"Gr\xfc\xdfe", None), "Grüße");
    }

    #[test]
    fn links_come_from_the_dom_resolved_without_fragments() {
        let page = Page::parse(
            "<base href='/docs/'><a href='a?x=1&amp;y=2#top'>a</a> <A HREF=\"../b\">b</A>\
             <a href='mailto:x@y.z'>m</a><a href='a?x=1&amp;y=2'>again</a>\
             <link rel='alternate' type='application/atom+xml' href='feed.atom'>",
        );
        assert_eq!(
            page.links("https://x.test/start/page"),
            vec!["https://x.test/docs/a?x=1&y=2", "https://x.test/b"]
        );
        assert_eq!(
            page.feed_link("https://x.test/start/page").as_deref(),
            Some("https://x.test/docs/feed.atom")
        );
    }

    #[test]
    fn stylesheets_and_inline_css_are_read_from_the_dom() {
        let page = Page::parse(
            "<link rel='stylesheet' href='/css/site.css?v=1&amp;m=2'><link rel=icon href=x.ico>\
             <style>body{color:#112233}</style><p style='margin: 4px'>x</p>",
        );
        assert_eq!(
            page.stylesheets("https://x.test/a/"),
            vec!["https://x.test/css/site.css?v=1&m=2"]
        );
        assert_eq!(page.inline_css(), "body{color:#112233}\nx{margin: 4px}\n");
    }
}
