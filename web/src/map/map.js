// The /map page, Dinas Sosial's workbench: kelurahan coloured by kecamatan
// or by a planner's measure (choropleth), the program's projects, forums
// and activities from serasi's own vector tiles, charts that follow the
// filters, a kelurahan search and detail popups; signed in as an editor,
// records are drawn and edited on the map (edit.js).
//
// Everything comes from the serving host: no base map, no glyph or sprite
// server (the label glyphs are built in), so the page works on an offline
// intranet.
import maplibregl from 'maplibre-gl/dist/maplibre-gl-csp.js';
import 'maplibre-gl/dist/maplibre-gl.css';
import './map.css';
import { graphql } from '../graphql.js';
import { STATS, updateCharts } from './charts.js';
import { MODES, classify, fillExpression, renderLegend } from './choropleth.js';
import { AREA_KINDS, Editor, LINE_KINDS } from './edit.js';
import { followChanges } from './live.js';
import { initSession, session } from './session.js';
import { $, day, el, number, rupiah } from './util.js';

const cfg = document.body.dataset;
maplibregl.setWorkerUrl(cfg.worker);

// Kota Baubau, for a TileJSON without bounds.
const BAUBAU = [122.55, -5.54, 122.78, -5.3];

// Eight kecamatan, eight colours (ColorBrewer Set3, light enough for the
// project symbols drawn on top to stand out).
const KECAMATAN_COLOURS = ['#8dd3c7', '#ffffb3', '#bebada', '#fb8072', '#80b1d3', '#fdb462', '#b3de69', '#fccde5'];

// Project kinds keep their colour whatever the order of enumLabels; a kind
// added later takes one from the spare list.
const KIND_COLOURS = {
  VILLAGE_ROAD: '#b35806',
  WORSHIP_FACILITY_REHABILITATION: '#6a3d9a',
  SPORTS_FIELD: '#1b7837',
  DRAINAGE_REHABILITATION: '#1f63b4',
  CLEAN_WATER_SUPPLY: '#0e9bb0',
  NEIGHBOURHOOD_LIGHTING: '#d4a000',
  HARMONY_MONUMENT: '#c2185b',
};
const SPARE_COLOURS = ['#444444', '#8c510a', '#01665e', '#762a83'];

const PROJECT_LAYERS = ['projects-fill', 'projects-line', 'projects-circle'];
const RECORD_LAYERS = [...PROJECT_LAYERS, 'forums-circle', 'activities-circle'];

const BOOTSTRAP = `query MapBootstrap {
  kecamatans { code name }
  kelurahans { code name centroid conflictProne }
  enumLabels {
    projectKinds { value labelId }
    projectStatuses { value labelId }
    forumStatuses { value labelId }
    activityKinds { value labelId }
  }
  projectStats(groupBy: [YEAR]) { year count }
}`;

const FORUMS = `query MapForums { forums { forumId name status } }`;

const ANALYTICS = `query MapAnalytics($filter: ProjectFilter) {
  kelurahanSummary(filter: $filter) {
    kelurahan { code } projectCount budgetRupiah budgetPerSqKm activeForumCount activityCount lastActivityDate
  }
  coverageGaps {
    kelurahan { code name bbox } nearestForum { forumId name } distanceMeters neighbourServed servedNeighbours { name }
  }
}`;

const FORUM = `query MapForum($id: String!) {
  forum(id: $id) { forumId name statusLabelId yearFormed memberCount description kelurahan { name } }
}`;

const ACTIVITY = `query MapActivity($id: String!) {
  activity(id: $id) { activityId title kindLabelId date participants description forum { name } kelurahan { name } }
}`;

const PROJECT = `query MapProject($id: String!) {
  project(id: $id) {
    projectId title kindLabelId statusLabelId year budgetRupiah beneficiaries
    startDate finishDate description
    kelurahan { name kecamatan { name } }
    forum { name }
  }
}`;

const KELURAHAN = `query MapKelurahan($code: String!) {
  kelurahan(code: $code) {
    code name areaSqM conflictProne
    kecamatan { name }
    forums { name statusLabelId }
    projects(first: 1) { totalCount }
    neighbours { name }
  }
}`;

const SEARCH = `query MapSearch($q: String!) {
  kelurahans(filter: { nameContains: $q }) { code name bbox kecamatan { name } }
}`;

