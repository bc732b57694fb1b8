use less_db::Schema;

#[derive(Schema)]
enum Shape {
    Circle,
    Square(f64),
}

fn main() {}
