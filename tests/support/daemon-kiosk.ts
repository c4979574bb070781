/**
 * The whole daemon in-process in simulator mode (demo village, embedded broker), driven through
 * the simulated card reader and buttons: for tests of a resident's session end to end. Ports can
 * be switched to real adapters with `env` (e.g. the ESC/POS printer into a virtual printer).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DomainEvent } from '../../src/events.ts';
import type { Clock } from '../../src/flows/clock.ts';
import type { ScreenName } from '../../src/flows/kiosk-state.ts';
import type { ButtonName } from '../../src/hardware/buttons.ts';
import { silentLogger } from '../../src/log.ts';
import { type Daemon, startDaemon } from '../../src/main.ts';
import { DEMO_CARDS } from '../../src/store/demo-data.ts';
import type { Resident } from '../../src/store/resident.ts';
import { TextSink, waitFor } from './wait.ts';

export interface Kiosk {
  daemon: Daemon;
  out: TextSink;
  dataDir: string;
  events: DomainEvent[];
}

/**
 * How long a step of a session may take before a test gives up. Generous: the steps are events
 * (a wait ends as soon as the screen is there), and a loaded CI machine must not fail them.
 */
export const SCREEN_MS = 20_000;

export async function startKiosk(
  prepare?: (dataDir: string) => void,
  opts: { dataDir?: string; clock?: Clock; env?: Record<string, string> } = {},
): Promise<Kiosk> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'anj-daemon-'));
  prepare?.(dataDir);
  const out = new TextSink();
  const daemon = await startDaemon({
    clock: opts.clock,
    defaultConfigPath: join(dataDir, 'no-config.json'),
    env: { ANJUNGAN_DATA_DIR: dataDir, ANJUNGAN_TIMEOUTS_DONE_S: '2', ...opts.env },
    stdin: null,
    stdout: out.stream,
    logger: silentLogger(),
  });
  const events: DomainEvent[] = [];
  daemon.bus.on('event', (e) => events.push(e));
  return { daemon, out, dataDir, events };
}

/** A demo card whose resident is alive and has a complete record. */
export function completeCard(daemon: Daemon): { uid: Buffer; resident: Resident } {
  for (const card of DEMO_CARDS) {
    const uid = Buffer.from(card.uid, 'hex');
    const resident = daemon.store.findByCard(uid);
    if (resident && resident.status_dasar === 'HIDUP' && resident.pekerjaan && resident.tempat_lahir)
      return { uid, resident };
  }
  throw new Error('no complete demo card');
}

export async function screen(k: Kiosk, name: ScreenName, ms = SCREEN_MS) {
  await waitFor(
    `screen ${name} (now ${k.daemon.runner.state.screen.name})`,
    () => k.daemon.runner.state.screen.name === name,
    ms,
  );
}

export async function press(k: Kiosk, ...buttons: ButtonName[]) {
  for (const b of buttons) {
    k.daemon.adapters.sim.buttons!.press(b);
    await k.daemon.runner.idle();
  }
}

/** Tap, and ok through greeting, letter and purpose: the confirm screen of the first letter. */
export async function toConfirm(k: Kiosk, uid: Buffer) {
  k.daemon.adapters.sim.reader!.tap(uid);
  await screen(k, 'greeting');
  await press(k, 'ok');
  await screen(k, 'choose_letter');
  await press(k, 'ok');
  await screen(k, 'choose_purpose');
  await press(k, 'ok');
  await screen(k, 'confirm');
}

/** The whole session up to the last ok: the first letter is being issued. */
export async function issueFirstLetter(k: Kiosk, uid: Buffer) {
  await toConfirm(k, uid);
  await press(k, 'ok');
}
