// The page's pure-module tests (tests/e2e/model.test.mjs: the text model, share links,
// the delivery-semantics verdict, journeys, formats, the widget's import without a DOM)
// under Node's own runner: `node --test tests/unit/` (the lint layer runs it), no browser
// and no build needed. The e2e runner runs the same file too (it ignores the page there).
import { test } from 'node:test';
import { tests } from '../e2e/model.test.mjs';

for (const t of tests) test(t.name, () => t.run({}));
