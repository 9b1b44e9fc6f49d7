// The iframe embed (frame.html): a host page that cannot serve kplay from its own origin
// embeds <iframe src="https://…/kplay/frame.html#preset=acks1-leader-failover&panels=verdict,records&autorun">.
// The fragment says what to show: `preset=NAME` or `s=<compressed text>` (the playground's
// share-link form), `panels`, `theme`, and the flags `readonly` and `autorun`. A damaged
// link or an unknown preset is shown as the widget's error.
import './widget.js';
import { decodeScenario } from './core/share.js';

async function main() {
  const params = new URLSearchParams(location.hash.slice(1));
  const el = document.createElement('kplay-scenario');
  for (const name of ['preset', 'panels', 'theme']) {
    if (params.get(name)) el.setAttribute(name, params.get(name));
  }
  for (const flag of ['readonly', 'autorun']) {
    if (params.has(flag)) el.setAttribute(flag, '');
  }
  if (params.has('s')) {
    const script = document.createElement('script');
    script.type = 'text/kplay';
    try {
      script.textContent = await decodeScenario(params.get('s'));
    } catch (err) {
      document.body.textContent = `kplay could not read this scenario: ${err.message}`;
      return;
    }
    el.append(script);
  } else if (!params.get('preset')) {
    el.setAttribute('preset', 'acks1-leader-failover');
  }
  document.body.append(el);
}

main();
