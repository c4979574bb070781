/**
 * One lane of the crash campaign: a data directory, a slow virtual ESC/POS printer (~4 KB/s, a
 * real head's speed) and a subscriber at the campaign's Mosquitto. Each cycle starts the built
 * kiosk (`node dist/cli.js run --sim`), waits for its idle screen (a clean start after the last
 * kill), checks the invariants (crash-checks.ts), then runs one scenario and SIGKILLs at a random
 * moment in it. Lanes share nothing but the broker, so several run at once.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { silentLogger } from '../../src/log.ts';
import { Outbox } from '../../src/mqtt/outbox.ts';
import { DEMO_CARDS } from '../../src/store/demo-data.ts';
import { DaemonProcess } from '../../tests/support/daemon-process.ts';
import { nativeCsv, synthResident } from '../../tests/support/import-fixtures.ts';
import type { Mosquitto } from '../../tests/support/mosquitto.ts';
import { waitFor } from '../../tests/support/wait.ts';
import { VirtualPrinter } from '../virtual-printer.ts';
import {
  archiveTempsLeft,
  fingerprintOf,
  printedViolations,
  readRegister,
  registerViolations,
  residentPairs,
  residentsFingerprint,
} from './crash-checks.ts';
import { type CrashCounts, type Scenario, sleep } from './crash-counts.ts';

const VILLAGE = '1809102004';
/** A thermal head's speed: a demo letter (~1,500 bytes) takes about 0.4 s. */
const PRINTER_BYTES_PER_S = 4096;
const DRAIN_RATE = 5000;

export interface LaneOptions {
  index: number;
  dir: string;
  broker: Mosquitto;
  rng: () => number;
  counts: CrashCounts;
  /** Resident rows of the import files (a large file: the kill must be able to land mid-write). */
  importRows: number;
  /** Events put into the outbox before a drain scenario. */
  outboxEvents: number;
}

export class CrashLane {
  private readonly printer = new VirtualPrinter({ port: 0 });
  private subscriber: MqttClient | null = null;
  /** Event id → payload and deliveries, as the broker handed them to the subscriber. */
  private readonly delivered = new Map<string, { payload: string; times: number }>();
  /** Ids put into the outbox that the broker has not delivered yet. */
  private readonly awaited = new Set<string>();
  private jobsChecked = 0;
  private importFiles: string[] = [];
  private importTurn = 0;
  private cliConfig = '';
  private probe = 0;
  /** What residents.json may hold after the last kill: fingerprints of the old and new data. */
  private residentsMay: Set<string> | null = null;
  private cardsMay: Set<number> | null = null;
  /** Adaptive estimates of how long an action takes, so that kills land inside it. */
  private readonly est = { stop: 1000, import: 1500, bind: 800 };
  private lastStartupMs = 1000;

  constructor(private readonly o: LaneOptions) {}

  private get device(): string {
    return `crash-${this.o.index}`;
  }

