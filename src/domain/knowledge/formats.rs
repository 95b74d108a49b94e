//! Sitemaps (`<urlset>` / `<sitemapindex>`), the one web format the crawler reads by itself:
//! feeds are feed-rs's, robots.txt is texting_robots's, pages are `html`'s. Files people
//! export or download are in `exports`.
use quick_xml::events::Event;

/// `<loc>` values of a sitemap; the bool says whether it is a sitemap index.
pub fn parse_sitemap(xml: &str) -> (bool, Vec<String>) {
    let mut r = quick_xml::Reader::from_str(xml);
    let mut locs = Vec::new();
    let mut index = false;
    let mut loc: Option<String> = None;
    while let Ok(ev) = r.read_event() {
        match ev {
            Event::Start(e) => {
                let n = e.local_name();
                let name = n.as_ref();
                if name == "sitemapindex" {
                    index = true;
                }
                loc = (name == "loc").then(String::new);
            }
            Event::Text(t) => {
                if let Some(l) = loc.as_mut() {
                    l.push_str(t.as_ref());
                }
            }
            // `&amp;` in a URL arrives as its own event.
            Event::GeneralRef(g) => {
                if let Some(l) = loc.as_mut() {
                    l.push_str(&super::html::decode_entities(&format!(
                        "&{};",
                        g.as_ref() as &str
                    )));
                }
            }
            Event::End(_) => {
                if let Some(l) = loc.take() {
                    locs.push(l.trim().to_string());
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if locs.len() >= 50_000 {
            break;
        }
    }
    (index, locs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemaps_and_sitemap_indexes_list_their_locations() {
        let set = r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
          <url><loc> https://x.test/a </loc></url><url><loc>https://x.test/b?p=1&amp;q=2</loc></url></urlset>"#;
        assert_eq!(
            parse_sitemap(set),
            (
                false,
                vec!["https://x.test/a".into(), "https://x.test/b?p=1&q=2".into()]
            )
        );
        let index =
            r#"<sitemapindex><sitemap><loc>https://x.test/s1.xml</loc></sitemap></sitemapindex>"#;
        assert_eq!(
            parse_sitemap(index),
            (true, vec!["https://x.test/s1.xml".into()])
        );
    }
}
