pub fn f(_x: u16) {}
