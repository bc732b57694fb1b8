//! `#[derive(Collection)]`: the collection attributes, their compile-time checks, and
//! the generated `Schema` and `Collection` impls.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident, LitInt, LitStr, Token};

use crate::fields::{self, Errors, Field, Indexable, Role};

const AUTO_FIELDS: [&str; 3] = ["id", "createdAt", "updatedAt"];

pub fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let head = collection_attr(input).map_err(|e| errors.push(e)).ok();
    let fields = fields::struct_fields(input, "Collection")
        .map_err(|e| errors.push(e))
        .ok();
    if !input.generics.params.is_empty() {
        errors.push(syn::Error::new(
            input.generics.span(),
            "#[derive(Collection)] needs a concrete struct: remove the generic parameters \
             (generic nested types can derive Schema)",
        ));
    }
    let (Some(head), Some(fields)) = (head, fields) else {
        return Err(errors.into_error());
    };
    check_fields(input, &fields, &mut errors);
    let indexes = index_attrs(input, &fields, &mut errors);
    errors.finish()?;
    Ok(generate(input, &head, &fields, &indexes))
}

struct Head {
    name: String,
    version: u32,
    /// For version 2 and later: the previous version's struct and the migration.
    previous: Option<(syn::Path, syn::Path)>,
}

fn collection_attr(input: &DeriveInput) -> syn::Result<Head> {
    let mut found = None;
    for attr in input
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("collection"))
    {
        if found.is_some() {
            return Err(syn::Error::new(
                attr.span(),
                "#[collection(..)] is given twice: keep one",
            ));
        }
        let (mut name, mut version) = (None::<LitStr>, None::<LitInt>);
        let (mut from, mut migrate) = (None::<syn::Path>, None::<syn::Path>);
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("name") {
                name = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("version") {
                version = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("migrate_from") {
                from = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("migrate") {
                migrate = Some(meta.value()?.parse()?);
            } else {
                return Err(meta.error(
                    "unknown collection option: expected `name = \"..\"`, `version = N`, \
                     `migrate_from = PreviousStruct` or `migrate = path::to_fn`",
                ));
            }
            Ok(())
        })?;
        let name = name.ok_or_else(|| {
            syn::Error::new(
                attr.span(),
                "#[collection(..)] needs a name: #[collection(name = \"users\")]",
            )
        })?;
        if !is_safe_name(&name.value()) {
            return Err(syn::Error::new(
                name.span(),
                "the collection name is used in SQL: use ASCII letters, digits and _, starting \
                 with a letter or _, at most 64 characters (e.g. \"user_profiles\")",
            ));
        }
        let (version, previous) =
            check_version(attr, &input.ident, version.as_ref(), from, migrate)?;
        found = Some(Head {
            name: name.value(),
            version,
            previous,
        });
    }
    found.ok_or_else(|| {
        syn::Error::new(
            input.ident.span(),
            format!(
                "#[derive(Collection)] needs a collection name: add #[collection(name = \"{}\")] to `{}`",
                default_name(&input.ident),
                input.ident
            ),
        )
    })
}

type Previous = Option<(syn::Path, syn::Path)>;

