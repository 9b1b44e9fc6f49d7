// A minimal page over the engine: version, an editor with the default scenario, located
// errors as you type, and a summary. The real playground UI replaces this file.
import defaultScenario from './default.kplay?raw';
import { loadEngine } from './engine.js';

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

/** Checks the editor's text; runs it too when the engine can and the text is valid. */
function update(engine) {
  const text = editor.value;
  const diagnostics = engine.check(text);
  showDiagnostics(diagnostics);
  status.textContent = diagnostics.length === 0 ? 'valid' : `${diagnostics.length} error(s)`;
  if (diagnostics.length > 0) {
    summary.textContent = JSON.stringify({ valid: false, errors: diagnostics.length });
  } else if (engine.canRun) {
    const outcome = engine.run(text, {});
    summary.textContent = outcome.ok
      ? JSON.stringify(outcome.report.summary, null, 2)
      : JSON.stringify({ valid: false, errors: outcome.errors.length });
  } else {
    summary.textContent = JSON.stringify({ valid: true, errors: 0 });
  }
}

async function main() {
  editor.value = defaultScenario;
  const engine = await loadEngine();
  $('version').textContent = `v${engine.version}`;
  let timer = 0;
  editor.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => update(engine), 150);
  });
  update(engine);
  document.body.dataset.ready = 'true';
}

main().catch((err) => {
  status.textContent = `failed to load the engine: ${err}`;
  console.error(err);
});
