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

/// Clients tracked at once. Past it, new clients are let through untracked
/// until idle ones are forgotten (see [`Table`]): refusing them would lose a
/// real visitor's proof of consent, which is worse than storing a few more
/// forged receipts.
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

/// The buckets in two generations, so that forgetting idle clients costs
/// the same however many are tracked. A client used in this generation is
/// in `current`; `previous` holds those last used in the one before. Each
/// refill period (`burst / rate`) the generations turn: `previous` is
/// dropped whole and `current` becomes `previous`. A client dropped that
/// way was last used a whole period ago or more, so its bucket had refilled
/// and forgetting it changes nothing; a client in use always moves into
/// `current` and is never dropped.
///
/// Scanning every bucket for idle ones instead (as this did before) cost
/// each request from a new address an O(n) pass under the lock once the
/// table was full, and a spray of addresses keeps it full. Dropping a map
/// of plain-data entries frees its memory without visiting them.
#[derive(Default)]
struct Table {
    current: HashMap<Client, Bucket>,
    previous: HashMap<Client, Bucket>,
    /// When the generations last turned; `None` before the first request.
    turned: Option<Instant>,
    /// Entries looked up or visited: a request looks up at most three and
    /// visits no other (a scan would count every entry it visits).
    #[cfg(test)]
    examined: usize,
}

impl Table {
    /// Turns the generations if a refill period has passed, both at once
    /// after two (everything tracked is idle then).
    fn turn(&mut self, now: Instant, period: Duration) {
        let turned = *self.turned.get_or_insert(now);
        let elapsed = now.saturating_duration_since(turned);
        if elapsed < period {
            return;
        }
        if elapsed >= period.saturating_mul(2) {
            self.current = HashMap::new();
        }
        self.previous = std::mem::take(&mut self.current);
        self.turned = Some(now);
    }

    /// The client's bucket, moved into `current`; a new full one if it is
    /// not tracked; `None` when the table is full and it is not tracked.
    fn bucket(&mut self, client: Client, now: Instant, burst: f64) -> Option<&mut Bucket> {
        #[cfg(test)]
        {
            self.examined += 3; // contains_key, remove, get_mut at most
        }
        if !self.current.contains_key(&client) {
            let bucket = match self.previous.remove(&client) {
                Some(bucket) => bucket,
                None if self.len() >= MAX_CLIENTS => return None,
                None => Bucket {
                    tokens: burst,
                    updated: now,
                },
            };
            self.current.insert(client, bucket);
        }
        self.current.get_mut(&client)
    }

    fn len(&self) -> usize {
        self.current.len() + self.previous.len()
    }
}

/// A token-bucket rate limiter per client address.
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    /// How long an empty bucket takes to fill: one generation of [`Table`].
    refill: Duration,
    table: Mutex<Table>,
}

impl RateLimiter {
    /// `per_minute` receipts a minute on average, bursts of `burst`;
    /// `per_minute == 0` turns the limit off.
    pub fn new(per_minute: u32, burst: u32) -> RateLimiter {
        let per_second = f64::from(per_minute) / 60.0;
        let burst = f64::from(burst.max(1));
        RateLimiter {
            per_second,
            burst,
            refill: if per_minute == 0 {
                Duration::MAX
            } else {
                Duration::from_secs_f64(burst / per_second)
            },
            table: Mutex::default(),
        }
    }

