//! `collection!`: a multi-version collection definition over values, with the
//! definition mistakes the macro can see reported at compile time.
//!
//! ```text
//! collection! {
//!     name: "users",
//!     version 1 { name: t::string(), email: t::string() },
//!     version 2 { first: t::string(), last: t::string(), email: t::string() }
//!         migrate |data| { ... },
//!     index(email, unique),
//!     index(last, first),
//!     index(name = "email_lower", compute = lower_email),
//! }
//! ```

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, Ident, LitInt, LitStr, Token, braced, parenthesized};

use crate::collection::{IndexArgs, is_safe_name};
use crate::fields::Errors;

const RESERVED: [&str; 3] = ["id", "createdAt", "updatedAt"];

pub struct Decl {
    name: LitStr,
    versions: Vec<Version>,
    indexes: Vec<(Ident, IndexArgs)>,
}

struct Version {
    keyword: Ident,
    number: LitInt,
    fields: Vec<(String, proc_macro2::Span, Expr)>,
    migrate: Option<(Ident, Expr)>,
}

impl Parse for Decl {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let key: Ident = input.parse()?;
        if key != "name" {
            return Err(syn::Error::new(
                key.span(),
                "collection! starts with the name: `name: \"users\",`",
            ));
        }
        input.parse::<Token![:]>()?;
        let name: LitStr = input.parse()?;
        let mut decl = Decl {
            name,
            versions: Vec::new(),
            indexes: Vec::new(),
        };
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let word: Ident = input.parse()?;
            match word.to_string().as_str() {
                "version" => decl.versions.push(parse_version(word, input)?),
                "index" => {
                    let content;
                    parenthesized!(content in input);
                    decl.indexes.push((word, content.parse()?));
                }
                _ => {
                    return Err(syn::Error::new(
                        word.span(),
                        "expected `version N { field: schema, .. }` or `index(..)`",
                    ));
                }
            }
        }
        Ok(decl)
    }
}

fn parse_version(keyword: Ident, input: ParseStream<'_>) -> syn::Result<Version> {
    let number: LitInt = input.parse()?;
    let content;
    braced!(content in input);
    let mut fields = Vec::new();
    let entries = Punctuated::<FieldEntry, Token![,]>::parse_terminated(&content)?;
    for e in entries {
        fields.push((e.name, e.span, e.schema));
    }
    let migrate = if input.peek(Ident) && input.fork().parse::<Ident>()? == "migrate" {
        let word: Ident = input.parse()?;
        Some((word, input.parse()?))
    } else {
        None
    };
    Ok(Version {
        keyword,
        number,
        fields,
        migrate,
    })
}

struct FieldEntry {
    name: String,
    span: proc_macro2::Span,
    schema: Expr,
}

impl Parse for FieldEntry {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let (name, span) = if input.peek(LitStr) {
            let lit: LitStr = input.parse()?;
            (lit.value(), lit.span())
        } else {
            let ident: Ident = input.parse()?;
            (ident.to_string(), ident.span())
        };
        input.parse::<Token![:]>()?;
        Ok(FieldEntry {
            name,
            span,
            schema: input.parse()?,
        })
    }
}

pub fn expand(decl: &Decl) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    if !is_safe_name(&decl.name.value()) {
        errors.push(syn::Error::new(
            decl.name.span(),
            "the collection name is used in SQL: use ASCII letters, digits and _, starting \
             with a letter or _, at most 64 characters (e.g. \"user_profiles\")",
        ));
    }
    if decl.versions.is_empty() {
        errors.push(syn::Error::new(
            decl.name.span(),
            "a collection needs a version: add `version 1 { field: t::string(), .. }`",
        ));
    }
    let mut chain = Vec::new();
    for (i, v) in decl.versions.iter().enumerate() {
        match version_tokens(i, v) {
            Ok(t) => chain.push(t),
            Err(e) => errors.push(e),
        }
    }
    let last_fields: Vec<&str> = decl
        .versions
        .last()
        .map(|v| v.fields.iter().map(|(n, _, _)| n.as_str()).collect())
        .unwrap_or_default();
    let mut names = HashMap::new();
    for (word, args) in &decl.indexes {
        match index_tokens(word, args, &last_fields) {
            Ok((name, tokens)) => {
                if names.insert(name.clone(), ()).is_some() {
                    errors.push(syn::Error::new(
                        word.span(),
                        format!(
                            "index `{name}` is defined twice: remove this one or give it another name = \"..\""
                        ),
                    ));
                }
                chain.push(tokens);
            }
            Err(e) => errors.push(e),
        }
    }
    errors.finish()?;
    let name = &decl.name;
    Ok(quote! {
        ::less_db::collection::collection(#name) #(#chain)* .build()
    })
}

