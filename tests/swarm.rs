//! Swarm tests: many seeds × random fault schedules (see `kplay::swarm`). Model
//! invariants are checked after every kernel event; the guarantee at the end. A failure
//! prints the seed and the scenario text that reproduces it (`kplay run FILE`).
//! `KPLAY_SWARM_SEEDS=N` changes the number of seeds per guarantee (default 300).
#![cfg(not(target_arch = "wasm32"))]

use kplay::swarm::{run_one, Guarantee};

fn seeds() -> u64 {
    std::env::var("KPLAY_SWARM_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(300)
}

fn swarm(g: Guarantee, base: u64) {
    let n = seeds();
    let mut events = 0;
    for seed in base..base + n {
        match run_one(seed, g) {
            Ok(e) => events += e,
            Err((text, why)) => {
                let path = std::env::temp_dir().join(format!("kplay-swarm-{seed}.kplay"));
                let _ = std::fs::write(&path, &text);
                panic!("swarm seed {seed} ({g:?}) failed: {why}\nreproduce: kplay run {}\n{text}", path.display());
            }
        }
    }
    println!("{g:?}: {n} schedules clean, {events} kernel events");
}

#[test]
fn durability_swarm() {
    swarm(Guarantee::Durability, 1);
}

#[test]
fn exactly_once_swarm() {
    swarm(Guarantee::ExactlyOnce, 1_000_001);
}