const COUNT = `query MapCount($filter: ProjectFilter) {
  projects(filter: $filter, first: 1) { totalCount }
}`;

// Reads go with the token when signed in (a server may require one for
// reads); writes always do.
// A token revoked while the page is open ends the session; a read is then
// asked again without it.
async function gql(query, variables, opts) {
  const o = opts ?? { token: session.token };
  try {
    return await graphql(cfg.graphql, query, variables, o);
  } catch (err) {
    if (err.code !== 'UNAUTHENTICATED' || !o.token || opts) throw err;
    session.expire?.();
    return graphql(cfg.graphql, query, variables, {});
  }
}

function showError(msg) {
  const e = $('error');
  e.textContent = msg;
  e.hidden = false;
}

async function tileJSON(layer) {
  const res = await fetch(`${cfg.tiles}/${layer}.json`);
  if (!res.ok) throw new Error(`TileJSON ${layer}: HTTP ${res.status}`);
  return res.json();
}

// vectorSource passes a TileJSON's fields straight to MapLibre, sparing it
// a second request for the same document.
const vectorSource = (tj) => ({
  type: 'vector',
  tiles: tj.tiles,
  minzoom: tj.minzoom,
  maxzoom: tj.maxzoom,
  bounds: tj.bounds,
  attribution: tj.attribution,
});

const state = {
  yearFrom: null, yearTo: null, kinds: [], statuses: [], selected: null,
  mode: 'count', editing: null, // { type, id } of the record in the editor
  tileVersion: 0, summaries: [], gaps: [], forums: [], kelurahans: [], kindLabels: {},
};

function projectFilter(geometryTypes) {
  return [
    'all',
    ['in', ['geometry-type'], ['literal', geometryTypes]],
    ['!=', ['get', 'id'], state.editing?.type === 'project' ? state.editing.id : ''],
    ['>=', ['get', 'year'], state.yearFrom],
    ['<=', ['get', 'year'], state.yearTo],
    ['in', ['get', 'kind'], ['literal', state.kinds]],
    ['in', ['get', 'status'], ['literal', state.statuses]],
  ];
}

const GEOMETRY = {
  'projects-fill': ['Polygon', 'MultiPolygon'],
  'projects-line': ['LineString', 'MultiLineString'],
  'projects-circle': ['Point', 'MultiPoint'],
};

