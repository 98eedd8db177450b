// Editing on the map (EDITOR and ADMIN): create a project, forum or
// activity by drawing its geometry (terra-draw), move or reshape an
// existing one, edit its fields in a form; field errors appear beside their
// fields, a CONFLICT offers to reload the record, a delete asks first, and
// admins see a record's history from the audit log.
import {
  TerraDraw, TerraDrawLineStringMode, TerraDrawPointMode, TerraDrawPolygonMode, TerraDrawSelectMode,
} from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { session } from './session.js';
import { $, confirmDialog, el, stamp, toast } from './util.js';

export const LINE_KINDS = new Set(['VILLAGE_ROAD', 'DRAINAGE_REHABILITATION']);
export const AREA_KINDS = new Set(['SPORTS_FIELD']);
const drawModeOfKind = (kind) => (LINE_KINDS.has(kind) ? 'linestring' : AREA_KINDS.has(kind) ? 'polygon' : 'point');
const GEOMETRY_LABEL = { point: 'titik', linestring: 'garis', polygon: 'area' };

const PROJECT_FIELDS = `projectId version title kind geometry year budgetRupiah status startDate finishDate
  beneficiaries description forum { forumId } kelurahan { code name }`;
const FORUM_FIELDS = `forumId version name yearFormed status memberCount secretariat description kelurahan { code name }`;
const ACTIVITY_FIELDS = `activityId version title kind date participants location description forum { forumId } kelurahan { code name }`;

// Each record type: how to read, create, update and delete it, and its form.
const TYPES = {
  project: {
    label: 'proyek', record: 'PROJECT', idField: 'projectId', geometryField: 'geometry', geometryRequired: true,
    read: `query EditProject($id: String!) { project(id: $id) { ${PROJECT_FIELDS} } }`,
    create: `mutation CreateProject($input: ProjectInput!) { createProject(input: $input) { ${PROJECT_FIELDS} } }`,
    update: `mutation UpdateProject($id: String!, $version: Int!, $input: ProjectInput!) {
      updateProject(id: $id, version: $version, input: $input) { ${PROJECT_FIELDS} } }`,
    remove: `mutation DeleteProject($id: String!, $version: Int!) { deleteProject(id: $id, version: $version) { projectId } }`,
    removeLabel: 'Hapus',
  },
  forum: {
    label: 'forum', record: 'FORUM', idField: 'forumId', geometryField: 'secretariat', geometryRequired: true,
    read: `query EditForum($id: String!) { forum(id: $id) { ${FORUM_FIELDS} } }`,
    create: `mutation CreateForum($input: ForumInput!) { createForum(input: $input) { ${FORUM_FIELDS} } }`,
    update: `mutation UpdateForum($id: String!, $version: Int!, $input: ForumInput!) {
      updateForum(id: $id, version: $version, input: $input) { ${FORUM_FIELDS} } }`,
    remove: `mutation ArchiveForum($id: String!, $version: Int!) { archiveForum(id: $id, version: $version) { forumId } }`,
    removeLabel: 'Arsipkan',
  },
  activity: {
    label: 'kegiatan', record: 'ACTIVITY', idField: 'activityId', geometryField: 'location', geometryRequired: false,
    read: `query EditActivity($id: String!) { activity(id: $id) { ${ACTIVITY_FIELDS} } }`,
    create: `mutation RecordActivity($input: ActivityInput!) { recordActivity(input: $input) { ${ACTIVITY_FIELDS} } }`,
    update: `mutation UpdateActivity($id: String!, $version: Int!, $input: ActivityInput!) {
      updateActivity(id: $id, version: $version, input: $input) { ${ACTIVITY_FIELDS} } }`,
    remove: `mutation DeleteActivity($id: String!, $version: Int!) { deleteActivity(id: $id, version: $version) { activityId } }`,
    removeLabel: 'Hapus',
  },
};

const HISTORY = `query History($f: AuditFilter) {
  auditLog(filter: $f, first: 30) { totalCount edges { node { id at actorName operation before after } } }
}`;
const KELURAHAN_AT = `query EditKelurahanAt($lon: Float!, $lat: Float!) { kelurahanAt(lon: $lon, lat: $lat) { code name } }`;
const OPERATION_LABELS = { CREATE: 'Dibuat', UPDATE: 'Diubah', ARCHIVE: 'Diarsipkan', DELETE: 'Dihapus', REVOKE: 'Dicabut' };

