//! Schema file text -> [`SchemaFile`], with every mistake reported as a
//! [`SchemaFileError`] naming the file, the JSON path and the line and column.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use crate::error::{ErrorKind, Location, SchemaFileError};
use crate::model::{
    CollectionSpec, Decl, Field, IndexSpec, Literal, LiteralType, ObjectType, SchemaFile, Type,
    UnionType, VersionSpec, type_name, walk_named,
};
use crate::names;
use crate::path::JsonPath;
use crate::position::Positions;

/// The default module of migration functions, as seen from the generated module.
pub const DEFAULT_MIGRATIONS_MODULE: &str = "crate::migrations";

/// Parses and checks the schema file `text`; `file` names it in errors.
pub fn parse_schema(file: &str, text: &str) -> Result<SchemaFile, SchemaFileError> {
    let value: Value = serde_json::from_str(text).map_err(|e| SchemaFileError {
        location: Box::new(Location {
            file: file.to_string(),
            path: "$".into(),
            line_col: (e.line() > 0).then(|| (e.line(), e.column())),
        }),
        kind: ErrorKind::Syntax(syntax_message(&e)),
    })?;
    let positions = Positions::scan(text);
    let parser = Parser {
        file,
        positions: &positions,
    };
    if let Some((path, at)) = &positions.duplicate {
        let key = path.last_key().unwrap_or_default().to_string();
        return Err(SchemaFileError {
            location: Box::new(Location {
                file: file.to_string(),
                path: path.to_string(),
                line_col: Some(*at),
            }),
            kind: ErrorKind::DuplicateKey(key),
        });
    }
    let schema = parser.file(&value)?;
    parser.check_type_names(&schema)?;
    Ok(schema)
}

/// serde_json's message without its own " at line L column C" suffix (we print ours).
fn syntax_message(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    }
}

struct Parser<'a> {
    file: &'a str,
    positions: &'a Positions,
}