async function main() {
  const [boot, kelTJ, kecTJ, prjTJ, forTJ, actTJ] = await Promise.all([
    gql(BOOTSTRAP, {}, {}),
    tileJSON('kelurahan'),
    tileJSON('kecamatan'),
    tileJSON('projects'),
    tileJSON('forums'),
    tileJSON('activities'),
  ]);
  state.kelurahans = boot.kelurahans;
  state.labels = boot.enumLabels;
  state.kindLabels = Object.fromEntries(boot.enumLabels.projectKinds.map((k) => [k.value, k.labelId]));
  state.tiles = { projects: prjTJ, forums: forTJ, activities: actTJ };
  const kinds = boot.enumLabels.projectKinds;
  const statuses = boot.enumLabels.projectStatuses;
  const years = boot.projectStats.map((r) => r.year).filter((y) => y != null).sort((a, b) => a - b);
  state.kinds = kinds.map((k) => k.value);
  state.statuses = statuses.map((s) => s.value);
  state.yearFrom = years[0] ?? 0;
  state.yearTo = years[years.length - 1] ?? 9999;

  let spare = 0;
  const kindColour = Object.fromEntries(
    kinds.map((k) => [k.value, KIND_COLOURS[k.value] ?? SPARE_COLOURS[spare++ % SPARE_COLOURS.length]]),
  );
  const kindColourExpr = ['match', ['get', 'kind'], ...Object.entries(kindColour).flat(), '#666666'];
  const kecColour = Object.fromEntries(
    boot.kecamatans.map((k, i) => [k.code, KECAMATAN_COLOURS[i % KECAMATAN_COLOURS.length]]),
  );
  state.kecColourExpr = boot.kecamatans.length
    ? ['match', ['get', 'kecamatanCode'], ...Object.entries(kecColour).flat(), '#dddddd']
    : '#dddddd';

  const bounds = kelTJ.bounds ?? BAUBAU;
  const map = new maplibregl.Map({
    container: 'map',
    bounds: [[bounds[0], bounds[1]], [bounds[2], bounds[3]]],
    fitBoundsOptions: { padding: 24 },
    maxZoom: 19,
    attributionControl: { compact: true },
    style: {
      version: 8,
      // Glyphs rendered from DejaVu Sans Bold by cmd/glyphs and built in.
      glyphs: location.origin + cfg.glyphs, // absolute, braces kept (URL() would escape them)
      sources: {
        'kelurahan-names': {
          type: 'geojson',
          data: {
            type: 'FeatureCollection',
            features: boot.kelurahans.filter((k) => k.centroid).map((k) => ({
              type: 'Feature', geometry: k.centroid, properties: { kode: k.code, nama: k.name },
            })),
          },
        },
        kelurahan: vectorSource(kelTJ),
        kecamatan: vectorSource(kecTJ),
        projects: vectorSource(prjTJ),
        forums: vectorSource(forTJ),
        activities: vectorSource(actTJ),
      },
      layers: [
        { id: 'sea', type: 'background', paint: { 'background-color': '#b9d7ea' } },
        {
          id: 'kelurahan-fill', type: 'fill', source: 'kelurahan', 'source-layer': 'kelurahan',
          paint: { 'fill-color': '#eeeeee', 'fill-opacity': 0.85 },
        },
        {
          id: 'kelurahan-line', type: 'line', source: 'kelurahan', 'source-layer': 'kelurahan',
          paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.6, 15, 1.6] },
        },
        {
          id: 'kecamatan-line', type: 'line', source: 'kecamatan', 'source-layer': 'kecamatan',
          paint: { 'line-color': '#4a4a4a', 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 1.2, 15, 2.5] },
        },
        {
          id: 'kelurahan-selected', type: 'line', source: 'kelurahan', 'source-layer': 'kelurahan',
          filter: ['==', ['get', 'kode'], ''],
          paint: { 'line-color': '#111111', 'line-width': 3.5 },
        },
        {
          id: 'projects-fill', type: 'fill', source: 'projects', 'source-layer': 'projects',
          filter: projectFilter(GEOMETRY['projects-fill']),
          paint: { 'fill-color': kindColourExpr, 'fill-opacity': 0.75, 'fill-outline-color': '#ffffff' },
        },
        {
          id: 'projects-line-casing', type: 'line', source: 'projects', 'source-layer': 'projects',
          filter: projectFilter(GEOMETRY['projects-line']),
          layout: { 'line-cap': 'round', 'line-join': 'round' },
          paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 11, 3.5, 16, 8] },
        },
        {
          id: 'projects-line', type: 'line', source: 'projects', 'source-layer': 'projects',
          filter: projectFilter(GEOMETRY['projects-line']),
          layout: { 'line-cap': 'round', 'line-join': 'round' },
          paint: { 'line-color': kindColourExpr, 'line-width': ['interpolate', ['linear'], ['zoom'], 11, 2, 16, 5] },
        },
        {
          id: 'projects-circle', type: 'circle', source: 'projects', 'source-layer': 'projects',
          filter: projectFilter(GEOMETRY['projects-circle']),
          paint: {
            'circle-color': kindColourExpr,
            'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 4.5, 16, 9],
            'circle-stroke-color': '#ffffff',
            'circle-stroke-width': 1.5,
          },
        },
        {
          // MapLibre's collision detection drops a label that would
          // overlap one already placed.
          id: 'kelurahan-labels', type: 'symbol', source: 'kelurahan-names', minzoom: 12,
          layout: {
            'text-field': ['get', 'nama'], 'text-font': ['DejaVuSans-Bold'],
            'text-size': ['interpolate', ['linear'], ['zoom'], 12, 12, 16, 15],
            'text-max-width': 8, 'text-padding': 3,
          },
          // A halo wider than about 2 glyph pixels (at 24 px) would reach the
          // edge of each glyph's 3 px SDF border and show as a box.
          paint: { 'text-color': '#1d2630', 'text-halo-color': '#ffffff', 'text-halo-width': 1.1, 'text-halo-blur': 0.3 },
        },
        {
          id: 'activities-circle', type: 'circle', source: 'activities', 'source-layer': 'activities',
          layout: { visibility: 'none' },
          filter: ['!=', ['get', 'id'], ''],
          paint: {
            'circle-color': '#ffffff', 'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 3.5, 16, 7],
            'circle-stroke-color': '#37474f', 'circle-stroke-width': 2,
          },
        },
        {
          id: 'forums-circle', type: 'circle', source: 'forums', 'source-layer': 'forums',
          filter: ['!=', ['get', 'id'], ''],
          paint: {
            'circle-color': ['match', ['get', 'status'], 'ACTIVE', '#111111', '#9e9e9e'],
            'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 5, 16, 10],
            'circle-stroke-color': '#ffeb3b', 'circle-stroke-width': 2.5,
          },
        },
      ],
    },
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
  window.serasiMap = map;

  buildLegend(kinds, kindColour, boot.kecamatans, kecColour, () => applyFilters(map));
  buildFilters(years, statuses, () => applyFilters(map));
  buildModes(map);
  buildLayerToggles(map);
  const editor = new Editor(map, {
    gql,
    labels: boot.enumLabels,
    kelurahans: boot.kelurahans,
    forums: () => state.forums,
    onEditing: (type, id) => {
      state.editing = type && id ? { type, id } : null;
      hideEdited(map);
    },
    onSaved: () => afterWrite(map),
  });
  state.editor = editor;
  wireClicks(map, editor);
  wireSearch(map);
  wireEditTools(editor);
  await initSession(gql, () => onSession(editor));
  onSession(editor);
  loadForums();
  updateCount();
  refreshAnalytics(map);
  // What others write, on this instance or another, shows without a reload.
  followChanges({
    graphql: cfg.graphql,
    token: () => session.token,
    onChanges: () => afterWrite(map),
    onGap: () => afterWrite(map),
  });

  // data-ready tells tests (and anyone watching) that every source has
  // loaded and the map has drawn what it has; moving and filtering reset it.
  map.on('movestart', () => { document.body.dataset.ready = 'false'; });
  map.on('idle', () => {
    const loaded = ['kelurahan', 'kecamatan', 'projects'].every((s) => map.isSourceLoaded(s));
    if (loaded) document.body.dataset.ready = 'true';
  });
  map.on('error', (e) => console.error('map:', e.error?.message ?? e));
}

