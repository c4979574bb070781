/**
 * Where releases live, relative to `update.root` (`/` on a kiosk; tests and
 * ANJUNGAN_UPDATE_ROOT point it at a temporary tree):
 *
 *   opt/anjungan/releases/<version>/      one unpacked release each, owned by root
 *   opt/anjungan/current -> releases/<v>  the running one, switched by renaming a new symlink
 *   etc/anjungan/release-keys/*.pub       release keys the kiosk trusts (install.sh)
 *   var/lib/anjungan-update/state.json    the updater's progress, so a crash mid-update recovers
 *   run/anjungan/health.json              what the running kiosk says of itself (health gate)
 *
 * Data and config are never inside a release.
 */
import path from 'node:path';

export interface UpdateLayout {
  root: string;
  optDir: string;
  releasesDir: string;
  currentLink: string;
  releaseKeysDir: string;
  stateFile: string;
  healthFile: string;
}

export function updateLayout(root: string): UpdateLayout {
  const optDir = path.join(root, 'opt/anjungan');
  return {
    root,
    optDir,
    releasesDir: path.join(optDir, 'releases'),
    currentLink: path.join(optDir, 'current'),
    releaseKeysDir: path.join(root, 'etc/anjungan/release-keys'),
    stateFile: path.join(root, 'var/lib/anjungan-update/state.json'),
    healthFile: path.join(root, 'run/anjungan/health.json'),
  };
}
