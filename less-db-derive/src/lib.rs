//! `#[derive(Schema)]` and `#[derive(Collection)]` for less-db: the schema tree and the
//! collection definition of a Rust type, with schema mistakes reported at compile time.
//!
//! Use them through `less_db` (feature `derive`, on by default); the generated code
//! refers to `::less_db`. The attribute reference is on `less_db::typed`.

mod case;
mod collection;
mod decl;
mod enums;
mod fields;
mod serde_attr;
mod types;

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::quote;
use syn::{Data, DeriveInput, parse_macro_input};

/// Implements `less_db::typed::Schema`: a struct with named fields is an `Object`, a
/// unit-only enum a `Union` of string literals. Field attributes: `#[text]`,
/// `#[bytes]`, `#[key]`, `#[created_at]`, `#[updated_at]`; serde renames are honoured.
#[proc_macro_derive(Schema, attributes(key, created_at, updated_at, text, bytes))]
pub fn derive_schema(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    schema_impl(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Implements `less_db::typed::Schema` and `less_db::typed::Document`, and generates
/// `T::fields()` for typed queries: `#[collection(name = "users", version = 1)]`
/// (`version = 2, migrate_from = UserV1, migrate = path::to_fn` for later versions),
/// `#[index(..)]`, and the field attributes of `Schema`. Exactly one field is `#[key]`.
#[proc_macro_derive(
    Collection,
    attributes(collection, index, key, created_at, updated_at, text, bytes)
)]
pub fn derive_collection(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    collection::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// A multi-version collection definition over values, checked at compile time where
/// it can be: evaluates to `Result<Arc<CollectionDef>, SchemaError>`.
///
/// ```text
/// let users = collection! {
///     name: "users",
///     version 1 { name: t::string(), email: t::string() },
///     version 2 { first: t::string(), last: t::string(), email: t::string() }
///         migrate |data| split_name(data),
///     index(email, unique),
///     index(last, first),
/// }?;
/// ```
///
/// Versions are listed from 1 without gaps; every version after the first ends with
/// `migrate <expr>`, a `Fn(Value) -> Result<Value, MigrateError>` from the previous
/// version's data. Indexes take the options of `#[index(..)]` and name fields of the
/// newest version.
#[proc_macro]
pub fn collection(input: TokenStream) -> TokenStream {
    let decl = parse_macro_input!(input as decl::Decl);
    decl::expand(&decl)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

fn schema_impl(input: &DeriveInput) -> syn::Result<TokenStream2> {
    match &input.data {
        Data::Enum(data) => {
            let (body, extra) = enums::schema_body(input, data)?;
            let schema = schema_trait_impl(input, &body);
            Ok(quote!(#schema #extra))
        }
        _ => {
            let fields = fields::struct_fields(input, "Schema")?;
            let map = fields::object_node(&fields);
            Ok(schema_trait_impl(
                input,
                &quote!(::less_db::schema::node::SchemaNode::Object(#map)),
            ))
        }
    }
}

/// `impl Schema for T`, with `P: Schema` bounds on every type parameter.
fn schema_trait_impl(input: &DeriveInput, body: &TokenStream2) -> TokenStream2 {
    let ident = &input.ident;
    let mut generics = input.generics.clone();
    let params: Vec<_> = generics.type_params().map(|p| p.ident.clone()).collect();
    let where_clause = generics.make_where_clause();
    for p in params {
        where_clause
            .predicates
            .push(syn::parse_quote!(#p: ::less_db::typed::Schema));
    }
    let (impl_g, ty_g, where_g) = generics.split_for_impl();
    quote! {
        impl #impl_g ::less_db::typed::Schema for #ident #ty_g #where_g {
            fn schema() -> ::less_db::schema::node::SchemaNode {
                #body
            }
        }
    }
}
