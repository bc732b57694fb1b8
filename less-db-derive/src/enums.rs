//! `#[derive(Schema)]` on a unit-only enum: a union of string literals.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{DataEnum, DeriveInput, Fields};

use crate::fields::Errors;
use crate::serde_attr;

/// The schema node of the enum, and its `Indexable`/`Queryable` impls.
pub fn schema_body(
    input: &DeriveInput,
    data: &DataEnum,
) -> syn::Result<(TokenStream, TokenStream)> {
    let container = serde_attr::container(&input.attrs)?;
    if let Some((kind, span)) = container.layout {
        return Err(syn::Error::new(
            span,
            format!(
                "serde `{kind}` changes how variants are stored; a unit-only enum is stored as its variant name: remove it"
            ),
        ));
    }
    let mut errors = Errors::default();
    let mut literals = Vec::new();
    let mut arms = Vec::new();
    let ident = &input.ident;
    for v in &data.variants {
        if !matches!(v.fields, Fields::Unit) {
            errors.push(syn::Error::new(
                v.fields.span(),
                format!(
                    "variant `{}` carries data; #[derive(Schema)] enums are stored as a string \
                     (a union of literals), so every variant must be a unit variant: remove the \
                     data or use a struct with an enum field",
                    v.ident
                ),
            ));
            continue;
        }
        let serde = serde_attr::member(&v.attrs)?;
        if serde.skip {
            continue;
        }
        let name = serde.rename.unwrap_or_else(|| {
            let raw = v.ident.to_string();
            container
                .rename_all
                .map_or_else(|| raw.clone(), |r| r.apply_to_variant(&raw))
        });
        let vident = &v.ident;
        arms.push(quote!(#ident::#vident => #name,));
        literals.push(quote!(::less_db::schema::node::SchemaNode::Literal(
            ::less_db::schema::node::LiteralValue::String(::std::string::String::from(#name))
        )));
    }
    errors.finish()?;
    if literals.is_empty() {
        return Err(syn::Error::new(
            input.ident.span(),
            "an enum without (stored) variants has no values to store: add a unit variant",
        ));
    }
    let node = quote!(::less_db::schema::node::SchemaNode::Union(
        ::std::vec![#(#literals),*]
    ));
    if !input.generics.params.is_empty() {
        return Ok((node, TokenStream::new()));
    }
    // A skipped variant has no stored name; filtering on it matches nothing.
    let fallback = (arms.len() < data.variants.len()).then(|| quote!(_ => "",));
    let extra = quote! {
        impl ::less_db::typed::Indexable for #ident {}
        impl ::less_db::typed::Queryable for #ident {
            type Operand<'a> = #ident;
            fn operand(value: #ident) -> ::less_db::__private::Value {
                let name: &str = match value { #(#arms)* #fallback };
                ::less_db::__private::Value::String(::std::string::String::from(name))
            }
        }
    };
    Ok((node, extra))
}
