//! The classic group protocol's client-side partition assignors, as pure functions of the
//! group leader's view: the partition counts of the subscribed topics and each member's
//! JoinGroup metadata (subscription, owned partitions, generation).
//!
//! Each one reproduces the result of the Java client's assignor of the same name
//! (`RangeAssignor`, `RoundRobinAssignor`, `StickyAssignor`, `CooperativeStickyAssignor`),
//! without rack awareness (kplay has no racks: Kafka's non-rack path is the one followed).
//!
//! Where Java's result depends on the iteration order of a `HashMap` or `HashSet`, that
//! order is reproduced: [`JavaHashTable`] models the bucket layout of `java.util.HashMap`
//! (capacity, resizes, insertion order within a bucket) and Java's `String.hashCode` and
//! `TopicPartition.hashCode`. The leader's `HashMap<String, Subscription>` is filled in
//! JoinGroup response order, which is the order of `members`. Strings are compared as Java
//! compares them (UTF-16 code units).
//!
//! Where Java throws instead (the sticky general builder's NullPointerException when a
//! member of an older generation claims partitions of a topic it no longer subscribes to,
//! or an "unreachable" IllegalStateException), these functions still return an assignment.
//! One input is not modelled: Java's sticky assignors keep the highest generation seen
//! across rebalances in the assignor instance (`maxGeneration`); here each call starts
//! from the members' own generations, which is the same unless every member reports a
//! generation older than one the leader saw before.

use std::cmp::Ordering;
// Sorted-vector maps and sets: the same order as BTreeMap/BTreeSet, far less wasm code.
use crate::sim::{VecMap as BTreeMap, VecSet as BTreeSet};

pub use crate::config::AssignorKind;

/// (topic name, partition).
pub type TopicPartition = (String, u32);

/// One member as the group leader sees it in JoinGroup's metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberSubscription {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    /// Subscribed topics.
    pub topics: Vec<String>,
    /// Owned partitions (cooperative: `Subscription.ownedPartitions`; sticky: the userData's
    /// previous assignment).
    pub owned: Vec<TopicPartition>,
    /// The generation the owned partitions come from (-1 when unknown). For the eager
    /// sticky assignor it stands for both the userData's generation and the Subscription's
    /// generationId (they differ only after the consumer reset its generation).
    pub generation: i32,
}

/// The assignment the group leader computes: member id -> partitions, each list sorted
/// (topic, partition), every member present (possibly with an empty list).
///
/// Topics missing from `partitions_per_topic` or with no partition are skipped, as the Java
/// client skips topics without metadata. Member ids are expected to be unique.
pub fn assign(
    kind: AssignorKind,
    partitions_per_topic: &BTreeMap<String, u32>,
    members: &[MemberSubscription],
) -> BTreeMap<String, Vec<TopicPartition>> {
    let group = Group::new(partitions_per_topic, members);
    let lists = match kind {
        AssignorKind::Range => range(&group),
        AssignorKind::Roundrobin => round_robin(&group),
        AssignorKind::Sticky => sticky(&group, false),
        AssignorKind::CooperativeSticky => sticky(&group, true),
    };
    let mut out = BTreeMap::new();
    for (member, list) in members.iter().zip(lists) {
        let mut list: Vec<TopicPartition> = list.into_iter().map(|(t, p)| (t.to_string(), p)).collect();
        crate::sim::sort::sort(&mut list);
        out.insert(member.member_id.clone(), list);
    }
    out
}

/// A partition borrowed from the inputs.
type Tp<'a> = (&'a str, u32);

/// `AbstractStickyAssignor.DEFAULT_GENERATION`.
const DEFAULT_GENERATION: i32 = -1;

/// The leader's inputs, normalized once.
struct Group<'a> {
    members: &'a [MemberSubscription],
    /// Each member's subscribed topics, without repeats, in its own order.
    topics: Vec<Vec<&'a str>>,
    /// `partitionsPerTopic` (AbstractPartitionAssignor.java 76-90): topics some member
    /// subscribes to that have metadata and at least one partition.
    partitions: BTreeMap<&'a str, u32>,
    /// Iteration order (member indices) of the leader's `HashMap<String, Subscription>`.
    order: Vec<usize>,
}

impl<'a> Group<'a> {
    fn new(partitions_per_topic: &'a BTreeMap<String, u32>, members: &'a [MemberSubscription]) -> Self {
        let topics: Vec<Vec<&'a str>> = members
            .iter()
            .map(|m| {
                let mut seen = BTreeSet::new();
                m.topics.iter().map(String::as_str).filter(|t| seen.insert(*t)).collect()
            })
            .collect();
        let mut partitions = BTreeMap::new();
        for &topic in topics.iter().flatten() {
            if let Some((name, &count)) = partitions_per_topic.get_key_value(topic) {
                if count > 0 {
                    partitions.insert(name.as_str(), count);
                }
            }
        }
        let mut table = JavaHashTable::new();
        for (i, m) in members.iter().enumerate() {
            table.insert(i, java_string_hash(&m.member_id));
        }
        Group { members, topics, partitions, order: table.iteration_order() }
    }

    fn subscribes(&self, member: usize, topic: &str) -> bool {
        self.topics[member].contains(&topic)
    }

    fn generation(&self, member: usize) -> i32 {
        // `Subscription` keeps a negative generation as "absent", read back as -1.
        self.members[member].generation.max(DEFAULT_GENERATION)
    }

    /// The subscribed topics in `String.compareTo` order.
    fn sorted_topics(&self) -> Vec<&'a str> {
        let mut topics: Vec<&'a str> = self.partitions.keys().copied().collect();
        crate::sim::sort::sort_by(&mut topics, &|a, b| java_cmp(a, b));
        topics
    }

    /// The members in the leader's map order, stably sorted by `MemberInfo.compareTo`.
    fn members_by_member_info(&self) -> Vec<usize> {
        let mut sorted = self.order.clone();
        crate::sim::sort::sort_by(&mut sorted, &|&a, &b| member_info_cmp(&self.members[a], &self.members[b]));
        sorted
    }
}

// ---------------------------------------------------------------------------------------
// Range (RangeAssignor.java 106-144, 153-168, 211-214, 234-285, non-rack path)

fn range<'a>(g: &Group<'a>) -> Vec<Vec<Tp<'a>>> {
    let mut out = vec![Vec::new(); g.members.len()];
    let sorted = g.members_by_member_info();
    for (&topic, &count) in &g.partitions {
        let consumers: Vec<usize> = sorted.iter().copied().filter(|&m| g.subscribes(m, topic)).collect();
        if consumers.is_empty() {
            continue;
        }
        let per_consumer = count as usize / consumers.len();
        let mut with_extra = count as usize % consumers.len();
        let mut next = 0u32;
        for &consumer in &consumers {
            if next >= count {
                break;
            }
            let take = per_consumer + usize::from(with_extra > 0);
            if take == 0 {
                continue;
            }
            let end = (next as usize + take).min(count as usize) as u32;
            out[consumer].extend((next..end).map(|p| (topic, p)));
            if (end - next) as usize > per_consumer {
                with_extra -= 1;
            }
            next = end;
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// RoundRobin (RoundRobinAssignor.java 104-138, with CircularIterator)

fn round_robin<'a>(g: &Group<'a>) -> Vec<Vec<Tp<'a>>> {
    let mut out = vec![Vec::new(); g.members.len()];
    let ring = g.members_by_member_info();
    if ring.is_empty() {
        return out;
    }
    let mut next = 0;
    for topic in g.sorted_topics() {
        for p in 0..g.partitions[topic] {
            // Some member subscribes to every topic of `partitions`: this ends.
            while !g.subscribes(ring[next], topic) {
                next = (next + 1) % ring.len();
            }
            out[ring[next]].push((topic, p));
            next = (next + 1) % ring.len();
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Sticky and CooperativeSticky (AbstractStickyAssignor.java 93-1502, CooperativeStickyAssignor.java 110-152)

fn sticky<'a>(g: &Group<'a>, cooperative: bool) -> Vec<Vec<Tp<'a>>> {
    let n = g.members.len();
    if n == 0 {
        return Vec::new();
    }

    // allSubscriptionsEqual (AbstractStickyAssignor.java 132-210): also collects each
    // member's still-valid owned partitions, resolving claims by generation.
    let mut first_topics: BTreeSet<&str> = BTreeSet::new();
    let mut all_equal = true;
    let mut owned: Vec<Vec<Tp<'a>>> = vec![Vec::new(); n];
    let mut claimed_by: BTreeMap<Tp<'a>, usize> = BTreeMap::new();
    let mut claimed_twice: BTreeSet<Tp<'a>> = BTreeSet::new();
    let mut max_generation = DEFAULT_GENERATION;
    for &member in &g.order {
        let topics = &g.topics[member];
        if first_topics.is_empty() {
            // Java re-seeds the set while it is empty, so leading members with no topic
            // do not make the subscriptions unequal.
            first_topics.extend(topics.iter().copied());
        } else if all_equal && !(topics.len() == first_topics.len() && topics.iter().all(|t| first_topics.contains(t)))
        {
            all_equal = false;
        }
        let generation = g.generation(member);
        max_generation = max_generation.max(generation);
        for (topic, p) in &g.members[member].owned {
            if !g.partitions.contains_key(topic.as_str()) {
                continue;
            }
            let tp = (topic.as_str(), *p);
            match claimed_by.get(&tp).copied() {
                None => {
                    owned[member].push(tp);
                    claimed_by.insert(tp, member);
                }
                Some(other) => match generation.cmp(&g.generation(other)) {
                    Ordering::Equal => {
                        claimed_twice.insert(tp);
                        remove_first(&mut owned[other], &tp);
                        claimed_by.insert(tp, member);
                    }
                    Ordering::Greater => {
                        owned[member].push(tp);
                        remove_first(&mut owned[other], &tp);
                        claimed_by.insert(tp, member);
                    }
                    Ordering::Less => {}
                },
            }
        }
    }

    if all_equal {
        let (mut assignment, transferring) = constrained(g, &owned, &claimed_twice);
        if cooperative {
            adjust_assignment(&mut assignment, &transferring);
        }
        assignment
    } else {
        let mut assignment = GeneralBuilder::new(g, owned).build(max_generation);
        if cooperative {
            let transferring = partitions_transferring_ownership(g, &assignment);
            adjust_assignment(&mut assignment, &transferring);
        }
        assignment
    }
}

/// CooperativeStickyAssignor.adjustAssignment: a partition moving between owners is left
/// out, to be assigned in the follow-up rebalance once its owner has revoked it.
fn adjust_assignment<'a>(assignment: &mut [Vec<Tp<'a>>], transferring: &BTreeMap<Tp<'a>, usize>) {
    for (tp, &member) in transferring {
        remove_first(&mut assignment[member], tp);
    }
}

