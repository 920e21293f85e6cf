//! `#[derive(Api)]` for Podlab's Kubernetes API types.
//!
//! For a struct with named fields it generates, from one declaration:
//! - `Decode`: strict decoding from a spanned parse tree, collecting unknown
//!   fields with their full paths and type errors with Go's wording;
//! - `Encode`: the JSON the API server would write (`omitempty` rules);
//! - `Schema`: field names, types and docs, for `kubectl explain` and for
//!   "did you mean" suggestions.
//!
//! Field names default to lowerCamelCase of the Rust name (a trailing `_` is
//! dropped, so `type_` is `type`). Attributes:
//! - struct: `#[api(go = "Name")]` Go type name (default: Rust name),
//!   `#[api(pkg = "v1")]` Go package (default `v1`);
//! - field: `#[api(rename = "podIP")]`, `#[api(always)]` (emit even when
//!   empty: `null`, `[]`, `{}`), `#[api(omitempty)]` (drop a plain scalar or
//!   struct when it equals its default), `#[api(required)]` (documented as
//!   `-required-`), `#[api(skip)]` (internal, never decoded or encoded).

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::quote;
use syn::{parse_macro_input, Data, DeriveInput, Expr, Fields, Lit, Meta, Type};

#[proc_macro_derive(Api, attributes(api))]
pub fn derive_api(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(ts) => ts.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

struct FieldSpec {
    ident: syn::Ident,
    ty: Type,
    json: String,
    doc: String,
    always: bool,
    omitempty: bool,
    required: bool,
}

fn doc_of(attrs: &[syn::Attribute]) -> String {
    let mut lines = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let Meta::NameValue(nv) = &attr.meta {
            if let Expr::Lit(lit) = &nv.value {
                if let Lit::Str(s) = &lit.lit {
                    lines.push(s.value().trim().to_string());
                }
            }
        }
    }
    // Paragraph breaks survive; single line breaks become spaces.
    let mut out = String::new();
    for line in lines {
        if line.is_empty() {
            if !out.ends_with("\n\n") && !out.is_empty() {
                out.push_str("\n\n");
            }
        } else {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push(' ');
            }
            out.push_str(&line);
        }
    }
    out.trim_end().to_string()
}

