//! The consumer group protocol's (KIP-848) server-side assignors, `group.remote.assignor`
//! = "uniform" (the default) or "range", as pure functions computing the group's target
//! assignment from the members' subscriptions and their current target assignment.
//!
//! They reproduce the group coordinator's `UniformAssignor` (its homogeneous and
//! heterogeneous builders) and `RangeAssignor`. The coordinator keys topics by topic id and
//! keeps members, topic sets and partition sets in hash maps; kplay orders members by
//! member id, topics by name and partitions by number wherever the coordinator iterates
//! one of those (see the comments at each place).

// Sorted-vector maps and sets: the same order as BTreeMap/BTreeSet, far less wasm code.
use crate::sim::{VecMap as BTreeMap, VecSet as BTreeSet};

use super::assignor::java_cmp;

/// One member of a consumer group as the group coordinator sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerMember {
    pub member_id: String,
    pub instance_id: Option<String>,
    /// Subscribed topic names.
    pub topics: Vec<String>,
    /// The member's current target assignment.
    pub current: Vec<(String, u32)>,
}

/// Target assignment for the group: member id -> partitions (sorted). `name` is "uniform"
/// or "range" (any other name gets "uniform", the coordinator's default assignor). Every
/// member is present, possibly with an empty list. Topics missing from
/// `partitions_per_topic` do not exist: subscriptions to them are ignored, as the
/// coordinator resolves subscribed names to topic ids.
pub fn assign(
    name: &str,
    partitions_per_topic: &BTreeMap<String, u32>,
    members: &[ServerMember],
) -> BTreeMap<String, Vec<(String, u32)>> {
    let spec = GroupSpec::new(partitions_per_topic, members);
    let per_member = if spec.ids.is_empty() {
        Vec::new()
    } else if name == "range" {
        range(&spec)
    } else if spec.homogeneous {
        uniform_homogeneous(&spec)
    } else {
        uniform_heterogeneous(&spec)
    };
    let mut out: BTreeMap<String, Vec<(String, u32)>> =
        members.iter().map(|m| (m.member_id.clone(), Vec::new())).collect();
    for (index, assignment) in per_member.into_iter().enumerate() {
        let list: Vec<(String, u32)> =
            assignment.iter().flat_map(|(&t, ps)| ps.iter().map(move |&p| (t.to_string(), p))).collect();
        if let Some(slot) = out.get_mut(spec.ids[index]) {
            *slot = list;
        }
    }
    for list in out.values_mut() {
        crate::sim::sort::sort(list);
    }
    out
}

/// A member's assignment: topic -> partitions. A `Map<Uuid, Set<Integer>>` in the
/// coordinator, iterated here by topic name and partition number.
type Assignment<'a> = BTreeMap<&'a str, BTreeSet<u32>>;

/// The coordinator's `GroupSpec` and `SubscribedTopicDescriber`, with members numbered in
/// member id order (the coordinator's `memberIds()` is a `HashMap` key set).
struct GroupSpec<'a> {
    ids: Vec<&'a str>,
    instance_ids: Vec<Option<&'a str>>,
    /// Each member's subscribed topics that exist.
    subscribed: Vec<BTreeSet<&'a str>>,
    /// Each member's current assignment, without topics that do not exist and partitions
    /// beyond a topic's count (which the coordinator, keying topics by id, only sees when
    /// a topic was recreated: its new id is then a different topic).
    current: Vec<Assignment<'a>>,
    partitions: BTreeMap<&'a str, u32>,
    /// `SubscriptionType.HOMOGENEOUS`: every member subscribes to the same topic names
    /// (ModernGroup.subscriptionType, which counts names, existing or not).
    homogeneous: bool,
}

impl<'a> GroupSpec<'a> {
    fn new(partitions_per_topic: &'a BTreeMap<String, u32>, members: &'a [ServerMember]) -> Self {
        let mut sorted: Vec<&'a ServerMember> = members.iter().collect();
        crate::sim::sort::sort_by(&mut sorted, &|a, b| java_cmp(&a.member_id, &b.member_id));
        sorted.dedup_by(|a, b| a.member_id == b.member_id);
        let partitions: BTreeMap<&'a str, u32> = partitions_per_topic.iter().map(|(t, &c)| (t.as_str(), c)).collect();
        let names: Vec<BTreeSet<&'a str>> =
            sorted.iter().map(|m| m.topics.iter().map(String::as_str).collect()).collect();
        let homogeneous = names.windows(2).all(|w| w[0] == w[1]);
        let subscribed =
            names.iter().map(|n| n.iter().copied().filter(|t| partitions.contains_key(t)).collect()).collect();
        let current = sorted
            .iter()
            .map(|m| {
                let mut assignment = Assignment::new();
                for (topic, p) in &m.current {
                    if let Some((&t, &count)) = partitions.get_key_value(topic.as_str()) {
                        if *p < count {
                            assignment.entry(t).or_default().insert(*p);
                        }
                    }
                }
                assignment
            })
            .collect();
        GroupSpec {
            ids: sorted.iter().map(|m| m.member_id.as_str()).collect(),
            instance_ids: sorted.iter().map(|m| m.instance_id.as_deref()).collect(),
            subscribed,
            current,
            partitions,
            homogeneous,
        }
    }

    /// `GroupSpec.isPartitionAssigned`: in some member's current assignment.
    fn is_assigned(&self, topic: &str, partition: u32) -> bool {
        self.current.iter().any(|a| a.get(topic).is_some_and(|ps| ps.contains(&partition)))
    }
}

