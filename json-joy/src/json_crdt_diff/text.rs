//! Character diff with the exact edit script of json-joy's `util/diff/str` (a Myers
//! bisection with common prefix/suffix trimming and a merge pass that keeps surrogate
//! pairs whole). Generic over the unit type so the same code diffs UTF-16 strings,
//! bytes (JS diffs `Uint8Array` as a string of char codes 0-255) and the ASCII hash
//! lines of the array diff.

/// Unit of a diffed text: a UTF-16 code unit or a byte.
pub trait Unit: Copy + Eq + std::fmt::Debug {
    fn code(self) -> u32;
}

impl Unit for u16 {
    fn code(self) -> u32 {
        u32::from(self)
    }
}

impl Unit for u8 {
    fn code(self) -> u32 {
        u32::from(self)
    }
}

/// Edit kind, as JS numbers it: -1 delete, 0 equal, 1 insert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Del,
    Eql,
    Ins,
}

/// One edit: a kind and the units it covers.
pub type Edit<T> = (Kind, Vec<T>);

fn is_high(c: u32) -> bool {
    (0xd800..=0xdbff).contains(&c)
}

fn is_low(c: u32) -> bool {
    (0xdc00..=0xdfff).contains(&c)
}

fn is_combining(c: u32) -> bool {
    c == 0x200d || (0xfe00..=0xfe0f).contains(&c) || (0x0300..=0x036f).contains(&c)
}

/// Length of the common prefix, never ending on a high surrogate (JS `pfx`).
pub fn pfx<T: Unit>(a: &[T], b: &[T]) -> usize {
    if a.is_empty() || b.is_empty() || a[0] != b[0] {
        return 0;
    }
    let mut mid = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if mid > 0 && is_high(a[mid - 1].code()) {
        mid -= 1;
    }
    mid
}

/// Length of the common suffix, with JS's adjustment that keeps a surrogate pair or a
/// combining sequence out of the suffix (JS `sfx`).
pub fn sfx<T: Unit>(a: &[T], b: &[T]) -> usize {
    if a.is_empty() || b.is_empty() || a[a.len() - 1] != b[b.len() - 1] {
        return 0;
    }
    let mut mid = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let len = a.len();
    if mid > 0 && mid < len {
        let code = a[len - mid - 1].code();
        if is_high(code) || is_combining(code) {
            mid -= 1;
            while mid > 0 {
                let prev = a[len - mid - 1].code();
                if !is_high(prev) && !is_combining(prev) {
                    break;
                }
                mid -= 1;
            }
        }
    }
    mid
}

/// The edit script turning `src` into `dst` (JS `str.diff`).
pub fn diff<T: Unit>(src: &[T], dst: &[T]) -> Vec<Edit<T>> {
    diff_inner(src, dst, true)
}

/// Like [`diff`], but the caller already knows the common prefix and suffix lengths
/// and passes only a window around the middle: `pre` is the tail of the prefix and
/// `suf` the head of the suffix. Used to diff long texts without copying them; the
/// windows must be longer than any edit the middle can produce (see callers).
pub fn diff_trimmed<T: Unit>(pre: &[T], src: &[T], dst: &[T], suf: &[T]) -> Vec<Edit<T>> {
    let mut out = no_common_affix(src, dst);
    if !pre.is_empty() {
        out.insert(0, (Kind::Eql, pre.to_vec()));
    }
    if !suf.is_empty() {
        out.push((Kind::Eql, suf.to_vec()));
    }
    cleanup_merge(&mut out, true);
    out
}

fn diff_inner<T: Unit>(src: &[T], dst: &[T], fix_unicode: bool) -> Vec<Edit<T>> {
    if src == dst {
        return if src.is_empty() {
            Vec::new()
        } else {
            vec![(Kind::Eql, src.to_vec())]
        };
    }
    let p = pfx(src, dst);
    let (prefix, src, dst) = (&src[..p], &src[p..], &dst[p..]);
    let s = sfx(src, dst);
    let suffix = &src[src.len() - s..];
    let (src, dst) = (&src[..src.len() - s], &dst[..dst.len() - s]);
    let mut out = no_common_affix(src, dst);
    if !prefix.is_empty() {
        out.insert(0, (Kind::Eql, prefix.to_vec()));
    }
    if !suffix.is_empty() {
        out.push((Kind::Eql, suffix.to_vec()));
    }
    cleanup_merge(&mut out, fix_unicode);
    out
}

