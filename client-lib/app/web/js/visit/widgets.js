// One question of the visit form as an element that the snapshot updates in place: its
// visibility, required mark, value (for defaults and calculations), constraint message,
// warning, and a refused answer's message. Every question type of the form language: text,
// integer, decimal, select_one, select_multiple, date, geopoint (from the browser's location,
// with its accuracy), image (a photo from the camera kept on the device), note, calculate.
import { h, fill } from '../dom.js';
import { tr } from '../i18n.js';
import { keepFile, fileUrl } from '../bridge.js';

function baseType(type) {
  return String(type).split(' ')[0];
}

// `answer(value)` sends the answer; it resolves to an error message or ''.
export function questionWidget(item, instance, answer) {
  const type = baseType(item.type);
  const name = item.name;
  const id = `q-${name}-${instance}`;
  const required = h('span.req', { 'aria-hidden': 'true' }, ' *');
  const labelEl = h('label.q-label', { for: id }, item.label || name, required);
  const hint = item.hint ? h('p.hint', item.hint) : null;
  const error = h('p.q-error', { role: 'alert' });
  const warning = h('p.q-warning');
  const el = h('div.q.q-' + type, { dataset: { name, instance: String(instance), type } });
  let input = null;
  let current = '';
  let focused = false;

  async function send(value) {
    current = value;
    el.dataset.pending = 'yes';
    const refused = await answer(value);
    delete el.dataset.pending;
    el.classList.toggle('refused', !!refused);
    if (refused) {
      error.textContent = refused;
      error.dataset.kind = 'refused';
    } else if (error.dataset.kind === 'refused') {
      error.textContent = '';
      delete error.dataset.kind;
    }
  }

  let timer = null;
  function typed(value) {
    clearTimeout(timer);
    timer = setTimeout(() => send(value), 350);
  }
  function flush(value) {
    clearTimeout(timer);
    if (value !== current) send(value);
  }

  const body = [];
  if (type === 'note') {
    fill(el, h('p.note', item.label || ''));
  } else if (type === 'calculate' || item.read_only) {
    input = h('output.calc', { id });
    body.push(input);
  } else if (type === 'select_one' || type === 'select_multiple') {
    const multiple = type === 'select_multiple';
    input = h('div.choices', { id, role: multiple ? 'group' : 'radiogroup' });
    for (const choice of item.choices || []) {
      const box = h('input', { type: multiple ? 'checkbox' : 'radio', name: id, value: choice.name });
      box.addEventListener('change', () => {
        const picked = [...input.querySelectorAll('input:checked')].map((x) => x.value);
        send(multiple ? picked.join(' ') : picked[0] || '');
      });
      fill(input, h('label.choice', box, h('span', choice.label || choice.name)));
    }
    if (!multiple && !item.required) {
      fill(input, h('button.link.clear', { type: 'button', onclick: () => {
        for (const x of input.querySelectorAll('input')) x.checked = false;
        send('');
      } }, tr('清除', 'Clear')));
    }
    body.push(input);
  } else if (type === 'geopoint') {
    input = h('input', { id, type: 'text', inputmode: 'decimal', placeholder: tr('纬度 经度 [海拔 [精度]]', 'latitude longitude [altitude [accuracy]]') });
    const accuracy = h('span.muted.accuracy');
    const locate = h('button.secondary', { type: 'button' }, tr('获取当前位置', 'Use my location'));
    locate.addEventListener('click', () => {
      if (!navigator.geolocation) {
        accuracy.textContent = tr('此设备不能定位', 'This device cannot locate');
        return;
      }
      accuracy.textContent = tr('定位中…', 'Locating…');
      navigator.geolocation.getCurrentPosition((p) => {
        const c = p.coords;
        const value = [c.latitude.toFixed(6), c.longitude.toFixed(6), Math.round(c.altitude || 0), Math.round(c.accuracy)].join(' ');
        input.value = value;
        accuracy.textContent = tr(`精度 ±${Math.round(c.accuracy)} 米`, `accuracy ±${Math.round(c.accuracy)} m`);
        send(value);
      }, (e) => { accuracy.textContent = tr('定位失败：', 'Location failed: ') + e.message; },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
    });
    input.addEventListener('change', () => flush(input.value.trim()));
    body.push(input, h('div.inline', locate, accuracy));
  } else if (type === 'image') {
    input = h('input', { id, type: 'file', accept: 'image/*', capture: 'environment' });
    const preview = h('img.photo', { alt: '' });
    preview.hidden = true;
    input.addEventListener('change', async () => {
      const file = input.files && input.files[0];
      if (!file) return;
      try {
        const kept = await keepFile(file, file.name || 'photo.jpg');
        preview.src = fileUrl(kept.name);
        preview.hidden = false;
        send(kept.name);
      } catch (e) {
        error.textContent = e.message;
        error.dataset.kind = 'refused';
      }
    });
    el._preview = preview;
    body.push(input, preview);
  } else {
    const attrs = { id, type: 'text', autocomplete: 'off' };
    if (type === 'integer') attrs.inputmode = 'numeric';
    if (type === 'decimal') attrs.inputmode = 'decimal';
    if (type === 'date') attrs.type = 'date';
    input = h('input', attrs);
    input.addEventListener('focus', () => { focused = true; });
    input.addEventListener('blur', () => { focused = false; flush(input.value.trim()); });
    input.addEventListener('input', () => typed(input.value.trim()));
    input.addEventListener('change', () => flush(input.value.trim()));
    body.push(input);
  }
  if (type !== 'note') fill(el, labelEl, hint, ...body, error, warning);

  // state: the snapshot's question; showRequired: whether an empty required answer is shown
  // as an error yet (after the worker tried to move on, or on the review page).
  function update(state, showRequired) {
    if (!state) return;
    el.hidden = !state.visible;
    required.hidden = !state.required;
    el.classList.toggle('required', !!state.required);
    const value = state.value === undefined || state.value === null ? '' : String(state.value);
    if (type === 'note') return;
    if (input && input.tagName === 'OUTPUT') {
      input.textContent = value;
    } else if (type === 'select_one' || type === 'select_multiple') {
      const picked = new Set(value.split(' ').filter(Boolean));
      for (const box of input.querySelectorAll('input')) box.checked = picked.has(box.value);
      current = value;
    } else if (type === 'image') {
      if (value && el._preview.hidden) {
        el._preview.src = fileUrl(value);
        el._preview.hidden = false;
      }
      current = value;
    } else if (!focused && !el.classList.contains('refused') && input.value !== value && !timer_pending()) {
      input.value = value;
      current = value;
    }
    if (error.dataset.kind !== 'refused') {
      const message = state.error || '';
      const isRequired = message && value === '';
      error.textContent = isRequired && !showRequired ? '' : message;
    }
    el.classList.toggle('has-error', !!error.textContent);
    warning.textContent = state.warning || '';
  }
  function timer_pending() {
    return el.dataset.pending === 'yes';
  }
  return { el, update, item, instance };
}
