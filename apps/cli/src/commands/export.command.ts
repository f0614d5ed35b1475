/** `cqo export attachment --region CODE --year Y [--as-of D] --out FILE.xlsx`. PLACEHOLDER (issue 7). */
export async function exportAttachmentCommand(_opts: { region: string; year?: string; asOf?: string; out: string }): Promise<void> {
  process.stderr.write('cqo export attachment: not implemented yet\n');
  process.exit(2);
}
