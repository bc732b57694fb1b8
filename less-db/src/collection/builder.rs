//! The collection builder: versions with their schemas and migrations, indexes, and
//! the checks that turn definition mistakes into errors saying what to change.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::error::SchemaError;
use crate::index::types::{
    ComputeFn, ComputedIndex, FieldIndex, IndexDefinition, IndexField, SortDirection,
};
use crate::schema::node::{
    AUTO_FIELDS, CREATED_AT_FIELD, ID_FIELD, SchemaNode, UPDATED_AT_FIELD, is_indexable_node,
};

/// The error a migration function returns.
pub type MigrateError = Box<dyn std::error::Error + Send + Sync>;

/// A migration: the record data at the previous version (without auto-fields) in, the
/// data at this version out.
pub type MigrateFn = Arc<dyn Fn(Value) -> Result<Value, MigrateError> + Send + Sync>;

/// One version of a collection.
#[derive(Clone)]
pub struct VersionDef {
    pub version: u32,
    /// The schema as written, without auto-fields.
    pub shape: BTreeMap<String, SchemaNode>,
    /// The full object schema: the shape plus `id`, `createdAt` and `updatedAt`.
    pub schema: SchemaNode,
    /// From the previous version to this one; `None` for the first version.
    pub migrate: Option<MigrateFn>,
}

impl std::fmt::Debug for VersionDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VersionDef")
            .field("version", &self.version)
            .field("schema", &self.schema)
            .field("migrate", &self.migrate.as_ref().map(|_| ".."))
            .finish()
    }
}

/// A finished collection definition, shared as `Arc<CollectionDef>`.
#[derive(Debug, Clone)]
pub struct CollectionDef {
    pub name: String,
    /// Every version, oldest first (versions are 1, 2, 3, ...).
    pub versions: Vec<VersionDef>,
    pub current_version: u32,
    /// The full object schema of the newest version (with auto-fields).
    pub current_schema: SchemaNode,
    pub indexes: Vec<IndexDefinition>,
}

impl CollectionDef {
    /// The definition of `version`.
    pub fn version(&self, version: u32) -> Option<&VersionDef> {
        let i = usize::try_from(version.checked_sub(1)?).ok()?;
        self.versions.get(i)
    }

    /// The full object schema (with auto-fields) of `version`.
    pub fn schema_for_version(&self, version: u32) -> Option<&SchemaNode> {
        self.version(version).map(|v| &v.schema)
    }

    /// The index called `name`.
    pub fn index(&self, name: &str) -> Option<&IndexDefinition> {
        self.indexes.iter().find(|i| i.name() == name)
    }

    /// Names of the computed indexes.
    pub fn computed_index_names(&self) -> impl Iterator<Item = &str> {
        self.indexes.iter().filter_map(|i| match i {
            IndexDefinition::Computed(c) => Some(c.name.as_str()),
            IndexDefinition::Field(_) => None,
        })
    }
}

/// The full object schema of `version`, if the collection has it.
pub fn get_version_schema(def: &CollectionDef, version: u32) -> Option<&SchemaNode> {
    def.schema_for_version(version)
}

/// The shape plus the auto-fields (`id`, `createdAt`, `updatedAt`).
pub fn inject_auto_fields(shape: &BTreeMap<String, SchemaNode>) -> SchemaNode {
    let mut props = shape.clone();
    props.insert(ID_FIELD.into(), SchemaNode::Key);
    props.insert(CREATED_AT_FIELD.into(), SchemaNode::CreatedAt);
    props.insert(UPDATED_AT_FIELD.into(), SchemaNode::UpdatedAt);
    SchemaNode::Object(props)
}

/// The auto-fields removed from record data, and the data without them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AutoFieldValues {
    pub values: Map<String, Value>,
}

/// Splits record data into its auto-field values and the rest (what a migration sees).
pub fn strip_auto_fields(data: Value) -> (Value, AutoFieldValues) {
    let Value::Object(mut map) = data else {
        return (data, AutoFieldValues::default());
    };
    let mut values = Map::new();
    for f in AUTO_FIELDS {
        if let Some(v) = map.shift_remove(f) {
            values.insert(f.to_string(), v);
        }
    }
    (Value::Object(map), AutoFieldValues { values })
}

/// Puts stripped auto-field values back (they win over anything the migration wrote
/// under the same names).
pub fn reattach_auto_fields(data: Value, auto: AutoFieldValues) -> Value {
    let Value::Object(mut map) = data else {
        return data;
    };
    for (k, v) in auto.values {
        map.insert(k, v);
    }
    Value::Object(map)
}

/// True for names safe to use as collection, field and index names (and to interpolate
/// into SQL): an ASCII letter or `_`, then ASCII letters, digits or `_`, at most 64.
pub fn is_safe_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 64
}

/// An index to add: the fields (dot paths) it covers and its options.
///
/// ```
/// use less_db::collection::IndexSpec;
/// let by_email = IndexSpec::on(["email"]).unique();
/// let by_name = IndexSpec::on(["last_name", "first_name"]).named("by_name");
/// let newest = IndexSpec::on(["createdAt"]).desc("createdAt");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexSpec {
    fields: Vec<IndexField>,
    name: Option<String>,
    unique: bool,
    sparse: bool,
}

