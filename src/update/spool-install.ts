/**
 * The root side of an online update (`anjungan update --spool`, run by anjungan-update.service
 * when anjungan-update.path sees the kiosk's request): takes the request, copies the bundle out
 * of the spool the unprivileged daemon owns into a root-only directory (so nothing can change it
 * between the check and the unpack), verifies it again and installs it with the health gate.
 * A refusal is written to the updater's state with its reason, for the kiosk to report.
 */
import { copyFileSync, lstatSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.ts';
import { errorMessage } from '../errors.ts';
import { checkBundle, type ManifestCheckOptions, UpdateRefusal } from './check-bundle.ts';
import { parseManifest } from './manifest.ts';
import { readRequest, spoolLayout } from './update-job.ts';
import {
  applyUpdate,
  readUpdateState,
  recordRefusal,
  type UpdaterDeps,
  type UpdateState,
} from './updater.ts';

/** Copies one regular file (never a link the spool's owner planted) into `dir`. */
function copyRegular(from: string, dir: string): void {
  const st = lstatSync(from, { throwIfNoEntry: false });
  if (!st?.isFile()) throw new UpdateRefusal('manifest', `${path.basename(from)} is missing from the spool`);
  copyFileSync(from, path.join(dir, path.basename(from)));
}

/** Null when there is no request; else the updater's final state for it. */
export async function installFromSpool(
  config: Config,
  deps: UpdaterDeps,
  checks: Omit<ManifestCheckOptions, 'keys' | 'allowDowngrade'> & Pick<ManifestCheckOptions, 'keys'>,
): Promise<UpdateState | null> {
  const spool = spoolLayout(config);
  const request = readRequest(spool);
  // Taken at once: the path unit would otherwise start the service again when it ends.
  rmSync(spool.requestFile, { force: true });
  if (!request) return null;
  const incoming = path.join(path.dirname(deps.layout.stateFile), 'incoming');
  try {
    rmSync(incoming, { recursive: true, force: true });
    mkdirSync(incoming, { recursive: true, mode: 0o700 });
    const manifestFile = path.join(spool.bundleDir, 'manifest.json');
    copyRegular(manifestFile, incoming);
    copyRegular(path.join(spool.bundleDir, 'manifest.sig'), incoming);
    const manifest = parseManifest(readFileSync(path.join(incoming, 'manifest.json'), 'utf8'));
    if (manifest.version !== request.version)
      throw new UpdateRefusal(
        'manifest',
        `the spool holds ${manifest.version}, the request asks for ${request.version}`,
      );
    copyRegular(path.join(spool.bundleDir, manifest.archive), incoming);
    const check = await checkBundle(incoming, { ...checks, allowDowngrade: request.allow_downgrade });
    deps.logger.info({ version: request.version }, 'update: the kiosk asked; bundle verified again');
    return await applyUpdate(check, deps, request.id);
  } catch (err) {
    if (!(err instanceof UpdateRefusal)) {
      // applyUpdate recorded its own failure (unpack, quiet wait); anything else is recorded here.
      const state = readUpdateState(deps.layout);
      if (state?.request_id === request.id) return state;
    }
    const reason = err instanceof UpdateRefusal ? err.reason : 'install';
    deps.logger.warn({ version: request.version, reason, err: errorMessage(err) }, 'update: refused');
    return recordRefusal(deps.layout, request.version, reason, errorMessage(err), request.id);
  } finally {
    rmSync(incoming, { recursive: true, force: true });
  }
}
