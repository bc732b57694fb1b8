#!/usr/bin/env bash
# Cold build time of a crate with 20 #[derive(Collection)] structs (10 fields, 3
# indexes each), next to the same structs deriving only serde. Dependencies are built
# first, so the times are of the generated crate alone.
#   bash tools/bench-compile-time.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src"
cat > "$work/Cargo.toml" <<TOML
[package]
name = "twenty"
version = "0.1.0"
edition = "2024"

[dependencies]
less-db = { path = "$root/less-db" }
serde = { version = "1", features = ["derive"] }
chrono = { version = "0.4", default-features = false, features = ["std", "clock", "serde"] }

[workspace]
TOML

# $1 = "collection" for the derive layer, anything else for serde only.
generate() {
  local with_db=$1
  {
    echo 'use less_db::prelude::*;'
    if [ "$with_db" = collection ]; then d='Schema, '; else d=''; fi
    echo "#[derive(${d}Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Default)]"
    echo '#[serde(rename_all = "lowercase")]'
    echo 'pub enum Status { #[default] Open, Closed }'
    for i in $(seq 0 19); do
      if [ "$with_db" = collection ]; then
        echo '#[derive(Collection, Serialize, Deserialize, Debug, Clone, PartialEq, Default)]'
        echo "#[collection(name = \"things$i\")]"
        echo '#[index(email, unique)] #[index(age)] #[index(status, age)]'
        key='#[key]'; text='#[text]'; created='#[created_at]'; updated='#[updated_at]'
      else
        echo '#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]'
        key=''; text=''; created=''; updated=''
      fi
      echo '#[serde(rename_all = "camelCase")]'
      echo "pub struct Thing$i {"
      echo "  $key pub id: String, pub email: String, pub name: String,"
      echo "  pub age: Option<u32>, pub score: f64, pub status: Status, pub tags: Vec<String>,"
      echo "  $text pub notes: String,"
      echo "  $created pub created_at: DateTime<Utc>, $updated pub updated_at: DateTime<Utc>,"
      echo "}"
    done
  } > "$work/src/lib.rs"
}

export CARGO_TARGET_DIR="$work/target"
generate collection
cargo build -q --manifest-path "$work/Cargo.toml"
for variant in serde collection; do
  generate "$variant"
  cargo clean -q -p twenty --manifest-path "$work/Cargo.toml"
  start=$(date +%s.%N)
  cargo build -q --manifest-path "$work/Cargo.toml"
  end=$(date +%s.%N)
  echo "$variant: $(echo "$end - $start" | bc) s"
done