/// The version number, and for versions after the first the previous version's struct
/// and the migration function, which they must have.
fn check_version(
    attr: &syn::Attribute,
    ident: &Ident,
    lit: Option<&LitInt>,
    from: Option<syn::Path>,
    migrate: Option<syn::Path>,
) -> syn::Result<(u32, Previous)> {
    let v: u32 = match lit {
        Some(lit) => lit.base10_parse()?,
        None => 1,
    };
    let span = lit.map_or_else(|| attr.span(), LitInt::span);
    if v == 0 {
        return Err(syn::Error::new(
            span,
            "versions start at 1: use version = 1",
        ));
    }
    match (v, from, migrate) {
        (1, None, None) => Ok((1, None)),
        (1, Some(path), _) | (1, None, Some(path)) => Err(syn::Error::new(
            path.span(),
            "version 1 is the first version and migrates from nothing: remove \
             `migrate_from` and `migrate`, or set `version = 2` or later",
        )),
        (v, Some(from), Some(migrate)) => Ok((v, Some((from, migrate)))),
        (v, None, Some(migrate)) => Err(syn::Error::new(
            migrate.span(),
            format!(
                "a migration needs the struct it migrates from: add `migrate_from = {ident}V{}` \
                 (the struct of version {})",
                v - 1,
                v - 1
            ),
        )),
        (v, from, None) => Err(syn::Error::new(
            from.as_ref().map_or(span, Spanned::span),
            format!(
                "version {v} needs the migration from version {prev}: add `migrate_from = \
                 {ident}V{prev}, migrate = path::to_fn` where `fn({ident}V{prev}) -> {ident}` \
                 turns a version {prev} record into a version {v} one",
                prev = v - 1
            ),
        )),
    }
}

fn default_name(ident: &Ident) -> String {
    let snake = crate::case::RenameRule::Snake.apply_to_variant(&ident.to_string());
    format!("{snake}s")
}

pub(crate) fn is_safe_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 64
}

fn check_fields(input: &DeriveInput, fields: &[Field], errors: &mut Errors) {
    let mut seen_roles: HashMap<&str, ()> = HashMap::new();
    let mut stored: HashMap<&str, &Ident> = HashMap::new();
    for f in fields {
        if let Some((attr, name)) = f.role.attr_and_name() {
            if seen_roles.insert(attr, ()).is_some() {
                errors.push(syn::Error::new(
                    f.role_span,
                    format!("a collection has one #[{attr}] field: remove this one"),
                ));
            }
            if f.stored != name {
                errors.push(syn::Error::new(
                    f.ident.span(),
                    format!(
                        "the #[{attr}] field is stored as `{name}` (the name JS uses), but this one \
                         is stored as `{}`: add #[serde(rename = \"{name}\")]",
                        f.stored
                    ),
                ));
            }
        } else if AUTO_FIELDS.contains(&f.stored.as_str()) {
            let attr = match f.stored.as_str() {
                "id" => "key",
                "createdAt" => "created_at",
                _ => "updated_at",
            };
            errors.push(syn::Error::new(
                f.ident.span(),
                format!(
                    "`{}` is reserved for the field the engine fills in: mark this field \
                     #[{attr}] or rename it",
                    f.stored
                ),
            ));
        } else if !is_safe_name(&f.stored) {
            errors.push(syn::Error::new(
                f.ident.span(),
                format!(
                    "field name `{}` is used in SQL: use ASCII letters, digits and _ \
                     (check the serde rename / rename_all)",
                    f.stored
                ),
            ));
        }
        if let Some(other) = stored.insert(&f.stored, &f.ident) {
            errors.push(syn::Error::new(
                f.ident.span(),
                format!(
                    "`{}` and `{other}` are both stored as `{}`: rename one",
                    f.ident, f.stored
                ),
            ));
        }
    }
    if !fields.iter().any(|f| f.role == Role::Key) {
        errors.push(syn::Error::new(
            input.ident.span(),
            "a collection needs a record id: add `#[key] pub id: String`",
        ));
    }
}

/// One `#[index(..)]`, checked.
struct Index {
    tokens: TokenStream,
}

pub(crate) struct IndexArgs {
    pub(crate) fields: Vec<(Vec<Ident>, bool)>,
    pub(crate) unique: bool,
    pub(crate) sparse: bool,
    pub(crate) name: Option<LitStr>,
    pub(crate) compute: Option<syn::Path>,
}

impl Parse for IndexArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = IndexArgs {
            fields: Vec::new(),
            unique: false,
            sparse: false,
            name: None,
            compute: None,
        };
        let items = Punctuated::<IndexItem, Token![,]>::parse_terminated(input)?;
        for item in items {
            match item {
                IndexItem::Unique => args.unique = true,
                IndexItem::Sparse => args.sparse = true,
                IndexItem::Name(n) => args.name = Some(n),
                IndexItem::Compute(p) => args.compute = Some(p),
                IndexItem::Field(path, desc) => args.fields.push((path, desc)),
            }
        }
        Ok(args)
    }
}

