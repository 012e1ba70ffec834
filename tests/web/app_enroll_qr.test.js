// Enrollment from a QR code at phone size: the camera is Chromium's fake capture device (a real
// video stream the page opens with getUserMedia and plays), and the code's text is what the
// dashboard's devices page encodes for a new token (doorstep://enroll?server=&token=&fingerprint=).
// Chromium on Linux has no BarcodeDetector (it ships on Android, macOS and ChromeOS only), so
// the page gets a stand-in that answers that text once the video plays; what is tested is the
// app's side: the scan button only where a detector exists, the camera opened and closed, the
// fields filled from the code, and the enrollment that follows, at a real county server.
'use strict';
const w = require('./support');
const a = require('./app_helpers');

const GRID = '640323.101.200.01';

w.test('a grid worker enrolls by scanning the QR code of a new token; without a detector no scan is offered', async () => {
  const dir = w.tempDir('app-enroll-qr');
  const data = `${dir}/county`;
  w.initDemoCounty(data);
  const server = await a.serveCounty(data);
  const token = a.token(data, 'grid-worker', GRID);
  const code = `doorstep://enroll?server=${encodeURIComponent(server.url)}&token=${encodeURIComponent(token)}` +
    `&fingerprint=${server.fingerprint}`;
  const app = await a.startApp(`${dir}/phone.db`);
  const browser = await w.launchBrowser(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
  try {
    // A browser without a barcode detector: typing and pasting only.
    const context = await w.newContext(browser, 'phone', { permissions: ['camera'] });
    const without = await a.openApp(context, app);
    await without.waitForSelector('#enroll');
    w.assert.equal(await without.locator('#scan').count(), 0);
    await without.close();

    // The same session (its cookie), a page where the browser has a detector.
    await context.addInitScript((text) => {
      window.BarcodeDetector = class {
        constructor(options) {
          if (!options || !options.formats || !options.formats.includes('qr_code')) throw new TypeError('qr_code wanted');
        }
        async detect(source) {
          // Only a playing camera video shows a code.
          if (!(source instanceof HTMLVideoElement) || source.readyState < 2 || !source.videoWidth) return [];
          window.scannedFrames = (window.scannedFrames || 0) + 1;
          return [{ format: 'qr_code', rawValue: text }];
        }
      };
    }, code);
    const page = await context.newPage();
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(e.message));
    await page.goto(new URL(app.url).origin + '/');
    await page.waitForSelector('body[data-ready="yes"]');
    await page.waitForSelector('#scan');
    await page.fill('#enroll-name', '李伟');
    await page.click('#scan');
    await page.waitForFunction((t) => document.getElementById('enroll-token').value === t, token);
    w.assert.equal(await page.inputValue('#enroll-server'), server.url);
    w.assert.equal(await page.inputValue('#enroll-fingerprint'), server.fingerprint);
    w.assert.ok(await page.evaluate(() => window.scannedFrames >= 1));
    // The camera is closed once the code is read.
    await page.waitForFunction(() => !document.querySelector('video.scan'));
    await page.click('#enroll');
    await page.waitForSelector('#new-household', { timeout: 30000 });
    const devices = JSON.parse(w.server(['device', 'list', '--data', data, '--json']));
    w.assert.ok(devices.some((d) => d.name === '李伟' && d.role === 'grid-worker' && d.scope === GRID),
      JSON.stringify(devices));
    w.assert.deepEqual(page.errors, []);
  } finally {
    await browser.close();
    await app.stop();
    await server.stop();
  }
});

w.main();
