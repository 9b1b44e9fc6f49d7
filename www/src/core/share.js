// The URL is the state: the scenario text (seed included) travels in the fragment as
// `#s=` + base64url(deflate-raw(UTF-8 text)), built with the browser's own
// CompressionStream (no library). `?preset=NAME` (or `#preset=NAME`) opens a preset.
// Opening a share link puts the same text in the editor, so the run (and its
// trace_hash) is the same. A link is read with caps (MAX_TEXT_BYTES decompressed,
// MAX_LINE_CHARS per line): a damaged or oversized one is an error that says why.

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

/** The largest scenario a link may carry (decompressed), and its longest line. A small
 * link can inflate to megabytes; the cap stops reading there. */
export const MAX_TEXT_BYTES = 256 * 1024;
export const MAX_LINE_CHARS = 4000;

/** The inverse of encodeScenario; throws an Error saying what is wrong with a damaged or
 * oversized link. Decompression streams and stops at `maxBytes`. */
export async function decodeScenario(encoded, { maxBytes = MAX_TEXT_BYTES, maxLine = MAX_LINE_CHARS } = {}) {
  let raw;
  try {
    raw = fromBase64Url(encoded);
  } catch {
    throw new Error('it is not base64url text (was it cut or changed when copied?)');
  }
  const reader = new Blob([raw]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const chunks = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel();
        throw new RangeError(`it holds more than ${Math.round(maxBytes / 1024)} KiB of text, kplay's limit for a link`);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof RangeError) throw err;
    throw new Error('its compressed data is damaged (was it cut when copied?)');
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error('it does not decode to UTF-8 text');
  }
  const long = text.split('\n').findIndex((l) => l.length > maxLine);
  if (long >= 0) throw new RangeError(`line ${long + 1} is longer than ${maxLine} characters`);
  return text;
}

/** What a location asks for: {text} from #s=, {preset} from ?preset= or #preset=,
 * {broken: reason} for a link that cannot be read, or {}. `decode` decodes #s= (the page
 * passes the engine worker's, so a hostile link is inflated off the page's thread). */
export async function readLocation(loc = window.location, decode = decodeScenario) {
  const hash = new URLSearchParams(loc.hash.slice(1));
  const query = new URLSearchParams(loc.search);
  if (hash.has('s')) {
    try {
      return { text: await decode(hash.get('s')) };
    } catch (err) {
      return { broken: err.message };
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
