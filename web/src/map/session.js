// Signing in with an API token. The token is pasted once and kept in
// sessionStorage (gone when the tab closes); it is sent only in the
// Authorization header of GraphQL requests, never in a URL, and never
// written to the console.
import { $, el } from './util.js';

const KEY = 'serasi.token';

export const ROLE_LABELS = { VIEWER: 'Pembaca', EDITOR: 'Penyunting', ADMIN: 'Admin' };
const RANK = { VIEWER: 1, EDITOR: 2, ADMIN: 3 };

export const session = {
  token: null,
  me: null, // { tokenId, name, role } once signed in
  can(role) { return !!this.me && RANK[this.me.role] >= RANK[role]; },
};

const ME = `query MapMe { me { tokenId name role } }`;

// initSession draws the sign-in section and restores a token kept from
// earlier in this tab. onChange runs after every sign-in and sign-out.
export async function initSession(gql, onChange) {
  const box = $('session');
  const signedOut = (msg) => {
    const input = el('input', { id: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false',
      'aria-describedby': 'token-help token-error', required: true });
    const error = el('p', { id: 'token-error', class: 'field-error', role: 'alert' }, msg ?? '');
    const form = el('form', { class: 'signin', novalidate: true },
      el('label', { for: 'token', class: 'h' }, 'Masuk dengan token API'),
      el('div', { class: 'row' }, input, el('button', { type: 'submit' }, 'Masuk')),
      el('p', { id: 'token-help', class: 'help' }, 'Tempel token sekali; disimpan hanya di tab ini.'),
      error);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const token = input.value.trim();
      if (!token) {
        error.textContent = 'Token wajib diisi.';
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
      error.textContent = 'Memeriksa…';
      const ok = await signIn(gql, token);
      input.value = '';
      if (ok === true) {
        render();
        onChange();
      } else {
        error.textContent = ok;
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      }
    });
    box.replaceChildren(form);
  };
  const signedIn = () => {
    const out = el('button', { type: 'button', id: 'signout' }, 'Keluar');
    out.addEventListener('click', () => {
      signOut();
      render();
      onChange();
      $('token')?.focus();
    });
    box.replaceChildren(el('div', { class: 'whoami' },
      el('p', {}, 'Masuk sebagai ', el('strong', {}, session.me.name)),
      el('p', {}, 'Peran: ', el('span', { id: 'role', class: `role ${session.me.role.toLowerCase()}`, 'data-role': session.me.role },
        ROLE_LABELS[session.me.role] ?? session.me.role)),
      out));
  };
  const render = (msg) => (session.me ? signedIn() : signedOut(msg));

  const kept = sessionStorage.getItem(KEY);
  let msg;
  if (kept) {
    const ok = await signIn(gql, kept);
    if (ok !== true) msg = 'Sesi sebelumnya berakhir: ' + ok;
  }
  render(msg);
  // A token revoked while the page is open ends the session.
  session.expire = () => {
    signOut();
    render('Token tidak berlaku lagi; silakan masuk kembali.');
    onChange();
  };
}

// signIn asks who the token belongs to; true, or why not (Indonesian).
async function signIn(gql, token) {
  try {
    const d = await gql(ME, {}, { token });
    if (!d.me) return 'Token tidak dikenali.';
    session.token = token;
    session.me = d.me;
    sessionStorage.setItem(KEY, token);
    return true;
  } catch (err) {
    signOut();
    if (err.code === 'UNAUTHENTICATED') return 'Token tidak dikenal atau sudah dicabut.';
    return `Gagal masuk: ${err.message}`;
  }
}

function signOut() {
  session.token = null;
  session.me = null;
  sessionStorage.removeItem(KEY);
}
