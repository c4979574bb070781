/**
 * The composition root: config → keys → data → adapters → services → flow → start → signals.
 *
 *   card reader ─┐                          ┌→ display (screenFor → show)
 *   buttons ─────┼→ FlowRunner (pure step) ─┼→ bus → MQTT reporter
 *   printer ─────┘        │                 └→ logs
 *                         └→ LetterService → register (fsync) → printer
 *
 * `startDaemon` is used by `anjungan run` and by the in-process end-to-end tests.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createSpeech } from './audio/wire-audio.ts';
import { resolveCard } from './card-lookup.ts';
import type { Config } from './config/config.ts';
import { loadConfig } from './config/load-config.ts';
import { currentLogo } from './config/remote-logo.ts';
import { RemoteSettings } from './config/remote-settings.ts';
import { type AnnouncementImages, loadAnnouncementImages } from './display/announcement-images.ts';
import { useShippedFonts } from './display/fonts.ts';
import type { ScreenModel, TouchOptions } from './display/screen-model.ts';
import { screenFor } from './display/screens.ts';
import { isKioskError } from './errors.ts';
import { type DomainEvent, KioskBus, type KioskControls, type KioskStatus } from './events.ts';
import { type Clock, systemClock } from './flows/clock.ts';
import { ClockGuard, systemClockSynced } from './flows/clock-guard.ts';
import { FlowRunner } from './flows/flow-runner.ts';
import { outOfServiceReasons } from './flows/kiosk-flow.ts';
import type { Health, KioskState } from './flows/kiosk-state.ts';
import { type Adapters, createAdapters } from './hardware/create-adapters.ts';
import type { FramebufferPaths } from './hardware/display.framebuffer.ts';
import { warmUpEscpos } from './hardware/escpos-encode.ts';
import { MIN_TARGET_MM, mmToPx, panelDpi } from './hardware/panel-metrics.ts';
import { logicalCanvas } from './hardware/touch-adapter.ts';
import { runHealthChecks } from './health-checks.ts';
import { removeArchiveTemps } from './letters/letter-archive.ts';
import { LetterService, type LetterServiceDeps } from './letters/letter-service.ts';
import { loadLetterTypes } from './letters/letter-types.ts';
import { type LetterRegister, localDay } from './letters/register.ts';
import { RevocationInbox } from './letters/revocations.ts';
import { createLogger, type Logger } from './log.ts';
import { RotatingLogFile } from './log-file.ts';
import { kioskLogDir } from './mqtt/remote-logs.ts';
import { loadKeys, openRegister } from './open-durable-data.ts';
import { ReportingLink } from './reporting-link.ts';
import { SimOutput } from './sim/sim-output.ts';
import { attachSimCommands, type SimCommandContext } from './sim/stdin-commands.ts';
import { DEMO_CARDS, seedDemo } from './store/demo-data.ts';
import { fileVersion } from './store/durable-file.ts';
import { LiveResidents } from './store/live-residents.ts';
import { RatingsLog } from './store/ratings.ts';
import { RemoteHold } from './store/remote-hold.ts';
import { type ResidentLookup, UnavailableResidents } from './store/resident-lookup.ts';
import { ResidentStore } from './store/resident-store.ts';
import { StorageGuard, type StorageReading } from './store/storage-guard.ts';
import { wireTouch } from './touch-input.ts';
import { wireHealthFile } from './update/wire-health.ts';
import { createOnlineUpdate } from './update/wire-online-update.ts';
import { BUILD_DATE, VERSION } from './version.ts';
import type { WebOptions } from './web/web-options.ts';
import { mirrorForWeb, startWeb } from './web/wire-web.ts';
import { withTimeout } from './with-timeout.ts';

export interface DaemonOptions {
  configPath?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Simulator command input (the terminal); null: none. */
  stdin?: NodeJS.ReadableStream | null;
  /** Screen text frames and `sim:` answers. */
  stdout?: NodeJS.WritableStream;
  logger?: Logger;
  clock?: Clock;
  /** Override the default config path (tests). */
  defaultConfigPath?: string;
  /** Called when the daemon wants to end (the `quit` command). */
  onQuit?: () => void;
  /** Run the demo village in simulator mode, whatever config file exists (`anjungan run --sim`). */
  forceSimulator?: boolean;
  /**
   * At the end of the command input, finish what is in progress and stop, as `quit` does.
   * Default: in simulator mode. Off when something else drives the kiosk (the web simulator).
   */
  stopAtEndOfInput?: boolean;
  /** Where the framebuffer display looks for /sys and /dev (benchmarks write frames to a file). */
  framebufferPaths?: FramebufferPaths;
  /** The web simulator (`run --web`); simulator mode only. */
  web?: WebOptions | null;
}