fn find_sub<T: Unit>(hay: &[T], needle: &[T]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    if needle.len() > hay.len() {
        return None;
    }
    let first = needle[0];
    (0..=hay.len() - needle.len()).find(|&i| hay[i] == first && &hay[i..i + needle.len()] == needle)
}

fn no_common_affix<T: Unit>(src: &[T], dst: &[T]) -> Vec<Edit<T>> {
    if src.is_empty() {
        return vec![(Kind::Ins, dst.to_vec())];
    }
    if dst.is_empty() {
        return vec![(Kind::Del, src.to_vec())];
    }
    let src_longer = src.len() > dst.len();
    let (long, short) = if src_longer { (src, dst) } else { (dst, src) };
    if let Some(i) = find_sub(long, short) {
        let start = long[..i].to_vec();
        let end = long[i + short.len()..].to_vec();
        let k = if src_longer { Kind::Del } else { Kind::Ins };
        return vec![(k, start), (Kind::Eql, short.to_vec()), (k, end)];
    }
    if short.len() == 1 {
        return vec![(Kind::Del, src.to_vec()), (Kind::Ins, dst.to_vec())];
    }
    bisect(src, dst)
}

fn bisect_split<T: Unit>(a: &[T], b: &[T], mut x: usize, mut y: usize) -> Vec<Edit<T>> {
    if x > 0 && x < a.len() && is_low(a[x].code()) {
        x -= 1;
    }
    if y > 0 && y < b.len() && is_low(b[y].code()) {
        y -= 1;
    }
    if (x == 0 && y == 0) || (x == a.len() && y == b.len()) {
        // JS recurses on the same input forever here (only lone surrogates get here).
        return vec![(Kind::Del, a.to_vec()), (Kind::Ins, b.to_vec())];
    }
    let mut d = diff_inner(&a[..x], &b[..y], false);
    d.extend(diff_inner(&a[x..], &b[y..], false));
    d
}

fn bisect<T: Unit>(a: &[T], b: &[T]) -> Vec<Edit<T>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max_d = (n + m + 1) / 2;
    let off = max_d;
    let vlen = 2 * max_d;
    let mut v1 = vec![-1isize; vlen as usize];
    let mut v2 = vec![-1isize; vlen as usize];
    v1[(off + 1) as usize] = 0;
    v2[(off + 1) as usize] = 0;
    let delta = n - m;
    let front = delta % 2 != 0;
    let (mut k1start, mut k1end, mut k2start, mut k2end) = (0isize, 0isize, 0isize, 0isize);
    for d in 0..max_d {
        let mut k1 = -d + k1start;
        while k1 <= d - k1end {
            let k1o = off + k1;
            let mut x1 = if k1 == -d || (k1 != d && v1[(k1o - 1) as usize] < v1[(k1o + 1) as usize])
            {
                v1[(k1o + 1) as usize]
            } else {
                v1[(k1o - 1) as usize] + 1
            };
            let mut y1 = x1 - k1;
            while x1 < n && y1 < m && a[x1 as usize] == b[y1 as usize] {
                x1 += 1;
                y1 += 1;
            }
            v1[k1o as usize] = x1;
            if x1 > n {
                k1end += 2;
            } else if y1 > m {
                k1start += 2;
            } else if front {
                let k2o = off + delta - k1;
                if k2o >= 0 && k2o < vlen && v2[k2o as usize] != -1 && x1 >= n - v2[k2o as usize] {
                    return bisect_split(a, b, x1 as usize, y1 as usize);
                }
            }
            k1 += 2;
        }
        let mut k2 = -d + k2start;
        while k2 <= d - k2end {
            let k2o = off + k2;
            let mut x2 = if k2 == -d || (k2 != d && v2[(k2o - 1) as usize] < v2[(k2o + 1) as usize])
            {
                v2[(k2o + 1) as usize]
            } else {
                v2[(k2o - 1) as usize] + 1
            };
            let mut y2 = x2 - k2;
            while x2 < n && y2 < m && a[(n - x2 - 1) as usize] == b[(m - y2 - 1) as usize] {
                x2 += 1;
                y2 += 1;
            }
            v2[k2o as usize] = x2;
            if x2 > n {
                k2end += 2;
            } else if y2 > m {
                k2start += 2;
            } else if !front {
                let k1o = off + delta - k2;
                if k1o >= 0 && k1o < vlen && v1[k1o as usize] != -1 {
                    let x1 = v1[k1o as usize];
                    let y1 = off + x1 - k1o;
                    x2 = n - x2;
                    if x1 >= x2 {
                        return bisect_split(a, b, x1 as usize, y1 as usize);
                    }
                }
            }
            k2 += 2;
        }
    }
    vec![(Kind::Del, a.to_vec()), (Kind::Ins, b.to_vec())]
}

