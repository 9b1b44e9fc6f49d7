#!/usr/bin/env node
// A dependency-free static server for the built site (www/dist by default).
//
//   node scripts/serve.mjs [DIR]        PORT=8080 by default; PORT=0 picks a free port
//   HOST=0.0.0.0 node scripts/serve.mjs  to listen beyond this machine (default 127.0.0.1)
//
// Serves files with the right MIME types (application/wasm matters: browsers only
// stream-compile wasm served as such), gzips compressible types when the client accepts
// it, sends an ETag and answers If-None-Match with 304 (so the page's and the worker's
// loads of the wasm module download it once), answers only GET and HEAD, never leaves
// DIR, and prints the URL it listens on as
// its first line of output (`serve: http://localhost:PORT/`), which the e2e layer reads.
import { createReadStream, promises as fs } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = resolve(process.argv[2] ?? join(root, 'www', 'dist'));
const port = Number(process.env.PORT ?? 8080);
// 127.0.0.1 rather than 'localhost', which Node may resolve to ::1 only.
const host = process.env.HOST ?? '127.0.0.1';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.kplay': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.wasm', '.svg', '.txt', '.kplay']);

/** The file a URL path names inside `dir`, or null when it would escape it. */
function fileFor(urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  if (path.endsWith('/')) path += 'index.html';
  const file = resolve(dir, '.' + path);
  return file === dir || file.startsWith(dir + sep) ? file : null;
}

async function handle(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const file = fileFor(req.url ?? '/');
  let stat = null;
  if (file) stat = await fs.stat(file).catch(() => null);
  if (stat?.isDirectory()) {
    // /sub -> /sub/ so relative URLs inside sub/index.html resolve against the folder.
    res.writeHead(301, { Location: req.url.split('?')[0] + '/' }).end();
    return;
  }
  if (!stat?.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  const ext = extname(file).toLowerCase();
  // A validator, as any static host sends: the page and its Web Worker both load the wasm
  // module, and with no-cache + ETag the second load is a 304, not a second download.
  const etag = `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { ETag: etag, 'Cache-Control': 'no-cache' }).end();
    return;
  }
  const headers = {
    ETag: etag,
    'Content-Type': TYPES[ext] ?? 'application/octet-stream',
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    Vary: 'Accept-Encoding',
  };
  const gzip = COMPRESSIBLE.has(ext) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  if (gzip) headers['Content-Encoding'] = 'gzip';
  else headers['Content-Length'] = stat.size;
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  if (gzip) stream.pipe(createGzip()).pipe(res);
  else stream.pipe(res);
}

try {
  const st = await fs.stat(join(dir, 'index.html'));
  if (!st.isFile()) throw new Error();
} catch {
  console.error(`serve: error: ${join(dir, 'index.html')} not found; build the site first (bash scripts/build.sh)`);
  process.exit(1);
}

const server = createServer((req, res) => {
  handle(req, res).catch((err) => {
    console.error(`serve: ${req.url}: ${err}`);
    if (!res.headersSent) res.writeHead(500).end();
    else res.destroy();
  });
});
server.on('error', (err) => {
  console.error(`serve: error: ${err.message}${err.code === 'EADDRINUSE' ? ' (set PORT to another port)' : ''}`);
  process.exit(1);
});
server.listen(port, host, () => {
  const shown = host === '127.0.0.1' || host === '0.0.0.0' || host === '::' ? 'localhost' : host;
  console.log(`serve: http://${shown}:${server.address().port}/  (serving ${dir}; Ctrl-C stops)`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(0));
}
