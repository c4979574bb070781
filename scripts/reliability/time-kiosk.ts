/**
 * The time campaign's kiosk: the whole daemon in-process (simulator mode, demo village) on a
 * `FakeClock`, driven through the simulated reader and buttons the way a resident drives it.
 * Every wait is on the runner (`idle()`), never on a guessed delay; time passes only when the
 * campaign advances the clock, so a simulated month runs as fast as the machine issues letters.
 */
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { FakeClock } from '../../src/flows/clock.ts';
import { silentLogger } from '../../src/log.ts';
import { type Daemon, startDaemon } from '../../src/main.ts';
import { DEMO_CARDS } from '../../src/store/demo-data.ts';

/** WIB, the village's zone: the kiosk dates letters in the system's local zone. */
export const VILLAGE_TZ = 'Asia/Jakarta';
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Starts the daemon on `dataDir` with `clock`; daily limits lifted so 500 letters a day fit. */
export async function startTimeKiosk(dataDir: string, clock: FakeClock): Promise<Daemon> {
  const sink = new PassThrough();
  sink.resume();
  return startDaemon({
    clock,
    defaultConfigPath: path.join(dataDir, 'no-config.json'),
    env: {
      ANJUNGAN_DATA_DIR: dataDir,
      ANJUNGAN_LIMITS_DAILY_PER_TYPE: '100000',
      ANJUNGAN_TIMEOUTS_DONE_S: '2',
      // The drain limit is per real second; a simulated day passes in seconds: lift it.
      ANJUNGAN_MQTT_OUTBOX_DRAIN_RATE: '100000',
    },
    stdin: null,
    stdout: sink,
    logger: silentLogger(),
  });
}

/** The demo cards whose resident can be given a letter (alive, complete record). */
export function completeCards(daemon: Daemon): Buffer[] {
  return DEMO_CARDS.map((c) => Buffer.from(c.uid, 'hex')).filter((uid) => {
    const r = daemon.store.findByCard(uid);
    return r && r.status_dasar === 'HIDUP' && r.pekerjaan && r.tempat_lahir;
  });
}

/**
 * One resident's session: tap, greeting, the `choice`-th letter of the menu, the first purpose,
 * confirm. Answers the screen the session ended on (`done` when the letter printed); then the
 * resident presses ok on that screen and takes the card. No time passes inside a session: the
 * letter is dated at the clock's time when it is called.
 */
export async function session(
  daemon: Daemon,
  clock: FakeClock,
  uid: Buffer,
  choice: number,
): Promise<string> {
  const { reader, buttons } = daemon.adapters.sim;
  const runner = daemon.runner;
  const press = async (b: 'ok' | 'down') => {
    buttons!.press(b);
    await runner.idle();
  };
  reader!.tap(uid);
  let ended = runner.state.screen.name;
  if (ended === 'greeting') {
    await press('ok');
    if (runner.state.screen.name === 'choose_letter') {
      for (let i = 0; i < choice; i++) await press('down');
      await press('ok');
    }
    if (runner.state.screen.name === 'choose_purpose') await press('ok');
    if (runner.state.screen.name === 'confirm') await press('ok');
    await runner.idle();
    ended = runner.state.screen.name;
  }
  if (ended !== 'out_of_service' && ended !== 'idle') await press('ok');
  reader!.remove();
  // A screen that ok does not leave (an error screen) ends with the inactivity timeout.
  if (runner.state.screen.name !== 'idle' && runner.state.screen.name !== 'out_of_service') {
    clock.advance(daemon.config.timeouts.inactivity_s * 1000);
    await runner.idle();
  }
  return ended;
}

/** The simulated printer keeps each job's bytes: that is paper, not the kiosk's storage. */
export function clearSimulatedPaper(dataDir: string): void {
  const dir = path.join(dataDir, 'sim', 'prints');
  for (const f of safeList(dir)) rmSync(path.join(dir, f), { force: true });
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
