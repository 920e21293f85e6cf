//! IPv4 addresses and ranges: pod CIDRs, the Service range, cluster DNS.

/// Parses dotted-quad IPv4 (`10.244.1.5`).
pub fn parse_ipv4(s: &str) -> Option<u32> {
    let mut out: u32 = 0;
    let mut parts = 0;
    for part in s.split('.') {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // Leading zeros are ambiguous (octal in some parsers) and rejected.
        if part.len() > 1 && part.starts_with('0') {
            return None;
        }
        let v: u32 = part.parse().ok()?;
        if v > 255 {
            return None;
        }
        out = (out << 8) | v;
        parts += 1;
    }
    (parts == 4).then_some(out)
}

pub fn format_ipv4(ip: u32) -> String {
    format!(
        "{}.{}.{}.{}",
        ip >> 24,
        (ip >> 16) & 0xff,
        (ip >> 8) & 0xff,
        ip & 0xff
    )
}

/// An IPv4 range such as `10.244.1.0/24`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    pub base: u32,
    pub prefix: u8,
}

impl Cidr {
    pub fn parse(s: &str) -> Option<Cidr> {
        let (ip, prefix) = s.split_once('/')?;
        let prefix: u8 = prefix.parse().ok()?;
        if prefix > 32 {
            return None;
        }
        let base = parse_ipv4(ip)? & Self::mask(prefix);
        Some(Cidr { base, prefix })
    }

    fn mask(prefix: u8) -> u32 {
        if prefix == 0 {
            0
        } else {
            u32::MAX << (32 - prefix)
        }
    }

    pub fn contains(&self, ip: u32) -> bool {
        ip & Self::mask(self.prefix) == self.base
    }

    /// Number of addresses in the range.
    pub fn size(&self) -> u64 {
        1u64 << (32 - u32::from(self.prefix))
    }

    /// The n-th address of the range.
    pub fn nth(&self, n: u64) -> Option<u32> {
        (n < self.size()).then(|| self.base.wrapping_add(n as u32))
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", format_ipv4(self.base), self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_parsing() {
        assert_eq!(parse_ipv4("10.96.0.1"), Some(0x0a60_0001));
        for bad in [
            "",
            "10.96.0",
            "10.96.0.256",
            "10.096.0.1",
            "a.b.c.d",
            "1.2.3.4.5",
        ] {
            assert_eq!(parse_ipv4(bad), None, "{bad}");
        }
        assert_eq!(format_ipv4(0x0a60_000a), "10.96.0.10");
    }

    #[test]
    fn cidr_ranges() {
        let c = Cidr::parse("10.96.0.0/12").unwrap();
        assert!(c.contains(parse_ipv4("10.111.255.255").unwrap()));
        assert!(!c.contains(parse_ipv4("10.112.0.0").unwrap()));
        assert_eq!(c.size(), 1 << 20);
        assert_eq!(c.nth(1).map(format_ipv4).as_deref(), Some("10.96.0.1"));
        assert_eq!(c.to_string(), "10.96.0.0/12");
    }
}