type Res<T> = Result<T, SchemaFileError>;

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Parser<'_> {
    fn err(&self, path: &JsonPath, kind: ErrorKind) -> SchemaFileError {
        SchemaFileError {
            location: Box::new(Location {
                file: self.file.to_string(),
                path: path.to_string(),
                line_col: self.positions.find(path),
            }),
            kind,
        }
    }

    fn object<'v>(&self, v: &'v Value, path: &JsonPath) -> Res<&'v Map<String, Value>> {
        v.as_object().ok_or_else(|| {
            self.err(
                path,
                ErrorKind::WrongJsonType {
                    expected: "an object",
                    found: json_kind(v),
                },
            )
        })
    }

    fn array<'v>(&self, v: &'v Value, path: &JsonPath) -> Res<&'v Vec<Value>> {
        v.as_array().ok_or_else(|| {
            self.err(
                path,
                ErrorKind::WrongJsonType {
                    expected: "an array",
                    found: json_kind(v),
                },
            )
        })
    }

    fn string<'v>(&self, v: &'v Value, path: &JsonPath) -> Res<&'v str> {
        v.as_str().ok_or_else(|| {
            self.err(
                path,
                ErrorKind::WrongJsonType {
                    expected: "a string",
                    found: json_kind(v),
                },
            )
        })
    }

    fn boolean(&self, v: &Value, path: &JsonPath) -> Res<bool> {
        v.as_bool().ok_or_else(|| {
            self.err(
                path,
                ErrorKind::WrongJsonType {
                    expected: "true or false",
                    found: json_kind(v),
                },
            )
        })
    }

    /// Rejects keys outside `allowed` (typos would otherwise be ignored silently).
    fn only_keys(
        &self,
        map: &Map<String, Value>,
        path: &JsonPath,
        allowed: &[&str],
        expected: &'static str,
    ) -> Res<()> {
        match map.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(key) => Err(self.err(
                &path.key(key),
                ErrorKind::UnknownKey {
                    key: key.clone(),
                    expected,
                },
            )),
            None => Ok(()),
        }
    }

    fn required<'v>(
        &self,
        map: &'v Map<String, Value>,
        path: &JsonPath,
        key: &'static str,
        hint: &'static str,
    ) -> Res<&'v Value> {
        map.get(key)
            .ok_or_else(|| self.err(path, ErrorKind::MissingKey(key, hint)))
    }

    fn file(&self, v: &Value) -> Res<SchemaFile> {
        let root = JsonPath::root();
        let map = self.object(v, &root)?;
        self.only_keys(
            map,
            &root,
            &["$schema", "rust", "collections"],
            "\"$schema\", \"rust\" or \"collections\"",
        )?;
        if let Some(s) = map.get("$schema") {
            self.string(s, &root.key("$schema"))?;
        }
        let migrations_module = match map.get("rust") {
            Some(rust) => self.rust_options(rust, &root.key("rust"))?,
            None => DEFAULT_MIGRATIONS_MODULE.to_string(),
        };
        let cpath = root.key("collections");
        let collections = self.object(
            self.required(
                map,
                &root,
                "collections",
                "add \"collections\": {\"users\": {..}}",
            )?,
            &cpath,
        )?;
        if collections.is_empty() {
            return Err(self.err(
                &cpath,
                ErrorKind::Empty("there are no collections: add one, like \"users\": {..}"),
            ));
        }
        let collections = collections
            .iter()
            .map(|(name, c)| self.collection(name, c, &cpath.key(name)))
            .collect::<Res<Vec<_>>>()?;
        Ok(SchemaFile {
            migrations_module,
            collections,
        })
    }

    fn rust_options(&self, v: &Value, path: &JsonPath) -> Res<String> {
        let map = self.object(v, path)?;
        self.only_keys(map, path, &["migrations"], "\"migrations\"")?;
        let Some(m) = map.get("migrations") else {
            return Ok(DEFAULT_MIGRATIONS_MODULE.to_string());
        };
        let mpath = path.key("migrations");
        let module = self.string(m, &mpath)?;
        if syn::parse_str::<syn::Path>(module).is_err() {
            return Err(self.err(
                &mpath,
                ErrorKind::UnsafeName(format!(
                    "{module:?} is not a Rust module path: use something like \"crate::migrations\""
                )),
            ));
        }
        Ok(module.to_string())
    }

    fn collection(&self, name: &str, v: &Value, path: &JsonPath) -> Res<CollectionSpec> {
        if !names::is_safe_name(name) {
            return Err(self.err(
                path,
                ErrorKind::UnsafeName(format!(
                    "collection name {name:?} is not safe: use ASCII letters, digits and _, \
                     starting with a letter or _, at most 64 characters (it is used in SQL)"
                )),
            ));
        }
        let map = self.object(v, path)?;
        self.only_keys(
            map,
            path,
            &["typeName", "versions", "indexes"],
            "\"typeName\", \"versions\" or \"indexes\"",
        )?;
        let type_name = match map.get("typeName") {
            Some(t) => {
                let tpath = path.key("typeName");
                let t = self.string(t, &tpath)?;
                if let Some(problem) = names::type_name_problem(t) {
                    return Err(self.err(&tpath, ErrorKind::UnsafeName(problem)));
                }
                t.to_string()
            }
            None => {
                let t = names::pascal_case(name);
                if let Some(problem) = names::type_name_problem(&t) {
                    return Err(self.err(
                        path,
                        ErrorKind::UnsafeName(format!(
                            "{problem}; it comes from the collection name: set \"typeName\""
                        )),
                    ));
                }
                t
            }
        };
        let vpath = path.key("versions");
        let versions = self.array(
            self.required(
                map,
                path,
                "versions",
                "add \"versions\": [{\"version\": 1, \"fields\": {..}}]",
            )?,
            &vpath,
        )?;
        if versions.is_empty() {
            return Err(self.err(
                &vpath,
                ErrorKind::Empty("a collection needs at least one version"),
            ));
        }
        let count = versions.len();
        let versions = versions
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let version_name = if i + 1 == count {
                    type_name.clone()
                } else {
                    format!("{type_name}V{}", i + 1)
                };
                self.version(i, v, &vpath.index(i), &version_name)
            })
            .collect::<Res<Vec<_>>>()?;
        let mut spec = CollectionSpec {
            name: name.to_string(),
            type_name,
            versions,
            indexes: Vec::new(),
        };
        if let Some(idx) = map.get("indexes") {
            spec.indexes = self.indexes(&spec, idx, &path.key("indexes"))?;
        }
        // The engine's own builder has the last word on what it accepts.
        crate::defs::checked_def(&spec)
            .map_err(|e| self.err(path, ErrorKind::BadType(e.to_string())))?;
        Ok(spec)
    }

    fn version(&self, i: usize, v: &Value, path: &JsonPath, hint: &str) -> Res<VersionSpec> {
        let map = self.object(v, path)?;
        self.only_keys(
            map,
            path,
            &["version", "fields"],
            "\"version\" or \"fields\"",
        )?;
        let npath = path.key("version");
        let n = self.required(map, path, "version", "add \"version\": 1 (then 2, 3, ...)")?;
        let expected = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let found = n.as_u64().ok_or_else(|| {
            self.err(
                &npath,
                ErrorKind::WrongJsonType {
                    expected: "a whole number >= 1",
                    found: json_kind(n),
                },
            )
        })?;
        if found != u64::from(expected) {
            return Err(self.err(&npath, ErrorKind::VersionOrder { expected, found }));
        }
        let fpath = path.key("fields");
        let fields = self.required(
            map,
            path,
            "fields",
            "add \"fields\": {\"name\": \"string\"}",
        )?;
        let fields = self.fields(fields, &fpath, hint, true)?;
        Ok(VersionSpec {
            version: expected,
            fields,
        })
    }

    /// The fields of a collection version (`top`, where the auto-fields may be written
    /// out) or of an object type.
    fn fields(&self, v: &Value, path: &JsonPath, owner: &str, top: bool) -> Res<Vec<Field>> {
        let map = self.object(v, path)?;
        let mut out = Vec::new();
        let mut idents: HashMap<String, &str> = HashMap::new();
        for (name, ty) in map {
            let fpath = path.key(name);
            if let Some(problem) = names::field_name_problem(name) {
                return Err(self.err(&fpath, ErrorKind::UnsafeName(problem)));
            }
            let hint = format!("{owner}{}", names::pascal_case(name));
            let parsed = self.ty(ty, &fpath, &hint)?;
            if let (true, Some(auto)) = (top, auto_type_of(name)) {
                if parsed.kind_name() != auto {
                    return Err(self.err(&fpath, ErrorKind::ReservedField(name.clone(), auto)));
                }
                // Written out for readability: every collection has it anyway.
                continue;
            }
            check_no_auto_type(&parsed)
                .map_err(|(t, f)| self.err(&fpath, ErrorKind::AutoTypeElsewhere(t, f)))?;
            let bare = match &parsed {
                Type::Optional(inner) => inner.as_ref(),
                other => other,
            };
            if bare != &Type::Text && contains_text(bare) {
                return Err(self.err(
                    &fpath,
                    ErrorKind::BadType(
                        "text (collaborative text) is a field type of its own: it cannot sit \
                         inside an array, record or union; use \"string\" there"
                            .into(),
                    ),
                ));
            }
            let ident = names::rust_field_ident(name);
            if idents.insert(ident.clone(), name).is_some() {
                return Err(self.err(&fpath, ErrorKind::DuplicateField(name.clone(), ident)));
            }
            out.push(Field {
                name: name.clone(),
                ty: parsed,
            });
        }
        if !top && out.is_empty() {
            return Err(self.err(
                path,
                ErrorKind::Empty("an object type needs at least one field"),
            ));
        }
        Ok(out)
    }

    fn ty(&self, v: &Value, path: &JsonPath, hint: &str) -> Res<Type> {
        let (kind, map) = match v {
            Value::String(s) => (s.as_str(), None),
            Value::Object(map) => {
                let tpath = path.key("type");
                let kind = self.string(
                    self.required(
                        map,
                        path,
                        "type",
                        "a field type object needs \"type\", like {\"type\": \"array\", \"of\": \"string\"}",
                    )?,
                    &tpath,
                )?;
                (kind, Some(map))
            }
            other => {
                return Err(self.err(
                    path,
                    ErrorKind::WrongJsonType {
                        expected: "a field type: a string like \"string\" or an object like {\"type\": \"array\", \"of\": \"number\"}",
                        found: json_kind(other),
                    },
                ));
            }
        };
        let simple = match kind {
            "string" => Some(Type::String),
            "text" => Some(Type::Text),
            "number" => Some(Type::Number),
            "boolean" => Some(Type::Boolean),
            "date" => Some(Type::Date),
            "bytes" => Some(Type::Bytes),
            "key" => Some(Type::Key),
            "createdAt" => Some(Type::CreatedAt),
            "updatedAt" => Some(Type::UpdatedAt),
            _ => None,
        };
        if let Some(simple) = simple {
            if let Some(map) = map {
                self.only_keys(map, path, &["type"], "only \"type\" for this type")?;
            }
            return Ok(simple);
        }
        let Some(map) = map else {
            return Err(self.err(path, self.unknown_or_needs_object(kind)));
        };
        match kind {
            "optional" | "array" | "record" => self.wrapper(kind, map, path, hint),
            "object" => self.object_type(map, path, hint),
            "literal" => self.literal(map, path, hint),
            "union" => self.union(map, path, hint),
            _ => Err(self.err(&path.key("type"), ErrorKind::UnknownType(kind.into()))),
        }
    }

    fn unknown_or_needs_object(&self, kind: &str) -> ErrorKind {
        let example = match kind {
            "optional" | "array" | "record" => {
                format!("{{\"type\": \"{kind}\", \"of\": \"string\"}}")
            }
            "object" => "{\"type\": \"object\", \"fields\": {..}}".into(),
            "literal" => "{\"type\": \"literal\", \"value\": \"admin\"}".into(),
            "union" => "{\"type\": \"union\", \"of\": [..]}".into(),
            _ => return ErrorKind::UnknownType(kind.into()),
        };
        ErrorKind::BadType(format!(
            "\"{kind}\" needs more than a name: write it as {example}"
        ))
    }

    fn wrapper(
        &self,
        kind: &str,
        map: &Map<String, Value>,
        path: &JsonPath,
        hint: &str,
    ) -> Res<Type> {
        self.only_keys(map, path, &["type", "of"], "\"type\" and \"of\"")?;
        let inner_hint = match kind {
            "array" => format!("{hint}Item"),
            "record" => format!("{hint}Value"),
            _ => hint.to_string(),
        };
        let of = self.required(map, path, "of", "say what it holds: \"of\": \"string\"")?;
        let opath = path.key("of");
        let inner = self.ty(of, &opath, &inner_hint)?;
        Ok(match kind {
            "optional" => {
                if matches!(inner, Type::Optional(_)) {
                    return Err(self.err(
                        &opath,
                        ErrorKind::BadType(
                            "an optional inside an optional cannot be told apart from one optional: remove one".into(),
                        ),
                    ));
                }
                Type::Optional(Box::new(inner))
            }
            "array" => Type::Array(Box::new(inner)),
            _ => Type::Record(Box::new(inner)),
        })
    }

    /// The `name` of a named type, checked, or the default built from the field path.
    fn type_name(&self, map: &Map<String, Value>, path: &JsonPath, hint: &str) -> Res<String> {
        let Some(n) = map.get("name") else {
            return Ok(hint.to_string());
        };
        let npath = path.key("name");
        let n = self.string(n, &npath)?;
        if let Some(problem) = names::type_name_problem(n) {
            return Err(self.err(&npath, ErrorKind::UnsafeName(problem)));
        }
        Ok(n.to_string())
    }

    fn object_type(&self, map: &Map<String, Value>, path: &JsonPath, hint: &str) -> Res<Type> {
        self.only_keys(
            map,
            path,
            &["type", "name", "fields"],
            "\"type\", \"name\" and \"fields\"",
        )?;
        let name = self.type_name(map, path, hint)?;
        let fields = self.required(
            map,
            path,
            "fields",
            "add \"fields\": {\"city\": \"string\"}",
        )?;
        let fields = self.fields(fields, &path.key("fields"), &name, false)?;
        Ok(Type::Object(ObjectType {
            name,
            fields,
            decl: Decl(path.clone()),
        }))
    }

    fn literal(&self, map: &Map<String, Value>, path: &JsonPath, hint: &str) -> Res<Type> {
        self.only_keys(
            map,
            path,
            &["type", "name", "value"],
            "\"type\", \"name\" and \"value\"",
        )?;
        let vpath = path.key("value");
        let value = match self.required(map, path, "value", "add \"value\": \"admin\"")? {
            Value::String(s) => Literal::String(s.clone()),
            Value::Bool(b) => Literal::Bool(*b),
            Value::Number(n) => match (n.as_i64(), n.as_f64()) {
                (Some(i), _) => Literal::Int(i),
                (None, Some(f)) if n.is_f64() && f.is_finite() => Literal::Float(f),
                _ => {
                    return Err(self.err(
                        &vpath,
                        ErrorKind::BadType(format!(
                            "literal number {n} is out of range: use a 64-bit integer or a float"
                        )),
                    ));
                }
            },
            other => {
                return Err(self.err(
                    &vpath,
                    ErrorKind::WrongJsonType {
                        expected: "a string, number or boolean",
                        found: json_kind(other),
                    },
                ));
            }
        };
        let default_name = match &value {
            Literal::String(s) => {
                names::variant_name(s).map_or_else(|| hint.to_string(), |v| format!("{hint}{v}"))
            }
            _ => hint.to_string(),
        };
        let name = if map.contains_key("name") {
            self.type_name(map, path, hint)?
        } else {
            default_name
        };
        Ok(Type::Literal(LiteralType {
            name,
            value,
            decl: Decl(path.clone()),
        }))
    }

    fn union(&self, map: &Map<String, Value>, path: &JsonPath, hint: &str) -> Res<Type> {
        self.only_keys(
            map,
            path,
            &["type", "name", "of"],
            "\"type\", \"name\" and \"of\"",
        )?;
        let name = self.type_name(map, path, hint)?;
        let opath = path.key("of");
        let of = self.array(
            self.required(map, path, "of", "list the variants: \"of\": [..]")?,
            &opath,
        )?;
        if of.is_empty() {
            return Err(self.err(
                &opath,
                ErrorKind::Empty("a union needs at least one variant"),
            ));
        }
        let mut variants = Vec::new();
        for (i, v) in of.iter().enumerate() {
            let vpath = opath.index(i);
            let variant = self.ty(v, &vpath, &format!("{name}{}", i + 1))?;
            if matches!(variant, Type::Optional(_)) {
                return Err(self.err(
                    &vpath,
                    ErrorKind::BadType(
                        "a union variant cannot be optional: make the whole field optional instead"
                            .into(),
                    ),
                ));
            }
            variants.push(variant);
        }
        let union = UnionType {
            name,
            variants,
            decl: Decl(path.clone()),
        };
        if let Some(values) = union.string_literals() {
            let mut seen = HashSet::new();
            if let Some(i) = values.iter().position(|v| !seen.insert(*v)) {
                return Err(self.err(
                    &opath.index(i),
                    ErrorKind::BadType(format!(
                        "literal {:?} is listed twice in this union: remove one",
                        values[i]
                    )),
                ));
            }
        }
        Ok(Type::Union(union))
    }

    fn indexes(&self, spec: &CollectionSpec, v: &Value, path: &JsonPath) -> Res<Vec<IndexSpec>> {
        let list = self.array(v, path)?;
        let mut names_seen = HashSet::new();
        let mut out = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let ipath = path.index(i);
            let index = self.index(spec, item, &ipath)?;
            let name = index.effective_name();
            if !names_seen.insert(name.clone()) {
                return Err(self.err(
                    &ipath,
                    ErrorKind::BadIndex(format!(
                        "index {name:?} is defined twice: remove one or give it another \"name\""
                    )),
                ));
            }
            out.push(index);
        }
        Ok(out)
    }

    fn index(&self, spec: &CollectionSpec, v: &Value, path: &JsonPath) -> Res<IndexSpec> {
        let map = self.object(v, path)?;
        self.only_keys(
            map,
            path,
            &["fields", "unique", "sparse", "name"],
            "\"fields\", \"unique\", \"sparse\" or \"name\"",
        )?;
        let flag = |key: &str| -> Res<bool> {
            map.get(key)
                .map_or(Ok(false), |b| self.boolean(b, &path.key(key)))
        };
        let (unique, sparse) = (flag("unique")?, flag("sparse")?);
        let name = match map.get("name") {
            Some(n) => {
                let npath = path.key("name");
                let n = self.string(n, &npath)?;
                if !names::is_safe_name(n) {
                    return Err(self.err(
                        &npath,
                        ErrorKind::UnsafeName(format!(
                            "index name {n:?} is not safe: use ASCII letters, digits and _, \
                             starting with a letter or _ (it is used in SQL)"
                        )),
                    ));
                }
                Some(n.to_string())
            }
            None => None,
        };
        let fpath = path.key("fields");
        let list = self.array(
            self.required(map, path, "fields", "add \"fields\": [\"email\"]")?,
            &fpath,
        )?;
        if list.is_empty() {
            return Err(self.err(
                &fpath,
                ErrorKind::Empty("an index needs at least one field"),
            ));
        }
        if sparse && list.len() > 1 {
            return Err(self.err(
                &path.key("sparse"),
                ErrorKind::BadIndex(
                    "a sparse index covers one field: remove \"sparse\" or index one field".into(),
                ),
            ));
        }
        let mut fields: Vec<(String, bool)> = Vec::new();
        for (i, f) in list.iter().enumerate() {
            let epath = fpath.index(i);
            let (field, desc) = self.index_field(f, &epath)?;
            self.check_index_path(spec, &field, &epath)?;
            if fields.iter().any(|(x, _)| *x == field) {
                return Err(self.err(
                    &epath,
                    ErrorKind::BadIndex(format!("{field:?} is listed twice in this index")),
                ));
            }
            fields.push((field, desc));
        }
        Ok(IndexSpec {
            name,
            fields,
            unique,
            sparse,
        })
    }

    /// `"email"` or `{"field": "createdAt", "order": "desc"}`.
    fn index_field(&self, v: &Value, path: &JsonPath) -> Res<(String, bool)> {
        if let Value::String(s) = v {
            return Ok((s.clone(), false));
        }
        let map = self.object(v, path).map_err(|_| {
            self.err(
                path,
                ErrorKind::WrongJsonType {
                    expected: "a field name or {\"field\": .., \"order\": \"asc\" | \"desc\"}",
                    found: json_kind(v),
                },
            )
        })?;
        self.only_keys(map, path, &["field", "order"], "\"field\" and \"order\"")?;
        let field = self.string(
            self.required(
                map,
                path,
                "field",
                "name the field: \"field\": \"createdAt\"",
            )?,
            &path.key("field"),
        )?;
        let desc = match map.get("order") {
            None => false,
            Some(o) => match self.string(o, &path.key("order"))? {
                "asc" => false,
                "desc" => true,
                other => {
                    return Err(self.err(
                        &path.key("order"),
                        ErrorKind::BadIndex(format!("order {other:?} is not \"asc\" or \"desc\"")),
                    ));
                }
            },
        };
        Ok((field.to_string(), desc))
    }

    /// The dot path must reach an indexable field of the newest version.
    fn check_index_path(&self, spec: &CollectionSpec, field: &str, path: &JsonPath) -> Res<()> {
        let fields = spec.current().map(|v| v.fields.as_slice()).unwrap_or(&[]);
        let known = || {
            let mut all: Vec<&str> = vec!["id", "createdAt", "updatedAt"];
            all.extend(fields.iter().map(|f| f.name.as_str()));
            all.join(", ")
        };
        let mut segs = field.split('.');
        let head = segs.next().unwrap_or_default();
        let mut ty = match auto_type_of(head) {
            Some("key") => Type::Key,
            Some("createdAt") => Type::CreatedAt,
            Some(_) => Type::UpdatedAt,
            None => match fields.iter().find(|f| f.name == head) {
                Some(f) => f.ty.clone(),
                None => {
                    return Err(self.err(path, ErrorKind::IndexUnknownField(field.into(), known())));
                }
            },
        };
        for seg in segs {
            let inner = match &ty {
                Type::Optional(inner) => inner.as_ref().clone(),
                other => other.clone(),
            };
            let Type::Object(o) = inner else {
                return Err(self.err(path, ErrorKind::IndexUnknownField(field.into(), known())));
            };
            let Some(f) = o.fields.iter().find(|f| f.name == seg) else {
                return Err(self.err(path, ErrorKind::IndexUnknownField(field.into(), known())));
            };
            if names::is_rust_keyword(seg) {
                return Err(self.err(
                    path,
                    ErrorKind::BadIndex(format!(
                        "{seg:?} is a Rust keyword, which the derive cannot take in an index path: rename the field"
                    )),
                ));
            }
            ty = f.ty.clone();
        }
        if !ty.is_indexable() {
            return Err(self.err(
                path,
                ErrorKind::BadIndex(format!(
                    "{field:?} is {}, which cannot be indexed: index a string, text, number, \
                     boolean, date or literal field (or an optional of one)",
                    ty.kind_name()
                )),
            ));
        }
        Ok(())
    }

    /// Every named type has one definition, and no two names clash in the output.
    fn check_type_names(&self, schema: &SchemaFile) -> Res<()> {
        let mut seen: HashMap<String, Option<&Type>> = HashMap::new();
        for c in &schema.collections {
            for v in &c.versions {
                for name in [
                    c.struct_name(v.version),
                    format!("{}Write", c.struct_name(v.version)),
                    format!("{}Fields", c.struct_name(v.version)),
                ] {
                    if seen.insert(name.clone(), None).is_some() {
                        return Err(self.err(
                            &JsonPath::root().key("collections").key(&c.name),
                            ErrorKind::TypeNameClash(name),
                        ));
                    }
                }
            }
        }
        for c in &schema.collections {
            for v in &c.versions {
                for f in &v.fields {
                    let mut clash = None;
                    walk_named(&f.ty, &mut |t| {
                        let Some(name) = type_name(t) else { return };
                        for candidate in [name.to_string(), format!("{name}Write")] {
                            match seen.get(&candidate) {
                                Some(Some(prev)) if candidate == name && *prev == t => {}
                                Some(_) if clash.is_none() => clash = Some((name.to_string(), t)),
                                Some(_) => {}
                                None if candidate == name => {
                                    seen.insert(candidate, Some(t));
                                }
                                None => {}
                            }
                        }
                    });
                    if let Some((name, t)) = clash {
                        return Err(self.err(&decl_path(t), ErrorKind::TypeNameClash(name)));
                    }
                }
            }
        }
        Ok(())
    }
}

