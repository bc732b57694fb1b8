use less_db::Schema;

#[derive(Schema)]
struct Node {
    label: String,
    children: Vec<Node>,
}

fn main() {}
