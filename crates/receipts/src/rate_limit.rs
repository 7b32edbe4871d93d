//! Per-client rate limit for receipts: a token bucket per client address,
//! held in memory only. Addresses are never stored, logged or counted
//! anywhere else; a restart forgets them all.
//!
//! A client is an IPv4 address, or an IPv6 /64 (one household or phone gets
//! a whole /64, so a single address would let it dodge the limit). Many
//! visitors can share an address (offices, mobile carriers), so the limit is
//! generous: a real visitor sends one receipt per decision.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Clients tracked at once. Past it, idle clients are forgotten; if all are
/// active (a flood from very many addresses), new ones are let through
/// untracked rather than refused: losing a real visitor's proof of consent
/// is worse than storing a few more forged receipts.
const MAX_CLIENTS: usize = 100_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Client(u128);

impl Client {
    fn of(ip: IpAddr) -> Client {
        match ip {
            IpAddr::V4(v4) => Client(u128::from(u32::from(v4))),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Client(u128::from(u32::from(v4))),
                None => Client((u128::from(v6) >> 64 << 64) | 1 << 32),
            },
        }
    }
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// A token-bucket rate limiter per client address.
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<Client, Bucket>>,
}

impl RateLimiter {
    /// `per_minute` receipts a minute on average, bursts of `burst`;
    /// `per_minute == 0` turns the limit off.
    pub fn new(per_minute: u32, burst: u32) -> RateLimiter {
        RateLimiter {
            per_second: f64::from(per_minute) / 60.0,
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `ip`, or says how long until one is free.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        if self.per_second == 0.0 {
            return Ok(());
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let client = Client::of(ip);
        if !buckets.contains_key(&client) && buckets.len() >= MAX_CLIENTS {
            self.forget_idle(&mut buckets, now);
            if buckets.len() >= MAX_CLIENTS {
                return Ok(());
            }
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            tokens: self.burst,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_second).min(self.burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - bucket.tokens) / self.per_second,
            ))
        }
    }

    /// Drops the clients whose bucket has refilled: they are as good as new.
    fn forget_idle(&self, buckets: &mut HashMap<Client, Bucket>, now: Instant) {
        let refill = Duration::from_secs_f64(self.burst / self.per_second);
        buckets.retain(|_, b| now.saturating_duration_since(b.updated) < refill);
    }

    /// Periodic clean-up, so memory follows current traffic.
    pub fn sweep(&self, now: Instant) {
        if self.per_second > 0.0 {
            let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
            self.forget_idle(&mut buckets, now);
        }
    }

    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.buckets.lock().unwrap().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_burst_then_the_steady_rate() {
        let limiter = RateLimiter::new(60, 3);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check(ip("192.0.2.1"), t0), Ok(()));
        }
        let wait = limiter.check(ip("192.0.2.1"), t0).unwrap_err();
        assert!(
            wait <= Duration::from_secs(1) && wait > Duration::ZERO,
            "{wait:?}"
        );
        assert_eq!(
            limiter.check(ip("192.0.2.2"), t0),
            Ok(()),
            "another client is not affected"
        );
        assert_eq!(
            limiter.check(ip("192.0.2.1"), t0 + Duration::from_secs(1)),
            Ok(())
        );
    }

    #[test]
    fn an_ipv6_client_is_its_slash_64() {
        let limiter = RateLimiter::new(60, 1);
        let t0 = Instant::now();
        assert_eq!(limiter.check(ip("2001:db8:1:2::1"), t0), Ok(()));
        assert!(limiter.check(ip("2001:db8:1:2::ffff"), t0).is_err());
        assert_eq!(limiter.check(ip("2001:db8:1:3::1"), t0), Ok(()));
        assert_eq!(limiter.check(ip("::ffff:192.0.2.9"), t0), Ok(()));
        assert!(
            limiter.check(ip("192.0.2.9"), t0).is_err(),
            "mapped v4 is the v4 client"
        );
    }

    #[test]
    fn off_when_zero_and_idle_clients_are_forgotten() {
        let off = RateLimiter::new(0, 1);
        let t0 = Instant::now();
        for _ in 0..100 {
            assert_eq!(off.check(ip("192.0.2.1"), t0), Ok(()));
        }
        let limiter = RateLimiter::new(60, 2);
        limiter.check(ip("192.0.2.1"), t0).unwrap();
        limiter.sweep(t0 + Duration::from_secs(1));
        assert_eq!(limiter.tracked(), 1);
        limiter.sweep(t0 + Duration::from_secs(3));
        assert_eq!(limiter.tracked(), 0);
    }
}
