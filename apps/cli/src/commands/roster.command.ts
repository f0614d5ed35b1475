/** `cqo import roster FILE [--keep-valid] [--dry-run]`. PLACEHOLDER (issue 7). */
export async function importRosterCommand(_file: string, _opts: { keepValid?: boolean; dryRun?: boolean }): Promise<void> {
  process.stderr.write('cqo import roster: not implemented yet\n');
  process.exit(2);
}