fn ends_with_high<T: Unit>(s: &[T]) -> bool {
    s.last().is_some_and(|c| is_high(c.code()))
}

fn starts_with_low<T: Unit>(s: &[T]) -> bool {
    s.first().is_some_and(|c| is_low(c.code()))
}

fn concat<T: Unit>(a: &[T], b: &[T]) -> Vec<T> {
    let mut v = Vec::with_capacity(a.len() + b.len());
    v.extend_from_slice(a);
    v.extend_from_slice(b);
    v
}

/// JS `cleanupMerge`: merges runs of edits between equalities, factors out their
/// common prefix and suffix, and shifts single edits over equalities.
#[allow(clippy::too_many_lines)]
fn cleanup_merge<T: Unit>(diff: &mut Vec<Edit<T>>, fix_unicode: bool) {
    diff.push((Kind::Eql, Vec::new()));
    let mut pointer: usize = 0;
    let mut del_cnt: usize = 0;
    let mut ins_cnt: usize = 0;
    let mut del_txt: Vec<T> = Vec::new();
    let mut ins_txt: Vec<T> = Vec::new();
    while pointer < diff.len() {
        if pointer < diff.len() - 1 && diff[pointer].1.is_empty() {
            diff.remove(pointer);
            continue;
        }
        match diff[pointer].0 {
            Kind::Ins => {
                ins_cnt += 1;
                ins_txt.extend_from_slice(&diff[pointer].1);
                pointer += 1;
            }
            Kind::Del => {
                del_cnt += 1;
                del_txt.extend_from_slice(&diff[pointer].1);
                pointer += 1;
            }
            Kind::Eql => {
                let mut prev_eq: isize = pointer as isize - ins_cnt as isize - del_cnt as isize - 1;
                if fix_unicode {
                    if prev_eq >= 0 {
                        let pe = prev_eq as usize;
                        if ends_with_high(&diff[pe].1) {
                            let stray = diff[pe].1.pop();
                            if let Some(stray) = stray {
                                del_txt.insert(0, stray);
                                ins_txt.insert(0, stray);
                            }
                            if diff[pe].1.is_empty() {
                                diff.remove(pe);
                                pointer -= 1;
                                let mut k = prev_eq - 1;
                                if k >= 0 {
                                    let (kind, txt) = &diff[k as usize];
                                    match kind {
                                        Kind::Ins => {
                                            ins_cnt += 1;
                                            ins_txt = concat(txt, &ins_txt);
                                            k -= 1;
                                        }
                                        Kind::Del => {
                                            del_cnt += 1;
                                            del_txt = concat(txt, &del_txt);
                                            k -= 1;
                                        }
                                        Kind::Eql => {}
                                    }
                                }
                                prev_eq = k;
                            }
                        }
                    }
                    if starts_with_low(&diff[pointer].1) {
                        let stray = diff[pointer].1.remove(0);
                        del_txt.push(stray);
                        ins_txt.push(stray);
                    }
                }
                if pointer < diff.len() - 1 && diff[pointer].1.is_empty() {
                    diff.remove(pointer);
                    // JS leaves the switch here without resetting the counters.
                    continue;
                }
                if !del_txt.is_empty() || !ins_txt.is_empty() {
                    if !del_txt.is_empty() && !ins_txt.is_empty() {
                        let common = pfx(&ins_txt, &del_txt);
                        if common != 0 {
                            if prev_eq >= 0 {
                                let head = ins_txt[..common].to_vec();
                                diff[prev_eq as usize].1.extend_from_slice(&head);
                            } else {
                                diff.insert(0, (Kind::Eql, ins_txt[..common].to_vec()));
                                pointer += 1;
                            }
                            ins_txt.drain(..common);
                            del_txt.drain(..common);
                        }
                        let common = sfx(&ins_txt, &del_txt);
                        if common != 0 {
                            let tail = ins_txt[ins_txt.len() - common..].to_vec();
                            let cur = std::mem::take(&mut diff[pointer].1);
                            diff[pointer].1 = concat(&tail, &cur);
                            ins_txt.truncate(ins_txt.len() - common);
                            del_txt.truncate(del_txt.len() - common);
                        }
                    }
                    let n = ins_cnt + del_cnt;
                    let start = pointer - n;
                    let mut repl: Vec<Edit<T>> = Vec::with_capacity(2);
                    if !del_txt.is_empty() {
                        repl.push((Kind::Del, std::mem::take(&mut del_txt)));
                    }
                    if !ins_txt.is_empty() {
                        repl.push((Kind::Ins, std::mem::take(&mut ins_txt)));
                    }
                    let added = repl.len();
                    diff.splice(start..pointer, repl);
                    pointer = start + added;
                }
                if pointer != 0 && diff[pointer - 1].0 == Kind::Eql {
                    let cur = diff.remove(pointer).1;
                    diff[pointer - 1].1.extend_from_slice(&cur);
                } else {
                    pointer += 1;
                }
                ins_cnt = 0;
                del_cnt = 0;
                del_txt.clear();
                ins_txt.clear();
            }
        }
    }
    if diff.last().is_some_and(|d| d.1.is_empty()) {
        diff.pop();
    }
    let mut changes = false;
    pointer = 1;
    while diff.len() >= 2 && pointer < diff.len() - 1 {
        if diff[pointer - 1].0 == Kind::Eql && diff[pointer + 1].0 == Kind::Eql {
            let l0 = diff[pointer - 1].1.len();
            let l1 = diff[pointer].1.len();
            let l2 = diff[pointer + 1].1.len();
            if l1 >= l0 && diff[pointer].1[l1 - l0..] == diff[pointer - 1].1[..] {
                let str0 = diff[pointer - 1].1.clone();
                let mut e = str0.clone();
                e.extend_from_slice(&diff[pointer].1[..l1 - l0]);
                diff[pointer].1 = e;
                let n2 = concat(&str0, &diff[pointer + 1].1);
                diff[pointer + 1].1 = n2;
                diff.remove(pointer - 1);
                changes = true;
            } else if l1 >= l2 && diff[pointer].1[..l2] == diff[pointer + 1].1[..] {
                let str2 = diff[pointer + 1].1.clone();
                diff[pointer - 1].1.extend_from_slice(&str2);
                let mut e = diff[pointer].1[l2..].to_vec();
                e.extend_from_slice(&str2);
                diff[pointer].1 = e;
                diff.remove(pointer + 1);
                changes = true;
            }
        }
        pointer += 1;
    }
    if changes {
        cleanup_merge(diff, fix_unicode);
    }
}

/// Walks `edits` from the end as JS `str.apply` does: `on_ins(pos, units)` and
/// `on_del(pos, len)` with positions in the source text.
pub fn apply<T: Unit>(
    edits: &[Edit<T>],
    src_len: usize,
    mut on_ins: impl FnMut(usize, &[T]),
    mut on_del: impl FnMut(usize, usize),
) {
    let mut pos = src_len;
    for (kind, txt) in edits.iter().rev() {
        match kind {
            Kind::Eql => pos -= txt.len(),
            Kind::Ins => on_ins(pos, txt),
            Kind::Del => {
                pos -= txt.len();
                on_del(pos, txt.len());
            }
        }
    }
}
