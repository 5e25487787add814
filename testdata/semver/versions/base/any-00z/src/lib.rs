pub fn f(_x: u8) {}