fn decl_path(t: &Type) -> JsonPath {
    match t {
        Type::Object(o) => o.decl.0.clone(),
        Type::Union(u) => u.decl.0.clone(),
        Type::Literal(l) => l.decl.0.clone(),
        _ => JsonPath::root(),
    }
}

/// The auto-field type a reserved name must have.
fn auto_type_of(name: &str) -> Option<&'static str> {
    match name {
        "id" => Some("key"),
        "createdAt" => Some("createdAt"),
        "updatedAt" => Some("updatedAt"),
        _ => None,
    }
}

/// Auto types (key, createdAt, updatedAt) only stand for the top-level auto-fields.
fn check_no_auto_type(ty: &Type) -> Result<(), (&'static str, &'static str)> {
    match ty {
        Type::Key => Err(("key", "id")),
        Type::CreatedAt => Err(("createdAt", "createdAt")),
        Type::UpdatedAt => Err(("updatedAt", "updatedAt")),
        Type::Optional(i) | Type::Array(i) | Type::Record(i) => check_no_auto_type(i),
        Type::Union(u) => u.variants.iter().try_for_each(check_no_auto_type),
        _ => Ok(()),
    }
}

/// True when `ty` holds text below its own level (objects are checked on their own).
fn contains_text(ty: &Type) -> bool {
    match ty {
        Type::Text => true,
        Type::Optional(i) | Type::Array(i) | Type::Record(i) => contains_text(i),
        Type::Union(u) => u.variants.iter().any(contains_text),
        _ => false,
    }
}