/// CooperativeStickyAssignor.computePartitionsTransferringOwnership (general case):
/// partitions newly assigned to a member that some member owned and no longer gets.
fn partitions_transferring_ownership<'a>(g: &Group<'a>, assignment: &[Vec<Tp<'a>>]) -> BTreeMap<Tp<'a>, usize> {
    let mut added: BTreeMap<Tp<'a>, usize> = BTreeMap::new();
    let mut revoked: BTreeSet<Tp<'a>> = BTreeSet::new();
    for (member, assigned) in assignment.iter().enumerate() {
        let owned: BTreeSet<Tp<'a>> = g.members[member].owned.iter().map(|(t, p)| (t.as_str(), *p)).collect();
        for tp in assigned {
            if !owned.contains(tp) {
                added.insert(*tp, member);
            }
        }
        for tp in &owned {
            if !assigned.contains(tp) {
                revoked.insert(*tp);
            }
        }
    }
    added.retain(|tp, _| revoked.contains(tp));
    added
}

/// ConstrainedAssignmentBuilder (AbstractStickyAssignor.java 585-920) without racks: every
/// member subscribes to the same topics. Returns the assignment and the partitions that
/// move from one owner to another (`partitionsTransferringOwnership`).
fn constrained<'a>(
    g: &Group<'a>,
    owned: &[Vec<Tp<'a>>],
    claimed_twice: &BTreeSet<Tp<'a>>,
) -> (Vec<Vec<Tp<'a>>>, BTreeMap<Tp<'a>, usize>) {
    let n = g.members.len();
    let total: usize = g.partitions.values().map(|&c| c as usize).sum();
    let min_quota = total / n;
    let max_quota = total.div_ceil(n);
    let expected_over_min = total % n;
    let mut current_over_min = 0;

    let mut assignment: Vec<Vec<Tp<'a>>> = vec![Vec::new(); n];
    let mut assigned: Vec<Tp<'a>> = Vec::new();
    let mut maybe_revoked: BTreeMap<Tp<'a>, usize> = BTreeMap::new();
    let mut transferring: BTreeMap<Tp<'a>, usize> = BTreeMap::new();
    let mut under_min: Vec<usize> = Vec::new();
    let mut at_min: Vec<usize> = Vec::new();

    // assignOwnedPartitions: members in the order of consumerToOwnedPartitions, a HashMap
    // filled in the subscriptions' iteration order, hence iterated in that same order.
    for &member in &g.order {
        let mut mine = owned[member].clone();
        crate::sim::sort::sort_by(&mut mine, &|a, b| a.1.cmp(&b.1).then_with(|| java_cmp(a.0, b.0)));
        mine.retain(|tp| !claimed_twice.contains(tp));
        if mine.len() < min_quota {
            assignment[member].extend_from_slice(&mine);
            assigned.extend_from_slice(&mine);
            under_min.push(member);
        } else if mine.len() >= max_quota && current_over_min < expected_over_min {
            current_over_min += 1;
            if current_over_min == expected_over_min {
                at_min.clear();
            }
            assignment[member].extend_from_slice(&mine[..max_quota]);
            assigned.extend_from_slice(&mine[..max_quota]);
            for tp in &mine[max_quota..] {
                maybe_revoked.insert(*tp, member);
            }
        } else {
            assignment[member].extend_from_slice(&mine[..min_quota]);
            assigned.extend_from_slice(&mine[..min_quota]);
            for tp in &mine[min_quota..] {
                maybe_revoked.insert(*tp, member);
            }
            if current_over_min < expected_over_min {
                at_min.push(member);
            }
        }
    }

    // getUnassignedPartitions (its two-pointer walk, kept for identical results on
    // partitions beyond a topic's count).
    crate::sim::sort::sort_by(&mut assigned, &|a, b| java_cmp(a.0, b.0).then(a.1.cmp(&b.1)));
    let all = g.sorted_topics().into_iter().flat_map(|t| (0..g.partitions[t]).map(move |p| (t, p)));
    let unassigned = difference_of_sorted(all, &assigned);

    crate::sim::sort::sort_by(&mut under_min, &|&a, &b| java_cmp(&g.members[a].member_id, &g.members[b].member_id));
    crate::sim::sort::sort_by(&mut at_min, &|&a, &b| java_cmp(&g.members[a].member_id, &g.members[b].member_id));

    // assignRoundRobin: `cursor` plays the iterator over `under_min`.
    let mut cursor = 0;
    for tp in unassigned {
        let (member, from_under_min) = if cursor < under_min.len() {
            cursor += 1;
            (under_min[cursor - 1], true)
        } else if under_min.is_empty() {
            if at_min.is_empty() {
                // Java throws IllegalStateException; the quotas make this unreachable.
                debug_assert!(false, "no unfilled member left for {tp:?}");
                break;
            }
            (at_min.remove(0), false)
        } else {
            cursor = 1;
            (under_min[0], true)
        };
        assignment[member].push(tp);
        if maybe_revoked.get(&tp).is_some_and(|&previous| previous != member) || claimed_twice.contains(&tp) {
            transferring.insert(tp, member);
        }
        // (Java also counts the members reaching max_quota here, only to log an anomaly.)
        if assignment[member].len() == min_quota {
            if from_under_min {
                cursor -= 1;
                under_min.remove(cursor);
            }
            at_min.push(member);
        }
    }
    (assignment, transferring)
}

/// GeneralAssignmentBuilder (AbstractStickyAssignor.java 939-1502) without racks: members
/// subscribe to different topics.
struct GeneralBuilder<'g, 'a> {
    g: &'g Group<'a>,
    /// topic2AllPotentialConsumers.
    potential_consumers: BTreeMap<&'a str, Vec<usize>>,
    /// consumer2AllPotentialTopics.
    potential_topics: Vec<Vec<&'a str>>,
    /// currentAssignment; `None` while a member is set aside as fixed.
    current: Vec<Option<Vec<Tp<'a>>>>,
    /// currentPartitionConsumer.
    owner: BTreeMap<Tp<'a>, usize>,
    sorted_all: Vec<Tp<'a>>,
    /// sortedCurrentSubscriptions: (assignment size, rank of the member id).
    by_load: BTreeSet<(usize, usize)>,
    /// Member index -> rank of its id in `String.compareTo` order, and back.
    rank: Vec<usize>,
    by_rank: Vec<usize>,
    revocation_required: bool,
    movements: PartitionMovements<'a>,
}

impl<'g, 'a> GeneralBuilder<'g, 'a> {
    fn new(g: &'g Group<'a>, owned: Vec<Vec<Tp<'a>>>) -> Self {
        let n = g.members.len();
        let mut potential_consumers: BTreeMap<&'a str, Vec<usize>> =
            g.partitions.keys().map(|&t| (t, Vec::new())).collect();
        let mut potential_topics = vec![Vec::new(); n];
        for &member in &g.order {
            for &topic in &g.topics[member] {
                if let Some(consumers) = potential_consumers.get_mut(topic) {
                    consumers.push(member);
                    potential_topics[member].push(topic);
                }
            }
        }
        let mut owner = BTreeMap::new();
        for (member, list) in owned.iter().enumerate() {
            for tp in list {
                owner.insert(*tp, member);
            }
        }
        let mut topics: Vec<&'a str> = g.partitions.keys().copied().collect();
        crate::sim::sort::sort_by(&mut topics, &|a, b| {
            potential_consumers[a].len().cmp(&potential_consumers[b].len()).then(java_cmp(a, b))
        });
        let sorted_all = topics.iter().flat_map(|&t| (0..g.partitions[t]).map(move |p| (t, p))).collect();
        let mut by_rank: Vec<usize> = (0..n).collect();
        crate::sim::sort::sort_by(&mut by_rank, &|&a, &b| java_cmp(&g.members[a].member_id, &g.members[b].member_id));
        let mut rank = vec![0; n];
        for (r, &member) in by_rank.iter().enumerate() {
            rank[member] = r;
        }
        GeneralBuilder {
            g,
            potential_consumers,
            potential_topics,
            current: owned.into_iter().map(Some).collect(),
            owner,
            sorted_all,
            by_load: BTreeSet::new(),
            rank,
            by_rank,
            revocation_required: false,
            movements: PartitionMovements::default(),
        }
    }

    fn build(mut self, max_generation: i32) -> Vec<Vec<Tp<'a>>> {
        // prepopulateCurrentAssignments: the latest claim of an older generation.
        let mut previous: BTreeMap<Tp<'a>, (usize, i32)> = BTreeMap::new();
        for &member in &self.g.order {
            let generation = self.g.generation(member);
            if generation < max_generation {
                for (topic, p) in &self.g.members[member].owned {
                    let tp = (topic.as_str(), *p);
                    match previous.get(&tp) {
                        Some(&(_, seen)) if generation <= seen => {}
                        _ => {
                            previous.insert(tp, (member, generation));
                        }
                    }
                }
            }
        }

        // assignOwnedPartitions: keep the owned partitions of still-subscribed topics.
        let mut assigned = Vec::new();
        for member in 0..self.current.len() {
            let Some(list) = self.current[member].as_mut() else { continue };
            let mut kept = Vec::with_capacity(list.len());
            for &tp in list.iter() {
                if !self.potential_consumers.contains_key(tp.0) {
                    self.owner.remove(&tp);
                } else if !self.g.subscribes(member, tp.0) {
                    // Java leaves currentPartitionConsumer pointing here until reassigned.
                    self.revocation_required = true;
                } else {
                    kept.push(tp);
                    assigned.push(tp);
                }
            }
            *list = kept;
        }
        let potential = &self.potential_consumers;
        crate::sim::sort::sort_by(&mut assigned, &|a, b| {
            potential[a.0].len().cmp(&potential[b.0].len()).then(java_cmp(a.0, b.0)).then(a.1.cmp(&b.1))
        });
        let unassigned = difference_of_sorted(self.sorted_all.iter().copied(), &assigned);

        for member in 0..self.current.len() {
            let load = self.load(member);
            self.by_load.insert((load, self.rank[member]));
        }
        self.balance(&previous, unassigned);
        self.current.into_iter().map(Option::unwrap_or_default).collect()
    }

    fn load(&self, member: usize) -> usize {
        self.current[member].as_ref().map_or(0, Vec::len)
    }

    fn max_assignment_size(&self, member: usize) -> usize {
        self.potential_topics[member].iter().map(|t| self.g.partitions[t] as usize).sum()
    }

    fn topic_can_move(&self, topic: &str) -> bool {
        self.potential_consumers.get(topic).is_some_and(|c| c.len() >= 2)
    }

    fn consumer_can_move(&self, member: usize) -> bool {
        let Some(list) = self.current[member].as_ref() else { return false };
        list.len() < self.max_assignment_size(member) || list.iter().any(|tp| self.topic_can_move(tp.0))
    }

    fn balance(&mut self, previous: &BTreeMap<Tp<'a>, (usize, i32)>, mut unassigned: Vec<Tp<'a>>) {
        let initializing = self.by_load.last().is_none_or(|&(load, _)| load == 0);

        // maybeAssign: each unassigned partition to the least loaded subscriber.
        for &tp in &unassigned {
            if self.potential_consumers.get(tp.0).is_none_or(Vec::is_empty) {
                continue;
            }
            let target =
                self.by_load.iter().copied().find(|&(_, r)| self.potential_topics[self.by_rank[r]].contains(&tp.0));
            if let Some((load, r)) = target {
                let member = self.by_rank[r];
                self.by_load.remove(&(load, r));
                if let Some(list) = self.current[member].as_mut() {
                    list.push(tp);
                }
                self.owner.insert(tp, member);
                self.by_load.insert((load + 1, r));
            }
        }

        // Only topics with two or more subscribers can move, and only members that could
        // gain a partition or hold a movable one.
        let potential = &self.potential_consumers;
        let movable = |tp: &Tp<'a>| potential.get(tp.0).is_some_and(|c| c.len() >= 2);
        self.sorted_all.retain(movable);
        unassigned.retain(movable);
        let mut fixed = Vec::new();
        for member in 0..self.current.len() {
            if !self.consumer_can_move(member) {
                self.by_load.remove(&(self.load(member), self.rank[member]));
                fixed.push((member, self.current[member].take()));
            }
        }

        let before = self.current.clone();
        let owner_before = self.owner.clone();
        if !self.revocation_required {
            self.perform_reassignments(&unassigned, previous);
        }
        let sorted_all = std::mem::take(&mut self.sorted_all);
        let reassigned = self.perform_reassignments(&sorted_all, previous);
        self.sorted_all = sorted_all;

        if !initializing && reassigned && balance_score(&self.current) >= balance_score(&before) {
            self.current = before;
            self.owner = owner_before;
        }
        for (member, list) in fixed {
            self.current[member] = list;
        }
    }

    fn perform_reassignments(&mut self, partitions: &[Tp<'a>], previous: &BTreeMap<Tp<'a>, (usize, i32)>) -> bool {
        let mut reassigned = false;
        loop {
            let mut modified = false;
            for &tp in partitions {
                if self.is_balanced() {
                    break;
                }
                let Some(&consumer) = self.owner.get(&tp) else { continue };
                let load = self.load(consumer);
                if let Some(&(previous_owner, _)) = previous.get(&tp) {
                    // Java would throw on a previous owner set aside as fixed; skip it.
                    if self.current[previous_owner].is_some() && load > self.load(previous_owner) + 1 {
                        self.reassign(tp, previous_owner);
                        reassigned = true;
                        modified = true;
                        continue;
                    }
                }
                let better = self.potential_consumers[tp.0].iter().any(|&other| load > self.load(other) + 1);
                if better {
                    let target = self
                        .by_load
                        .iter()
                        .map(|&(_, r)| self.by_rank[r])
                        .find(|&m| self.potential_topics[m].contains(&tp.0));
                    if let Some(target) = target {
                        self.reassign(tp, target);
                        reassigned = true;
                        modified = true;
                    }
                }
            }
            if !modified {
                return reassigned;
            }
        }
    }

    fn reassign(&mut self, tp: Tp<'a>, to: usize) {
        let Some(&from) = self.owner.get(&tp) else { return };
        let moved = self.movements.partition_to_move(tp, from, to);
        let Some(&from) = self.owner.get(&moved) else { return };
        self.by_load.remove(&(self.load(from), self.rank[from]));
        self.by_load.remove(&(self.load(to), self.rank[to]));
        self.movements.move_partition(moved, from, to);
        if let Some(list) = self.current[from].as_mut() {
            remove_first(list, &moved);
        }
        if let Some(list) = self.current[to].as_mut() {
            list.push(moved);
        }
        self.owner.insert(moved, to);
        self.by_load.insert((self.load(to), self.rank[to]));
        self.by_load.insert((self.load(from), self.rank[from]));
    }

    fn is_balanced(&self) -> bool {
        let (Some(&(min, _)), Some(&(max, _))) = (self.by_load.first(), self.by_load.last()) else { return true };
        if min + 1 >= max {
            return true;
        }
        let mut holder: BTreeMap<Tp<'a>, usize> = BTreeMap::new();
        for (member, list) in self.current.iter().enumerate() {
            for tp in list.iter().flatten() {
                holder.insert(*tp, member);
            }
        }
        for &(_, r) in &self.by_load {
            let member = self.by_rank[r];
            let load = self.load(member);
            if load == self.max_assignment_size(member) {
                continue;
            }
            let mine = self.current[member].as_deref().unwrap_or_default();
            for &topic in &self.potential_topics[member] {
                for p in 0..self.g.partitions[topic] {
                    let tp = (topic, p);
                    if mine.contains(&tp) {
                        continue;
                    }
                    if let Some(&other) = holder.get(&tp) {
                        if load + 1 < self.load(other) {
                            return false;
                        }
                    }
                }
            }
        }
        true
    }
}

/// getBalanceScore: the sum of the load differences over all pairs of (non-fixed) members.
fn balance_score(current: &[Option<Vec<Tp<'_>>>]) -> usize {
    let loads: Vec<usize> = current.iter().flatten().map(Vec::len).collect();
    let mut score = 0;
    for (i, a) in loads.iter().enumerate() {
        for b in &loads[i + 1..] {
            score += a.abs_diff(*b);
        }
    }
    score
}

/// PartitionMovements (AbstractStickyAssignor.java 260-326): where each moved partition
/// came from, so that a later move in the opposite direction moves back the same partition.
#[derive(Default)]
struct PartitionMovements<'a> {
    /// partition -> (source, destination).
    of_partition: BTreeMap<Tp<'a>, (usize, usize)>,
    /// topic -> (source, destination) -> partitions, a `HashSet<TopicPartition>` in Java
    /// whose first element (hash order) is the one moved back.
    of_topic: BTreeMap<&'a str, BTreeMap<(usize, usize), JavaHashTable<Tp<'a>>>>,
}

impl<'a> PartitionMovements<'a> {
    fn remove_record(&mut self, tp: Tp<'a>) -> Option<(usize, usize)> {
        let pair = self.of_partition.remove(&tp)?;
        if let Some(pairs) = self.of_topic.get_mut(tp.0) {
            if let Some(set) = pairs.get_mut(&pair) {
                set.remove(&tp);
                if set.is_empty() {
                    pairs.remove(&pair);
                }
            }
            if pairs.is_empty() {
                self.of_topic.remove(tp.0);
            }
        }
        Some(pair)
    }

    fn add_record(&mut self, tp: Tp<'a>, pair: (usize, usize)) {
        self.of_partition.insert(tp, pair);
        self.of_topic.entry(tp.0).or_default().entry(pair).or_insert_with(JavaHashTable::new).insert(tp, tp_hash(tp));
    }

    fn move_partition(&mut self, tp: Tp<'a>, from: usize, to: usize) {
        match self.remove_record(tp) {
            Some((source, _)) => {
                if source != to {
                    self.add_record(tp, (source, to));
                }
            }
            None => self.add_record(tp, (from, to)),
        }
    }

    fn partition_to_move(&self, tp: Tp<'a>, from: usize, to: usize) -> Tp<'a> {
        let Some(pairs) = self.of_topic.get(tp.0) else { return tp };
        let from = self.of_partition.get(&tp).map_or(from, |&(source, _)| source);
        pairs.get(&(to, from)).and_then(JavaHashTable::first).copied().unwrap_or(tp)
    }
}

// ---------------------------------------------------------------------------------------
// Helpers

/// The elements of `all` not in `assigned`, both sorted the same way, by the two-pointer
/// walk of the Java builders' getUnassignedPartitions.
fn difference_of_sorted<'a>(all: impl Iterator<Item = Tp<'a>>, assigned: &[Tp<'a>]) -> Vec<Tp<'a>> {
    let mut out = Vec::new();
    let mut rest = assigned.iter();
    let mut next = rest.next();
    let mut add_all = false;
    for tp in all {
        if add_all || next != Some(&tp) {
            out.push(tp);
        } else {
            next = rest.next();
            add_all = next.is_none();
        }
    }
    out
}

fn remove_first<T: PartialEq>(list: &mut Vec<T>, item: &T) {
    if let Some(i) = list.iter().position(|x| x == item) {
        list.remove(i);
    }
}

/// `MemberInfo.compareTo`: static members first, by group.instance.id, then the others by
/// member id.
fn member_info_cmp(a: &MemberSubscription, b: &MemberSubscription) -> Ordering {
    match (&a.group_instance_id, &b.group_instance_id) {
        (Some(x), Some(y)) => java_cmp(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => java_cmp(&a.member_id, &b.member_id),
    }
}

/// `String.compareTo`: lexicographic over UTF-16 code units.
pub(crate) fn java_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// `String.hashCode`.
fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// `TopicPartition.hashCode`.
fn tp_hash(tp: Tp<'_>) -> i32 {
    31i32.wrapping_add(tp.1 as i32).wrapping_mul(31).wrapping_add(java_string_hash(tp.0))
}

/// The iteration order of a `java.util.HashMap` / `HashSet` created with the default
/// capacity (16, load factor 0.75): buckets in index order, each bucket in insertion order
/// (resizes split buckets without reordering them, removals unlink in place). A bucket of
/// nine or more entries resizes a table under 64 buckets, as `treeifyBin` does; the order
/// of a bucket Java turns into a tree (9+ colliding keys in a table of 64+) is not modelled.
struct JavaHashTable<K> {
    capacity: usize,
    /// (key, spread hash, insertion sequence).
    entries: Vec<(K, u32, u64)>,
    next_seq: u64,
}

impl<K: PartialEq> JavaHashTable<K> {
    fn new() -> Self {
        JavaHashTable { capacity: 16, entries: Vec::new(), next_seq: 0 }
    }

    /// `add`/`put` of a new key (a present key keeps its place).
    fn insert(&mut self, key: K, hash: i32) {
        if self.entries.iter().any(|(k, _, _)| *k == key) {
            return;
        }
        let hash = hash as u32;
        let spread = hash ^ (hash >> 16);
        let bucket = self.bucket(spread);
        let chain = self.entries.iter().filter(|e| self.bucket(e.1) == bucket).count();
        self.entries.push((key, spread, self.next_seq));
        self.next_seq += 1;
        if chain >= 8 && self.capacity < 64 {
            self.capacity *= 2;
        }
        if self.entries.len() > self.capacity / 4 * 3 {
            self.capacity *= 2;
        }
    }

    fn remove(&mut self, key: &K) {
        self.entries.retain(|(k, _, _)| k != key);
    }

    fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn bucket(&self, spread: u32) -> usize {
        spread as usize & (self.capacity - 1)
    }

    fn sort_key(&self, entry: &(K, u32, u64)) -> (usize, u64) {
        (self.bucket(entry.1), entry.2)
    }

    /// `iterator().next()`.
    fn first(&self) -> Option<&K> {
        self.entries.iter().min_by_key(|e| self.sort_key(e)).map(|e| &e.0)
    }

    /// All keys in iteration order.
    fn iteration_order(self) -> Vec<K> {
        let mut entries = self.entries;
        let capacity = self.capacity;
        crate::sim::sort::sort_by_key(&mut entries, &|e| (e.1 as usize & (capacity - 1), e.2));
        entries.into_iter().map(|e| e.0).collect()
    }
}

#[cfg(test)]
mod tests {
    //! Cases ported from Kafka's RangeAssignorTest, RoundRobinAssignorTest,
    //! AbstractStickyAssignorTest, StickyAssignorTest and CooperativeStickyAssignorTest
    //! (non-rack configurations; members listed in the order the Java test puts them in
    //! its `HashMap`), then property tests over pseudo-random groups.

    use super::*;

    fn counts(topics: &[(&str, u32)]) -> BTreeMap<String, u32> {
        topics.iter().map(|&(t, c)| (t.to_string(), c)).collect()
    }

    fn tps(list: &[(&str, u32)]) -> Vec<TopicPartition> {
        let mut v: Vec<TopicPartition> = list.iter().map(|&(t, p)| (t.to_string(), p)).collect();
        v.sort();
        v
    }

    fn member(id: &str, topics: &[&str]) -> MemberSubscription {
        MemberSubscription {
            member_id: id.to_string(),
            group_instance_id: None,
            topics: topics.iter().map(|t| t.to_string()).collect(),
            owned: Vec::new(),
            generation: -1,
        }
    }

    fn static_member(id: &str, instance: &str, topics: &[&str]) -> MemberSubscription {
        MemberSubscription { group_instance_id: Some(instance.to_string()), ..member(id, topics) }
    }

    fn owning(id: &str, topics: &[&str], owned: &[(&str, u32)], generation: i32) -> MemberSubscription {
        MemberSubscription { owned: tps(owned), generation, ..member(id, topics) }
    }

    /// The members again, owning what `assignment` gave them, at `generation`.
    fn next_round(
        members: &[MemberSubscription],
        assignment: &BTreeMap<String, Vec<TopicPartition>>,
        generation: i32,
    ) -> Vec<MemberSubscription> {
        members
            .iter()
            .map(|m| MemberSubscription { owned: assignment[&m.member_id].clone(), generation, ..m.clone() })
            .collect()
    }

    fn expect(assignment: &BTreeMap<String, Vec<TopicPartition>>, expected: &[(&str, &[(&str, u32)])]) {
        let expected: BTreeMap<String, Vec<TopicPartition>> =
            expected.iter().map(|&(m, list)| (m.to_string(), tps(list))).collect();
        assert_eq!(assignment, &expected);
    }

    const STICKIES: [AssignorKind; 2] = [AssignorKind::Sticky, AssignorKind::CooperativeSticky];

    // ---- Range

    #[test]
    fn range_one_consumer_gets_only_its_existing_topics() {
        // testOneConsumerOneTopic, testOnlyAssignsPartitionsFromSubscribedTopics,
        // testOneConsumerNonexistentTopic, testOneConsumerNoTopic
        let topics = counts(&[("topic1", 3), ("other", 3)]);
        let a = assign(AssignorKind::Range, &topics, &[member("consumer1", &["topic1"])]);
        expect(&a, &[("consumer1", &[("topic1", 0), ("topic1", 1), ("topic1", 2)])]);
        let a = assign(AssignorKind::Range, &topics, &[member("consumer1", &["nope"]), member("consumer2", &[])]);
        expect(&a, &[("consumer1", &[]), ("consumer2", &[])]);
    }

    #[test]
    fn range_and_roundrobin_unequal_subscriptions() {
        // testMultipleConsumersMixedTopics, in RangeAssignorTest and RoundRobinAssignorTest
        // alike: roundrobin skips the members not subscribed to a partition's topic.
        let topics = counts(&[("topic1", 3), ("topic2", 2)]);
        let members = [
            member("consumer1", &["topic1"]),
            member("consumer2", &["topic1", "topic2"]),
            member("consumer3", &["topic1"]),
        ];
        for kind in [AssignorKind::Range, AssignorKind::Roundrobin] {
            let a = assign(kind, &topics, &members);
            expect(
                &a,
                &[
                    ("consumer1", &[("topic1", 0)]),
                    ("consumer2", &[("topic1", 1), ("topic2", 0), ("topic2", 1)]),
                    ("consumer3", &[("topic1", 2)]),
                ],
            );
        }
    }

    #[test]
    fn range_co_partitioned_ranges_extra_to_the_first() {
        // testTwoConsumersTwoTopicsSixPartitions, testTwoConsumersOneTopicOnePartition
        let topics = counts(&[("topic1", 3), ("topic2", 3)]);
        let both = ["topic1", "topic2"];
        let a = assign(AssignorKind::Range, &topics, &[member("consumer1", &both), member("consumer2", &both)]);
        expect(
            &a,
            &[
                ("consumer1", &[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)]),
                ("consumer2", &[("topic1", 2), ("topic2", 2)]),
            ],
        );
        let one = counts(&[("topic1", 1)]);
        let a =
            assign(AssignorKind::Range, &one, &[member("consumer1", &["topic1"]), member("consumer2", &["topic1"])]);
        expect(&a, &[("consumer1", &[("topic1", 0)]), ("consumer2", &[])]);
    }

    #[test]
    fn range_static_members_ordered_by_instance_id_first() {
        // testTwoStaticConsumersTwoTopicsSixPartitions,
        // testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions
        let topics = counts(&[("topic1", 3), ("topic2", 3)]);
        let both = ["topic1", "topic2"];
        let first = &[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)][..];
        let second = &[("topic1", 2), ("topic2", 2)][..];
        let members =
            [static_member("consumer-b", "instance1", &both), static_member("consumer-a", "instance2", &both)];
        expect(&assign(AssignorKind::Range, &topics, &members), &[("consumer-b", first), ("consumer-a", second)]);
        let members = [static_member("consumer-b", "instance1", &both), member("consumer-a", &both)];
        expect(&assign(AssignorKind::Range, &topics, &members), &[("consumer-b", first), ("consumer-a", second)]);
    }

    #[test]
    fn range_static_assignment_survives_a_new_dynamic_member_and_new_member_ids() {
        // testStaticMemberRangeAssignmentPersistent
        let topics = counts(&[("topic1", 5), ("topic2", 4)]);
        let both = ["topic1", "topic2"];
        let mut members = vec![
            static_member("consumer1", "instance1", &both),
            static_member("consumer2", "instance2", &both),
            static_member("consumer3", "instance3", &both),
            member("consumer4", &both),
        ];
        let statics: &[(&str, &[(&str, u32)])] = &[
            ("consumer1", &[("topic1", 0), ("topic1", 1), ("topic2", 0)]),
            ("consumer2", &[("topic1", 2), ("topic2", 1)]),
            ("consumer3", &[("topic1", 3), ("topic2", 2)]),
        ];
        let mut expected = statics.to_vec();
        expected.push(("consumer4", &[("topic1", 4), ("topic2", 3)]));
        expect(&assign(AssignorKind::Range, &topics, &members), &expected);
        // The dynamic member leaves and another joins: it gets the same partitions.
        members[3] = member("consumer5", &both);
        expected[3].0 = "consumer5";
        expect(&assign(AssignorKind::Range, &topics, &members), &expected);

        // testStaticMemberRangeAssignmentPersistentAfterMemberIdChanges
        let topics = counts(&[("topic1", 5), ("topic2", 5)]);
        let before = assign(AssignorKind::Range, &topics, &members[..3]);
        let renamed = [
            static_member("consumer1", "instance1", &both),
            static_member("consumer5", "instance2", &both),
            static_member("consumer4", "instance3", &both),
        ];
        let after = assign(AssignorKind::Range, &topics, &renamed);
        assert_eq!(before["consumer1"], tps(&[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)]));
        assert_eq!(before["consumer3"], tps(&[("topic1", 4), ("topic2", 4)]));
        assert_eq!(before["consumer1"], after["consumer1"]);
        assert_eq!(before["consumer2"], after["consumer5"]);
        assert_eq!(before["consumer3"], after["consumer4"]);
    }

    #[test]
    fn range_co_partitioning_with_same_subscription() {
        // testCoPartitionedAssignmentWithSameSubscription (racks absent): t7..t9 do not exist.
        let topics = counts(&[("t1", 6), ("t2", 6), ("t3", 2), ("t4", 2), ("t5", 4), ("t6", 4)]);
        let all = ["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"];
        let members = [member("consumer0", &all), member("consumer1", &all), member("consumer2", &all)];
        let a = assign(AssignorKind::Range, &topics, &members);
        expect(
            &a,
            &[
                (
                    "consumer0",
                    &[
                        ("t1", 0),
                        ("t1", 1),
                        ("t2", 0),
                        ("t2", 1),
                        ("t3", 0),
                        ("t4", 0),
                        ("t5", 0),
                        ("t5", 1),
                        ("t6", 0),
                        ("t6", 1),
                    ],
                ),
                (
                    "consumer1",
                    &[("t1", 2), ("t1", 3), ("t2", 2), ("t2", 3), ("t3", 1), ("t4", 1), ("t5", 2), ("t6", 2)],
                ),
                ("consumer2", &[("t1", 4), ("t1", 5), ("t2", 4), ("t2", 5), ("t5", 3), ("t6", 3)]),
            ],
        );
    }

    // ---- RoundRobin

    #[test]
    fn roundrobin_single_consumer() {
        // testOneConsumerNoTopic, testOneConsumerNonexistentTopic, testOneConsumerMultipleTopics
        let topics = counts(&[("topic1", 1), ("topic2", 2)]);
        expect(&assign(AssignorKind::Roundrobin, &topics, &[member("consumer", &[])]), &[("consumer", &[])]);
        expect(&assign(AssignorKind::Roundrobin, &topics, &[member("consumer", &["topic"])]), &[("consumer", &[])]);
        let a = assign(AssignorKind::Roundrobin, &topics, &[member("consumer", &["topic1", "topic2"])]);
        expect(&a, &[("consumer", &[("topic1", 0), ("topic2", 0), ("topic2", 1)])]);
    }

    #[test]
    fn roundrobin_one_partition_two_consumers() {
        // testTwoConsumersOneTopicOnePartition, testTwoConsumersOneTopicTwoPartitions
        let members = [member("consumer1", &["topic"]), member("consumer2", &["topic"])];
        let a = assign(AssignorKind::Roundrobin, &counts(&[("topic", 1)]), &members);
        expect(&a, &[("consumer1", &[("topic", 0)]), ("consumer2", &[])]);
        let a = assign(AssignorKind::Roundrobin, &counts(&[("topic", 2)]), &members);
        expect(&a, &[("consumer1", &[("topic", 0)]), ("consumer2", &[("topic", 1)])]);
    }

    #[test]
    fn roundrobin_two_topics_six_partitions() {
        // testTwoDynamicConsumersTwoTopicsSixPartitions, testTwoStaticConsumersTwoTopicsSixPartitions,
        // testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions
        let topics = counts(&[("topic1", 3), ("topic2", 3)]);
        let both = ["topic1", "topic2"];
        let first = &[("topic1", 0), ("topic1", 2), ("topic2", 1)][..];
        let second = &[("topic1", 1), ("topic2", 0), ("topic2", 2)][..];
        let a = assign(AssignorKind::Roundrobin, &topics, &[member("consumer1", &both), member("consumer2", &both)]);
        expect(&a, &[("consumer1", first), ("consumer2", second)]);
        let members =
            [static_member("consumer-b", "instance1", &both), static_member("consumer-a", "instance2", &both)];
        expect(&assign(AssignorKind::Roundrobin, &topics, &members), &[("consumer-b", first), ("consumer-a", second)]);
        let members = [static_member("consumer-b", "instance1", &both), member("consumer-a", &both)];
        expect(&assign(AssignorKind::Roundrobin, &topics, &members), &[("consumer-b", first), ("consumer-a", second)]);
    }

    #[test]
    fn roundrobin_static_members_keep_partitions_when_the_dynamic_one_is_replaced() {
        // testStaticMemberRoundRobinAssignmentPersistent
        let topics = counts(&[("topic1", 3), ("topic2", 3)]);
        let both = ["topic1", "topic2"];
        let mut members = vec![
            static_member("consumer1", "instance1", &both),
            static_member("consumer2", "instance2", &both),
            static_member("consumer3", "instance3", &both),
            member("consumer4", &both),
        ];
        let mut expected: Vec<(&str, &[(&str, u32)])> = vec![
            ("consumer1", &[("topic1", 0), ("topic2", 1)]),
            ("consumer2", &[("topic1", 1), ("topic2", 2)]),
            ("consumer3", &[("topic1", 2)]),
            ("consumer4", &[("topic2", 0)]),
        ];
        expect(&assign(AssignorKind::Roundrobin, &topics, &members), &expected);
        members[3] = member("consumer5", &both);
        expected[3].0 = "consumer5";
        expect(&assign(AssignorKind::Roundrobin, &topics, &members), &expected);
    }

    #[test]
    fn roundrobin_static_assignment_persistent_after_member_id_changes() {
        // testStaticMemberRoundRobinAssignmentPersistentAfterMemberIdChanges
        let topics = counts(&[("topic1", 5), ("topic2", 5)]);
        let both = ["topic1", "topic2"];
        let members = [
            static_member("consumer1", "instance1", &both),
            static_member("consumer2", "instance2", &both),
            static_member("consumer3", "instance3", &both),
        ];
        let before = assign(AssignorKind::Roundrobin, &topics, &members);
        expect(
            &before,
            &[
                ("consumer1", &[("topic1", 0), ("topic1", 3), ("topic2", 1), ("topic2", 4)]),
                ("consumer2", &[("topic1", 1), ("topic1", 4), ("topic2", 2)]),
                ("consumer3", &[("topic1", 2), ("topic2", 0), ("topic2", 3)]),
            ],
        );
        let renamed = [
            static_member("consumer1", "instance1", &both),
            static_member("consumer5", "instance2", &both),
            static_member("consumer4", "instance3", &both),
        ];
        let after = assign(AssignorKind::Roundrobin, &topics, &renamed);
        assert_eq!(before["consumer2"], after["consumer5"]);
        assert_eq!(before["consumer3"], after["consumer4"]);
    }

    // ---- Sticky and CooperativeSticky

    #[test]
    fn sticky_unequal_subscriptions_general_builder() {
        // testMultipleConsumersMixedTopicSubscriptions
        let topics = counts(&[("topic1", 3), ("topic2", 2)]);
        let members = [
            member("consumer1", &["topic1"]),
            member("consumer2", &["topic1", "topic2"]),
            member("consumer3", &["topic1"]),
        ];
        for kind in STICKIES {
            expect(
                &assign(kind, &topics, &members),
                &[
                    ("consumer1", &[("topic1", 0), ("topic1", 2)]),
                    ("consumer2", &[("topic2", 0), ("topic2", 1)]),
                    ("consumer3", &[("topic1", 1)]),
                ],
            );
        }
        // testPoorRoundRobinAssignmentScenario: the result its comment gives.
        let topics = counts(&[("topic1", 2), ("topic2", 1), ("topic3", 2), ("topic4", 1), ("topic5", 2)]);
        let all = ["topic1", "topic2", "topic3", "topic4", "topic5"];
        let odd = ["topic1", "topic3", "topic5"];
        let members = [
            member("consumer1", &all),
            member("consumer2", &odd),
            member("consumer3", &odd),
            member("consumer4", &all),
        ];
        expect(
            &assign(AssignorKind::Sticky, &topics, &members),
            &[
                ("consumer1", &[("topic2", 0), ("topic3", 0)]),
                ("consumer2", &[("topic1", 0), ("topic3", 1)]),
                ("consumer3", &[("topic1", 1), ("topic5", 0)]),
                ("consumer4", &[("topic4", 0), ("topic5", 1)]),
            ],
        );
    }

    #[test]
    fn sticky_equal_subscriptions_first_assignment() {
        // testTwoConsumersTwoTopicsSixPartitions
        let topics = counts(&[("topic1", 3), ("topic2", 3)]);
        let both = ["topic1", "topic2"];
        for kind in STICKIES {
            let a = assign(kind, &topics, &[member("consumer1", &both), member("consumer2", &both)]);
            expect(
                &a,
                &[
                    ("consumer1", &[("topic1", 0), ("topic1", 2), ("topic2", 1)]),
                    ("consumer2", &[("topic1", 1), ("topic2", 0), ("topic2", 2)]),
                ],
            );
        }
    }

    #[test]
    fn sticky_owned_partitions_kept_within_quotas() {
        let both = ["topic1", "topic2"];
        for kind in STICKIES {
            // testConsumerOwningMinQuotaExpectedMaxQuota
            let topics = counts(&[("topic1", 2), ("topic2", 3)]);
            let members = [
                owning("consumer1", &both, &[("topic1", 0), ("topic2", 1)], 1),
                owning("consumer2", &both, &[("topic1", 1), ("topic2", 2)], 1),
            ];
            expect(
                &assign(kind, &topics, &members),
                &[
                    ("consumer1", &[("topic1", 0), ("topic2", 1), ("topic2", 0)]),
                    ("consumer2", &[("topic1", 1), ("topic2", 2)]),
                ],
            );
            // testAllConsumersAreUnderMinQuota
            let members = [
                owning("consumer1", &both, &[("topic1", 0)], 1),
                owning("consumer2", &both, &[("topic1", 1)], 1),
                owning("consumer3", &both, &[], 1),
            ];
            expect(
                &assign(kind, &topics, &members),
                &[
                    ("consumer1", &[("topic1", 0), ("topic2", 1)]),
                    ("consumer2", &[("topic1", 1), ("topic2", 2)]),
                    ("consumer3", &[("topic2", 0)]),
                ],
            );
            // testAllConsumersReachExpectedQuotaAndAreConsideredFilled
            let topics = counts(&[("topic", 4)]);
            let members = [
                owning("consumer1", &["topic"], &[("topic", 0), ("topic", 1)], 1),
                owning("consumer2", &["topic"], &[("topic", 2)], 1),
                owning("consumer3", &["topic"], &[], 1),
            ];
            expect(
                &assign(kind, &topics, &members),
                &[
                    ("consumer1", &[("topic", 0), ("topic", 1)]),
                    ("consumer2", &[("topic", 2)]),
                    ("consumer3", &[("topic", 3)]),
                ],
            );
        }
    }

    #[test]
    fn sticky_new_member_takes_a_partition_cooperative_waits_for_its_revocation() {
        // testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers: topic2-0 moves from
        // consumer1 to consumer3 (partitionsTransferringOwnership = {topic2-0: consumer3}).
        let topics = counts(&[("topic1", 2), ("topic2", 2)]);
        let both = ["topic1", "topic2"];
        let members = [
            owning("consumer1", &both, &[("topic1", 0), ("topic2", 0)], 1),
            owning("consumer2", &both, &[("topic1", 1), ("topic2", 1)], 1),
            owning("consumer3", &both, &[], 1),
        ];
        expect(
            &assign(AssignorKind::Sticky, &topics, &members),
            &[
                ("consumer1", &[("topic1", 0)]),
                ("consumer2", &[("topic1", 1), ("topic2", 1)]),
                ("consumer3", &[("topic2", 0)]),
            ],
        );
        let first = assign(AssignorKind::CooperativeSticky, &topics, &members);
        expect(
            &first,
            &[("consumer1", &[("topic1", 0)]), ("consumer2", &[("topic1", 1), ("topic2", 1)]), ("consumer3", &[])],
        );
        // The follow-up rebalance, once consumer1 revoked it, hands it over.
        let second = assign(AssignorKind::CooperativeSticky, &topics, &next_round(&members, &first, 2));
        expect(
            &second,
            &[
                ("consumer1", &[("topic1", 0)]),
                ("consumer2", &[("topic1", 1), ("topic2", 1)]),
                ("consumer3", &[("topic2", 0)]),
            ],
        );
    }

    #[test]
    fn sticky_members_join_then_the_first_ones_leave() {
        // testAddRemoveTwoConsumersTwoTopics
        let topics = counts(&[("topic1", 3), ("topic2", 4)]);
        let both = ["topic1", "topic2"];
        let two = [member("consumer1", &both), member("consumer2", &both)];
        let a = assign(AssignorKind::Sticky, &topics, &two);
        expect(
            &a,
            &[
                ("consumer1", &[("topic1", 0), ("topic1", 2), ("topic2", 1), ("topic2", 3)]),
                ("consumer2", &[("topic1", 1), ("topic2", 0), ("topic2", 2)]),
            ],
        );
        let mut four = next_round(&two, &a, 1);
        four.push(owning("consumer3", &both, &[], 1));
        four.push(owning("consumer4", &both, &[], 1));
        let a = assign(AssignorKind::Sticky, &topics, &four);
        expect(
            &a,
            &[
                ("consumer1", &[("topic1", 0), ("topic2", 1)]),
                ("consumer2", &[("topic2", 0), ("topic1", 1)]),
                ("consumer3", &[("topic1", 2), ("topic2", 3)]),
                ("consumer4", &[("topic2", 2)]),
            ],
        );
        // Cooperative: the three moving partitions wait for the follow-up rebalance.
        let coop = assign(AssignorKind::CooperativeSticky, &topics, &four);
        expect(
            &coop,
            &[
                ("consumer1", &[("topic1", 0), ("topic2", 1)]),
                ("consumer2", &[("topic2", 0), ("topic1", 1)]),
                ("consumer3", &[]),
                ("consumer4", &[]),
            ],
        );
        let follow_up = assign(AssignorKind::CooperativeSticky, &topics, &next_round(&four, &coop, 2));
        assert_eq!(follow_up, a);
        // The first two leave: the others keep theirs and split the rest.
        let remaining = next_round(&four[2..], &a, 2);
        expect(
            &assign(AssignorKind::Sticky, &topics, &remaining),
            &[
                ("consumer3", &[("topic1", 2), ("topic2", 3), ("topic1", 0), ("topic2", 1)]),
                ("consumer4", &[("topic2", 2), ("topic1", 1), ("topic2", 0)]),
            ],
        );
    }

    #[test]
    fn sticky_member_leaving_keeps_the_others_partitions() {
        // testStickiness and testAddRemoveConsumerOneTopic
        let topics = counts(&[("topic1", 3)]);
        let four: Vec<MemberSubscription> = (1..=4).map(|i| member(&format!("consumer{i}"), &["topic1"])).collect();
        for kind in STICKIES {
            let before = assign(kind, &topics, &four);
            assert!(before.values().all(|l| l.len() <= 1));
            let after = assign(kind, &topics, &next_round(&four[1..], &before, 1));
            for (id, list) in &after {
                assert_eq!(list.len(), 1);
                assert!(before[id].is_empty() || before[id] == *list, "{id} moved");
            }
        }
        let topics = counts(&[("topic", 3)]);
        let one = [member("consumer1", &["topic"])];
        let a = assign(AssignorKind::Sticky, &topics, &one);
        let mut two = next_round(&one, &a, 1);
        two.push(owning("consumer2", &["topic"], &[], 1));
        let whole = &[("topic", 0), ("topic", 1)][..];
        expect(&assign(AssignorKind::Sticky, &topics, &two), &[("consumer1", whole), ("consumer2", &[("topic", 2)])]);
        let coop = assign(AssignorKind::CooperativeSticky, &topics, &two);
        expect(&coop, &[("consumer1", whole), ("consumer2", &[])]);
        let b = assign(AssignorKind::Sticky, &topics, &two);
        let alone = assign(AssignorKind::Sticky, &topics, &next_round(&two[1..], &b, 2));
        expect(&alone, &[("consumer2", &[("topic", 0), ("topic", 1), ("topic", 2)])]);
    }

    #[test]
    fn sticky_partition_claimed_twice_in_one_generation_is_invalidated() {
        // StickyAssignorTest / CooperativeStickyAssignorTest
        // testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGeneration...
        for (count, first) in [(3, &[("topic", 1)][..]), (4, &[("topic", 1), ("topic", 3)][..])] {
            let topics = counts(&[("topic", count)]);
            let members = [
                owning("consumer1", &["topic"], &[("topic", 0), ("topic", 1)], 1),
                owning("consumer2", &["topic"], &[("topic", 0), ("topic", 2)], 1),
                owning("consumer3", &["topic"], &[], 1),
            ];
            expect(
                &assign(AssignorKind::Sticky, &topics, &members),
                &[("consumer1", first), ("consumer2", &[("topic", 2)]), ("consumer3", &[("topic", 0)])],
            );
            // Cooperative: topic-0 counts as owned until both have revoked it.
            expect(
                &assign(AssignorKind::CooperativeSticky, &topics, &members),
                &[("consumer1", first), ("consumer2", &[("topic", 2)]), ("consumer3", &[])],
            );
        }
    }

    #[test]
    fn sticky_higher_generation_wins_a_contested_partition() {
        let both = ["topic", "topic2"];
        let topics = counts(&[("topic", 3), ("topic2", 3)]);
        for kind in STICKIES {
            // testOwnedPartitionsAreInvalidatedForConsumerWithStaleGeneration / ...NoGeneration
            for stale in [9, -1] {
                let claim = [("topic", 0), ("topic", 2), ("topic2", 1)];
                let members = [owning("consumer1", &both, &claim, 10), owning("consumer2", &both, &claim, stale)];
                expect(
                    &assign(kind, &topics, &members),
                    &[("consumer1", &claim), ("consumer2", &[("topic", 1), ("topic2", 0), ("topic2", 2)])],
                );
            }
            // testOwnedPartitionsAreInvalidatedForConsumerWithMultipleGeneration
            let members = [
                owning("consumer1", &both, &[("topic", 0), ("topic2", 1), ("topic", 1)], 10),
                owning("consumer2", &both, &[("topic", 0), ("topic2", 1), ("topic2", 2)], 8),
            ];
            expect(
                &assign(kind, &topics, &members),
                &[
                    ("consumer1", &[("topic", 0), ("topic2", 1), ("topic", 1)]),
                    ("consumer2", &[("topic", 2), ("topic2", 2), ("topic2", 0)]),
                ],
            );
            // testEnsurePartitionsAssignedToHighestGeneration
            let three = ["topic", "topic2", "topic3"];
            let topics3 = counts(&[("topic", 3), ("topic2", 3), ("topic3", 3)]);
            let members = [
                owning("consumer1", &three, &[("topic", 0), ("topic2", 0), ("topic3", 0)], 10),
                owning("consumer2", &three, &[("topic", 1), ("topic2", 1), ("topic3", 1)], 9),
                owning("consumer3", &three, &[("topic2", 1), ("topic3", 0), ("topic3", 2)], 8),
            ];
            expect(
                &assign(kind, &topics3, &members),
                &[
                    ("consumer1", &[("topic", 0), ("topic2", 0), ("topic3", 0)]),
                    ("consumer2", &[("topic", 1), ("topic2", 1), ("topic3", 1)]),
                    ("consumer3", &[("topic", 2), ("topic2", 2), ("topic3", 2)]),
                ],
            );
            // testNoReassignmentOnCurrentMembers
            let four = ["topic", "topic2", "topic3", "topic1"];
            let topics4 = counts(&[("topic", 3), ("topic1", 3), ("topic2", 3), ("topic3", 3)]);
            let members = [
                owning("consumer1", &four, &[], -1),
                owning("consumer2", &four, &[("topic", 0), ("topic2", 0), ("topic1", 0)], 9),
                owning("consumer3", &four, &[("topic3", 2), ("topic2", 2), ("topic1", 1)], 8),
                owning("consumer4", &four, &[("topic3", 1), ("topic", 1), ("topic", 2)], 7),
            ];
            let a = assign(kind, &topics4, &members);
            assert_eq!(a["consumer1"], tps(&[("topic1", 2), ("topic2", 1), ("topic3", 0)]));
            for (id, m) in members.iter().enumerate().skip(1) {
                assert_eq!(a[&m.member_id].len(), 3, "member {id}");
                assert!(m.owned.iter().all(|tp| a[&m.member_id].contains(tp)));
            }
        }
    }

    #[test]
    fn sticky_conflicting_previous_generations() {
        // StickyAssignorTest.testAssignmentWithConflictingPreviousGenerations, both with equal
        // subscriptions (constrained builder) and unequal ones (general builder).
        let topics = counts(&[("topic", 4), ("topic2", 4), ("topic3", 4)]);
        let all = ["topic", "topic2", "topic3"];
        for equal in [true, false] {
            let (c1_topics, c2_topics): (&[&str], &[&str]) =
                if equal { (&all, &all) } else { (&["topic"], &["topic", "topic2"]) };
            let c1_owned: &[(&str, u32)] = if equal {
                &[("topic", 0), ("topic", 1), ("topic", 2), ("topic2", 2), ("topic2", 3), ("topic3", 0)]
            } else {
                &[("topic", 0), ("topic", 1), ("topic", 2), ("topic", 3)]
            };
            let c2_owned = [("topic", 0), ("topic", 1), ("topic2", 0), ("topic2", 1), ("topic2", 2), ("topic2", 3)];
            let c3_owned = [("topic", 2), ("topic", 3), ("topic3", 0), ("topic3", 1), ("topic3", 2), ("topic3", 3)];
            let members = [
                owning("consumer1", c1_topics, c1_owned, 1),
                owning("consumer2", c2_topics, &c2_owned, 2),
                owning("consumer3", &all, &c3_owned, 2),
            ];
            let a = assign(AssignorKind::Sticky, &topics, &members);
            assert!(a.values().all(|l| l.len() == 4), "{a:?}");
            assert!(a["consumer2"].iter().all(|tp| tps(&c2_owned).contains(tp)));
            assert!(a["consumer3"].iter().all(|tp| tps(&c3_owned).contains(tp)));
            check_valid(&topics, &members, &a, true);
        }
        // The cooperative assignor, equal subscriptions: consumer1's claims lost to generation 2.
        let members = [
            owning(
                "consumer1",
                &all,
                &[("topic", 0), ("topic", 1), ("topic", 2), ("topic2", 2), ("topic2", 3), ("topic3", 0)],
                1,
            ),
            owning(
                "consumer2",
                &all,
                &[("topic", 0), ("topic", 1), ("topic2", 0), ("topic2", 1), ("topic2", 2), ("topic2", 3)],
                2,
            ),
            owning(
                "consumer3",
                &all,
                &[("topic", 2), ("topic", 3), ("topic3", 0), ("topic3", 1), ("topic3", 2), ("topic3", 3)],
                2,
            ),
        ];
        expect(
            &assign(AssignorKind::CooperativeSticky, &topics, &members),
            &[
                ("consumer1", &[]),
                ("consumer2", &[("topic", 0), ("topic", 1), ("topic2", 0), ("topic2", 1)]),
                ("consumer3", &[("topic", 2), ("topic3", 0), ("topic3", 1), ("topic3", 2)]),
            ],
        );
    }

    #[test]
    fn cooperative_old_version_subscriptions() {
        // CooperativeStickyAssignorTest.testAssignorWithOldVersionSubscriptions
        let topics = counts(&[("topic1", 3)]);
        let members = [
            owning("consumer1", &["topic1"], &[("topic1", 0)], 1),
            owning("consumer2", &["topic1"], &[("topic1", 1)], 1),
            owning("consumer3", &["topic1"], &[], 1),
        ];
        expect(
            &assign(AssignorKind::CooperativeSticky, &topics, &members),
            &[("consumer1", &[("topic1", 0)]), ("consumer2", &[("topic1", 1)]), ("consumer3", &[("topic1", 2)])],
        );
    }

    #[test]
    fn java_hash_order_of_member_ids() {
        // Java: a HashMap filled with consumer1..consumer4 iterates consumer4, 3, 2, 1; the
        // hash codes are what String.hashCode and TopicPartition.hashCode return.
        let ids = ["consumer1", "consumer2", "consumer3", "consumer4"];
        let mut table = JavaHashTable::new();
        for (i, id) in ids.iter().enumerate() {
            table.insert(i, java_string_hash(id));
        }
        assert_eq!(table.iteration_order(), vec![3, 2, 1, 0]);
        assert_eq!(java_string_hash("consumer1"), -421_004_549);
        assert_eq!(tp_hash(("topic", 0)), 110_547_184);
    }

    // ---- Properties

    /// The simulator's own generator (`sim::Prng`), seeded per property case.
    use crate::sim::Prng as Rng;

    fn chance(rng: &mut Rng, percent: u32) -> bool {
        rng.chance_ppm(percent * 10_000)
    }

    const TOPICS: [&str; 5] = ["alpha", "beta", "gamma", "delta", "t4"];

    fn random_topics(rng: &mut Rng) -> BTreeMap<String, u32> {
        let n = 1 + rng.below(TOPICS.len() as u64) as usize;
        TOPICS[..n].iter().map(|t| (t.to_string(), rng.below(9) as u32)).collect()
    }

    /// A consumer never subscribes to nothing (`subscribe([])` is `unsubscribe()`: it
    /// leaves the group), so neither does a generated one.
    fn random_subscription(rng: &mut Rng, shared: &[String]) -> Vec<String> {
        if !shared.is_empty() && chance(rng, 50) {
            return shared.to_vec();
        }
        let mut topics: Vec<String> = TOPICS.iter().filter(|_| chance(rng, 45)).map(|t| t.to_string()).collect();
        if topics.is_empty() {
            topics.push(TOPICS[rng.below(TOPICS.len() as u64) as usize].to_string());
        }
        topics
    }

    /// Every assigned partition exists, is assigned once and to a subscriber; `complete`:
    /// every partition of a subscribed topic is assigned.
    fn check_valid(
        topics: &BTreeMap<String, u32>,
        members: &[MemberSubscription],
        a: &BTreeMap<String, Vec<TopicPartition>>,
        complete: bool,
    ) {
        assert_eq!(a.len(), members.len());
        let mut seen = BTreeSet::new();
        for m in members {
            for (t, p) in &a[&m.member_id] {
                assert!(m.topics.contains(t), "{t}-{p} to {} not subscribed: {a:?}", m.member_id);
                assert!(*p < topics[t], "{t}-{p} does not exist");
                assert!(seen.insert((t.clone(), *p)), "{t}-{p} assigned twice: {a:?}");
            }
        }
        if complete {
            for (t, &c) in topics {
                if members.iter().any(|m| m.topics.contains(t)) {
                    for p in 0..c {
                        assert!(seen.contains(&(t.clone(), p)), "{t}-{p} unassigned: {a:?}");
                    }
                }
            }
        }
    }

    /// AbstractStickyAssignorTest.verifyValidityAndBalance's balance part: two members whose
    /// loads differ by more than one share no topic; and members with the same subscription
    /// differ by at most one.
    fn check_balanced(members: &[MemberSubscription], a: &BTreeMap<String, Vec<TopicPartition>>) {
        for (i, x) in members.iter().enumerate() {
            for y in &members[i + 1..] {
                let (ax, ay) = (&a[&x.member_id], &a[&y.member_id]);
                if ax.len().abs_diff(ay.len()) <= 1 {
                    continue;
                }
                let (more, less) = if ax.len() > ay.len() { (ax, ay) } else { (ay, ax) };
                assert!(
                    !more.iter().any(|(t, _)| less.iter().any(|(u, _)| u == t)),
                    "{} and {} could balance: {a:?}",
                    x.member_id,
                    y.member_id
                );
                let sx: BTreeSet<&String> = x.topics.iter().collect();
                let sy: BTreeSet<&String> = y.topics.iter().collect();
                assert!(sx != sy, "same subscription, unbalanced: {a:?}");
            }
        }
    }

    /// Several rebalances of one group: members join, leave and change subscriptions; each
    /// round's owned partitions are the previous round's assignment.
    fn rounds(seed: u64, mut each: impl FnMut(&BTreeMap<String, u32>, &[MemberSubscription])) {
        let mut rng = Rng::new(seed);
        let topics = random_topics(&mut rng);
        let shared: Vec<String> = TOPICS.iter().filter(|_| chance(&mut rng, 60)).map(|t| t.to_string()).collect();
        let mut next_id = 0;
        let mut members: Vec<MemberSubscription> = Vec::new();
        for _ in 0..1 + rng.below(6) {
            next_id += 1;
            members.push(member(&format!("consumer-{next_id}"), &[]));
            members.last_mut().into_iter().for_each(|m| m.topics = random_subscription(&mut rng, &shared));
        }
        for _ in 0..4 {
            each(&topics, &members);
            if members.len() > 1 && chance(&mut rng, 30) {
                members.remove(rng.below(members.len() as u64) as usize);
            }
            if chance(&mut rng, 40) {
                next_id += 1;
                let mut m = member(&format!("consumer-{next_id}"), &[]);
                m.topics = random_subscription(&mut rng, &shared);
                if chance(&mut rng, 30) {
                    m.group_instance_id = Some(format!("instance-{}", rng.below(100)));
                }
                members.push(m);
            }
            if chance(&mut rng, 20) {
                let i = rng.below(members.len() as u64) as usize;
                members[i].topics = random_subscription(&mut rng, &shared);
            }
        }
    }

    #[test]
    fn property_range_and_roundrobin_assign_every_partition_once_to_a_subscriber() {
        for kind in [AssignorKind::Range, AssignorKind::Roundrobin] {
            for seed in 1..=300u64 {
                rounds(seed * 7919, |topics, members| {
                    let a = assign(kind, topics, members);
                    check_valid(topics, members, &a, true);
                });
            }
        }
    }

    #[test]
    fn property_sticky_is_valid_balanced_and_keeps_partitions() {
        for seed in 1..=300u64 {
            let mut previous: Option<BTreeMap<String, Vec<TopicPartition>>> = None;
            let mut generation = 0;
            rounds(seed * 104_729, |topics, members| {
                let mut members = members.to_vec();
                if let Some(prev) = &previous {
                    for m in &mut members {
                        if let Some(owned) = prev.get(&m.member_id) {
                            m.owned = owned.clone();
                            m.generation = generation;
                        }
                    }
                }
                let a = assign(AssignorKind::Sticky, topics, &members);
                check_valid(topics, &members, &a, true);
                check_balanced(&members, &a);
                generation += 1;
                previous = Some(a);
            });
        }
    }

    #[test]
    fn property_cooperative_never_moves_an_owned_partition_directly_and_converges() {
        for seed in 1..=300u64 {
            let mut owned: BTreeMap<String, Vec<TopicPartition>> = BTreeMap::new();
            let mut generation = 0;
            rounds(seed * 15_485_863, |topics, members| {
                let mut members = members.to_vec();
                // Each rebalance, then its follow-ups while partitions were left to revoke.
                for attempt in 0..=4 {
                    for m in &mut members {
                        let subscribed: Vec<TopicPartition> = owned
                            .get(&m.member_id)
                            .into_iter()
                            .flatten()
                            .filter(|(t, _)| m.topics.contains(t))
                            .cloned()
                            .collect();
                        m.owned = subscribed;
                        m.generation = if owned.contains_key(&m.member_id) { generation } else { -1 };
                    }
                    let a = assign(AssignorKind::CooperativeSticky, topics, &members);
                    check_valid(topics, &members, &a, false);
                    let mut revoked = false;
                    for m in &members {
                        for tp in &m.owned {
                            if !a[&m.member_id].contains(tp) {
                                revoked = true;
                                let taken =
                                    members.iter().any(|o| o.member_id != m.member_id && a[&o.member_id].contains(tp));
                                assert!(!taken, "{tp:?} moves from {} in one rebalance: {a:?}", m.member_id);
                            }
                        }
                    }
                    generation += 1;
                    owned = a.clone();
                    if !revoked {
                        check_valid(topics, &members, &a, true);
                        check_balanced(&members, &a);
                        break;
                    }
                    assert!(attempt < 4, "no convergence: {a:?}");
                }
            });
        }
    }
}