// ---------------------------------------------------------------------------------------
// Uniform, homogeneous subscriptions (UniformHomogeneousAssignmentBuilder.java 96-254)

fn uniform_homogeneous<'a>(spec: &GroupSpec<'a>) -> Vec<Assignment<'a>> {
    let n = spec.ids.len();
    // The topics of the first member: all members subscribe to the same ones. A
    // `HashSet<Uuid>` in the coordinator; here in name order.
    let topics = &spec.subscribed[0];
    if topics.is_empty() {
        return vec![Assignment::new(); n];
    }
    let mut unassigned: Vec<(&'a str, u32)> = Vec::new();
    let mut total = 0usize;
    for &topic in topics {
        let count = spec.partitions[topic];
        unassigned.extend((0..count).filter(|&p| !spec.is_assigned(topic, p)).map(|p| (topic, p)));
        total += count as usize;
    }
    let min_quota = total / n;
    let mut extra = total % n;

    // maybeRevokePartitions: keep up to the quota of each member's subscribed partitions.
    let mut target = Vec::with_capacity(n);
    let mut unfilled: Vec<(usize, usize)> = Vec::new();
    for (member, current) in spec.current.iter().enumerate() {
        let mut quota = min_quota;
        if extra > 0 {
            quota += 1;
            extra -= 1;
        }
        let mut kept = Assignment::new();
        for (&topic, partitions) in current {
            if !topics.contains(&topic) {
                continue;
            }
            if partitions.len() <= quota {
                quota -= partitions.len();
                kept.insert(topic, partitions.clone());
                continue;
            }
            for &p in partitions {
                if quota > 0 {
                    quota -= 1;
                    kept.entry(topic).or_default().insert(p);
                } else {
                    unassigned.push((topic, p));
                }
            }
        }
        if quota > 0 {
            unfilled.push((member, quota));
        }
        target.push(kept);
    }

    // assignRemainingPartitions: fill the members with room, in order.
    let mut next = unassigned.into_iter();
    for (member, quota) in unfilled {
        for (topic, p) in next.by_ref().take(quota) {
            target[member].entry(topic).or_default().insert(p);
        }
    }
    target
}

// ---------------------------------------------------------------------------------------
// Uniform, heterogeneous subscriptions (UniformHeterogeneousAssignmentBuilder.java 151-926)

/// The most iterations of the final balancing phase (`MAX_ITERATION_COUNT`).
const MAX_ITERATION_COUNT: usize = 16;

struct Heterogeneous<'s, 'a> {
    spec: &'s GroupSpec<'a>,
    /// topicSubscribers: member indices in ascending order.
    subscribers: BTreeMap<&'a str, Vec<usize>>,
    target: Vec<Assignment<'a>>,
    /// memberTargetAssignmentSizes.
    sizes: Vec<i64>,
    /// targetAssignmentPartitionOwners: -1 for unassigned.
    owners: BTreeMap<&'a str, Vec<i64>>,
}

fn uniform_heterogeneous<'a>(spec: &GroupSpec<'a>) -> Vec<Assignment<'a>> {
    let n = spec.ids.len();
    let mut subscribers: BTreeMap<&'a str, Vec<usize>> = BTreeMap::new();
    for (member, topics) in spec.subscribed.iter().enumerate() {
        for &topic in topics {
            subscribers.entry(topic).or_default().push(member);
        }
    }
    if subscribers.is_empty() {
        return vec![Assignment::new(); n];
    }
    let owners = subscribers.keys().map(|&t| (t, vec![-1; spec.partitions[t] as usize])).collect();
    let mut builder = Heterogeneous { spec, subscribers, target: Vec::with_capacity(n), sizes: vec![0; n], owners };

    // maybeRevokePartitions: drop the topics a member no longer subscribes to.
    for (member, current) in spec.current.iter().enumerate() {
        let mut kept = Assignment::new();
        for (&topic, partitions) in current {
            if !spec.subscribed[member].contains(&topic) {
                continue;
            }
            builder.sizes[member] += partitions.len() as i64;
            if let Some(owners) = builder.owners.get_mut(topic) {
                for &p in partitions {
                    owners[p as usize] = member as i64;
                }
            }
            kept.insert(topic, partitions.clone());
        }
        builder.target.push(kept);
    }

    // computeUnassignedPartitions and assignRemainingPartitions: each topic's unassigned
    // partitions go to its least loaded subscribers.
    let unassigned: BTreeMap<&'a str, Vec<u32>> = builder
        .owners
        .iter()
        .map(|(&t, owners)| (t, (0..owners.len() as u32).filter(|&p| owners[p as usize] == -1).collect::<Vec<_>>()))
        .filter(|(_, ps)| !ps.is_empty())
        .collect();
    let mut balancer = Balancer::default();
    for topic in builder.sort_topics(unassigned.keys().copied()) {
        balancer.initialize(&builder.subscribers[topic], &builder.sizes);
        for &p in &unassigned[topic] {
            if let Some(member) = balancer.next_least_loaded(&builder.sizes) {
                builder.assign_partition(topic, p, member);
            }
        }
    }

    // balance: only topics with two or more subscribers can move.
    let movable: Vec<&'a str> = builder.subscribers.iter().filter(|(_, s)| s.len() >= 2).map(|(&t, _)| t).collect();
    if !movable.is_empty() {
        builder.balance_topics(movable);
    }
    builder.target
}