export interface Daemon {
  config: Config;
  simulator: boolean;
  adapters: Adapters;
  runner: FlowRunner;
  store: ResidentLookup;
  register: LetterRegister;
  bus: KioskBus;
  status(): KioskStatus;
  /** False when the kiosk is wedged (a letter stuck printing): systemd's watchdog then restarts it. */
  healthy(): boolean;
  stop(): Promise<void>;
}

export async function startDaemon(options: DaemonOptions = {}): Promise<Daemon> {
  // fontconfig reads FONTCONFIG_FILE once, at the first text render anywhere in the process.
  useShippedFonts();
  const env = options.env ?? process.env;
  const loaded = loadConfig({
    path: options.configPath,
    env,
    defaultPath: options.defaultConfigPath,
    simulator: options.forceSimulator,
  });
  const { config, simulator } = loaded;
  // The journal gets every line; a copy goes to <data_dir>/log/ for `cmd/logs` (the service user
  // cannot read the journal).
  const logger =
    options.logger ??
    createLogger(config.log.level, process.stderr, new RotatingLogFile(kioskLogDir(config)));
  const clock = options.clock ?? systemClock;
  const stdout = options.stdout ?? process.stdout;
  for (const warning of loaded.warnings) logger.warn(warning);
  if (simulator) {
    logger.warn(
      { data_dir: config.data_dir },
      options.forceSimulator
        ? 'SIMULATOR MODE (--sim): running the demo village on embedded defaults, any config file ignored'
        : 'NO CONFIG FILE: running the demo village in SIMULATOR MODE on embedded defaults (run `anjungan provision` to configure a real kiosk)',
    );
  } else {
    logger.info(
      { config: loaded.source, device: config.device.id, village: config.village.code },
      'config loaded',
    );
  }

  mkdirSync(config.data_dir, { recursive: true });
  const { keys, keysOk } = await loadKeys(config, logger);
  const residentsFile = path.join(config.data_dir, 'residents.json');
  // Never seed demo data under throwaway keys.
  const opened = await openResidents(residentsFile, keys.uidKey, simulator && keysOk, logger);
  const dataOk = opened.dataOk;
  // Technicians change residents and cards with the CLI while the kiosk runs: reload, no restart.
  const store = new LiveResidents(
    {
      file: residentsFile,
      open: () => ResidentStore.open(config.data_dir, keys.uidKey, logger),
      onAvailable: () => runner.setHealth({ data_ok: true }),
      onReloaded: (counts) => bus.emitEvent({ type: 'residents_reloaded', ...counts }),
      logger,
    },
    opened.store,
    dataOk,
    opened.version,
  );
  const register = await openRegister(config, logger, () => clock.now());
  // Free space in data_dir (storage.min_free_mb): out of service before a number is taken.
  let onStorage: (reading: StorageReading) => void = () => {};
  const storage = new StorageGuard({
    dataDir: config.data_dir,
    minFreeMb: config.storage.min_free_mb,
    intervalMs: config.storage.check_interval_s * 1000,
    logger,
    onChange: (reading) => onStorage(reading),
  });
  const firstStorage = await storage.checkNow();
  const staleTemps = await removeArchiveTemps(config.data_dir);
  if (staleTemps > 0)
    logger.warn({ files: staleTemps }, 'letter archive: removed temp files left by a power cut');
  const types = new Map(loadLetterTypes(config.letters.types).map((t) => [t.id, t]));
  // The village's satisfaction tally (flow.rating): kept only when ratings are asked for.
  const ratings = config.flow.rating ? await RatingsLog.open(config.data_dir, logger) : null;
  const bus = new KioskBus();
  for (const entry of register.interrupted) {
    logger.warn(
      { number: entry.number, letter_type: entry.letter_type },
      'letter interrupted by a restart: number kept, not reused',
    );
  }
  if (dataOk && store.count() === 0)
    logger.warn('no residents loaded: import them with `anjungan residents import <file>`');

  // Frames and command answers share stdout; a command's answer comes before the frames it caused.
  const simOut = new SimOutput(stdout);
  const adapters = await createAdapters(config, {
    logger,
    screenOut: simOut,
    framebufferPaths: options.framebufferPaths,
  });
  const { reader, buttons, printer, receiptPrinter, indicator } = adapters;
  const display = mirrorForWeb(adapters.display, options.web, { simulator, config, logger });
  const now = () => new Date(clock.now());

  const clockGuard = new ClockGuard({
    clock,
    buildDate: new Date(BUILD_DATE),
    newestRegisterTime: () => register.newestTime(),
    requireSync: config.clock.require_sync,
    isSynced: systemClockSynced,
    intervalMs: config.clock.check_interval_s * 1000,
    logger,
  });
  const firstClock = await clockGuard.check();
  if (!firstClock.trusted)
    logger.warn({ reason: firstClock.reason }, 'clock not trusted: out of service until it is set');

  const warnLogo = (message: string, file: string) => logger.warn({ file }, message);
  const letterDeps: LetterServiceDeps = {
    config,
    store,
    register,
    types,
    printer,
    receiptPrinter,
    keys,
    bus,
    // The runner's health is the one record of whether the clock is trusted.
    clockTrusted: () => runner.state.health.clock_trusted,
    onClockRefused: () => void clockGuard.checkNow(),
    storage,
    now,
    logger,
    logo: currentLogo(config, warnLogo),
  };
  const letters = new LetterService(letterDeps);
  // The district's cmd/config changes `config` in place; what was derived from it is rebuilt here.
  const remoteSettings = new RemoteSettings({
    config,
    layers: loaded.layers,
    bus,
    logger,
    now,
    onApplied: () => {
      types.clear();
      for (const t of loadLetterTypes(config.letters.types)) types.set(t.id, t);
      letterDeps.logo = currentLogo(config, warnLogo);
      void reloadAnnouncementImages();
      draw(runner.state);
      publishStatus(runner.state);
    },
  });

  let network: 'online' | 'offline' | 'none' = 'none';
  let printingSince: number | null = null;
  let lastStatusJson = '';
  const computeStatus = (state: KioskState): KioskStatus => ({
    flow_state: state.screen.name,
    out_of_service: outOfServiceReasons(state.health),
    remote_reason: state.health.remote_reason,
    printer: state.health.printer,
    printers: { letter: state.health.printer, receipt: receiptPrinter?.status ?? null },
    reader_present: state.health.reader_present,
    clock_trusted: state.health.clock_trusted,
    letters_today: register.countOn(now()),
    config_hash: remoteSettings.configHash,
    remote_config_version: remoteSettings.version,
    ...(onlineUpdate ? { update: onlineUpdate.status() } : {}),
    storage_free_mb: storage.reading.freeMb,
  });
  const publishStatus = (state: KioskState) => {
    const status = computeStatus(state);
    const json = JSON.stringify(status);
    if (json !== lastStatusJson) {
      lastStatusJson = json;
      bus.emit('status', status);
    }
  };
  const touchLayout = touchOptions(config, simulator, adapters.touch !== null);
  const speech = createSpeech(config, logger);
  let shown: ScreenModel | null = null;
  let announcementImages: AnnouncementImages = new Map();
  // The news pictures decode in the background (at start, and when the district changes the
  // announcements remotely): until then the idle screen shows the text alone.
  const reloadAnnouncementImages = () =>
    loadAnnouncementImages(config.village.announcements ?? [], logicalCanvas(config.hardware.display), logger)
      .then((images) => {
        announcementImages = images;
        if (images.size > 0) draw(runner.state);
      })
      .catch((err: unknown) => logger.warn({ err }, 'announcement images not loaded: text only'));
  const draw = (state: KioskState) => {
    const model = screenFor(state, {
      village: config.village,
      now: now(),
      network,
      paperMm: printer.paperMm,
      touch: touchLayout,
      readerHint: config.hardware.reader.location_hint ?? null,
      speech: speech !== null,
      announcementImages,
    });
    shown = model;
    speech?.shown(state, model);
    display.show(model).catch((err: unknown) => logger.error({ err }, 'display failed to show a screen'));
  };

  const runner = new FlowRunner(
    {
      clock,
      logger,
      reader,
      buttons,
      printer,
      indicator,
      settings: {
        flow: {
          ...config.flow,
          // Read at every step: the district's cmd/config changes them live (config in place).
          get unknown_cards_per_minute() {
            return config.limits.unknown_cards_per_minute;
          },
          get unknown_card_pause_s() {
            return config.limits.unknown_card_pause_s;
          },
          rating: config.flow.rating,
          birth_date_check: adapters.touch !== null,
        },
        timeouts: config.timeouts,
      },
      resolveCard: (uid) => resolveCard(uid, { store, register, types, config, now: now() }),
      issueLetter: (req, onProgress) => letters.issue(req, onProgress),
      onState: (state, previous) => {
        if (state.screen.name === 'printing' && previous.screen.name !== 'printing')
          printingSince = clock.monotonic();
        if (state.screen.name !== 'printing') printingSince = null;
        draw(state);
        publishStatus(state);
        reportHealthChanges(previous.health, state.health, bus);
        if (state.screen.name !== previous.screen.name) logger.debug({ screen: state.screen.name }, 'screen');
      },
      onReport: (event) => {
        if (event === 'card_unknown') bus.emitEvent({ type: 'card_unknown' });
        if (event === 'birth_date_mismatch') bus.emitEvent({ type: 'birth_date_mismatch' });
      },
      onCardBurst: (count) => bus.emitEvent({ type: 'card_burst', count }),
      onRating: (choice, letter_type) => {
        bus.emitEvent({ type: 'rating', choice, letter_type });
        ratings
          ?.append({ day: localDay(now()), choice, letter_type })
          .catch((err: unknown) => logger.error({ err }, 'rating not recorded'));
      },
      onRepeat: () => speech?.repeat(),
    },
    {
      printer: printer.status,
      reader_present: reader.present,
      clock_trusted: firstClock.trusted,
      data_ok: dataOk,
      register_ok: register.damage === null && keysOk,
      storage_ok: firstStorage.ok,
    },
  );
  onStorage = (reading) => {
    runner.setHealth({ storage_ok: reading.ok });
    publishStatus(runner.state);
  };

  // The district's out-of-service survives restarts until the district or a technician lifts it.
  const remoteHold = new RemoteHold({
    dataDir: config.data_dir,
    logger,
    apply: (reason) => runner.setHealth({ remote_reason: reason }),
    onLiftedOnSite: (reason, at) =>
      bus.emitEvent({ type: 'resumed_on_site', remote_reason: reason }, Date.parse(at)),
  });
  const heldReason = await remoteHold.load();
  // cmd/update: download, verify and wait for a quiet time here; the root unit installs.
  const onlineUpdate = createOnlineUpdate({
    config,
    simulator,
    bus,
    logger,
    screen: () => runner.state.screen.name,
    onStatus: () => publishStatus(runner.state),
    now,
  });
  const controls: KioskControls = {
    status: () => computeStatus(runner.state),
    setRemoteOutOfService: (reason) => remoteHold.set(reason),
    health: () =>
      runHealthChecks({
        printer,
        printing: () => printingSince !== null,
        health: () => runner.state.health,
        registerEntries: () => register.size(),
        dataDir: config.data_dir,
        minFreeMb: config.storage.min_free_mb,
        network: () => network,
      }),
    applyConfig: (args) => remoteSettings.apply(args),
    update: onlineUpdate ? (args) => onlineUpdate.accept(args) : undefined,
  };
  const reporting = new ReportingLink({ config, simulator, bus, controls, logger, startedAt: clock.now() });

  if (simulator) {
    stdout.write(
      `sim: SIMULATOR MODE — demo village Desa ${config.village.name}; type 'help' for commands\n`,
    );
    stdout.write(
      `${demoCardLines(true)
        .map((l) => `sim: ${l}`)
        .join('\n')}\n`,
    );
  }
  // warmUpEscpos: the first letter would otherwise pay ~80 ms of cold encoder start.
  await Promise.all([
    printer.start(),
    receiptPrinter?.start(),
    display.start(),
    indicator?.start(),
    warmUpEscpos(config.hardware.printer.paper_mm),
  ]);
  await reader.start();
  await buttons.start();
  const unwireTouch = adapters.touch
    ? wireTouch({
        touch: adapters.touch,
        runner,
        currentModel: () => shown,
        canvas: logicalCanvas(config.hardware.display),
        clock,
        logger,
        onRepeat: () => speech?.repeat(),
      })
    : undefined;
  await adapters.touch?.start();
  await printer.probe();
  runner.start();
  void reloadAnnouncementImages();
  // A receipt printer's faults do not take the kiosk out of service: they show in the state only.
  receiptPrinter?.on('status', () => publishStatus(runner.state));
  // Adapters report presence/status while starting, before the runner listened: take them now.
  runner.setHealth({ printer: printer.status, reader_present: reader.present, remote_reason: heldReason });
  // The first frame: start() does not emit a state change, so draw idle (or out of service) now.
  draw(runner.state);
  publishStatus(runner.state);
  store.start();
  clockGuard.start((trusted) => {
    runner.setHealth({ clock_trusted: trusted });
  });
  storage.start();
  // The status bar shows the time: redraw every 20 s (an unchanged frame costs nothing); the
  // status is re-published only if it changed (letters_today resets at midnight).
  const clockTick = setInterval(() => {
    draw(runner.state);
    publishStatus(runner.state);
  }, 20_000);
  clockTick.unref();
  reporting.on('connection', (state) => {
    network = state;
    draw(runner.state);
  });
  // Never throws: a broker or TLS problem turns reporting off, never the kiosk.
  await reporting.start();
  const healthFile = wireHealthFile({ config, simulator, bus, status: controls.status, reporting, logger });
  onlineUpdate?.start();
  const simCommands: SimCommandContext = {
    sim: adapters.sim,
    cards: () => demoCardLines(simulator),
    quit: () => (options.onQuit ? options.onQuit() : void stop()),
  };
  const web = options.web
    ? await startWeb({
        display,
        web: options.web,
        config,
        commands: simCommands,
        bus,
        mqttUrl: () => reporting.brokerUrl,
        paperMm: config.hardware.printer.paper_mm,
        logger,
        stdout,
      })
    : null;
  bus.emitEvent({ type: 'started' });
  remoteSettings.reportStartProblem();
  remoteHold.start();
  if (!runner.state.health.clock_trusted) bus.emitEvent({ type: 'clock_untrusted' });
  if (!reader.present) bus.emitEvent({ type: 'reader_missing' });
  for (const entry of register.interrupted) {
    bus.emitEvent({ type: 'letter_interrupted', number: entry.number, letter_type: entry.letter_type });
  }
  // `anjungan letters revoke` hands its request over a file: the daemon is the register's writer.
  const revocations = new RevocationInbox({ dataDir: config.data_dir, register, bus, logger, now });
  await revocations.start();

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      logger.info('stopping: finishing any letter in progress');
      detachStdin?.();
      await web?.stop();
      clockGuard.stop();
      storage.stop();
      remoteHold.stop();
      onlineUpdate?.stop();
      clearInterval(clockTick);
      await revocations.stop();
      await store.stop();
      await withTimeout(runner.idle(), config.hardware.printer.timeout_ms + 2000);
      runner.stop();
      healthFile?.close();
      bus.emitEvent({ type: 'stopping' });
      await reporting.stop();
      unwireTouch?.();
      speech?.stop();
      await Promise.allSettled([
        adapters.touch?.stop(),
        reader.stop(),
        buttons.stop(),
        printer.stop(),
        receiptPrinter?.stop(),
        display.stop(),
        indicator?.stop(),
      ]);
      // Every register line is already fsynced; closing releases the file.
      await register.close();
      await ratings?.close();
      logger.info('stopped');
    })();
    return stopping;
  };

  let detachStdin: (() => void) | undefined;
  const anySim = Object.values(adapters.sim).some(Boolean);
  if (anySim && options.stdin !== null) {
    detachStdin = attachSimCommands(options.stdin ?? process.stdin, simOut, simCommands, {
      stopAtEndOfInput: options.stopAtEndOfInput ?? (simulator && !options.web),
    });
  }
  logger.info(
    {
      version: VERSION,
      simulator,
      reader: reader.describe(),
      printer: printer.describe(),
      display: display.describe(),
    },
    'kiosk ready',
  );

  return {
    config,
    simulator,
    adapters,
    runner,
    store,
    register,
    bus,
    status: controls.status,
    healthy: () =>
      printingSince === null ||
      clock.monotonic() - printingSince < 2 * config.hardware.printer.timeout_ms + 5000,
    stop,
  };
}

