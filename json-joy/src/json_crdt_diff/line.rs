//! Line diff of json-joy's `util/diff/line`: the lines are joined with `\n`, diffed as
//! text, and the character edits are regrouped into per-line operations. The array
//! diff runs it over one structural hash per element.

use std::borrow::Cow;

use super::text::{self, Edit, Kind};

/// What happens to one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineOp {
    Eql,
    Del,
    Ins,
    /// The line changed in place: source line `src` became destination line `dst`.
    Mix,
}

/// One line operation with its source and destination positions (-1: none yet).
pub type Line = (LineOp, isize, isize);

/// A piece of a line: borrowed from the character patch until a merge has to copy.
type Seg<'a> = (Kind, Cow<'a, [u8]>);

/// Drops empty pieces and merges neighbours of the same kind, in place.
fn normalize(line: &mut Vec<Seg<'_>>) {
    if line.len() < 2 && line.first().is_none_or(|s| !s.1.is_empty()) {
        return;
    }
    let mut out: Vec<Seg<'_>> = Vec::with_capacity(line.len());
    for op in line.drain(..) {
        if op.1.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.0 == op.0 => last.1.to_mut().extend_from_slice(&op.1),
            _ => out.push(op),
        }
    }
    *line = out;
}

fn push<'a>(line: &mut Vec<Seg<'a>>, kind: Kind, s: &'a [u8]) {
    if s.is_empty() {
        return;
    }
    if let Some(last) = line.last_mut()
        && last.0 == kind
    {
        last.1.to_mut().extend_from_slice(s);
        return;
    }
    line.push((kind, Cow::Borrowed(s)));
}

fn concat<'a>(a: &[u8], b: &[u8]) -> Cow<'a, [u8]> {
    let mut v = Vec::with_capacity(a.len() + b.len());
    v.extend_from_slice(a);
    v.extend_from_slice(b);
    Cow::Owned(v)
}

fn find_nl(s: &[u8], from: usize) -> Option<usize> {
    s.get(from..)?
        .iter()
        .position(|&c| c == b'\n')
        .map(|i| i + from)
}