impl<'a> Heterogeneous<'_, 'a> {
    /// Topics by partitions per subscriber (descending), then subscriber count
    /// (ascending), then topic (the coordinator's tie-break is the topic id; here the name).
    fn sort_topics(&self, topics: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
        let mut sorted: Vec<&'a str> = topics.collect();
        let ratio = |t: &str| f64::from(self.spec.partitions[t]) / self.subscribers[t].len() as f64;
        crate::sim::sort::sort_by(&mut sorted, &|a, b| {
            ratio(b)
                .partial_cmp(&ratio(a))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(self.subscribers[a].len().cmp(&self.subscribers[b].len()))
                .then(java_cmp(a, b))
        });
        sorted
    }

    fn assign_partition(&mut self, topic: &'a str, partition: u32, member: usize) {
        let Some(owners) = self.owners.get_mut(topic) else { return };
        let old = owners[partition as usize];
        owners[partition as usize] = member as i64;
        if old >= 0 {
            let old = old as usize;
            if let Some(ps) = self.target[old].get_mut(topic) {
                ps.remove(&partition);
                if ps.is_empty() {
                    self.target[old].remove(topic);
                }
            }
            self.sizes[old] -= 1;
        }
        self.target[member].entry(topic).or_default().insert(partition);
        self.sizes[member] += 1;
    }

    /// balanceTopics: rounds over the topics until one full round moves nothing.
    fn balance_topics(&mut self, topics: Vec<&'a str>) {
        let sorted = self.sort_topics(topics.into_iter());
        let mut last_rebalanced: Option<usize> = None;
        let mut balancer = Balancer::default();
        for _ in 0..MAX_ITERATION_COUNT {
            for (index, &topic) in sorted.iter().enumerate() {
                if last_rebalanced == Some(index) {
                    return;
                }
                let moved = self.balance_topic(topic, &mut balancer);
                if moved > 0 || last_rebalanced.is_none() {
                    last_rebalanced = Some(index);
                }
            }
        }
    }

    /// balanceTopic: moves the topic's partitions from its most to its least loaded
    /// subscribers. Returns how many moved.
    fn balance_topic(&mut self, topic: &'a str, balancer: &mut Balancer) -> usize {
        let imbalance = balancer.initialize(&self.subscribers[topic], &self.sizes);
        if imbalance <= 1 {
            return 0;
        }
        let owners = self.owners[topic].clone();
        let mut partitions: Vec<u32> = (0..owners.len() as u32).collect();
        crate::sim::sort::sort_by_key(&mut partitions, &|&p| (owners[p as usize], p));
        let mut start: BTreeMap<i64, usize> = BTreeMap::new();
        let mut end: BTreeMap<i64, usize> = BTreeMap::new();
        for (i, &p) in partitions.iter().enumerate() {
            let owner = owners[p as usize];
            start.entry(owner).or_insert(i);
            end.insert(owner, i + 1);
        }

        let mut moved = 0;
        while !balancer.is_balanced() {
            let giver = loop {
                let Some(member) = balancer.next_most_loaded(&self.sizes) else { break None };
                let key = member as i64;
                match (start.get(&key), end.get(&key)) {
                    (Some(&s), Some(&e)) if e > s => break Some(key),
                    _ => balancer.exclude_most_loaded(),
                }
            };
            let Some(giver) = giver else { break };
            let Some(slot) = end.get_mut(&giver) else { break };
            *slot -= 1;
            let partition = partitions[*slot];
            let Some(receiver) = balancer.next_least_loaded(&self.sizes) else { break };
            if balancer.is_balanced() {
                break;
            }
            self.assign_partition(topic, partition, receiver);
            moved += 1;
        }
        moved
    }
}

/// MemberAssignmentBalancer (UniformHeterogeneousAssignmentBuilder.java 337-565): a range
/// of least loaded members that partitions are dealt to, and a range of most loaded members
/// they are taken from, over the members sorted by load.
#[derive(Default)]
struct Balancer {
    sorted: Vec<usize>,
    least_end: usize,
    least_count: i64,
    next_least: usize,
    most_start: usize,
    most_end: usize,
    most_count: i64,
    next_most: isize,
}

impl Balancer {
    /// Returns the difference between the most and least loaded members' loads.
    fn initialize(&mut self, members: &[usize], sizes: &[i64]) -> i64 {
        self.sorted.clear();
        self.sorted.extend_from_slice(members);
        crate::sim::sort::sort_by_key(&mut self.sorted, &|&m| (sizes[m], m));
        let (Some(&first), Some(&last)) = (self.sorted.first(), self.sorted.last()) else { return 0 };
        self.least_end = 0;
        self.least_count = sizes[first] - 1;
        self.next_least = 0;
        self.most_start = self.sorted.len();
        self.most_end = self.sorted.len();
        self.most_count = sizes[last] + 1;
        self.next_most = self.sorted.len() as isize - 1;
        sizes[last] - sizes[first]
    }

    fn next_least_loaded(&mut self, sizes: &[i64]) -> Option<usize> {
        if self.next_least >= self.least_end {
            self.least_count += 1;
            while self.least_end < self.sorted.len() && sizes[self.sorted[self.least_end]] == self.least_count {
                self.least_end += 1;
            }
            self.next_least = 0;
        }
        let member = self.sorted.get(self.next_least).copied()?;
        self.next_least += 1;
        Some(member)
    }

