/**
 * Connects the kiosk to the district, or to an embedded broker in simulator mode so that the
 * whole product works out of the box. With no broker configured on a real kiosk, reporting is
 * off (logged), and the kiosk serves residents all the same. So is any start-up problem of
 * reporting (a missing CA file, a key that does not parse, an outbox that cannot be opened):
 * letters keep printing; `anjungan selftest` names the problem.
 */
import { EventEmitter } from 'node:events';
import type { Config } from './config/config.ts';
import { readTlsFiles } from './config/file-checks.ts';
import { errorMessage } from './errors.ts';
import type { KioskBus, KioskControls } from './events.ts';
import type { Logger } from './log.ts';

export interface ReportingOptions {
  config: Config;
  simulator: boolean;
  bus: KioskBus;
  controls: KioskControls;
  logger: Logger;
  startedAt: number;
}

interface ReporterLike extends EventEmitter {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export class ReportingLink extends EventEmitter<{ connection: ['online' | 'offline'] }> {
  private reporter: ReporterLike | null = null;
  private broker: { url: string; close(): Promise<void> } | null = null;

  constructor(private readonly opts: ReportingOptions) {
    super();
  }

  /** The broker the kiosk reports to (the embedded one in simulator mode), or null. */
  get brokerUrl(): string | null {
    const url = this.broker?.url ?? this.opts.config.mqtt.url;
    return Array.isArray(url) ? (url[0] ?? null) : url;
  }

  /** Never throws: a reporting problem turns reporting off (logged), never the kiosk. */
  async start(): Promise<void> {
    try {
      await this.startReporting();
    } catch (err) {
      this.opts.logger.error(
        { err: errorMessage(err) },
        'district reporting failed to start and is off; letters keep printing (see `anjungan selftest`)',
      );
      await this.stop().catch(() => {});
      this.reporter = null;
      this.broker = null;
    }
  }

  private async startReporting(): Promise<void> {
    const { config, simulator, logger } = this.opts;
    let effective = config;
    const tls = readTlsFiles(config.mqtt);
    if ('problems' in tls) {
      // The reporter still runs without a broker, so events wait in the outbox until this is fixed.
      logger.error(
        { problems: tls.problems },
        'district reporting is off: the broker TLS files cannot be used; letters keep printing, events wait in the outbox (see `anjungan selftest`)',
      );
      effective = {
        ...config,
        mqtt: { ...config.mqtt, url: null, ca_file: null, cert_file: null, key_file: null },
      };
    } else if (config.mqtt.url === null) {
      if (!simulator) {
        logger.warn('mqtt.url is not set: district reporting is off');
        return;
      }
      const { startEmbeddedBroker } = await import('./mqtt/embedded-broker.ts');
      this.broker = await startEmbeddedBroker(config.mqtt.embedded_port);
      logger.info(
        { url: this.broker.url },
        'simulator: embedded MQTT broker started (watch it with `anjungan monitor --url <url>`)',
      );
      effective = { ...config, mqtt: { ...config.mqtt, url: this.broker.url } };
    }
    const { Reporter } = await import('./mqtt/reporter.ts');
    const reporter = new Reporter({
      config: effective,
      bus: this.opts.bus,
      controls: this.opts.controls,
      logger: logger.child({ part: 'mqtt' }),
      dataDir: config.data_dir,
      startedAt: this.opts.startedAt,
    });
    reporter.on('connection', (state: 'online' | 'offline') => this.emit('connection', state));
    this.reporter = reporter;
    await reporter.start();
  }

  async stop(): Promise<void> {
    await this.reporter?.stop();
    await this.broker?.close();
  }
}
