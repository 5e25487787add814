use smallvec::SmallVec;

fn main() {
    let mut v: SmallVec<[u64; 4]> = SmallVec::new();
    v.extend(std::env::args().map(|a| a.len() as u64));
    let mut buf = itoa::Buffer::new();
    println!("{}", buf.format(v.iter().sum::<u64>()));
}