impl IndexSpec {
    /// An ascending index on `fields` (compound when more than one), named
    /// `idx_<field>_<field>` unless [`IndexSpec::named`] says otherwise.
    pub fn on<S: Into<String>>(fields: impl IntoIterator<Item = S>) -> Self {
        IndexSpec {
            fields: fields
                .into_iter()
                .map(|f| IndexField {
                    field: f.into(),
                    order: SortDirection::Asc,
                })
                .collect(),
            name: None,
            unique: false,
            sparse: false,
        }
    }

    /// At most one live record per value.
    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    /// Leaves out records whose field is null or missing (single-field indexes only).
    pub fn sparse(mut self) -> Self {
        self.sparse = true;
        self
    }

    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Orders `field` descending in the index.
    pub fn desc(mut self, field: &str) -> Self {
        for f in &mut self.fields {
            if f.field == field {
                f.order = SortDirection::Desc;
            }
        }
        self
    }

    fn default_name(&self) -> String {
        let mut name = String::from("idx");
        for f in &self.fields {
            name.push('_');
            name.push_str(&f.field.replace('.', "_"));
        }
        name
    }
}

impl From<&str> for IndexSpec {
    fn from(field: &str) -> Self {
        IndexSpec::on([field])
    }
}

impl<const N: usize> From<[&str; N]> for IndexSpec {
    fn from(fields: [&str; N]) -> Self {
        IndexSpec::on(fields)
    }
}

/// A computed index to add: a name and a function of the record data.
#[derive(Clone)]
pub struct ComputedSpec {
    name: String,
    compute: ComputeFn,
    unique: bool,
    sparse: bool,
}

impl ComputedSpec {
    /// `compute` returns the indexed value, or `None` to leave the record out.
    pub fn new(
        name: impl Into<String>,
        compute: impl Fn(&Value) -> Option<Value> + Send + Sync + 'static,
    ) -> Self {
        ComputedSpec {
            name: name.into(),
            compute: Arc::new(compute),
            unique: false,
            sparse: false,
        }
    }

    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    pub fn sparse(mut self) -> Self {
        self.sparse = true;
        self
    }
}

/// Starts a collection definition. Mistakes are collected and reported by
/// [`CollectionBuilder::build`].
pub fn collection(name: impl Into<String>) -> CollectionBuilder {
    CollectionBuilder {
        name: name.into(),
        versions: Vec::new(),
        indexes: Vec::new(),
        errors: Vec::new(),
    }
}

/// Builds a [`CollectionDef`]: `collection("users").v(1, shape).v_migrate(2, shape, f)`,
/// then indexes, then `build()`.
#[must_use = "call .build() to get the collection definition"]
pub struct CollectionBuilder {
    name: String,
    versions: Vec<VersionDef>,
    indexes: Vec<IndexDefinition>,
    errors: Vec<String>,
}

impl CollectionBuilder {
    /// Adds a version without a migration: only valid for the first version.
    pub fn v(self, version: u32, schema: impl Into<SchemaNode>) -> Self {
        self.add_version(version, schema.into(), None)
    }

    /// Adds a version with the migration from the previous version.
    pub fn v_migrate(
        self,
        version: u32,
        schema: impl Into<SchemaNode>,
        migrate: impl Fn(Value) -> Result<Value, MigrateError> + Send + Sync + 'static,
    ) -> Self {
        self.add_version(version, schema.into(), Some(Arc::new(migrate)))
    }

    /// Adds a field index: `.index("email")`, `.index(["last", "first"])`,
    /// `.index(IndexSpec::on(["email"]).unique())`.
    pub fn index(mut self, spec: impl Into<IndexSpec>) -> Self {
        let spec = spec.into();
        let name = spec.name.clone().unwrap_or_else(|| spec.default_name());
        self.indexes.push(IndexDefinition::Field(FieldIndex {
            name,
            fields: spec.fields,
            unique: spec.unique,
            sparse: spec.sparse,
        }));
        self
    }

    /// Adds a computed index: `.computed(ComputedSpec::new("email_lower", f).unique())`.
    pub fn computed(mut self, spec: ComputedSpec) -> Self {
        self.indexes.push(IndexDefinition::Computed(ComputedIndex {
            name: spec.name,
            compute: spec.compute,
            unique: spec.unique,
            sparse: spec.sparse,
        }));
        self
    }

    /// Checks the definition and returns it, or an error naming every mistake.
    pub fn build(mut self) -> Result<Arc<CollectionDef>, SchemaError> {
        self.check_name();
        if self.versions.is_empty() {
            self.errors
                .push("it has no versions: add one with .v(1, schema)".into());
        }
        let current_schema = self
            .versions
            .last()
            .map_or_else(|| SchemaNode::Object(BTreeMap::new()), |v| v.schema.clone());
        self.check_indexes(&current_schema);
        if !self.errors.is_empty() {
            return Err(SchemaError::InvalidDefinition {
                collection: self.name,
                message: self.errors.join("; "),
            });
        }
        let current_version = self.versions.last().map_or(0, |v| v.version);
        Ok(Arc::new(CollectionDef {
            name: self.name,
            versions: self.versions,
            current_version,
            current_schema,
            indexes: self.indexes,
        }))
    }

