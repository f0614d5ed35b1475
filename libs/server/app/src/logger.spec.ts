import pino from 'pino';
import { Writable } from 'node:stream';
import { loadConfig } from '@cqo/server-common';
import { loggerOptions } from './logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  const opts = loggerOptions(loadConfig({ DATABASE_URL: 'postgres://x', LOG_LEVEL: 'info' } as NodeJS.ProcessEnv));
  return { logger: pino(opts, stream), text: () => lines.join('') };
}

describe('structured logs', () => {
  it('never contain passwords, tokens or full phone numbers', () => {
    const { logger, text } = capture();
    logger.info(
      {
        req: { id: 1, method: 'POST', url: '/api/enterprises?phone=13812345678&token=tok-123', headers: { authorization: 'Bearer eyJsecret' } },
        password: 'S3cret!pass',
        body: { password: 'S3cret!pass', accessToken: 'eyJsecret' },
      },
      'user 13912345678 signed in',
    );
    const out = text();
    expect(out).not.toContain('S3cret!pass');
    expect(out).not.toContain('eyJsecret');
    expect(out).not.toContain('tok-123');
    expect(out).not.toContain('13812345678');
    expect(out).not.toContain('13912345678');
    expect(out).toContain('139****5678');
    expect(out).toContain('138****5678');
    expect(() => JSON.parse(out)).not.toThrow(); // one JSON object per line
  });
});
