/**
 * Selftest: can this kiosk reach the district broker with its credentials? Connects once to each
 * configured URL with a client id of its own (the kiosk's id would kick the running daemon off
 * the broker), and disconnects.
 */
import { readTlsFiles } from '../config/file-checks.ts';
import { errorMessage } from '../errors.ts';
import { clientIdFor } from '../mqtt/topics.ts';
import type { CheckResult, SelftestCheck } from './checks.ts';

const CONNECT_TIMEOUT_MS = 8000;

export const mqttCheck: SelftestCheck = {
  name: 'mqtt',
  async run(ctx) {
    const m = ctx.config.mqtt;
    const urls = m.url === null ? [] : Array.isArray(m.url) ? m.url : [m.url];
    if (urls.length === 0) {
      return {
        ok: true,
        detail: ctx.simulator
          ? 'simulator: an embedded broker is started by `anjungan run`'
          : 'mqtt.url is not set: this kiosk does not report to the district',
        remedy: null,
      };
    }
    // The same check the daemon makes before it connects: a file it refuses turns reporting off.
    const read = readTlsFiles(m);
    if ('problems' in read) {
      return fail(
        `district reporting is off: ${read.problems.join('; ')}`,
        'fix mqtt.ca_file / cert_file / key_file (anjungan provision --ca-file --cert-file --key-file), then restart the kiosk',
      );
    }
    const tls = read.files;
    const { connectAsync } = await import('mqtt');
    const clientId = `${clientIdFor(ctx.config.village.code, ctx.config.device.id)}-selftest`.slice(0, 64);
    const results: { url: string; error: string | null }[] = [];
    for (const url of urls) {
      try {
        const client = await connectAsync(url, {
          clientId,
          protocolVersion: m.protocol_version,
          ...(m.username !== null ? { username: m.username } : {}),
          ...(m.password !== null ? { password: m.password } : {}),
          ...tls,
          clean: true,
          connectTimeout: CONNECT_TIMEOUT_MS,
          reconnectPeriod: 0,
        });
        await client.endAsync();
        results.push({ url, error: null });
      } catch (err) {
        results.push({ url, error: errorMessage(err) });
      }
    }
    const up = results.filter((r) => r.error === null);
    const detail = results.map((r) => `${r.url}: ${r.error === null ? 'connected' : r.error}`).join('; ');
    if (up.length > 0) return { ok: true, detail, remedy: null };
    return fail(detail, remedyFor(results.map((r) => r.error ?? '').join(' ')));
  },
};

function fail(detail: string, remedy: string): CheckResult {
  return { ok: false, detail, remedy };
}

function remedyFor(errors: string): string {
  if (/not authori[sz]ed|bad user ?name or password|code 4|code 5|135|134/i.test(errors)) {
    return 'the broker refused the credentials: check mqtt.username / mqtt.password with the district';
  }
  if (/protocol version/i.test(errors)) {
    return 'the broker does not speak MQTT 5: set mqtt.protocol_version to 4 (MQTT 3.1.1)';
  }
  if (/certificate|self[- ]signed|unable to verify|CERT/i.test(errors)) {
    return 'TLS failed: set mqtt.ca_file to the district CA certificate, and check the system clock';
  }
  if (/ENOTFOUND|EAI_AGAIN/.test(errors))
    return 'the broker name does not resolve: check DNS and the network';
  return 'check the network (ping the broker), the URL and port in mqtt.url, and the firewall';
}

export default mqttCheck;
