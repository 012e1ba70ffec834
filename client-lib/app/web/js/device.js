// What the screens share about this device: its identity and enrollment, the form its visits
// are rendered from (loaded once into the bridge), and the county's parameters for the form's
// risk rules, so that the live risk of a visit is the one the store computes.
import { call, BridgeError } from './bridge.js';
import { lang } from './i18n.js';

const cache = { identity: null, enrolled: null, form: null, outlines: {}, params: null };

export function forget() {
  cache.identity = null;
  cache.enrolled = null;
  cache.params = null;
}

export async function identity() {
  if (!cache.identity) cache.identity = await call('store_identity');
  return cache.identity;
}

// True once the device holds a certificate from its county.
export async function enrolled() {
  if (cache.enrolled === null) {
    try {
      await call('sync_identity');
      cache.enrolled = true;
    } catch (e) {
      if (!(e instanceof BridgeError)) throw e;
      cache.enrolled = false;
    }
  }
  return cache.enrolled;
}

export function isLeader(id) {
  return id && id.role && id.role !== 'grid-worker';
}

// The default form this device holds: {id, form_id, version, form_json, handle}.
export async function form() {
  if (cache.form) return cache.form;
  const forms = await call('store_forms');
  if (!forms.length) {
    throw new BridgeError({ code_name: 'not_found', message: 'no form on this device yet: enroll first, the county sends its form' }, 404);
  }
  const chosen = forms[forms.length - 1];
  const loaded = await call('form_load', { form_json: chosen.form_json, source_name: chosen.key });
  cache.form = { ...chosen, handle: loaded.form };
  return cache.form;
}

export async function outline(language) {
  const l = language || lang();
  const f = await form();
  if (!cache.outlines[l]) cache.outlines[l] = await call('form_outline', { form: f.handle, lang: l });
  return cache.outlines[l];
}

// The county's parameters in force this year for the form's params, as the store takes them
// for a household's level (store_form_params: a setting NAME, or NAME_YYYY of the latest year
// not after this one), so that the live risk of a visit is the one its stored visit gets.
export async function params() {
  if (cache.params) return cache.params;
  const f = await form();
  cache.params = (await call('store_form_params', { form: f.handle })).params;
  return cache.params;
}

export async function today() {
  const calendar = await call('monitoring_calendar');
  return calendar.today;
}