function applyFilters(map) {
  document.body.dataset.ready = 'false';
  setProjectFilters(map);
  map.triggerRepaint();
  updateCount();
  refreshAnalytics(map);
}

function setProjectFilters(map) {
  for (const id of ['projects-fill', 'projects-line', 'projects-line-casing', 'projects-circle']) {
    const key = id === 'projects-line-casing' ? 'projects-line' : id;
    map.setFilter(id, projectFilter(GEOMETRY[key]));
  }
}

// hideEdited keeps the record being edited out of the tile layers, so that
// only its editable copy (terra-draw's) shows where it is moved to.
function hideEdited(map) {
  setProjectFilters(map);
  const id = (type) => (state.editing?.type === type ? state.editing.id : '');
  map.setFilter('forums-circle', ['!=', ['get', 'id'], id('forum')]);
  map.setFilter('activities-circle', ['!=', ['get', 'id'], id('activity')]);
}

const currentFilter = () => ({ yearFrom: state.yearFrom, yearTo: state.yearTo, kinds: state.kinds, statuses: state.statuses });

// afterWrite shows a change at once: vector tiles are cached by the
// browser for minutes, so the sources get new URLs; then the numbers.
function afterWrite(map) {
  state.tileVersion++;
  for (const name of ['projects', 'forums', 'activities']) {
    const tiles = state.tiles[name].tiles.map((u) => `${u}${u.includes('?') ? '&' : '?'}v=${state.tileVersion}`);
    map.getSource(name).setTiles(tiles);
  }
  loadForums();
  updateCount();
  refreshAnalytics(map);
  refreshYears(map).catch((err) => console.error(err));
}

async function loadForums() {
  try {
    state.forums = (await gql(FORUMS)).forums;
  } catch (err) {
    console.error(err);
  }
}

function onSession(editor) {
  const canEdit = session.can('EDITOR');
  $('edit-tools').hidden = !canEdit;
  document.body.dataset.role = session.me?.role ?? '';
  if (!canEdit && editor.current) editor.close();
  // Open popups may carry edit buttons of the previous session.
  for (const p of document.querySelectorAll('.maplibregl-popup')) p.remove();
}

