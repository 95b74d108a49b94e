//! HTML character references decoded to text by html5ever's own tokenizer, so every named
//! reference of the HTML standard, numeric ones and the legacy forms browsers accept (`&eacute`
//! without `;`, `&#150;` as windows-1252) decode as a browser would. Used where text arrives
//! escaped outside a page: captions, transcripts, stylesheet links, DOCX text.
use html5ever::tokenizer::{
    BufferQueue, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts, states,
};
use std::cell::RefCell;

/// Collects the characters the tokenizer emits.
struct Text(RefCell<String>);

impl TokenSink for Text {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if let Token::CharacterTokens(t) = token {
            self.0.borrow_mut().push_str(&t);
        }
        TokenSinkResult::Continue
    }
}

/// Decode the character references of `s`; unknown ones are kept as written.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    // RCDATA is how a browser reads the inside of <textarea> and <title>: character
    // references are decoded and `<` is plain text, which is exactly "text that was escaped".
    let tok = Tokenizer::new(
        Text(RefCell::new(String::with_capacity(s.len()))),
        TokenizerOpts {
            initial_state: Some(states::RawData(states::Rcdata)),
            discard_bom: false,
            ..Default::default()
        },
    );
    let input = BufferQueue::default();
    input.push_back(s.into());
    let _ = tok.feed(&input);
    tok.end();
    tok.sink.0.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_numeric_and_legacy_references_decode_as_in_a_browser() {
        assert_eq!(
            decode_entities("Caf&eacute; in Z&uuml;rich: cr&egrave;me br&ucirc;l&eacute;e"),
            "Café in Zürich: crème brûlée"
        );
        assert_eq!(decode_entities("&#8217;&#x2014;&amp;&lt;b&gt;"), "’—&<b>");
        assert_eq!(decode_entities("&eacute &copy 2026"), "é © 2026");
        assert_eq!(decode_entities("&#150;"), "–");
        assert_eq!(decode_entities("a &unknown; b & c"), "a &unknown; b & c");
        assert_eq!(decode_entities("<p>kept</p>"), "<p>kept</p>");
    }
}
