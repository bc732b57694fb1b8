//! Line diff of json-joy's `util/diff/line`: the lines are joined with `\n`, diffed as
//! text, and the character edits are regrouped into per-line operations. The array
//! diff runs it over one structural hash per element.

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

fn normalize(patch: Vec<Edit<u8>>) -> Vec<Edit<u8>> {
    let mut out: Vec<Edit<u8>> = Vec::with_capacity(patch.len());
    for op in patch {
        if op.1.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.0 == op.0 => last.1.extend_from_slice(&op.1),
            _ => out.push(op),
        }
    }
    out
}

fn push(line: &mut Vec<Edit<u8>>, kind: Kind, s: &[u8]) {
    if s.is_empty() {
        return;
    }
    if let Some(last) = line.last_mut()
        && last.0 == kind
    {
        last.1.extend_from_slice(s);
        return;
    }
    line.push((kind, s.to_vec()));
}

fn find_nl(s: &[u8], from: usize) -> Option<usize> {
    s.get(from..)?
        .iter()
        .position(|&c| c == b'\n')
        .map(|i| i + from)
}

/// JS `line.agg`: splits a character patch into lines, then moves line starts and
/// ends the way JS does so that whole lines come out as equal, inserted or deleted.
fn agg(patch: &[Edit<u8>]) -> Vec<Vec<Edit<u8>>> {
    let mut lines: Vec<Vec<Edit<u8>>> = Vec::new();
    let mut line: Vec<Edit<u8>> = Vec::new();
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
                    lines.push(vec![(*kind, s[prev + 1..=next].to_vec())]);
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
        lines[i] = normalize(std::mem::take(&mut lines[i]));
        normalize_line_start(&mut lines, i);
        normalize_line_end(&mut lines, i);
    }
    lines
}

fn normalize_line_start(lines: &mut [Vec<Edit<u8>>], i: usize) {
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
        lines[j] = normalize(std::mem::take(&mut lines[j]));
        let target = &lines[j];
        if target.len() > 1
            && target[0].0 == second_type
            && target[1].0 == Kind::Eql
            && target[0].1 == lines[i][0].1
        {
            let pfx = lines[i].remove(0).1;
            let mut s = pfx.clone();
            s.extend_from_slice(&lines[i][0].1);
            lines[i][0].1 = s;
            let mut t = pfx;
            t.extend_from_slice(&lines[j][1].1);
            lines[j][1].1 = t;
            lines[j].remove(0);
            return;
        }
        if target.iter().any(|op| op.0 != second_type) {
            return;
        }
    }
}

fn normalize_line_end(lines: &mut [Vec<Edit<u8>>], i: usize) {
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
        lines[j] = normalize(std::mem::take(&mut lines[j]));
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
        lines[i][li].1.truncate(idx);
        lines[i].push((Kind::Eql, move_str));
        lines[j][target_idx].0 = Kind::Del;
        lines[i] = normalize(std::mem::take(&mut lines[i]));
        lines[j] = normalize(std::mem::take(&mut lines[j]));
        return;
    }
}

/// JS `line.diff` over lines that contain no `\n`.
pub fn diff(src: &[String], dst: &[String]) -> Vec<Line> {
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
    let join = |v: &[String]| {
        let mut t = Vec::with_capacity(v.iter().map(|s| s.len() + 1).sum());
        for s in v {
            t.extend_from_slice(s.as_bytes());
            t.push(b'\n');
        }
        t
    };
    let (src_txt, dst_txt) = (join(src), join(dst));
    if src_txt == dst_txt {
        return Vec::new();
    }
    let lines = agg(&text::diff(&src_txt, &dst_txt));
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
        if txt.as_slice() == b"\n" {
            line.remove(last_idx);
        } else if txt.last() == Some(&b'\n') {
            line[last_idx].1.pop();
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
        if ty == LineOp::Eql && src.get(si as usize) != dst.get(di as usize) {
            ty = LineOp::Mix;
        }
        out.push((ty, si, di));
    }
    out
}
