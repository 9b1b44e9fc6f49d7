// The charts' data, derived from the trace in one pass (pure functions, no DOM):
//
//   throughput          acked records per second per producer (batch_acked), in buckets
//   latency             Produce request latency (request_sent -> response_received, paired
//                       by correlation id): p50, p99 and max per bucket, and overall
//   recordsPerRequest   records carried per Produce request (from batch_drained), per bucket
//   retries             batch_retried per bucket, and failures (batch_failed, batch_expired)
//   isr                 ISR size per partition over time (leader_elected, isr_changed,
//                       isr_shrink, isr_expand, partition_offline), as steps
//   lag                 HW lag per partition: the leader's LEO minus its HW (appended,
//                       replicated, truncated, recovered, high_watermark, became_leader)
//
//   recordLatency       each record's send()-to-callback latency at its send() time (the
//                       figure kafka-producer-perf-test reports): acked and failed sends,
//                       at most MAX_RECORD_POINTS points (the slowest of each run of
//                       records kept, so spikes survive)
//   faults              the scenario's fault statements (crash, restart, cut, isolate,
//                       heal, drop, delay, pause, shutdown, a client's restart or crash)
//                       as {t, label, line}: a marker on every time axis
//   activity            [from, to] in µs: the first send() to the last callback, the
//                       window the charts open zoomed to
//
// Buckets are sized from where the acks happen (a burst of 60 ms in a 17 s run gets 1 ms
// buckets), capped at MAX_BUCKETS over the whole run. x values are seconds (uPlot's unit).
const MAX_BUCKETS = 4000;
const MAX_RECORD_POINTS = 6000;
const FAULT = /^at\s+\S+\s+(?:(?:crash|restart|drop|cut|isolate|heal|delay|pause|shutdown)\b|\S+\s+(?:restart|crash|pause|close)\b)/;
const MAX_STEP_POINTS = 4000;
const NICE = [1, 2, 5];