// The server's field messages are English; the page speaks Indonesian.
const MESSAGES = [
  [/^must not be empty$/, 'wajib diisi'],
  [/^must be between (\S+) and (\S+)$/, 'harus antara $1 dan $2'],
  [/^must be at most (\d+) characters \(it has (\d+)\)$/, 'paling banyak $1 karakter (kini $2)'],
  [/^must not be negative$/, 'tidak boleh negatif'],
  [/^must not be before startDate$/, 'tidak boleh sebelum tanggal mulai'],
  [/^needs a startDate$/, 'perlu tanggal mulai'],
  [/^lies outside every kelurahan.*/, 'berada di luar semua kelurahan'],
  [/^reaches outside the box of all kelurahan.*/, 'keluar dari wilayah semua kelurahan'],
  [/^has no position$/, 'belum digambar'],
  [/^a \S+ project needs a (\S+) geometry, not a (\S+)$/, 'jenis ini memerlukan geometri $1, bukan $2'],
  [/^must not be before forum \S+ was formed \((\d+)\)$/, 'tidak boleh sebelum forum dibentuk ($1)'],
  [/^must lie inside the first kelurahan.*/, 'harus berada di dalam kelurahan pertama'],
  [/^must name at least one kelurahan$/, 'pilih sedikitnya satu kelurahan'],
  [/^forum "?(.+?)"? does not exist$/, 'forum $1 tidak ada'],
];
export function translate(msg) {
  for (const [re, id] of MESSAGES) if (re.test(msg)) return msg.replace(re, id);
  return msg;
}

