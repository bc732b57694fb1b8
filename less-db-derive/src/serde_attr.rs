//! The parts of `#[serde(..)]` that change the stored form: names, skips, and the
//! layouts the schema cannot describe.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, LitStr, Token};

use crate::case::RenameRule;

/// Container-level serde attributes.
#[derive(Default)]
pub struct SerdeContainer {
    pub rename_all: Option<RenameRule>,
    /// `tag`, `untagged`, `content` or `transparent`: a layout other than the plain one.
    pub layout: Option<(String, Span)>,
}

/// Field- or variant-level serde attributes.
#[derive(Default)]
pub struct SerdeMember {
    pub rename: Option<String>,
    pub skip: bool,
    /// `with`, `serialize_with` or `deserialize_with` is present.
    pub custom_with: bool,
    pub flatten: Option<Span>,
}

pub fn container(attrs: &[Attribute]) -> syn::Result<SerdeContainer> {
    let mut out = SerdeContainer::default();
    for attr in serde_attrs(attrs) {
        attr.parse_nested_meta(|meta| {
            let key = path_name(&meta);
            match key.as_str() {
                "rename_all" => {
                    let (ser, de) = ser_de_names(&meta)?;
                    if ser.as_ref().map(|s| &s.0) != de.as_ref().map(|s| &s.0) {
                        return Err(meta.error(
                            "less-db stores one name per field: use the same rename_all for \
                             serialize and deserialize",
                        ));
                    }
                    let Some((value, span)) = ser else {
                        return Ok(());
                    };
                    out.rename_all = Some(RenameRule::parse(&value).ok_or_else(|| {
                        syn::Error::new(span, format!("unknown rename_all rule {value:?}"))
                    })?);
                }
                "tag" | "untagged" | "content" | "transparent" => {
                    out.layout = Some((key, meta.path.require_ident()?.span()));
                    skip_value(&meta)?;
                }
                _ => skip_value(&meta)?,
            }
            Ok(())
        })?;
    }
    Ok(out)
}

pub fn member(attrs: &[Attribute]) -> syn::Result<SerdeMember> {
    let mut out = SerdeMember::default();
    for attr in serde_attrs(attrs) {
        attr.parse_nested_meta(|meta| {
            let key = path_name(&meta);
            match key.as_str() {
                "rename" => {
                    let (ser, de) = ser_de_names(&meta)?;
                    if ser.as_ref().map(|s| &s.0) != de.as_ref().map(|s| &s.0) {
                        return Err(meta.error(
                            "less-db stores one name per field: use the same rename for \
                             serialize and deserialize",
                        ));
                    }
                    out.rename = ser.map(|s| s.0);
                }
                // A field serde never writes never reaches a record.
                "skip" | "skip_serializing" => out.skip = true,
                "with" | "serialize_with" | "deserialize_with" => {
                    out.custom_with = true;
                    skip_value(&meta)?;
                }
                "flatten" => out.flatten = Some(meta.path.require_ident()?.span()),
                _ => skip_value(&meta)?,
            }
            Ok(())
        })?;
    }
    Ok(out)
}

fn serde_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("serde"))
}

fn path_name(meta: &ParseNestedMeta<'_>) -> String {
    meta.path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default()
}

type Named = Option<(String, Span)>;

/// `key = "x"` gives x for both; `key(serialize = "a", deserialize = "b")` gives each.
fn ser_de_names(meta: &ParseNestedMeta<'_>) -> syn::Result<(Named, Named)> {
    if meta.input.peek(Token![=]) {
        let lit: LitStr = meta.value()?.parse()?;
        let named = Some((lit.value(), lit.span()));
        return Ok((named.clone(), named));
    }
    let (mut ser, mut de) = (None, None);
    meta.parse_nested_meta(|inner| {
        let lit: LitStr = inner.value()?.parse()?;
        if inner.path.is_ident("serialize") {
            ser = Some((lit.value(), lit.span()));
        } else if inner.path.is_ident("deserialize") {
            de = Some((lit.value(), lit.span()));
        }
        Ok(())
    })?;
    Ok((ser, de))
}

/// Consumes whatever follows a serde key we do not interpret.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip_value(&inner))?;
    }
    Ok(())
}