export function buildSeries(model) {
  const { trace, endUs } = model;
  const bucketUs = chooseBucket(trace, endUs);
  const nb = Math.max(1, Math.ceil((endUs + 1) / bucketUs));
  const x = new Float64Array(nb);
  for (let i = 0; i < nb; i++) x[i] = (i * bucketUs) / 1e6;
  const perSec = 1e6 / bucketUs;
  const b = (t) => Math.min(nb - 1, Math.floor(t / bucketUs));

  const throughput = new Map(model.producers.map((p) => [p, new Float64Array(nb)]));
  const latBuckets = Array.from({ length: nb }, () => null);
  const allLat = [];
  const reqCount = new Float64Array(nb);
  const reqRecords = new Float64Array(nb);
  const retries = new Float64Array(nb);
  const failures = new Float64Array(nb);
  const sent = new Map(); // "from|to|corr" -> t
  const batchRecords = new Map(); // "producer|batch" -> records

  const faults = [];
  const isrSteps = new Map(); // tp -> [[t, size]]
  const lagSteps = new Map(); // tp -> [[t, lag]]
  const logs = new Map(); // tp -> {leader, leo: Map(broker -> LEO), hw: Map(broker -> HW)}
  const log = (tp) => {
    let l = logs.get(tp);
    if (!l) logs.set(tp, (l = { leader: undefined, leo: new Map(), hw: new Map() }));
    return l;
  };
  for (const p of model.report.partitions ?? []) {
    isrSteps.set(`${p.topic}-${p.partition}`, [[0, p.replicas.length]]);
    lagSteps.set(`${p.topic}-${p.partition}`, [[0, 0]]);
  }
  const setIsr = (tp, t, n) => step(isrSteps, tp, t, n);
  const touch = (tp, t, l) => {
    if (l.leader === undefined) return;
    step(lagSteps, tp, t, Math.max(0, (l.leo.get(l.leader) ?? 0) - (l.hw.get(l.leader) ?? 0)));
  };

  for (const e of trace) {
    const t = e.at_us;
    switch (e.type) {
      case 'action':
        if (FAULT.test(e.text)) faults.push({ t, label: e.text.replace(/^at\s+\S+\s+/, ''), line: e.line });
        break;
      case 'batch_acked': {
        const s = throughput.get(e.producer);
        if (s) s[b(t)] += e.records * perSec;
        break;
      }
      case 'batch_drained':
        batchRecords.set(`${e.producer}|${e.batch}`, e.records);
        break;
      case 'request_sent':
        if (e.api !== 'Produce') break;
        sent.set(`${e.from}|${e.to}|${e.corr}`, t);
        reqCount[b(t)] += 1;
        for (const batch of e.batches) reqRecords[b(t)] += batchRecords.get(`${e.from}|${batch}`) ?? 0;
        break;
      case 'response_received': {
        const k = `${e.at}|${e.from}|${e.corr}`;
        const t0 = sent.get(k);
        if (t0 === undefined) break;
        sent.delete(k);
        const lat = (t - t0) / 1000;
        (latBuckets[b(t)] ??= []).push(lat);
        allLat.push(lat);
        break;
      }
      case 'batch_retried':
        retries[b(t)] += 1;
        break;
      case 'batch_failed':
      case 'batch_expired':
        failures[b(t)] += 1;
        break;
      case 'leader_elected':
        setIsr(e.tp, t, e.isr.length);
        break;
      case 'isr_changed':
        setIsr(e.tp, t, e.isr.length);
        break;
      case 'isr_shrink':
      case 'isr_expand':
        setIsr(e.tp, t, e.isr.length);
        break;
      case 'partition_offline':
        setIsr(e.tp, t, e.isr.length);
        break;
      case 'became_leader': {
        const l = log(e.tp);
        l.leader = e.broker;
        l.leo.set(e.broker, e.log_end_offset);
        touch(e.tp, t, l);
        break;
      }
      case 'appended':
      case 'replicated':
      case 'truncated':
      case 'recovered': {
        const l = log(e.tp);
        const v = e.type === 'appended' ? e.last_offset + 1 : e.type === 'replicated' ? e.to_offset : e.type === 'truncated' ? e.from_offset : e.log_end_offset;
        l.leo.set(e.broker, v);
        if (e.broker === l.leader) touch(e.tp, t, l);
        break;
      }
      case 'high_watermark': {
        const l = log(e.tp);
        l.hw.set(e.broker, e.high_watermark);
        if (e.broker === l.leader) touch(e.tp, t, l);
        break;
      }
      default:
        break;
    }
  }

  const p50 = new Array(nb).fill(null);
  const p99 = new Array(nb).fill(null);
  const max = new Array(nb).fill(null);
  latBuckets.forEach((xs, i) => {
    if (!xs) return;
    xs.sort((a, c) => a - c);
    p50[i] = quantile(xs, 0.5);
    p99[i] = quantile(xs, 0.99);
    max[i] = xs[xs.length - 1];
  });
  allLat.sort((a, c) => a - c);
  const rpr = Array.from(reqCount, (n, i) => (n ? reqRecords[i] / n : null));

  return {
    bucketUs,
    x,
    throughput,
    latency: { p50, p99, max },
    latencyStats: allLat.length
      ? { count: allLat.length, p50: quantile(allLat, 0.5), p95: quantile(allLat, 0.95), p99: quantile(allLat, 0.99), max: allLat[allLat.length - 1] }
      : null,
    recordsPerRequest: rpr,
    retries,
    failures,
    isr: steps(isrSteps, endUs),
    lag: steps(lagSteps, endUs),
    recordLatency: recordLatency(model.report.records ?? [], endUs),
    faults,
    activity: activity(model.report.records ?? [], faults, endUs),
  };
}

