//! The JSON Schema of the schema file format, for editor completion and checking
//! (`less-codegen --print-json-schema`).

use serde_json::{Value, json};

const SIMPLE_TYPES: [&str; 9] = [
    "string",
    "text",
    "number",
    "boolean",
    "date",
    "bytes",
    "key",
    "createdAt",
    "updatedAt",
];

/// The JSON Schema (draft-07, which editors support widely) of a schema file.
pub fn json_schema() -> Value {
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://less-db.invalid/less-codegen.schema.json",
        "title": "less-codegen schema file",
        "description": "Collections, their versions and indexes; less-codegen turns this file into a Rust module and a TypeScript module.",
        "type": "object",
        "additionalProperties": false,
        "required": ["collections"],
        "properties": {
            "$schema": {"type": "string", "description": "Path or URL of this JSON Schema, for editors."},
            "rust": {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "migrations": {
                        "type": "string",
                        "description": "Rust module path (from the generated module) of the migration functions; default crate::migrations.",
                        "default": "crate::migrations"
                    }
                }
            },
            "collections": {
                "type": "object",
                "description": "Collections by stored name.",
                "minProperties": 1,
                "propertyNames": {"$ref": "#/definitions/safeName"},
                "additionalProperties": {"$ref": "#/definitions/collection"}
            }
        },
        "definitions": {
            "safeName": {
                "type": "string",
                "pattern": "^[A-Za-z_][A-Za-z0-9_]{0,63}$"
            },
            "typeName": {
                "type": "string",
                "pattern": "^[A-Z][A-Za-z0-9]{0,63}$",
                "description": "Rust and TypeScript type name."
            },
            "collection": {
                "type": "object",
                "additionalProperties": false,
                "required": ["versions"],
                "properties": {
                    "typeName": {"$ref": "#/definitions/typeName"},
                    "versions": {
                        "type": "array",
                        "minItems": 1,
                        "description": "Versions 1, 2, 3, ... in order; each later version needs a migration function in Rust.",
                        "items": {"$ref": "#/definitions/version"}
                    },
                    "indexes": {
                        "type": "array",
                        "items": {"$ref": "#/definitions/index"}
                    }
                }
            },
            "version": {
                "type": "object",
                "additionalProperties": false,
                "required": ["version", "fields"],
                "properties": {
                    "version": {"type": "integer", "minimum": 1},
                    "fields": {"$ref": "#/definitions/fields"}
                }
            },
            "fields": {
                "type": "object",
                "propertyNames": {"$ref": "#/definitions/safeName"},
                "additionalProperties": {"$ref": "#/definitions/fieldType"}
            },
            "fieldType": {
                "oneOf": [
                    {"type": "string", "enum": SIMPLE_TYPES},
                    {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["type"],
                        "properties": {"type": {"enum": SIMPLE_TYPES}}
                    },
                    {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["type", "of"],
                        "properties": {
                            "type": {"enum": ["optional", "array", "record"]},
                            "of": {"$ref": "#/definitions/fieldType"}
                        }
                    },
                    {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["type", "fields"],
                        "properties": {
                            "type": {"const": "object"},
                            "name": {"$ref": "#/definitions/typeName"},
                            "fields": {"$ref": "#/definitions/fields"}
                        }
                    },
                    {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["type", "value"],
                        "properties": {
                            "type": {"const": "literal"},
                            "name": {"$ref": "#/definitions/typeName"},
                            "value": {"type": ["string", "number", "boolean"]}
                        }
                    },
                    {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["type", "of"],
                        "properties": {
                            "type": {"const": "union"},
                            "name": {"$ref": "#/definitions/typeName"},
                            "of": {
                                "type": "array",
                                "minItems": 1,
                                "items": {"$ref": "#/definitions/fieldType"}
                            }
                        }
                    }
                ]
            },
            "index": {
                "type": "object",
                "additionalProperties": false,
                "required": ["fields"],
                "properties": {
                    "fields": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "oneOf": [
                                {"type": "string", "description": "Field name or dot path into objects."},
                                {
                                    "type": "object",
                                    "additionalProperties": false,
                                    "required": ["field"],
                                    "properties": {
                                        "field": {"type": "string"},
                                        "order": {"enum": ["asc", "desc"]}
                                    }
                                }
                            ]
                        }
                    },
                    "unique": {"type": "boolean"},
                    "sparse": {"type": "boolean", "description": "Leave out records where the (single) field is null or missing."},
                    "name": {"$ref": "#/definitions/safeName"}
                }
            }
        }
    })
}
