use less_db::patch::{
    Changeset, has_any_field_change, has_direct_change, has_field_change, merge_changesets,
};

fn cs(paths: &[&str]) -> Changeset {
    paths.iter().map(|p| (*p).to_string()).collect()
}

#[test]
fn field_change_exact() {
    assert!(has_field_change(&cs(&["name"]), "name"));
}

#[test]
fn field_change_absent() {
    assert!(!has_field_change(&cs(&["name"]), "email"));
}

#[test]
fn field_change_on_empty_changeset() {
    assert!(!has_field_change(&Changeset::new(), "name"));
}

#[test]
fn field_change_of_parent_when_child_changed() {
    assert!(has_field_change(&cs(&["address.city"]), "address"));
}

#[test]
fn field_change_of_child_when_parent_changed() {
    assert!(has_field_change(&cs(&["address"]), "address.city"));
}

#[test]
fn field_change_of_deep_ancestor() {
    assert!(has_field_change(&cs(&["a.b.c.d"]), "a"));
    assert!(has_field_change(&cs(&["a"]), "a.b.c.d"));
}

#[test]
fn field_change_not_fooled_by_shared_prefix() {
    assert!(!has_field_change(&cs(&["address2"]), "address"));
    assert!(!has_field_change(&cs(&["address"]), "address2"));
    assert!(!has_field_change(&cs(&["addr.city"]), "address"));
}

#[test]
fn field_change_of_siblings_is_false() {
    assert!(!has_field_change(&cs(&["address.city"]), "address.zip"));
}

#[test]
fn field_change_with_array_index_paths() {
    assert!(has_field_change(&cs(&["tags[1]"]), "tags"));
}

#[test]
fn root_change_touches_every_field() {
    assert!(has_field_change(&cs(&[""]), "anything"));
}

#[test]
fn direct_change_exact_only() {
    let c = cs(&["address.city"]);
    assert!(has_direct_change(&c, "address.city"));
    assert!(!has_direct_change(&c, "address"));
    assert!(!has_direct_change(&c, "address.city.x"));
}

#[test]
fn direct_change_of_top_level() {
    assert!(has_direct_change(&cs(&["name", "age"]), "age"));
}

#[test]
fn any_field_change() {
    let c = cs(&["address.city"]);
    assert!(has_any_field_change(&c, ["name", "address"]));
    assert!(!has_any_field_change(&c, ["name", "email"]));
    assert!(!has_any_field_change(&c, []));
}

#[test]
fn merge_is_the_union() {
    let m = merge_changesets(&cs(&["a", "b"]), &cs(&["b", "c"]));
    assert_eq!(m, cs(&["a", "b", "c"]));
}

#[test]
fn merge_with_empty() {
    let a = cs(&["x"]);
    assert_eq!(merge_changesets(&a, &Changeset::new()), a);
    assert_eq!(merge_changesets(&Changeset::new(), &a), a);
    assert!(merge_changesets(&Changeset::new(), &Changeset::new()).is_empty());
}

#[test]
fn merge_leaves_inputs_untouched() {
    let a = cs(&["a"]);
    let b = cs(&["b"]);
    let _ = merge_changesets(&a, &b);
    assert_eq!(a, cs(&["a"]));
    assert_eq!(b, cs(&["b"]));
}

#[test]
fn changesets_iterate_sorted() {
    let c = cs(&["z", "a.b", "a"]);
    assert_eq!(
        c.iter().map(String::as_str).collect::<Vec<_>>(),
        ["a", "a.b", "z"]
    );
}
