/**
 * `anjungan update`: install a signed release from a USB stick (or any folder), check one
 * without installing, show where updates stand, roll back, and finish an interrupted update.
 * The kiosk's own code never writes /opt: this command runs as root (by a technician, or by
 * anjungan-update.service at boot with --recover).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Config } from '../config/config.ts';
import { loadConfig } from '../config/load-config.ts';
import { KioskError } from '../errors.ts';
import { createLogger } from '../log.ts';
import { isRoot } from '../systemd/service-user.ts';
import { checkBundle, type RunningSystem } from '../update/check-bundle.ts';
import { updateLayout } from '../update/layout.ts';
import { trustedReleaseKeys } from '../update/manifest.ts';
import { neededNativeModules } from '../update/needed-native.ts';
import { currentVersion, installedVersions } from '../update/releases.ts';
import { installFromSpool } from '../update/spool-install.ts';
import {
  applyUpdate,
  readUpdateState,
  recoverUpdate,
  rollbackNow,
  type UpdaterDeps,
} from '../update/updater.ts';
import { VERSION } from '../version.ts';
import type { Command, CommandIo } from './command.ts';
import { CONFIG_HELP, CONFIG_OPTION, parseCommandArgs, usageError } from './context.ts';

const HELP = `Usage: anjungan update --from FILE|DIR [--check] [--allow-downgrade] [--config FILE]
       anjungan update --status | --rollback | --recover | --spool [--config FILE]

Installs a signed release bundle (manifest.json, manifest.sig and the .tar.gz, e.g. on a USB
stick) as /opt/anjungan/releases/<version>, switches /opt/anjungan/current to it, restarts the
kiosk and waits update.health_window_s for it to prove healthy; otherwise it switches back to
the release before. Nothing is changed by a bundle that is unsigned, signed by a key not in
/etc/anjungan/release-keys/, for another architecture or Node, older than the running version
(without --allow-downgrade), truncated or tampered.

Options:
  --from FILE|DIR     the bundle's folder, or any file in it
  --check             run every check, say what would be installed, change nothing (exit 0 if
                      it would install)
  --allow-downgrade   install an older version
  --status            the running release, the installed ones, the last update's outcome
  --rollback          switch back to the previous release now
  --recover           finish an update that was interrupted (run at boot by the update unit)
  --spool             install what the kiosk downloaded for a cmd/update and asked for
                      (<data_dir>/spool/update/request.json; run by anjungan-update.path)
${CONFIG_HELP}

Exit codes: 0 done (or would install), 1 refused or failed (the reason is printed), 2 usage.`;

function running(config: Config): RunningSystem {
  const layout = updateLayout(config.update.root);
  return {
    version: currentVersion(layout) ?? VERSION,
    arch: process.arch,
    nodeVersion: process.versions.node,
    nodeAbi: process.versions.modules,
  };
}

const exec = promisify(execFile);

function updaterDeps(config: Config, io: CommandIo): UpdaterDeps {
  const logger = createLogger(io.env.ANJUNGAN_LOG_LEVEL ?? 'info', io.stderr);
  // Tests stand a supervisor in for systemd; on a kiosk this is systemctl.
  const custom = io.env.ANJUNGAN_UPDATE_RESTART_CMD;
  return {
    layout: updateLayout(config.update.root),
    healthWindowMs: config.update.health_window_s * 1000,
    logger,
    settleMs: Number(io.env.ANJUNGAN_UPDATE_SETTLE_MS ?? 5000),
    restart: async () => {
      if (custom) await exec('sh', ['-c', custom]);
      else await exec('systemctl', ['restart', 'anjungan.service']);
    },
  };
}

function requireRoot(what: string): void {
  if (!isRoot()) throw new KioskError('update_failed', `${what} changes /opt/anjungan: run it with sudo`);
}

const update: Command = {
  name: 'update',
  summary: 'install a signed release (USB stick), check one, status, rollback',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        ...CONFIG_OPTION,
        from: { type: 'string' },
        check: { type: 'boolean' },
        'allow-downgrade': { type: 'boolean' },
        status: { type: 'boolean' },
        rollback: { type: 'boolean' },
        recover: { type: 'boolean' },
        spool: { type: 'boolean' },
      },
      'update',
    );
    if (positionals.length > 0) throw usageError(`unexpected argument '${positionals[0]}'`, 'update');
    const modes = [values.from !== undefined, values.status, values.rollback, values.recover, values.spool];
    if (modes.filter(Boolean).length !== 1)
      throw usageError('give one of --from, --status, --rollback, --recover, --spool', 'update');
    const { config } = loadConfig({ path: values.config, env: io.env });
    const layout = updateLayout(config.update.root);

    if (values.status) {
      const state = readUpdateState(layout);
      io.stdout.write(
        `${[
          `running:   ${currentVersion(layout) ?? `${VERSION} (not installed as a release)`}`,
          `installed: ${installedVersions(layout).join(', ') || '-'}`,
          `last update: ${state ? `${state.version} ${state.phase}${state.reason ? ` (${state.reason})` : ''} at ${state.updated_at}` : 'none'}`,
        ].join('\n')}\n`,
      );
      return 0;
    }
    if (values.rollback) {
      requireRoot('--rollback');
      const state = await rollbackNow(updaterDeps(config, io));
      io.stdout.write(`rolled back to ${state.previous}\n`);
      return 0;
    }
    if (values.recover) {
      requireRoot('--recover');
      const state = await recoverUpdate(updaterDeps(config, io));
      io.stdout.write(
        state
          ? `update ${state.version}: ${state.phase}${state.reason ? ` (${state.reason})` : ''}\n`
          : 'nothing to recover\n',
      );
      return state?.phase === 'rolled_back' || state?.phase === 'failed' ? 1 : 0;
    }

    if (values.spool) {
      requireRoot('--spool');
      const state = await installFromSpool(config, updaterDeps(config, io), {
        keys: trustedReleaseKeys(layout.releaseKeysDir),
        running: running(config),
        neededNative: neededNativeModules(config),
      });
      io.stdout.write(
        state
          ? `update ${state.version}: ${state.phase}${state.reason ? ` (${state.reason})` : ''}\n`
          : 'no install request in the spool\n',
      );
      return !state || state.phase === 'done' ? 0 : 1;
    }

    const check = await checkBundle(values.from!, {
      keys: trustedReleaseKeys(layout.releaseKeysDir),
      running: running(config),
      neededNative: neededNativeModules(config),
      allowDowngrade: values['allow-downgrade'],
    });
    const m = check.manifest;
    io.stdout.write(
      `bundle ${m.version} for linux-${m.arch} (Node ABI ${m.node_abi}), signed by ${check.keyFile}: all checks passed\n`,
    );
    if (values.check) {
      io.stdout.write(`would install ${m.version} (running ${running(config).version}); nothing changed\n`);
      return 0;
    }
    requireRoot('update');
    const state = await applyUpdate(check, updaterDeps(config, io));
    if (state.phase === 'done') {
      io.stdout.write(`updated to ${state.version}\n`);
      return 0;
    }
    io.stdout.write(`update to ${state.version} ${state.phase}: ${state.reason}\n`);
    return 1;
  },
};

export default update;