function wireEditTools(editor) {
  $('new-project').addEventListener('click', () => editor.open('project'));
  $('new-forum').addEventListener('click', () => editor.open('forum'));
  $('new-activity').addEventListener('click', () => editor.open('activity'));
}

function buildModes(map) {
  const sel = $('mode');
  for (const [value, m] of Object.entries(MODES)) sel.append(el('option', { value }, m.label));
  sel.value = state.mode;
  sel.addEventListener('change', () => {
    state.mode = sel.value;
    paintChoropleth(map);
    drawCharts();
  });
}

function buildLayerToggles(map) {
  const toggle = (box, layer) => box.addEventListener('change', () => {
    map.setLayoutProperty(layer, 'visibility', box.checked ? 'visible' : 'none');
  });
  toggle($('show-forums'), 'forums-circle');
  toggle($('show-activities'), 'activities-circle');
}

let analyticsSeq = 0;
// refreshAnalytics fetches what the choropleth and the charts show for the
// current filters: one kelurahanSummary request, one for the charts.
async function refreshAnalytics(map) {
  const seq = ++analyticsSeq;
  document.body.dataset.analytics = 'loading';
  try {
    const filter = currentFilter();
    const [a, c] = await Promise.all([gql(ANALYTICS, { filter }), gql(STATS, { filter })]);
    if (seq !== analyticsSeq) return;
    state.summaries = a.kelurahanSummary;
    state.gaps = a.coverageGaps;
    state.stats = c;
    paintChoropleth(map);
    drawCharts();
    document.body.dataset.analytics = String(seq);
  } catch (err) {
    if (seq === analyticsSeq) showError(`Analisis gagal dimuat: ${err.message}`);
    console.error(err);
  }
}

function paintChoropleth(map) {
  const legend = $('legend-choropleth');
  $('kecamatan-section').hidden = state.mode !== 'kecamatan';
  $('gaps').hidden = state.mode !== 'coverage';
  if (state.mode === 'kecamatan') {
    map.setPaintProperty('kelurahan-fill', 'fill-color', state.kecColourExpr);
    legend.replaceChildren();
  } else {
    const { colours, legend: rows } = classify(state.mode, state.summaries, state.kelurahans);
    map.setPaintProperty('kelurahan-fill', 'fill-color', fillExpression(colours));
    renderLegend(legend, MODES[state.mode].label, rows);
  }
  document.body.dataset.mode = state.mode;
  renderGaps(map);
}

function drawCharts() {
  if (!state.stats) return;
  const metric = state.mode === 'budget' || state.mode === 'density' ? 'budget' : 'count';
  $('chart-unit').textContent = metric === 'budget' ? '(anggaran, juta Rp)' : '(jumlah proyek)';
  updateCharts(state.stats, metric, state.kindLabels);
}

function renderGaps(map) {
  const list = $('gap-list');
  list.replaceChildren(...state.gaps.map((g) => {
    const b = el('button', { type: 'button', class: 'gap', 'data-code': g.kelurahan.code }, g.kelurahan.name);
    b.addEventListener('click', () => openGap(map, g));
    return el('li', {}, b, el('small', {}, g.nearestForum ? `${(g.distanceMeters / 1000).toFixed(1).replace('.', ',')} km ke FKS terdekat` : 'tidak ada FKS aktif'));
  }));
}

// openGap zooms to a coverage gap and says what is near it.
function openGap(map, g) {
  select(map, g.kelurahan.code);
  const [w, s, e, n] = g.kelurahan.bbox;
  map.fitBounds([[w, s], [e, n]], { padding: 80, maxZoom: 15, duration: 0 });
  const k = state.kelurahans.find((x) => x.code === g.kelurahan.code);
  const body = el('div', { class: 'popup gap', 'data-code': g.kelurahan.code },
    el('h3', {}, `Kelurahan ${g.kelurahan.name}`),
    el('p', { class: 'tag gap-tag' }, 'Rawan konflik tanpa FKS aktif'),
    dl([
      ['FKS aktif terdekat', g.nearestForum?.name ?? 'tidak ada'],
      ['Jarak ke sekretariat', g.nearestForum ? `${number.format(Math.round(g.distanceMeters))} m` : null],
      ['Tetangga terlayani', g.neighbourServed ? g.servedNeighbours.map((x) => x.name).join(', ') : 'tidak ada'],
    ]));
  state.openPopup?.(k?.centroid?.coordinates ?? [(w + e) / 2, (s + n) / 2], body);
}