enum IndexItem {
    Unique,
    Sparse,
    Name(LitStr),
    Compute(syn::Path),
    Field(Vec<Ident>, bool),
}

impl Parse for IndexItem {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let first: Ident = input.parse()?;
        let word = first.to_string();
        let at_end = input.is_empty() || input.peek(Token![,]);
        if at_end && word == "unique" {
            return Ok(IndexItem::Unique);
        }
        if at_end && word == "sparse" {
            return Ok(IndexItem::Sparse);
        }
        if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            return match word.as_str() {
                "name" => Ok(IndexItem::Name(input.parse()?)),
                "compute" => Ok(IndexItem::Compute(input.parse()?)),
                _ => Err(syn::Error::new(
                    first.span(),
                    format!(
                        "unknown index option `{word}`: expected a field, `unique`, `sparse`, `name = \"..\"` or `compute = path::to_fn`"
                    ),
                )),
            };
        }
        let mut path = vec![first];
        while input.peek(Token![.]) {
            input.parse::<Token![.]>()?;
            path.push(input.parse()?);
        }
        let mut desc = false;
        if input.peek(Ident) {
            let dir: Ident = input.parse()?;
            match dir.to_string().as_str() {
                "desc" => desc = true,
                "asc" => {}
                _ => {
                    return Err(syn::Error::new(
                        dir.span(),
                        "after a field only `asc` or `desc` may follow; separate items with `,`",
                    ));
                }
            }
        }
        Ok(IndexItem::Field(path, desc))
    }
}

fn index_attrs(input: &DeriveInput, fields: &[Field], errors: &mut Errors) -> Vec<Index> {
    let mut out = Vec::new();
    let mut names: HashMap<String, ()> = HashMap::new();
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("index")) {
        match attr
            .parse_args::<IndexArgs>()
            .and_then(|args| index(attr, &args, fields))
        {
            Ok((name, index)) => {
                if names.insert(name.clone(), ()).is_some() {
                    errors.push(syn::Error::new(
                        attr.span(),
                        format!("index `{name}` is defined twice: remove this one or give it another name = \"..\""),
                    ));
                }
                out.push(index);
            }
            Err(e) => errors.push(e),
        }
    }
    out
}

