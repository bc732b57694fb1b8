//! The schema file, parsed and checked: what both generators read.

use crate::path::JsonPath;

/// A whole schema file.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaFile {
    /// The module path (from the generated module) where migration functions live.
    pub migrations_module: String,
    pub collections: Vec<CollectionSpec>,
}

/// One collection: its versions (oldest first, numbered 1, 2, 3, ...) and the indexes
/// of the newest version.
#[derive(Debug, Clone, PartialEq)]
pub struct CollectionSpec {
    /// The stored collection name.
    pub name: String,
    /// The Rust and TypeScript type name of the newest version (`User`); older versions
    /// add `V<n>` (`UserV1`).
    pub type_name: String,
    pub versions: Vec<VersionSpec>,
    pub indexes: Vec<IndexSpec>,
}

impl CollectionSpec {
    /// The newest version (a parsed collection always has one).
    pub fn current(&self) -> Option<&VersionSpec> {
        self.versions.last()
    }

    pub fn current_version(&self) -> u32 {
        self.current().map_or(0, |v| v.version)
    }

    /// The type name of `version`: the plain name for the newest, `NameV<n>` before.
    pub fn struct_name(&self, version: u32) -> String {
        if version == self.current_version() {
            self.type_name.clone()
        } else {
            format!("{}V{version}", self.type_name)
        }
    }

    /// The name of the migration function into `version` (from `version - 1`).
    pub fn migration_fn(&self, version: u32) -> String {
        format!(
            "{}_v{}_to_v{version}",
            crate::names::snake_case(&self.name),
            version.saturating_sub(1)
        )
    }
}

/// One version: its fields without the auto-fields (`id`, `createdAt`, `updatedAt`),
/// which every version has.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionSpec {
    pub version: u32,
    pub fields: Vec<Field>,
}

/// A named field of a collection version or of an object type.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The stored (JSON, JS) name.
    pub name: String,
    pub ty: Type,
}

/// A field type.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    String,
    Text,
    Number,
    Boolean,
    Date,
    Bytes,
    Key,
    CreatedAt,
    UpdatedAt,
    Optional(Box<Type>),
    Array(Box<Type>),
    Record(Box<Type>),
    Object(ObjectType),
    Literal(LiteralType),
    Union(UnionType),
}

impl Type {
    /// True when an index can cover a field of this type (the engine's rule).
    pub fn is_indexable(&self) -> bool {
        match self {
            Type::String
            | Type::Text
            | Type::Number
            | Type::Boolean
            | Type::Date
            | Type::Literal(_)
            | Type::Key
            | Type::CreatedAt
            | Type::UpdatedAt => true,
            Type::Optional(inner) => inner.is_indexable(),
            Type::Union(u) => u.variants.iter().all(Type::is_indexable),
            Type::Bytes | Type::Array(_) | Type::Record(_) | Type::Object(_) => false,
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self {
            Type::String => "string",
            Type::Text => "text",
            Type::Number => "number",
            Type::Boolean => "boolean",
            Type::Date => "date",
            Type::Bytes => "bytes",
            Type::Key => "key",
            Type::CreatedAt => "createdAt",
            Type::UpdatedAt => "updatedAt",
            Type::Optional(_) => "optional",
            Type::Array(_) => "array",
            Type::Record(_) => "record",
            Type::Object(_) => "object",
            Type::Literal(_) => "literal",
            Type::Union(_) => "union",
        }
    }
}

/// Where a named type was declared. Two declarations are equal whatever their place,
/// so types compare by shape.
#[derive(Debug, Clone, Default)]
pub struct Decl(pub JsonPath);

impl PartialEq for Decl {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// An object with fixed fields: a Rust struct, a TypeScript interface.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectType {
    pub name: String,
    pub fields: Vec<Field>,
    pub decl: Decl,
}

/// Exactly one value.
#[derive(Debug, Clone, PartialEq)]
pub struct LiteralType {
    /// The Rust type name when the literal stands alone (not inside a union of string
    /// literals, which becomes an enum).
    pub name: String,
    pub value: Literal,
    pub decl: Decl,
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    String(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Literal {
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Literal::String(s) => s.as_str().into(),
            Literal::Int(i) => (*i).into(),
            Literal::Float(f) => (*f).into(),
            Literal::Bool(b) => (*b).into(),
        }
    }
}

/// One of several types; the first that accepts a value wins.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionType {
    pub name: String,
    pub variants: Vec<Type>,
    pub decl: Decl,
}

impl UnionType {
    /// The string values when every variant is a string literal (a Rust unit enum).
    pub fn string_literals(&self) -> Option<Vec<&str>> {
        self.variants
            .iter()
            .map(|v| match v {
                Type::Literal(LiteralType {
                    value: Literal::String(s),
                    ..
                }) => Some(s.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// A field index of the newest version.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexSpec {
    /// The explicit name, if the file gives one.
    pub name: Option<String>,
    /// Stored dot paths and whether each is descending.
    pub fields: Vec<(String, bool)>,
    pub unique: bool,
    pub sparse: bool,
}

impl IndexSpec {
    /// The name the engine gives this index.
    pub fn effective_name(&self) -> String {
        self.name.clone().unwrap_or_else(|| {
            let mut name = String::from("idx");
            for (f, _) in &self.fields {
                name.push('_');
                name.push_str(&f.replace('.', "_"));
            }
            name
        })
    }
}

/// Calls `f` on every named type reachable from `ty` (inner types first), with a flag
/// saying whether a literal stands alone (and so needs its own type).
pub fn walk_named<'a>(ty: &'a Type, f: &mut dyn FnMut(&'a Type)) {
    match ty {
        Type::Optional(inner) | Type::Array(inner) | Type::Record(inner) => walk_named(inner, f),
        Type::Object(o) => {
            for field in &o.fields {
                walk_named(&field.ty, f);
            }
            f(ty);
        }
        Type::Union(u) => {
            if u.string_literals().is_none() {
                for v in &u.variants {
                    walk_named(v, f);
                }
            }
            f(ty);
        }
        Type::Literal(_) => f(ty),
        _ => {}
    }
}

impl SchemaFile {
    /// Every named type (objects, unions, standalone literals), each name once, in the
    /// order they first appear.
    pub fn named_types(&self) -> Vec<&Type> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for c in &self.collections {
            for v in &c.versions {
                for field in &v.fields {
                    walk_named(&field.ty, &mut |t| {
                        if let Some(name) = type_name(t)
                            && seen.insert(name.to_string())
                        {
                            out.push(t);
                        }
                    });
                }
            }
        }
        out
    }
}

/// The name of a named type.
pub fn type_name(ty: &Type) -> Option<&str> {
    match ty {
        Type::Object(o) => Some(&o.name),
        Type::Union(u) => Some(&u.name),
        Type::Literal(l) => Some(&l.name),
        _ => None,
    }
}
