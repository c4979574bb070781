/**
 * A 3-node NATS cluster with JetStream and MQTT listeners on loopback (Debian's nats-server 2.9:
 * MQTT 3.1.1 only), for the clustered-broker test and the fleet benchmark. Each node has its own
 * client, route and MQTT port; `kill(i)` SIGKILLs one node.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { freePort, waitForPort } from './mosquitto.ts';

export interface NatsCluster {
  /** MQTT URL of each node. */
  mqttUrls: string[];
  kill(node: number): Promise<void>;
  close(): Promise<void>;
  log(node: number): string;
}

export function natsAvailable(): boolean {
  const found =
    spawnSync('sh', ['-c', 'command -v nats-server || test -x /usr/sbin/nats-server']).status === 0;
  if (!found) {
    if (process.env.CI === 'true')
      throw new Error('nats-server is not installed (apt-get install nats-server) and CI=true');
    console.warn('SKIP: nats-server is not installed (apt-get install nats-server)');
  }
  return found;
}

export async function startNatsCluster(nodes = 3): Promise<NatsCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'anj-nats-'));
  const ports = await Promise.all(
    Array.from({ length: nodes }, async () => ({
      client: await freePort(),
      route: await freePort(),
      mqtt: await freePort(),
    })),
  );
  const routes = ports.map((p) => `nats-route://127.0.0.1:${p.route}`);
  const children: (ChildProcess | null)[] = [];
  const logs: string[] = ports.map(() => '');
  const bin =
    spawnSync('sh', ['-c', 'command -v nats-server']).status === 0 ? 'nats-server' : '/usr/sbin/nats-server';
  ports.forEach((p, i) => {
    const store = join(dir, `n${i + 1}`);
    mkdirSync(store, { recursive: true });
    const conf = join(dir, `n${i + 1}.conf`);
    writeFileSync(
      conf,
      [
        `server_name: n${i + 1}`,
        `listen: 127.0.0.1:${p.client}`,
        `jetstream { store_dir: "${store}" }`,
        `cluster { name: anjungan, listen: 127.0.0.1:${p.route}, routes: [${routes.join(', ')}] }`,
        `mqtt { listen: 127.0.0.1:${p.mqtt} }`,
      ].join('\n'),
    );
    const child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => {
      logs[i] = (logs[i] + d.toString()).slice(-20_000);
    });
    children.push(child);
  });
  const kill = async (i: number) => {
    const c = children[i];
    children[i] = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
  const close = async () => {
    await Promise.all(children.map((_, i) => kill(i)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Generous bounds: each wait ends as soon as the node answers; a loaded 2-core machine can
    // take tens of seconds to elect JetStream's meta leader.
    for (const p of ports) await waitForPort(p.mqtt, 60_000);
    // MQTT needs JetStream, which needs the cluster's meta leader: wait until every node takes a client.
    for (const p of ports) await mqttReady(`mqtt://127.0.0.1:${p.mqtt}`, 90_000);
  } catch (err) {
    await close();
    const message = `NATS cluster did not come up: ${(err as Error).message}\n${logs.join('\n').slice(-3000)}`;
    // Also on stderr: uvu drops an error thrown by a before hook without a word.
    console.error(message);
    throw new Error(message);
  }
  return { mqttUrls: ports.map((p) => `mqtt://127.0.0.1:${p.mqtt}`), kill, close, log: (i) => logs[i] ?? '' };
}

async function mqttReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = mqtt.connect(url, {
        protocolVersion: 4,
        reconnectPeriod: 0,
        connectTimeout: 3000,
        clientId: `probe-${Date.now()}`,
      });
      c.once('connect', () => {
        c.end(true);
        resolve(true);
      });
      c.once('error', () => {
        c.end(true);
        resolve(false);
      });
      c.once('close', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} refuses MQTT clients after ${timeoutMs} ms`);
}
