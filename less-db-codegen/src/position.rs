//! A small pass over already-validated JSON text that records where every value
//! starts, keyed by its JSON path, and finds keys repeated in one object (which
//! `serde_json` silently collapses).

use std::collections::HashMap;

use crate::path::JsonPath;

/// Positions of the values of a JSON document: `path -> (line, column)`, both 1-based.
/// For a member of an object the position is the one of its key.
#[derive(Debug, Default)]
pub struct Positions {
    map: HashMap<String, (usize, usize)>,
    /// The first key that appears twice in one object: its path and position.
    pub duplicate: Option<(JsonPath, (usize, usize))>,
}

impl Positions {
    /// Scans `text`. Malformed input stops the scan early; the positions found so far
    /// are kept (the syntax error itself comes from `serde_json`).
    pub fn scan(text: &str) -> Self {
        let mut scanner = Scanner {
            chars: text.chars().collect(),
            at: 0,
            line: 1,
            col: 1,
            out: Positions::default(),
        };
        scanner.skip_ws();
        let start = scanner.pos();
        scanner.value(&mut JsonPath::root(), start, 0);
        scanner.out
    }

    /// The position of `path`, or of its nearest ancestor that has one.
    pub fn find(&self, path: &JsonPath) -> Option<(usize, usize)> {
        let mut p = path.clone();
        loop {
            if let Some(pos) = self.map.get(&p.to_string()) {
                return Some(*pos);
            }
            if !p.pop() {
                return None;
            }
        }
    }
}

/// Deeper nesting than this is not scanned (positions stay unknown there); it keeps a
/// hostile file from exhausting the stack.
const MAX_DEPTH: usize = 128;

struct Scanner {
    chars: Vec<char>,
    at: usize,
    line: usize,
    col: usize,
    out: Positions,
}

impl Scanner {
    fn pos(&self) -> (usize, usize) {
        (self.line, self.col)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    /// Records `path` at `pos` and scans the value that starts here.
    fn value(&mut self, path: &mut JsonPath, pos: (usize, usize), depth: usize) -> Option<()> {
        self.out.map.entry(path.to_string()).or_insert(pos);
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            '{' => self.object(path, depth),
            '[' => self.array(path, depth),
            '"' => self.string().map(drop),
            _ => {
                while self
                    .peek()
                    .is_some_and(|c| !matches!(c, ',' | '}' | ']') && !c.is_whitespace())
                {
                    self.bump();
                }
                Some(())
            }
        }
    }

    fn object(&mut self, path: &mut JsonPath, depth: usize) -> Option<()> {
        self.bump();
        let mut seen = std::collections::HashSet::new();
        loop {
            self.skip_ws();
            match self.peek()? {
                '}' => {
                    self.bump();
                    return Some(());
                }
                ',' => {
                    self.bump();
                    continue;
                }
                _ => {}
            }
            let key_pos = self.pos();
            let key = self.string()?;
            self.skip_ws();
            if self.bump()? != ':' {
                return None;
            }
            self.skip_ws();
            path.push_key(&key);
            if !seen.insert(key) && self.out.duplicate.is_none() {
                self.out.duplicate = Some((path.clone(), key_pos));
            }
            let done = self.value(path, key_pos, depth + 1);
            path.pop();
            done?;
        }
    }

    fn array(&mut self, path: &mut JsonPath, depth: usize) -> Option<()> {
        self.bump();
        let mut index = 0;
        loop {
            self.skip_ws();
            match self.peek()? {
                ']' => {
                    self.bump();
                    return Some(());
                }
                ',' => {
                    self.bump();
                    continue;
                }
                _ => {}
            }
            path.push_index(index);
            let pos = self.pos();
            let done = self.value(path, pos, depth + 1);
            path.pop();
            done?;
            index += 1;
        }
    }

    /// A string literal, decoded enough to compare keys (escapes resolved).
    fn string(&mut self) -> Option<String> {
        if self.bump()? != '"' {
            return None;
        }
        let mut raw = String::from('"');
        loop {
            let c = self.bump()?;
            raw.push(c);
            match c {
                '"' => break,
                '\\' => raw.push(self.bump()?),
                _ => {}
            }
        }
        serde_json::from_str(&raw).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_key_positions_and_array_items() {
        let text = "{\n  \"a\": [1,\n    {\"b\": true}]\n}";
        let pos = Positions::scan(text);
        let mut p = JsonPath::root();
        p.push_key("a");
        assert_eq!(pos.find(&p), Some((2, 3)));
        p.push_index(1);
        assert_eq!(pos.find(&p), Some((3, 5)));
        p.push_key("b");
        assert_eq!(pos.find(&p), Some((3, 6)));
        p.push_key("missing");
        assert_eq!(pos.find(&p), Some((3, 6)));
        assert!(pos.duplicate.is_none());
    }

    #[test]
    fn finds_repeated_keys_even_when_escaped() {
        let pos = Positions::scan("{\"x\": {\"k\": 1, \"\\u006b\": 2}}");
        let (path, at) = pos.duplicate.unwrap();
        assert_eq!(path.to_string(), "$.x.k");
        assert_eq!(at, (1, 16));
    }

    #[test]
    fn malformed_or_deep_input_does_not_panic() {
        for text in ["", "{", "{\"a\"", "[[[[", "{\"a\": \"\\", "\"", "}"] {
            let _ = Positions::scan(text);
        }
        let deep = "[".repeat(10_000);
        let _ = Positions::scan(&deep);
    }
}
