/**
 * LiveResidents in its own process, for running with other file permissions than the test (the
 * kiosk's service user while a technician writes as root). Prints one JSON line per reload and
 * every log line it writes, so the test sees what the kiosk did and what it logged.
 *
 *   node --import tsx tests/support/live-residents-child.ts <data_dir> <uid key hex>
 */
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/log.ts';
import { fileVersion } from '../../src/store/durable-file.ts';
import { LiveResidents } from '../../src/store/live-residents.ts';
import { ResidentStore } from '../../src/store/resident-store.ts';

const [dir = '', keyHex = ''] = process.argv.slice(2);
const key = Buffer.from(keyHex, 'hex');
const file = path.join(dir, 'residents.json');
const out = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);
const logger = createLogger(
  'info',
  new Writable({
    write(chunk, _enc, cb) {
      out({ log: JSON.parse(String(chunk).replace(/^<\d>/, '')).msg });
      cb();
    },
  }),
);

const version = await fileVersion(file);
const residents = new LiveResidents(
  {
    file,
    open: () => ResidentStore.open(dir, key, logger),
    onAvailable: () => out({ available: true }),
    onReloaded: (counts) => out({ reloaded: counts }),
    logger,
    debounceMs: 100,
  },
  await ResidentStore.open(dir, key, logger),
  true,
  version,
);
residents.start();
out({ ready: residents.count() });
process.stdin.resume();
process.stdin.on('end', () => void residents.stop().then(() => process.exit(0)));