    /// Takes one token for `ip`, or says how long until one is free.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        if self.per_second == 0.0 {
            return Ok(());
        }
        let mut table = self.table.lock().unwrap_or_else(|e| e.into_inner());
        table.turn(now, self.refill);
        let Some(bucket) = table.bucket(Client::of(ip), now, self.burst) else {
            return Ok(());
        };
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

    /// Periodic clean-up, so memory follows current traffic when no
    /// request comes to turn the generations.
    pub fn sweep(&self, now: Instant) {
        if self.per_second > 0.0 {
            let mut table = self.table.lock().unwrap_or_else(|e| e.into_inner());
            table.turn(now, self.refill);
        }
    }

    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.table.lock().unwrap().len()
    }

    #[cfg(test)]
    fn examined(&self) -> usize {
        self.table.lock().unwrap().examined
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
        // Refilled after 2 s, forgotten within two such periods.
        limiter.sweep(t0 + Duration::from_secs(1));
        assert_eq!(limiter.tracked(), 1);
        limiter.sweep(t0 + Duration::from_secs(3));
        limiter.sweep(t0 + Duration::from_secs(5));
        assert_eq!(limiter.tracked(), 0);
    }

    #[test]
    fn a_client_is_forgotten_only_once_its_bucket_has_refilled() {
        let limiter = RateLimiter::new(60, 3); // refills in 3 s
        let t0 = Instant::now();
        let at = |s: f64| t0 + Duration::from_secs_f64(s);
        let a = ip("192.0.2.1");
        limiter.check(ip("192.0.2.2"), at(0.0)).unwrap();
        for _ in 0..3 {
            limiter.check(a, at(2.9)).unwrap();
        }
        assert!(limiter.check(a, at(2.9)).is_err());
        limiter.sweep(at(3.0)); // the generations turn with `a` just emptied
        let accepted = (0..3).filter(|_| limiter.check(a, at(5.5)).is_ok());
        assert_eq!(accepted.count(), 2, "2.6 s refilled, not a fresh bucket");
        limiter.sweep(at(9.0));
        assert_eq!(limiter.tracked(), 0);
    }

    /// The `n`th address of a spray: distinct IPv4 addresses from
    /// 198.18.0.0 up, never the tests' real client.
    fn sprayed(n: usize) -> IpAddr {
        IpAddr::V4((0xC612_0000 + n as u32).into())
    }

    #[test]
    fn a_spray_of_addresses_stays_bounded_and_costs_each_request_little() {
        let limiter = RateLimiter::new(60, 20);
        let t0 = Instant::now();
        let real = ip("192.0.2.1");
        for _ in 0..20 {
            assert_eq!(limiter.check(real, t0), Ok(()));
        }
        // Every address once, all within 0.1 s: none idle, and the real
        // client's bucket has not refilled a token meanwhile.
        let at = |n: usize| t0 + Duration::from_micros(n as u64);
        for n in 0..MAX_CLIENTS {
            assert_eq!(limiter.check(sprayed(n), at(n)), Ok(()));
        }
        assert!(limiter.tracked() <= MAX_CLIENTS);
        // Full: each further new address must cost a few lookups, not a
        // look at every client tracked (under the lock every request waits on).
        let before = limiter.examined();
        for n in MAX_CLIENTS..MAX_CLIENTS + 1000 {
            assert_eq!(limiter.check(sprayed(n), at(n)), Ok(()), "let through");
        }
        let per_request = (limiter.examined() - before) as f64 / 1000.0;
        assert!(
            per_request <= 3.0,
            "{per_request} entries looked at per request"
        );
        assert!(limiter.tracked() <= MAX_CLIENTS, "{}", limiter.tracked());
        // The real client, tracked before the spray, is still limited.
        assert!(limiter.check(real, at(MAX_CLIENTS + 1000)).is_err());
    }

    #[test]
    fn a_real_client_stays_limited_through_a_long_spray() {
        let limiter = RateLimiter::new(60, 20);
        let t0 = Instant::now();
        let real = ip("192.0.2.1");
        let mut accepted = 0;
        let mut next = 0;
        // 100 s (five refill periods): the real client asks twice a second,
        // and 10,000 new addresses a second fill the table and keep it full.
        for tick in 0..200u64 {
            let now = t0 + Duration::from_millis(tick * 500);
            accepted += usize::from(limiter.check(real, now).is_ok());
            for _ in 0..5000 {
                let _ = limiter.check(sprayed(next), now);
                next += 1;
            }
            assert!(limiter.tracked() <= MAX_CLIENTS, "{}", limiter.tracked());
        }
        // The burst, then one a second: 20 + 99.5 s of refill.
        assert!((118..=120).contains(&accepted), "{accepted} accepted");
    }
}
