//! Collection definitions: the builder, migrations and auto-fields.