/// JS `line.agg`: splits a character patch into lines, then moves line starts and
/// ends the way JS does so that whole lines come out as equal, inserted or deleted.
fn agg(patch: &[Edit<u8>]) -> Vec<Vec<Seg<'_>>> {
    let mut lines: Vec<Vec<Seg<'_>>> = Vec::new();
    let mut line: Vec<Seg<'_>> = Vec::new();
    for (kind, s) in patch {
        let Some(index) = find_nl(s, 0) else {
            push(&mut line, *kind, s);
            continue;
        };
        push(&mut line, *kind, &s[..=index]);
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut prev = index;
        while prev < s.len() {
            match find_nl(s, prev + 1) {
                None => {
                    push(&mut line, *kind, &s[prev + 1..]);
                    break;
                }
                Some(next) => {
                    lines.push(vec![(*kind, Cow::Borrowed(&s[prev + 1..=next]))]);
                    prev = next;
                }
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    let length = lines.len();
    for i in 0..length {
        normalize(&mut lines[i]);
        normalize_line_start(&mut lines, i);
        normalize_line_end(&mut lines, i);
    }
    lines
}

fn normalize_line_start(lines: &mut [Vec<Seg<'_>>], i: usize) {
    let line_len = lines[i].len();
    if line_len < 2 {
        return;
    }
    let second_type = lines[i][1].0;
    if lines[i][0].0 != Kind::Eql || second_type == Kind::Eql {
        return;
    }
    if lines[i][2..].iter().any(|op| op.0 != second_type) {
        return;
    }
    for j in i + 1..lines.len() {
        normalize(&mut lines[j]);
        let target = &lines[j];
        if target.len() > 1
            && target[0].0 == second_type
            && target[1].0 == Kind::Eql
            && target[0].1 == lines[i][0].1
        {
            let pfx = lines[i].remove(0).1;
            lines[i][0].1 = concat(&pfx, &lines[i][0].1);
            lines[j][1].1 = concat(&pfx, &lines[j][1].1);
            lines[j].remove(0);
            return;
        }
        if target.iter().any(|op| op.0 != second_type) {
            return;
        }
    }
}

fn normalize_line_end(lines: &mut [Vec<Seg<'_>>], i: usize) {
    if lines[i].len() < 2 {
        return;
    }
    let Some(last) = lines[i].last() else {
        return;
    };
    if last.0 != Kind::Del {
        return;
    }
    let last_str = last.1.clone();
    for j in i + 1..lines.len() {
        normalize(&mut lines[j]);
        let tl = lines[j].len();
        let target_idx;
        if tl == 0 {
            continue;
        }
        if tl == 1 {
            if lines[j][0].0 == Kind::Del {
                continue;
            }
            if lines[j][0].0 != Kind::Eql {
                return;
            }
            target_idx = 0;
        } else {
            target_idx = 1;
            if tl > 2 || lines[j][0].0 != Kind::Del {
                return;
            }
        }
        let target_type = lines[j][target_idx].0;
        if target_type == Kind::Del {
            continue;
        }
        if target_type != Kind::Eql {
            return;
        }
        let move_str = lines[j][target_idx].1.clone();
        if move_str.len() > last_str.len() || !last_str.ends_with(&move_str) {
            return;
        }
        let idx = last_str.len() - move_str.len();
        let li = lines[i].len() - 1;
        lines[i][li].1.to_mut().truncate(idx);
        lines[i].push((Kind::Eql, move_str));
        lines[j][target_idx].0 = Kind::Del;
        normalize(&mut lines[i]);
        normalize(&mut lines[j]);
        return;
    }
}

/// Lines joined with a `\n` after each, and where each line ends in the text.
#[derive(Debug, Default, Clone)]
pub struct Joined {
    pub text: String,
    /// End offset (exclusive, before its `\n`) of each line.
    pub ends: Vec<usize>,
}

impl Joined {
    /// Appends one line; `write` writes its text (which must hold no `\n`).
    pub fn push_with(&mut self, write: impl FnOnce(&mut String)) {
        write(&mut self.text);
        self.ends.push(self.text.len());
        self.text.push('\n');
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn line(&self, i: isize) -> Option<&[u8]> {
        let i = usize::try_from(i).ok()?;
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] + 1 };
        self.text.as_bytes().get(start..end)
    }
}

/// JS `line.diff` over lines that contain no `\n`.
pub fn diff(src: &[String], dst: &[String]) -> Vec<Line> {
    let join = |v: &[String]| {
        let mut j = Joined::default();
        for s in v {
            j.push_with(|t| t.push_str(s));
        }
        j
    };
    diff_joined(&join(src), &join(dst))
}

/// JS `line.diff` over joined lines.
pub fn diff_joined(src: &Joined, dst: &Joined) -> Vec<Line> {
    if dst.is_empty() {
        return (0..src.len())
            .map(|i| (LineOp::Del, i as isize, -1))
            .collect();
    }
    if src.is_empty() {
        return (0..dst.len())
            .map(|i| (LineOp::Ins, -1, i as isize))
            .collect();
    }
    let (src_txt, dst_txt) = (src.text.as_bytes(), dst.text.as_bytes());
    if src_txt == dst_txt {
        return Vec::new();
    }
    let patch = text::diff(src_txt, dst_txt);
    let lines = agg(&patch);
    let mut out = Vec::new();
    let (mut si, mut di) = (-1isize, -1isize);
    let (slen, dlen) = (src.len() as isize, dst.len() as isize);
    let length = lines.len();
    for (i, mut line) in lines.into_iter().enumerate() {
        if line.is_empty() {
            continue;
        }
        let last_idx = line.len() - 1;
        let last_type = line[last_idx].0;
        let txt = &line[last_idx].1;
        // JS also drops the trailing `\n` from a longer piece; only the pieces' kinds
        // are read below, so that piece is left as it is.
        if txt.as_ref() == b"\n" {
            line.remove(last_idx);
        }
        let mut ty = LineOp::Eql;
        if line.is_empty() {
            match last_type {
                Kind::Eql => {
                    si += 1;
                    di += 1;
                }
                Kind::Ins => {
                    ty = LineOp::Ins;
                    di += 1;
                }
                Kind::Del => {
                    ty = LineOp::Del;
                    si += 1;
                }
            }
        } else if i + 1 == length {
            if si + 1 < slen {
                if di + 1 < dlen {
                    ty = if line.len() == 1 && line[0].0 == Kind::Eql {
                        LineOp::Eql
                    } else {
                        LineOp::Mix
                    };
                    si += 1;
                    di += 1;
                } else {
                    ty = LineOp::Del;
                    si += 1;
                }
            } else {
                ty = LineOp::Ins;
                di += 1;
            }
        } else if line.len() == 1 && line[0].0 == last_type && last_type == Kind::Eql {
            si += 1;
            di += 1;
        } else if last_type == Kind::Eql {
            ty = LineOp::Mix;
            si += 1;
            di += 1;
        } else if last_type == Kind::Ins {
            ty = LineOp::Ins;
            di += 1;
        } else {
            ty = LineOp::Del;
            si += 1;
        }
        if ty == LineOp::Eql && src.line(si) != dst.line(di) {
            ty = LineOp::Mix;
        }
        out.push((ty, si, di));
    }
    out
}