fn version_tokens(i: usize, v: &Version) -> syn::Result<TokenStream> {
    let n: u32 = v.number.base10_parse()?;
    let expected = u32::try_from(i + 1).unwrap_or(u32::MAX);
    if n == 0 {
        return Err(syn::Error::new(
            v.number.span(),
            "versions start at 1: use `version 1`",
        ));
    }
    if n != expected {
        return Err(syn::Error::new(
            v.number.span(),
            format!("versions go 1, 2, 3, .. without gaps: this one must be `version {expected}`"),
        ));
    }
    let mut seen = HashMap::new();
    let mut entries = Vec::new();
    for (name, span, schema) in &v.fields {
        if RESERVED.contains(&name.as_str()) {
            return Err(syn::Error::new(
                *span,
                format!("`{name}` is an auto-field the engine adds to every version: remove it"),
            ));
        }
        if !is_safe_name(name) {
            return Err(syn::Error::new(
                *span,
                format!("field name `{name}` is used in SQL: use ASCII letters, digits and _"),
            ));
        }
        if seen.insert(name.clone(), ()).is_some() {
            return Err(syn::Error::new(
                *span,
                format!("`{name}` is listed twice in version {n}"),
            ));
        }
        entries.push(quote!((#name, #schema)));
    }
    let shape = quote!(::less_db::schema::node::t::object::<&str>([#(#entries),*]));
    match (&v.migrate, n) {
        (None, 1) => Ok(quote!(.v(1, #shape))),
        (Some((word, _)), 1) => Err(syn::Error::new(
            word.span(),
            "version 1 is the first version and migrates from nothing: remove `migrate ..`",
        )),
        (Some((_, f)), n) => {
            let f = quote_spanned!(f.span()=> #f);
            Ok(quote!(.v_migrate(#n, #shape, #f)))
        }
        (None, n) => Err(syn::Error::new(
            v.keyword.span(),
            format!(
                "version {n} needs the migration from version {}: add `migrate |data| {{ .. }}` \
                 after its fields (a fn(serde_json::Value) -> Result<Value, MigrateError>)",
                n - 1
            ),
        )),
    }
}

fn index_tokens(
    word: &Ident,
    args: &IndexArgs,
    fields: &[&str],
) -> syn::Result<(String, TokenStream)> {
    if let Some(compute) = &args.compute {
        let Some(name) = &args.name else {
            return Err(syn::Error::new(
                word.span(),
                "a computed index needs a name: index(name = \"email_lower\", compute = path::to_fn)",
            ));
        };
        let mut spec = quote!(::less_db::collection::ComputedSpec::new(#name, #compute));
        if args.unique {
            spec = quote!(#spec.unique());
        }
        if args.sparse {
            spec = quote!(#spec.sparse());
        }
        return Ok((name.value(), quote!(.computed(#spec))));
    }
    if args.fields.is_empty() {
        return Err(syn::Error::new(
            word.span(),
            "this index names no field: index(field) or index(a, b)",
        ));
    }
    let mut paths = Vec::new();
    let mut descs = Vec::new();
    for (path, desc) in &args.fields {
        let head = &path[0];
        let head_name = head.to_string();
        if !fields.contains(&head_name.as_str()) && !RESERVED.contains(&head_name.as_str()) {
            return Err(syn::Error::new(
                head.span(),
                format!(
                    "no field `{head}` in the newest version to index: index one of {}",
                    fields.join(", ")
                ),
            ));
        }
        let stored = path
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(".");
        if *desc {
            descs.push(stored.clone());
        }
        paths.push(stored);
    }
    let name = args.name.as_ref().map_or_else(
        || format!("idx_{}", paths.join("_").replace('.', "_")),
        LitStr::value,
    );
    let spec = crate::collection::index_spec(&paths, &descs, args);
    Ok((name, quote!(.index(#spec))))
}
