//! Parsers of what crawlers and feed importers read on the web: RSS 2.0 / Atom feeds, sitemaps
//! and robots.txt (RFC 9309). Files people export or download are in `exports`. Pure functions,
//! so each is tested on its own.
use quick_xml::events::Event;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct FeedItem {
    pub id: String,
    pub title: String,
    pub link: String,
    pub author: Option<String>,
    pub date: Option<String>,
    /// HTML (content:encoded / content) or plain text (description / summary).
    pub body: String,
}

/// Parse RSS 2.0 or Atom. Unknown elements are ignored; items without a link or id are kept
/// with whatever identifies them best.
pub fn parse_feed(xml: &str) -> Result<(String, Vec<FeedItem>), String> {
    let mut r = quick_xml::Reader::from_str(xml);
    let mut items = Vec::new();
    let mut feed_title = String::new();
    let mut cur: Option<FeedItem> = None;
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut saw_root = false;
    loop {
        match r
            .read_event()
            .map_err(|e| format!("not a valid feed: {e}"))?
        {
            Event::Start(e) => {
                let name = e.name().as_ref().to_ascii_lowercase();
                if matches!(name.as_str(), "rss" | "feed" | "rdf:rdf") {
                    saw_root = true;
                }
                if name == "item" || name == "entry" {
                    cur = Some(FeedItem::default());
                }
                path.push(name);
                text.clear();
            }
            Event::Empty(e) => {
                // Atom: <link rel="alternate" href="…"/>
                let name = e.name().as_ref().to_ascii_lowercase();
                if name == "link"
                    && let Some(item) = cur.as_mut()
                {
                    let mut href = None;
                    let mut rel = None;
                    for a in e.attributes().flatten() {
                        let v = super::html::decode_entities(a.value.as_ref());
                        match a.key.as_ref() {
                            "href" => href = Some(v),
                            "rel" => rel = Some(v),
                            _ => {}
                        }
                    }
                    if rel.as_deref().is_none_or(|r| r == "alternate") && item.link.is_empty() {
                        item.link = href.unwrap_or_default();
                    }
                }
            }
            Event::Text(t) => text.push_str(t.as_ref()),
            Event::GeneralRef(g) => {
                let ent = format!("&{};", g.as_ref() as &str);
                text.push_str(&super::html::decode_entities(&ent));
            }
            Event::CData(c) => text.push_str(c.as_ref()),
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                let value = std::mem::take(&mut text).trim().to_string();
                match cur.as_mut() {
                    Some(item) => match name.as_str() {
                        "title" => item.title = value,
                        "link" if !value.is_empty() => item.link = value,
                        "guid" | "id" => item.id = value,
                        "pubdate" | "published" | "updated" | "dc:date" if item.date.is_none() => {
                            item.date = Some(value)
                        }
                        "author" | "dc:creator" | "name" if !value.is_empty() => {
                            item.author.get_or_insert(value);
                        }
                        "content:encoded" | "content" => item.body = value,
                        "description" | "summary" if item.body.is_empty() => item.body = value,
                        "item" | "entry" => {
                            let mut it = cur.take().unwrap_or_default();
                            if it.id.is_empty() {
                                it.id = it.link.clone();
                            }
                            items.push(it);
                        }
                        _ => {}
                    },
                    None if name == "title" && feed_title.is_empty() => feed_title = value,
                    None => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_root {
        return Err("not an RSS or Atom feed".into());
    }
    Ok((feed_title, items))
}

/// `<loc>` values of a sitemap; the bool says whether it is a sitemap index.
pub fn parse_sitemap(xml: &str) -> (bool, Vec<String>) {
    let mut r = quick_xml::Reader::from_str(xml);
    let mut locs = Vec::new();
    let mut index = false;
    let mut in_loc = false;
    while let Ok(ev) = r.read_event() {
        match ev {
            Event::Start(e) => {
                let n = e.local_name();
                let name = n.as_ref();
                if name == "sitemapindex" {
                    index = true;
                }
                in_loc = name == "loc";
            }
            Event::Text(t) if in_loc => locs.push(t.as_ref().trim().to_string()),
            Event::End(_) => in_loc = false,
            Event::Eof => break,
            _ => {}
        }
        if locs.len() >= 50_000 {
            break;
        }
    }
    (index, locs)
}

/// robots.txt rules for one user agent: (allow, path pattern).
#[derive(Debug, Default)]
pub struct Robots {
    rules: Vec<(bool, String)>,
    pub sitemaps: Vec<String>,
    pub disallow_all: bool,
}

impl Robots {
    /// From a response status and body (RFC 9309: 4xx = no rules, 5xx = disallow all).
    pub fn from_response(status: u16, body: &str, agent: &str) -> Robots {
        if status >= 500 {
            return Robots {
                disallow_all: true,
                ..Default::default()
            };
        }
        if status >= 400 {
            return Robots::default();
        }
        let agent = agent.to_ascii_lowercase();
        let mut groups: Vec<(Vec<String>, Vec<(bool, String)>)> = Vec::new();
        let mut sitemaps = Vec::new();
        let mut last_was_agent = false;
        for line in body.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_string());
            match k.as_str() {
                "user-agent" => {
                    if !last_was_agent {
                        groups.push((Vec::new(), Vec::new()));
                    }
                    if let Some(g) = groups.last_mut() {
                        g.0.push(v.to_ascii_lowercase());
                    }
                    last_was_agent = true;
                }
                "allow" | "disallow" => {
                    last_was_agent = false;
                    if let Some(g) = groups.last_mut()
                        && !v.is_empty()
                    {
                        g.1.push((k == "allow", v));
                    }
                }
                "sitemap" => sitemaps.push(v),
                _ => last_was_agent = false,
            }
        }
        let pick = |want: &dyn Fn(&str) -> bool| -> Vec<(bool, String)> {
            groups
                .iter()
                .filter(|g| g.0.iter().any(|a| want(a)))
                .flat_map(|g| g.1.clone())
                .collect()
        };
        let mut rules = pick(&|a| a != "*" && agent.contains(a));
        if rules.is_empty() {
            rules = pick(&|a| a == "*");
        }
        Robots {
            rules,
            sitemaps,
            disallow_all: false,
        }
    }

    /// Longest matching rule wins; on a tie, Allow wins. `*` and a trailing `$` are supported.
    pub fn allowed(&self, path: &str) -> bool {
        if self.disallow_all {
            return false;
        }
        let mut best: Option<(usize, bool)> = None;
        for (allow, pat) in &self.rules {
            if pattern_matches(pat, path) {
                let len = pat.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, *allow)),
                };
            }
        }
        best.is_none_or(|(_, a)| a)
    }
}

