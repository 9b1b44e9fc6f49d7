fn main() {
    println!("{}", kplay::version());
}
