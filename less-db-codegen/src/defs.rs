//! The engine's view of a schema file: schema nodes and collection definitions built
//! with less-db's own builder, so a file can be checked (and compared with what the
//! derive builds from the generated structs) without compiling anything.

use std::collections::BTreeMap;
use std::sync::Arc;

use less_db::collection::{CollectionDef, IndexSpec as EngineIndex, MigrateFn, collection};
use less_db::error::SchemaError;
use less_db::schema::node::{LiteralValue, SchemaNode};

use crate::model::{CollectionSpec, IndexSpec, Literal, Type, VersionSpec};

/// The schema node of a field type.
pub fn node(ty: &Type) -> SchemaNode {
    match ty {
        Type::String => SchemaNode::String,
        Type::Text => SchemaNode::Text,
        Type::Number => SchemaNode::Number,
        Type::Boolean => SchemaNode::Boolean,
        Type::Date => SchemaNode::Date,
        Type::Bytes => SchemaNode::Bytes,
        Type::Key => SchemaNode::Key,
        Type::CreatedAt => SchemaNode::CreatedAt,
        Type::UpdatedAt => SchemaNode::UpdatedAt,
        Type::Optional(inner) => SchemaNode::Optional(Box::new(node(inner))),
        Type::Array(inner) => SchemaNode::Array(Box::new(node(inner))),
        Type::Record(inner) => SchemaNode::Record(Box::new(node(inner))),
        Type::Object(o) => SchemaNode::Object(
            o.fields
                .iter()
                .map(|f| (f.name.clone(), node(&f.ty)))
                .collect(),
        ),
        Type::Literal(l) => SchemaNode::Literal(literal(&l.value)),
        Type::Union(u) => SchemaNode::Union(u.variants.iter().map(node).collect()),
    }
}

/// The literal as the engine (and the generated Rust) holds it: whole floats as
/// integers.
fn literal(value: &Literal) -> LiteralValue {
    match value {
        Literal::String(s) => LiteralValue::String(s.clone()),
        Literal::Int(i) => LiteralValue::from(*i),
        Literal::Float(f) => LiteralValue::from(*f),
        Literal::Bool(b) => LiteralValue::Bool(*b),
    }
}

/// The fields of a version without the auto-fields: what the collection builder takes.
pub fn shape(version: &VersionSpec) -> BTreeMap<String, SchemaNode> {
    version
        .fields
        .iter()
        .map(|f| (f.name.clone(), node(&f.ty)))
        .collect()
}

fn engine_index(index: &IndexSpec) -> EngineIndex {
    let mut spec = EngineIndex::on(index.fields.iter().map(|(f, _)| f.as_str()));
    for (f, desc) in &index.fields {
        if *desc {
            spec = spec.desc(f);
        }
    }
    if index.unique {
        spec = spec.unique();
    }
    if index.sparse {
        spec = spec.sparse();
    }
    if let Some(name) = &index.name {
        spec = spec.named(name.clone());
    }
    spec
}

/// The collection definition of `spec`, built by the engine's builder. Migrations
/// cannot be written in the file: `migration(version)` supplies the one into each
/// version after the first.
pub fn collection_def(
    spec: &CollectionSpec,
    mut migration: impl FnMut(u32) -> MigrateFn,
) -> Result<Arc<CollectionDef>, SchemaError> {
    let mut builder = collection(spec.name.clone());
    for v in &spec.versions {
        builder = if v.version == 1 {
            builder.v(1, shape(v))
        } else {
            let f = migration(v.version);
            builder.v_migrate(v.version, shape(v), move |data| f(data))
        };
    }
    for index in &spec.indexes {
        builder = builder.index(engine_index(index));
    }
    builder.build()
}

/// The definition of `spec` with migrations that keep the data as it is: for checking
/// and comparing definitions, not for opening a database.
pub fn checked_def(spec: &CollectionSpec) -> Result<Arc<CollectionDef>, SchemaError> {
    collection_def(spec, |_| Arc::new(Ok))
}