/** Per-record send()-to-callback latency (ms) by send time (s): acked and failed sends. */
export function recordLatency(records, endUs) {
  const done = records.filter((r) => r.result_us != null && r.result !== 'pending').sort((a, b) => a.sent_us - b.sent_us || a.id - b.id);
  const k = Math.max(1, Math.ceil(done.length / MAX_RECORD_POINTS));
  const n = Math.ceil(done.length / k);
  // Empty points at 0 and at the end of the run, so the x extent is the run's, as on the
  // other charts.
  const x = new Float64Array(n + 2);
  const acked = new Array(n + 2).fill(null);
  const failed = new Array(n + 2).fill(null);
  x[n + 1] = Math.max(endUs, done.length ? done[done.length - 1].sent_us : 0) / 1e6;
  for (let i = 0; i < n; i++) {
    // The slowest record of each group of k stands for it (and where it was sent).
    let slow = null;
    let slowFailed = null;
    for (let j = i * k; j < Math.min(done.length, (i + 1) * k); j++) {
      const r = done[j];
      const lat = (r.result_us - r.sent_us) / 1000;
      if (r.result === 'acked') {
        if (!slow || lat > slow[1]) slow = [r.sent_us, lat];
      } else if (!slowFailed || lat > slowFailed[1]) slowFailed = [r.sent_us, lat];
    }
    x[i + 1] = (slow ?? slowFailed)[0] / 1e6;
    acked[i + 1] = slow ? slow[1] : null;
    failed[i + 1] = slowFailed ? slowFailed[1] : null;
  }
  return { x, acked, failed, sampled: k > 1 ? k : 1, count: done.length };
}

/** The window the records' activity spans: first send() to last callback, with a margin
 * (the faults, when no record was sent). */
export function activity(records, faults, endUs) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of records) {
    lo = Math.min(lo, r.sent_us);
    hi = Math.max(hi, r.result_us ?? r.sent_us);
  }
  if (!records.length) {
    for (const f of faults) {
      lo = Math.min(lo, f.t);
      hi = Math.max(hi, f.t);
    }
  }
  if (!Number.isFinite(lo)) return [0, endUs];
  const margin = Math.max(1000, (hi - lo) * 0.05);
  return [Math.max(0, lo - margin), Math.min(endUs, hi + margin)];
}

function step(map, tp, t, v) {
  if (!map.has(tp)) map.set(tp, [[0, v]]);
  const list = map.get(tp);
  const last = list[list.length - 1];
  if (last[1] === v) return;
  if (last[0] === t) last[1] = v;
  else list.push([t, v]);
}

/** Step series on one shared x (seconds), forward-filled; max kept when downsampled. */
function steps(map, endUs) {
  const names = [...map.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const times = new Set([0, endUs]);
  for (const list of map.values()) for (const [t] of list) times.add(t);
  let xs = [...times].sort((a, b) => a - b);
  if (xs.length > MAX_STEP_POINTS) {
    const w = endUs / MAX_STEP_POINTS;
    const kept = [];
    for (const t of xs) if (!kept.length || t - kept[kept.length - 1] >= w || t === endUs) kept.push(t);
    xs = kept;
  }
  const series = new Map();
  for (const name of names) {
    const list = map.get(name);
    const out = new Array(xs.length);
    let j = 0;
    let cur = list[0][1];
    for (let i = 0; i < xs.length; i++) {
      // The max of the values since the previous kept x, so downsampling keeps spikes.
      let peak = -Infinity;
      while (j < list.length && list[j][0] <= xs[i]) {
        cur = list[j][1];
        peak = Math.max(peak, cur);
        j++;
      }
      out[i] = Math.max(peak, cur);
    }
    series.set(name, out);
  }
  return { x: Float64Array.from(xs, (t) => t / 1e6), series };
}

function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

/** A bucket that resolves where the acks happen, never more than MAX_BUCKETS in the run. */
function chooseBucket(trace, endUs) {
  const acks = [];
  for (const e of trace) if (e.type === 'batch_acked' || e.type === 'request_sent') acks.push(e.at_us);
  let span = endUs;
  if (acks.length >= 4) {
    // Twice the interquartile range: where most of the traffic is, ignoring stragglers.
    const lo = acks[Math.floor(acks.length * 0.25)];
    const hi = acks[Math.floor(acks.length * 0.75)];
    span = Math.max(1000, 2 * (hi - lo));
  }
  const want = Math.max(span / 60, endUs / MAX_BUCKETS, 100);
  return nice(want);
}

function nice(x) {
  const p = 10 ** Math.floor(Math.log10(x));
  for (const n of NICE) if (n * p >= x) return n * p;
  return 10 * p;
}
