// A minimal page over the engine: version, an editor with the default scenario, located
// errors as you type, and a summary. The real playground UI replaces this file.
import defaultScenario from './default.kplay?raw';
import { createEngine } from './engine-client.js';

const $ = (id) => document.getElementById(id);
const editor = $('scenario');
const diagnosticsList = $('diagnostics');
const summary = $('summary');
const status = $('status');

function showDiagnostics(diagnostics) {
  diagnosticsList.replaceChildren(
    ...diagnostics.map((d) => {
      const li = document.createElement('li');
      li.dataset.line = d.line;
      li.dataset.column = d.column;
      li.textContent = `${d.line}:${d.column}: ${d.message}` + (d.hint ? ` (hint: ${d.hint})` : '');
      return li;
    }),
  );
}

let job = null;

/** Checks the editor's text, then runs it in the worker (cancelling a run still going). */
async function update(engine) {
  const text = editor.value;
  const diagnostics = await engine.check(text);
  if (text !== editor.value) return; // edited meanwhile; a newer update follows
  showDiagnostics(diagnostics);
  status.textContent = diagnostics.length === 0 ? 'valid' : `${diagnostics.length} error(s)`;
  if (diagnostics.length > 0) {
    summary.textContent = JSON.stringify({ valid: false, errors: diagnostics.length });
    return;
  }
  job?.cancel();
  const current = engine.run(text, {}, (p) => (summary.dataset.progress = String(p)));
  job = current;
  try {
    const outcome = await current.result;
    summary.textContent = outcome.ok
      ? JSON.stringify(outcome.report.summary, null, 2)
      : JSON.stringify({ valid: false, errors: outcome.errors.length });
  } catch (err) {
    if (String(err.message) !== 'cancelled') throw err;
  }
}

async function main() {
  editor.value = defaultScenario;
  const engine = createEngine();
  const { version } = await engine.ready;
  $('version').textContent = `v${version}`;
  let timer = 0;
  editor.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => update(engine), 150);
  });
  await update(engine);
  document.body.dataset.ready = 'true';
}

main().catch((err) => {
  status.textContent = `failed to load the engine: ${err}`;
  console.error(err);
});
