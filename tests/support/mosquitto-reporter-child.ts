/**
 * A Reporter alone in its own process, for tests that kill it: `node --import tsx
 * tests/support/mosquitto-reporter-child.ts <broker url> <data dir>`. Prints `online` when
 * connected; exits on SIGTERM after a clean stop().
 */
import { silentLogger } from '../../src/log.ts';
import { Reporter } from '../../src/mqtt/reporter.ts';
import { TestKiosk, testConfig } from './mosquitto-harness.ts';

const [url, dataDir] = process.argv.slice(2);
if (!url || !dataDir) throw new Error('usage: mosquitto-reporter-child.ts <url> <data dir>');
const kiosk = new TestKiosk();
const reporter = new Reporter({
  config: testConfig(url, dataDir, { telemetry_interval_s: 3600 }),
  bus: kiosk.bus,
  controls: kiosk,
  logger: silentLogger(),
  dataDir,
  startedAt: Date.now(),
});
reporter.on('connection', (c) => process.stdout.write(`${c}\n`));
process.on('SIGTERM', () => {
  void reporter.stop().then(() => process.exit(0));
});
await reporter.start();
