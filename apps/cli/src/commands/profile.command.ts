import { isIsoDate, profileRef } from '@cqo/policy';
import { AppException, Clock } from '@cqo/server-common';
import { ProfilesService } from '@cqo/server-eligibility';
import { withPolicyContext } from '../infra/policy-context';

/** `cqo profile list`: every version, which one is in force today, and the schedule. JSON on stdout. */
export async function profileListCommand(): Promise<void> {
  const out = await withPolicyContext(async (app) => {
    const c = await app.get(ProfilesService).catalogue();
    return {
      inForce: c.inForce,
      schedule: c.schedule.map((s) => ({ from: s.from, profile: s.profile })),
      profiles: c.profiles.map((p) => ({
        profile: profileRef(p),
        title: p.title,
        effectiveFrom: p.effectiveFrom,
        builtIn: p.builtIn,
        basedOn: p.basedOn,
        inForce: profileRef(p) === c.inForce,
        rules: p.rules.length,
      })),
    };
  });
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

/** `cqo profile use NAME[@VERSION] [--from YYYY-MM-DD]`: put a version in force from a date (default today). */
export async function profileUseCommand(ref: string, opts: { from?: string }): Promise<void> {
  if (opts.from !== undefined && !isIsoDate(opts.from)) {
    process.stderr.write(`--from must be a date like 2026-01-01, got "${opts.from}"\n`);
    process.exit(2);
  }
  try {
    const out = await withPolicyContext(async (app) => {
      const policy = app.get(ProfilesService);
      const profile = await policy.find(ref);
      if (!profile) throw new UsageError(`no profile version "${ref}"; see \`cqo profile list\``);
      const from = opts.from ?? app.get(Clock).today();
      const c = await policy.use({ cli: true }, profileRef(profile), from);
      return { used: profileRef(profile), from, inForce: c.inForce, schedule: c.schedule.map((s) => ({ from: s.from, profile: s.profile })) };
    });
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } catch (err) {
    if (err instanceof UsageError) fail(err.message);
    if (err instanceof AppException) fail((err.details.map((d) => d.message).join('；') || err.message));
    throw err;
  }
}

class UsageError extends Error {}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}