fn index(
    attr: &syn::Attribute,
    args: &IndexArgs,
    fields: &[Field],
) -> syn::Result<(String, Index)> {
    if let Some(compute) = &args.compute {
        return computed_index(attr, args, compute, fields);
    }
    if args.fields.is_empty() {
        return Err(syn::Error::new(
            attr.span(),
            "this index names no field: #[index(field)] or #[index(a, b)]",
        ));
    }
    if args.sparse && args.fields.len() > 1 {
        return Err(syn::Error::new(
            attr.span(),
            "a sparse index covers one field: remove `sparse` or index one field",
        ));
    }
    let mut paths = Vec::new();
    let mut checks = Vec::new();
    let mut descs = Vec::new();
    for (path, desc) in &args.fields {
        let (stored, check) = index_field(path, fields)?;
        if paths.contains(&stored) {
            return Err(syn::Error::new(
                path[0].span(),
                format!("`{stored}` is listed twice in this index"),
            ));
        }
        if *desc {
            descs.push(stored.clone());
        }
        checks.extend(check);
        paths.push(stored);
    }
    let name = args.name.as_ref().map_or_else(
        || {
            format!(
                "idx_{}",
                paths
                    .iter()
                    .map(|p| p.replace('.', "_"))
                    .collect::<Vec<_>>()
                    .join("_")
            )
        },
        LitStr::value,
    );
    if let Some(lit) = &args.name
        && !is_safe_name(&lit.value())
    {
        return Err(syn::Error::new(
            lit.span(),
            "index names are used in SQL: use ASCII letters, digits and _",
        ));
    }
    let spec = index_spec(&paths, &descs, args);
    let tokens = quote! {
        #(#checks)*
        let builder = builder.index(#spec);
    };
    Ok((name, Index { tokens }))
}

/// The stored path of an index field, and a compile-time check when indexability is
/// decided by the field's type.
fn index_field(path: &[Ident], fields: &[Field]) -> syn::Result<(String, Option<TokenStream>)> {
    let head = &path[0];
    let Some(field) = fields.iter().find(|f| f.ident == *head) else {
        let names: Vec<_> = fields.iter().map(|f| f.ident.to_string()).collect();
        return Err(syn::Error::new(
            head.span(),
            format!(
                "no field `{head}` to index: index one of {}",
                names.join(", ")
            ),
        ));
    };
    let mut stored = field.stored.clone();
    for seg in &path[1..] {
        stored.push('.');
        stored.push_str(&seg.to_string());
    }
    if path.len() > 1 {
        // The nested path is checked by the collection builder when def() runs.
        return Ok((stored, None));
    }
    match &field.indexable {
        Indexable::Yes => Ok((stored, None)),
        Indexable::No(kind) => Err(syn::Error::new(
            head.span(),
            format!(
                "`{head}` is {kind}, which cannot be indexed: index a scalar field (string, number, boolean, date), or use #[index(name = \"..\", compute = path::to_fn)]"
            ),
        )),
        Indexable::ByTrait(ty) => {
            let check = quote_spanned! {head.span()=>
                ::less_db::typed::__private::indexable::<#ty>();
            };
            Ok((stored, Some(check)))
        }
    }
}

fn computed_index(
    attr: &syn::Attribute,
    args: &IndexArgs,
    compute: &syn::Path,
    fields: &[Field],
) -> syn::Result<(String, Index)> {
    if let Some((path, _)) = args.fields.first() {
        return Err(syn::Error::new(
            path[0].span(),
            "a computed index takes no fields: the function computes the value",
        ));
    }
    let Some(name) = &args.name else {
        return Err(syn::Error::new(
            attr.span(),
            "a computed index needs a name: #[index(name = \"email_lower\", compute = path::to_fn)]",
        ));
    };
    if !is_safe_name(&name.value()) {
        return Err(syn::Error::new(
            name.span(),
            "index names are used in SQL: use ASCII letters, digits and _",
        ));
    }
    if fields.iter().any(|f| f.stored == name.value()) {
        return Err(syn::Error::new(
            name.span(),
            "a computed index cannot share its name with a field: rename the index",
        ));
    }
    let mut spec = quote_spanned! {compute.span()=>
        ::less_db::collection::ComputedSpec::new(#name, #compute)
    };
    if args.unique {
        spec = quote!(#spec.unique());
    }
    if args.sparse {
        spec = quote!(#spec.sparse());
    }
    let tokens = quote!(let builder = builder.computed(#spec););
    Ok((name.value(), Index { tokens }))
}

fn generate(input: &DeriveInput, head: &Head, fields: &[Field], indexes: &[Index]) -> TokenStream {
    let ident = &input.ident;
    let all = fields::object_node(fields);
    let schema = crate::schema_trait_impl(
        input,
        &quote!(::less_db::schema::node::SchemaNode::Object(#all)),
    );
    let shape = fields::object_node(fields.iter().filter(|f| f.role == Role::Plain));
    let name = &head.name;
    let version = head.version;
    let index_tokens = indexes.iter().map(|i| &i.tokens);
    let versions = add_versions(ident, head);
    let field_struct = fields_struct(input, fields);
    quote! {
        #schema
        #field_struct
        impl ::less_db::typed::IsVersion<#version> for #ident {}
        impl ::less_db::typed::Document for #ident {
            const NAME: &'static str = #name;
            const VERSION: u32 = #version;
            fn shape() -> ::std::collections::BTreeMap<::std::string::String, ::less_db::schema::node::SchemaNode> {
                #shape
            }
            fn add_versions(builder: ::less_db::collection::CollectionBuilder) -> ::less_db::collection::CollectionBuilder {
                #versions
            }
            fn add_indexes(builder: ::less_db::collection::CollectionBuilder) -> ::less_db::collection::CollectionBuilder {
                #(#index_tokens)*
                builder
            }
            fn def() -> ::std::sync::Arc<::less_db::collection::CollectionDef> {
                static DEF: ::std::sync::OnceLock<::std::sync::Arc<::less_db::collection::CollectionDef>> = ::std::sync::OnceLock::new();
                ::std::sync::Arc::clone(DEF.get_or_init(|| ::less_db::typed::expect_def(#name, <Self as ::less_db::typed::Document>::try_def())))
            }
        }
    }
}

/// The body of `add_versions`: the first version's shape, or the previous versions
/// followed by this one with its typed migration.
fn add_versions(ident: &Ident, head: &Head) -> TokenStream {
    let version = head.version;
    let Some((from, migrate)) = &head.previous else {
        return quote!(builder.v(1, <Self as ::less_db::typed::Document>::shape()));
    };
    let prev = version - 1;
    let name = &head.name;
    let msg = format!(
        "`migrate_from` of `{ident}` names a struct of another collection: the previous version must have #[collection(name = \"{name}\", ..)]"
    );
    let version_check = quote_spanned! {from.span()=>
        ::less_db::typed::__private::previous_version::<#from, #prev>();
    };
    let migration = quote_spanned! {migrate.span()=>
        ::less_db::typed::migration::<#from, #ident, _, _>(#migrate)
    };
    quote! {
        #version_check
        const _: () = ::std::assert!(
            ::less_db::typed::same_name(<#from as ::less_db::typed::Document>::NAME, #name),
            #msg
        );
        let builder = <#from as ::less_db::typed::Document>::add_versions(builder);
        builder.v_migrate(#version, <Self as ::less_db::typed::Document>::shape(), #migration)
    }
}

/// `{Ident}Fields`, one typed [`Field`] per stored field, and `{Ident}::fields()`.
fn fields_struct(input: &DeriveInput, fields: &[Field]) -> TokenStream {
    let ident = &input.ident;
    let vis = &input.vis;
    let fields_ident = Ident::new(&format!("{ident}Fields"), ident.span());
    let decls = fields.iter().map(|f| {
        let (fvis, fident, ty) = (&f.vis, &f.ident, &f.query_ty);
        let doc = format!("The stored field `{}`.", f.stored);
        quote!(#[doc = #doc] #fvis #fident: ::less_db::typed::Field<#ident, #ty>,)
    });
    let inits = fields.iter().map(|f| {
        let (fident, stored) = (&f.ident, &f.stored);
        quote!(#fident: ::less_db::typed::Field::new(#stored),)
    });
    let doc = format!(
        "The fields of [`{ident}`] for typed queries and patches, from [`{ident}::fields`]."
    );
    quote! {
        #[doc = #doc]
        #[derive(Clone, Copy, Debug)]
        #[allow(dead_code)]
        #vis struct #fields_ident {
            #(#decls)*
        }
        impl #ident {
            /// The fields of this collection, for typed filters, sorts and patches.
            #[allow(dead_code)]
            #vis const fn fields() -> #fields_ident {
                #fields_ident { #(#inits)* }
            }
        }
    }
}

/// The `IndexSpec` builder expression for stored field paths, the descending ones among
/// them, and the options of `#[index(..)]`.
pub(crate) fn index_spec(paths: &[String], descs: &[String], args: &IndexArgs) -> TokenStream {
    let mut spec = quote!(::less_db::collection::IndexSpec::on([#(#paths),*]));
    for d in descs {
        spec = quote!(#spec.desc(#d));
    }
    if args.unique {
        spec = quote!(#spec.unique());
    }
    if args.sparse {
        spec = quote!(#spec.sparse());
    }
    if let Some(n) = &args.name {
        spec = quote!(#spec.named(#n));
    }
    spec
}
