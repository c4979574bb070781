/**
 * An in-process MQTT broker (aedes) on 127.0.0.1 for simulator mode, so `anjungan run` with no
 * broker configured still reports and `anjungan monitor` can watch it. MQTT 3.1.1 only (the
 * reporter falls back from 5 by itself). Not for production: no persistence, no auth.
 */
import { createServer, type Socket } from 'node:net';
import { Aedes } from 'aedes';

/** Starts the broker; port 0 picks a free one (see `url`). */
export async function startEmbeddedBroker(port: number): Promise<{ url: string; close(): Promise<void> }> {
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    url: `mqtt://127.0.0.1:${actual}`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}
