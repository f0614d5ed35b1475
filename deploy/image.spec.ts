import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

/**
 * The image and the compose stack (issue 21): a slim image — the runtime stage installs runtime
 * dependencies only (`npm ci --omit=dev`) and copies nothing but the built dist, whose web assets
 * the build stage made — and every package the server code loads at run time is a runtime
 * dependency (a devDependency would be missing in the image and crash it at start). Docker cannot
 * run on the test machines: these read the files.
 */
type Any = any;
const ROOT = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; optionalDependencies?: Record<string, string> };

/** The Dockerfile's stages: name → its instructions (continuation lines joined). */
function stages(): Map<string, string[]> {
  const text = readFileSync(join(__dirname, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const out = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) out.set(from[1] ?? `stage${out.size}`, (current = []));
    else current?.push(line.replace(/\s+/g, ' '));
  }
  return out;
}

describe('deploy/Dockerfile: a slim image', () => {
  const all = stages();
  const names = [...all.keys()];
  const runtime = all.get(names[names.length - 1])!;
  const build = all.get('build')!;

  it('the runtime stage (the last) installs production dependencies only, with npm ci --omit=dev', () => {
    expect(names[names.length - 1]).toBe('runtime');
    const installs = runtime.filter((l) => /\bnpm (ci|install|i)\b/.test(l));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatch(/npm ci --omit=dev\b/);
    // It checks its own result: the S3 SDK is there, the test S3 server and the web stack are not.
    expect(installs[0]).toMatch(/test -d node_modules\/@aws-sdk\/client-s3/);
    expect(installs[0]).toMatch(/! test -d node_modules\/s3rver/);
  });

  it('the runtime stage runs node in production with a 64 MB young generation (NODE_OPTIONS, issue 16: GC was 19 % of the api)', () => {
    const env = runtime.find((l) => l.startsWith('ENV '))!;
    expect(env).toContain('NODE_ENV=production');
    expect(env).toContain('NODE_OPTIONS=--max-semi-space-size=64');
  });

  it('the runtime stage copies the built dist from the build stage and no node_modules', () => {
    const copies = runtime.filter((l) => /^COPY --from=/.test(l));
    expect(copies).toEqual(['COPY --from=build /app/dist ./dist']);
    expect(runtime.some((l) => /node_modules/.test(l) && /^COPY/.test(l))).toBe(false);
    expect(runtime).toContain('USER node');
  });

  it('the build stage builds the server and the web assets (dist/apps/web)', () => {
    const make = build.find((l) => l.startsWith('RUN npm run build'));
    expect(make).toBeDefined();
    expect(make).toMatch(/test -f dist\/apps\/web\/index\.html/);
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.build).toBe('node tools/build.mjs');
  });

  it('@aws-sdk/client-s3 is a runtime dependency; s3rver and the build and test tools are devDependencies', () => {
    expect(pkg.dependencies['@aws-sdk/client-s3']).toBeDefined();
    expect(pkg.devDependencies['s3rver']).toBeDefined();
    for (const dev of ['s3rver', 'jest', 'vite', 'vue', 'element-plus', 'typescript', '@swc/core', 'playwright-core']) expect(`${dev}: ${pkg.dependencies[dev] ?? 'dev'}`).toBe(`${dev}: dev`);
  });

  it('every package the server code loads at run time is a runtime dependency', () => {
    const runtimeDeps = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies ?? {})]);
    const dirs = ['apps/api/src', 'apps/worker/src', 'apps/cli/src', 'libs/contracts/src', 'libs/policy/src', ...readdirSync(join(ROOT, 'libs/server')).map((d) => `libs/server/${d}/src`)];
    const missing = new Set<string>();
    for (const file of dirs.flatMap((d) => tsFiles(join(ROOT, d)))) {
      for (const spec of runtimeImports(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.') || spec.startsWith('@cqo/') || spec.startsWith('node:') || builtinModules.includes(spec)) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (!runtimeDeps.has(name)) missing.add(`${relative(ROOT, file)}: ${name}`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});

describe('deploy/compose.yaml: MinIO beside PostgreSQL and Redis', () => {
  // merge: the app services share their settings through YAML merge keys (<<: *app).
  const compose = parse(readFileSync(join(__dirname, 'compose.yaml'), 'utf8'), { merge: true }) as Any;
  const apps = ['migrate', 'api', 'worker'];

  it('runs MinIO with a volume and a health check, and the app services wait for it', () => {
    expect(compose.services.minio.image).toMatch(/^minio\/minio/);
    expect(compose.services.minio.volumes).toContain('miniodata:/data');
    expect(compose.services.minio.healthcheck.test).toBeDefined();
    for (const s of apps) expect(`${s}: ${compose.services[s].depends_on?.minio?.condition}`).toBe(`${s}: service_healthy`);
  });

  it('gives every app service the CQO_S3_* of that MinIO, and mounts no shared files volume', () => {
    for (const s of apps) {
      const env = compose.services[s].environment;
      expect(env).toMatchObject({ CQO_S3_ENDPOINT: 'http://minio:9000', CQO_S3_FORCE_PATH_STYLE: 'true' });
      for (const k of ['CQO_S3_BUCKET', 'CQO_S3_ACCESS_KEY_ID', 'CQO_S3_SECRET_ACCESS_KEY']) expect(env[k]).toBeTruthy();
      expect(env.CQO_FILES_DIR).toBeUndefined();
      expect(compose.services[s].volumes ?? []).toEqual([]);
    }
    expect(Object.keys(compose.volumes).sort()).toEqual(['miniodata', 'pgdata', 'redisdata']);
  });
});

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.spec.ts') ? [p] : [];
  });
}

/** Module specifiers that survive compilation: value imports, re-exports, require() and import(). */
function runtimeImports(source: string): string[] {
  const out: string[] = [];
  const patterns = [/^\s*import\s+(?!type\s)[^'";]*?\sfrom\s+['"]([^'"]+)['"]/gm, /^\s*import\s+['"]([^'"]+)['"]/gm, /^\s*export\s+(?!type\s)[^'";]*?\sfrom\s+['"]([^'"]+)['"]/gm, /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) for (const m of source.matchAll(re)) out.push(m[1]);
  return out;
}
