/**
 * Card tap → greeting frame WRITTEN to the framebuffer (the daemon's `tap_to_greeting` stops at
 * the `display.show()` call, before the screen is rendered): from the card's UID read (the
 * reader's `tap` event, the "reading" frame already drawn) to the greeting's bytes written. The
 * whole daemon runs in-process with a village-sized data set and the real framebuffer adapter,
 * writing RGB565 frames into a regular file behind a fake /sys/class/graphics tree, at 480×320
 * and 800×480. A frame counts as written when the adapter's show() resolves, i.e. after its
 * write at offset 0 of the device returned.
 *
 * Beside the wall time, the process's CPU time from the UID to the frame (main thread and
 * sharp's threads: `process.cpuUsage`), which depends much less on what else the machine runs.
 *
 *   node --import tsx scripts/bench-frame.ts          (or: npm run bench -- frame)
 *   BENCH_FRAME_RESIDENTS=… BENCH_FRAME_SESSIONS=…     smaller runs
 *   BENCH_PI=1 ../shared/tools/pi-budget -- node --import tsx scripts/bench-frame.ts   (keys end in _pi)
 *   BENCH_MERGE=docs/bench-results.json …             also update those keys in the results file
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { mergeFigures, piSuffix } from './bench-merge.ts';
import { percentile, round } from './bench-stats.ts';
import { nikOf, startQuietDaemon, uidOf, villageDataDir } from './bench-store.ts';

const RESIDENTS = Number(process.env.BENCH_FRAME_RESIDENTS ?? 100_000);
const SESSIONS = Number(process.env.BENCH_FRAME_SESSIONS ?? 200);
const SIZES = [
  [480, 320],
  [800, 480],
] as const;

export async function benchFrame(): Promise<Record<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anj-bench-frame-'));
  try {
    const { dataDir } = await villageDataDir(dir, RESIDENTS);
    const pi = piSuffix();
    const figures: Record<string, number> = { [`residents${pi}`]: RESIDENTS, [`sessions${pi}`]: SESSIONS };
    for (const [width, height] of SIZES) {
      const { wall, cpu } = await measureSize(dir, dataDir, width, height);
      const key = `tap_to_frame_${width}x${height}`;
      figures[`${key}_p50_ms${pi}`] = round(percentile(wall, 50), 1);
      figures[`${key}_p99_ms${pi}`] = round(percentile(wall, 99), 1);
      figures[`${key}_cpu_p50_ms${pi}`] = round(percentile(cpu, 50), 2);
      figures[`${key}_cpu_p99_ms${pi}`] = round(percentile(cpu, 99), 2);
    }
    return figures;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A fake panel: /sys/class/graphics/fb0 (RGB565) and /dev/fb0, a regular file of its size. */
function fakePanel(root: string, width: number, height: number) {
  const sysfsRoot = path.join(root, 'sys');
  const devRoot = path.join(root, 'dev');
  const fbDir = path.join(sysfsRoot, 'class', 'graphics', 'fb0');
  fs.mkdirSync(fbDir, { recursive: true });
  fs.mkdirSync(devRoot, { recursive: true });
  fs.writeFileSync(path.join(fbDir, 'name'), 'bench_panel\n');
  fs.writeFileSync(path.join(fbDir, 'virtual_size'), `${width},${height}\n`);
  fs.writeFileSync(path.join(fbDir, 'bits_per_pixel'), '16\n');
  fs.writeFileSync(path.join(devRoot, 'fb0'), Buffer.alloc(width * 2 * height));
  return { sysfsRoot, devRoot };
}

async function measureSize(
  dir: string,
  dataDir: string,
  width: number,
  height: number,
): Promise<{ wall: number[]; cpu: number[] }> {
  const root = path.join(dir, `panel-${width}x${height}`);
  const config = path.join(root, 'config.json');
  const framebufferPaths = fakePanel(root, width, height);
  fs.writeFileSync(
    config,
    JSON.stringify({
      data_dir: dataDir,
      log: { level: 'warn' },
      hardware: { display: { driver: 'framebuffer', device: 'fb0', width, height } },
    }),
  );
  const daemon = await startQuietDaemon(config, framebufferPaths);
  const { display } = daemon.adapters;
  const reader = daemon.adapters.sim.reader!;
  const buttons = daemon.adapters.sim.buttons!;
  // Resolved when the greeting's frame is written: the measurement waits on that event (a
  // polling loop would spend the CPU the render needs, on a quarter of a core most of all).
  let onGreeting: ((at: number) => void) | null = null;
  let lastDraw: Promise<void> = Promise.resolve();
  const show = display.show.bind(display);
  display.show = (model) => {
    const drawn = show(model);
    lastDraw = drawn.catch(() => undefined);
    const done = model.id === 'greeting' ? onGreeting : null;
    if (done) {
      onGreeting = null;
      void drawn.then(() => done(performance.now()));
    }
    return drawn;
  };
  const wall: number[] = [];
  const cpu: number[] = [];
  try {
    for (let i = 0; wall.length < SESSIONS; i++) {
      const n = i * 37 + 11;
      const uid = uidOf(n);
      const resident = daemon.store.findByCard(uid);
      if (resident?.nik !== nikOf(n)) throw new Error('bench data: card not bound');
      // The data set repeats the demo residents, some moved away on purpose: no greeting for them.
      if (resident.status_dasar !== 'HIDUP') continue;
      // A real reader reports the card ~0.5 s before its UID (pcscd polls), time in which the
      // "reading" frame is drawn; the sim reader sends both at once, so they are sent apart here
      // and the clock starts at the UID, with every earlier frame already on the panel.
      reader.emit('detected');
      await lastDraw;
      const greeted = new Promise<number>((resolve) => {
        onGreeting = resolve;
      });
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      reader.emit('tap', { uid });
      const frameAt = await withTimeout(greeted, () => daemon.runner.state.screen.name);
      const used = process.cpuUsage(cpu0);
      wall.push(frameAt - t0);
      cpu.push((used.user + used.system) / 1000);
      reader.emit('removed');
      buttons.press('back');
      await daemon.runner.idle();
    }
  } finally {
    await daemon.stop();
  }
  return { wall, cpu };
}

async function withTimeout<T>(p: Promise<T>, screen: () => string, ms = 30_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: no greeting frame (screen: ${screen()})`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await benchFrame();
  console.table(Object.entries(figures).map(([figure, value]) => ({ figure, value })));
  mergeFigures('frame', figures);
}
