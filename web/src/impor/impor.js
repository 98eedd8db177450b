// The /impor page: sign in with an API token, pick a layer and a file,
// see the dry-run report (the bad cells marked), confirm, see the result.
// Everything goes to this server's /import, /templates endpoints; nothing
// is loaded from elsewhere.
import './impor.css';

const KEY = 'serasi.token';
const $ = (id) => document.getElementById(id);

const state = { file: null, layer: 'projects', report: null };

function token() { return sessionStorage.getItem(KEY) || ''; }

function showSignedIn() {
  const signed = token() !== '';
  $('signin-form').hidden = signed;
  $('signed-in').hidden = !signed;
  $('check').disabled = !signed;
}

function showError(msg) {
  $('error').textContent = msg;
  $('error').hidden = !msg;
}

function text(el, s) { el.textContent = s; return el; }

function cell(tag, s, cls) {
  const el = document.createElement(tag);
  el.textContent = s ?? '';
  if (cls) el.className = cls;
  return el;
}

const layerNames = { projects: 'proyek', forums: 'forum', activities: 'kegiatan' };

async function send(dryRun) {
  const form = new FormData();
  form.append('file', state.file, state.file.name);
  const res = await fetch(`/import/${state.layer}?dryRun=${dryRun}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token()}`, Accept: 'application/json' },
    body: form,
  });
  let body = null;
  try { body = await res.json(); } catch { /* not JSON */ }
  if (res.status === 401) {
    sessionStorage.removeItem(KEY);
    showSignedIn();
    throw new Error('Token tidak dikenal atau sudah dicabut: masuk lagi dengan token yang berlaku.');
  }
  if (res.status === 403) throw new Error('Token ini tidak boleh mengimpor: perlu peran EDITOR.');
  if (body && Array.isArray(body.problems)) return body;
  const msg = body?.errors?.[0]?.message;
  throw new Error(msg ? `Server menolak: ${msg}` : `Server menjawab HTTP ${res.status}.`);
}

function renderReport(rep) {
  state.report = rep;
  $('report').hidden = false;
  $('result').hidden = true;
  const sum = $('summary');
  sum.replaceChildren();
  const what = layerNames[state.layer];
  if (rep.problems.length === 0) {
    sum.append(cell('span', 'Berkas siap disimpan. ', 'ok'),
      `${rep.rows} baris: ${rep.created} ${what} baru, ${rep.updated} diperbarui, ${rep.unchanged} tidak berubah.`);
    $('problems-wrap').hidden = true;
    $('confirm').hidden = false;
    $('confirm').disabled = rep.created + rep.updated === 0;
    text($('confirm'), rep.created + rep.updated === 0 ? 'Tidak ada yang perlu disimpan' : `Simpan ${rep.created + rep.updated} ${what}`);
    return;
  }
  const rowsWith = new Set(rep.problems.map((p) => p.row).filter((r) => r > 0)).size;
  sum.append(cell('span', `${rep.problems.length} masalah`, 'fail'),
    rowsWith ? ` di ${rowsWith} baris` : '', '. Tidak ada yang disimpan: perbaiki berkasnya lalu periksa lagi.');
  $('confirm').hidden = true;
  $('problems-wrap').hidden = false;
  const tbody = $('problems').tBodies[0];
  tbody.replaceChildren(...rep.problems.map((p) => {
    const tr = document.createElement('tr');
    tr.dataset.row = p.row;
    tr.append(cell('td', p.row > 0 ? String(p.row) : '–'), cell('td', p.column), cell('td', p.value), cell('td', p.message));
    return tr;
  }));
  // The rows as read, the bad cells marked.
  const headers = rep.headers || [];
  const bad = new Map();
  for (const p of rep.problems) {
    if (!bad.has(p.row)) bad.set(p.row, new Map());
    bad.get(p.row).set(p.column, p.message);
  }
  const head = document.createElement('tr');
  head.append(cell('th', 'Baris'), ...headers.map((h) => cell('th', h)));
  $('rows').tHead.replaceChildren(head);
  $('rows').tBodies[0].replaceChildren(...(rep.problemRows || []).map((r) => {
    const tr = document.createElement('tr');
    tr.append(cell('td', String(r.row)));
    const marks = bad.get(r.row) || new Map();
    headers.forEach((h, i) => {
      const td = cell('td', r.cells[i] ?? '');
      let msg = marks.get(h);
      // Coordinates are reported under one column for both.
      if (!msg && /^(bujur|lon|longitude|lng)$/i.test(h.trim())) {
        for (const [c, m] of marks) if (/^(lintang|lat|latitude)$/i.test(c.trim())) msg = m;
      }
      if (msg) { td.classList.add('bad'); td.title = msg; }
      tr.append(td);
    });
    return tr;
  }));
}

function renderResult(rep) {
  $('report').hidden = true;
  $('result').hidden = false;
  const what = layerNames[state.layer];
  text($('result-text'), `${rep.file}: ${rep.created} ${what} baru, ${rep.updated} diperbarui, ${rep.unchanged} tidak berubah. Mengimpor berkas yang sama lagi tidak mengubah apa pun.`);
}

$('signin-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const t = $('token').value.trim();
  if (!t) { showError('Tempel token API Anda dulu.'); return; }
  sessionStorage.setItem(KEY, t);
  $('token').value = '';
  showError('');
  showSignedIn();
});

$('signout').addEventListener('click', () => { sessionStorage.removeItem(KEY); showSignedIn(); });

$('layer').addEventListener('change', () => {
  state.layer = $('layer').value;
  $('tpl-xlsx').href = `/templates/${state.layer}.xlsx`;
  $('tpl-csv').href = `/templates/${state.layer}.csv`;
  $('report').hidden = true;
});

$('file').addEventListener('change', () => { $('report').hidden = true; $('result').hidden = true; });

$('upload-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  showError('');
  state.file = $('file').files[0] || null;
  if (!state.file) { showError('Pilih berkas dulu.'); return; }
  if (state.file.size > 20 * 1024 * 1024) { showError('Berkas lebih dari 20 MB: bagi menjadi beberapa berkas.'); return; }
  $('check').disabled = true;
  try {
    renderReport(await send(true));
  } catch (err) {
    showError(err.message);
  } finally {
    $('check').disabled = token() === '';
  }
});

$('confirm').addEventListener('click', async () => {
  showError('');
  $('confirm').disabled = true;
  try {
    const rep = await send(false);
    if (rep.problems.length) renderReport(rep); else renderResult(rep);
  } catch (err) {
    showError(err.message);
    $('confirm').disabled = false;
  }
});

showSignedIn();
document.body.dataset.ready = 'true';
