//! The SSRF guard: which addresses an untrusted URL may reach.
//!
//! Links found in feeds and pages are chosen by strangers, so an untrusted request must
//! not reach the machine's own services or its private network. The rule is applied
//! where it cannot be dodged: on the *resolved* addresses (a custom DNS resolver plugged
//! into reqwest), on IP-literal hosts before a request starts, and on every redirect hop
//! (a custom redirect policy). A host becomes trusted when a request marked `trusted`
//! names it, so links to a user-listed feed's own host may reach it too.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, RwLock};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// True for addresses an untrusted request may not reach: loopback, private (RFC 1918),
/// shared/CGNAT (100.64/10), link-local, unspecified (0/8, `::`), multicast, broadcast
/// and reserved IPv4, documentation and benchmarking ranges, IPv6 unique-local
/// (fc00::/7), link- and site-local, and IPv4-mapped or -compatible IPv6 addresses
/// (NAT64 addresses are judged by the IPv4 address they embed).
pub fn is_forbidden_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_forbidden_v4(v4),
        IpAddr::V6(v6) => is_forbidden_v6(v6),
    }
}

fn is_forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240
}

fn is_forbidden_v6(ip: Ipv6Addr) -> bool {
    let seg = ip.segments();
    if ip.is_loopback() || ip.is_unspecified() || ip.is_multicast() {
        return true;
    }
    // fc00::/7 unique local, fe80::/10 link-local, fec0::/10 deprecated site-local.
    if (seg[0] & 0xfe00) == 0xfc00 || (seg[0] & 0xffc0) == 0xfe80 || (seg[0] & 0xffc0) == 0xfec0 {
        return true;
    }
    // 2001:db8::/32 documentation.
    if seg[0] == 0x2001 && seg[1] == 0x0db8 {
        return true;
    }
    // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible): refused outright.
    if seg[..5].iter().all(|s| *s == 0) && (seg[5] == 0xffff || seg[5] == 0) {
        return true;
    }
    // 64:ff9b::/96 NAT64: judge the embedded IPv4 address.
    if seg[0] == 0x0064 && seg[1] == 0xff9b && seg[2..6].iter().all(|s| *s == 0) {
        let v4 = Ipv4Addr::new(
            (seg[6] >> 8) as u8,
            seg[6] as u8,
            (seg[7] >> 8) as u8,
            seg[7] as u8,
        );
        return is_forbidden_v4(v4);
    }
    false
}

/// The marker error put in reqwest's error chain when the guard refuses a host.
#[derive(Debug, thiserror::Error)]
#[error("{host} resolves only to private or reserved addresses")]
pub(crate) struct PrivateAddressRefused {
    pub(crate) host: String,
}

/// Shared trust state: the global switch plus the hosts trusted so far in this run.
#[derive(Debug, Default)]
pub(crate) struct AccessPolicy {
    allow_private: bool,
    trusted_hosts: RwLock<HashSet<String>>,
}

impl AccessPolicy {
    pub(crate) fn new(allow_private: bool) -> Self {
        AccessPolicy {
            allow_private,
            trusted_hosts: RwLock::default(),
        }
    }

    /// Marks `host` (lower-case, as `url` spells it; `""` for file URLs) as trusted.
    pub(crate) fn trust(&self, host: &str) {
        if let Ok(mut set) = self.trusted_hosts.write() {
            set.insert(host.to_ascii_lowercase());
        }
    }

    /// May requests to `host` reach private addresses?
    pub(crate) fn allows_private(&self, host: &str) -> bool {
        self.allow_private
            || self
                .trusted_hosts
                .read()
                .map(|set| set.contains(&host.to_ascii_lowercase()))
                .unwrap_or(false)
    }

    /// For an IP-literal URL host: is it refused? Names are checked at resolution.
    pub(crate) fn refuses_literal(&self, host: &url::Host<&str>) -> bool {
        let ip = match host {
            url::Host::Ipv4(v4) => IpAddr::V4(*v4),
            url::Host::Ipv6(v6) => IpAddr::V6(*v6),
            url::Host::Domain(_) => return false,
        };
        let key = match host {
            url::Host::Ipv6(v6) => format!("[{v6}]"),
            other => other.to_string(),
        };
        is_forbidden_ip(ip) && !self.allows_private(&key)
    }
}

/// A DNS resolver that drops forbidden addresses for untrusted hosts and fails when none
/// remain.
pub(crate) struct GuardedResolver {
    pub(crate) policy: Arc<AccessPolicy>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let policy = Arc::clone(&self.policy);
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let addrs: Vec<SocketAddr> = if policy.allows_private(&host) {
                found
            } else {
                found
                    .into_iter()
                    .filter(|a| !is_forbidden_ip(a.ip()))
                    .collect()
            };
            if addrs.is_empty() {
                return Err(Box::new(PrivateAddressRefused { host }) as _);
            }
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forbidden(s: &str) -> bool {
        is_forbidden_ip(s.parse().unwrap())
    }

    #[test]
    fn private_and_reserved_ranges_are_forbidden() {
        for ip in [
            "127.0.0.1",
            "127.9.9.9",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.254",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:8.8.8.8",
            "::127.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(forbidden(ip), "{ip} should be forbidden");
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "93.184.216.34",
            "2606:4700::1111",
            "64:ff9b::808:808",
        ] {
            assert!(!forbidden(ip), "{ip} should be allowed");
        }
    }

    #[test]
    fn odd_spellings_of_loopback_are_caught_as_literals() {
        let policy = AccessPolicy::new(false);
        for url in [
            "http://2130706433/",
            "http://0x7f.1/",
            "http://0177.0.0.1/",
            "http://0.0.0.0:8080/",
            "http://[::1]/",
            "http://[::ffff:7f00:1]/",
            "http://[fe80::1]/",
            "http://169.254.169.254/latest/meta-data",
        ] {
            let parsed = url::Url::parse(url).unwrap();
            assert!(policy.refuses_literal(&parsed.host().unwrap()), "{url}");
        }
        let public = url::Url::parse("http://93.184.216.34/").unwrap();
        assert!(!policy.refuses_literal(&public.host().unwrap()));
        let name = url::Url::parse("http://localhost/").unwrap();
        assert!(
            !policy.refuses_literal(&name.host().unwrap()),
            "names are checked at resolution"
        );
    }

    #[test]
    fn trusted_ipv6_literals_use_the_bracketed_key() {
        let policy = AccessPolicy::new(false);
        let url = url::Url::parse("http://[::1]:8080/").unwrap();
        policy.trust(url.host_str().unwrap());
        assert!(!policy.refuses_literal(&url.host().unwrap()));
    }

    #[test]
    fn trusted_hosts_lift_the_guard_for_themselves_only() {
        let policy = AccessPolicy::new(false);
        let lit = url::Host::Ipv4(Ipv4Addr::LOCALHOST);
        assert!(policy.refuses_literal(&lit));
        policy.trust("127.0.0.1");
        assert!(!policy.refuses_literal(&lit));
        assert!(policy.refuses_literal(&url::Host::Ipv4(Ipv4Addr::new(127, 0, 0, 2))));
        assert!(AccessPolicy::new(true).allows_private("anything"));
    }
}
