// The planner's views of the kelurahan: a choropleth by number of
// projects, total budget, budget per km² or forum coverage, from one
// kelurahanSummary request (plus coverageGaps), with a legend of classes
// and units.
import { el, number, number1 } from './util.js';

// ColorBrewer Blues, 5 classes; kelurahan without a project are grey, so
// "nothing here" never looks like "a little".
const BLUES = ['#deebf7', '#9ecae1', '#6baed6', '#3182bd', '#08519c'];
const ZERO = '#f2f2f2';

export const MODES = {
  kecamatan: { label: 'Kecamatan' },
  count: { label: 'Jumlah proyek', unit: 'proyek', value: (s) => s.projectCount, fmt: (v) => number.format(v) },
  budget: {
    label: 'Total anggaran', unit: 'juta Rp', value: (s) => s.budgetRupiah / 1e6, fmt: (v) => number1.format(v),
  },
  density: {
    label: 'Anggaran per km²', unit: 'juta Rp/km²', value: (s) => s.budgetPerSqKm / 1e6, fmt: (v) => number1.format(v),
  },
  coverage: { label: 'Cakupan forum (FKS)' },
};

// Coverage classes: the gaps (conflict-prone, no active forum) in a strong
// red, so that they stand out from everything else.
export const COVERAGE = [
  { key: 'gap', label: 'Rawan konflik, tanpa FKS aktif', colour: '#c62828' },
  { key: 'proneServed', label: 'Rawan konflik, ada FKS aktif', colour: '#2e7d32' },
  { key: 'served', label: 'Tidak rawan, ada FKS aktif', colour: '#a5d6a7' },
  { key: 'none', label: 'Tidak rawan, tanpa FKS', colour: '#eeeeee' },
];

// breaks returns up to 5 class upper bounds over the positive values
// (quantiles, so each class holds about as many kelurahan), made distinct.
export function breaks(values) {
  const pos = values.filter((v) => v > 0).sort((a, b) => a - b);
  if (!pos.length) return [];
  const out = [];
  for (let i = 1; i <= 5; i++) {
    const v = pos[Math.min(pos.length - 1, Math.ceil((pos.length * i) / 5) - 1)];
    if (!out.length || v > out[out.length - 1]) out.push(v);
  }
  return out;
}

// classify gives each kelurahan code its colour and returns the legend rows.
export function classify(mode, summaries, kelurahans) {
  const colours = {};
  if (mode === 'coverage') {
    const prone = Object.fromEntries(kelurahans.map((k) => [k.code, k.conflictProne]));
    const counts = Object.fromEntries(COVERAGE.map((c) => [c.key, 0]));
    for (const s of summaries) {
      const served = s.activeForumCount > 0;
      const key = prone[s.kelurahan.code] ? (served ? 'proneServed' : 'gap') : (served ? 'served' : 'none');
      colours[s.kelurahan.code] = COVERAGE.find((c) => c.key === key).colour;
      counts[key]++;
    }
    return { colours, legend: COVERAGE.map((c) => ({ colour: c.colour, label: c.label, count: counts[c.key], key: c.key })) };
  }
  const m = MODES[mode];
  const values = summaries.map((s) => m.value(s));
  const bs = breaks(values);
  const palette = BLUES.slice(BLUES.length - bs.length);
  const counts = new Array(bs.length).fill(0);
  let zero = 0;
  summaries.forEach((s, i) => {
    const v = values[i];
    if (!(v > 0)) {
      colours[s.kelurahan.code] = ZERO;
      zero++;
      return;
    }
    const c = bs.findIndex((b) => v <= b);
    colours[s.kelurahan.code] = palette[c];
    counts[c]++;
  });
  const legend = [{ colour: ZERO, label: `0 ${m.unit}`, count: zero }];
  let lo = 0;
  bs.forEach((b, i) => {
    legend.push({ colour: palette[i], label: `${i === 0 ? '> 0' : `> ${m.fmt(lo)}`} – ${m.fmt(b)} ${m.unit}`, count: counts[i] });
    lo = b;
  });
  return { colours, legend };
}

export function fillExpression(colours, fallback = '#dddddd') {
  const pairs = Object.entries(colours).flat();
  return pairs.length ? ['match', ['get', 'kode'], ...pairs, fallback] : fallback;
}

export function renderLegend(list, title, rows) {
  list.replaceChildren(...rows.map((r) => el('li', { 'data-key': r.key ?? null },
    el('span', { class: 'sw area', style: `background:${r.colour}` }),
    el('span', {}, r.label),
    r.count != null ? el('small', {}, `(${number.format(r.count)})`) : null)));
  list.setAttribute('aria-label', title);
}