// fieldErrors lists a BAD_USER_INPUT error's fields as [name, message],
// name relative to the input ("input.geometry" → "geometry").
function fieldErrors(err) {
  const ext = err.errors?.[0]?.extensions ?? {};
  const list = ext.fields?.length ? ext.fields : [{ field: ext.field ?? '', message: err.errors?.[0]?.message ?? err.message }];
  return list.map((f) => [String(f.field ?? '').replace(/^input\./, '').split(/[.[]/)[0], translate(f.message)]);
}

export class Editor {
  constructor(map, ctx) {
    this.map = map;
    this.ctx = ctx; // { gql, labels, kelurahans, forums(), onSaved(type), onEditing(type, id) }
    this.draw = null;
    this.current = null; // { type, record, featureId, geometry }
    this.drawer = $('editor');
  }

  // ensureDraw starts terra-draw on first use: viewers never load its layers.
  ensureDraw() {
    if (this.draw) return this.draw;
    const editable = { feature: { draggable: true, coordinates: { midpoints: true, draggable: true, deletable: true } } };
    this.draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map: this.map }),
      modes: [
        new TerraDrawPointMode({ styles: { pointColor: '#d81b60', pointWidth: 7, pointOutlineColor: '#ffffff', pointOutlineWidth: 2 } }),
        new TerraDrawLineStringMode({ styles: { lineStringColor: '#d81b60', lineStringWidth: 4 } }),
        new TerraDrawPolygonMode({ styles: { fillColor: '#d81b60', fillOpacity: 0.3, outlineColor: '#d81b60', outlineWidth: 3 } }),
        new TerraDrawSelectMode({
          flags: { point: { feature: { draggable: true } }, linestring: editable, polygon: editable },
          styles: { selectedPointColor: '#d81b60', selectedLineStringColor: '#d81b60', selectedPolygonColor: '#d81b60' },
        }),
      ],
    });
    this.draw.start();
    this.draw.on('finish', (id) => {
      if (!this.current) return;
      // One geometry per record: what was drawn before goes.
      for (const f of this.draw.getSnapshot()) if (f.id !== id) this.draw.removeFeatures([f.id]);
      this.current.featureId = id;
      this.geometryChanged();
      this.draw.setMode('select');
      this.draw.selectFeature(id);
    });
    this.draw.on('change', (ids) => {
      if (this.current?.featureId != null && ids.includes(this.current.featureId)) this.geometryChanged();
    });
    return this.draw;
  }

  geometryChanged() {
    const f = this.draw.getSnapshotFeature(this.current.featureId);
    if (!f) return;
    this.current.geometry = f.geometry;
    const status = $('f-geometry-status');
    if (status) status.textContent = `${GEOMETRY_LABEL[drawModeOf(f.geometry)]} sudah digambar`;
    this.clearError('geometry');
    this.showKelurahan(firstPosition(f.geometry));
  }

  // showKelurahan tells, while a point moves, which kelurahan it falls in.
  showKelurahan(pos) {
    clearTimeout(this.kelTimer);
    this.kelTimer = setTimeout(async () => {
      const out = $('f-kelurahan');
      if (!out || !pos) return;
      const seq = (this.kelSeq = (this.kelSeq ?? 0) + 1);
      try {
        const d = await this.ctx.gql(KELURAHAN_AT, { lon: pos[0], lat: pos[1] });
        if (seq !== this.kelSeq) return;
        out.textContent = d.kelurahanAt ? `Kelurahan ${d.kelurahanAt.name}` : 'Di luar kelurahan Kota Baubau';
        out.dataset.code = d.kelurahanAt?.code ?? '';
        if (this.current?.type === 'forum' && d.kelurahanAt) this.firstKelurahan(d.kelurahanAt.code);
      } catch (err) {
        out.textContent = '';
      }
    }, 120);
  }

  // firstKelurahan puts the secretariat's kelurahan first among those served.
  firstKelurahan(code) {
    const sel = $('f-kelurahanCodes');
    if (!sel) return;
    const opt = [...sel.options].find((o) => o.value === code);
    if (opt) opt.selected = true;
    sel.dataset.first = code;
  }

  // startDrawing arms the drawing mode for the record's geometry.
  startDrawing(mode) {
    const draw = this.ensureDraw();
    draw.clear();
    this.current.featureId = null;
    this.current.geometry = null;
    this.current.drawMode = mode;
    draw.setMode(mode);
    const status = $('f-geometry-status');
    if (status) status.textContent = `Klik di peta untuk menggambar ${GEOMETRY_LABEL[mode]}${mode === 'point' ? '' : '; klik ganda untuk selesai'}.`;
    const out = $('f-kelurahan');
    if (out) out.textContent = '';
  }

  // showGeometry puts an existing geometry on the map to move or reshape.
  showGeometry(geometry) {
    const draw = this.ensureDraw();
    draw.clear();
    this.current.featureId = null;
    this.current.geometry = geometry ?? null;
    if (!geometry) return;
    const mode = drawModeOf(geometry);
    const [res] = draw.addFeatures([{ type: 'Feature', geometry, properties: { mode } }]);
    if (!res?.valid) return;
    this.current.featureId = res.id;
    draw.setMode('select');
    draw.selectFeature(res.id);
    this.showKelurahan(firstPosition(geometry));
  }

  // open shows the form for a new record (id null) or an existing one.
  async open(type, id = null) {
    if (!session.can('EDITOR')) return;
    let record = null;
    if (id != null) {
      try {
        record = (await this.ctx.gql(TYPES[type].read, { id }))[type];
      } catch (err) {
        toast(`Gagal memuat: ${err.message}`, 'error');
        return;
      }
      if (!record) {
        toast(`${TYPES[type].label} ${id} tidak ditemukan`, 'error');
        return;
      }
    }
    this.current = { type, record, featureId: null, geometry: null };
    this.renderForm();
    this.ctx.onEditing(type, record?.[TYPES[type].idField] ?? null);
    const geometry = record?.[TYPES[type].geometryField];
    if (geometry) this.showGeometry(geometry);
    else this.startDrawing(type === 'project' ? drawModeOfKind($('f-kind').value) : 'point');
    this.drawer.hidden = false;
    this.drawer.querySelector('input, select, textarea')?.focus();
  }

  close() {
    if (this.draw) {
      this.draw.clear();
      this.draw.setMode('static');
    }
    this.current = null;
    this.drawer.hidden = true;
    this.drawer.replaceChildren();
    this.ctx.onEditing(null, null);
  }

  renderForm() {
    const { type, record } = this.current;
    const t = TYPES[type];
    const L = this.ctx.labels;
    const isNew = !record;
    const title = `${isNew ? 'Tambah' : 'Ubah'} ${t.label}${isNew ? '' : ` ${record[t.idField]}`}`;
    const form = el('form', { class: 'edit', novalidate: true, 'aria-labelledby': 'editor-title', 'data-type': type });
    const rows = [];
    const v = (k, d = '') => (record?.[k] ?? d);
    const nextYear = new Date().getUTCFullYear() + 1;
    if (type === 'project') {
      rows.push(
        field('title', 'Judul', input('text', v('title'), { maxlength: 200, required: true })),
        field('kind', 'Jenis', select(L.projectKinds, v('kind', 'VILLAGE_ROAD'))),
        field('year', 'Tahun anggaran', input('number', v('year', new Date().getUTCFullYear()), { min: 2015, max: nextYear, step: 1, required: true })),
        field('budgetRupiah', 'Anggaran (Rp)', input('number', v('budgetRupiah', ''), { min: 0, step: 1000, required: true })),
        field('status', 'Status', select(L.projectStatuses, v('status', 'PLANNED'))),
        field('forumId', 'FKS pengusul', select([{ value: '', labelId: '— tanpa forum —' },
          ...this.ctx.forums().map((f) => ({ value: f.forumId, labelId: f.name }))], record?.forum?.forumId ?? '')),
        field('startDate', 'Mulai', input('date', v('startDate'))),
        field('finishDate', 'Selesai', input('date', v('finishDate'))),
        field('beneficiaries', 'Penerima manfaat (orang)', input('number', v('beneficiaries', 0), { min: 0, step: 1 })),
        field('description', 'Uraian', el('textarea', { rows: 3, maxlength: 5000 }, v('description'))),
      );
    } else if (type === 'forum') {
      const served = (record?.kelurahan ?? []).map((k) => k.code);
      const kels = el('select', { multiple: true, size: 5 },
        this.ctx.kelurahans.map((k) => el('option', { value: k.code, selected: served.includes(k.code) }, k.name)));
      if (served[0]) kels.dataset.first = served[0];
      rows.push(
        field('name', 'Nama forum', input('text', v('name'), { maxlength: 200, required: true })),
        field('yearFormed', 'Tahun dibentuk', input('number', v('yearFormed', new Date().getUTCFullYear()), { min: 2015, max: nextYear, step: 1 })),
        field('status', 'Status', select(L.forumStatuses, v('status', 'ACTIVE'))),
        field('memberCount', 'Jumlah anggota', input('number', v('memberCount', 0), { min: 0, step: 1 })),
        field('kelurahanCodes', 'Kelurahan yang dilayani', kels,
          'Kelurahan sekretariat dipilih otomatis dan menjadi yang pertama; tahan Ctrl untuk memilih lebih dari satu.'),
        field('description', 'Uraian', el('textarea', { rows: 3, maxlength: 5000 }, v('description'))),
      );
    } else {
      rows.push(
        field('title', 'Judul', input('text', v('title'), { maxlength: 200, required: true })),
        field('forumId', 'FKS penyelenggara', select(this.ctx.forums().map((f) => ({ value: f.forumId, labelId: f.name })),
          record?.forum?.forumId ?? this.ctx.forums()[0]?.forumId)),
        field('kind', 'Jenis kegiatan', select(L.activityKinds, v('kind', 'DIALOGUE'))),
        field('date', 'Tanggal', input('date', v('date'), { required: true })),
        field('participants', 'Peserta (orang)', input('number', v('participants', 0), { min: 0, step: 1 })),
        field('description', 'Uraian', el('textarea', { rows: 3, maxlength: 5000 }, v('description'))),
      );
    }
    const geomLabel = type === 'project' ? 'Geometri' : type === 'forum' ? 'Lokasi sekretariat' : 'Lokasi (boleh kosong)';
    const redraw = el('button', { type: 'button', id: 'f-redraw' }, 'Gambar ulang');
    redraw.addEventListener('click', () => {
      const mode = type === 'project' ? drawModeOfKind($('f-kind').value) : 'point';
      this.startDrawing(mode);
    });
    rows.splice(type === 'project' ? 2 : 1, 0, el('div', { class: 'field geometry', id: 'field-geometry' },
      el('span', { class: 'label', id: 'f-geometry-label' }, geomLabel),
      el('p', { id: 'f-geometry-status', class: 'help', 'aria-live': 'polite' }, ''),
      el('p', {}, el('output', { id: 'f-kelurahan', 'aria-live': 'polite', 'aria-labelledby': 'f-geometry-label' })),
      redraw,
      el('p', { id: 'err-geometry', class: 'field-error', role: 'alert' })));

    const save = el('button', { type: 'submit', class: 'primary' }, 'Simpan');
    const cancel = el('button', { type: 'button' }, 'Batal');
    cancel.addEventListener('click', () => this.close());
    const actions = [save, cancel];
    if (!isNew) {
      const remove = el('button', { type: 'button', class: 'danger' }, t.removeLabel);
      remove.addEventListener('click', () => this.remove());
      actions.push(remove);
      if (session.can('ADMIN')) {
        const hist = el('button', { type: 'button' }, 'Riwayat');
        hist.addEventListener('click', () => this.history());
        actions.push(hist);
      }
    }
    form.append(
      el('h2', { id: 'editor-title' }, title),
      el('div', { id: 'form-error', class: 'form-error', role: 'alert', hidden: true }),
      ...rows,
      el('div', { class: 'buttons sticky' }, actions),
      el('section', { id: 'history', hidden: true, 'aria-label': 'Riwayat perubahan' }));
    form.addEventListener('submit', (ev) => { ev.preventDefault(); this.save(); });
    form.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') { ev.preventDefault(); this.close(); } });
    if (type === 'project') {
      form.querySelector('#f-kind').addEventListener('change', (ev) => {
        const mode = drawModeOfKind(ev.target.value);
        if (this.current.geometry && drawModeOf(this.current.geometry) === mode) return;
        this.startDrawing(mode);
      });
    }
    this.drawer.replaceChildren(form);
  }

  input() {
    const { type } = this.current;
    const val = (k) => $(`f-${k}`)?.value ?? '';
    const num = (k) => (val(k) === '' ? null : Number(val(k)));
    const opt = (k) => (val(k) === '' ? null : val(k));
    const g = this.current.geometry;
    if (type === 'project') {
      return {
        title: val('title').trim(), kind: val('kind'), geometry: g, year: num('year'), budgetRupiah: num('budgetRupiah'),
        status: val('status'), forumId: opt('forumId'), startDate: opt('startDate'), finishDate: opt('finishDate'),
        beneficiaries: num('beneficiaries') ?? 0, description: val('description'),
      };
    }
    if (type === 'forum') {
      const sel = $('f-kelurahanCodes');
      const chosen = [...sel.selectedOptions].map((o) => o.value);
      const first = sel.dataset.first;
      const codes = first && chosen.includes(first) ? [first, ...chosen.filter((c) => c !== first)] : chosen;
      return {
        name: val('name').trim(), yearFormed: num('yearFormed'), status: val('status'), memberCount: num('memberCount') ?? 0,
        kelurahanCodes: codes, secretariat: g, description: val('description'),
      };
    }
    return {
      title: val('title').trim(), forumId: val('forumId'), kind: val('kind'), date: opt('date'),
      participants: num('participants') ?? 0, location: g, description: val('description'),
    };
  }

  clearErrors() {
    for (const e of this.drawer.querySelectorAll('.field-error')) e.textContent = '';
    for (const e of this.drawer.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
    const fe = $('form-error');
    if (fe) { fe.hidden = true; fe.replaceChildren(); }
  }

  clearError(name) {
    const e = $(`err-${name}`);
    if (e) e.textContent = '';
    $(`f-${name}`)?.removeAttribute('aria-invalid');
  }

  showFieldErrors(list) {
    let first = null;
    const general = [];
    for (const [name0, msg] of list) {
      // A geometry, secretariat or location error belongs to the map part.
      const name = ['secretariat', 'location', 'kelurahanCode'].includes(name0) ? 'geometry' : name0;
      const slot = $(`err-${name}`);
      if (!slot) { general.push(msg); continue; }
      slot.textContent = slot.textContent ? `${slot.textContent}; ${msg}` : msg;
      const control = $(`f-${name}`);
      control?.setAttribute('aria-invalid', 'true');
      first ??= control ?? slot;
    }
    if (general.length) this.formError(general.join('; '));
    (first ?? $('form-error'))?.focus?.();
  }

  formError(msg, ...extra) {
    const fe = $('form-error');
    fe.replaceChildren(el('p', {}, msg), ...extra);
    fe.hidden = false;
  }

  async save() {
    const { type, record } = this.current;
    const t = TYPES[type];
    this.clearErrors();
    const input = this.input();
    if (t.geometryRequired && !input[t.geometryField]) {
      this.showFieldErrors([['geometry', `${GEOMETRY_LABEL[this.current.drawMode ?? 'point']} belum digambar di peta`]]);
      return;
    }
    const busy = this.drawer.querySelector('button[type=submit]');
    busy.disabled = true;
    try {
      const vars = record ? { id: record[t.idField], version: record.version, input } : { input };
      const d = await this.ctx.gql(record ? t.update : t.create, vars, { token: session.token });
      const saved = Object.values(d)[0];
      toast(`${capital(t.label)} ${saved[t.idField]} tersimpan`);
      this.close();
      this.ctx.onSaved(type, saved);
    } catch (err) {
      this.handleError(err);
    } finally {
      busy.disabled = false;
    }
  }

  handleError(err) {
    switch (err.code) {
      case 'BAD_USER_INPUT':
        this.showFieldErrors(fieldErrors(err));
        break;
      case 'CONFLICT': {
        const reload = el('button', { type: 'button', id: 'reload' }, 'Muat ulang');
        reload.addEventListener('click', () => this.open(this.current.type, this.current.record[TYPES[this.current.type].idField]));
        this.formError('Orang lain telah mengubah data ini sejak Anda membukanya. Muat ulang untuk melihat versi terbaru (perubahan Anda di formulir ini akan hilang).', reload);
        reload.focus();
        break;
      }
      case 'NOT_FOUND':
        this.formError('Data ini sudah tidak ada: mungkin dihapus orang lain.');
        break;
      case 'UNAUTHENTICATED':
        this.close();
        session.expire?.();
        break;
      case 'FORBIDDEN':
        this.formError('Peran Anda tidak boleh mengubah data.');
        break;
      default:
        this.formError(`Gagal menyimpan: ${err.message}`);
    }
  }

  async remove() {
    const { type, record } = this.current;
    const t = TYPES[type];
    const name = record.title ?? record.name ?? record[t.idField];
    const q = type === 'forum'
      ? `Arsipkan forum "${name}"? Forum menjadi tidak aktif.`
      : `Hapus ${t.label} "${name}"? Tindakan ini tidak dapat dibatalkan.`;
    if (!(await confirmDialog(q, t.removeLabel))) return;
    try {
      await this.ctx.gql(t.remove, { id: record[t.idField], version: record.version }, { token: session.token });
      toast(`${capital(t.label)} ${record[t.idField]} ${type === 'forum' ? 'diarsipkan' : 'dihapus'}`);
      this.close();
      this.ctx.onSaved(type, null);
    } catch (err) {
      this.handleError(err);
    }
  }

  async history() {
    const { type, record } = this.current;
    const t = TYPES[type];
    const box = $('history');
    box.hidden = false;
    box.replaceChildren(el('h3', {}, 'Riwayat perubahan'), el('p', { class: 'help' }, 'Memuat…'));
    try {
      const d = await this.ctx.gql(HISTORY, { f: { recordType: t.record, recordId: record[t.idField] } }, { token: session.token });
      const entries = d.auditLog.edges.map((e) => e.node);
      box.replaceChildren(el('h3', {}, 'Riwayat perubahan'),
        entries.length
          ? el('ol', { class: 'history' }, entries.map((e) => el('li', {},
            el('strong', {}, OPERATION_LABELS[e.operation] ?? e.operation), ` ${stamp(e.at)} oleh ${e.actorName}`,
            changes(e.before, e.after))))
          : el('p', { class: 'help' }, 'Belum ada perubahan tercatat (data awal).'));
    } catch (err) {
      box.replaceChildren(el('p', { class: 'field-error' }, `Gagal memuat riwayat: ${err.message}`));
    }
  }
}

