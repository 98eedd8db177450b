// Builds the two pages that internal/webmap embeds, into
// ../internal/webmap/dist, laid out as the URLs that serve them:
//
//   dist/index.html                 GraphiQL, served at /
//   dist/graphiql/assets/*          its script and styles
//   dist/map/index.html             the map, served at /map
//   dist/map/assets/*               its script, styles and MapLibre's worker
//   dist/impor/index.html           the import page, served at /impor
//   dist/impor/assets/*             its script and styles
//
// Asset names carry a content hash so the Go handler can cache them for a
// year; the HTML pages are the only unhashed files. Nothing is loaded from
// another host: the pages must work on an offline intranet.
//
// Run: npm ci && npm run build
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'internal', 'webmap', 'dist');

const hash = (buf) => createHash('sha256').update(buf).digest('hex').slice(0, 10).toUpperCase();

// bundle builds one entry point into dist/<page>/assets and returns the URL
// paths of its script and stylesheet.
async function bundle(page, entry) {
  const outdir = join(dist, page, 'assets');
  const result = await build({
    entryPoints: [join(here, 'src', entry)],
    outdir,
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020'],
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    loader: { '.woff2': 'file', '.png': 'file', '.svg': 'file' },
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const out = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint);
  if (!out) throw new Error(`no output for ${entry}`);
  const [js, meta] = out;
  const url = (file) => '/' + relative(dist, join(here, file)).split('\\').join('/');
  return { js: url(js), css: meta.cssBundle ? url(meta.cssBundle) : null };
}

// page writes an HTML template with its {{...}} placeholders filled.
function page(template, target, vars) {
  let html = readFileSync(join(here, 'src', template), 'utf8');
  for (const [k, v] of Object.entries(vars)) html = html.replaceAll(`{{${k}}}`, v);
  const missing = html.match(/\{\{[A-Z_]+\}\}/);
  if (missing) throw new Error(`${template}: unfilled ${missing[0]}`);
  mkdirSync(dirname(join(dist, target)), { recursive: true });
  writeFileSync(join(dist, target), html);
}

rmSync(dist, { recursive: true, force: true });

// MapLibre's CSP build loads its worker from a URL rather than a blob, so
// the map works under a Content-Security-Policy without worker-src blob:.
const workerSrc = join(here, 'node_modules', 'maplibre-gl', 'dist', 'maplibre-gl-csp-worker.js');
const worker = readFileSync(workerSrc);
const workerName = `maplibre-gl-csp-worker-${hash(worker)}.js`;
mkdirSync(join(dist, 'map', 'assets'), { recursive: true });
copyFileSync(workerSrc, join(dist, 'map', 'assets', workerName));

// Glyph ranges for the map's text labels, rendered from a font by
// `go run ./cmd/glyphs` (see the README) into src/map/glyphs/<font>/<range>.pbf.
// They are flattened into assets with one hash over all of them, so the
// URL template is /map/assets/glyphs-<hash>-{fontstack}-{range}.pbf.
const glyphDir = join(here, 'src', 'map', 'glyphs');
const glyphFiles = readdirSync(glyphDir).flatMap((font) =>
  readdirSync(join(glyphDir, font)).filter((f) => f.endsWith('.pbf')).map((f) => [font, f]));
const glyphHash = hash(Buffer.concat(glyphFiles.map(([font, f]) => readFileSync(join(glyphDir, font, f)))));
for (const [font, f] of glyphFiles) {
  copyFileSync(join(glyphDir, font, f), join(dist, 'map', 'assets', `glyphs-${glyphHash}-${font}-${f}`));
}

const map = await bundle('map', 'map/map.js');
page('map/index.html', 'map/index.html', {
  SCRIPT: map.js,
  STYLE: map.css,
  WORKER: `/map/assets/${workerName}`,
  GLYPHS: `/map/assets/glyphs-${glyphHash}-{fontstack}-{range}.pbf`,
});

const impor = await bundle('impor', 'impor/impor.js');
page('impor/index.html', 'impor/index.html', { SCRIPT: impor.js, STYLE: impor.css });

const gql = await bundle('graphiql', 'graphiql/graphiql.jsx');
page('graphiql/index.html', 'index.html', { SCRIPT: gql.js, STYLE: gql.css });

for (const [name, p] of [['map', map], ['impor', impor], ['graphiql', gql]]) {
  const size = (u) => (u ? readFileSync(join(dist, u)).length : 0);
  console.log(`${name}: ${basename(p.js)} ${(size(p.js) / 1024).toFixed(0)} KiB, ${p.css ? basename(p.css) : '-'} ${(size(p.css) / 1024).toFixed(0)} KiB`);
}
console.log(`map worker: ${workerName} ${(worker.length / 1024).toFixed(0)} KiB`);
