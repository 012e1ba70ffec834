// Support for Doorstep's browser tests: the real doorstep-server and doorstep programs started
// as processes on loopback, Debian's chromium driven headless by playwright-core, and a small
// sequential test runner. Each tests/web/*.test.js file is one ctest test (tests/CMakeLists.txt);
// the paths of the programs reach it through the environment ctest sets:
//   DOORSTEP_SERVER, DOORSTEP_CLI  the programs under test
//   DOORSTEP_SOURCE_DIR            the checkout (forms, web assets)
//   DOORSTEP_WEB_TMP               a folder for this run's files (emptied per test file)
//   DOORSTEP_CHROMIUM              the browser (default /usr/bin/chromium)
//   DOORSTEP_SCREENSHOTS           where screenshot() writes (default: DOORSTEP_WEB_TMP/screenshots;
//                                  scripts/screenshots sets docs/screenshots)
'use strict';

const assert = require('node:assert/strict');
const childProcess = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

let playwright;
try {
  playwright = require('playwright-core');
} catch (e) {
  console.error('tests/web: playwright-core is not installed; run scripts/setup-web');
  process.exit(1);
}

function env(name, fallback) {
  const value = process.env[name] || fallback;
  if (!value) throw new Error(`tests/web: ${name} is not set (run the test through ctest)`);
  return value;
}

const paths = {
  server: () => env('DOORSTEP_SERVER'),
  cli: () => env('DOORSTEP_CLI'),
  source: () => env('DOORSTEP_SOURCE_DIR', path.resolve(__dirname, '..', '..')),
  chromium: () => env('DOORSTEP_CHROMIUM', '/usr/bin/chromium'),
};

// A fresh folder under DOORSTEP_WEB_TMP for one test file.
function tempDir(name) {
  const root = env('DOORSTEP_WEB_TMP', path.join(require('node:os').tmpdir(), 'doorstep-web'));
  const dir = path.join(root, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

// Runs a program to completion; returns {code, out, err}. `input` is written to its stdin.
function run(program, args, options = {}) {
  const result = childProcess.spawnSync(program, args, {
    encoding: 'utf8',
    input: options.input,
    env: { ...process.env, ...(options.env || {}) },
    timeout: options.timeout || 120000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { code: result.status, out: result.stdout, err: result.stderr };
}

// Runs a program and fails unless it exits 0; returns its stdout.
function check(program, args, options = {}) {
  const r = run(program, args, options);
  if (r.code !== 0) {
    throw new Error(`${path.basename(program)} ${args.join(' ')} exited ${r.code}: ${r.err}`);
  }
  return r.out;
}

const server = (args, options) => check(paths.server(), args, options);
const cli = (args, options) => check(paths.cli(), args, options);

// `doorstep-server init --demo` of county 640323 (Yanchi) in `data`.
function initDemoCounty(data) {
  server(['init', '--data', data, '--county', '640323', '--name', 'Yanchi', '--demo']);
}

// A long-running program whose stdout is watched for a line: `doorstep-server serve`,
// `doorstep app`. stop() kills it (SIGKILL by default) and waits.
class Process {
  constructor(program, args, options = {}) {
    this.out = '';
    this.err = '';
    this.exited = null;
    this.child = childProcess.spawn(program, args, {
      env: { ...process.env, ...(options.env || {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout.on('data', (d) => { this.out += d; });
    this.child.stderr.on('data', (d) => { this.err += d; });
    this.exitedPromise = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exited = { code, signal };
        resolve(this.exited);
      });
    });
  }

  // Waits until stdout matches `pattern`; returns the match.
  async waitFor(pattern, timeoutMs = 30000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const m = this.out.match(pattern);
      if (m) return m;
      if (this.exited) {
        throw new Error(`process exited (${JSON.stringify(this.exited)}) before printing ` +
                        `${pattern}: ${this.err}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`timed out waiting for ${pattern}; stdout: ${this.out} stderr: ${this.err}`);
  }

  async stop(signal = 'SIGKILL') {
    if (!this.exited) {
      this.child.kill(signal);
      await this.exitedPromise;
    }
    return this.exited;
  }
}

// `doorstep-server serve --data DATA --listen 127.0.0.1:0 EXTRA...`, once it listens:
// {process, url, port, fingerprint, certificate}.
async function startServer(data, extra = []) {
  const p = new Process(paths.server(), ['serve', '--data', data, '--listen', '127.0.0.1:0', ...extra]);
  const m = await p.waitFor(
      /listening on https:\/\/127\.0\.0\.1:(\d+)\nTLS certificate SHA-256: ([0-9a-f]{64})/);
  return {
    process: p,
    port: Number(m[1]),
    url: `https://127.0.0.1:${m[1]}`,
    fingerprint: m[2],
    certificate: path.join(data, 'tls', 'server.crt'),
    stop: (signal) => p.stop(signal),
  };
}

// Headless chromium. The server's certificate is self-signed (pinned by fingerprint for
// devices); the browser is told to accept it, as a county officer accepts it once.
// `extraArgs`: more chromium switches (a fake camera, say).
async function launchBrowser(extraArgs = []) {
  return playwright.chromium.launch({
    executablePath: paths.chromium(),
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', ...extraArgs],
  });
}

const viewports = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
};

// A browser context at `size` (desktop | phone) that accepts the loopback server's certificate.
async function newContext(browser, size = 'desktop', extra = {}) {
  return browser.newContext({ ignoreHTTPSErrors: true, ...viewports[size], ...extra });
}

// Saves a full-page screenshot named NAME.png into DOORSTEP_SCREENSHOTS.
async function screenshot(page, name) {
  const dir = process.env.DOORSTEP_SCREENSHOTS ||
              path.join(env('DOORSTEP_WEB_TMP', require('node:os').tmpdir()), 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

// The runner: test(name, fn) registers; main() runs them in order, prints each outcome and
// exits non-zero if any failed. `only` (env DOORSTEP_WEB_ONLY) selects tests by substring.
const tests = [];
function test(name, fn) { tests.push({ name, fn }); }

async function main() {
  const only = process.env.DOORSTEP_WEB_ONLY || '';
  let failed = 0;
  for (const t of tests) {
    if (only && !t.name.includes(only)) continue;
    const started = Date.now();
    try {
      await t.fn();
      console.log(`ok   ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${t.name}: ${e && e.stack ? e.stack : e}`);
    }
  }
  if (tests.length === 0) {
    console.log('no tests registered');
    failed = 1;
  }
  process.exit(failed ? 1 : 0);
}

module.exports = {
  assert, paths, tempDir, run, check, server, cli, initDemoCounty, Process, startServer,
  launchBrowser, newContext, viewports, screenshot, test, main,
};
