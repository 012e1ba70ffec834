// Enrollment: the worker's name, the county server's address, the one-time token and the
// server's fingerprint, typed, pasted or read from a QR code where the camera allows. Creates
// the device database if there is none yet, enrolls, and syncs once.
import { call, hostInfo } from '../bridge.js';
import { h, screen, fill } from '../dom.js';
import { tr, roleLabel, errorText } from '../i18n.js';
import { forget } from '../device.js';
import { refreshStatus } from '../status.js';

// A QR code's text may be JSON {"server", "token", "fingerprint"} or a URL with those in its
// query; whatever it holds fills the fields.
function fillFrom(text, fields) {
  let values = null;
  try { values = JSON.parse(text); } catch (e) {
    try {
      const url = new URL(text);
      values = Object.fromEntries(url.searchParams.entries());
      if (!values.server) values.server = url.origin;
    } catch (e2) { values = null; }
  }
  if (!values) return false;
  for (const key of ['server', 'token', 'fingerprint'])
    if (values[key]) fields[key].value = String(values[key]);
  return true;
}

async function scan(fields, message) {
  const video = h('video.scan', { playsinline: true, muted: true });
  message.replaceChildren(video);
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
  video.srcObject = stream;
  await video.play();
  const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
  const stop = () => { for (const t of stream.getTracks()) t.stop(); video.remove(); };
  for (let i = 0; i < 600; i++) {
    const codes = await detector.detect(video).catch(() => []);
    if (codes.length && fillFrom(codes[0].rawValue, fields)) { stop(); return; }
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
}

export async function showEnroll(_arg, _params, current) {
  const host = await hostInfo();
  let enrolledAlready = false;
  if (host.db_exists) {
    try { await call('sync_identity'); enrolledAlready = true; } catch (e) { /* not yet */ }
  }
  if (!current()) return;
  const root = screen();
  const fields = {
    name: h('input', { type: 'text', id: 'enroll-name', autocomplete: 'name' }),
    server: h('input', { type: 'url', id: 'enroll-server', placeholder: 'https://…:8443', inputmode: 'url' }),
    token: h('input', { type: 'text', id: 'enroll-token', autocomplete: 'off' }),
    fingerprint: h('input', { type: 'text', id: 'enroll-fingerprint', autocomplete: 'off', placeholder: tr('64 位十六进制（可带冒号）', '64 hex digits (colons allowed)') }),
  };
  const message = h('div', { id: 'enroll-message' });
  const button = h('button.primary.wide', { type: 'button', id: 'enroll' }, tr('注册本机', 'Enroll this device'));
  button.addEventListener('click', async () => {
    button.disabled = true;
    message.replaceChildren(h('p.muted', tr('正在连接县服务器…', 'Contacting the county server…')));
    try {
      if (!host.db_exists) {
        if (!fields.name.value.trim()) throw new Error(tr('请填写您的姓名', 'Please give your name'));
        await call('store_init', { name: fields.name.value.trim() });
        host.db_exists = true;
      }
      const r = await call('sync_enroll_online', { server_url: fields.server.value.trim(), token: fields.token.value.trim(),
        fingerprint: fields.fingerprint.value.trim() });
      forget();
      window.dispatchEvent(new Event('doorstep:identity'));
      message.replaceChildren(h('div.card.ok', { id: 'enrolled' },
        h('p', tr(`已注册：${roleLabel(r.role)}，范围 ${r.scope}。`, `Enrolled as ${roleLabel(r.role)} for ${r.scope}.`))));
      try { await call('sync_online'); } catch (e) { /* the first sync may wait for signal */ }
      refreshStatus();
      location.hash = '#/home';
    } catch (e) {
      message.replaceChildren(h('p.q-error', errorText(e)));
      button.disabled = false;
    }
  });
  const scanButton = 'BarcodeDetector' in window && navigator.mediaDevices
    ? h('button.secondary', { type: 'button', id: 'scan', onclick: () => scan(fields, message).catch((e) => message.replaceChildren(h('p.q-error', errorText(e)))) }, tr('扫描二维码', 'Scan the QR code'))
    : null;
  fill(root, h('h2', tr('注册本机', 'Enroll this device')),
    enrolledAlready ? h('p.ok', tr('本机已经注册。', 'This device is enrolled already.'), ' ', h('a', { href: '#/home' }, tr('去首页', 'Go home'))) : null,
    h('p.muted', tr('县里的工作人员会告诉您服务器地址、一次性注册码和服务器指纹。',
      'County staff give you the server address, a one-time token and the server fingerprint.')),
    h('div.card.form',
      host.db_exists ? null : [h('label', { for: 'enroll-name' }, tr('您的姓名', 'Your name')), fields.name],
      h('label', { for: 'enroll-server' }, tr('服务器地址', 'Server address')), fields.server,
      h('label', { for: 'enroll-token' }, tr('注册码', 'Token')), fields.token,
      h('label', { for: 'enroll-fingerprint' }, tr('服务器指纹', 'Server fingerprint')), fields.fingerprint,
      scanButton, button, message));
}