  async setup(): Promise<void> {
    mkdirSync(this.o.dir, { recursive: true });
    await this.printer.start();
    this.printer.slow(PRINTER_BYTES_PER_S);
    this.cliConfig = join(this.o.dir, 'cli-config.json');
    writeFileSync(this.cliConfig, JSON.stringify({ data_dir: this.o.dir }));
    this.importFiles = ['a', 'b'].map((name) => {
      const file = join(this.o.dir, `..`, `lane-${this.o.index}-import-${name}.csv`);
      writeFileSync(
        file,
        nativeCsv(this.o.importRows, (_i, row) => {
          if (name === 'b') row.nama = `${row.nama} B`;
        }),
      );
      return file;
    });
    const client = mqtt.connect(this.o.broker.url, { clean: true, reconnectPeriod: 200 });
    this.subscriber = client;
    client.on('message', (_topic, payload) => {
      const text = payload.toString();
      const id = (JSON.parse(text) as { id?: string }).id;
      if (!id) return;
      const seen = this.delivered.get(id);
      if (seen) {
        seen.times++;
        this.o.counts.duplicates++;
        if (seen.payload !== text) this.violation(`event ${id} delivered twice with different payloads`);
      } else this.delivered.set(id, { payload: text, times: 1 });
      this.awaited.delete(id);
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () =>
        client.subscribe(`anjungan/+/${this.device}/event/#`, { qos: 1 }, (err) =>
          err ? reject(err) : resolve(),
        ),
      );
    });
  }

  async close(): Promise<void> {
    await this.subscriber?.endAsync();
    await this.printer.close();
  }

  /** One cycle: a clean start and its checks, then `scenario` ended by a SIGKILL. */
  async cycle(scenario: Scenario): Promise<void> {
    const kiosk = await this.startChecked();
    this.o.counts.cycles[scenario]++;
    if (scenario === 'print') await this.print(kiosk);
    else if (scenario === 'stop') await this.stop(kiosk);
    else if (scenario === 'import' || scenario === 'bind') await this.cli(kiosk, scenario);
    else await this.drain(kiosk);
  }

  /** The final clean start: checks what the last kill left. */
  async finish(): Promise<void> {
    const kiosk = await this.startChecked();
    kiosk.send('quit');
    await kiosk.waitExit(30_000);
  }

  private env(): NodeJS.ProcessEnv {
    return {
      ANJUNGAN_DATA_DIR: this.o.dir,
      ANJUNGAN_DEVICE_ID: this.device,
      ANJUNGAN_HARDWARE_PRINTER_DRIVER: 'escpos',
      ANJUNGAN_HARDWARE_PRINTER_INTERFACE: this.printer.url,
      // The default status poll (15 s): a first probe lost on a loaded machine recovers, as on a kiosk.
      ANJUNGAN_LIMITS_DAILY_PER_TYPE: '1000000',
      ANJUNGAN_FLOW_REPEAT_TAP_MS: '0',
      ANJUNGAN_MQTT_URL: this.o.broker.url,
      ANJUNGAN_MQTT_OUTBOX_DRAIN_RATE: String(DRAIN_RATE),
      ANJUNGAN_MQTT_TELEMETRY_INTERVAL_S: '3600',
    };
  }

  private spawnKiosk(): DaemonProcess {
    return new DaemonProcess(['run', '--sim'], this.env(), { built: true });
  }

  /**
   * Starts the kiosk, waits for idle (measured) and checks every invariant. A start that ends or
   * hangs before idle is retried twice and recorded (with its exit and last output): on a shared
   * machine a process can be killed from outside; three in a row is a kiosk that cannot start.
   */
  private async startChecked(): Promise<DaemonProcess> {
    for (let attempt = 1; ; attempt++) {
      const t0 = performance.now();
      const kiosk = this.spawnKiosk();
      const up = await Promise.race([
        kiosk.waitOut('--- screen: idle ---', 60_000).then(
          () => 'idle' as const,
          () => 'hung' as const,
        ),
        kiosk.exit.then(() => 'exited' as const),
      ]);
      if (up === 'idle') {
        this.lastStartupMs = performance.now() - t0;
        this.o.counts.startup_ms.push(this.lastStartupMs);
        await this.verify();
        return kiosk;
      }
      await kiosk.kill('SIGKILL');
      const how = `${up}: exit ${kiosk.child.exitCode ?? kiosk.child.signalCode}; screens ${kiosk.screens().join(' ')}; stderr ${kiosk.stderr.slice(-300)}`;
      this.o.counts.failed_starts.push(`lane ${this.o.index}: ${how}`);
      if (attempt === 3) {
        this.violation(`no clean start after a kill, three times: ${how}`);
        throw new Error(`lane ${this.o.index}: the kiosk does not start`);
      }
    }
  }

  private async verify(): Promise<void> {
    const c = this.o.counts;
    const entries = await readRegister(this.o.dir);
    for (const v of registerViolations(entries)) this.violation(v);
    c.register_entries[this.o.index] = entries.length;
    c.interrupted[this.o.index] = entries.filter((e) => e.status === 'interrupted').length;
    const jobs = this.printer.jobs.slice(this.jobsChecked);
    this.jobsChecked = this.printer.jobs.length;
    const printed = printedViolations(jobs, entries);
    for (const v of printed.violations) this.violation(v);
    c.printer_jobs += jobs.length;
    const temps = archiveTempsLeft(this.o.dir);
    if (temps.length > 0) this.violation(`temp files left in the letter archive: ${temps.join(', ')}`);
    c.printer_jobs_without_number += printed.withoutNumber;
    let fp: { residents: string; cards: number } | null = null;
    try {
      fp = residentsFingerprint(this.o.dir);
    } catch (err) {
      this.violation(`residents.json does not open: ${(err as Error).message}`);
    }
    if (fp && this.residentsMay && !this.residentsMay.has(fp.residents))
      this.violation('residents.json holds neither the old nor the new residents');
    if (fp && this.cardsMay && !this.cardsMay.has(fp.cards))
      this.violation(`residents.json holds ${fp.cards} cards, expected one of ${[...this.cardsMay]}`);
    this.residentsMay = null;
    this.cardsMay = null;
    if (this.awaited.size > 0) {
      // Still queued after the kill: the restarted kiosk must deliver them now.
      const need = this.awaited.size;
      await waitFor('the outbox backlog at the broker', () => this.awaited.size === 0, 60_000).catch(() => {
        this.violation(`${this.awaited.size} of ${need} outbox events never delivered`);
        c.events_lost += this.awaited.size;
        this.awaited.clear();
      });
    }
  }

  private async killAfter(proc: DaemonProcess | null, ms: number): Promise<void> {
    await sleep(ms);
    await this.kill(proc);
  }

  private async kill(proc: DaemonProcess | null): Promise<void> {
    if (!proc) return;
    if (proc.child.exitCode === null && proc.child.signalCode === null) this.o.counts.kills++;
    else this.o.counts.exited_before_kill++;
    await proc.kill('SIGKILL');
    await this.printer.settled();
  }

  // ---- scenarios ----

  /** Letters to the slow printer, one after the other, until the kill. */
  private async print(kiosk: DaemonProcess): Promise<void> {
    const killed = this.killAfter(kiosk, this.o.rng() * 5000);
    const uids = DEMO_CARDS.slice(0, 2).map((c) => c.uid);
    try {
      for (let n = 0; ; n++) {
        await this.issue(kiosk, uids[n % uids.length]!);
        this.o.counts.letters_done++;
      }
    } catch {
      // The kill ended the session mid-way: that is the point.
    }
    await killed;
  }

  /** The clean stop (quit or SIGTERM), sometimes while a letter prints, killed part-way. */
  private async stop(kiosk: DaemonProcess): Promise<void> {
    if (this.o.rng() < 0.5) {
      await this.toConfirm(kiosk, DEMO_CARDS[0]!.uid);
      kiosk.send('press ok');
    }
    const t0 = performance.now();
    if (this.o.rng() < 0.5) kiosk.send('quit');
    else kiosk.child.kill('SIGTERM');
    const delay = this.o.rng() * this.est.stop;
    await Promise.race([sleep(delay), kiosk.exit]);
    if (kiosk.child.exitCode !== null) this.est.stop = Math.max(200, (performance.now() - t0) * 1.2);
    await this.kill(kiosk);
  }

  /** `residents import` of a large file or `cards bind`, from the CLI while the kiosk runs; a power cut kills both. */
  private async cli(kiosk: DaemonProcess, what: 'import' | 'bind'): Promise<void> {
    const old = residentPairs(this.o.dir);
    const oldCards = residentsFingerprint(this.o.dir).cards;
    let args: string[];
    if (what === 'import') {
      const turn = this.importTurn++ % 2;
      const file = this.importFiles[turn]!;
      const next = new Map(old);
      for (let i = 0; i < this.o.importRows; i++) {
        const r = synthResident(i);
        next.set(r.nik, turn === 1 ? `${r.nama} B` : r.nama);
      }
      this.residentsMay = new Set([fingerprintOf(old), fingerprintOf(next)]);
      this.cardsMay = new Set([oldCards]);
      args = ['residents', 'import', file];
    } else {
      // Seeded; never a first byte 0x08 (a random-per-tap UID, which bind rightly refuses).
      const bytes = Array.from({ length: 4 }, () => Math.floor(this.o.rng() * 256));
      if (bytes[0] === 0x08) bytes[0] = 0x09;
      const uid = Buffer.from(bytes).toString('hex').toUpperCase();
      const nik = [...old.keys()][Math.floor(this.o.rng() * old.size)]!;
      this.residentsMay = new Set([fingerprintOf(old)]);
      this.cardsMay = new Set([oldCards, oldCards + 1]);
      args = ['cards', 'bind', uid, nik, '--force'];
    }
    const t0 = performance.now();
    const proc = new DaemonProcess(
      [...args, '--config', this.cliConfig],
      { TZ: 'Asia/Jakarta' },
      { built: true },
    );
    proc.child.stdin.end();
    await Promise.race([sleep(this.o.rng() * this.est[what]), proc.exit]);
    if (proc.child.exitCode !== null) {
      if (proc.child.exitCode !== 0) this.violation(`${args.join(' ')} failed: ${proc.stderr.slice(-1000)}`);
      this.est[what] = Math.max(200, (performance.now() - t0) * 1.2);
      this.o.counts.cli_completed[what]++;
    } else {
      // Killed before it finished: widen the window, so that kills also land at its end (the write).
      this.est[what] = Math.min(60_000, this.est[what] * 1.3);
    }
    await Promise.all([this.kill(proc), this.kill(kiosk)]);
  }

  /** A full outbox drained to the broker, killed part-way. */
  private async drain(kiosk: DaemonProcess): Promise<void> {
    await this.kill(kiosk);
    const box = await Outbox.open(join(this.o.dir, 'outbox'), {
      maxMessages: 50_000,
      logger: silentLogger(),
    });
    const topic = `anjungan/${VILLAGE}/${this.device}/event/crash_probe`;
    const appends: Promise<number>[] = [];
    for (let i = 0; i < this.o.outboxEvents; i++) {
      const id = `${this.device}-probe-${++this.probe}`;
      this.awaited.add(id);
      appends.push(box.append({ topic, payload: JSON.stringify({ id, n: this.probe }), cls: 'event' }));
    }
    await Promise.all(appends);
    await box.close();
    this.o.counts.events_queued += this.o.outboxEvents;
    const draining = this.spawnKiosk();
    // The drain starts once the kiosk is up: the window covers the start-up as measured last.
    const window = this.lastStartupMs + 2 * (this.o.outboxEvents / DRAIN_RATE) * 1000;
    await this.killAfter(draining, this.o.rng() * window);
  }

  // ---- driving the kiosk over stdin ----

  private async issue(kiosk: DaemonProcess, uid: string): Promise<void> {
    await this.toConfirm(kiosk, uid);
    await this.press(kiosk, 'press ok', 'done', 30_000);
    kiosk.send('remove');
  }

  private async toConfirm(kiosk: DaemonProcess, uid: string): Promise<void> {
    await this.press(kiosk, `tap ${uid}`, 'greeting');
    await this.press(kiosk, 'press ok', 'choose_letter');
    await this.press(kiosk, 'press ok', 'choose_purpose');
    await this.press(kiosk, 'press ok', 'confirm');
  }

  /** Sends a line and waits for the screen it leads to (only what is printed after the line counts). */
  private async press(kiosk: DaemonProcess, line: string, screen: string, ms = 10_000): Promise<void> {
    const from = kiosk.stdout.length;
    kiosk.send(line);
    await waitFor(
      `screen ${screen}`,
      () => {
        if (kiosk.child.exitCode !== null || kiosk.child.signalCode !== null) throw new Error('exited');
        return kiosk.stdout.indexOf(`--- screen: ${screen} ---`, from) >= 0;
      },
      ms,
    );
  }

  private violation(text: string): void {
    this.o.counts.violations.push(`lane ${this.o.index}: ${text}`);
  }
}
