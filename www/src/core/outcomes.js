// What became of each record, as the record grid colours it: the categories (outcomes,
// and what a consumer group or a pipeline did wrong with a delivered record), in the
// legend's order. Pure (no DOM): the engine's worker uses it for paged runs.

export const CATEGORIES = [
  { key: 'delivered', label: 'delivered' },
  { key: 'reordered', label: 'reordered' },
  { key: 'duplicated', label: 'duplicated' },
  { key: 'lost', label: 'lost' },
  { key: 'phantom', label: 'phantom' },
  { key: 'aborted', label: 'aborted' },
  { key: 'deleted', label: 'deleted' },
  { key: 'compacted', label: 'compacted' },
  { key: 'reprocessed', label: 'reprocessed' },
  { key: 'skipped', label: 'skipped' },
  { key: 'pipeline_duplicated', label: 'pipeline duplicated' },
  { key: 'pipeline_lost', label: 'pipeline lost' },
  { key: 'failed', label: 'failed' },
  { key: 'pending', label: 'pending' },
  { key: 'undecided', label: 'undecided' },
];

const CATEGORY_INDEX = new Map(CATEGORIES.map((c, i) => [c.key, i]));
export const REORDERED = CATEGORY_INDEX.get('reordered');
const UNDECIDED = CATEGORY_INDEX.get('undecided');

/** The consumer-side verdicts, the gravest first: a record with several shows that one
 * (an input an at_least_once pipeline duplicated is also reprocessed by its group). */
const CONSUMER_RANK = { pipeline_lost: 4, skipped: 3, pipeline_duplicated: 2, reprocessed: 1 };
export const CONSUMER_WORDS = {
  reprocessed: 'reprocessed by a consumer group',
  skipped: 'skipped by a consumer group',
  pipeline_duplicated: 'more than one output from a pipeline (pipeline duplicated)',
  pipeline_lost: 'committed past by a pipeline without an output (pipeline lost)',
};

/** Record id -> what a consumer group or a pipeline did wrong with it ('pipeline_lost',
 * 'skipped', 'pipeline_duplicated' or 'reprocessed', the gravest), from the report's
 * explanations (a pipeline's name its input records). */
export function consumerSide(report) {
  const out = new Map();
  for (const x of report.explanations ?? []) {
    const rank = CONSUMER_RANK[x.kind];
    if (!rank) continue;
    for (const id of x.records) if ((CONSUMER_RANK[out.get(id)] ?? 0) < rank) out.set(id, x.kind);
  }
  return out;
}

/** The colour category of a record: its outcome; for a delivered record, what a consumer
 * group or a pipeline did wrong with it (`consumer`, from consumerSide), else
 * 'reordered' when out of order. */
export function category(r, consumer = null) {
  if (r.outcome !== 'delivered') return r.outcome;
  return consumer?.get(r.id) ?? (r.reordered ? 'reordered' : r.outcome);
}

/** Each record's category as an index into CATEGORIES (what the grid draws). */
export function categoriesOf(records, consumer) {
  const cats = new Uint8Array(records.length);
  for (let i = 0; i < records.length; i++) cats[i] = CATEGORY_INDEX.get(category(records[i], consumer)) ?? UNDECIDED;
  return cats;
}
