/**
 * `anjungan config show`: the effective config as the kiosk runs it (defaults ← config.json ←
 * the district's config.d/remote.json ← ANJUNGAN_* variables), with where each layer came from,
 * which keys the remote layer sets and the hash the district sees in `state.config_hash`.
 */
import { loadConfig } from '../config/load-config.ts';
import { configHash, isJsonObject, type JsonObject } from '../config/remote-layer.ts';
import type { Command } from './command.ts';
import { CONFIG_HELP, CONFIG_OPTION, parseCommandArgs, requireSubcommand } from './context.ts';

const HELP = `Usage: anjungan config show [--config FILE] [--remote]

Prints the config this kiosk runs on, as JSON (the MQTT password shown as "***"), after lines
starting with '#' that say where it came from:

  # config file:      the local file (technician's)
  # remote settings:  config.d/remote.json beside it: the district's version, when it was
                      applied and the keys it sets (cmd/config); or why it was left out
  # config hash:      sha256 of the effective config, as in the kiosk's MQTT state

ANJUNGAN_* environment variables of this shell apply, as they would to the daemon.

Options:
${CONFIG_HELP}
  --remote        print only the remote layer's settings (JSON), not the whole config

Exit codes: 0 done, 1 the config cannot be read, 2 wrong usage.`;

const config: Command = {
  name: 'config',
  summary: "show the effective config and the district's remote settings layer",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { ...CONFIG_OPTION, remote: { type: 'boolean' } },
      'config',
    );
    requireSubcommand(positionals, 'show', 'config');
    const loaded = loadConfig({ path: values.config, env: io.env });
    for (const warning of loaded.warnings) io.stderr.write(`warning: ${warning}\n`);
    const { remote, remoteFile, remoteProblem } = loaded.layers;
    if (values.remote) {
      io.stdout.write(`${JSON.stringify(remote?.settings ?? {}, null, 2)}\n`);
      return 0;
    }
    const lines = [`# config file: ${loaded.source ?? '(none: simulator mode on embedded defaults)'}`];
    if (remote)
      lines.push(
        `# remote settings: ${remoteFile}, version ${remote.version}, applied ${remote.applied_at}: ${leafKeys(remote.settings).join(', ') || '(no keys)'}`,
      );
    else if (remoteProblem) lines.push(`# remote settings: LEFT OUT: ${remoteProblem}`);
    else lines.push(`# remote settings: none${remoteFile ? ` (${remoteFile} does not exist)` : ''}`);
    lines.push(`# config hash: ${configHash(loaded.config)}`);
    const shown = structuredClone(loaded.config);
    if (shown.mqtt.password !== null) shown.mqtt.password = '***';
    io.stdout.write(`${lines.join('\n')}\n${JSON.stringify(shown, null, 2)}\n`);
    return 0;
  },
};

export default config;

function leafKeys(value: JsonObject, prefix = ''): string[] {
  return Object.entries(value).flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    return isJsonObject(v) && Object.keys(v).length > 0 ? leafKeys(v, key) : [key];
  });
}