    fn check_name(&mut self) {
        if self.name.trim().is_empty() {
            self.errors
                .push("the collection name is empty: give it a name like \"users\"".into());
        } else if !is_safe_name(&self.name) {
            self.errors.push(format!(
                "the collection name {:?} has invalid characters: use ASCII letters, digits \
                 and _, starting with a letter or _ (at most 64)",
                self.name
            ));
        }
    }

    fn add_version(mut self, version: u32, schema: SchemaNode, migrate: Option<MigrateFn>) -> Self {
        let expected = self
            .versions
            .last()
            .map_or(1, |v| v.version.saturating_add(1));
        if version == 0 {
            self.errors
                .push("version 0 is not allowed: versions start at 1".into());
            return self;
        }
        if version != expected {
            self.errors.push(format!(
                "version {version} is out of order: the next version must be {expected} \
                 (versions go 1, 2, 3, ... without gaps or repeats)"
            ));
            return self;
        }
        if version > 1 && migrate.is_none() {
            self.errors.push(format!(
                "version {version} has no migration: use .v_migrate({version}, schema, |data| ...) \
                 to turn version {} data into version {version} data",
                version - 1
            ));
        }
        if version == 1 && migrate.is_some() {
            self.errors.push(
                "version 1 has a migration, but there is no earlier version: use .v(1, schema)"
                    .into(),
            );
        }
        let SchemaNode::Object(shape) = schema else {
            self.errors.push(format!(
                "version {version}: the schema must be an object (t::object([...]) or a map of \
                 fields), got {}",
                schema.kind_name()
            ));
            return self;
        };
        self.check_fields(version, &shape);
        let full = inject_auto_fields(&shape);
        self.versions.push(VersionDef {
            version,
            shape,
            schema: full,
            migrate,
        });
        self
    }

    fn check_fields(&mut self, version: u32, shape: &BTreeMap<String, SchemaNode>) {
        for name in shape.keys() {
            if AUTO_FIELDS.contains(&name.as_str()) {
                self.errors.push(format!(
                    "version {version}: field {name:?} is reserved (id, createdAt and updatedAt \
                     are added automatically): remove it or rename it"
                ));
            } else if !is_safe_name(name) {
                self.errors.push(format!(
                    "version {version}: field name {name:?} has invalid characters: use ASCII \
                     letters, digits and _, starting with a letter or _"
                ));
            }
        }
    }

    fn check_indexes(&mut self, schema: &SchemaNode) {
        let mut seen: HashMap<String, usize> = HashMap::new();
        let indexes = std::mem::take(&mut self.indexes);
        for index in &indexes {
            let name = index.name();
            if seen.insert(name.to_string(), 1).is_some() {
                self.errors.push(format!(
                    "index {name:?} is already defined: give one of them another name"
                ));
            }
            if !is_safe_name(name) {
                self.errors.push(format!(
                    "index name {name:?} has invalid characters: use ASCII letters, digits \
                     and _, starting with a letter or _"
                ));
            }
            match index {
                IndexDefinition::Field(f) => self.check_field_index(f, schema),
                IndexDefinition::Computed(c) => {
                    if schema.get(&c.name).is_some() {
                        self.errors.push(format!(
                            "computed index {:?} conflicts with field {:?}: rename the index",
                            c.name, c.name
                        ));
                    }
                }
            }
        }
        self.indexes = indexes;
    }

    fn check_field_index(&mut self, index: &FieldIndex, schema: &SchemaNode) {
        if index.fields.is_empty() {
            self.errors.push(format!(
                "index {:?} has no fields: name at least one",
                index.name
            ));
        }
        if index.sparse && index.fields.len() > 1 {
            self.errors.push(format!(
                "index {:?} is sparse and compound: sparse indexes cover one field",
                index.name
            ));
        }
        let mut fields_seen = Vec::new();
        for f in &index.fields {
            if fields_seen.contains(&&f.field) {
                self.errors.push(format!(
                    "index {:?} lists field {:?} twice",
                    index.name, f.field
                ));
            }
            fields_seen.push(&f.field);
            match schema.at_path(&f.field) {
                None => self.errors.push(format!(
                    "index {:?} is on unknown field {:?}: index a field of the newest schema",
                    index.name, f.field
                )),
                Some(node) if !is_indexable_node(node) => self.errors.push(format!(
                    "index {:?} is on field {:?} of non-indexable type {}: index strings, \
                     numbers, booleans, dates or literals (or use a computed index)",
                    index.name,
                    f.field,
                    node.kind_name()
                )),
                Some(_) => {}
            }
        }
    }
}
