// Charts by year, kind and kecamatan (Chart.js, bundled; only the bar
// chart parts are imported). They show what the filters select, in the
// metric of the choropleth: number of projects or budget.
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { number, number1 } from './util.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif';
Chart.defaults.color = '#1d2630';
Chart.defaults.animation = false; // nothing moves after a filter: easier to read, and to test

export const STATS = `query MapCharts($filter: ProjectFilter) {
  byYear: projectStats(filter: $filter, groupBy: [YEAR]) { year count budgetRupiah }
  byKind: projectStats(filter: $filter, groupBy: [KIND]) { kind count budgetRupiah }
  byKecamatan: projectStats(filter: $filter, groupBy: [KECAMATAN]) { kecamatan { code name } count budgetRupiah }
}`;

const charts = {};

// shorten keeps long kind names from pushing the bars out of a narrow panel;
// the tooltip and the canvas's label keep the whole name.
const shorten = (s) => (s && s.length > 18 ? `${s.slice(0, 17)}…` : s);

function draw(id, labels, values, horizontal, unit, colour) {
  const canvas = document.getElementById(id);
  const data = { labels, datasets: [{ data: values, backgroundColor: colour, borderWidth: 0, maxBarThickness: 26 }] };
  const valueAxis = {
    beginAtZero: true,
    title: { display: true, text: unit },
    ticks: { callback: (v) => number.format(v), precision: unit === 'proyek' ? 0 : undefined },
  };
  const options = {
    indexAxis: horizontal ? 'y' : 'x',
    responsive: true,
    maintainAspectRatio: false,
    plugins: { tooltip: { callbacks: { label: (c) => `${number1.format(c.parsed[horizontal ? 'x' : 'y'])} ${unit}` } } },
    scales: horizontal
      ? { x: valueAxis, y: { ticks: { autoSkip: false, callback: (v) => shorten(labels[v]) } } }
      : { y: valueAxis, x: {} },
  };
  if (charts[id]) {
    charts[id].data = data;
    charts[id].options = options;
    charts[id].update();
  } else {
    charts[id] = new Chart(canvas, { type: 'bar', data, options });
  }
  // The numbers, for screen readers and tests: a canvas says nothing.
  canvas.dataset.values = JSON.stringify(labels.map((l, i) => [l, values[i]]));
  canvas.setAttribute('aria-label', `${canvas.dataset.title}: ${labels.map((l, i) => `${l} ${number1.format(values[i])} ${unit}`).join('; ')}`);
}

// updateCharts draws the three charts from a STATS answer.
export function updateCharts(d, metric, kindLabels) {
  const budget = metric === 'budget';
  const unit = budget ? 'juta Rp' : 'proyek';
  const v = (r) => (budget ? r.budgetRupiah / 1e6 : r.count);
  draw('chart-year', d.byYear.map((r) => String(r.year)), d.byYear.map(v), false, unit, '#3182bd');
  draw('chart-kind', d.byKind.map((r) => kindLabels[r.kind] ?? r.kind), d.byKind.map(v), true, unit, '#6a51a3');
  draw('chart-kecamatan', d.byKecamatan.map((r) => r.kecamatan?.name ?? '—'), d.byKecamatan.map(v), true, unit, '#238b45');
}
