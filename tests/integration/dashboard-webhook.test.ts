/**
 * The alert webhook against a real HTTP server: a new alert goes out at once; alerts raised
 * within the rate-limit interval wait and go out together in one request.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Alert } from '../../src/dashboard/alerts.ts';
import { AlertWebhook } from '../../src/dashboard/webhook.ts';
import { silentLogger } from '../../src/log.ts';
import { waitFor } from '../support/wait.ts';

function alert(kiosk: string, kind: Alert['kind']): Alert {
  return { key: `${kiosk}:${kind}`, kiosk, kind, since: Date.now(), detail: kind, ack: null };
}

test('webhook: the first alert at once, later ones batched into one request per interval', async () => {
  const bodies: { text: string; alerts: { kiosk: string; kind: string }[]; more: number }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const hook = new AlertWebhook(url, 500, (k) => `Hanura (${k})`, silentLogger());
  try {
    hook.push([alert('1809102004/k1', 'paper_out')]);
    await waitFor('the first request', () => bodies.length === 1);
    hook.push([alert('1809102004/k2', 'offline')]);
    hook.push([alert('1809102004/k3', 'cover_open')]);
    await waitFor('the second request', () => bodies.length === 2, 5000);
    assert.equal(
      bodies.map((b) => b.alerts.map((a) => a.kind)),
      [['paper_out'], ['offline', 'cover_open']],
    );
    assert.match(bodies[1]!.text, /2 peringatan baru\nHanura \(1809102004\/k2\): offline/);
    assert.ok(hook.sent === 2);
  } finally {
    hook.stop();
    server.close();
  }
});

test.run();
