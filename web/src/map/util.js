// Small helpers the map page's modules share.

export const $ = (id) => document.getElementById(id);

// el builds a DOM element; text goes in as text, never as HTML, because
// titles and descriptions are data. Attributes with the value false or
// null are left out; true sets an empty attribute.
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v == null) continue;
    if (k === 'class') e.className = v;
    else if (k === 'style') e.style.cssText = v;
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c != null && c !== false) e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

export const rupiah = new Intl.NumberFormat('id-ID', { style: 'currency', currency: 'IDR', maximumFractionDigits: 0 });
export const number = new Intl.NumberFormat('id-ID');
export const number1 = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 1 });
const dateFmt = new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const stampFmt = new Intl.DateTimeFormat('id-ID', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Makassar' });
export const day = (d) => (d ? dateFmt.format(new Date(d + 'T00:00:00Z')) : '—');
export const stamp = (t) => `${stampFmt.format(new Date(t))} WITA`;

// toast shows a short message at the bottom of the map for a few seconds.
export function toast(msg, kind = 'ok') {
  const t = el('div', { class: `toast ${kind}`, role: 'status' }, msg);
  document.body.append(t);
  setTimeout(() => t.remove(), 4000);
}

// confirmDialog asks a yes/no question in a modal <dialog> and resolves
// with the answer; Escape and "Batal" are no.
export function confirmDialog(question, yes = 'Ya') {
  return new Promise((resolve) => {
    const d = el('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-q' },
      el('p', { id: 'confirm-q' }, question),
      el('div', { class: 'buttons' },
        el('button', { type: 'button', class: 'danger', value: 'yes' }, yes),
        el('button', { type: 'button', value: 'no' }, 'Batal')));
    const done = (v) => { d.close(); d.remove(); resolve(v); };
    d.addEventListener('click', (e) => { if (e.target.value) done(e.target.value === 'yes'); });
    d.addEventListener('cancel', (e) => { e.preventDefault(); done(false); });
    document.body.append(d);
    d.showModal();
    d.querySelector('button[value=no]').focus();
  });
}
