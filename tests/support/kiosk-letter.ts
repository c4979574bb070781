/**
 * One resident session on the whole in-process kiosk (simulator mode, demo village): a demo card
 * with a complete record is tapped and ok pressed four times, so a real letter is numbered,
 * signed, composed and printed.
 */
import { silentLogger } from '../../src/log.ts';
import { type Daemon, startDaemon } from '../../src/main.ts';
import { DEMO_CARDS } from '../../src/store/demo-data.ts';
import { TextSink, waitFor } from './wait.ts';

export function startSimKiosk(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<Daemon> {
  return startDaemon({
    defaultConfigPath: `${dataDir}/no-config.json`,
    env: { ANJUNGAN_DATA_DIR: dataDir, ...env },
    stdin: null,
    stdout: new TextSink().stream,
    logger: silentLogger(),
  });
}

export function waitForScreen(daemon: Daemon, name: string, ms = 20_000): Promise<unknown> {
  return waitFor(
    `screen ${name} (now ${daemon.runner.state.screen.name})`,
    () => daemon.runner.state.screen.name === name,
    ms,
  );
}

/**
 * Taps a complete demo card and confirms the first letter, purpose and confirmation; waits for
 * `until` (done: the letter printed).
 */
export async function issueLetterThroughKiosk(daemon: Daemon, until = 'done'): Promise<void> {
  await waitForScreen(daemon, 'idle');
  const card = DEMO_CARDS.map((c) => Buffer.from(c.uid, 'hex')).find((uid) => {
    const r = daemon.store.findByCard(uid);
    return r && r.status_dasar === 'HIDUP' && r.pekerjaan && r.tempat_lahir;
  });
  if (!card) throw new Error('no complete demo card');
  daemon.adapters.sim.reader!.tap(card);
  for (const next of ['greeting', 'choose_letter', 'choose_purpose', 'confirm']) {
    await waitForScreen(daemon, next);
    daemon.adapters.sim.buttons!.press('ok');
    await daemon.runner.idle();
  }
  await waitForScreen(daemon, until);
}