/**
 * Opens the resident data. A file that cannot be read even from its backup keeps the kiosk up but
 * out of service (never silently empty, never a blank screen in a restart loop).
 */
async function openResidents(
  file: string,
  uidKey: Buffer,
  simulator: boolean,
  logger: Logger,
): Promise<{ store: ResidentLookup; dataOk: boolean; version: string | null }> {
  // The version of the file the data came from, for LiveResidents: the store takes it before
  // reading (a technician's change made meanwhile is noticed) and after its own writes (the
  // simulator's demo seeding is not a change). Taken here too for when the file cannot be read.
  const version = await fileVersion(file);
  try {
    const store = await ResidentStore.open(path.dirname(file), uidKey, logger);
    if (simulator) await seedDemo(store);
    return { store, dataOk: true, version: store.version };
  } catch (err) {
    if (!isKioskError(err, 'data_corrupt')) throw err;
    logger.fatal({ err: err.message }, 'RESIDENT DATA UNREADABLE: out of service until the file is restored');
    return { store: new UnavailableResidents(uidKey), dataOk: false, version };
  }
}

/** Finger-sized layouts when a touch panel is configured; keys drawn where buttons exist. */
function touchOptions(config: Config, simulator: boolean, touch: boolean): TouchOptions | undefined {
  if (!touch) return undefined;
  const { display, buttons } = config.hardware;
  const dpi = panelDpi(display.width, display.height, display.dpi);
  return { target_px: mmToPx(MIN_TARGET_MM, dpi), buttons: simulator || buttons.driver === 'gpio' };
}

function demoCardLines(simulator: boolean): string[] {
  if (!simulator) return ['no demo cards: this kiosk runs on its own configuration'];
  return ['demo cards (tap <UID>):', ...DEMO_CARDS.map((c) => `  ${c.uid.padEnd(16)} ${c.note}`)];
}

/** Turns health transitions into the district's events (paper_out, printer_offline, …). */
function reportHealthChanges(before: Health, after: Health, bus: KioskBus): void {
  const events: DomainEvent[] = [];
  if (before.printer !== after.printer) {
    if (after.printer === 'paper_out') events.push({ type: 'paper_out' });
    if (after.printer === 'paper_near_end') events.push({ type: 'paper_near_end' });
    if (after.printer === 'offline') events.push({ type: 'printer_offline' });
  }
  if (before.reader_present && !after.reader_present) events.push({ type: 'reader_missing' });
  if (before.clock_trusted && !after.clock_trusted) events.push({ type: 'clock_untrusted' });
  for (const e of events) bus.emitEvent(e);
}