fn camel(name: &str) -> String {
    let name = name.trim_end_matches('_');
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn expand(input: &DeriveInput) -> syn::Result<TokenStream2> {
    let name = &input.ident;
    let mut go_name = name.to_string();
    let mut pkg = "v1".to_string();
    let mut object: Option<(String, String)> = None;
    for attr in &input.attrs {
        if !attr.path().is_ident("api") {
            continue;
        }
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("go") {
                go_name = meta.value()?.parse::<syn::LitStr>()?.value();
            } else if meta.path.is_ident("pkg") {
                pkg = meta.value()?.parse::<syn::LitStr>()?.value();
            } else if meta.path.is_ident("object") {
                let lit = meta.value()?.parse::<syn::LitStr>()?;
                let text = lit.value();
                let Some((api_version, kind)) = text.rsplit_once('/') else {
                    return Err(syn::Error::new_spanned(
                        lit,
                        "object = \"<apiVersion>/<Kind>\"",
                    ));
                };
                object = Some((api_version.to_string(), kind.to_string()));
            } else {
                return Err(meta.error("unknown api attribute"));
            }
            Ok(())
        })?;
    }
    let struct_doc = doc_of(&input.attrs);
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            name,
            "Api derives only for structs",
        ));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(syn::Error::new_spanned(name, "Api needs named fields"));
    };

    let mut fields = Vec::new();
    for f in &named.named {
        let ident = f.ident.clone().expect("named field");
        let mut spec = FieldSpec {
            json: camel(&ident.to_string()),
            ident,
            ty: f.ty.clone(),
            doc: doc_of(&f.attrs),
            always: false,
            omitempty: false,
            required: false,
        };
        let mut skip = false;
        for attr in &f.attrs {
            if !attr.path().is_ident("api") {
                continue;
            }
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    spec.json = meta.value()?.parse::<syn::LitStr>()?.value();
                } else if meta.path.is_ident("always") {
                    spec.always = true;
                } else if meta.path.is_ident("omitempty") {
                    spec.omitempty = true;
                } else if meta.path.is_ident("required") {
                    spec.required = true;
                } else if meta.path.is_ident("skip") {
                    skip = true;
                } else {
                    return Err(meta.error("unknown api field attribute"));
                }
                Ok(())
            })?;
        }
        if !skip {
            fields.push(spec);
        }
    }

    let go_full = format!("{pkg}.{go_name}");
    let decode_arms = fields.iter().map(|f| {
        let ident = &f.ident;
        let json = &f.json;
        let ty = &f.ty;
        quote! {
            #json => {
                cx.enter_field(#json, #go_name);
                out.#ident = <#ty as crate::api::codec::Decode>::decode(value, cx);
                cx.leave();
            }
        }
    });
    let field_names: Vec<&String> = fields.iter().map(|f| &f.json).collect();
    let (type_meta_arms, type_meta_encode, type_meta_fields, type_meta_consts) = match &object {
        Some((api_version, kind)) => (
            quote! { "apiVersion" | "kind" => {} },
            quote! {
                map.insert("apiVersion".to_string(), crate::value::Value::String(#api_version.to_string()));
                map.insert("kind".to_string(), crate::value::Value::String(#kind.to_string()));
            },
            quote! {
                crate::api::codec::FieldInfo {
                    name: "apiVersion",
                    doc: "Versioned schema of this representation of an object.",
                    required: false,
                    ty: <String as crate::api::codec::Schema>::type_info,
                },
                crate::api::codec::FieldInfo {
                    name: "kind",
                    doc: "The REST resource this object represents.",
                    required: false,
                    ty: <String as crate::api::codec::Schema>::type_info,
                },
            },
            quote! {
                impl crate::api::codec::TypeMeta for #name {
                    const API_VERSION: &'static str = #api_version;
                    const KIND: &'static str = #kind;
                }
            },
        ),
        None => (quote! {}, quote! {}, quote! {}, quote! {}),
    };

    let encode_stmts = fields.iter().map(|f| {
        let ident = &f.ident;
        let json = &f.json;
        let ty = &f.ty;
        if f.always {
            quote! {
                map.insert(#json.to_string(), crate::api::codec::Encode::encode(&self.#ident));
            }
        } else if f.omitempty {
            quote! {
                if !crate::api::codec::Encode::is_zero(&self.#ident) {
                    map.insert(#json.to_string(), crate::api::codec::Encode::encode(&self.#ident));
                }
            }
        } else {
            // Default: what Go does for the field's natural type: pointers,
            // slices and maps are omitted when empty, plain values are kept.
            quote! {
                if !<#ty as crate::api::codec::Encode>::OMIT_WHEN_EMPTY
                    || !crate::api::codec::Encode::is_zero(&self.#ident)
                {
                    map.insert(#json.to_string(), crate::api::codec::Encode::encode(&self.#ident));
                }
            }
        }
    });
    let zero_checks = fields.iter().map(|f| {
        let ident = &f.ident;
        quote! { crate::api::codec::Encode::is_zero(&self.#ident) }
    });

    let field_infos = fields.iter().map(|f| {
        let json = &f.json;
        let doc = &f.doc;
        let required = f.required;
        let ty = &f.ty;
        quote! {
            crate::api::codec::FieldInfo {
                name: #json,
                doc: #doc,
                required: #required,
                ty: <#ty as crate::api::codec::Schema>::type_info,
            }
        }
    });

    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics crate::api::codec::Decode for #name #ty_generics #where_clause {
            fn decode(node: &crate::syntax::Node, cx: &mut crate::api::codec::DecodeCx) -> Self {
                let mut out = <Self as ::core::default::Default>::default();
                let entries = match &node.kind {
                    crate::syntax::NodeKind::Map(entries) => entries,
                    crate::syntax::NodeKind::Null => return out,
                    _ => {
                        cx.type_error(node, &<Self as crate::api::codec::Schema>::type_info());
                        return out;
                    }
                };
                for (key, value) in entries {
                    match key.name.as_str() {
                        #(#decode_arms)*
                        #type_meta_arms
                        _ => cx.unknown_field(key, &[#(#field_names),*]),
                    }
                }
                out
            }
        }

        impl #impl_generics crate::api::codec::Encode for #name #ty_generics #where_clause {
            const OMIT_WHEN_EMPTY: bool = false;
            fn encode(&self) -> crate::value::Value {
                let mut map = crate::value::Map::new();
                #type_meta_encode
                #(#encode_stmts)*
                crate::value::Value::Object(map)
            }
            fn is_zero(&self) -> bool {
                true #(&& #zero_checks)*
            }
        }

        #type_meta_consts

        impl #impl_generics crate::api::codec::Schema for #name #ty_generics #where_clause {
            fn type_info() -> crate::api::codec::TypeInfo {
                static INFO: crate::api::codec::StructInfo = crate::api::codec::StructInfo {
                    name: #go_name,
                    go: #go_full,
                    doc: #struct_doc,
                    fields: &[#type_meta_fields #(#field_infos),*],
                };
                crate::api::codec::TypeInfo::Struct(&INFO)
            }
        }
    })
}
