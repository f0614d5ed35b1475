import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';

/**
 * Issue 20 item 13 (a light first load): the api's dashboard handler sends the build's
 * pre-compressed twins (tools/build.mjs writes x.js.br and x.js.gz) with the right Content-Encoding
 * when the browser accepts it, caches hashed assets for a year as immutable, and never lets a
 * browser keep index.html without asking.
 */
describe('dashboard files: pre-compressed, cached immutably when hashed (issue 20 item 13)', () => {
  let t: TestApp;
  let web: string;
  const script = `export const rows = [${Array.from({ length: 400 }, (_, i) => `{"id":${i},"name":"企业${i}"}`).join(',')}];\n`;
  const style = `.a{color:#333}\n`.repeat(200);

  beforeAll(async () => {
    web = mkdtempSync(join(tmpdir(), 'cqo-web-'));
    mkdirSync(join(web, 'assets'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><html><body><div id="app"></div></body></html>');
    writeFileSync(join(web, 'assets/index-Bu4KE2nS.js'), script);
    writeFileSync(join(web, 'assets/index-Bu4KE2nS.js.br'), brotliCompressSync(script));
    writeFileSync(join(web, 'assets/index-Bu4KE2nS.js.gz'), gzipSync(script));
    // Only a gzip twin: a brotli-accepting browser gets gzip.
    writeFileSync(join(web, 'assets/style-CH8iIfFl.css'), style);
    writeFileSync(join(web, 'assets/style-CH8iIfFl.css.gz'), gzipSync(style));
    writeFileSync(join(web, 'robots.txt'), 'User-agent: *\n');
    t = await createTestApp({ config: testConfig({ CQO_WEB_DIST: web }), serveWeb: true });
    await t.app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await t?.close();
    rmSync(web, { recursive: true, force: true });
  });

  interface Raw {
    status: number;
    headers: IncomingHttpHeaders;
    body: Buffer;
  }
  /** The bytes on the wire, as a browser receives them (supertest would decode them). */
  const get = (path: string, acceptEncoding = 'identity'): Promise<Raw> =>
    new Promise((resolveRaw, reject) => {
      const { port } = t.app.getHttpServer().address() as AddressInfo;
      httpGet({ host: '127.0.0.1', port, path, headers: { 'Accept-Encoding': acceptEncoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolveRaw({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });

  it('sends brotli to a browser that accepts br, with the script type and a year of immutable caching', async () => {
    const res = await get('/assets/index-Bu4KE2nS.js', 'gzip, deflate, br, zstd');
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(res.headers['vary']).toMatch(/Accept-Encoding/i);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(res.body).toString()).toBe(script);
    expect((res.body).length).toBeLessThan(Buffer.byteLength(script) / 3);
  });

  it('sends gzip to a browser that accepts gzip only, or refuses br with q=0', async () => {
    for (const accept of ['gzip', 'br;q=0, gzip']) {
      const res = await get('/assets/index-Bu4KE2nS.js', accept);
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(res.body).toString()).toBe(script);
    }
    const css = await get('/assets/style-CH8iIfFl.css', 'br, gzip');
    expect(css.headers['content-encoding']).toBe('gzip');
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(gunzipSync(css.body).toString()).toBe(style);
  });

  it('sends the file itself to a client that accepts no encoding, still varying on Accept-Encoding', async () => {
    const res = await get('/assets/index-Bu4KE2nS.js');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['vary']).toMatch(/Accept-Encoding/i);
    expect((res.body).toString()).toBe(script);
  });

  it('revalidates index.html and files without a hash in their name', async () => {
    for (const path of ['/', '/overview', '/my/cqo/filing']) {
      const res = await get(path, 'br, gzip');
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect((res.body).toString()).toContain('<div id="app">');
    }
    const robots = await get('/robots.txt', 'br, gzip');
    expect(robots.headers['cache-control']).toBe('no-cache');
    expect(robots.headers['content-encoding']).toBeUndefined();
  });

  it('leaves the api alone: an api path never gets a dashboard file or its encoding', async () => {
    const res = await get('/api/health', 'br, gzip');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['cache-control']).not.toBe('public, max-age=31536000, immutable');
  });
});
