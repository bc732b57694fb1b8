#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Two replicas edit one document and merge: `cargo run -p json-joy --example json_joy_basic`.

use json_joy::json_crdt::Model;
use json_joy::json_crdt::nodes::Node;
use json_joy::json_crdt_patch::clock::Timestamp;
use json_joy::json_crdt_patch::{Op, Patch};
use serde_json::json;

fn main() {
    // Alice creates the document.
    let mut alice = Model::create(100_001);
    let created = alice.set_root(&json!({"title": "Shopping", "items": ["milk"], "done": false}));
    println!("created with {} operations", created.ops.len());

    // Bob starts from Alice's bytes in his own session.
    let mut bob = Model::load(&alice.to_binary(), 200_002).unwrap();

    // Bob appends " list" to the title: an ins_str after the title's last character.
    let Some(Node::Obj(root)) = bob.root_node() else {
        unreachable!()
    };
    let title = root.get("title").unwrap();
    let Some(Node::Str(text)) = bob.node(title) else {
        unreachable!()
    };
    let after = text.last_id().unwrap();
    let edit = Patch {
        ops: vec![Op::InsStr {
            id: Timestamp::new(bob.sid(), bob.clock().time),
            obj: title,
            after,
            data: " list".into(),
        }],
        meta: None,
    };
    bob.apply_patch(&edit);

    // Alice marks the list done concurrently, then they exchange patches.
    let Some(Node::Obj(root)) = alice.root_node() else {
        unreachable!()
    };
    let root_id = root.id;
    let t = alice.clock().time;
    let done = Patch {
        ops: vec![
            Op::NewCon {
                id: Timestamp::new(alice.sid(), t),
                val: json_joy::json_crdt_patch::ConValue::Val(
                    json_joy::json_pack::PackValue::Bool(true),
                ),
            },
            Op::InsObj {
                id: Timestamp::new(alice.sid(), t + 1),
                obj: root_id,
                data: vec![("done".into(), Timestamp::new(alice.sid(), t))],
            },
        ],
        meta: None,
    };
    alice.apply_patch(&done);
    alice.apply_patch(&edit);
    bob.apply_patch(&done);

    // Both replicas agree; the encoded document decodes to the same view.
    assert_eq!(alice.view(), bob.view());
    let bytes = alice.to_binary();
    let decoded = Model::from_binary(&bytes).unwrap();
    println!("{} bytes -> {}", bytes.len(), decoded.view());
}
