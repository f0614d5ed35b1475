import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EVALUATION_STEPS } from '@cqo/policy';
import { AUDIT_ACTION_LABELS, auditActionLabel, auditObjectLabel } from '@cqo/contracts';

const ROOT = join(__dirname, '../../../..');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.spec.ts')) out.push(path);
  }
  return out;
}

/** Every literal action code the server, worker and CLI write to audit_log. */
function writtenActionCodes(): Set<string> {
  const codes = new Set<string>();
  const files = [...sources(join(ROOT, 'libs/server')), ...sources(join(ROOT, 'apps/api')), ...sources(join(ROOT, 'apps/worker')), ...sources(join(ROOT, 'apps/cli'))];
  for (const file of files) {
    // `v.action` is a column of AuditService's INSERT … SELECT, not a code.
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/action: '([a-z_]+(?:\.[a-z_-]+)+)'/g)) if (!m[1].startsWith('v.')) codes.add(m[1]);
    // A write through the unit of work names its action as `unitOfWork.run(actor, 'code', …)`.
    for (const m of text.matchAll(/\.run\(\s*[\w.?]+,\s*'([a-z_]+(?:\.[a-z_-]+)+)'/g)) codes.add(m[1]);
  }
  return codes;
}

describe('audit log labels (issue 20 item 6, 等保 2.0 8.1.4.3)', () => {
  it('names every action code the server writes, in zh-CN and en', () => {
    const codes = writtenActionCodes();
    expect(codes.size).toBeGreaterThan(30);
    for (const step of Object.keys(EVALUATION_STEPS)) codes.add(`evaluation.${step}`);
    for (const access of ['read', 'write']) codes.add(`access.${access}`);
    const unnamed = [...codes].filter((code) => !AUDIT_ACTION_LABELS[code]?.['zh-CN'] || !AUDIT_ACTION_LABELS[code]?.en);
    expect(unnamed).toEqual([]);
  });

  it('reads a sign-in as 登录 / Sign in, an unknown code as itself', () => {
    expect(auditActionLabel('auth.login', 'zh-CN')).toBe('登录');
    expect(auditActionLabel('auth.login', 'en')).toBe('Sign in');
    expect(auditActionLabel('something.new', 'zh-CN')).toBe('something.new');
  });

  it('names the object and shortens a UUID (not `session / 765f…`)', () => {
    expect(auditObjectLabel('session', '765f0c1e-7a0b-4c2a-9f51-0a3c3c9d2e11', 'zh-CN')).toBe('登录会话 #765f0c1e');
    expect(auditObjectLabel('route', 'GET /api/users', 'en')).toBe('Route GET /api/users');
    expect(auditObjectLabel(null, null, 'zh-CN')).toBe('—');
  });
});
