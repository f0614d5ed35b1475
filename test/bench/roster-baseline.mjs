#!/usr/bin/env node
// The roster import's raw floor (issue 16 bullet 5): exceljs streaming read of the sheet and
// `COPY … FROM STDIN` (pg-copy-streams) into a bare staging table (25 text columns, no
// constraints, no indexes), no validation. roster-import.bench.mjs runs it two ways each round:
//   - as its own process, `node test/bench/roster-baseline.mjs FILE DATABASE_URL`, timed like
//     `cqo import roster` from process start to exit (module loading and a cold JIT included);
//   - inside the bench's process (`baseline()`), timed from the COPY's start: after the first round
//     that process has exceljs loaded and its parser compiled, which no import ever has.
// As a process it prints `{rows, stored, seconds}` (seconds: the read and the COPY alone).
import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import { from as copyFrom } from 'pg-copy-streams';
import { withClient } from './with-client.mjs';

/** COPY's text format: backslash, tab, newline and carriage return escaped; null as \N. */
const copyField = (v) => (v === null ? '\\N' : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r'));

/** Reads `file`'s first sheet and COPYs every row after the header; `columns` is the template's column count. */
export async function baseline(databaseUrl, file, columns) {
  return withClient(databaseUrl, async (c) => {
    await c.query(`CREATE TABLE roster_staging (${Array.from({ length: columns }, (_, i) => `c${i} text`).join(', ')})`);
    const t0 = performance.now();
    const copy = c.query(copyFrom(`COPY roster_staging FROM STDIN`));
    const done = new Promise((resolve, reject) => {
      copy.on('finish', resolve);
      copy.on('error', reject);
    });
    let rows = 0;
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', worksheets: 'emit' });
    let first = true;
    // Lines go out in chunks of 64 Ki characters, as the import's COPY sends them: pg-copy-streams
    // writes every chunk it is given to the socket as its own CopyData message (two writes), so one
    // write a row made 200,000 socket writes, about 3 s of the floor (until 2026-12-05).
    let buffer = '';
    for await (const ws of reader) {
      for await (const row of ws) {
        if (!first || row.number === 1) continue;
        const fields = [];
        for (let i = 0; i < columns; i += 1) {
          const v = row.getCell(i + 1).value;
          fields.push(copyField(v === null || v === undefined ? null : String(v)));
        }
        rows += 1;
        buffer += fields.join('\t') + '\n';
        if (buffer.length >= 1 << 16) {
          const ok = copy.write(buffer);
          buffer = '';
          if (!ok) await new Promise((r) => copy.once('drain', r));
        }
      }
      first = false;
    }
    copy.end(buffer);
    await done;
    const seconds = (performance.now() - t0) / 1000;
    const [{ n: stored }] = (await c.query(`SELECT count(*)::int AS n FROM roster_staging`)).rows;
    return { wallSeconds: Number(seconds.toFixed(2)), rows, stored };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, databaseUrl, columns] = process.argv.slice(2);
  const out = await baseline(databaseUrl, file, Number(columns));
  process.stdout.write(JSON.stringify(out) + '\n');
}