let countSeq = 0;
async function updateCount() {
  const seq = ++countSeq;
  const filter = { yearFrom: state.yearFrom, yearTo: state.yearTo, kinds: state.kinds, statuses: state.statuses };
  try {
    const d = await gql(COUNT, { filter });
    if (seq === countSeq) $('count').textContent = `${number.format(d.projects.totalCount)} proyek ditampilkan`;
  } catch (err) {
    if (seq === countSeq) $('count').textContent = '';
    console.error(err);
  }
}

function swatch(kind, colour) {
  if (LINE_KINDS.has(kind)) return el('span', { class: 'sw line', style: `background:${colour}` });
  if (AREA_KINDS.has(kind)) return el('span', { class: 'sw area', style: `background:${colour}` });
  return el('span', { class: 'sw point', style: `background:${colour}` });
}

function buildLegend(kinds, kindColour, kecamatans, kecColour, onChange) {
  const list = $('legend-kinds');
  for (const k of kinds) {
    const box = el('input', { type: 'checkbox', value: k.value, checked: '' });
    box.addEventListener('change', () => {
      state.kinds = [...list.querySelectorAll('input:checked')].map((i) => i.value);
      onChange();
    });
    list.append(el('li', {}, el('label', { 'data-kind': k.value }, box, swatch(k.value, kindColour[k.value]), k.labelId)));
  }
  const kec = $('legend-kecamatan');
  for (const k of kecamatans) {
    kec.append(el('li', {}, el('span', { class: 'sw area', style: `background:${kecColour[k.code]}` }), k.name));
  }
}

// setYears offers the years that have projects; a range that reached the
// last year keeps reaching it, so a project saved for a new year shows.
function setYears(years) {
  const from = $('year-from');
  const to = $('year-to');
  const wasLast = !to.options.length || to.selectedIndex === to.options.length - 1;
  const wasFirst = !from.options.length || from.selectedIndex === 0;
  from.replaceChildren(...years.map((y) => el('option', { value: y }, y)));
  to.replaceChildren(...years.map((y) => el('option', { value: y }, y)));
  if (wasFirst) state.yearFrom = years[0] ?? state.yearFrom;
  if (wasLast) state.yearTo = years[years.length - 1] ?? state.yearTo;
  from.value = String(state.yearFrom);
  to.value = String(state.yearTo);
}

async function refreshYears(map) {
  const d = await gql(`query MapYears { projectStats(groupBy: [YEAR]) { year } }`);
  const before = [state.yearFrom, state.yearTo];
  setYears(d.projectStats.map((r) => r.year).filter((y) => y != null));
  if (before[0] !== state.yearFrom || before[1] !== state.yearTo) applyFilters(map);
}

function buildFilters(years, statuses, onChange) {
  const from = $('year-from');
  const to = $('year-to');
  setYears(years);
  const onYear = (changed) => {
    state.yearFrom = Number(from.value);
    state.yearTo = Number(to.value);
    // Keep the range non-empty by moving the other end along.
    if (state.yearFrom > state.yearTo) {
      if (changed === from) to.value = from.value;
      else from.value = to.value;
      state.yearFrom = Number(from.value);
      state.yearTo = Number(to.value);
    }
    onChange();
  };
  from.addEventListener('change', () => onYear(from));
  to.addEventListener('change', () => onYear(to));

  const fs = $('statuses');
  for (const s of statuses) {
    const box = el('input', { type: 'checkbox', value: s.value, checked: '' });
    box.addEventListener('change', () => {
      state.statuses = [...fs.querySelectorAll('input:checked')].map((i) => i.value);
      onChange();
    });
    fs.append(el('label', { 'data-status': s.value }, box, s.labelId));
  }
}