// changes lists the top-level fields an audit entry changed.
function changes(before, after) {
  if (!before || !after) return null;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => k !== 'version' && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  if (!keys.length) return null;
  const short = (v) => { const s = typeof v === 'string' ? v : JSON.stringify(v); return s && s.length > 40 ? s.slice(0, 39) + '…' : s; };
  return el('ul', {}, keys.map((k) => el('li', {}, `${k}: ${short(before[k]) ?? '—'} → ${short(after[k]) ?? '—'}`)));
}

function field(name, label, control, help) {
  control.id = `f-${name}`;
  control.name = name;
  const describedBy = [`err-${name}`];
  if (help) describedBy.push(`help-${name}`);
  control.setAttribute('aria-describedby', describedBy.join(' '));
  return el('div', { class: 'field', id: `field-${name}` },
    el('label', { for: control.id }, label),
    control,
    help ? el('p', { class: 'help', id: `help-${name}` }, help) : null,
    el('p', { id: `err-${name}`, class: 'field-error', role: 'alert' }));
}

function input(type, value, attrs = {}) {
  return el('input', { type, value: value ?? '', ...attrs });
}

function select(options, value) {
  return el('select', {}, options.map((o) => el('option', { value: o.value, selected: o.value === value }, o.labelId)));
}

function drawModeOf(g) {
  return g.type === 'LineString' ? 'linestring' : g.type === 'Polygon' ? 'polygon' : 'point';
}

function firstPosition(g) {
  if (!g) return null;
  if (g.type === 'Point') return g.coordinates;
  if (g.type === 'LineString') return g.coordinates[0];
  if (g.type === 'Polygon') return g.coordinates[0][0];
  return null;
}

const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);