    fn next_most_loaded(&mut self, sizes: &[i64]) -> Option<usize> {
        if self.next_most < self.most_start as isize {
            if self.most_end <= self.most_start && self.most_start > 0 {
                self.most_count = sizes[self.sorted[self.most_start - 1]];
            } else {
                self.most_count -= 1;
            }
            while self.most_start > 0 && sizes[self.sorted[self.most_start - 1]] == self.most_count {
                self.most_start -= 1;
            }
            self.next_most = self.most_end as isize - 1;
        }
        let index = usize::try_from(self.next_most).ok()?;
        let member = self.sorted.get(index).copied()?;
        self.next_most -= 1;
        Some(member)
    }

    /// Drops the member last returned by `next_most_loaded` from the most loaded range.
    fn exclude_most_loaded(&mut self) {
        let Ok(index) = usize::try_from(self.next_most + 1) else { return };
        if index >= self.sorted.len() || self.most_end == 0 {
            return;
        }
        self.sorted.swap(index, self.most_end - 1);
        self.most_end -= 1;
    }

    fn is_balanced(&self) -> bool {
        self.most_count - self.least_count <= 1
    }
}

// ---------------------------------------------------------------------------------------
// Range (RangeAssignor.java 147-293)

/// Each subscribed topic's partitions in contiguous ranges over its subscribers, static
/// members first by instance id, then the others by member id; the first
/// `partitions % subscribers` get one extra. No stickiness to the current assignment
/// beyond that order (KAFKA-16944's rewrite). The homogeneous and heterogeneous paths give
/// the same ranges, so one loop does both.
fn range<'a>(spec: &GroupSpec<'a>) -> Vec<Assignment<'a>> {
    let n = spec.ids.len();
    let mut order: Vec<usize> = (0..n).collect();
    crate::sim::sort::sort_by(&mut order, &|&a, &b| match (spec.instance_ids[a], spec.instance_ids[b]) {
        (Some(x), Some(y)) => java_cmp(x, y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => java_cmp(spec.ids[a], spec.ids[b]),
    });
    let mut subscriber_count: BTreeMap<&'a str, usize> = BTreeMap::new();
    for topics in &spec.subscribed {
        for &topic in topics {
            *subscriber_count.entry(topic).or_default() += 1;
        }
    }
    // Per topic: (next partition, minimum quota, members still owed an extra one).
    let mut state: BTreeMap<&'a str, (u32, u32, u32)> = subscriber_count
        .iter()
        .map(|(&t, &s)| {
            let count = spec.partitions[t];
            (t, (0, count / s as u32, count % s as u32))
        })
        .collect();
    let mut out = vec![Assignment::new(); n];
    for member in order {
        for &topic in &spec.subscribed[member] {
            let Some((next, min_quota, extra)) = state.get_mut(topic) else { continue };
            let mut quota = *min_quota;
            if *extra > 0 {
                quota += 1;
                *extra -= 1;
            }
            let start = *next;
            let end = (start + quota).min(spec.partitions[topic]);
            *next = end;
            if start < end {
                out[member].insert(topic, (start..end).collect());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    //! Cases ported from the group coordinator's OptimizedUniformAssignmentBuilderTest,
    //! UniformHeterogeneousAssignmentBuilderTest and RangeAssignorTest (members "A", "B",
    //! "C"), then property tests over pseudo-random groups.

    use super::*;

    type Tps<'t> = &'t [(&'t str, &'t [u32])];

    fn counts(topics: &[(&str, u32)]) -> BTreeMap<String, u32> {
        topics.iter().map(|&(t, c)| (t.to_string(), c)).collect()
    }

    fn flatten(list: Tps<'_>) -> Vec<(String, u32)> {
        let mut v: Vec<(String, u32)> =
            list.iter().flat_map(|&(t, ps)| ps.iter().map(move |&p| (t.to_string(), p))).collect();
        v.sort();
        v
    }

    fn member(id: &str, topics: &[&str], current: Tps<'_>) -> ServerMember {
        ServerMember {
            member_id: id.to_string(),
            instance_id: None,
            topics: topics.iter().map(|t| t.to_string()).collect(),
            current: flatten(current),
        }
    }

    fn expect(assignment: &BTreeMap<String, Vec<(String, u32)>>, expected: &[(&str, Tps<'_>)]) {
        let expected: BTreeMap<String, Vec<(String, u32)>> =
            expected.iter().map(|&(m, list)| (m.to_string(), flatten(list))).collect();
        assert_eq!(assignment, &expected);
    }

    // ---- Uniform, homogeneous. Kafka's tests use fixed topic ids whose HashSet order is
    // T2, T3, T1; where that order decides the result, topic1 is called "topic4" here so that
    // name order gives the same one.

    #[test]
    fn uniform_no_topics_no_assignment() {
        // testOneMemberNoTopicSubscription, testOneMemberSubscribedToNonexistentTopic (where
        // the coordinator throws; kplay ignores a topic it cannot resolve).
        let topics = counts(&[("topic1", 3)]);
        expect(&assign("uniform", &topics, &[member("A", &[], &[])]), &[("A", &[])]);
        expect(&assign("uniform", &topics, &[member("A", &["topic2"], &[])]), &[("A", &[])]);
    }

    #[test]
    fn uniform_homogeneous_first_assignment() {
        // testFirstAssignmentTwoMembersTwoTopicsNoMemberRacks
        let topics = counts(&[("topic4", 3), ("topic3", 2)]);
        let both = ["topic4", "topic3"];
        let a = assign("uniform", &topics, &[member("A", &both, &[]), member("B", &both, &[])]);
        expect(&a, &[("A", &[("topic4", &[0]), ("topic3", &[0, 1])]), ("B", &[("topic4", &[1, 2])])]);
        // testFirstAssignmentNumMembersGreaterThanTotalNumPartitions
        let topics = counts(&[("topic3", 2)]);
        let members: Vec<ServerMember> = ["A", "B", "C"].iter().map(|m| member(m, &["topic3"], &[])).collect();
        expect(
            &assign("uniform", &topics, &members),
            &[("A", &[("topic3", &[0])]), ("B", &[("topic3", &[1])]), ("C", &[])],
        );
    }

    #[test]
    fn uniform_homogeneous_revokes_over_quota_and_fills_new_partitions() {
        // testReassignmentForTwoMembersTwoTopicsGivenUnbalancedPrevAssignment
        let topics = counts(&[("topic1", 3), ("topic2", 3)]);
        let both = ["topic1", "topic2"];
        let members = [
            member("A", &both, &[("topic1", &[0, 1]), ("topic2", &[0, 1])]),
            member("B", &both, &[("topic1", &[2]), ("topic2", &[2])]),
        ];
        expect(
            &assign("uniform", &topics, &members),
            &[("A", &[("topic1", &[0, 1]), ("topic2", &[0])]), ("B", &[("topic1", &[2]), ("topic2", &[1, 2])])],
        );
        // testReassignmentWhenPartitionsAreAddedForTwoMembersTwoTopics
        let topics = counts(&[("topic4", 6), ("topic2", 5)]);
        let both = ["topic4", "topic2"];
        let members = [
            member("A", &both, &[("topic4", &[0, 2]), ("topic2", &[0])]),
            member("B", &both, &[("topic4", &[1]), ("topic2", &[1, 2])]),
        ];
        expect(
            &assign("uniform", &topics, &members),
            &[
                ("A", &[("topic4", &[0, 2, 3]), ("topic2", &[0, 3, 4])]),
                ("B", &[("topic4", &[1, 4, 5]), ("topic2", &[1, 2])]),
            ],
        );
    }

    #[test]
    fn uniform_homogeneous_member_joins_and_leaves() {
        // testReassignmentWhenOneMemberAddedAfterInitialAssignmentWithTwoMembersTwoTopics
        let topics = counts(&[("topic1", 3), ("topic2", 3)]);
        let both = ["topic1", "topic2"];
        let members = [
            member("A", &both, &[("topic1", &[0, 2]), ("topic2", &[0])]),
            member("B", &both, &[("topic1", &[1]), ("topic2", &[1, 2])]),
            member("C", &both, &[]),
        ];
        expect(
            &assign("uniform", &topics, &members),
            &[
                ("A", &[("topic1", &[0, 2])]),
                ("B", &[("topic1", &[1]), ("topic2", &[1])]),
                ("C", &[("topic2", &[0, 2])]),
            ],
        );
        // testReassignmentWhenOneMemberRemovedAfterInitialAssignmentWithThreeMembersTwoTopics
        let topics = counts(&[("topic4", 3), ("topic2", 3)]);
        let both = ["topic4", "topic2"];
        let members = [
            member("A", &both, &[("topic4", &[0]), ("topic2", &[0])]),
            member("B", &both, &[("topic4", &[1]), ("topic2", &[1])]),
        ];
        expect(
            &assign("uniform", &topics, &members),
            &[("A", &[("topic4", &[0]), ("topic2", &[0, 2])]), ("B", &[("topic4", &[1, 2]), ("topic2", &[1])])],
        );
        // testReassignmentWhenOneSubscriptionRemovedAfterInitialAssignmentWithTwoMembersTwoTopics
        let topics = counts(&[("topic1", 2), ("topic2", 2)]);
        let members = [
            member("A", &["topic2"], &[("topic1", &[0]), ("topic2", &[0])]),
            member("B", &["topic2"], &[("topic1", &[1]), ("topic2", &[1])]),
        ];
        expect(&assign("uniform", &topics, &members), &[("A", &[("topic2", &[0])]), ("B", &[("topic2", &[1])])]);
    }

    // ---- Uniform, heterogeneous (topic ids T1 < T2 < T3 < T4 sort as their names do)

    #[test]
    fn uniform_heterogeneous_first_assignments() {
        // testFirstAssignmentTwoMembersTwoTopics
        let topics = counts(&[("topic1", 3), ("topic3", 6)]);
        let members = [member("A", &["topic1", "topic3"], &[]), member("B", &["topic3"], &[])];
        expect(
            &assign("uniform", &topics, &members),
            &[("A", &[("topic1", &[0, 1, 2]), ("topic3", &[4])]), ("B", &[("topic3", &[0, 1, 2, 3, 5])])],
        );
        // testFirstAssignmentNumMembersGreaterThanTotalNumPartitions
        let topics = counts(&[("topic3", 1), ("topic1", 2)]);
        let members = [member("A", &["topic3"], &[]), member("B", &["topic3"], &[]), member("C", &["topic1"], &[])];
        expect(
            &assign("uniform", &topics, &members),
            &[("A", &[("topic3", &[0])]), ("B", &[]), ("C", &[("topic1", &[0, 1])])],
        );
        // testFirstAssignmentWithTwoMembersIncludingOneWithoutSubscriptions
        let topics = counts(&[("topic1", 3)]);
        let members = [member("A", &["topic1"], &[]), member("B", &[], &[])];
        expect(&assign("uniform", &topics, &members), &[("A", &[("topic1", &[0, 1, 2])]), ("B", &[])]);
        // testTwoMembersNoTopicSubscription
        let members = [member("A", &[], &[]), member("B", &[], &[])];
        expect(&assign("uniform", &topics, &members), &[("A", &[]), ("B", &[])]);
    }

    #[test]
    fn uniform_heterogeneous_rebalances_an_unbalanced_assignment() {
        // testReassignmentForTwoMembersThreeTopicsGivenUnbalancedPrevAssignment
        let topics = counts(&[("topic1", 6), ("topic2", 4), ("topic3", 4)]);
        let members = [
            member("A", &["topic1"], &[("topic1", &[0, 1, 2])]),
            member("B", &["topic1", "topic2"], &[("topic1", &[3]), ("topic2", &[0])]),
            member(
                "C",
                &["topic1", "topic2", "topic3"],
                &[("topic1", &[4, 5]), ("topic2", &[1, 2, 3]), ("topic3", &[0, 1, 2, 3])],
            ),
        ];
        expect(
            &assign("uniform", &topics, &members),
            &[
                ("A", &[("topic1", &[0, 1, 2, 5])]),
                ("B", &[("topic1", &[3]), ("topic2", &[0, 1, 2, 3])]),
                ("C", &[("topic1", &[4]), ("topic3", &[0, 1, 2, 3])]),
            ],
        );
        // testReassignmentWhenPartitionsAreAddedForTwoMembers
        let topics = counts(&[("topic1", 6), ("topic2", 5), ("topic3", 3), ("topic4", 3)]);
        let members = [
            member("A", &["topic1", "topic3"], &[("topic1", &[0, 1, 2, 3]), ("topic3", &[0, 1])]),
            member("B", &["topic1", "topic2", "topic3", "topic4"], &[("topic2", &[0, 1, 2]), ("topic4", &[0, 1, 2])]),
        ];
        expect(
            &assign("uniform", &topics, &members),
            &[
                ("A", &[("topic1", &[0, 1, 2, 3, 4, 5]), ("topic3", &[0, 1, 2])]),
                ("B", &[("topic2", &[0, 1, 2, 3, 4]), ("topic4", &[0, 1, 2])]),
            ],
        );
    }

    #[test]
    fn uniform_heterogeneous_members_join_and_leave_and_change_subscriptions() {
        // testReassignmentWhenOneMemberAddedAndPartitionsAddedTwoMembersTwoTopics
        let topics = counts(&[("topic1", 6), ("topic2", 7)]);
        let members = [
            member("A", &["topic1"], &[("topic1", &[0, 2]), ("topic2", &[0])]),
            member("B", &["topic1", "topic2"], &[("topic1", &[1]), ("topic2", &[1, 2])]),
            member("C", &["topic1", "topic2"], &[]),
        ];
        expect(
            &assign("uniform", &topics, &members),
            &[
                ("A", &[("topic1", &[0, 2, 3, 4, 5])]),
                ("B", &[("topic1", &[1]), ("topic2", &[1, 2, 6])]),
                ("C", &[("topic2", &[0, 3, 4, 5])]),
            ],
        );
        // testReassignmentWhenOneMemberRemovedAfterInitialAssignmentWithThreeMembersThreeTopics
        let topics = counts(&[("topic1", 3), ("topic2", 8), ("topic3", 3)]);
        let members = [
            member("A", &["topic1", "topic3"], &[("topic1", &[0, 1, 2]), ("topic3", &[0, 1])]),
            member("B", &["topic2"], &[("topic2", &[3, 4, 5, 6])]),
        ];
        expect(
            &assign("uniform", &topics, &members),
            &[
                ("A", &[("topic1", &[0, 1, 2]), ("topic3", &[0, 1, 2])]),
                ("B", &[("topic2", &[0, 1, 2, 3, 4, 5, 6, 7])]),
            ],
        );
        // testReassignmentWhenOneSubscriptionRemovedAfterInitialAssignmentWithTwoMembersTwoTopics
        let topics = counts(&[("topic1", 3), ("topic2", 5)]);
        let members = [
            member("A", &["topic1"], &[("topic1", &[0, 2]), ("topic2", &[1, 3])]),
            member("B", &["topic1", "topic2"], &[("topic1", &[1]), ("topic2", &[0, 2, 4])]),
        ];
        expect(
            &assign("uniform", &topics, &members),
            &[("A", &[("topic1", &[0, 1, 2])]), ("B", &[("topic2", &[0, 1, 2, 3, 4])])],
        );
    }

    // ---- Range

    #[test]
    fn range_first_assignments() {
        // testOneMemberNoTopic
        expect(&assign("range", &counts(&[("topic1", 3)]), &[member("A", &[], &[])]), &[("A", &[])]);
        // testFirstAssignmentTwoMembersTwoTopicsSameSubscriptions
        let topics = counts(&[("topic1", 3), ("topic3", 2)]);
        let both = ["topic1", "topic3"];
        let a = assign("range", &topics, &[member("A", &both, &[]), member("B", &both, &[])]);
        expect(&a, &[("A", &[("topic1", &[0, 1]), ("topic3", &[0])]), ("B", &[("topic1", &[2]), ("topic3", &[1])])]);
        // testFirstAssignmentThreeMembersThreeTopicsDifferentSubscriptions
        let topics = counts(&[("topic1", 3), ("topic2", 3), ("topic3", 2)]);
        let members = [
            member("A", &["topic1", "topic2"], &[]),
            member("B", &["topic3"], &[]),
            member("C", &["topic2", "topic3"], &[]),
        ];
        expect(
            &assign("range", &topics, &members),
            &[
                ("A", &[("topic1", &[0, 1, 2]), ("topic2", &[0, 1])]),
                ("B", &[("topic3", &[0])]),
                ("C", &[("topic2", &[2]), ("topic3", &[1])]),
            ],
        );
        // testFirstAssignmentNumMembersGreaterThanNumPartitions
        let topics = counts(&[("topic1", 3), ("topic3", 2)]);
        let members: Vec<ServerMember> = ["A", "B", "C"].iter().map(|m| member(m, &both, &[])).collect();
        expect(
            &assign("range", &topics, &members),
            &[
                ("A", &[("topic1", &[0]), ("topic3", &[0])]),
                ("B", &[("topic1", &[1]), ("topic3", &[1])]),
                ("C", &[("topic1", &[2])]),
            ],
        );
    }

    #[test]
    fn range_static_members_keep_their_ranges_under_new_member_ids() {
        // testStaticMembership, testMixedStaticMembership
        let topics = counts(&[("topic1", 5)]);
        let with_instance = |id: &str, instance: &str| ServerMember {
            instance_id: Some(instance.to_string()),
            ..member(id, &["topic1"], &[])
        };
        let before = assign(
            "range",
            &topics,
            &[with_instance("A", "instanceA"), with_instance("C", "instanceC"), member("B", &["topic1"], &[])],
        );
        expect(&before, &[("A", &[("topic1", &[0, 1])]), ("C", &[("topic1", &[2, 3])]), ("B", &[("topic1", &[4])])]);
        let after = assign(
            "range",
            &topics,
            &[with_instance("A1", "instanceA"), with_instance("C", "instanceC"), member("B", &["topic1"], &[])],
        );
        assert_eq!(before["A"], after["A1"]);
        assert_eq!(before["B"], after["B"]);
        assert_eq!(before["C"], after["C"]);
    }

    #[test]
    fn range_reassignments_follow_member_order_not_the_current_assignment() {
        let both = ["topic1", "topic2"];
        // testReassignmentWhenOnePartitionAddedForTwoMembersTwoTopics
        let topics = counts(&[("topic1", 4), ("topic2", 4)]);
        let current_a: Tps<'_> = &[("topic1", &[0, 1]), ("topic2", &[0, 1])];
        let current_b: Tps<'_> = &[("topic1", &[2]), ("topic2", &[2])];
        let members = [member("A", &both, current_a), member("B", &both, current_b)];
        expect(
            &assign("range", &topics, &members),
            &[("A", &[("topic1", &[0, 1]), ("topic2", &[0, 1])]), ("B", &[("topic1", &[2, 3]), ("topic2", &[2, 3])])],
        );
        // testReassignmentWhenOneMemberAddedAfterInitialAssignmentWithTwoMembersTwoTopics
        let topics = counts(&[("topic1", 3), ("topic2", 3)]);
        let members = [member("A", &both, current_a), member("B", &both, current_b), member("C", &both, &[])];
        expect(
            &assign("range", &topics, &members),
            &[
                ("A", &[("topic1", &[0]), ("topic2", &[0])]),
                ("B", &[("topic1", &[1]), ("topic2", &[1])]),
                ("C", &[("topic1", &[2]), ("topic2", &[2])]),
            ],
        );
        // testReassignmentWhenOneMemberAddedAndOnePartitionAfterInitialAssignmentWithTwoMembersTwoTopics
        let topics = counts(&[("topic1", 4), ("topic2", 3)]);
        let members = [member("A", &both, current_a), member("B", &both, current_b), member("C", &["topic1"], &[])];
        expect(
            &assign("range", &topics, &members),
            &[
                ("A", &[("topic1", &[0, 1]), ("topic2", &[0, 1])]),
                ("B", &[("topic1", &[2]), ("topic2", &[2])]),
                ("C", &[("topic1", &[3])]),
            ],
        );
        // testReassignmentWhenOneMemberRemovedAfterInitialAssignmentWithTwoMembersTwoTopics
        let topics = counts(&[("topic1", 3), ("topic2", 3)]);
        expect(
            &assign("range", &topics, &[member("B", &both, current_b)]),
            &[("B", &[("topic1", &[0, 1, 2]), ("topic2", &[0, 1, 2])])],
        );
        // testReassignmentWhenMultipleSubscriptionsRemovedAfterInitialAssignmentWithThreeMembersTwoTopics
        let topics = counts(&[("topic1", 3), ("topic2", 3), ("topic3", 2)]);
        let members = [
            member("A", &["topic1"], &[("topic1", &[0, 1, 2]), ("topic2", &[0])]),
            member("B", &["topic1", "topic2", "topic3"], &[("topic2", &[1])]),
            member("C", &["topic2"], &[("topic2", &[2]), ("topic3", &[0, 1])]),
        ];
        expect(
            &assign("range", &topics, &members),
            &[
                ("A", &[("topic1", &[0, 1])]),
                ("B", &[("topic1", &[2]), ("topic2", &[0, 1]), ("topic3", &[0, 1])]),
                ("C", &[("topic2", &[2])]),
            ],
        );
    }

    // ---- Properties

    /// The simulator's own generator (`sim::Prng`), seeded per property case.
    use crate::sim::Prng as Rng;

    fn chance(rng: &mut Rng, percent: u32) -> bool {
        rng.chance_ppm(percent * 10_000)
    }

    const TOPICS: [&str; 5] = ["alpha", "beta", "gamma", "delta", "t4"];

    /// Every partition of a subscribed topic assigned exactly once, to a subscriber.
    fn check_valid(topics: &BTreeMap<String, u32>, members: &[ServerMember], a: &BTreeMap<String, Vec<(String, u32)>>) {
        assert_eq!(a.len(), members.len());
        let mut seen = BTreeSet::new();
        for m in members {
            for (t, p) in &a[&m.member_id] {
                assert!(m.topics.contains(t), "{t}-{p} to {} not subscribed: {a:?}", m.member_id);
                assert!(seen.insert((t.clone(), *p)), "{t}-{p} assigned twice: {a:?}");
            }
        }
        for (t, &c) in topics {
            if members.iter().any(|m| m.topics.contains(t)) {
                for p in 0..c {
                    assert!(seen.contains(&(t.clone(), p)), "{t}-{p} unassigned: {a:?}");
                }
            }
        }
    }

    /// Successive target assignments of a group whose members join, leave and change
    /// subscriptions; each member's current assignment is its previous target.
    fn rounds(
        seed: u64,
        name: &str,
        mut check: impl FnMut(&BTreeMap<String, u32>, &[ServerMember], &BTreeMap<String, Vec<(String, u32)>>),
    ) {
        let mut rng = Rng::new(seed);
        let n_topics = 1 + rng.below(TOPICS.len() as u64) as usize;
        let mut topics: BTreeMap<String, u32> =
            TOPICS[..n_topics].iter().map(|t| (t.to_string(), rng.below(10) as u32)).collect();
        let homogeneous = chance(&mut rng, 50);
        let shared: Vec<String> = TOPICS.iter().filter(|_| chance(&mut rng, 60)).map(|t| t.to_string()).collect();
        let subscription = |rng: &mut Rng| -> Vec<String> {
            if homogeneous {
                shared.clone()
            } else {
                TOPICS.iter().filter(|_| chance(rng, 50)).map(|t| t.to_string()).collect()
            }
        };
        let fresh = |id: u32, topics: Vec<String>| ServerMember {
            member_id: format!("m{id}"),
            instance_id: None,
            topics,
            current: Vec::new(),
        };
        let mut members: Vec<ServerMember> = Vec::new();
        let mut next_id = 0;
        for _ in 0..1 + rng.below(6) {
            next_id += 1;
            members.push(fresh(next_id, subscription(&mut rng)));
        }
        for _ in 0..5 {
            let a = assign(name, &topics, &members);
            check(&topics, &members, &a);
            for m in &mut members {
                m.current = a[&m.member_id].clone();
            }
            if members.len() > 1 && chance(&mut rng, 30) {
                members.remove(rng.below(members.len() as u64) as usize);
            }
            if chance(&mut rng, 40) {
                next_id += 1;
                members.push(fresh(next_id, subscription(&mut rng)));
            }
            if !homogeneous && chance(&mut rng, 20) {
                let i = rng.below(members.len() as u64) as usize;
                members[i].topics = subscription(&mut rng);
            }
            if chance(&mut rng, 20) {
                let t = TOPICS[rng.below(n_topics as u64) as usize];
                if let Some(c) = topics.get_mut(t) {
                    *c += 1 + rng.below(3) as u32;
                }
            }
        }
    }

    #[test]
    fn property_uniform_valid_balanced_and_sticky() {
        for seed in 1..=300u64 {
            rounds(seed * 7919, "uniform", |topics, members, a| {
                check_valid(topics, members, a);
                let homogeneous = members.windows(2).all(|w| {
                    w[0].topics.iter().collect::<BTreeSet<_>>() == w[1].topics.iter().collect::<BTreeSet<_>>()
                });
                // Members with the same subscription differ by at most one partition
                // (always when all subscribe alike; with overlapping, unequal subscriptions
                // the coordinator only promises a near balance).
                for (i, x) in members.iter().enumerate() {
                    for y in &members[i + 1..] {
                        let same = x.topics.iter().collect::<BTreeSet<_>>() == y.topics.iter().collect::<BTreeSet<_>>();
                        if same && (homogeneous || members.len() <= 2) {
                            let (lx, ly) = (a[&x.member_id].len(), a[&y.member_id].len());
                            assert!(lx.abs_diff(ly) <= 1, "{} {lx} vs {} {ly}: {a:?}", x.member_id, y.member_id);
                        }
                    }
                }
                // Homogeneous stickiness: a member keeps its subscribed partitions up to its quota.
                if homogeneous {
                    let total: usize = a.values().map(Vec::len).sum();
                    let floor = total / members.len();
                    for m in members {
                        let kept = m.current.iter().filter(|tp| a[&m.member_id].contains(tp)).count();
                        let valid = m.current.iter().filter(|(t, p)| m.topics.contains(t) && *p < topics[t]).count();
                        assert!(kept >= valid.min(floor), "{} lost partitions: {a:?}", m.member_id);
                    }
                }
            });
        }
    }

    #[test]
    fn property_range_valid_and_contiguous() {
        for seed in 1..=300u64 {
            rounds(seed * 104_729, "range", |topics, members, a| {
                check_valid(topics, members, a);
                for list in a.values() {
                    for w in list.windows(2) {
                        if w[0].0 == w[1].0 {
                            assert_eq!(w[0].1 + 1, w[1].1, "not a range: {a:?}");
                        }
                    }
                }
            });
        }
    }
}