function dl(rows) {
  return el('dl', {}, rows.filter(([, v]) => v != null && v !== '').map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

// actions are the buttons a popup of a record offers its reader: editors
// may change it, admins also see its history.
function actions(editor, type, id) {
  if (!session.can('EDITOR')) return null;
  const edit = el('button', { type: 'button', class: 'edit-record' }, 'Ubah');
  edit.addEventListener('click', () => { state.closePopup?.(); editor.open(type, id); });
  const buttons = [edit];
  if (session.can('ADMIN')) {
    const hist = el('button', { type: 'button', class: 'history-record' }, 'Riwayat');
    hist.addEventListener('click', async () => { state.closePopup?.(); await editor.open(type, id); editor.history(); });
    buttons.push(hist);
  }
  return el('div', { class: 'buttons' }, buttons);
}

function wireClicks(map, editor) {
  let popup = null;
  const open = (lngLat, body) => {
    popup?.remove();
    popup = new maplibregl.Popup({ maxWidth: '340px' }).setLngLat(lngLat).setDOMContent(body).addTo(map);
    return popup;
  };
  state.openPopup = open;
  state.closePopup = () => popup?.remove();
  // The popup picks its side (above or below the point) by its size, so it
  // is placed again once the details replace "Memuat…".
  const fill = (p, body, ...children) => {
    body.replaceChildren(...children);
    if (p.isOpen()) p.setDOMContent(body);
  };
  const show = async (lngLat, cls, id, load) => {
    const body = el('div', { class: `popup ${cls}`, 'data-id': id }, el('p', { class: 'loading' }, 'Memuat…'));
    const p0 = open(lngLat, body);
    try {
      fill(p0, body, ...(await load()));
    } catch (err) {
      fill(p0, body, el('p', { class: 'error' }, `Gagal memuat: ${err.message}`));
    }
  };
  map.on('click', async (e) => {
    if (editor.current) return; // drawing or editing: clicks belong to terra-draw
    const pad = 6;
    const box = [[e.point.x - pad, e.point.y - pad], [e.point.x + pad, e.point.y + pad]];
    const layers = RECORD_LAYERS.filter((l) => map.getLayoutProperty(l, 'visibility') !== 'none');
    const hit = map.queryRenderedFeatures(box, { layers })[0];
    if (hit?.layer.id === 'forums-circle') {
      const id = String(hit.properties.id);
      show(e.lngLat, 'forum', id, async () => {
        const { forum: f } = await gql(FORUM, { id });
        if (!f) throw new Error(`forum ${id} tidak ditemukan`);
        return [el('h3', {}, f.name), el('p', { class: 'tag' }, `FKS · ${f.statusLabelId}`),
          dl([['Kode', f.forumId], ['Dibentuk', f.yearFormed], ['Anggota', `${number.format(f.memberCount)} orang`],
            ['Melayani', f.kelurahan.map((k) => k.name).join(', ')]]),
          el('p', { class: 'desc' }, f.description), actions(editor, 'forum', f.forumId)];
      });
      return;
    }
    if (hit?.layer.id === 'activities-circle') {
      const id = String(hit.properties.id);
      show(e.lngLat, 'activity', id, async () => {
        const { activity: a } = await gql(ACTIVITY, { id });
        if (!a) throw new Error(`kegiatan ${id} tidak ditemukan`);
        return [el('h3', {}, a.title), el('p', { class: 'tag' }, a.kindLabelId),
          dl([['Kode', a.activityId], ['Tanggal', day(a.date)], ['Peserta', `${number.format(a.participants)} orang`],
            ['FKS', a.forum.name], ['Kelurahan', a.kelurahan.name]]),
          el('p', { class: 'desc' }, a.description), actions(editor, 'activity', a.activityId)];
      });
      return;
    }
    if (hit) {
      const id = String(hit.properties.id);
      show(e.lngLat, 'project', id, async () => {
        const { project: p } = await gql(PROJECT, { id });
        if (!p) throw new Error(`proyek ${id} tidak ditemukan`);
        return [
          el('h3', {}, p.title),
          el('p', { class: 'tag' }, p.kindLabelId, ' · ', p.statusLabelId),
          dl([
            ['Kode', p.projectId],
            ['Tahun anggaran', p.year],
            ['Anggaran', rupiah.format(p.budgetRupiah)],
            ['Penerima manfaat', `${number.format(p.beneficiaries)} orang`],
            ['Kelurahan', `${p.kelurahan.name}, Kec. ${p.kelurahan.kecamatan.name}`],
            ['FKS', p.forum?.name],
            ['Mulai', day(p.startDate)],
            ['Selesai', day(p.finishDate)],
          ]),
          el('p', { class: 'desc' }, p.description),
          actions(editor, 'project', p.projectId),
        ];
      });
      return;
    }
    const kel = map.queryRenderedFeatures(e.point, { layers: ['kelurahan-fill'] })[0];
    if (!kel) return;
    const code = String(kel.properties.kode);
    select(map, code);
    $('search').value = ''; // the outline no longer shows the last search
    const body = el('div', { class: 'popup kelurahan', 'data-code': code }, el('p', { class: 'loading' }, 'Memuat…'));
    const p0 = open(e.lngLat, body);
    try {
      const { kelurahan: k } = await gql(KELURAHAN, { code });
      if (!k) throw new Error(`kelurahan ${code} tidak ditemukan`);
      const sum = state.summaries.find((s) => s.kelurahan.code === code);
      const gap = state.gaps.find((g) => g.kelurahan.code === code);
      fill(p0, body,
        el('h3', {}, `Kelurahan ${k.name}`),
        el('p', { class: 'tag' }, `Kecamatan ${k.kecamatan.name}`),
        gap ? el('p', { class: 'tag gap-tag' }, 'Rawan konflik tanpa FKS aktif') : null,
        dl([
          ['Kode', k.code],
          ['Luas', `${number.format(Math.round(k.areaSqM / 10000))} ha`],
          ['Rawan konflik', k.conflictProne ? 'Ya' : 'Tidak'],
          ['Proyek fisik', number.format(k.projects.totalCount)],
          ['Anggaran (saringan)', sum ? rupiah.format(sum.budgetRupiah) : null],
          ['Kegiatan terakhir', sum?.lastActivityDate ? day(sum.lastActivityDate) : 'belum ada'],
          ['FKS', k.forums.length ? k.forums.map((f) => `${f.name} (${f.statusLabelId})`).join('; ') : 'Belum ada'],
          ['FKS aktif terdekat', gap?.nearestForum ? `${gap.nearestForum.name}, ${number.format(Math.round(gap.distanceMeters))} m` : null],
          ['Berbatasan dengan', k.neighbours.map((n) => n.name).join(', ')],
        ]),
      );
    } catch (err) {
      fill(p0, body, el('p', { class: 'error' }, `Gagal memuat: ${err.message}`));
    }
  });
  for (const id of [...RECORD_LAYERS, 'kelurahan-fill']) {
    map.on('mouseenter', id, () => { if (!editor.current) map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', id, () => { map.getCanvas().style.cursor = ''; });
  }
}

function select(map, code) {
  state.selected = code;
  map.setFilter('kelurahan-selected', ['==', ['get', 'kode'], code ?? '']);
}

function wireSearch(map) {
  const input = $('search');
  const list = $('search-results');
  let seq = 0;
  let timer = null;
  let results = [];

  const go = (k) => {
    list.hidden = true;
    input.value = k.name;
    select(map, k.code);
    const [w, s, e, n] = k.bbox;
    map.fitBounds([[w, s], [e, n]], { padding: 60, maxZoom: 16, duration: 600 });
  };

  const run = async () => {
    const q = input.value.trim();
    const mine = ++seq;
    if (q.length < 2) {
      list.hidden = true;
      return;
    }
    try {
      const d = await gql(SEARCH, { q });
      if (mine !== seq) return;
      results = d.kelurahans;
      list.replaceChildren(
        ...(results.length
          ? results.map((k) => {
            const li = el('li', { role: 'option', 'data-code': k.code }, k.name, el('small', {}, `Kec. ${k.kecamatan.name}`));
            li.addEventListener('mousedown', (ev) => { ev.preventDefault(); go(k); });
            return li;
          })
          : [el('li', { class: 'none' }, 'Tidak ditemukan')]),
      );
      list.hidden = false;
    } catch (err) {
      showError(`Pencarian gagal: ${err.message}`);
    }
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  });
  input.addEventListener('keydown', async (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      clearTimeout(timer);
      await run();
      if (results.length) go(results[0]);
    } else if (ev.key === 'Escape') {
      list.hidden = true;
    }
  });
  input.addEventListener('blur', () => { setTimeout(() => { list.hidden = true; }, 100); });
}

main().catch((err) => {
  console.error(err);
  showError(`Peta gagal dimuat: ${err.message}`);
});
