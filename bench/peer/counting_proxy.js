'use strict';
// A counting TCP proxy: forwards every connection on a loopback port to a target and counts
// the bytes that cross the socket in each direction. It looks at nothing inside the stream,
// so it counts HTTP and HTTPS (TLS records, handshakes included) alike — the same ruler for
// our protocol and for the peer's.
//
// As a module: start({targetHost, targetPort}) -> Promise<{port, counts(), reset(), close()}>.
// As a program (for measuring a process we do not control, e.g. `doorstep sync`):
//   node counting_proxy.js --target HOST:PORT [--listen PORT] [--control PORT]
// prints {"port": P, "control": C} on stdout once listening; the control port answers
//   GET /counts  -> {"up": bytes client->server, "down": bytes server->client, "connections": n}
//   POST /reset  -> zeroes the counters (answers the counts before the reset)
// It stops on SIGTERM or SIGINT. Everything listens on 127.0.0.1 only.

const net = require('net');
const http = require('http');

function start({ targetHost = '127.0.0.1', targetPort, listenPort = 0 }) {
  let up = 0;
  let down = 0;
  let connections = 0;
  const sockets = new Set();
  const server = net.createServer((client) => {
    connections += 1;
    const upstream = net.connect({ host: targetHost, port: targetPort });
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (chunk) => {
      up += chunk.length;
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', () => client.resume());
    upstream.on('data', (chunk) => {
      down += chunk.length;
      if (!client.write(chunk)) upstream.pause();
    });
    client.on('drain', () => upstream.resume());
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
    // A reset connection is normal at the end of a benchmark step; the other side learns of it.
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', () => {
      resolve({
        port: server.address().port,
        counts: () => ({ up, down, total: up + down, connections }),
        reset: () => {
          up = 0;
          down = 0;
          connections = 0;
        },
        close: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

module.exports = { start };

async function main() {
  const args = process.argv.slice(2);
  const option = (name) => {
    const i = args.indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : undefined;
  };
  const target = option('--target');
  if (!target || !/^[^:]+:\d+$/.test(target)) {
    console.error('usage: node counting_proxy.js --target HOST:PORT [--listen PORT] [--control PORT]');
    process.exit(2);
  }
  const [targetHost, targetPort] = target.split(':');
  const proxy = await start({
    targetHost,
    targetPort: Number(targetPort),
    listenPort: Number(option('--listen') || 0),
  });
  const control = http.createServer((req, res) => {
    const counts = proxy.counts();
    if (req.method === 'POST' && req.url === '/reset') proxy.reset();
    else if (!(req.method === 'GET' && req.url === '/counts')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `unknown request ${req.method} ${req.url}` }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(counts));
  });
  control.listen(Number(option('--control') || 0), '127.0.0.1', () => {
    console.log(JSON.stringify({ port: proxy.port, control: control.address().port }));
  });
  const stop = async () => {
    control.close();
    await proxy.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`counting_proxy: ${e.message}`);
    process.exit(1);
  });
}
