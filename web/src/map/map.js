// The /map page: kelurahan coloured by kecamatan and the program's physical
// projects, from serasi's own vector tiles, with filters, a legend, a
// kelurahan search and detail popups fetched from GraphQL.
//
// Everything comes from the serving host: no base map, no glyph or sprite
// server (labels are HTML), so the page works on an offline intranet.
import maplibregl from 'maplibre-gl/dist/maplibre-gl-csp.js';
import 'maplibre-gl/dist/maplibre-gl.css';
import './map.css';
import { graphql } from '../graphql.js';

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

// How each kind is drawn, for the legend: roads and drainage are lines,
// sports fields areas, the rest points.
const LINE_KINDS = new Set(['VILLAGE_ROAD', 'DRAINAGE_REHABILITATION']);
const AREA_KINDS = new Set(['SPORTS_FIELD']);

const PROJECT_LAYERS = ['projects-fill', 'projects-line', 'projects-circle'];

const BOOTSTRAP = `query MapBootstrap {
  kecamatans { code name }
  kelurahans { code name centroid }
  enumLabels {
    projectKinds { value labelId }
    projectStatuses { value labelId }
  }
  projectStats(groupBy: [YEAR]) { year count }
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
  }
}`;

const SEARCH = `query MapSearch($q: String!) {
  kelurahans(filter: { nameContains: $q }) { code name bbox kecamatan { name } }
}`;

const COUNT = `query MapCount($filter: ProjectFilter) {
  projects(filter: $filter, first: 1) { totalCount }
}`;

const $ = (id) => document.getElementById(id);
const gql = (query, variables) => graphql(cfg.graphql, query, variables);

// el builds a DOM element; text goes in as text, never as HTML, because
// titles and descriptions are data.
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'style') e.style.cssText = v;
    else e.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c != null) e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

const rupiah = new Intl.NumberFormat('id-ID', { style: 'currency', currency: 'IDR', maximumFractionDigits: 0 });
const number = new Intl.NumberFormat('id-ID');
const dateFmt = new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const day = (d) => (d ? dateFmt.format(new Date(d + 'T00:00:00Z')) : '—');

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

const state = { yearFrom: null, yearTo: null, kinds: [], statuses: [], selected: null };

function projectFilter(geometryTypes) {
  return [
    'all',
    ['in', ['geometry-type'], ['literal', geometryTypes]],
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
  const [boot, kelTJ, kecTJ, prjTJ] = await Promise.all([
    gql(BOOTSTRAP),
    tileJSON('kelurahan'),
    tileJSON('kecamatan'),
    tileJSON('projects'),
  ]);
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
  const kecColourExpr = boot.kecamatans.length
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
      sources: {
        kelurahan: vectorSource(kelTJ),
        kecamatan: vectorSource(kecTJ),
        projects: vectorSource(prjTJ),
      },
      layers: [
        { id: 'sea', type: 'background', paint: { 'background-color': '#b9d7ea' } },
        {
          id: 'kelurahan-fill', type: 'fill', source: 'kelurahan', 'source-layer': 'kelurahan',
          paint: { 'fill-color': kecColourExpr, 'fill-opacity': 0.85 },
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
      ],
    },
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
  window.serasiMap = map;

  buildLegend(kinds, kindColour, boot.kecamatans, kecColour, () => applyFilters(map));
  buildFilters(years, statuses, () => applyFilters(map));
  addKelurahanLabels(map, boot.kelurahans);
  wireClicks(map);
  wireSearch(map);
  updateCount();

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
  for (const id of ['projects-fill', 'projects-line', 'projects-line-casing', 'projects-circle']) {
    const key = id === 'projects-line-casing' ? 'projects-line' : id;
    map.setFilter(id, projectFilter(GEOMETRY[key]));
  }
  map.triggerRepaint();
  updateCount();
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

function buildFilters(years, statuses, onChange) {
  const from = $('year-from');
  const to = $('year-to');
  for (const y of years) {
    from.append(el('option', { value: y }, y));
    to.append(el('option', { value: y }, y));
  }
  from.value = String(state.yearFrom);
  to.value = String(state.yearTo);
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

// Kelurahan names are HTML markers because the map has no glyph server to
// draw text with; they show once the map is close enough to read them.
function addKelurahanLabels(map, kelurahans) {
  for (const k of kelurahans) {
    const c = k.centroid?.coordinates;
    if (!c) continue;
    const label = el('div', { class: 'kel-label' }, k.name);
    new maplibregl.Marker({ element: label }).setLngLat(c).addTo(map);
  }
  const toggle = () => map.getContainer().classList.toggle('labels', map.getZoom() >= 12.6);
  map.on('zoomend', toggle);
  toggle();
}

function dl(rows) {
  return el('dl', {}, rows.filter(([, v]) => v != null && v !== '').map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

function wireClicks(map) {
  let popup = null;
  const open = (lngLat, body) => {
    popup?.remove();
    popup = new maplibregl.Popup({ maxWidth: '340px' }).setLngLat(lngLat).setDOMContent(body).addTo(map);
    return popup;
  };
  // The popup picks its side (above or below the point) by its size, so it
  // is placed again once the details replace "Memuat…".
  const fill = (p, body, ...children) => {
    body.replaceChildren(...children);
    if (p.isOpen()) p.setDOMContent(body);
  };
  map.on('click', async (e) => {
    const pad = 6;
    const box = [[e.point.x - pad, e.point.y - pad], [e.point.x + pad, e.point.y + pad]];
    const prj = map.queryRenderedFeatures(box, { layers: PROJECT_LAYERS })[0];
    if (prj) {
      const body = el('div', { class: 'popup project', 'data-id': prj.properties.id }, el('p', { class: 'loading' }, 'Memuat…'));
      const p0 = open(e.lngLat, body);
      try {
        const { project: p } = await gql(PROJECT, { id: String(prj.properties.id) });
        if (!p) throw new Error(`proyek ${prj.properties.id} tidak ditemukan`);
        fill(p0, body,
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
        );
      } catch (err) {
        fill(p0, body, el('p', { class: 'error' }, `Gagal memuat: ${err.message}`));
      }
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
      fill(p0, body,
        el('h3', {}, `Kelurahan ${k.name}`),
        el('p', { class: 'tag' }, `Kecamatan ${k.kecamatan.name}`),
        dl([
          ['Kode', k.code],
          ['Luas', `${number.format(Math.round(k.areaSqM / 10000))} ha`],
          ['Rawan konflik', k.conflictProne ? 'Ya' : 'Tidak'],
          ['Proyek fisik', number.format(k.projects.totalCount)],
          ['FKS', k.forums.length ? k.forums.map((f) => `${f.name} (${f.statusLabelId})`).join('; ') : 'Belum ada'],
        ]),
      );
    } catch (err) {
      fill(p0, body, el('p', { class: 'error' }, `Gagal memuat: ${err.message}`));
    }
  });
  for (const id of [...PROJECT_LAYERS, 'kelurahan-fill']) {
    map.on('mouseenter', id, () => { map.getCanvas().style.cursor = 'pointer'; });
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