fn pattern_matches(pat: &str, path: &str) -> bool {
    let (pat, anchored) = match pat.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pat, false),
    };
    let parts: Vec<&str> = pat.split('*').collect();
    let mut pos = 0;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            if !path.starts_with(part) {
                return false;
            }
            pos = part.len();
            continue;
        }
        match path[pos..].find(part) {
            Some(at) => pos += at + part.len(),
            None => return false,
        }
    }
    !anchored || pos == path.len() || (parts.len() > 1 && parts.last() == Some(&""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_and_atom_items_are_read() {
        let rss = r#"<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
          <channel><title>My Pub</title><item><title>First &amp; best</title><link>https://x.test/p/1</link><guid>g1</guid>
          <dc:creator>Ada</dc:creator><pubDate>Mon, 01 Jan 2026 10:00:00 GMT</pubDate><description>short</description>
          <content:encoded><![CDATA[<p>Full <b>text</b></p>]]></content:encoded></item></channel></rss>"#;
        let (title, items) = parse_feed(rss).unwrap();
        assert_eq!(title, "My Pub");
        assert_eq!(items[0].title, "First & best");
        assert_eq!(items[0].id, "g1");
        assert_eq!(items[0].author.as_deref(), Some("Ada"));
        assert_eq!(items[0].body, "<p>Full <b>text</b></p>");
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><title>E</title>
          <link rel="alternate" href="https://x.test/e"/><id>urn:e</id><updated>2026-01-01T00:00:00Z</updated>
          <summary>Sum</summary></entry></feed>"#;
        let (_, items) = parse_feed(atom).unwrap();
        assert_eq!(
            (
                items[0].link.as_str(),
                items[0].id.as_str(),
                items[0].body.as_str()
            ),
            ("https://x.test/e", "urn:e", "Sum")
        );
        assert!(parse_feed("<html><body>no</body></html>").is_err());
    }

    #[test]
    fn robots_longest_match_wins_and_allow_wins_ties() {
        let r = Robots::from_response(
            200,
            "User-agent: *\nDisallow: /private\nAllow: /private/public\nDisallow: /*.pdf$\nSitemap: https://x.test/s.xml",
            "neuromancer",
        );
        assert!(!r.allowed("/private/x"));
        assert!(r.allowed("/private/public/y"));
        assert!(!r.allowed("/docs/a.pdf"));
        assert!(r.allowed("/docs/a.pdf.html"));
        assert_eq!(r.sitemaps, vec!["https://x.test/s.xml"]);
        let tie = Robots::from_response(200, "User-agent: *\nDisallow: /a\nAllow: /a", "x");
        assert!(tie.allowed("/a"));
        assert!(Robots::from_response(404, "", "x").allowed("/anything"));
        assert!(!Robots::from_response(503, "", "x").allowed("/"));
    }
}
