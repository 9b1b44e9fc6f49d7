// The URL is the state: the scenario text (seed included) travels in the fragment as
// `#s=` + base64url(deflate-raw(UTF-8 text)), built with the browser's own
// CompressionStream (no library). `?preset=NAME` (or `#preset=NAME`) opens a preset.
// Opening a share link puts the same text in the editor, so the run (and its
// trace_hash) is the same.

async function pump(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

function toBase64Url(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** Scenario text → the compact string that goes after `#s=`. */
export async function encodeScenario(text) {
  const bytes = new TextEncoder().encode(text);
  return toBase64Url(await pump(bytes, new CompressionStream('deflate-raw')));
}

/** The inverse of encodeScenario; throws on a damaged link. */
export async function decodeScenario(encoded) {
  const bytes = await pump(fromBase64Url(encoded), new DecompressionStream('deflate-raw'));
  return new TextDecoder().decode(bytes);
}

/** What a location asks for: {text} from #s=, {preset} from ?preset= or #preset=, or {}. */
export async function readLocation(loc = window.location) {
  const hash = new URLSearchParams(loc.hash.slice(1));
  const query = new URLSearchParams(loc.search);
  if (hash.has('s')) {
    try {
      return { text: await decodeScenario(hash.get('s')) };
    } catch {
      return { broken: true };
    }
  }
  const preset = hash.get('preset') ?? query.get('preset');
  return preset ? { preset } : {};
}

/** The share URL for a text, relative to `base` (default: this page without query or fragment). */
export async function shareUrl(text, base = window.location.href) {
  const url = new URL(base);
  url.search = '';
  url.hash = `s=${await encodeScenario(text)}`;
  return url.href;
}
