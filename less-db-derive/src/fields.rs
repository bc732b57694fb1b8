//! A struct's fields as the derive sees them: stored name, role and schema expression.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Fields, Ident, Type};

use crate::serde_attr;
use crate::types;

/// What the engine does with a field.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Plain,
    Key,
    CreatedAt,
    UpdatedAt,
}

impl Role {
    /// The attribute that marks the role and the stored name the engine uses.
    pub fn attr_and_name(self) -> Option<(&'static str, &'static str)> {
        match self {
            Role::Plain => None,
            Role::Key => Some(("key", "id")),
            Role::CreatedAt => Some(("created_at", "createdAt")),
            Role::UpdatedAt => Some(("updated_at", "updatedAt")),
        }
    }
}

/// Whether an index may cover a field.
pub enum Indexable {
    Yes,
    No(&'static str),
    /// Known only after type checking: `<T as Schema>::INDEXABLE`.
    ByTrait(Box<Type>),
}

pub struct Field {
    pub ident: Ident,
    pub vis: syn::Visibility,
    /// The value type a typed query or patch of this field uses.
    pub query_ty: TokenStream,
    pub stored: String,
    pub role: Role,
    pub role_span: Span,
    pub node: TokenStream,
    pub indexable: Indexable,
}

/// The named fields of a struct, or errors for every mistake found.
pub fn struct_fields(input: &DeriveInput, derive: &str) -> syn::Result<Vec<Field>> {
    let ident = &input.ident;
    let fields = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(named) => &named.named,
            Fields::Unnamed(_) => {
                return Err(syn::Error::new(
                    ident.span(),
                    format!(
                        "#[derive({derive})] needs named fields: a record is a JSON object, \
                         so write `struct {ident} {{ name: Type, .. }}`"
                    ),
                ));
            }
            Fields::Unit => {
                return Err(syn::Error::new(
                    ident.span(),
                    format!(
                        "#[derive({derive})] needs a struct with named fields, `{ident}` has none"
                    ),
                ));
            }
        },
        Data::Enum(e) if derive == "Collection" => {
            return Err(syn::Error::new(
                e.enum_token.span,
                "#[derive(Collection)] needs a struct with named fields: a record is an object",
            ));
        }
        Data::Enum(_) => return unreachable_enum(ident),
        Data::Union(u) => {
            return Err(syn::Error::new(
                u.union_token.span,
                format!("#[derive({derive})] does not support unions: use a struct"),
            ));
        }
    };
    let container = serde_attr::container(&input.attrs)?;
    if let Some((kind, span)) = container.layout {
        return Err(syn::Error::new(
            span,
            format!(
                "serde `{kind}` changes the stored layout, which less-db schemas cannot describe: remove it"
            ),
        ));
    }
    let mut out = Vec::new();
    let mut errors = Errors::default();
    for f in fields {
        let Some(fident) = f.ident.clone() else {
            continue;
        };
        match field(f, fident, ident, container.rename_all) {
            Ok(Some(field)) => out.push(field),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    errors.finish()?;
    Ok(out)
}

fn unreachable_enum(ident: &Ident) -> syn::Result<Vec<Field>> {
    Err(syn::Error::new(
        ident.span(),
        "internal: enums are handled by the enum derive",
    ))
}

fn field(
    f: &syn::Field,
    ident: Ident,
    owner: &Ident,
    rename_all: Option<crate::case::RenameRule>,
) -> syn::Result<Option<Field>> {
    let serde = serde_attr::member(&f.attrs)?;
    let marks = Marks::parse(&f.attrs)?;
    if serde.skip {
        return Ok(None);
    }
    if let Some(span) = serde.flatten {
        return Err(syn::Error::new(
            span,
            "#[serde(flatten)] is not supported: declare the fields here, or keep them in a \
             nested #[derive(Schema)] struct field",
        ));
    }
    let raw = ident.to_string();
    let raw = raw.strip_prefix("r#").unwrap_or(&raw).to_string();
    let stored = serde
        .rename
        .clone()
        .unwrap_or_else(|| rename_all.map_or_else(|| raw.clone(), |r| r.apply_to_field(&raw)));
    let (node, indexable) = node_for(f, &marks, serde.custom_with, owner)?;
    let query_ty = query_type(&f.ty, &marks);
    Ok(Some(Field {
        ident,
        vis: f.vis.clone(),
        query_ty,
        stored,
        role: marks.role,
        role_span: marks.role_span,
        node,
        indexable,
    }))
}

/// The type a typed query sees: a `#[bytes]` `Vec<u8>` is compared as base64 bytes.
fn query_type(ty: &Type, marks: &Marks) -> TokenStream {
    if marks.bytes.is_none() {
        return quote!(#ty);
    }
    let (depth, _) = types::peel_options(ty);
    (0..depth).fold(
        quote!(::less_db::typed::Bytes),
        |acc, _| quote!(::std::option::Option<#acc>),
    )
}

/// The less-db attributes on one field.
struct Marks {
    role: Role,
    role_span: Span,
    text: Option<Span>,
    bytes: Option<Span>,
}

impl Marks {
    fn parse(attrs: &[Attribute]) -> syn::Result<Self> {
        let mut marks = Marks {
            role: Role::Plain,
            role_span: Span::call_site(),
            text: None,
            bytes: None,
        };
        for attr in attrs {
            let Some(name) = attr.path().get_ident().map(ToString::to_string) else {
                continue;
            };
            let role = match name.as_str() {
                "key" => Role::Key,
                "created_at" => Role::CreatedAt,
                "updated_at" => Role::UpdatedAt,
                "text" => {
                    attr.meta.require_path_only()?;
                    marks.text = Some(attr.path().span());
                    continue;
                }
                "bytes" => {
                    attr.meta.require_path_only()?;
                    marks.bytes = Some(attr.path().span());
                    continue;
                }
                _ => continue,
            };
            attr.meta.require_path_only()?;
            if marks.role != Role::Plain {
                return Err(syn::Error::new(
                    attr.path().span(),
                    "a field has at most one of #[key], #[created_at] and #[updated_at]",
                ));
            }
            marks.role = role;
            marks.role_span = attr.path().span();
        }
        Ok(marks)
    }
}

fn node_for(
    f: &syn::Field,
    marks: &Marks,
    custom_with: bool,
    owner: &Ident,
) -> syn::Result<(TokenStream, Indexable)> {
    let ty = &f.ty;
    let (depth, core) = types::peel_options(ty);
    let wrap = |inner: TokenStream| {
        (0..depth).fold(inner, |acc, _| quote!(::less_db::schema::node::SchemaNode::Optional(::std::boxed::Box::new(#acc))))
    };
    let node = |variant: &str| {
        let v = Ident::new(variant, Span::call_site());
        quote!(::less_db::schema::node::SchemaNode::#v)
    };
    match marks.role {
        Role::Key => {
            if depth > 0 || !types::is_named(core, "String") {
                return Err(syn::Error::new(
                    ty.span(),
                    "#[key] marks the record id, which is a String: change the type to String",
                ));
            }
            return Ok((node("Key"), Indexable::Yes));
        }
        Role::CreatedAt | Role::UpdatedAt => {
            if depth > 0 || !types::is_named(core, "DateTime") {
                let (attr, _) = marks.role.attr_and_name().unwrap_or_default();
                return Err(syn::Error::new(
                    ty.span(),
                    format!(
                        "#[{attr}] is a timestamp the engine sets: change the type to chrono::DateTime<Utc>"
                    ),
                ));
            }
            let v = if marks.role == Role::CreatedAt {
                "CreatedAt"
            } else {
                "UpdatedAt"
            };
            return Ok((node(v), Indexable::Yes));
        }
        Role::Plain => {}
    }
    if let Some(span) = marks.text {
        if !types::is_named(core, "String") {
            return Err(syn::Error::new(
                span,
                "#[text] makes a String collaborative text; this field is not a String: \
                 remove #[text] or change the type to String",
            ));
        }
        return Ok((wrap(node("Text")), Indexable::Yes));
    }
    if let Some(span) = marks.bytes {
        if !types::is_vec_u8(core) {
            return Err(syn::Error::new(
                span,
                "#[bytes] is for Vec<u8> fields; for other types remove it (use less_db::typed::Bytes for binary data)",
            ));
        }
        if !custom_with {
            let with = if depth > 0 {
                "less_db::typed::base64::option"
            } else {
                "less_db::typed::base64"
            };
            return Err(syn::Error::new(
                span,
                format!(
                    "a #[bytes] field is stored as base64, but serde writes Vec<u8> as numbers: add #[serde(with = \"{with}\")]"
                ),
            ));
        }
        return Ok((wrap(node("Bytes")), Indexable::No("bytes")));
    }
    if types::is_vec_u8(core) {
        return Err(syn::Error::new(
            ty.span(),
            "Vec<u8> is ambiguous: use less_db::typed::Bytes for binary data (stored as base64, \
             like a JS Uint8Array), or mark the field #[bytes] with \
             #[serde(with = \"less_db::typed::base64\")]",
        ));
    }
    if let Some(why) = types::unsupported_syntax(ty) {
        return Err(syn::Error::new(
            ty.span(),
            format!("unsupported field type: {why}"),
        ));
    }
    if types::mentions(ty, owner) || types::mentions(ty, &Ident::new("Self", Span::call_site())) {
        return Err(syn::Error::new(
            ty.span(),
            format!(
                "`{owner}` contains itself: a schema is a finite tree, so recursive types cannot be stored"
            ),
        ));
    }
    let expr = quote_spanned!(ty.span()=> <#ty as ::less_db::typed::Schema>::schema());
    let indexable = match types::container_kind(core) {
        Some(kind) => Indexable::No(kind),
        None => Indexable::ByTrait(Box::new(ty.clone())),
    };
    Ok((expr, indexable))
}

/// Collects errors so one compile shows every mistake.
#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    pub fn push(&mut self, e: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }

    /// The collected errors; called only after at least one was pushed.
    pub fn into_error(self) -> syn::Error {
        self.0
            .unwrap_or_else(|| syn::Error::new(Span::call_site(), "invalid definition"))
    }

    pub fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

/// The `Object` node of `fields`.
pub fn object_node<'a>(fields: impl IntoIterator<Item = &'a Field>) -> TokenStream {
    let entries = fields.into_iter().map(|f| {
        let name = &f.stored;
        let node = &f.node;
        quote!((::std::string::String::from(#name), #node))
    });
    quote!(::std::collections::BTreeMap::from([#(#entries),*]))
}
