//! The seven JSON CRDT node kinds. Nodes refer to their children by id; look children
//! up with [`crate::json_crdt::Model::node`].

use std::collections::HashMap;

use super::rga::Rga;
use crate::json_crdt_patch::clock::Timestamp;
use crate::json_crdt_patch::operations::ConValue;

/// `con`: an immutable constant (or a reference to a timestamp).
#[derive(Debug, Clone)]
pub struct ConNode {
    pub id: Timestamp,
    pub val: ConValue,
}

/// `val`: a last-writer-wins register holding the id of another node.
#[derive(Debug, Clone)]
pub struct ValNode {
    pub id: Timestamp,
    /// Current value; the origin `(0, 0)` means "unset" (JS `undefined`).
    pub val: Timestamp,
}

/// Objects with more keys than this get a hash index; smaller ones are scanned.
const OBJ_INDEX_AT: usize = 16;

/// `obj`: a map of last-writer-wins registers, keys in first-insertion order.
#[derive(Debug, Clone)]
pub struct ObjNode {
    pub id: Timestamp,
    keys: Vec<(String, Timestamp)>,
    pos: Option<HashMap<String, usize>>,
}

impl ObjNode {
    pub fn new(id: Timestamp) -> Self {
        Self::with_capacity(id, 0)
    }

    /// An empty object with room for `n` keys (decoders know the count up front).
    pub fn with_capacity(id: Timestamp, n: usize) -> Self {
        Self {
            id,
            keys: Vec::with_capacity(n),
            pos: None,
        }
    }

    /// Keys and the ids of their values, in JS `Map` order. Deleted keys stay, pointing
    /// to a `con` node holding `undefined`.
    pub fn entries(&self) -> &[(String, Timestamp)] {
        &self.keys
    }

    fn index_of(&self, key: &str) -> Option<usize> {
        match &self.pos {
            Some(map) => map.get(key).copied(),
            None => self.keys.iter().position(|(k, _)| k == key),
        }
    }

    pub fn get(&self, key: &str) -> Option<Timestamp> {
        self.index_of(key).map(|i| self.keys[i].1)
    }

    fn push_key(&mut self, key: String, id: Timestamp) {
        if let Some(map) = &mut self.pos {
            map.insert(key.clone(), self.keys.len());
        } else if self.keys.len() >= OBJ_INDEX_AT {
            let mut map: HashMap<String, usize> = self
                .keys
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.clone(), i))
                .collect();
            map.insert(key.clone(), self.keys.len());
            self.pos = Some(map);
        }
        self.keys.push((key, id));
    }

    /// Sets `key` to `id` if `id` is newer than the current value; returns the
    /// replaced id.
    pub(crate) fn put(&mut self, key: &str, id: Timestamp) -> Option<Timestamp> {
        match self.index_of(key) {
            Some(i) => {
                let cur = self.keys[i].1;
                if super::rga::compare(cur, id) != std::cmp::Ordering::Less {
                    return None;
                }
                self.keys[i].1 = id;
                Some(cur)
            }
            None => {
                self.push_key(key.to_owned(), id);
                None
            }
        }
    }

    /// Adds a key as read from a binary model (later duplicates overwrite in place).
    pub(crate) fn push_decoded(&mut self, key: String, id: Timestamp) {
        match self.index_of(&key) {
            Some(i) => self.keys[i].1 = id,
            None => self.push_key(key, id),
        }
    }
}

/// `vec`: a fixed-index tuple of last-writer-wins registers.
#[derive(Debug, Clone)]
pub struct VecNode {
    pub id: Timestamp,
    /// Element ids by index; `None` for never-set slots.
    pub elements: Vec<Option<Timestamp>>,
}

impl VecNode {
    pub(crate) fn put(&mut self, index: usize, id: Timestamp) -> Option<Timestamp> {
        if let Some(Some(cur)) = self.elements.get(index)
            && super::rga::compare(*cur, id) != std::cmp::Ordering::Less
        {
            return None;
        }
        if index >= self.elements.len() {
            self.elements.resize(index + 1, None);
        }
        self.elements[index].replace(id)
    }
}

/// `str`: an RGA of UTF-16 code units.
pub type StrNode = Rga<super::str_data::StrData>;
/// `bin`: an RGA of bytes.
pub type BinNode = Rga<Vec<u8>>;
/// `arr`: an RGA of element node ids.
pub type ArrNode = Rga<Vec<Timestamp>>;

/// Any JSON CRDT node. Container variants are boxed so the node table stays compact
/// (most nodes of a document are small `con` nodes).
#[derive(Debug, Clone)]
pub enum Node {
    Con(ConNode),
    Val(ValNode),
    Obj(Box<ObjNode>),
    Vec(VecNode),
    Str(Box<StrNode>),
    Bin(Box<BinNode>),
    Arr(Box<ArrNode>),
}

impl Node {
    pub fn id(&self) -> Timestamp {
        match self {
            Node::Con(n) => n.id,
            Node::Val(n) => n.id,
            Node::Obj(n) => n.id,
            Node::Vec(n) => n.id,
            Node::Str(n) => n.id,
            Node::Bin(n) => n.id,
            Node::Arr(n) => n.id,
        }
    }

    /// JS node name: `con`, `val`, `obj`, `vec`, `str`, `bin` or `arr`.
    pub fn name(&self) -> &'static str {
        match self {
            Node::Con(_) => "con",
            Node::Val(_) => "val",
            Node::Obj(_) => "obj",
            Node::Vec(_) => "vec",
            Node::Str(_) => "str",
            Node::Bin(_) => "bin",
            Node::Arr(_) => "arr",
        }
    }

    /// Calls `f` with the id of every child (JS `children`).
    pub fn for_each_child(&self, mut f: impl FnMut(Timestamp)) {
        match self {
            Node::Val(n) => f(n.val),
            Node::Obj(n) => n.entries().iter().for_each(|(_, id)| f(*id)),
            Node::Vec(n) => n.elements.iter().flatten().for_each(|id| f(*id)),
            Node::Arr(n) => n
                .chunks()
                .filter(|c| !c.del)
                .for_each(|c| c.data.iter().for_each(|id| f(*id))),
            Node::Con(_) | Node::Str(_) | Node::Bin(_) => {}
        }
    }

    fn fork(&self) -> Node {
        match self {
            Node::Str(n) => Node::Str(Box::new(n.fork())),
            Node::Bin(n) => Node::Bin(Box::new(n.fork())),
            Node::Arr(n) => Node::Arr(Box::new(n.fork())),
            other => other.clone(),
        }
    }
}

pub(crate) fn fork_node(n: &Node) -> Node {
    n.fork()
}
