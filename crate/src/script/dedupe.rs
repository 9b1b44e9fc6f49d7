//! After pass 1: [`dedupe`] drops every topic, producer or consumer declared a second
//! time (one diagnostic each, naming the first) and applies the producers-and-consumers
//! budget in file order, so N declarations cost O(N log N) whatever their names (the
//! names are bisected in `names`' sorted indexes). A `pipeline` line declares a consumer
//! NAME and a producer NAME-producer: both take part, and a pipeline declared twice gets
//! one diagnostic, not one per client.

use super::errors::Diagnostic;
use super::names::{repeats, NameIndex};
use super::raw::{Raw, RawClient};
use crate::budget::group;

/// Drops repeated declarations and the clients past the budget; fills `raw`'s indexes.
pub fn dedupe(raw: &mut Raw, diags: &mut Vec<Diagnostic>) {
    let repeated = repeats(raw.topics.iter().map(|t| t.name.as_str()));
    for (t, _) in raw.topics.iter().zip(&repeated).filter(|(_, r)| r.is_some()) {
        diags.push(t.at.diag(format!("Topic '{}' already exists.", t.name), "declare each topic once"));
    }
    let mut r = repeated.into_iter();
    raw.topics.retain(|_| r.next().flatten().is_none());

    // Producers and consumers share one namespace, in file order: each list is in file
    // order already, so a merge by line gives (is a producer, index) in file order.
    let (np, nc) = (raw.producers.len(), raw.consumers.len());
    let mut order: Vec<(bool, usize)> = Vec::with_capacity(np + nc);
    let (mut p, mut c) = (0, 0);
    while p < np || c < nc {
        let producer_first = c == nc || (p < np && raw.producers[p].at.line < raw.consumers[c].at.line);
        order.push(if producer_first { (true, p) } else { (false, c) });
        if producer_first {
            p += 1;
        } else {
            c += 1;
        }
    }

    let repeated = repeats(order.iter().map(|&o| at(raw, o).name.as_str()));
    let mut keep = vec![true; order.len()];
    // Pipelines whose consumer was a repeat: their producer's repeat is the same mistake.
    let mut reported = vec![false; raw.pipelines.len()];
    for (k, first) in repeated.iter().enumerate() {
        let Some(first) = *first else { continue };
        keep[k] = false;
        let ((producer, _), (c, f)) = (order[k], (at(raw, order[k]), at(raw, order[first])));
        let (line, name) = (f.at.line, &c.name);
        let is = match (f.pipeline, order[first].0) {
            (None, true) => "declared as a producer".to_string(),
            (None, false) => "declared as a consumer".to_string(),
            (Some(_), false) => "declared as a pipeline".to_string(),
            (Some(j), true) => format!("the name of pipeline {}'s producer", raw.pipelines[j].name),
        };
        let (message, hint) = match (c.pipeline, producer) {
            (None, _) => (
                format!("'{name}' is already {is} on line {line}"),
                if f.pipeline.is_some() {
                    "give each producer, consumer and pipeline its own name (pipeline NAME also takes the name NAME-producer)"
                } else {
                    "give each producer and consumer its own name"
                },
            ),
            (Some(j), false) => {
                reported[j] = true;
                (
                    format!("'{name}' is already {is} on line {line}"),
                    "give each producer, consumer and pipeline its own name (pipeline NAME also takes the name NAME-producer)",
                )
            }
            (Some(j), true) if reported[j] => continue,
            (Some(j), true) => (
                format!(
                    "pipeline {}'s producer is named {name}, which is already {is} on line {line}",
                    raw.pipelines[j].name
                ),
                "rename one of them: pipeline NAME's producer is named NAME-producer",
            ),
        };
        diags.push(c.at.diag(message, hint));
    }
    let limit = usize::try_from(raw.budgets.clients).unwrap_or(usize::MAX);
    if let Some(over) = (0..order.len()).filter(|&k| keep[k]).nth(limit) {
        let (producer, _) = order[over];
        let c = at(raw, order[over]);
        let n = group(limit as u64);
        let who = match c.pipeline {
            None if producer => format!("producer {}", c.name),
            None => format!("consumer {}", c.name),
            Some(j) if producer => format!("pipeline {}'s producer {}", raw.pipelines[j].name, c.name),
            Some(j) => format!("pipeline {}'s consumer {}", raw.pipelines[j].name, c.name),
        };
        let each = if c.pipeline.is_some() { ", a pipeline counting as one of each" } else { "" };
        diags.push(c.at.diag(
            format!("{who} is one more than kplay's budget of {n} producers and consumers"),
            format!("declare at most {n} producers and consumers in all{each} (kplay's topology budget)"),
        ));
    }
    let (mut keep_p, mut keep_c) = (vec![true; np], vec![true; nc]);
    for (k, &(producer, i)) in order.iter().enumerate() {
        if !keep[k] {
            if producer {
                keep_p[i] = false;
            } else {
                keep_c[i] = false;
            }
        }
    }
    let mut k = keep_p.into_iter();
    raw.producers.retain(|_| k.next().unwrap_or(true));
    let mut k = keep_c.into_iter();
    raw.consumers.retain(|_| k.next().unwrap_or(true));
    raw.clients = NameIndex::new(raw.producers.iter().chain(&raw.consumers).map(|c| c.name.as_str()));
}

/// The declaration at (is a producer, index).
fn at(raw: &Raw, (producer, i): (bool, usize)) -> &RawClient {
    if producer {
        &raw.producers[i]
    } else {
        &raw.consumers[i]
    }
}
