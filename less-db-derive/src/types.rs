//! Syntactic facts about field types: what the derive can tell before type checking.

use syn::{GenericArgument, PathArguments, Type};

/// The last path segment's name and its type arguments (`Vec<u8>` -> ("Vec", [u8])).
pub fn last_segment(ty: &Type) -> Option<(String, Vec<&Type>)> {
    let Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let seg = p.path.segments.last()?;
    let args = match &seg.arguments {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some((seg.ident.to_string(), args))
}

/// `ty` with its `Option<..>` layers removed, and how many there were.
pub fn peel_options(ty: &Type) -> (usize, &Type) {
    let mut depth = 0;
    let mut cur = ty;
    while let Some((name, args)) = last_segment(cur) {
        if name != "Option" || args.len() != 1 {
            break;
        }
        depth += 1;
        cur = args[0];
    }
    (depth, cur)
}

pub fn is_named(ty: &Type, name: &str) -> bool {
    last_segment(ty).is_some_and(|(n, _)| n == name)
}

pub fn is_vec_u8(ty: &Type) -> bool {
    match last_segment(ty) {
        Some((name, args)) if name == "Vec" && args.len() == 1 => is_named(args[0], "u8"),
        _ => false,
    }
}

/// A container the engine cannot index, by its usual name.
pub fn container_kind(ty: &Type) -> Option<&'static str> {
    let (name, _) = last_segment(ty)?;
    Some(match name.as_str() {
        "Vec" | "VecDeque" => "an array",
        "HashMap" | "BTreeMap" => "a record (map)",
        "Bytes" => "bytes",
        _ => return None,
    })
}

/// Why a type can never be a field, for types whose syntax already says so.
pub fn unsupported_syntax(ty: &Type) -> Option<&'static str> {
    Some(match ty {
        Type::Reference(_) => {
            "a reference: records are owned data, use an owned type such as String"
        }
        Type::Tuple(t) if t.elems.is_empty() => "`()`: it stores nothing, remove the field",
        Type::Tuple(_) => "a tuple: use a #[derive(Schema)] struct with named fields",
        Type::Array(_) | Type::Slice(_) => "a fixed-size array or slice: use Vec<T>",
        Type::Ptr(_) | Type::BareFn(_) | Type::ImplTrait(_) | Type::TraitObject(_) => {
            "not data that can be stored"
        }
        Type::Never(_) | Type::Infer(_) | Type::Macro(_) => "not a concrete data type",
        Type::Group(g) => return unsupported_syntax(&g.elem),
        Type::Paren(p) => return unsupported_syntax(&p.elem),
        _ => {
            let (depth, core) = peel_options(ty);
            return if depth > 0 {
                unsupported_syntax(core)
            } else {
                None
            };
        }
    })
}

/// True when `ty` names `ident` anywhere (a struct that contains itself).
pub fn mentions(ty: &Type, ident: &syn::Ident) -> bool {
    let Some((name, args)) = last_segment(ty) else {
        return false;
    };
    name == ident.to_string().as_str() || args.into_iter().any(|a| mentions(a, ident))
}
