import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { NextFunction, Request, Response } from 'express';
import { loadConfig } from '@cqo/server-common';
import { loggerOptions } from './logger';
import { requestLogging, SLOW_REQUEST_MS } from './request-logger';

function setup(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...chunk.toString().trim().split('\n').map((l: string) => JSON.parse(l)));
      cb();
    },
  });
  const root = pino(loggerOptions(loadConfig({ DATABASE_URL: 'postgres://x', LOG_LEVEL: level } as NodeJS.ProcessEnv)), stream);
  const child = jest.spyOn(root, 'child');
  const mw = requestLogging(root);
  const serve = (url: string) => {
    const req = { method: 'GET', url, originalUrl: url, headers: { authorization: 'Bearer eyJsecret' }, socket: { remoteAddress: '127.0.0.1' } } as unknown as Request & { id: number; log: pino.Logger };
    const res = Object.assign(new EventEmitter(), { statusCode: 200, writableFinished: true }) as unknown as Response;
    mw(req, res, (() => undefined) as NextFunction);
    const end = (status: number) => {
      res.statusCode = status;
      res.emit('finish');
      res.emit('close'); // what Node does after 'finish'
    };
    return { req, end };
  };
  return { lines, child, serve };
}

describe('request logging', () => {
  it('gives every request an id and serialises nothing for a fast successful one', () => {
    const { lines, child, serve } = setup();
    const a = serve('/api/stats/dashboard');
    const b = serve('/api/stats/dashboard');
    a.end(200);
    b.end(404);
    expect(b.req.id).toBe(a.req.id + 1);
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
  });

  it('logs a failed request with its id, method and URL, and never its headers', () => {
    const { lines, serve } = setup();
    const r = serve('/api/enterprises?phone=13812345678&token=tok-1');
    r.req.log.error('boom while serving'); // what the exception filter's Nest logger does
    r.end(500);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.req).toEqual({ id: r.req.id, method: 'GET', url: '/api/enterprises?phone=138****5678&token=[redacted]', remoteAddress: '127.0.0.1' });
    }
    expect(lines[0]).toMatchObject({ level: 50, msg: 'boom while serving' });
    expect(lines[1]).toMatchObject({ level: 40, msg: 'request failed', res: { statusCode: 500 } });
    expect(JSON.stringify(lines)).not.toContain('eyJsecret');
  });

  it('logs a slow request as a warning', () => {
    const { lines, serve } = setup();
    const now = jest.spyOn(performance, 'now');
    now.mockReturnValueOnce(0);
    const r = serve('/api/stats/dashboard');
    now.mockReturnValueOnce(SLOW_REQUEST_MS + 1);
    r.end(200);
    now.mockRestore();
    expect(lines).toEqual([expect.objectContaining({ level: 40, msg: 'slow request', responseTime: SLOW_REQUEST_MS + 1 })]);
  });

  it('logs every request at LOG_LEVEL=debug', () => {
    const { lines, serve } = setup('debug');
    serve('/api/health').end(200);
    expect(lines).toEqual([expect.objectContaining({ level: 20, msg: 'request completed', res: { statusCode: 200 } })]);
  });
});
