import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The built `cqo` loads a command's libraries only when that command runs (issue 16: the roster
 * import's start-up). Before, every command loaded every command's libraries: `cqo --help` took
 * 1.3 s and loaded about 2,850 modules, the database stack and the AWS SDK among them.
 */
const run = promisify(execFile);
const CLI = join(__dirname, '../../dist/apps/cli/src/main.js');

/** Runs the CLI with a preload that notes, at exit, the packages the process loaded. */
async function packagesLoaded(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string; packages: Set<string> }> {
  const out = join(dir, `loaded-${args.join('-').replace(/\W/g, '')}.json`);
  const preload = join(dir, 'preload.cjs');
  await writeFile(
    preload,
    `process.on('exit', () => {
       const names = Object.keys(require.cache).map((f) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(f)?.[1]).filter(Boolean);
       require('node:fs').writeFileSync(process.env.CQO_LOADED_FILE, JSON.stringify([...new Set(names)]));
     });`,
  );
  const env = { ...process.env, NODE_ENV: 'test', CQO_LOADED_FILE: out };
  const r: { code?: number; stdout: string; stderr: string } = await run(process.execPath, ['-r', preload, CLI, ...args], { env }).catch((e) => e);
  return { code: r.code ?? 0, stdout: r.stdout, stderr: r.stderr, packages: new Set(JSON.parse(await readFile(out, 'utf8')) as string[]) };
}

describe('cqo start-up: each command loads its own libraries', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cqo-cli-startup-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('`cqo --help` lists every command without loading Nest, TypeORM, exceljs or the AWS SDK', async () => {
    const { code, stdout, packages } = await packagesLoaded(dir, ['--help']);
    expect(code).toBe(0);
    for (const command of ['migrate', 'seed:demo', 'import', 'export', 'grade', 'backup', 'start']) expect(stdout).toContain(command);
    for (const heavy of ['@nestjs/core', 'typeorm', 'pg', 'exceljs', '@aws-sdk/client-s3', 'bull']) expect(packages).not.toContain(heavy);
  });

  it('`cqo grade` (SPEC §9, pure) answers without loading the database stack', async () => {
    const sheet = join(dir, 'sheet.json');
    await writeFile(sheet, JSON.stringify({ scores: {} }));
    const { code, stdout, packages } = await packagesLoaded(dir, ['grade', '--scheme', 'hunan', '--sheet', sheet]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ total: 0, grade: null });
    for (const heavy of ['typeorm', 'pg', '@nestjs/typeorm', 'exceljs', '@aws-sdk/client-s3']) expect(packages).not.toContain(heavy);
  });

  it('`cqo import roster` loads exceljs and the database stack, but not the AWS SDK while files are kept in a folder', async () => {
    // A missing file: the command's libraries are loaded, then the path is refused (exit 2).
    const r = await packagesLoaded(dir, ['import', 'roster', join(dir, 'none.xlsx')]);
    expect(r).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read') });
    for (const needed of ['exceljs', 'typeorm', '@nestjs/core']) expect(r.packages).toContain(needed);
    expect(r.packages).not.toContain('@aws-sdk/client-s3');
  });
});
