/**
 * `anjungan run --web [PORT] [--web-host HOST]`: parsing (the port is optional, 0 is off) and the
 * refusal outside simulator mode (the page drives the kiosk and shows residents' names).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultConfig } from '../../src/config/defaults.ts';
import type { KioskError } from '../../src/errors.ts';
import { SimDisplay } from '../../src/hardware/display.sim.ts';
import { silentLogger } from '../../src/log.ts';
import { WebDisplay } from '../../src/web/web-display.ts';
import { splitWebFlag, webOptions } from '../../src/web/web-options.ts';
import { mirrorForWeb } from '../../src/web/wire-web.ts';
import { TextSink } from '../support/wait.ts';

test('--web, --web PORT, --web=PORT, --web 0, --web-host; other arguments pass through', () => {
  const parse = (argv: string[]) => {
    const { rest, port } = splitWebFlag(argv);
    const host = rest.includes('--web-host') ? rest[rest.indexOf('--web-host') + 1] : undefined;
    return { rest, web: webOptions(port, host) };
  };
  assert.equal(parse([]).web, null);
  assert.equal(parse(['--web']).web, { host: '127.0.0.1', port: 8080, explicit: false });
  assert.equal(parse(['--web', '9000', '--config', 'x.json']), {
    rest: ['--config', 'x.json'],
    web: { host: '127.0.0.1', port: 9000, explicit: true },
  });
  assert.equal(parse(['--web=8081']).web?.port, 8081);
  assert.equal(parse(['--web', '0']).web, null);
  assert.equal(parse(['--web', '--web-host', '0.0.0.0']).web, {
    host: '0.0.0.0',
    port: 8080,
    explicit: true,
  });
  assert.throws(() => webOptions('70000', undefined), /not a port/);
});

test('outside simulator mode the page is refused: an explicit --web is an error, npm start’s bare --web a warning', () => {
  const config = defaultConfig();
  const display = new SimDisplay({
    out: new TextSink().stream,
    pngPath: null,
    width: 480,
    height: 320,
    orientation: 'landscape',
    logger: silentLogger(),
  });
  const logger = silentLogger();
  const explicit = { host: '127.0.0.1', port: 9000, explicit: true };
  const err = (() => {
    try {
      mirrorForWeb(display, explicit, { simulator: false, config, logger });
    } catch (e) {
      return e as KioskError;
    }
    return null;
  })();
  assert.is(err?.code, 'usage');
  assert.match(err?.message ?? '', /simulator mode/);
  assert.is(
    mirrorForWeb(display, { ...explicit, explicit: false }, { simulator: false, config, logger }),
    display,
  );
  assert.ok(mirrorForWeb(display, explicit, { simulator: true, config, logger }) instanceof WebDisplay);
  assert.is(mirrorForWeb(display, null, { simulator: true, config, logger }), display);
});

test.run();
